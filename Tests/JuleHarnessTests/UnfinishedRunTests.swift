import XCTest
import JuleData
@testable import JuleHarness
import _JuleTestSupport

/// An interrupted run (its checkpoint) is kept like a finished one when the settings change: refused, naming the
/// settings that differ, or with `replaceFinishedRun` (`--force`) moved aside; sweep cells drop it as before.
final class UnfinishedRunTests: XCTestCase {
    private func configuration(_ overrides: [String: JSONValue] = [:]) throws -> RunConfiguration {
        try RunConfiguration.defaults(for: HarnessFixtures.registry().entry(named: "USPS"), seed: 1)
            .applying(overrides: ["epochsPerPeriod": .number(2), "clustering.unrollingRate": .number(0.5)])
            .applying(overrides: overrides)
    }

    /// A run stopped after its first epoch in `directory`; returns the bytes of its checkpoint state.
    private func interruptedRun(in directory: URL) throws -> Data {
        let runner = JuleRunner(configuration: try configuration(), dataset: HarnessFixtures.syntheticDataset(),
                                datasetSHA256: "x", outputDirectory: directory)
        runner.interruptAfterEpoch = 1
        XCTAssertThrowsError(try runner.run())
        return try Data(contentsOf: RunDirectory(directory).state)
    }

    func testOtherSettingsAreRefusedNamingThem() throws {
        let directory = try makeTemporaryDirectory()
        let state = try interruptedRun(in: directory)
        XCTAssertThrowsError(try JuleRunner(configuration: configuration(["epochsPerPeriod": .number(3)]),
                                            dataset: HarnessFixtures.syntheticDataset(), datasetSHA256: "x",
                                            outputDirectory: directory).run()) { error in
            let text = "\(error)"
            for part in ["unfinished run (1 epoch, 0 periods done)", "epochsPerPeriod 2 → 3", "--force", directory.path] {
                XCTAssertTrue(text.contains(part), "'\(part)' not in: \(text)")
            }
            XCTAssertFalse(text.contains("clustering."), "only what differs: \(text)")
        }
        XCTAssertEqual(try Data(contentsOf: RunDirectory(directory).state), state, "the checkpoint is untouched")
        // The same settings still resume it.
        var notes: [String] = []
        let resumed = try JuleRunner(configuration: configuration(), dataset: HarnessFixtures.syntheticDataset(),
                                     datasetSHA256: "x", outputDirectory: directory) { if case let .note(n) = $0 { notes.append(n) } }.run()
        XCTAssertTrue(resumed.resumed, "\(notes)")
    }

    /// A state saved before it held the configuration: the trainer file's network, training settings and seed.
    func testAnOlderCheckpointIsComparedByItsTrainerFile() throws {
        let directory = try makeTemporaryDirectory()
        _ = try interruptedRun(in: directory)
        let stateURL = RunDirectory(directory).state
        var tree = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: stateURL)) as? [String: Any])
        XCTAssertNotNil(tree.removeValue(forKey: "configuration"), "new states carry their configuration")
        try JSONSerialization.data(withJSONObject: tree).write(to: stateURL)
        XCTAssertThrowsError(try JuleRunner(configuration: configuration(["training.margin": .number(0.5)]),
                                            dataset: HarnessFixtures.syntheticDataset(), datasetSHA256: "x",
                                            outputDirectory: directory).run()) { error in
            XCTAssertTrue("\(error)".contains("(training.margin \(try! self.configuration().training.margin) → 0.5)"), "\(error)")
        }
        // Settings the trainer file does not hold: the hashes, and why no names.
        XCTAssertThrowsError(try JuleRunner(configuration: configuration(["epochsPerPeriod": .number(3)]),
                                            dataset: HarnessFixtures.syntheticDataset(), datasetSHA256: "x",
                                            outputDirectory: directory).run()) { error in
            XCTAssertTrue("\(error)".contains("predates saving its settings"), "\(error)")
        }
    }

    func testForceMovesTheUnfinishedRunAside() throws {
        let directory = try makeTemporaryDirectory()
        let state = try interruptedRun(in: directory)
        let old = try configuration()
        var notices: [String] = []
        let forced = JuleRunner(configuration: try configuration(["epochsPerPeriod": .number(3)]),
                                dataset: HarnessFixtures.syntheticDataset(), datasetSHA256: "x",
                                outputDirectory: directory) { if case let .notice(n) = $0 { notices.append(n) } }
        forced.replaceFinishedRun = true
        let record = try forced.run()
        XCTAssertFalse(record.resumed)
        let aside = directory.deletingLastPathComponent()
            .appendingPathComponent("\(directory.lastPathComponent).replaced-USPS-s1-\(try old.hash().prefix(8))")
        addTeardownBlock { try? FileManager.default.removeItem(at: aside) }
        XCTAssertEqual(try Data(contentsOf: RunDirectory(aside).state), state, "kept, not deleted")
        XCTAssertTrue(notices.contains { $0.contains("moved to \(aside.path)") && $0.contains("epochsPerPeriod 2 → 3") }, "\(notices)")
    }

    /// A sweep cell's folder is named after its configuration: a checkpoint of another one is an older build's, and
    /// is dropped with a note as before.
    func testSweepCellsDropItAsBefore() throws {
        let directory = try makeTemporaryDirectory()
        _ = try interruptedRun(in: directory)
        var notes: [String] = []
        let cell = JuleRunner(configuration: try configuration(["epochsPerPeriod": .number(3)]),
                              dataset: HarnessFixtures.syntheticDataset(), datasetSHA256: "x",
                              outputDirectory: directory) { if case let .note(n) = $0 { notes.append(n) } }
        cell.discardsCheckpointOfOtherConfiguration = true
        XCTAssertFalse(try cell.run().resumed)
        XCTAssertTrue(notes.contains { $0.contains("another configuration") && $0.contains("starting over") }, "\(notes)")
    }
}
