import Foundation
import XCTest
import _JuleTestSupport

/// `jule report` / `jule diff` name a wrong folder before reading anything, and a sweep whose only cells failed is
/// reported as failed; `jule sweep status` names failed cells in its estimate and records its plan no longer holds.
final class ReportFolderTests: XCTestCase {
    func testMissingRecordsFolderAndOutFileAreUsageErrors() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        for command in ["report", "diff"] {
            let missing = try cli.run([command, "--records", "nowhere"])
            assertCleanError(missing, mentions: ["--records nowhere: no such folder"])
            XCTAssertEqual(missing.status, 64, missing.output)
        }
        try FileManager.default.createDirectory(at: cli.url("records"), withIntermediateDirectories: true)
        try "x".write(to: cli.url("file"), atomically: true, encoding: .utf8)
        let out = try cli.run(["report", "--records", "records", "--out", "file"])
        assertCleanError(out, mentions: ["--out file: not a folder"])
        XCTAssertEqual(out.status, 64, out.output)
    }

    func testSweepWhoseOnlyCellFailedIsReportedAsFailed() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try OwnDataFixtures().writeNPZ(cli.url("set.npz"))
        XCTAssertEqual(try cli.run(["data", "import", "own", "--from", cli.url("set.npz").path, "--quiet"]).status, 0)
        try #"{"name": "f", "datasets": ["own"], "seeds": [1], "overrides": [{"epochsPerPeriod": 1}]}"#
            .write(to: cli.url("f.json"), atomically: true, encoding: .utf8)
        let plan = try cli.run(["sweep", "plan", "f.json", "--out", "sw"])
        XCTAssertEqual(plan.status, 0, plan.output)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: cli.url("sw/manifest.json"))) as? [String: Any]
        let id = try XCTUnwrap(((manifest?["cells"] as? [[String: Any]])?.first?["id"]) as? String)
        try FileManager.default.createDirectory(at: cli.url("sw/cells/\(id)"), withIntermediateDirectories: true)
        try "out of memory\n".write(to: cli.url("sw/cells/\(id)/failed.txt"), atomically: true, encoding: .utf8)
        let report = try cli.run(["report", "--records", "sw", "--no-pictures"])
        XCTAssertEqual(report.status, 0, report.output)
        let readme = try String(contentsOf: cli.url("sw/README.md"), encoding: .utf8)
        XCTAssertTrue(readme.split(separator: "\n").contains { $0.hasPrefix("| own | ") && $0.contains("| 0 of 1 | SF | failed |") }, readme)
        // runs.md says why the seed is missing: the cell, its setting and the first line of its failed.txt.
        let runs = try String(contentsOf: cli.url("sw/runs.md"), encoding: .utf8)
        XCTAssertTrue(runs.contains("## Failed sweep cells"), runs)
        XCTAssertTrue(runs.split(separator: "\n").contains { $0.hasPrefix("| own | ") && $0.contains("| 1 | out of memory | `cells/\(id)` |") }, runs)
        let diff = try cli.run(["diff", "--records", "sw"])
        XCTAssertEqual(diff.status, 1, diff.output)
        XCTAssertTrue(diff.stdout.contains("failed: every planned run of own ("), diff.output)
        let status = try cli.run(["sweep", "status", "sw"])
        XCTAssertTrue(status.stdout.contains("compute left: none running or pending; 1 failed cell, which jule sweep run retries"),
                      status.output)
        XCTAssertTrue(status.stdout.contains("\(id)  failed: out of memory\n"), status.output)
        // The failed cell's line points to its log: the newest Slurm task log of this cell (index 0), else cell.log.
        try "local\n".write(to: cli.url("sw/cells/\(id)/cell.log"), atomically: true, encoding: .utf8)
        let local = try cli.run(["sweep", "status", "sw"])
        XCTAssertTrue(local.stdout.contains("\(id)  failed: out of memory; log: \(cli.url("sw/cells/\(id)/cell.log").standardizedFileURL.path)\n"), local.output)
        try FileManager.default.createDirectory(at: cli.url("sw/slurm"), withIntermediateDirectories: true)
        for name in ["cell-77_1.out", "cell-78_0.out", "cell-78_0.err", "report-78.out"] {
            try "slurm\n".write(to: cli.url("sw/slurm/\(name)"), atomically: true, encoding: .utf8)
        }
        let slurm = try cli.run(["sweep", "status", "sw"])
        XCTAssertTrue(slurm.stdout.contains("failed: out of memory; log: \(cli.url("sw/slurm/cell-78_0.out").standardizedFileURL.path)\n"), slurm.output)
        // A record left by a re-plan that dropped its cell: status and report name it.
        try FileManager.default.createDirectory(at: cli.url("sw/cells/own-s9-0badcell"), withIntermediateDirectories: true)
        try "{}".write(to: cli.url("sw/cells/own-s9-0badcell/record.json"), atomically: true, encoding: .utf8)
        let after = try cli.run(["sweep", "status", "sw"])
        XCTAssertTrue(after.stdout.contains("1 record under cells/ is not in this plan (e.g. own-s9-0badcell"), after.output)
        let warned = try cli.run(["report", "--records", "sw", "--no-pictures"])
        XCTAssertTrue(warned.stderr.contains("1 record in this sweep folder is not in its plan"), warned.output)
    }
}
