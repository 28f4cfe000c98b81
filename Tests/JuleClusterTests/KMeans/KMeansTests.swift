import Foundation
import XCTest
@testable import JuleCluster
import JuleData

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

    /// The assignment products go through the caller's GEMM (the portable one in `jule cluster --portable`): OpenBLAS's
    /// kernel depends on the processor, and nothing re-checks k-means' products. The scores use the caller's logarithm.
    func testAssignmentUsesTheGivenProductAndScoresTheGivenFunctions() throws {
        let (x, truth) = TestData.blobs(clusters: 4, perCluster: 30, dimension: 5, spread: 1, seed: 5)
        let calls = CallCounter()
        let counting = MatrixProduct(name: "counting") { m, n, k, alpha, a, lda, b, ldb, c in
            calls.add()
            MatrixProduct.openBLAS.multiply(m, n, k, alpha, a, lda, b, ldb, c)
        }
        let direct = try KMeans(clusters: 4, seed: 2).fit(features: x, count: 120, dimension: 5)
        XCTAssertEqual(try KMeans(clusters: 4, seed: 2, product: counting).fit(features: x, count: 120, dimension: 5), direct)
        XCTAssertGreaterThan(calls.value, 0)
        let result = try BaselineClusterer(method: .kmeans, seed: 2, product: counting, functions: .portable)
            .run(features: x, dimension: 5, truth: truth, name: "blobs", clusters: 4)
        XCTAssertEqual(result.labels, direct)
        XCTAssertEqual(result.evaluation.nmi, ClusterMetrics.normalizedMutualInformation(truth: truth, predicted: direct, functions: .portable))
    }
}

private final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
