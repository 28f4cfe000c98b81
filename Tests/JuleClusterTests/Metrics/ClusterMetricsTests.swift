import Foundation
import JuleData
import XCTest
@testable import JuleCluster

final class ClusterMetricsTests: XCTestCase {
    typealias Metric = (name: String, symmetric: Bool, f: ([Int], [Int]) -> Double)
    let metrics: [Metric] = [
        ("NMI", true, { ClusterMetrics.normalizedMutualInformation(truth: $0, predicted: $1) }),
        ("NMI-arithmetic", true, { ClusterMetrics.normalizedMutualInformation(truth: $0, predicted: $1, average: .arithmetic) }),
        ("ACC", true, { ClusterMetrics.accuracy(truth: $0, predicted: $1) }),
        ("ARI", true, { ClusterMetrics.adjustedRandIndex(truth: $0, predicted: $1) }),
        ("purity", false, { ClusterMetrics.purity(truth: $0, predicted: $1) }),
    ]

    private func randomLabels(_ n: Int, classes: Int, _ rng: inout SeededGenerator) -> [Int] {
        (0..<n).map { _ in Int(rng.next() % UInt64(classes)) }
    }

    /// The property table: bounded, invariant to renaming either side, symmetric where it should be, 1 on a
    /// renamed perfect clustering.
    func testPropertyTable() {
        var rng = SeededGenerator(seed: 61)
        for trial in 0..<30 {
            let n = 20 + trial * 7
            let t = randomLabels(n, classes: 2 + trial % 6, &rng)
            let p = randomLabels(n, classes: 1 + trial % 9, &rng)
            let rename: [Int: Int] = Dictionary(uniqueKeysWithValues: Set(p).map { ($0, Int(rng.next() % 1000) * 10 + $0 - 500) })
            let renamed = p.map { rename[$0] ?? 0 }
            let shifted = t.map { 7 - 3 * $0 }
            for m in metrics {
                let v = m.f(t, p)
                XCTAssertTrue(v <= 1 + 1e-12, "\(m.name) > 1")
                XCTAssertTrue(m.name == "ARI" ? v >= -1 : v >= 0, "\(m.name) out of range: \(v)")
                XCTAssertEqual(m.f(t, renamed), v, accuracy: 1e-12, "\(m.name) not invariant to renaming")
                XCTAssertEqual(m.f(shifted, p), v, accuracy: 1e-12, "\(m.name) not invariant to renaming truth")
                if m.symmetric { XCTAssertEqual(m.f(p, t), v, accuracy: 1e-12, "\(m.name) not symmetric") }
                XCTAssertEqual(m.f(t, t.map { ($0 * 5 + 3) % 1000 }), 1, accuracy: 1e-12, "\(m.name) of a perfect clustering")
            }
        }
    }

