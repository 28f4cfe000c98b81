import Foundation
import XCTest
import _JuleTestSupport

/// `jule report` gives the same tables on every machine for the same records: the collapse test reads each
/// dataset's classes from the cache or, on a fresh machine, the mirror; without either it says which runs it left
/// untested instead of silently dropping the marks.
final class ReportCommandTests: XCTestCase {
    func testCollapseMarksDoNotDependOnWhatIsCached() throws {
        guard let mirror = datasetMirror() else { throw XCTSkip("dataset mirror absent: ../shared/datasets not found") }
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        // A committed run whose JULE-RC partition collapsed (USPS, `port`, the earlier default, seed 4: a 2-image cluster).
        let committed = CLI.repository.appendingPathComponent("results/sweeps/port-kernel/cells/USPS-s4-900debf1")
        guard FileManager.default.fileExists(atPath: committed.appendingPathComponent("record.json").path) else {
            throw XCTSkip("committed run \(committed.lastPathComponent) not found")
        }
        let run = cli.url("records/USPS-s4")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        for name in ["record.json", "labels-sf.txt", "labels-rc.txt"] {
            try FileManager.default.copyItem(at: committed.appendingPathComponent(name), to: run.appendingPathComponent(name))
        }

        // The private cache is empty: the classes come from the mirror.
        let withMirror = try cli.run(["report", "--records", "records", "--out", "with-mirror", "--no-pictures",
                                      "--mirror", mirror.path, "--quiet"])
        XCTAssertEqual(withMirror.status, 0, withMirror.output)
        let table = try String(contentsOf: cli.url("with-mirror/README.md"), encoding: .utf8)
        XCTAssertTrue(table.contains("| USPS | port | 1 | RC |") && table.contains("collapsed: seed 4"), table)
        let runs = try String(contentsOf: cli.url("with-mirror/runs.csv"), encoding: .utf8)
        XCTAssertTrue(runs.split(separator: "\n").dropFirst().allSatisfy { $0.contains(",yes,") }, runs)

        // No cache and no mirror: the report is still written, and says which dataset's runs went untested.
        let emptyCache = cli.url("empty-cache")
        let without = try cli.run(["report", "--records", "records", "--out", "without", "--no-pictures", "--cache",
                                   emptyCache.path])
        XCTAssertEqual(without.status, 0, without.output)
        XCTAssertTrue(without.stderr.contains("no collapse test for the USPS runs"), without.output)
        XCTAssertFalse(try String(contentsOf: cli.url("without/README.md"), encoding: .utf8).contains("collapsed: seed"))
    }

