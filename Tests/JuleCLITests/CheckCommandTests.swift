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
        let record = try editScore(in: cli.url("runs/a/record.json"), variant: "rc", key: "nmi", to: 0.5)
        // clusters.tsv (written for imported image files) is compared like the label files: one cluster id changed.
        let table = cli.url("runs/a/clusters.tsv")
        var rows = try String(contentsOf: table, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        var fields = rows[3].split(separator: "\t", omittingEmptySubsequences: false)
        fields[fields.count - 1] = fields[fields.count - 1] == "0" ? "1" : "0"
        rows[3] = fields.joined(separator: "\t")[...]
        try rows.joined(separator: "\n").write(to: table, atomically: true, encoding: .utf8)
        let changed = try cli.run(["check", "runs/a", "--out", "rerun"])
        XCTAssertEqual(changed.status, 1, changed.output)
        XCTAssertTrue(changed.stdout.contains("labels-rc.txt: DIFFERS, first difference at line 5"), changed.output)
        XCTAssertTrue(changed.stdout.contains("clusters.tsv: DIFFERS, first difference at line 4"), changed.output)
        XCTAssertTrue(changed.stdout.contains("scores: DIFFERS, recorded SF"), changed.output)
        XCTAssertTrue(changed.stdout.contains("differs: scores, trajectory, labels-rc.txt, clusters.tsv"), changed.output)

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
        // A kernel-mode run that differs repeats in its verdict why that may be expected.
        try editScore(in: cli.url("runs/b/record.json"), variant: "sf", key: "acc", to: 0.25)
        let kernelDiffers = try cli.run(["check", "runs/b"])
        XCTAssertEqual(kernelDiffers.status, 1, kernelDiffers.output)
        XCTAssertTrue(kernelDiffers.stdout.contains("differs: scores, trajectory; not a portable run: recorded with "), kernelDiffers.output)

        let missing = try cli.run(["check", "folder"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.hasPrefix("error: ") && missing.stderr.contains("record.json: no such file"), missing.output)
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.output)
    }

    /// Every output file is listed with what was done with it, and "identical" names what it covers; an earlier
    /// re-run by other code is not reused; an edited record is refused; an interrupted check leaves no temporary folder.
    func testCheckSaysWhatItComparedAndWhatItDidNot() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let manager = FileManager.default
        try OwnDataFixtures().writeFolder(cli.url("folder"))
        XCTAssertEqual(try cli.run(["data", "import", "own", "--from", cli.url("folder").path]).status, 0)
        let trained = try cli.run(["train", "own", "--epochs-per-period", "1", "--portable", "--save-embeddings", "--out", "runs/a"])
        XCTAssertEqual(trained.status, 0, trained.output)
        let recordData = try Data(contentsOf: cli.url("runs/a/record.json"))
        let record = try XCTUnwrap(try JSONSerialization.jsonObject(with: recordData) as? [String: Any])
        let runID = try XCTUnwrap(record["runID"] as? String)

        // All there: embeddings.h5 too (the re-run writes them when the run did; their bytes are deterministic).
        let full = try cli.run(["check", "runs/a", "--out", "rerun"])
        XCTAssertEqual(full.status, 0, full.output)
        XCTAssertTrue(full.stdout.contains("  embeddings.h5: same\n"), full.output)
        XCTAssertTrue(full.stdout.contains("identical: \(runID) reproduces its scores, trajectory, labels-sf.txt, labels-rc.txt, "
                                           + "clusters.tsv, centroids.h5, embeddings.h5, model.ckpt bit for bit\n"), full.output)

        // A re-run by other code in --out is moved aside and made again; by this code it is reused, and says so.
        let kept = cli.url("rerun/\(runID)/record.json")
        var keptJSON = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: kept)) as? [String: Any])
        keptJSON["codeVersion"] = "0.1.0+0123456789ab"
        try JSONSerialization.data(withJSONObject: keptJSON).write(to: kept)
        let stale = try cli.run(["check", "runs/a", "--out", "rerun"])
        XCTAssertEqual(stale.status, 0, stale.output)
        XCTAssertTrue(stale.stdout.contains("was made by 0.1.0+0123456789ab, not this code"), stale.output)
        XCTAssertTrue(manager.fileExists(atPath: cli.url("rerun/\(runID).replaced-\(runID)/record.json").path), stale.output)
        XCTAssertNotEqual(try JSONSerialization.jsonObject(with: Data(contentsOf: kept)) as? NSDictionary, keptJSON as NSDictionary)
        let reused = try cli.run(["check", "runs/a", "--out", "rerun"])
        XCTAssertTrue(reused.stdout.contains("note: reusing the re-run in "), reused.output)

        // Only the record: nothing but scores and trajectory compared, and the verdict says so.
        try manager.createDirectory(at: cli.url("runs/onlyrec"), withIntermediateDirectories: true)
        try recordData.write(to: cli.url("runs/onlyrec/record.json"))
        let only = try cli.run(["check", "runs/onlyrec"])
        XCTAssertEqual(only.status, 0, only.output)
        XCTAssertTrue(only.stdout.contains("  model.ckpt: not in the run folder, not compared\n"), only.output)
        XCTAssertTrue(only.stdout.contains("identical: \(runID) reproduces its scores, trajectory bit for bit (labels-sf.txt, "
                                           + "labels-rc.txt, clusters.tsv, centroids.h5, model.ckpt not in the run folder: not compared)\n"), only.output)

        // Hand-edited records: refused in one line before anything runs.
        func edited(_ change: (inout [String: Any]) -> Void) throws -> CLI.Result {
            var json = record
            change(&json)
            try manager.createDirectory(at: cli.url("runs/edited"), withIntermediateDirectories: true)
            try JSONSerialization.data(withJSONObject: json).write(to: cli.url("runs/edited/record.json"))
            return try cli.run(["check", "runs/edited"])
        }
        let seven = try edited { $0["seed"] = 7 }
        XCTAssertNotEqual(seven.status, 0, seven.output)
        XCTAssertTrue(seven.stderr.contains("runs/edited/record.json: record.json was edited: seed 7, but its configuration's seed is 1"), seven.output)
        XCTAssertEqual(seven.stderr.split(separator: "\n").count, 1, seven.output)
        let margin = try edited { json in
            var configuration = json["configuration"] as? [String: Any] ?? [:]
            var training = configuration["training"] as? [String: Any] ?? [:]
            training["margin"] = 0.7
            configuration["training"] = training
            json["configuration"] = configuration
        }
        XCTAssertNotEqual(margin.status, 0, margin.output)
        XCTAssertTrue(margin.stderr.contains("record.json was edited: its configuration hashes to "), margin.output)
        XCTAssertTrue(margin.stderr.contains(", not the recorded \(record["configurationHash"] as? String ?? "?")"), margin.output)

        // Interrupted (SIGTERM) during the re-run: its temporary folder goes, and the command ends by the signal.
        // A run long enough (40 epochs a period) to be caught in the middle.
        let long = try cli.run(["train", "own", "--epochs-per-period", "40", "--portable", "--out", "runs/long"])
        XCTAssertEqual(long.status, 0, long.output)
        let temporary = cli.url("tmp")
        try manager.createDirectory(at: temporary, withIntermediateDirectories: true)
        let process = try cli.start(["check", "runs/long"], environment: ["TMPDIR": temporary.path], log: "interrupted")
        func rerunFolders() -> [String] {
            ((try? manager.contentsOfDirectory(atPath: temporary.path)) ?? []).filter { $0.hasPrefix("jule-check-") }
        }
        while process.isRunning && rerunFolders().isEmpty { usleep(5_000) }
        usleep(200_000)
        XCTAssertTrue(process.isRunning, "the re-run ended before it could be interrupted")
        process.terminate()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        XCTAssertEqual(process.terminationStatus, SIGTERM)
        XCTAssertEqual(rerunFolders(), [])
        let said = try String(contentsOf: cli.url("interrupted.err"), encoding: .utf8)
        XCTAssertTrue(said.hasSuffix("interrupted: the temporary re-run was removed; the same command starts it again\n"), said)
        // Killed (SIGKILL: no cleanup runs), the folder stays; the next check removes it, its process being gone.
        let killed = try cli.start(["check", "runs/long"], environment: ["TMPDIR": temporary.path], log: "killed")
        while killed.isRunning && rerunFolders().isEmpty { usleep(5_000) }
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        XCTAssertEqual(rerunFolders().count, 1)
        let next = try cli.run(["check", "runs/long", "--quiet"], environment: ["TMPDIR": temporary.path])
        XCTAssertEqual(next.status, 0, next.output)
        XCTAssertEqual(rerunFolders(), [])

        // Its reader gone (`jule check | head -1`): ended by SIGPIPE, as without the trap, and nothing left behind.
        let piped = Process()
        piped.executableURL = CLI.binary
        piped.arguments = ["check", "runs/long"]
        piped.currentDirectoryURL = cli.root
        piped.environment = cli.environment.merging(["TMPDIR": temporary.path]) { _, new in new }
        let pipe = Pipe()
        piped.standardOutput = pipe
        piped.standardError = FileHandle.nullDevice
        try piped.run()
        try pipe.fileHandleForReading.close()
        piped.waitUntilExit()
        XCTAssertEqual(piped.terminationReason, .uncaughtSignal)
        XCTAssertEqual(piped.terminationStatus, SIGPIPE)
        XCTAssertEqual(rerunFolders(), [])
    }

    /// Sets one score of a record by hand, and the same score of the phase's last trajectory call (a record whose
    /// scores are not its trajectory's is refused as damaged before anything runs); returns the record as edited.
    @discardableResult
    private func editScore(in url: URL, variant: String, key: String, to value: Double) throws -> [String: Any] {
        var record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var scores = try XCTUnwrap(record[variant] as? [String: Any])
        scores[key] = value
        record[variant] = scores
        var trajectory = try XCTUnwrap(record["trajectory"] as? [[String: Any]])
        let last = try XCTUnwrap(trajectory.lastIndex { $0["phase"] as? String == variant.uppercased() })
        var called = try XCTUnwrap(trajectory[last]["scores"] as? [String: Any])
        called[key] = value
        trajectory[last]["scores"] = called
        record["trajectory"] = trajectory
        try JSONSerialization.data(withJSONObject: record).write(to: url)
        return record
    }
}
