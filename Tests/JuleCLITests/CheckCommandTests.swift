import Foundation
import XCTest
import _JuleTestSupport

/// `jule check`: a finished run re-runs from its record and comes out the same, bit for bit; a changed output file or
/// score is named; a folder without a record is one error line.
final class CheckCommandTests: XCTestCase {
    func testRerunIsIdenticalAndChangesAreNamed() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try OwnDataFixtures().writeFolder(cli.url("folder"))
        XCTAssertEqual(try cli.run(["data", "import", "own", "--from", cli.url("folder").path]).status, 0)
        let trained = try cli.run(["train", "own", "--epochs-per-period", "1", "--portable", "--out", "runs/a"])
        XCTAssertEqual(trained.status, 0, trained.output)

        let same = try cli.run(["check", "runs/a", "--out", "rerun"])
        XCTAssertEqual(same.status, 0, same.output)
        XCTAssertTrue(same.stdout.contains("labels-rc.txt: same"), same.output)
        XCTAssertTrue(same.stdout.contains("identical: own-s1-"), same.output)
        XCTAssertFalse(same.stdout.contains("not a portable run"), same.output)

        // One label changed, one score changed: both named, exit status 1. The kept re-run is reused, not redone.
        let labels = cli.url("runs/a/labels-rc.txt")
        var lines = try String(contentsOf: labels, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        lines[4] = lines[4] == "0" ? "1" : "0"
        try lines.joined(separator: "\n").write(to: labels, atomically: true, encoding: .utf8)
        let recordURL = cli.url("runs/a/record.json")
        var record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: recordURL)) as? [String: Any])
        var rc = try XCTUnwrap(record["rc"] as? [String: Any])
        rc["nmi"] = 0.5
        record["rc"] = rc
        try JSONSerialization.data(withJSONObject: record).write(to: recordURL)
        let changed = try cli.run(["check", "runs/a", "--out", "rerun"])
        XCTAssertEqual(changed.status, 1, changed.output)
        XCTAssertTrue(changed.stdout.contains("labels-rc.txt: DIFFERS, first difference at line 5"), changed.output)
        XCTAssertTrue(changed.stdout.contains("scores: DIFFERS, recorded SF"), changed.output)
        XCTAssertTrue(changed.stdout.contains("differs: scores, labels-rc.txt"), changed.output)

        // A kernel-mode run is checked too, with a note that only the same kernel reproduces it; several runs are
        // checked in turn and counted.
        XCTAssertEqual(try cli.run(["train", "own", "--epochs-per-period", "1", "--out", "runs/b"]).status, 0)
        let kernel = try cli.run(["check", "runs/b"])
        XCTAssertEqual(kernel.status, 0, kernel.output)
        XCTAssertTrue(kernel.stdout.contains("note: not a portable run"), kernel.output)
        let both = try cli.run(["check", "runs/a", "runs/b", "--out", "rerun"])
        XCTAssertEqual(both.status, 1, both.output)
        let changedID = try XCTUnwrap(record["runID"] as? String)
        XCTAssertTrue(both.stdout.contains("1 of 2 runs identical; differ: \(changedID)"), both.output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: cli.url("rerun/\(changedID)/record.json").path))

        let missing = try cli.run(["check", "folder"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.hasPrefix("error: ") && missing.stderr.contains("record.json: no such file"), missing.output)
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.output)
    }
}