    func testHandComputedCases() {
        // Independent halves: contingency [[1,1],[1,1]] → I = 0, ACC = 1/2,
        // ARI = (0 − 4/6)/(2 − 4/6) = −1/2 (Σ C(nᵢⱼ,2) = 0, Σ C(aᵢ,2) = Σ C(bⱼ,2) = 2, C(4,2) = 6).
        let t = [0, 0, 1, 1], p = [0, 1, 0, 1]
        XCTAssertEqual(ClusterMetrics.normalizedMutualInformation(truth: t, predicted: p), 0)
        XCTAssertEqual(ClusterMetrics.accuracy(truth: t, predicted: p), 0.5)
        XCTAssertEqual(ClusterMetrics.adjustedRandIndex(truth: t, predicted: p), -0.5, accuracy: 1e-15)
        XCTAssertEqual(ClusterMetrics.purity(truth: t, predicted: p), 0.5)

        // Contingency [[2,1],[0,1]] (truth 0,0,0,1; predicted 0,0,1,1):
        // I = ½·ln(4·2/(3·2)) + ¼·ln(4/(3·2)) + ¼·ln(4/(1·2)); H(U) = −¾ln¾ − ¼ln¼; H(V) = ln 2.
        let t2 = [0, 0, 0, 1], p2 = [0, 0, 1, 1]
        let i = 0.5 * log(8.0 / 6) + 0.25 * log(4.0 / 6) + 0.25 * log(2.0)
        let hu = -0.75 * log(0.75) - 0.25 * log(0.25), hv = log(2.0)
        XCTAssertEqual(ClusterMetrics.normalizedMutualInformation(truth: t2, predicted: p2), i / (hu * hv).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(ClusterMetrics.normalizedMutualInformation(truth: t2, predicted: p2, average: .arithmetic),
                       i / ((hu + hv) / 2), accuracy: 1e-15)
        XCTAssertEqual(ClusterMetrics.accuracy(truth: t2, predicted: p2), 0.75)
        XCTAssertEqual(ClusterMetrics.purity(truth: t2, predicted: p2), 0.75)
        // Σ C(nᵢⱼ,2) = 1; Σ C(aᵢ,2) = 3; Σ C(bⱼ,2) = 2; expected = 6/6 = 1; max = 2.5 → ARI = 0.
        XCTAssertEqual(ClusterMetrics.adjustedRandIndex(truth: t2, predicted: p2), 0, accuracy: 1e-15)

        // Limit cases (as scikit-learn): one cluster each → 1; one side constant → NMI 0.
        XCTAssertEqual(ClusterMetrics.normalizedMutualInformation(truth: [3, 3, 3], predicted: [1, 1, 1]), 1)
        XCTAssertEqual(ClusterMetrics.adjustedRandIndex(truth: [3, 3, 3], predicted: [1, 1, 1]), 1)
        XCTAssertEqual(ClusterMetrics.normalizedMutualInformation(truth: [0, 1, 2], predicted: [1, 1, 1]), 0)
        XCTAssertEqual(ClusterMetrics.accuracy(truth: [0, 1, 2], predicted: [1, 1, 1]), 1.0 / 3)
        // Singletons: purity 1, ACC limited by the matching.
        XCTAssertEqual(ClusterMetrics.purity(truth: [0, 0, 1, 1], predicted: [0, 1, 2, 3]), 1)
        XCTAssertEqual(ClusterMetrics.accuracy(truth: [0, 0, 1, 1], predicted: [0, 1, 2, 3]), 0.5)
    }

    /// Values computed once with scikit-learn 1.9.1 (normalized_mutual_info_score with average_method
    /// 'geometric' / 'arithmetic', adjusted_rand_score) and scipy's linear_sum_assignment for ACC.
    func testFixturesFromScikitLearn() {
        let cases: [(String, [Int], [Int], [Double])] = [
            ("small", [0, 0, 0, 1, 1, 1, 2, 2, 2, 2], [1, 1, 0, 0, 2, 2, 2, 2, 5, 5],
             [0.5587882956332703, 0.555960101000571, 0.19753086419753085, 0.6, 0.7]),
            ("formula", (0..<200).map { ($0 * 7 + 3) % 5 }, (0..<200).map { ($0 * $0 + 2 * $0) % 7 },
             [0.0012088628849240175, 0.0012041986902801354, -0.01571640308135245, 0.21, 0.21]),
            ("noisy", (0..<300).map { ($0 * 7 + 3) % 5 }, (0..<300).map { ($0 % 3 != 0 ? ($0 * 7 + 3) % 5 : ($0 * 13) % 4) + 10 },
             [0.4400248147082651, 0.44001979084680876, 0.4323996971990916, 0.7333333333333333, 0.7333333333333333]),
            ("unequal", (0..<50).map { $0 % 3 }, (0..<50).map { ($0 / 5) % 11 - 4 },
             [0.027222677535014173, 0.02545838666208286, -0.056074766355140186, 0.12, 0.4]),
        ]
        for (name, t, p, expected) in cases {
            XCTAssertEqual(ClusterMetrics.normalizedMutualInformation(truth: t, predicted: p), expected[0], accuracy: 1e-12, name)
            XCTAssertEqual(ClusterMetrics.normalizedMutualInformation(truth: t, predicted: p, average: .arithmetic),
                           expected[1], accuracy: 1e-12, name)
            XCTAssertEqual(ClusterMetrics.adjustedRandIndex(truth: t, predicted: p), expected[2], accuracy: 1e-12, name)
            XCTAssertEqual(ClusterMetrics.accuracy(truth: t, predicted: p), expected[3], accuracy: 1e-12, name)
            XCTAssertEqual(ClusterMetrics.purity(truth: t, predicted: p), expected[4], accuracy: 1e-12, name)
        }
    }

    func testHungarianEqualsExhaustiveSearch() {
        var rng = SeededGenerator(seed: 62)
        func permutations(_ a: [Int]) -> [[Int]] {
            if a.count <= 1 { return [a] }
            return a.indices.flatMap { i -> [[Int]] in
                var rest = a; let x = rest.remove(at: i)
                return permutations(rest).map { [x] + $0 }
            }
        }
        for trial in 0..<40 {
            let rows = 1 + trial % 5, columns = rows + trial % 3
            let w = (0..<(rows * columns)).map { _ in Int(rng.next() % 20) }
            let assignment = LinearAssignment.maximise(weights: w, rows: rows, columns: columns)
            XCTAssertEqual(Set(assignment).count, rows)
            let got = assignment.enumerated().reduce(0) { $0 + w[$1.offset * columns + $1.element] }
            var best = 0
            for perm in permutations(Array(0..<columns)) {
                best = max(best, (0..<rows).reduce(0) { $0 + w[$1 * columns + perm[$1]] })
            }
            XCTAssertEqual(got, best, "trial \(trial)")
        }
    }
}