    /// Without --out the report goes beside the records it read, so `jule report --records DIR` run in the
    /// repository never overwrites the committed results/.
    func testReportGoesBesideItsRecords() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let committed = CLI.repository.appendingPathComponent("results/sweeps/port-kernel/cells/USPS-s4-900debf1/record.json")
        guard FileManager.default.fileExists(atPath: committed.path) else { throw XCTSkip("committed record not found") }
        try FileManager.default.createDirectory(at: cli.url("records/USPS-s4"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: committed, to: cli.url("records/USPS-s4/record.json"))
        let report = try cli.run(["report", "--records", "records", "--no-pictures", "--quiet"])
        XCTAssertEqual(report.status, 0, report.output)
        for name in ["README.md", "summary.csv", "summary.json", "runs.md", "runs.csv"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: cli.url("records/\(name)").path), name)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("results").path), "wrote into results/")
        // A truncated record elsewhere in the folder is named in one warning and left out; the report still comes.
        let good = try Data(contentsOf: committed)
        try FileManager.default.createDirectory(at: cli.url("records/cut"), withIntermediateDirectories: true)
        try good.prefix(300).write(to: cli.url("records/cut/record.json"))
        try FileManager.default.removeItem(at: cli.url("records/README.md"))
        let skipped = try cli.run(["report", "--records", "records", "--no-pictures", "--quiet"])
        XCTAssertEqual(skipped.status, 0, skipped.output)
        let warnings = skipped.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: ") && $0.contains("cut/record.json") }
        XCTAssertEqual(warnings.count, 1, skipped.stderr)
        XCTAssertTrue(warnings.first?.hasSuffix("; skipped") == true, skipped.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: cli.url("records/README.md").path))
        // Nothing readable left: an error, nothing written.
        try FileManager.default.removeItem(at: cli.url("records/USPS-s4"))
        XCTAssertNotEqual(try cli.run(["report", "--records", "records", "--no-pictures", "--quiet"]).status, 0)
        let help = try cli.run(["report", "--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(help.contains("Results directory to write, created if missing (default: the --records directory)."), help)
    }
    /// The files a report replaces whole (summary.csv/.json, runs.md/.csv) are refused when a report did not write
    /// them: a user's own summary.csv in the --out folder stays as it was and nothing is written; an earlier report's
    /// are replaced as before, and an empty file holds nothing to lose.
    func testReportDoesNotReplaceAUsersOwnFiles() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let committed = CLI.repository.appendingPathComponent("results/sweeps/port-kernel/cells/USPS-s4-900debf1/record.json")
        guard FileManager.default.fileExists(atPath: committed.path) else { throw XCTSkip("committed record not found") }
        try FileManager.default.createDirectory(at: cli.url("records/USPS-s4"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: committed, to: cli.url("records/USPS-s4/record.json"))
        try FileManager.default.createDirectory(at: cli.url("mine"), withIntermediateDirectories: true)
        let own = Data("run,nmi\nmine,0.5\n".utf8)
        try own.write(to: cli.url("mine/summary.csv"))
        let refused = try cli.run(["report", "--records", "records", "--out", "mine", "--no-pictures", "--quiet"])
        XCTAssertEqual(refused.status, 64, refused.output)
        XCTAssertEqual(refused.stderr, "error: \(cli.url("mine/summary.csv").path): not written by jule report, and the report would replace it; choose another --out or move it away\n")
        XCTAssertEqual(try Data(contentsOf: cli.url("mine/summary.csv")), own)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cli.url("mine").path), ["summary.csv"])
        // A folder of that name is refused as well; an empty file, or an earlier report's, is replaced.
        try FileManager.default.removeItem(at: cli.url("mine/summary.csv"))
        try FileManager.default.createDirectory(at: cli.url("mine/runs.md"), withIntermediateDirectories: true)
        let folder = try cli.run(["report", "--records", "records", "--out", "mine", "--no-pictures", "--quiet"])
        XCTAssertEqual(folder.status, 64, folder.output)
        XCTAssertTrue(folder.stderr.contains("mine/runs.md: not a file"), folder.output)
        try FileManager.default.removeItem(at: cli.url("mine/runs.md"))
        try Data().write(to: cli.url("mine/summary.json"))
        for attempt in 1...2 {
            let report = try cli.run(["report", "--records", "records", "--out", "mine", "--no-pictures", "--quiet"])
            XCTAssertEqual(report.status, 0, "attempt \(attempt): \(report.output)")
        }
        XCTAssertTrue(try String(contentsOf: cli.url("mine/summary.json"), encoding: .utf8).contains("\"tolerance\""))
    }

    /// A run moved aside (`DIR.replaced-<run id>`, by `train --force` or a stale sweep cell's re-run) is not counted:
    /// the run that replaced it is, even where the moved one would win (portable over kernel), and each moved-aside
    /// folder is named in one line. Reported on its own (`--records DIR.replaced-…`), it counts.
    func testRunsMovedAsideAreNotCounted() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let cells = CLI.repository.appendingPathComponent("results/sweeps")
        let kernel = cells.appendingPathComponent("port-kernel/cells/USPS-s4-900debf1/record.json")
        let portable = cells.appendingPathComponent("port/cells/USPS-s4-445a285f/record.json")
        guard FileManager.default.fileExists(atPath: kernel.path), FileManager.default.fileExists(atPath: portable.path) else {
            throw XCTSkip("committed records not found")
        }
        for (record, folder) in [(kernel, "records/run"), (portable, "records/run.replaced-USPS-s4-445a285f")] {
            try FileManager.default.createDirectory(at: cli.url(folder), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: record, to: cli.url(folder + "/record.json"))
        }
        let report = try cli.run(["report", "--records", "records", "--no-pictures", "--quiet"])
        XCTAssertEqual(report.status, 0, report.output)
        let runs = try String(contentsOf: cli.url("records/runs.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(runs.count, 1, runs.joined(separator: "\n"))
        XCTAssertTrue(runs.first?.contains("USPS-s4-900debf1") == true, runs.joined(separator: "\n"))
        let notes = report.stderr.split(separator: "\n").filter { $0.contains("run.replaced-USPS-s4-445a285f") }
        XCTAssertEqual(notes.count, 1, report.stderr)
        XCTAssertTrue(notes.first?.contains("moved aside") == true, report.stderr)
        let diff = try cli.run(["diff", "--records", "records"])
        XCTAssertTrue(diff.stderr.contains("run.replaced-USPS-s4-445a285f"), diff.stderr)
        let alone = try cli.run(["report", "--records", "records/run.replaced-USPS-s4-445a285f", "--no-pictures", "--quiet"])
        XCTAssertEqual(alone.status, 0, alone.output)
        let aloneRuns = try String(contentsOf: cli.url("records/run.replaced-USPS-s4-445a285f/runs.csv"), encoding: .utf8)
        XCTAssertTrue(aloneRuns.contains("USPS-s4-445a285f"), aloneRuns)
    }

    /// A record.json whose scores were edited by hand (the trial's RC 0.999 in a copy of a committed run) is named in
    /// one warning line, recorded against what its trajectory and label files give, and its seed is marked in the
    /// table; the untouched copy reports silently. Without the dataset the trajectory still tells.
    func testEditedScoresAreNamedAndMarked() throws {
        guard let mirror = datasetMirror() else { throw XCTSkip("dataset mirror absent: ../shared/datasets not found") }
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let committed = CLI.repository.appendingPathComponent("results/sweeps/port2/cells/USPS-s1-4d78ffb6")
        guard FileManager.default.fileExists(atPath: committed.appendingPathComponent("record.json").path) else {
            throw XCTSkip("committed run \(committed.lastPathComponent) not found")
        }
        let run = cli.url("records/USPS-s1")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        for name in ["record.json", "labels-sf.txt", "labels-rc.txt"] {
            try FileManager.default.copyItem(at: committed.appendingPathComponent(name), to: run.appendingPathComponent(name))
        }
        let clean = try cli.run(["report", "--records", "records", "--out", "clean", "--no-pictures", "--mirror", mirror.path, "--quiet"])
        XCTAssertEqual(clean.status, 0, clean.output)
        XCTAssertFalse(clean.stderr.contains("scores not those"), clean.output)
        XCTAssertFalse(try String(contentsOf: cli.url("clean/README.md"), encoding: .utf8).contains("unverified"))
        let cleanDiff = try cli.run(["diff", "--records", "records"])
        XCTAssertEqual(cleanDiff.status, 0, cleanDiff.output)

        let url = run.appendingPathComponent("record.json")
        var record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var rc = try XCTUnwrap(record["rc"] as? [String: Any])
        rc["nmi"] = 0.999
        rc["acc"] = 0.999
        record["rc"] = rc
        try JSONSerialization.data(withJSONObject: record).write(to: url)
        let edited = try cli.run(["report", "--records", "records", "--out", "edited", "--no-pictures", "--mirror", mirror.path, "--quiet"])
        XCTAssertEqual(edited.status, 0, edited.output)
        let warnings = edited.stderr.split(separator: "\n").filter { $0.contains("scores not those of the run") }
        XCTAssertEqual(warnings.count, 1, edited.stderr)
        let line = String(warnings.first ?? "")
        XCTAssertTrue(line.hasPrefix("warning: ") && line.contains("records/USPS-s1/record.json"), line)
        for phrase in ["RC NMI 0.999000 recorded, 0.953250 from its trajectory's last RC call",
                       "RC NMI 0.999000 recorded, 0.953250 from labels-rc.txt", "RC ACC 0.999000 recorded, 0.982091 from labels-rc.txt"] {
            XCTAssertTrue(line.contains(phrase), line)
        }
        XCTAssertFalse(line.contains("SF "), line)
        let table = try String(contentsOf: cli.url("edited/README.md"), encoding: .utf8)
        XCTAssertTrue(table.contains("| USPS | default | 1 | RC | 0.999 |") && table.contains("unverified: seed 1"), table)

        // jule diff reads no dataset: the trajectory tells, and the diff fails.
        let diff = try cli.run(["diff", "--records", "records"])
        XCTAssertEqual(diff.status, 1, diff.output)
        XCTAssertTrue(diff.stderr.contains("records/USPS-s1/record.json: scores not those of the run (RC NMI 0.999000 recorded, "
                                           + "0.953250 from its trajectory's last RC call"), diff.stderr)
        let offline = try cli.run(["report", "--records", "records", "--out", "offline", "--no-pictures", "--cache",
                                   cli.url("empty-cache").path])
        XCTAssertEqual(offline.status, 0, offline.output)
        XCTAssertTrue(offline.stderr.contains("RC NMI 0.999000 recorded, 0.953250 from its trajectory's last RC call"), offline.stderr)
        XCTAssertFalse(offline.stderr.contains("from labels-rc.txt"), offline.stderr)
    }
}
