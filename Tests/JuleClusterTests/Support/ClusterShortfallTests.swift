import XCTest
@testable import JuleCluster

/// The shortfall warning says what it measured: duplicates, n* above N/2, nearest-neighbour ties or chains; it never
/// calls random or equidistant images "near-identical".
final class ClusterShortfallTests: XCTestCase {
    private let firstStep = "the first step, the 1-NN components,"

    /// 100 black images with one white pixel each (unit basis vectors after scaling): every pair at distance √2.
    func testEquidistantImagesAreNamedAsTies() throws {
        let count = 100, dimension = 256
        var rows = [Float](repeating: 0, count: count * dimension)
        for i in 0..<count { rows[i * dimension + i] = 1 }
        let shortfall = try XCTUnwrap(ClusterShortfall(labels: [Int](repeating: 0, count: count), target: 3))
        let text = shortfall.nearestNeighbourExplanation(rows: rows, dimension: dimension, feature: "vector",
                                                         firstStep: firstStep, initialClusters: 1)
        XCTAssertTrue(text.hasPrefix("ended with 1 cluster, fewer than n* = 3: the first step, the 1-NN components, joined them into 1: "
                                     + "100 of the 100 images have several nearest neighbours at the same distance"), text)
        XCTAssertFalse(text.contains("near-identical"), text)
    }

    /// Uniform noise with n* = 299 of 300: 1-NN components hold 2 images at least, so at most 150 of them.
    func testTargetAboveHalfTheImagesIsNamed() throws {
        let count = 300, dimension = 12
        let rows = TestData.uniform(count: count, dimension: dimension, seed: 3)
        let shortfall = try XCTUnwrap(ClusterShortfall(labels: (0..<count).map { $0 % 30 }, target: 299))
        let text = shortfall.nearestNeighbourExplanation(rows: rows, dimension: dimension, feature: "vector",
                                                         firstStep: firstStep, initialClusters: 30)
        XCTAssertTrue(text.contains("joined them into 30; every image joins its nearest neighbour's component, so 300 images give at most 150 components"), text)
        XCTAssertTrue(text.contains("give n* ≤ 150"), text)
        XCTAssertFalse(text.contains("near-identical"), text)
    }

    /// Distinct random rows with a reachable n*: neither ties nor duplicates, so the chains are named.
    func testOtherwiseChainsAreNamed() throws {
        let count = 40, dimension = 6
        let rows = TestData.uniform(count: count, dimension: dimension, seed: 4)
        XCTAssertEqual(ClusterShortfall.tiedImages(rows: rows, count: count, dimension: dimension), 0)
        let shortfall = try XCTUnwrap(ClusterShortfall(labels: (0..<count).map { $0 % 5 }, target: 10))
        let text = shortfall.nearestNeighbourExplanation(rows: rows, dimension: dimension, feature: "vector",
                                                         firstStep: firstStep, initialClusters: 5)
        XCTAssertTrue(text.contains("chains of nearest neighbours left fewer than n*"), text)
    }

    /// Identical rows: the duplicates sentence comes first, whatever else holds.
    func testDuplicatesComeFirst() throws {
        let rows = [Float](repeating: 0.5, count: 4 * 3)
        let shortfall = try XCTUnwrap(ClusterShortfall(labels: [0, 0, 0, 0], target: 3))
        XCTAssertEqual(shortfall.nearestNeighbourExplanation(rows: rows, dimension: 3, feature: "vector", firstStep: firstStep,
                                                             initialClusters: 1),
                       "ended with 1 cluster, fewer than n* = 3: the 4 images give only 1 distinct vector, and identical ones always share a cluster")
    }
}
