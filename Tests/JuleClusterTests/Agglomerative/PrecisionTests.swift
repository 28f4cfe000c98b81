import XCTest
@testable import JuleCluster

/// Float32 affinities (§15.1) and the K_s doubling kept into RC (§15.2).
final class PrecisionTests: XCTestCase {
    /// 200 points on a fine grid and one far pair: the pair's 6 far edges are under 1% of all 808, so their d²/σ²
    /// is above 104 and their weights, positive in double, are exactly 0 in float.
    private func gridWithFarPair() -> [Float] {
        var x: [Float] = []
        for i in 0..<200 { x += [Float(i % 20) * 0.001, Float(i / 20) * 0.001] }
        return x + [0.5, 0.5, 0.5, 0.501]
    }

    func testWeightsUnderflowOnlyInSinglePrecision() {
        let x = gridWithFarPair()
        let nn = NearestNeighbours.compute(features: x, count: 202, dimension: 2, neighbourCount: 4)
        let double = SampleGraph(neighbours: nn, precision: .double)
        let single = SampleGraph(neighbours: nn, precision: .single)
        let pairRows = (200 * 4)..<(202 * 4)
        XCTAssertTrue(pairRows.contains { double.outWeights[$0] > 0 && double.outWeights[$0] < 1e-46 })
        XCTAssertTrue(pairRows.contains { single.outWeights[$0] == 0 })
        for (d, s) in zip(double.outWeights, single.outWeights) {
            XCTAssertEqual(s, Double(Float(s)), "single weights are floats")
            if s > 1e-30 { XCTAssertEqual(s, d, accuracy: d * 1e-4) }
        }
    }

    /// Weights of 1e-25 are floats, but their products (1e-50) are not: a cluster linked to the rest only through
    /// such edges has positive GDL affinity in double and none in float, i.e. it is isolated (§15.1).
    func testIsolatedOnlyInSinglePrecision() throws {
        // Three points near (0, 0), three near (1, 0), a pair at (0.5, 0.6): with K 4 every group links to the pair
        // in both directions.
        let x: [Float] = [0, 0, 0, 0.01, 0.01, 0, 1, 0, 1, 0.01, 0.99, 0, 0.5, 0.6, 0.5, 0.601]
        let nn = NearestNeighbours.compute(features: x, count: 8, dimension: 2, neighbourCount: 4)
        let weights = nn.squaredDistances.map { $0 > 0.1 ? 1e-25 : 0.9 }
        let graph = SampleGraph(neighbours: nn, weights: weights, sigmaSquared: 1)
        let labels = [0, 0, 0, 1, 1, 1, 2, 2]
        let double = AffinityGraph(graph: graph, labels: labels, clusterCount: 3)
        let single = AffinityGraph(graph: graph, labels: labels, clusterCount: 3, precision: .single)
        XCTAssertFalse(double.isIsolated(2))
        XCTAssertGreaterThan(double.affinity[2].values.max() ?? 0, 0)
        XCTAssertTrue(single.isIsolated(2))
        XCTAssertTrue(single.affinity[2].isEmpty)
    }

    /// `cluster(neighbourCount:)` starts RC with the K_s it is given (Caffe keeps a doubled K_s).
    func testClusterStartsFromTheGivenNeighbourCount() throws {
        let (x, _) = TestData.blobs(clusters: 3, perCluster: 30, dimension: 4, spread: 1, seed: 7)
        let clusterer = AgglomerativeClusterer(configuration: ClusteringConfiguration(neighbourCount: 5))
        var first: PeriodResult?
        _ = try clusterer.cluster(features: x, count: 90, dimension: 4, target: 3, neighbourCount: 10) { first = first ?? $0 }
        XCTAssertEqual(first?.neighbourCount, 10)
    }

    /// The far pair is isolated (no grid point points at it); with pre-merge off the merges run dry before one
    /// cluster is left and K_s doubles, in float as in double.
    func testSinglePrecisionIsolationDoublesNeighbours() throws {
        let x = gridWithFarPair()
        func periods(_ precision: AffinityPrecision) -> [PeriodResult] {
            var c = ClusteringConfiguration(neighbourCount: 4, unrollingRate: 1, isolatedPremerge: false)
            c.precision = precision
            var periods: [PeriodResult] = []
            _ = try? AgglomerativeClusterer(configuration: c).cluster(features: x, count: 202, dimension: 2, target: 1) {
                periods.append($0)
            }
            return periods
        }
        let single = periods(.single)
        XCTAssertTrue(single.contains { $0.stoppedOnZeroAffinity && $0.neighbourCount == 8 }, "\(single.map(\.neighbourCount))")
    }
}
