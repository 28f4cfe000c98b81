import Foundation
import XCTest
import _JuleTestSupport

/// A new user's trial: output options wrote over the dataset cache's own files, `jule check --out` compared a run
/// with itself, a damaged centroids file or CRLF label file was blamed on the GEMM kernel after a whole re-run,
/// `jule embed` ignored an unreadable record, and a few messages named the wrong thing.
final class CacheAndCheckTrialTests: XCTestCase {
    /// An imported set `own` (60 images) in the cache, an image to embed in `new/`, and a finished run in `runs/a`.
    private func finishedRun(_ cli: CLI) throws {
        try OwnDataFixtures().writeNPZ(cli.url("own.npz"))
        XCTAssertEqual(try cli.run(["data", "import", "own", "--from", cli.url("own.npz").path, "--quiet"]).status, 0)
        try FileManager.default.createDirectory(at: cli.url("new"), withIntermediateDirectories: true)
        try OwnDataFixtures(perClass: 1).writeImage(0, to: cli.url("new/one.png"))
        let trained = try cli.run(["train", "own", "--epochs-per-period", "1", "--out", "runs/a", "--quiet"])
        XCTAssertEqual(trained.status, 0, trained.output)
    }

    /// Every output file option refuses a path in the dataset cache in use (`$JULE_CACHE`, `--cache`), also through
    /// `..` or a link, with exit 64; the cache's files stay as they were. `embed --out` writes HDF5 only under .h5.
    func testOutputOptionsRefuseTheDatasetCache() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try finishedRun(cli)
        try FileManager.default.copyItem(at: cli.cache, to: cli.url("other-cache"))
        try FileManager.default.createSymbolicLink(at: cli.url("link"), withDestinationURL: cli.cache)
        let files = ["imported.json", "own.h5"]
        let before = try files.map { try Data(contentsOf: cli.cache.appendingPathComponent($0)) }
        let refused: [[String]] = [
            ["cluster", "own", "--out", "cache/imported.json"],
            ["cluster", "own", "--out", "runs/../cache/labels.txt"],
            ["cluster", "own", "--out", "link/imported.json"],
            ["cluster", "own", "--cache", "other-cache", "--out", "other-cache/imported.json"],
            ["embed", "--run", "runs/a", "--images", "new", "--out", "cache/own.h5"],
            ["show", "--run", "runs/a", "--out", "cache/m.png"],
            ["show", "--run", "runs/a", "--out", "m.png", "--confusion", "cache/c.svg"],
        ]
        for arguments in refused {
            let result = try cli.run(arguments)
            let option = arguments[arguments.count - 2], path = arguments[arguments.count - 1]
            assertCleanError(result, mentions: ["\(option) \(path): in the dataset cache", "choose another path"])
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.output)")
        }
        XCTAssertEqual(try files.map { try Data(contentsOf: cli.cache.appendingPathComponent($0)) }, before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("m.png").path))

        let json = try cli.run(["embed", "--run", "runs/a", "--images", "new", "--out", "e.json"])
        assertCleanError(json, mentions: ["--out e.json: writes HDF5; give a name ending in .h5"])
        XCTAssertEqual(json.status, 64)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("e.json").path))
        XCTAssertEqual(try cli.run(["embed", "--run", "runs/a", "--images", "new", "--out", "e.h5"]).status, 0)
    }

    /// A record that is there but does not read is refused by embed as by show: one line naming it, exit 1.
    func testEmbedRefusesAnUnreadableRecord() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try finishedRun(cli)
        let record = cli.url("runs/a/record.json")
        let whole = try Data(contentsOf: record)
        for damaged in [whole.prefix(100), Data(), Data("garbage".utf8)] {
            try damaged.write(to: record)
            let embedded = try cli.run(["embed", "--run", "runs/a", "--images", "new", "--list"])
            assertCleanError(embedded, mentions: ["runs/a/record.json: "])
            XCTAssertEqual(embedded.status, 1, embedded.output)
            XCTAssertEqual(embedded.stdout, "")
        }
    }

    /// `jule check RUN --out PARENT` where PARENT/<run id> is RUN itself (or inside it) is refused, naming both;
    /// so is a file as --out or in place of a re-run folder, before anything is checked.
    func testCheckRefusesToCompareARunWithItself() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try finishedRun(cli)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: cli.url("runs/a/record.json"))) as? [String: Any]
        let id = try XCTUnwrap(record?["runID"] as? String)
        try FileManager.default.createDirectory(at: cli.url("selfchk"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: cli.url("runs/a"), to: cli.url("selfchk/\(id)"))
        try Data().write(to: cli.url("afile"))
        try FileManager.default.createDirectory(at: cli.url("blocked"), withIntermediateDirectories: true)
        try Data().write(to: cli.url("blocked/\(id)"))
        let refused: [([String], [String])] = [
            (["--out", "selfchk"], ["--out selfchk: the re-run of selfchk/\(id) would go to selfchk/\(id), the run itself"]),
            (["--out", "selfchk/\(id)"], ["--out selfchk/\(id): the re-run of selfchk/\(id)", "inside the run"]),
            (["--out", "./selfchk/../selfchk"], ["the run itself"]),
            (["--out", "afile"], ["--out afile: a file, not a folder"]),
            (["--out", "blocked"], ["--out blocked: blocked/\(id) is a file, not a folder"]),
        ]
        for (options, mentions) in refused {
            let result = try cli.run(["check", "selfchk/\(id)"] + options)
            assertCleanError(result, mentions: mentions)
            XCTAssertEqual(result.status, 64, "\(options): \(result.output)")
            XCTAssertEqual(result.stdout, "", "\(options)")
        }
        // Permissions bind only an account other than root.
        if geteuid() != 0 {
            try FileManager.default.createDirectory(at: cli.url("ro"), withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: cli.url("ro").path)
            let readOnly = try cli.run(["check", "selfchk/\(id)", "--out", "ro/rerun"])
            assertCleanError(readOnly, mentions: ["ro: cannot write there"])
            XCTAssertEqual(readOnly.stdout, "")
        }
    }

    /// A truncated centroids.h5 or a label file with CRLF line ends is damage: check refuses before re-running
    /// (not "DIFFERS … not a portable run"), and train does not call the run complete.
    func testCheckFindsDamagedCentroidsAndCRLFLabels() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try finishedRun(cli)
        let train = ["train", "own", "--epochs-per-period", "1", "--out", "runs/a"]
        let centroids = cli.url("runs/a/centroids.h5"), labels = cli.url("runs/a/labels-rc.txt")
        let (centroidBytes, labelBytes) = (try Data(contentsOf: centroids), try Data(contentsOf: labels))

        try centroidBytes.prefix(500).write(to: centroids)
        let checked = try cli.run(["check", "runs/a"])
        assertCleanError(checked, mentions: ["runs/a/centroids.h5: damaged (does not read as centroids", "nothing to compare against"])
        XCTAssertEqual(checked.stdout, "")
        assertCleanError(try cli.run(train), mentions: ["runs/a/centroids.h5: damaged", "--force"])
        try centroidBytes.write(to: centroids)

        try Data(String(decoding: labelBytes, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8).write(to: labels)
        let crlf = try cli.run(["check", "runs/a"])
        assertCleanError(crlf, mentions: ["runs/a/labels-rc.txt: damaged (CRLF line ends", "nothing to compare against"])
        XCTAssertEqual(crlf.stdout, "")
        assertCleanError(try cli.run(train), mentions: ["runs/a/labels-rc.txt: damaged (CRLF line ends", "--force"])
        try labelBytes.write(to: labels)
        XCTAssertTrue(try cli.run(train).output.contains("already complete"))
    }

    /// `jule sweep status` on a folder without a manifest, and `jule sweep plan --out FILE`, say what is wrong.
    func testSweepMessagesNameTheFolder() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try FileManager.default.createDirectory(at: cli.url("run"), withIntermediateDirectories: true)
        let status = try cli.run(["sweep", "status", "run"])
        assertCleanError(status, mentions: ["run: not a sweep folder (no manifest.json; make one with jule sweep plan)"])
        XCTAssertEqual(status.status, 64)
        try #"{"name": "s", "datasets": ["USPS"], "seeds": [1]}"#.write(to: cli.url("s.json"), atomically: true, encoding: .utf8)
        try Data().write(to: cli.url("afile"))
        let plan = try cli.run(["sweep", "plan", "s.json", "--out", "afile"])
        assertCleanError(plan, mentions: ["--out afile: a file, not a folder"])
        XCTAssertEqual(plan.status, 64)
    }
}
