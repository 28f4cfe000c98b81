import Foundation
import XCTest
import _JuleTestSupport

/// A new user's trial of damaged files: sweep cells whose model.ckpt or label file was damaged counted as done, a
/// label file with a line that is not a number went unflagged by `jule report`, `jule diff` printed "all reproduced"
/// while failing on an edited record, one truncated manifest.json stopped every report, and a picture that could not
/// be written was a note with exit 0.
final class DamagedFilesTrialTests: XCTestCase {
    /// A copy of the committed port2 USPS seed-1 cell (record and label files; no model.ckpt) in `records/USPS-s1`.
    private func committedRun(_ cli: CLI, into folder: String = "records/USPS-s1") throws -> URL {
        let committed = CLI.repository.appendingPathComponent("results/sweeps/port2/cells/USPS-s1-4d78ffb6")
        guard FileManager.default.fileExists(atPath: committed.appendingPathComponent("record.json").path) else {
            throw XCTSkip("committed run \(committed.lastPathComponent) not found")
        }
        let run = cli.url(folder)
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        for name in ["record.json", "labels-sf.txt", "labels-rc.txt"] {
            try FileManager.default.copyItem(at: committed.appendingPathComponent(name), to: run.appendingPathComponent(name))
        }
        return run
    }

    private func replaceLine(_ number: Int, of file: URL, with text: String) throws {
        var lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
        lines[number - 1] = text
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
    }

    /// A finished cell with its model.ckpt cut to 100 bytes and one with `zz` in a label file: `sweep status` says
    /// damaged, naming the file and the way out; `report` warns and marks them; `sweep run` redoes both, keeping the
    /// damaged runs aside.
    func testDamagedSweepCellsAreNotDone() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try OwnDataFixtures().writeFolder(cli.url("folder"))
        XCTAssertEqual(try cli.run(["data", "import", "own", "--from", cli.url("folder").path, "--quiet"]).status, 0)
        try #"{"name": "dmg", "datasets": ["own"], "seeds": [1, 2], "overrides": [{"epochsPerPeriod": 1}]}"#
            .write(to: cli.url("dmg.json"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try cli.run(["sweep", "plan", "dmg.json", "--out", "sweep"]).status, 0)
        let swept = try cli.run(["sweep", "run", "sweep"])
        XCTAssertEqual(swept.status, 0, swept.output)
        let cells = cli.url("sweep/cells")
        let ids = try FileManager.default.contentsOfDirectory(atPath: cells.path).sorted()
        XCTAssertEqual(ids.count, 2, "\(ids)")
        let model = cells.appendingPathComponent("\(ids[0])/model.ckpt")
        let cut = try Data(contentsOf: model).prefix(100)
        try cut.write(to: model)
        let labels = cells.appendingPathComponent("\(ids[1])/labels-sf.txt")
        try replaceLine(3, of: labels, with: "zz")
        let edited = try Data(contentsOf: labels)

        let status = try cli.run(["sweep", "status", "sweep"])
        XCTAssertEqual(status.status, 0, status.output)
        XCTAssertTrue(status.stdout.contains("\(ids[0])  damaged: \(model.path): damaged (truncated header); jule sweep run "
                                             + "moves the run aside and redoes the cell"), status.output)
        XCTAssertTrue(status.stdout.contains("\(ids[1])  damaged: \(labels.path): damaged (not one integer label per line)"), status.output)
        XCTAssertTrue(status.stdout.contains("dmg: 0 done, 2 damaged, 0 running, 0 failed, 0 pending of 2"), status.output)

        let report = try cli.run(["report", "--records", "sweep", "--out", "report", "--no-pictures", "--quiet"])
        XCTAssertEqual(report.status, 0, report.output)
        let warnings = report.stderr.split(separator: "\n").filter { $0.contains("marked 'unverified'") }
        XCTAssertEqual(warnings.count, 2, report.stderr)
        XCTAssertTrue(report.stderr.contains("warning: \(model.path): damaged (truncated header)"), report.stderr)
        XCTAssertTrue(report.stderr.contains("warning: \(labels.path): damaged (not one integer label per line)"), report.stderr)
        XCTAssertTrue(try String(contentsOf: cli.url("report/summary.json"), encoding: .utf8).contains("unverifiedSeeds"))

        let again = try cli.run(["sweep", "run", "sweep"])
        XCTAssertEqual(again.status, 0, again.output)
        XCTAssertTrue(again.stdout.contains("\(ids[0]): \(model.path): damaged (truncated header); redone"), again.output)
        XCTAssertTrue(again.stdout.contains("finished 2, already done 0"), again.output)
        // Nothing lost: the damaged runs are aside, as they were.
        XCTAssertEqual(try Data(contentsOf: cells.appendingPathComponent("\(ids[0]).replaced-damaged/model.ckpt")), cut)
        XCTAssertEqual(try Data(contentsOf: cells.appendingPathComponent("\(ids[1]).replaced-damaged/labels-sf.txt")), edited)
        XCTAssertTrue(try cli.run(["sweep", "status", "sweep"]).stdout.contains("dmg: 2 done, 0 running"))
    }

