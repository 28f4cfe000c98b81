import Foundation
import XCTest
import JuleData
@testable import JuleHarness

/// A record.json edited by hand is told from one a run wrote: `jule check` refuses it, `jule report` warns (and warns
/// about one run id recorded twice with different scores). Every record the repository holds must pass, whatever
/// code version wrote it: the configuration hash is stable across the fields added since.
final class RecordConsistencyTests: XCTestCase {
    func testEveryCommittedRecordIsConsistent() throws {
        let results = HarnessFixtures.repositoryRoot.appendingPathComponent("results")
        let files = try ResultsAggregator.loadRecordFiles(under: results)
        XCTAssertGreaterThan(files.count, 10)
        for (url, record) in files {
            XCTAssertNil(try record.editedReason(), url.path)
        }
        // No edited record; a run id recorded twice with different scores (COIL-20 seed 1: `make run` and the paper
        // sweep, by two code versions) is a warning of its own.
        for line in RecordWarnings.lines(for: files) {
            XCTAssertTrue(line.hasPrefix("warning: run ") && line.contains(" is recorded 2 times with different scores: "), line)
        }
    }

    func testEditedSeedOrSettingIsNamed() throws {
        let registry = try HarnessFixtures.registry()
        let record = try HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.8, rcNMI: 0.9, registry: registry)
        XCTAssertNil(try record.editedReason())

        var seed = record
        seed.seed = 7
        XCTAssertEqual(try seed.editedReason(), "record.json was edited: seed 7, but its configuration's seed is 1")

        var margin = record
        margin.configuration.training.margin += 0.5
        let reason = try XCTUnwrap(try margin.editedReason())
        XCTAssertTrue(reason.hasPrefix("record.json was edited: its configuration hashes to "), reason)
        XCTAssertTrue(reason.hasSuffix(", not the recorded \(record.configurationHash)"), reason)
        XCTAssertFalse(reason.contains("hashes to \(record.configurationHash)"), reason)

        let files: [ResultsAggregator.RecordFile] = [(URL(fileURLWithPath: "/r/a/record.json"), margin)]
        XCTAssertEqual(RecordWarnings.lines(for: files), ["warning: /r/a/record.json: \(reason); listed as recorded"])
    }

    func testOneRunIDWithDifferentScoresNamesBothFiles() throws {
        let registry = try HarnessFixtures.registry()
        let record = try HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.8, rcNMI: 0.9, registry: registry)
        var other = record
        other.rc?.nmi = 0.5
        let a = URL(fileURLWithPath: "/r/a/record.json"), b = URL(fileURLWithPath: "/r/b/record.json")
        // The same scores twice (a cell copied as it was) are not worth a line.
        XCTAssertEqual(RecordWarnings.lines(for: [(a, record), (b, record)]), [])
        XCTAssertEqual(RecordWarnings.lines(for: [(b, other), (a, record)]),
                       ["warning: run \(record.runID) is recorded 2 times with different scores: /r/a/record.json (by test, \(record.computeMode)) and /r/b/record.json (by test, \(record.computeMode)); the same code and kernel, so one was edited or damaged; one is counted"])
        // Made by other code: the line says that this can explain the difference.
        var rerun = other
        rerun.codeVersion = "newer"
        XCTAssertEqual(RecordWarnings.lines(for: [(a, record), (b, rerun)]),
                       ["warning: run \(record.runID) is recorded 2 times with different scores: /r/a/record.json (by test, \(record.computeMode)) and /r/b/record.json (by newer, \(record.computeMode)); other code or another GEMM kernel, which can explain it; one is counted"])
    }
}
