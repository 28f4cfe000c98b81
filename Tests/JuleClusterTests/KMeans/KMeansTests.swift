import XCTest
@testable import JuleCluster

final class KMeansTests: XCTestCase {
    func testSeparatedBlobsAndDeterminism() throws {
        let (x, truth) = TestData.blobs(clusters: 5, perCluster: 80, dimension: 6, spread: 1, seed: 71)
        let a = try KMeans(clusters: 5, seed: 3).fit(features: x, count: 400, dimension: 6)
        let b = try KMeans(clusters: 5, seed: 3).fit(features: x, count: 400, dimension: 6)
        XCTAssertEqual(a, b)
        XCTAssertEqual(Set(a).count, 5)
        XCTAssertEqual(ClusterMetrics.adjustedRandIndex(truth: truth, predicted: a), 1, accuracy: 1e-12)
        XCTAssertThrowsError(try KMeans(clusters: 0, seed: 1).fit(features: x, count: 400, dimension: 6))
        // Duplicated points and k = N still work (empty clusters are re-seeded, never NaN).
        let tiny: [Float] = [0, 0, 0, 0, 1, 1]
        let labels = try KMeans(clusters: 3, seed: 1).fit(features: tiny, count: 3, dimension: 2)
        XCTAssertEqual(labels.count, 3)
    }
}
