import XCTest
@testable import JuleCluster

final class AgglomerativeClustererTests: XCTestCase {
    func testRecoversSeparatedBlobs() throws {
        let (x, truth) = TestData.blobs(clusters: 6, perCluster: 50, dimension: 8, spread: 1, seed: 51)
        let clusterer = AgglomerativeClusterer(configuration: ClusteringConfiguration(neighbourCount: 10))
        var periods = [PeriodResult]()
        let labels = try clusterer.cluster(features: x, count: 300, dimension: 8, target: 6) { periods.append($0) }
        XCTAssertEqual(Set(labels).count, 6)
        XCTAssertEqual(ClusterMetrics.adjustedRandIndex(truth: truth, predicted: labels), 1)
        // Unrolling: each period does T = min(⌈η·n⌉, n − n*) merges from its n (after pre-merges).
        XCTAssertFalse(periods.isEmpty)
        for p in periods where !p.stoppedOnZeroAffinity {
            let n = p.startClusters - p.premerges
            XCTAssertEqual(p.budget, min(Int((0.9 * Double(n)).rounded(.up)), n - 6))
            XCTAssertEqual(p.merges, p.budget)
            XCTAssertEqual(p.clusters, n - p.merges)
        }
        XCTAssertEqual(periods.last?.clusters, 6)
    }

    func testSameInputSameLabelsAcrossWorkerCounts() throws {
        let (x, _) = TestData.blobs(clusters: 4, perCluster: 120, dimension: 5, spread: 3, seed: 52)
        var c1 = ClusteringConfiguration(); c1.workers = 1
        var c2 = ClusteringConfiguration(); c2.workers = 2
        let a = try AgglomerativeClusterer(configuration: c1).cluster(features: x, count: 480, dimension: 5, target: 4)
        let b = try AgglomerativeClusterer(configuration: c2).cluster(features: x, count: 480, dimension: 5, target: 4)
        let c = try AgglomerativeClusterer(configuration: c2).cluster(features: x, count: 480, dimension: 5, target: 4)
        XCTAssertEqual(a, b)
        XCTAssertEqual(b, c)
    }

    func testEveryVariantReachesTheTarget() throws {
        let (x, truth) = TestData.blobs(clusters: 5, perCluster: 40, dimension: 6, spread: 1.5, seed: 53)
        for score in MergeScore.allCases {
            for update in AffinityUpdate.allCases {
                for cap in [nil, 51] as [Int?] {
                    let configuration = ClusteringConfiguration(neighbourCount: 8, mergeScore: score, affinityUpdate: update,
                                                                chainCap: cap)
                    let labels = try AgglomerativeClusterer(configuration: configuration)
                        .cluster(features: x, count: 200, dimension: 6, target: 5)
                    XCTAssertEqual(Set(labels).count, 5, "\(score) \(update) \(String(describing: cap))")
                    XCTAssertGreaterThan(ClusterMetrics.normalizedMutualInformation(truth: truth, predicted: labels), 0.9)
                }
            }
        }
    }

    func testZeroAffinityDoublesNeighboursOrThrows() throws {
        // Three tight, far-apart groups of 4: with K_s = 2 no cross-group edge exists, so after the groups are
        // merged internally no positive affinity is left above 3 clusters.
        var x = [Float]()
        for g in 0..<3 { for s in 0..<4 { x += [Float(g * 100) + Float(s) * 0.01, Float(s % 2) * 0.013] } }
        let labels = Array(0..<12)
        let doubling = AgglomerativeClusterer(configuration: ClusteringConfiguration(
            neighbourCount: 2, unrollingRate: 1, isolatedPremerge: false))
        let p = try doubling.mergePeriod(features: x, count: 12, dimension: 2, labels: labels, target: 1, neighbourCount: 2)
        XCTAssertTrue(p.stoppedOnZeroAffinity)
        XCTAssertEqual(p.neighbourCount, 4)
        XCTAssertEqual(p.clusters, 3)
        XCTAssertEqual(Set(p.labels[0..<4]).count, 1)
        // The one-shot driver keeps doubling K_s until the groups link, then reaches the target.
        let all = try doubling.cluster(features: x, count: 12, dimension: 2, target: 1)
        XCTAssertEqual(Set(all), [0])

        let strict = AgglomerativeClusterer(configuration: ClusteringConfiguration(
            neighbourCount: 2, unrollingRate: 1, isolatedPremerge: false, onZeroAffinity: .error))
        XCTAssertThrowsError(try strict.mergePeriod(features: x, count: 12, dimension: 2, labels: labels, target: 1,
                                                    neighbourCount: 2)) { error in
            XCTAssertTrue("\(error)".contains("no positive cluster affinity"))
        }
    }

