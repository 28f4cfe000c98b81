import JuleData
import XCTest
@testable import JuleCluster

final class AffinityGraphTests: XCTestCase {
    private func randomGraph(count n: Int, k: Int, seed: UInt64) -> SampleGraph {
        let x = TestData.uniform(count: n, dimension: 4, seed: seed)
        return SampleGraph(neighbours: NearestNeighbours.compute(features: x, count: n, dimension: 4, neighbourCount: k))
    }

    private func randomLabels(count n: Int, clusters: Int, seed: UInt64) -> [Int] {
        var rng = SeededGenerator(seed: seed)
        var labels = (0..<n).map { $0 < clusters ? $0 : Int(rng.next() % UInt64(clusters)) }
        labels.shuffle(using: &rng)
        return labels
    }

    /// D(X → Y) = Σ_{m ∈ Y} (Σ_{p ∈ X} W[p, m]) · (Σ_{q ∈ X} W[m, q]) on the dense W (§3.2, literally).
    private func denseDirected(_ w: [Double], n: Int, labels: [Int], clusters: Int) -> [Double] {
        var d = [Double](repeating: 0, count: clusters * clusters)
        for x in 0..<clusters {
            for y in 0..<clusters where y != x {
                var s = 0.0
                for m in 0..<n where labels[m] == y {
                    var inSum = 0.0, outSum = 0.0
                    for p in 0..<n where labels[p] == x { inSum += w[p * n + m]; outSum += w[m * n + p] }
                    s += inSum * outSum
                }
                d[x * clusters + y] = s
            }
        }
        return d
    }

    func testSparseAffinityEqualsDenseFormula() {
        for seed in UInt64(0)..<6 {
            let n = 70, clusters = 3 + Int(seed) * 3
            let g = randomGraph(count: n, k: 2 + Int(seed), seed: 100 + seed)
            let labels = randomLabels(count: n, clusters: clusters, seed: 200 + seed)
            let state = AffinityGraph(graph: g, labels: labels, clusterCount: clusters)
            let d = denseDirected(g.denseWeights(), n: n, labels: labels, clusters: clusters)
            var sizes = [Int](repeating: 0, count: clusters)
            for l in labels { sizes[l] += 1 }
            var linked = 0
            for x in 0..<clusters {
                for y in 0..<clusters where y != x {
                    XCTAssertEqual(state.directed(x, y), d[x * clusters + y], accuracy: 1e-12 * max(1, d[x * clusters + y]))
                    let a = d[x * clusters + y] / Double(sizes[x] * sizes[x]) + d[y * clusters + x] / Double(sizes[y] * sizes[y])
                    let stored = state.affinity[x][Int32(y)]
                    if a > 0 { linked += 1; XCTAssertEqual(stored ?? -1, a, accuracy: 1e-12 * a) } else { XCTAssertNil(stored) }
                    XCTAssertEqual(stored, state.affinity[y][Int32(x)], "A must be symmetric")
                }
            }
            XCTAssertGreaterThan(linked, 0)
        }
    }

    func testIncrementalExactUpdateEqualsRecomputationAfterEveryMerge() {
        let n = 160, clusters = 40
        let g = randomGraph(count: n, k: 6, seed: 7)
        var rng = SeededGenerator(seed: 8)
        let labels = randomLabels(count: n, clusters: clusters, seed: 9)
        var state = AffinityGraph(graph: g, labels: labels, clusterCount: clusters)
        var live = Array(0..<clusters)
        while live.count > 1 {
            // Alternate linked pairs (the ones the algorithm merges) and arbitrary pairs.
            var a = live[Int(rng.next() % UInt64(live.count))], b: Int
            if rng.next() % 2 == 0, let partner = state.affinity[a].keys.min() { b = Int(partner) } else {
                repeat { b = live[Int(rng.next() % UInt64(live.count))] } while b == a
            }
            if a > b { swap(&a, &b) }
            let before = state.affinity
            let affected = Set(state.merge(a, b, exact: true))
            live.removeAll { $0 == b }
            let fresh = AffinityGraph(graph: g, labels: state.clusterOf.map { Int($0) }, clusterCount: clusters)
            // Bitwise equality: the update accumulates in the same order as the recomputation.
            XCTAssertEqual(state.outgoing, fresh.outgoing, "after merging \(b) into \(a)")
            XCTAssertEqual(state.incoming, fresh.incoming)
            XCTAssertEqual(state.affinity, fresh.affinity)
            XCTAssertEqual(state.liveCount, live.count)
            // Every cluster whose affinity row changed is reported.
            for c in live where before[c] != state.affinity[c] { XCTAssertTrue(affected.contains(c), "cluster \(c) not reported") }
        }
    }

    func testFastUpdateNeverExceedsExactAndMatchesWithoutCrossTerms() {
        let n = 120, clusters = 30
        let g = randomGraph(count: n, k: 5, seed: 31)
        let labels = randomLabels(count: n, clusters: clusters, seed: 32)
        var exact = AffinityGraph(graph: g, labels: labels, clusterCount: clusters)
        var fast = exact
        var rng = SeededGenerator(seed: 33)
        var live = Array(0..<clusters)
        var sawDifference = false
        for _ in 0..<20 {
            var a = live[Int(rng.next() % UInt64(live.count))], b: Int
            repeat { b = live[Int(rng.next() % UInt64(live.count))] } while b == a
            if a > b { swap(&a, &b) }
            fast.merge(a, b, exact: false)
            exact.merge(a, b, exact: true)
            live.removeAll { $0 == b }
            for x in live {
                for (y, v) in fast.outgoing[x] {
                    let e = exact.outgoing[x][y] ?? 0
                    XCTAssertLessThanOrEqual(v, e * (1 + 1e-12), "fast D(\(x)→\(y)) exceeds exact")
                    if abs(v - e) > 1e-12 * e { sawDifference = true }
                }
            }
        }
        XCTAssertTrue(sawDifference, "random merges should create cross terms the fast update drops")

        // A merge of two clusters with no edges between them has no cross terms: fast equals exact.
        let h = randomGraph(count: 80, k: 3, seed: 34)
        let base = AffinityGraph(graph: h, labels: Array(0..<80), clusterCount: 80)
        var pair: (Int, Int)?
        outer: for a in 0..<80 {
            for b in (a + 1)..<80 where base.affinity[a][Int32(b)] == nil {
                let ea = h.outIndices[(a * 3)..<(a * 3 + 3)], eb = h.outIndices[(b * 3)..<(b * 3 + 3)]
                if !ea.contains(Int32(b)) && !eb.contains(Int32(a)) && Set(ea).isDisjoint(with: eb) {
                    let inA = Set((0..<80).filter { h.outIndices[($0 * 3)..<($0 * 3 + 3)].contains(Int32(a)) })
                    let inB = Set((0..<80).filter { h.outIndices[($0 * 3)..<($0 * 3 + 3)].contains(Int32(b)) })
                    if inA.isDisjoint(with: eb.map { Int($0) }) && inB.isDisjoint(with: ea.map { Int($0) }) {
                        pair = (a, b); break outer
                    }
                }
            }
        }
        guard let (a, b) = pair else { return XCTFail("no unlinked pair in the test graph") }
        var e2 = base, f2 = base
        e2.merge(a, b, exact: true)
        f2.merge(a, b, exact: false)
        for x in 0..<80 where e2.isLive(x) {
            for (y, v) in e2.outgoing[x] { XCTAssertEqual(f2.outgoing[x][y] ?? -1, v, accuracy: 1e-12 * v) }
            XCTAssertEqual(e2.outgoing[x].count, f2.outgoing[x].count)
        }
    }
}
