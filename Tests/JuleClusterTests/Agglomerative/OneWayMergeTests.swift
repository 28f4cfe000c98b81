import JuleData
import XCTest
@testable import JuleCluster

/// The labelled improvement `rcOneWayMerge` on a hand-made K_s = 2 graph that has the shape of the MNIST-full
/// collapse (results/README.md): two classes A = 0…5 and B = 6…11 joined by one mutual edge 5 ↔ 6, and a pair
/// {12, 13} of mutual nearest neighbours whose other edges point into A (12 → 0, 13 → 1) while only 2 → 12 points
/// back. No sample outside the pair links back to it through a path pair → m → pair, so D(pair → Y) = 0 for every Y
/// and its affinity to A is D(A → pair)/|A|² alone.
final class OneWayMergeTests: XCTestCase {
    private let a = [0, 1, 2, 3, 4, 5], b = [6, 7, 8, 9, 10, 11], pair = [12, 13]

    /// (neighbour, d²) of each sample, nearest first.
    private var graph: SampleGraph {
        let edges: [[(Int32, Double)]] = [
            [(1, 1), (2, 1)], [(0, 1), (2, 1)], [(3, 1), (12, 2)], [(2, 1), (4, 1)], [(3, 1), (5, 1)], [(6, 0.5), (4, 1)],
            [(5, 0.5), (7, 1)], [(6, 1), (8, 1)], [(7, 1), (9, 1)], [(8, 1), (10, 1)], [(9, 1), (11, 1)], [(10, 1), (9, 1)],
            [(13, 0.5), (0, 2)], [(12, 0.5), (1, 2)],
        ]
        let neighbours = NearestNeighbours(count: edges.count, neighbourCount: 2, indices: edges.flatMap { $0.map(\.0) },
                                           squaredDistances: edges.flatMap { $0.map(\.1) })
        return SampleGraph(neighbours: neighbours)
    }

    private var labels: [Int] { (0..<14).map { a.contains($0) ? 0 : b.contains($0) ? 1 : 2 } }

    func testOnlyThePairIsOneWay() {
        let g = AffinityGraph(graph: graph, labels: labels, clusterCount: 3)
        XCTAssertEqual((0..<3).map { g.isOneWay($0) }, [false, false, true])
        XCTAssertGreaterThan(g.directed(0, 2), 0, "A reaches the pair (2 → 12 → 0)")
        XCTAssertEqual(g.directed(2, 0), 0)
        XCTAssertEqual(g.strongestPartner(of: 2), 0)
        XCTAssertEqual(g.strongestPartner(of: 0), 1, "A's strongest tie is B, which is what goes wrong without the rule")
        // An isolated cluster (no D either way) is not one-way: that case is §3.4's pre-merge.
        let isolated = AffinityGraph(graph: graph, labels: labels.enumerated().map { $0.offset == 11 ? 3 : $0.element },
                                     clusterCount: 4)
        XCTAssertFalse(isolated.isOneWay(3))
    }

    /// Without the rule the one merge to n* = 2 joins A and B and leaves the pair; with it the pair joins A first
    /// (outside the budget, which then is 0) and A and B stay apart.
    func testThePairJoinsItsClassInsteadOfTwoClassesMerging() throws {
        let clusterer = AgglomerativeClusterer(configuration: ClusteringConfiguration(neighbourCount: 2))
        let features = [Float](repeating: 0, count: 14)
        let plain = try clusterer.mergePeriod(graph: graph, features: features, dimension: 1, labels: labels, target: 2)
        XCTAssertEqual(plain.oneWayMerges, 0)
        XCTAssertEqual(plain.merges, 1)
        XCTAssertEqual(plain.labels[0], plain.labels[6], "A and B merged")
        XCTAssertNotEqual(plain.labels[12], plain.labels[0])

        let fixed = try clusterer.mergePeriod(graph: graph, features: features, dimension: 1, labels: labels, target: 2,
                                              absorbOneWay: true)
        XCTAssertEqual(fixed.oneWayMerges, 1)
        XCTAssertEqual(fixed.budget, 0)
        XCTAssertEqual(fixed.merges, 0)
        XCTAssertEqual(fixed.clusters, 2)
        XCTAssertEqual(Set(a.map { fixed.labels[$0] } + pair.map { fixed.labels[$0] }).count, 1)
        XCTAssertEqual(Set(b.map { fixed.labels[$0] }).count, 1)
        XCTAssertNotEqual(fixed.labels[0], fixed.labels[6])
    }

    /// The rule never takes the count below n*, and `cluster` (the JULE-RC path) applies it only when configured.
    func testStopsAtTargetAndFollowsTheConfiguration() throws {
        let clusterer = AgglomerativeClusterer(configuration: ClusteringConfiguration(neighbourCount: 2))
        let features = [Float](repeating: 0, count: 14)
        let atTarget = try clusterer.mergePeriod(graph: graph, features: features, dimension: 1, labels: labels,
                                                 target: 3, absorbOneWay: true)
        XCTAssertEqual(atTarget.oneWayMerges, 0)
        XCTAssertEqual(atTarget.clusters, 3)

        // K_s = 3 on random blobs leaves anti-hub groups in the initial components, so the rule has work to do.
        let (x, _) = TestData.blobs(clusters: 3, perCluster: 60, dimension: 4, spread: 1, seed: 7)
        var seen: [[Int]] = []
        for enabled in [false, true] {
            var configuration = ClusteringConfiguration(neighbourCount: 3)
            configuration.rcOneWayMerge = enabled
            var counts: [Int] = []
            let out = try AgglomerativeClusterer(configuration: configuration).cluster(features: x, count: 180, dimension: 4,
                                                                                      target: 3) { p in
                counts.append(p.oneWayMerges)
                XCTAssertEqual(p.clusters, p.startClusters - p.premerges - p.oneWayMerges - p.merges)
            }
            XCTAssertEqual(Set(out).count, 3)
            seen.append(counts)
        }
        XCTAssertEqual(Set(seen[0]), [0], "off by default")
        XCTAssertGreaterThan(seen[1].reduce(0, +), 0, "on: some one-way cluster was merged")
    }

    /// A small class far from the rest is isolated (no edge in either direction), not one-way: the rule leaves it
    /// alone and it stays a cluster of its own, as without the rule. (On imbalanced blobs with the small class nearer,
    /// 3–10 σ away and 5–30 images, the rule found no one-way cluster at all: results are the default's.)
    func testADistantSmallClassStaysItsOwnCluster() throws {
        var rng = SeededGenerator(seed: 11)
        var x = [Float](), truth = [Int]()
        let centres: [[Double]] = [[0, 0, 0], [10, 0, 0], [0, 10, 0], [0, 0, 10]]
        for (c, n) in [300, 300, 300, 10].enumerated() {
            for _ in 0..<n {
                for t in 0..<3 { x.append(Float(centres[c][t] + rng.nextGaussian())) }
                truth.append(c)
            }
        }
        var configuration = ClusteringConfiguration(neighbourCount: 20)
        configuration.rcOneWayMerge = true
        let labels = try AgglomerativeClusterer(configuration: configuration).cluster(features: x, count: truth.count,
                                                                                      dimension: 3, target: 4)
        XCTAssertEqual(ClusterMetrics.adjustedRandIndex(truth: truth, predicted: labels), 1)
    }
}