    /// A label file with a line that is not an integer is flagged as a cut one is: a warning and 'unverified'.
    func testReportFlagsALabelFileThatDoesNotRead() throws {
        guard let mirror = datasetMirror() else { throw XCTSkip("dataset mirror absent: ../shared/datasets not found") }
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let run = try committedRun(cli)
        let labels = run.appendingPathComponent("labels-rc.txt")
        let whole = try Data(contentsOf: labels)
        for (name, damage) in [("abc", { try self.replaceLine(5, of: labels, with: "abc") }),
                               ("cut", { try whole.prefix(100).write(to: labels) })] {
            try damage()
            let report = try cli.run(["report", "--records", "records", "--out", name, "--no-pictures", "--mirror", mirror.path, "--quiet"])
            XCTAssertEqual(report.status, 0, report.output)
            let warnings = report.stderr.split(separator: "\n").filter { $0.contains("labels-rc.txt") }
            XCTAssertEqual(warnings.count, 1, report.stderr)
            XCTAssertTrue(warnings.first?.hasPrefix("warning: ") == true, report.stderr)
            XCTAssertTrue(warnings.first?.hasSuffix("marked 'unverified'") == true, report.stderr)
            if name == "abc" {
                XCTAssertTrue(report.stderr.contains("warning: \(labels.path): damaged (not one integer label per line)"), report.stderr)
            }
            let table = try String(contentsOf: cli.url("\(name)/README.md"), encoding: .utf8)
            XCTAssertTrue(table.contains("unverified: seed 1"), table)
            try whole.write(to: labels)
        }
    }

    /// `jule diff` over an edited record fails and says so on its last line; the row is marked.
    func testDiffOfAnEditedRecordDoesNotClaimSuccess() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let run = try committedRun(cli)
        XCTAssertTrue(try cli.run(["diff", "--records", "records"]).stdout.contains("measured claimed numbers reproduced"))
        let url = run.appendingPathComponent("record.json")
        var record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var rc = try XCTUnwrap(record["rc"] as? [String: Any])
        rc["nmi"] = 0.97
        record["rc"] = rc
        try JSONSerialization.data(withJSONObject: record).write(to: url)
        let diff = try cli.run(["diff", "--records", "records"])
        XCTAssertEqual(diff.status, 1, diff.output)
        XCTAssertTrue(diff.stderr.contains("edited or damaged; the diff fails"), diff.stderr)
        XCTAssertFalse(diff.stdout.contains("reproduced within"), diff.stdout)
        let rcNMI = diff.stdout.split(separator: "\n").first { $0.hasPrefix("USPS") && $0.contains(" RC ") && $0.contains("NMI") }
        XCTAssertTrue(rcNMI?.hasSuffix("; unverified: seed 1") == true, diff.stdout)
        let last = diff.stdout.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(last.hasPrefix("the diff fails: 4 of 4 measured claimed numbers unverified"), diff.stdout)
    }

    /// A truncated sweep manifest is skipped with one warning by report and diff (its cell's record still counts), and
    /// `sweep plan --force` replaces it; without --force the error says so.
    func testADamagedManifestIsSkippedAndReplacedWithForce() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        _ = try committedRun(cli, into: "records/sweep/cells/USPS-s1-4d78ffb6")
        let manifest = cli.url("records/sweep/manifest.json")
        let committedManifest = CLI.repository.appendingPathComponent("results/sweeps/port2/manifest.json")
        try Data(contentsOf: committedManifest).prefix(200).write(to: manifest)
        for arguments in [["report", "--records", "records", "--no-pictures", "--quiet"], ["diff", "--records", "records"]] {
            let result = try cli.run(arguments)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.output)")
            let warnings = result.stderr.split(separator: "\n").filter { $0.contains("manifest.json") }
            XCTAssertEqual(warnings.count, 1, result.stderr)
            XCTAssertTrue(warnings.first?.hasPrefix("warning: \(manifest.path): ") == true, result.stderr)
            XCTAssertTrue(warnings.first?.contains("records under its cells/ still count") == true, result.stderr)
        }
        XCTAssertTrue(try String(contentsOf: cli.url("records/runs.csv"), encoding: .utf8).contains("sweep/cells/USPS-s1-4d78ffb6"))

        try #"{"name": "s", "datasets": ["USPS"], "seeds": [1]}"#.write(to: cli.url("s.json"), atomically: true, encoding: .utf8)
        let cut = try Data(contentsOf: manifest)
        assertCleanError(try cli.run(["sweep", "plan", "s.json", "--out", "records/sweep"]), mentions: [manifest.path, "--force"])
        XCTAssertEqual(try Data(contentsOf: manifest), cut)
        let forced = try cli.run(["sweep", "plan", "s.json", "--out", "records/sweep", "--force"])
        XCTAssertEqual(forced.status, 0, forced.output)
        XCTAssertTrue(forced.stderr.hasPrefix("warning: \(manifest.path): ") && forced.stderr.contains("replaced (--force)"), forced.stderr)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(contentsOf: manifest)))
    }

    /// A picture that cannot be written (here its name taken by a folder; on a full disk, no space) is an error, exit
    /// 1, saying the report is incomplete, not a note in README.md.
    func testAPictureThatCannotBeWrittenIsAnError() throws {
        guard let mirror = datasetMirror() else { throw XCTSkip("dataset mirror absent: ../shared/datasets not found") }
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        _ = try committedRun(cli)
        try FileManager.default.createDirectory(at: cli.url("out/plots/USPS-montage.png/taken"), withIntermediateDirectories: true)
        let report = try cli.run(["report", "--records", "records", "--out", "out", "--mirror", mirror.path, "--quiet"])
        XCTAssertEqual(report.status, 1, report.output)
        let errors = report.stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") }
        XCTAssertEqual(errors.count, 1, report.stderr)
        XCTAssertTrue(errors.first?.contains("USPS-montage.png") == true, report.stderr)
        XCTAssertTrue(errors.first?.contains("the report in \(cli.url("out").path) is incomplete") == true, report.stderr)
        XCTAssertFalse(report.output.contains("Fatal error"), report.output)
    }
}
