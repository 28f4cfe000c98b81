import Foundation
import XCTest
import JuleData
import _JuleTestSupport

/// A dataset re-imported with other images under the same name: every command that reads a run beside the data
/// notices. show, eval, cluster (a run's embeddings) and check refuse in one line naming the run directory, the dataset and both digests, and
/// write nothing; report keeps the run in its tables with a warning but neither tests nor draws it; a sweep cell is
/// stale in `sweep status` and redone by `sweep run`, the old run kept aside. A record from before content digests
/// is read with a warning, as train does.
final class ChangedDataTests: XCTestCase {
    func testEveryCommandNoticesARunOnReimportedData() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try OwnDataFixtures().writeFolder(cli.url("folder"))
        let importing = ["data", "import", "own", "--from", cli.url("folder").path, "--quiet"]
        XCTAssertEqual(try cli.run(importing).status, 0)
        let trained = try cli.run(["train", "own", "--out", "runs/own", "--epochs-per-period", "1", "--save-embeddings", "--quiet"])
        XCTAssertEqual(trained.status, 0, trained.output)
        try #"{"name": "changed", "datasets": ["own"], "seeds": [1], "overrides": [{"epochsPerPeriod": 1}]}"#
            .write(to: cli.url("changed.json"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try cli.run(["sweep", "plan", "changed.json", "--out", "sweep"]).status, 0)
        let swept = try cli.run(["sweep", "run", "sweep"])
        XCTAssertEqual(swept.status, 0, swept.output)
        let eval = ["eval", "--dataset", "own", "--pred", "runs/own/labels-rc.txt"]
        XCTAssertEqual(try cli.run(eval).status, 0, "on the data it was made on")

        // The same name, other data: one image moved to another class.
        func digest() throws -> String {
            try XCTUnwrap(HDF5File.open(at: cli.cache.appendingPathComponent("own.h5")).stringAttribute("contentSHA256"))
        }
        let before = String(try digest().prefix(12))
        try FileManager.default.moveItem(at: cli.url("folder/class-0/0.png"), to: cli.url("folder/class-1/0.png"))
        XCTAssertEqual(try cli.run(importing).status, 0)
        let after = String(try digest().prefix(12))
        XCTAssertNotEqual(before, after)
        let refusal = ["runs/own: run own-s1-", "other own data", "\(before)…, now \(after)…", "--force"]

        assertCleanError(try cli.run(["show", "--run", "runs/own", "--out", "montage.png", "--confusion", "matrix.svg"]),
                         mentions: refusal)
        assertCleanError(try cli.run(["show", "--dataset", "own", "--labels", "runs/own/labels-sf.txt", "--out", "montage.png"]),
                         mentions: refusal)
        assertCleanError(try cli.run(eval), mentions: refusal)
        assertCleanError(try cli.run(["check", "runs/own", "--out", "rerun"]), mentions: refusal)
        assertCleanError(try cli.run(["cluster", "own", "--features", "embeddings", "--embeddings", "runs/own/embeddings.h5",
                                      "--out", "clusters.txt"]), mentions: refusal)
        for written in ["montage.png", "matrix.svg", "rerun", "clusters.txt"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url(written).path), written)
        }

        // report: the run stays in the tables, one warning line, no collapse test and no picture.
        let report = try cli.run(["report", "--records", "runs", "--out", "report"])
        XCTAssertEqual(report.status, 0, report.output)
        let warnings = report.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: ") }
        XCTAssertEqual(warnings.count, 1, report.stderr)
        XCTAssertTrue(warnings.first?.contains("runs/own: run own-s1-") == true && warnings.first?.contains("\(before)…, now \(after)…") == true
                      && warnings.first?.hasSuffix("not tested for collapse nor drawn") == true, report.stderr)
        XCTAssertTrue(try String(contentsOf: cli.url("report/runs.csv"), encoding: .utf8).contains(",own-s1-"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("report/plots/own-montage.png").path))

        // sweep status: stale, to redo; sweep run redoes it and keeps the old run aside.
        let status = try cli.run(["sweep", "status", "sweep"])
        XCTAssertEqual(status.status, 0, status.output)
        XCTAssertTrue(status.stdout.contains("stale: finished on other own data (dataset digest \(before)…, now \(after)…)"), status.output)
        XCTAssertTrue(status.stdout.contains("changed: 0 done, 1 stale, 0 running, 0 failed, 0 pending of 1"), status.output)
        let cells = cli.url("sweep/cells")
        let cellID = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: cells.path).first)
        let old = try Data(contentsOf: cells.appendingPathComponent("\(cellID)/record.json"))
        let redone = try cli.run(["sweep", "run", "sweep"])
        XCTAssertEqual(redone.status, 0, redone.output)
        XCTAssertTrue(redone.stdout.contains("\(cellID): finished on other own data"), redone.output)
        XCTAssertTrue(redone.stdout.contains("finished 1, already done 0"), redone.output)
        let aside = try FileManager.default.contentsOfDirectory(atPath: cells.path).filter { $0.hasPrefix("\(cellID).replaced-own-s1-") }
        XCTAssertEqual(aside.count, 1, "\(aside)")
        XCTAssertEqual(try Data(contentsOf: cells.appendingPathComponent("\(aside[0])/record.json")), old)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: cells.appendingPathComponent("\(cellID)/record.json"))) as? [String: Any]
        XCTAssertEqual((record?["datasetSHA256"] as? String)?.prefix(12), Substring(after))
        XCTAssertTrue(try cli.run(["sweep", "status", "sweep"]).stdout.contains("changed: 1 done, 0 running"))

        // A truncated cell record: "unreadable record" in status; sweep run moves it aside and redoes the cell.
        let cut = try Data(contentsOf: cells.appendingPathComponent("\(cellID)/record.json")).prefix(300)
        try cut.write(to: cells.appendingPathComponent("\(cellID)/record.json"))
        let unreadable = try cli.run(["sweep", "status", "sweep"])
        XCTAssertEqual(unreadable.status, 0, unreadable.output)
        XCTAssertTrue(unreadable.stdout.contains("\(cellID)  unreadable record: "), unreadable.output)
        XCTAssertTrue(unreadable.stdout.contains("changed: 0 done, 1 unreadable record, 0 running"), unreadable.output)
        let again = try cli.run(["sweep", "run", "sweep"])
        XCTAssertEqual(again.status, 0, again.output)
        XCTAssertTrue(again.stdout.contains("\(cellID): unreadable record ("), again.output)
        XCTAssertEqual(try Data(contentsOf: cells.appendingPathComponent("\(cellID).replaced-unreadable-record/record.json")), cut)
        XCTAssertTrue(try cli.run(["sweep", "status", "sweep"]).stdout.contains("changed: 1 done, 0 running"))

        // A record from before content digests cannot be compared: read, with a warning.
        let recordURL = cli.url("runs/own/record.json")
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: recordURL)) as? [String: Any])
        object["codeVersion"] = "a76b288"
        try JSONSerialization.data(withJSONObject: object).write(to: recordURL)
        let shown = try cli.run(["show", "--run", "runs/own", "--out", "montage.png"])
        XCTAssertEqual(shown.status, 0, shown.output)
        XCTAssertTrue(shown.stderr.hasPrefix("warning: ") && shown.stderr.hasSuffix("cannot tell whether own changed since\n"), shown.output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: cli.url("montage.png").path))
    }
}
