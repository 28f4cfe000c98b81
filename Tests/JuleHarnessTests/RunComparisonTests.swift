import Foundation
import XCTest
import JuleData
import _JuleTestSupport
@testable import JuleHarness

/// What `jule check` calls the same: clustering calls field by field (timings and fields an older record lacks
/// aside, doubles exactly), and HDF5 outputs by their values when their bytes differ.
final class RunComparisonTests: XCTestCase {
    func testClusteringCallsCompareEveryRecordedFieldExactly() {
        let scores = ClusteringScores(nmi: 0.649_091_401_400_86, acc: 0.7, ari: 0.5, clusters: 20)
        var recorded = PeriodRecord(phase: "SF", period: 1, scores: scores, loss: 0.125, epochs: 20, merges: 1828,
                                    neighbourCount: 20, seconds: 41)
        recorded.premerges = nil   // written before the field existed
        var rerun = recorded
        rerun.seconds = 12
        rerun.premerges = 0
        XCTAssertEqual(RunComparison.fields(recorded, rerun), "")
        rerun.scores.nmi = recorded.scores.nmi.nextUp   // one ulp: still a difference
        rerun.loss = nil
        XCTAssertEqual(RunComparison.fields(recorded, rerun),
                       "loss 0.125 → none, scores.nmi \(recorded.scores.nmi) → \(recorded.scores.nmi.nextUp)")
    }

    func testHDF5OutputsCompareByValue() throws {
        let directory = try makeTemporaryDirectory()
        func write(_ name: String, _ values: [Float], attribute: String) throws -> URL {
            let url = directory.appendingPathComponent(name)
            try HDF5File.writeAtomically(to: url) { file in
                try file.write(values, shape: [2, 2], to: "centroids")
                try file.setAttribute("note", to: attribute)
            }
            return url
        }
        let a = try write("a.h5", [1, 2, 3, 4], attribute: "first")
        let b = try write("b.h5", [1, 2, 3, 4], attribute: "a longer second note")
        let c = try write("c.h5", [1, 2, 3.5, 4], attribute: "first")
        XCTAssertNotEqual(try Data(contentsOf: a), try Data(contentsOf: b))
        XCTAssertEqual(try RunComparison.compareValues(a, b), "")
        XCTAssertEqual(try RunComparison.compareValues(a, c), "'centroids': 1 of 4 values differ (largest by 0.5)")
    }
}
