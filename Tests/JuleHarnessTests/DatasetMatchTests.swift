import XCTest
import JuleData
@testable import JuleHarness

/// `DatasetMatch` and `DatasetDigests`: a run is read beside today's data only when its record's dataset digest is
/// the cache's; a record from before content digests is kept with a warning; a sweep cell finished on other data is
/// stale and redone, its old run kept aside.
final class DatasetMatchTests: XCTestCase {
    private let a = String(repeating: "a", count: 64), b = String(repeating: "b", count: 64)

    private func record(digest: String, codeVersion: String) throws -> RunRecord {
        var record = try HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.8, rcNMI: 0.85, registry: HarnessFixtures.registry())
        record.datasetSHA256 = digest
        record.codeVersion = codeVersion
        return record
    }

    func testTheSameOtherAndUnverifiableData() throws {
        let run = URL(fileURLWithPath: "/runs/usps")
        var warnings: [String] = []
        let same = try record(digest: a, codeVersion: "0.2.0+0123456789ab")
        XCTAssertEqual(DatasetMatch(record: same, current: a), .same)
        XCTAssertNoThrow(try DatasetMatch(record: same, current: a).require(run: run, record: same) { warnings.append($0) })
        XCTAssertNil(DatasetMatch(record: same, current: a).warning(recordFile: run, dataset: "USPS"))
        XCTAssertEqual(warnings, [])

        // A content digest that is not the cache's: refused, naming the run directory, the dataset and both digests.
        XCTAssertEqual(DatasetMatch(record: same, current: b), .otherData(recorded: a, current: b))
        XCTAssertThrowsError(try DatasetMatch(record: same, current: b).require(run: run, record: same) { warnings.append($0) }) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("/runs/usps: run \(same.runID) was made on other USPS data than the cache holds now "
                                         + "(dataset digest aaaaaaaaaaaa…, now bbbbbbbbbbbb…: re-imported or changed since)"), text)
            XCTAssertTrue(text.contains("--out /runs/usps --force"), text)
            XCTAssertFalse(text.contains("\n"), text)
        }
        XCTAssertEqual(warnings, [])

        // A record from before content digests (a bare commit): cannot tell, so kept with train's warning.
        let old = try record(digest: a, codeVersion: "a76b288")
        XCTAssertEqual(DatasetMatch(record: old, current: a), .same)
        let unverifiable = DatasetMatch(record: old, current: b)
        XCTAssertEqual(unverifiable, .unverifiable(recorded: a))
        XCTAssertNoThrow(try unverifiable.require(run: run, record: old) { warnings.append($0) })
        XCTAssertEqual(warnings, ["warning: /runs/usps/record.json: written before records held the data's content digest "
                                  + "(its datasetSHA256 is the cache file's sha256, aaaaaaaaaaaa…): cannot tell whether USPS changed since"])
        // Many of them (a report over older sweeps): one line for the dataset.
        let files = [URL(fileURLWithPath: "/runs/a/record.json"), URL(fileURLWithPath: "/runs/b/record.json")]
        XCTAssertEqual(DatasetMatch.warning(unverifiable: files, dataset: "USPS"),
                       "warning: 2 USPS records (first /runs/a/record.json) were written before records held the data's "
                       + "content digest: cannot tell whether USPS changed since")
    }

    func testDigestsAreLookedUpOncePerDataset() throws {
        var lookups: [String] = []
        let digests = DatasetDigests { name in
            lookups.append(name)
            return name == "USPS" ? self.b : nil
        }
        let record = try record(digest: a, codeVersion: "0.2.0+0123456789ab")
        for _ in 0..<3 { XCTAssertEqual(try digests.match(record), .otherData(recorded: a, current: b)) }
        var uncached = record
        uncached.dataset = "COIL-20"
        XCTAssertNil(try digests.match(uncached), "no cache: nothing to compare with")
        XCTAssertNil(try digests.current("COIL-20"))
        XCTAssertEqual(lookups, ["USPS", "COIL-20"])
    }

    /// A cell finished on data `a` is stale once the cache holds `b`: the executor moves its run aside (the record
    /// byte for byte; the cell's log stays where `jule sweep run` writes it) and runs it again on `b`. A record too
    /// old to tell stays done.
    func testAStaleCellIsRedoneAndItsOldRunKept() throws {
        let registry = try HarnessFixtures.registry()
        let manifest = try SweepManifest.plan(SweepSpecification(name: "stale", datasets: ["USPS"], seeds: [1],
                                                                 overrides: [["epochsPerPeriod": .number(1)]]), registry: registry)
        let directory = SweepDirectory(try makeTemporaryDirectory(prefix: "jule-harness"))
        try AtomicFile.writeJSON(manifest, to: directory.manifest)
        let cell = manifest.cells[0]
        let dataset = HarnessFixtures.syntheticDataset()
        var current = a
        var executor = CellExecutor(directory: directory, manifest: manifest) { _ in (dataset, current) }
        XCTAssertEqual(try executor.run(index: 0) { _ in }, .finished)
        // Whatever version this build reports, the record says it holds a content digest.
        var record = try JSONCoding.decode(RunRecord.self, from: directory.run(cell).record)
        record.codeVersion = "0.2.0+0123456789ab"
        try AtomicFile.writeJSON(record, to: directory.run(cell).record)
        let finished = try Data(contentsOf: directory.run(cell).record)
        try "an earlier attempt\n".write(to: directory.log(cell), atomically: true, encoding: .utf8)

        // On the same data: done, also for the estimate.
        let digests = DatasetDigests { _ in current }
        XCTAssertEqual(directory.state(of: cell, digests: digests), .done)
        executor.digests = digests
        XCTAssertEqual(try executor.run(index: 0) { _ in }, .alreadyDone)

        // The cache now holds other data: stale (done without digests, as before), priced at its own run's time.
        current = b
        let changed = DatasetDigests { _ in current }
        XCTAssertEqual(directory.state(of: cell, digests: changed), .stale)
        XCTAssertEqual(directory.state(of: cell), .done)
        XCTAssertEqual(SweepEstimate(manifest: manifest, directory: directory, digests: changed).remaining[cell.index],
                       record.timings["total"])
        // A record from before content digests cannot be compared: done.
        var old = record
        old.codeVersion = "a76b288"
        try AtomicFile.writeJSON(old, to: directory.run(cell).record)
        XCTAssertEqual(directory.state(of: cell, digests: changed), .done)
        try finished.write(to: directory.run(cell).record)

        executor.digests = changed
        var notes: [String] = []
        XCTAssertEqual(try executor.run(index: 0) { if case let .note(n) = $0 { notes.append(n) } }, .finished)
        let aside = directory.url.appendingPathComponent("cells/\(cell.id).replaced-\(record.runID)")
        XCTAssertEqual(try Data(contentsOf: aside.appendingPathComponent("record.json")), finished)
        XCTAssertTrue(FileManager.default.fileExists(atPath: aside.appendingPathComponent("labels-rc.txt").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: aside.appendingPathComponent("cell.log").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: aside.appendingPathComponent("lock").path))
        XCTAssertEqual(try String(contentsOf: directory.log(cell), encoding: .utf8), "an earlier attempt\n")
        XCTAssertTrue(notes.contains { $0.contains("made on other data (dataset digest aaaaaaaaaaaa…); moved to \(aside.path)") }, "\(notes)")
        XCTAssertEqual(try JSONCoding.decode(RunRecord.self, from: directory.run(cell).record).datasetSHA256, b)
        XCTAssertEqual(directory.state(of: cell, digests: changed), .done)
    }
}