    func testIsolatedPremergeJoinsNearestCentroid() throws {
        // With K_s = 1 every edge stays inside its 1-NN component, so every initial cluster is isolated (§3.4).
        let (x, truth) = TestData.blobs(clusters: 2, perCluster: 200, dimension: 3, spread: 0.5, seed: 54)
        let clusterer = AgglomerativeClusterer(configuration: ClusteringConfiguration(neighbourCount: 1))
        let initial = clusterer.initialClusters(features: x, count: 400, dimension: 3)
        let n = Set(initial).count
        XCTAssertGreaterThan(n, 40, "need n > 20·n* for the pre-merge")
        let p = try clusterer.mergePeriod(features: x, count: 400, dimension: 3, labels: initial, target: 2, neighbourCount: 1)
        XCTAssertGreaterThan(p.premerges, 0)
        XCTAssertEqual(p.startClusters, n)
        // Nearest-centroid merges never cross the two far-apart blobs.
        XCTAssertEqual(ClusterMetrics.purity(truth: truth, predicted: p.labels), 1)
        let off = AgglomerativeClusterer(configuration: ClusteringConfiguration(neighbourCount: 1, isolatedPremerge: false))
        let q = try off.mergePeriod(features: x, count: 400, dimension: 3, labels: initial, target: 2, neighbourCount: 1)
        XCTAssertEqual(q.premerges, 0)
        XCTAssertTrue(q.stoppedOnZeroAffinity)
    }

    /// The gate n > factor·n*: with the reference's 20 a call starting at ≤ 20·n* clusters leaves isolated clusters
    /// alone; with factor 0 they are merged at every call.
    func testIsolatedPremergeGateFactor() throws {
        let (x, _) = TestData.blobs(clusters: 2, perCluster: 200, dimension: 3, spread: 0.5, seed: 54)
        let probe = AgglomerativeClusterer(configuration: ClusteringConfiguration(neighbourCount: 1))
        let initial = probe.initialClusters(features: x, count: 400, dimension: 3)
        let n = Set(initial).count
        let closedTarget = (n + 19) / 20  // n ≤ 20·n*: the default gate stays closed
        XCTAssertGreaterThan(closedTarget, 1)
        let gated = try probe.mergePeriod(features: x, count: 400, dimension: 3, labels: initial, target: closedTarget,
                                          neighbourCount: 1)
        XCTAssertEqual(gated.premerges, 0)
        let always = AgglomerativeClusterer(configuration: ClusteringConfiguration(neighbourCount: 1, isolatedPremergeFactor: 0))
        let every = try always.mergePeriod(features: x, count: 400, dimension: 3, labels: initial, target: closedTarget,
                                           neighbourCount: 1)
        XCTAssertGreaterThan(every.premerges, 0)
        XCTAssertEqual(every.clusters, n - every.premerges - every.merges)
        let negative = AgglomerativeClusterer(configuration: ClusteringConfiguration(isolatedPremergeFactor: -1))
        XCTAssertThrowsError(try negative.cluster(features: x, count: 400, dimension: 3, target: 2))
    }

    func testRejectsBadParameters() {
        let x = TestData.uniform(count: 10, dimension: 2, seed: 55)
        XCTAssertThrowsError(try AgglomerativeClusterer().cluster(features: x, count: 10, dimension: 2, target: 0))
        XCTAssertThrowsError(try AgglomerativeClusterer().cluster(features: x, count: 10, dimension: 2, target: 11))
        let bad = AgglomerativeClusterer(configuration: ClusteringConfiguration(unrollingRate: 0))
        XCTAssertThrowsError(try bad.cluster(features: x, count: 10, dimension: 2, target: 2))
    }
}
