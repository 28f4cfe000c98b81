import XCTest
import JuleData
import _JuleTestSupport
@testable import JuleHarness

/// The report's and diff's tables say what the records hold: settings never merge, stale, failed and dropped runs are
/// marked, and a difference at the tolerance is not judged by floating-point noise.
final class ReportTruthTests: XCTestCase {
    /// Runs of a dataset the registry lacks (an import not in this cache) keep one row per setting, labelled from
    /// their profile and overrides as with the registry, each seed once; a portable rerun of a seed still replaces it.
    func testUnregisteredDatasetKeepsSettingsApart() throws {
        let registry = try HarnessFixtures.registry()
        var records = try [2.0, 5.0].flatMap { epochs in
            try [UInt64(1), 2].map { seed in
                try HarnessFixtures.record(dataset: "USPS", seed: seed, sfNMI: epochs / 10, rcNMI: epochs / 10,
                                           overrides: ["epochsPerPeriod": .number(epochs)], registry: registry)
            }
        }
        records.append(try HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.5, rcNMI: 0.5,
                                                  overrides: ["epochsPerPeriod": .number(5), "compute.portable": .bool(true)],
                                                  registry: registry))
        let known = try ResultsAggregator(registry: registry).rows(from: records)
        let without = try DatasetRegistry(datasets: registry.datasets.filter { $0.name != "USPS" })
        let unknown = try ResultsAggregator(registry: without).rows(from: records)
        XCTAssertEqual(unknown.map(\.setting), known.map(\.setting))
        XCTAssertEqual(unknown.map(\.setting), ["port2 epochsPerPeriod=2", "port2 epochsPerPeriod=5"])
        XCTAssertEqual(unknown.map(\.seeds), [[1, 2], [1, 2]])
        XCTAssertEqual(try XCTUnwrap(unknown[1].comparison("RC", "NMI")).measured.mean, 0.5, accuracy: 1e-12)
        XCTAssertTrue(unknown[0].notes.contains { $0.contains("setting read from the records' profile and overrides: USPS is not in the registry") },
                      "\(unknown[0].notes)")
        // Configurations whose overrides read alike but that differ otherwise (the dataset's values changed between
        // imports) still get a row each.
        var changed = records[0]
        changed.configuration.clustering.unrollingRate = 0.5
        changed.runID += "-changed"
        XCTAssertEqual(try ResultsAggregator(registry: without).rows(from: [records[0], changed]).count, 2)
    }

    /// A sweep varying the convolution counts one run per seed, and its row says which and how many it leaves out;
    /// a kernel-mode run beside a portable one (the documented rule) gets no such note.
    func testRowSaysWhichConvolutionCounted() throws {
        let registry = try HarnessFixtures.registry()
        var records: [RunRecord] = []
        for (i, convolution) in ["im2col", "winograd", "winograd4x4"].enumerated() {
            for seed in [UInt64(1), 2] {
                var record = try HarnessFixtures.record(dataset: "USPS", seed: seed, sfNMI: 0.8, rcNMI: 0.8,
                                                        overrides: ["compute.portable": .bool(true),
                                                                    "compute.convolution": .string(convolution)],
                                                        registry: registry)
                record.finishedAt = "2026-12-0\(i + 1)T10:00:00Z"
                records.append(record)
            }
        }
        let rows = try ResultsAggregator(registry: registry).rows(from: records)
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0].seeds, [1, 2])
        XCTAssertTrue(rows[0].notes.contains("counts one run per seed, here the winograd4x4 ones: 4 runs of the same seeds "
                                             + "with im2col, winograd not counted (see runs.md)"), "\(rows[0].notes)")
        let kernel = try HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.7, rcNMI: 0.7, registry: registry)
        let mixed = try ResultsAggregator(registry: registry).rows(from: [kernel, records[4]])
        XCTAssertFalse(mixed[0].notes.contains { $0.hasPrefix("counts one run per seed") }, "\(mixed[0].notes)")
    }

    /// 0.932 − 0.922 is 0.010000000000000009 in doubles: at a tolerance of 0.01 that is reproduced, in the report's
    /// verdict and in diff alike; a tolerance prints as given.
    func testDifferenceAtTheToleranceIsReproduced() throws {
        XCTAssertEqual(Verdict(measured: 0.932, claimed: 0.922, tolerance: 0.01), .reproduced)
        XCTAssertEqual(Verdict(measured: 0.912, claimed: 0.922, tolerance: 0.01), .reproduced)
        XCTAssertEqual(Verdict(measured: 0.9321, claimed: 0.922, tolerance: 0.01), .above)
        XCTAssertEqual(Verdict(measured: 0.9119, claimed: 0.922, tolerance: 0.01), .below)
        XCTAssertEqual(Verdict(measured: 0.5, claimed: 0.5, tolerance: 0), .reproduced)
        XCTAssertEqual(["0", "0.01", "0.005", "0.25"], [0, 0.01, 0.005, 0.25].map(ToleranceText.of))
        let registry = try HarnessFixtures.registry()
        let record = try HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.5, rcNMI: 0.5, registry: registry)
        let diff = ClaimDiff(rows: try ResultsAggregator(registry: registry, tolerance: 0).rows(from: [record]), tolerance: 0)
        XCTAssertTrue(diff.text().contains("below their claim by more than 0\n"), diff.text())
    }

    /// Every planned seed of a dataset failed: diff says failed, as the report does, and a sweep whose only cells
    /// failed still gives its rows rather than "no run records found".
    func testFailedCellsAreFailedInDiffAndWithoutAnyRecord() throws {
        let registry = try HarnessFixtures.registry()
        let plan = try SweepManifest.plan(SweepSpecification(name: "f", datasets: ["USPS"], seeds: [1, 2]), registry: registry)
        let directory = try makeTemporaryDirectory(prefix: "jule-truth")
        let sweep = SweepDirectory(directory.appendingPathComponent("f"))
        try AtomicFile.writeJSON(plan, to: sweep.manifest)
        for cell in plan.cells { try AtomicFile.write("out of memory\n", to: sweep.failure(cell)) }
        let (files, rows, _) = try ResultsAggregator(registry: registry).rows(under: directory)
        XCTAssertTrue(files.isEmpty)
        XCTAssertEqual(rows.map(\.unfinishedText), ["failed"])
        let text = ClaimDiff(rows: rows, tolerance: 0.01).text()
        XCTAssertTrue(text.contains("failed (2 of 2 planned seeds)"), text)
        XCTAssertTrue(text.contains("every planned run of their dataset failed"), text)
        XCTAssertFalse(text.contains("have not finished"), text)
    }

    /// Records left in a sweep folder by a re-plan that dropped their cells are named, and their rows say so.
    func testRecordsOutsideTheirSweepsPlanAreNamed() throws {
        let registry = try HarnessFixtures.registry()
        let old = try SweepManifest.plan(SweepSpecification(name: "r", datasets: ["USPS"], seeds: [1, 2],
                                                            overrides: [["epochsPerPeriod": .number(4)]]), registry: registry)
        let directory = try makeTemporaryDirectory(prefix: "jule-truth")
        let sweep = SweepDirectory(directory.appendingPathComponent("r"))
        for cell in old.cells {
            let record = try HarnessFixtures.record(dataset: "USPS", seed: cell.seed, sfNMI: 0.8, rcNMI: 0.8,
                                                    overrides: ["epochsPerPeriod": .number(4)], registry: registry)
            try AtomicFile.writeJSON(record, to: sweep.run(cell).record)
        }
        let new = try SweepManifest.plan(SweepSpecification(name: "r", datasets: ["USPS"], seeds: [1, 2],
                                                            overrides: [["epochsPerPeriod": .number(3)]]), registry: registry)
        try AtomicFile.writeJSON(new, to: sweep.manifest)
        XCTAssertEqual(sweep.unplannedRecords(of: new).count, 2)
        var named: [String] = []
        let rows = try ResultsAggregator(registry: registry).rows(under: directory, unplanned: { named.append($0) }).rows
        XCTAssertEqual(named.count, 1)
        XCTAssertTrue(named[0].contains("2 records in this sweep folder are not in its plan"), named[0])
        let dropped = try XCTUnwrap(rows.first { $0.setting.contains("epochsPerPeriod=4") })
        XCTAssertTrue(dropped.notes.contains("2 of its runs from sweep cells no longer planned (re-planned sweep)"), "\(dropped.notes)")
        XCTAssertEqual(sweep.unplannedRecords(of: old), [])
    }

    /// A run made on other data than the cache holds now is marked in runs.md, runs.csv, the README row, summary.csv
    /// and summary.json, not only in a warning line.
    func testStaleRunsAreMarkedInEveryTable() throws {
        let registry = try HarnessFixtures.registry()
        let directory = try makeTemporaryDirectory(prefix: "jule-truth")
        var files: [ResultsAggregator.RecordFile] = []
        for seed in [UInt64(1), 2] {
            let record = try HarnessFixtures.record(dataset: "COIL-20", seed: seed, sfNMI: 0.9, rcNMI: 0.9, registry: registry)
            let url = directory.appendingPathComponent("s\(seed)/record.json")
            try AtomicFile.writeJSON(record, to: url)
            files.append((url, record))
        }
        let aggregator = ResultsAggregator(registry: registry)
        let table = try RunTable(files: files, under: directory, aggregator: aggregator, otherData: [files[1].url])
        XCTAssertEqual(table.entries.map(\.stale), [false, true])
        XCTAssertTrue(table.markdown().contains("| yes, stale | `s2` |"), table.markdown())
        XCTAssertTrue(table.csv().hasPrefix("dataset,") && table.csv().split(separator: "\n")[0].hasSuffix(",stale"))
        XCTAssertTrue(table.csv().split(separator: "\n")[2].hasSuffix(",s2,yes"), table.csv())
        let rows = table.markingCollapses(try aggregator.rows(from: files.map(\.record)))
        XCTAssertEqual(rows[0].staleSeeds, [2])
        let writer = ReportWriter(rows: rows, records: files.map(\.record), tolerance: 0.01)
        XCTAssertTrue(writer.markdown().contains("| COIL-20 | default | 2 (1 stale) | RC |"), writer.markdown())
        XCTAssertTrue(writer.markdown().contains("stale: seed 2 made on other COIL-20 data"), writer.markdown())
        XCTAssertTrue(writer.csv().split(separator: "\n").dropFirst().allSatisfy { $0.hasSuffix(",1") }, writer.csv())
        _ = try writer.write(to: directory)
        let summary = try String(contentsOf: directory.appendingPathComponent("summary.json"), encoding: .utf8)
        XCTAssertTrue(summary.contains("staleSeeds"), summary)
    }
}
