import Foundation
import XCTest
import JuleData
import _JuleTestSupport

/// Issue 19, points 2, 4 and 5: a finished run is never overwritten, output problems show before data loads, a
/// sweep stops cleanly on a signal and records a crashed cell, logs are flushed as they go, and records and
/// checkpoints are reproducible to the byte.
final class NeverLoseARunTests: XCTestCase {
    private func importedSet(_ cli: CLI, perClass: Int = 20, name: String = "own") throws {
        try OwnDataFixtures(perClass: perClass).writeNPZ(cli.url("\(name).npz"))
        let result = try cli.run(["data", "import", name, "--from", cli.url("\(name).npz").path, "--quiet"])
        XCTAssertEqual(result.status, 0, result.output)
    }

    /// A sweep over 400 images per class of an imported set, 40 epochs per period, one cell per seed, planned into
    /// `sweep/`; returns its cells folder.
    private func plannedSweep(_ cli: CLI, seeds: [Int]) throws -> URL {
        try importedSet(cli, perClass: 400)
        let seedList = seeds.map(String.init).joined(separator: ", ")
        try #"{"name": "sig", "datasets": ["own"], "seeds": [\#(seedList)], "overrides": [{"epochsPerPeriod": 40}]}"#
            .write(to: cli.url("sig.json"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try cli.run(["sweep", "plan", "sig.json", "--out", "sweep"]).status, 0)
        return cli.url("sweep/cells")
    }

    /// The pids in the cells' lock files ("host pid"), in folder order.
    private func lockHolders(_ cells: URL) -> [Int32] {
        let ids = ((try? FileManager.default.contentsOfDirectory(atPath: cells.path)) ?? []).sorted()
        return ids.compactMap { id in
            (try? String(contentsOf: cells.appendingPathComponent("\(id)/lock"), encoding: .utf8))
                .flatMap { $0.split(separator: " ").last.flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) } }
        }
    }

    func testFinishedRunsAreKeptAndOutputsCheckedFirst() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli)
        let quick = ["--epochs-per-period", "1"]
        XCTAssertEqual(try cli.run(["train", "own", "--out", "run"] + quick).status, 0)
        let first = try Data(contentsOf: cli.url("run/record.json"))
        // Another configuration over a finished run: refused, the run untouched.
        assertCleanError(try cli.run(["train", "own", "--seed", "2", "--out", "run"] + quick), mentions: ["run", "--force"])
        XCTAssertEqual(try Data(contentsOf: cli.url("run/record.json")), first)
        // --force replaces it and keeps the old run aside.
        let forced = try cli.run(["train", "own", "--seed", "2", "--out", "run", "--force"] + quick)
        XCTAssertEqual(forced.status, 0, forced.output)
        let aside = try FileManager.default.contentsOfDirectory(atPath: cli.root.path).filter { $0.hasPrefix("run.replaced-own-s1-") }
        XCTAssertEqual(aside.count, 1, "\(aside)")
        XCTAssertEqual(try Data(contentsOf: cli.url("\(aside[0])/record.json")), first)

        // Same seed, another directory: the same record numbers and a byte-identical model checkpoint.
        XCTAssertEqual(try cli.run(["train", "own", "--out", "again"] + quick).status, 0)
        XCTAssertEqual(try Data(contentsOf: cli.url("again/model.ckpt")), try Data(contentsOf: cli.url("\(aside[0])/model.ckpt")))
        // The record cites the cache's content digest, not the file's bytes.
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: cli.url("again/record.json"))) as? [String: Any]
        let digest = try HDF5File.open(at: cli.cache.appendingPathComponent("own.h5")).stringAttribute("contentSHA256")
        XCTAssertEqual(record?["datasetSHA256"] as? String, digest)
        XCTAssertTrue((record?["codeVersion"] as? String ?? "").hasPrefix("0."), "\(record?["codeVersion"] ?? "")")

        // An output that cannot be written is named before any data loads.
        try Data().write(to: cli.url("file"))
        assertCleanError(try cli.run(["train", "own", "--out", "file/run"] + quick), mentions: ["file/run", "cannot write there"])
        assertCleanError(try cli.run(["train", "own", "--out", "file"] + quick), mentions: ["file: cannot write there: a file, not a folder"])
        // A cache that cannot be written says so (not an HDF5 error), and so does a file that is not there.
        assertCleanError(try cli.run(["data", "import", "other", "--from", cli.url("own.npz").path, "--cache", cli.url("file").path]),
                         mentions: ["file", "cache directory"])
        assertCleanError(try cli.run(["data", "import", "other", "--from", cli.url("nothing.npz").path]),
                         mentions: ["nothing.npz", "no such file"])
        // A temporary file left by a killed import (its process gone) is removed by the next fetch.
        let stale = cli.cache.appendingPathComponent(".own.h5.\(UUID().uuidString).p999999.tmp")
        try Data([1, 2, 3]).write(to: stale)
        XCTAssertEqual(try cli.run(["data", "fetch", "own"]).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale.path))
    }

    /// A finished run is reused only on the data it was made on. After a re-import with one image moved to another
    /// class, the same command is one error line naming the run directory, both digests and --force, and the run
    /// is untouched; --force moves it aside and trains on the new data. On the same data the run is not redone,
    /// and says so on stderr even with --quiet.
    func testARunIsNotReusedOnChangedData() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try OwnDataFixtures().writeFolder(cli.url("folder"))
        let importing = ["data", "import", "own", "--from", cli.url("folder").path, "--quiet"]
        XCTAssertEqual(try cli.run(importing).status, 0)
        let train = ["train", "own", "--out", "runs/own", "--seed", "1", "--epochs-per-period", "1", "--quiet"]
        let first = try cli.run(train)
        XCTAssertEqual(first.status, 0, first.output)
        let again = try cli.run(train)
        XCTAssertEqual(again.status, 0, again.output)
        XCTAssertEqual(again.stdout, first.stdout)
        XCTAssertEqual(again.stderr.split(separator: "\n").count, 1, again.stderr)
        XCTAssertTrue(again.stderr.hasSuffix("runs/own/record.json: already complete for this configuration; not redone\n"), again.stderr)

        func digest() throws -> String { try XCTUnwrap(HDF5File.open(at: cli.cache.appendingPathComponent("own.h5")).stringAttribute("contentSHA256")) }
        let before = try digest()
        try FileManager.default.moveItem(at: cli.url("folder/class-0/0.png"), to: cli.url("folder/class-1/0.png"))
        XCTAssertEqual(try cli.run(importing).status, 0)
        let after = try digest()
        XCTAssertNotEqual(before, after)
        let record = try Data(contentsOf: cli.url("runs/own/record.json"))
        assertCleanError(try cli.run(train), mentions: ["runs/own holds the finished run own-s1-", "made on other data",
                                                        String(before.prefix(12)), String(after.prefix(12)), "--force"])
        XCTAssertEqual(try Data(contentsOf: cli.url("runs/own/record.json")), record)
        // jule diff compares the stale run as recorded and says it is stale (own has no claims: it fails on that).
        let diff = try cli.run(["diff", "--records", "runs"])
        XCTAssertTrue(diff.stderr.contains("runs/own: run own-s1-"), diff.output)
        XCTAssertTrue(diff.stderr.contains("was made on other own data than the cache holds now (dataset digest \(before.prefix(12))…, now \(after.prefix(12))…"), diff.output)

        let forced = try cli.run(train + ["--force"])
        XCTAssertEqual(forced.status, 0, forced.output)
        let aside = try FileManager.default.contentsOfDirectory(atPath: cli.url("runs").path).filter { $0.hasPrefix("own.replaced-own-s1-") }
        XCTAssertEqual(aside.count, 1, "\(aside)")
        XCTAssertEqual(try Data(contentsOf: cli.url("runs/\(aside[0])/record.json")), record)
        let redone = try JSONSerialization.jsonObject(with: Data(contentsOf: cli.url("runs/own/record.json"))) as? [String: Any]
        XCTAssertEqual(redone?["datasetSHA256"] as? String, after)
    }

    /// SIGTERM or Ctrl-C on `jule train --out DIR` once a checkpoint exists: the process still ends by the signal,
    /// after one line saying how to resume.
    func testAnInterruptedTrainingSaysHowToResume() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli, perClass: 400)
        let checkpoint = cli.url("run/checkpoint/state.json")
        for sig in [SIGTERM, SIGINT] {
            // A fresh run each time: a checkpoint already there could be seen before the command is listening.
            try? FileManager.default.removeItem(at: cli.url("run"))
            let log = "train-\(sig)"
            let train = try cli.start(["train", "own", "--out", "run", "--epochs-per-period", "40", "--quiet"], log: log)
            let end = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: checkpoint.path) {
                guard Date() < end, train.isRunning else { train.terminate(); throw XCTSkip("no checkpoint within a minute (machine too busy?)") }
                Thread.sleep(forTimeInterval: 0.1)
            }
            // The folder is locked while the run lives: a second train on it is one line naming the first's pid.
            if sig == SIGTERM {
                assertCleanError(try cli.run(["train", "own", "--out", "run", "--epochs-per-period", "40", "--quiet"]),
                                 mentions: ["another jule train or jule check --out (pid \(train.processIdentifier)) is writing run"])
            }
            kill(train.processIdentifier, sig)
            train.waitUntilExit()
            let result = cli.result(of: train, log: log)
            XCTAssertEqual(result.status, sig, result.output)
            XCTAssertTrue(result.signalled, result.output)
            XCTAssertEqual(result.stderr, "interrupted: run the same command again to resume from the last completed epoch (run)\n")
            XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("run/lock").path), "lock released on the signal")
        }
    }

    /// A signal before the first checkpoint leaves no empty folder: `run/` (and `runs/` above it, both new) are gone,
    /// or, if a checkpoint came first, hold it; never an empty `run/` or `run/checkpoint/`.
    func testATrainingStoppedBeforeItsFirstCheckpointLeavesNoEmptyFolder() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli, perClass: 400)
        let run = cli.url("runs/run")
        let train = try cli.start(["train", "own", "--out", "runs/run", "--epochs-per-period", "40", "--quiet"], log: "early")
        let end = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: run.appendingPathComponent("lock").path) {
            guard Date() < end, train.isRunning else { train.terminate(); throw XCTSkip("no lock within a minute") }
            usleep(2_000)
        }
        kill(train.processIdentifier, SIGTERM)
        train.waitUntilExit()
        XCTAssertEqual(train.terminationStatus, SIGTERM)
        let manager = FileManager.default
        if manager.fileExists(atPath: run.path) {
            XCTAssertTrue(manager.fileExists(atPath: run.appendingPathComponent("checkpoint/state.json").path),
                          "left: \((try? manager.contentsOfDirectory(atPath: run.path)) ?? [])")
        } else {
            XCTAssertFalse(manager.fileExists(atPath: cli.url("runs").path), "the new parent folder stays behind")
        }
    }

    /// `jule train --out DIR` holds `DIR/lock` for the run: a live holder's lock is refused, a dead one's taken over,
    /// and the lock is gone when the command ends, and stays out of a run that --force moves aside.
    func testOneTrainPerOutputFolder() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli)
        let quick = ["--epochs-per-period", "1", "--quiet"]
        let lock = cli.url("run/lock")
        try FileManager.default.createDirectory(at: cli.url("run"), withIntermediateDirectories: true)
        // This test's own process is alive.
        let live = "\(ProcessInfo.processInfo.hostName) \(getpid())\n"
        try live.write(to: lock, atomically: true, encoding: .utf8)
        assertCleanError(try cli.run(["train", "own", "--out", "run"] + quick),
                         mentions: ["another jule train or jule check --out (pid \(getpid())) is writing run"])
        XCTAssertEqual(try String(contentsOf: lock, encoding: .utf8), live, "another's lock is left alone")
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("run/record.json").path))
        // A process that has exited holds nothing.
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        try "\(ProcessInfo.processInfo.hostName) \(dead.processIdentifier)\n".write(to: lock, atomically: true, encoding: .utf8)
        let taken = try cli.run(["train", "own", "--out", "run"] + quick)
        XCTAssertEqual(taken.status, 0, taken.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: lock.path), "released at the end")
        // --force moves the run aside while holding the lock: the lock stays with the folder, not the old run.
        let forced = try cli.run(["train", "own", "--seed", "2", "--out", "run", "--force"] + quick)
        XCTAssertEqual(forced.status, 0, forced.output)
        let aside = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: cli.root.path).first { $0.hasPrefix("run.replaced-") })
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("\(aside)/lock").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: cli.url("\(aside)/record.json").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: lock.path))
    }

    /// A truncated record.json: the same command is one error line naming the file and --force; --force moves the
    /// folder's contents aside (the damaged record with them) and trains again.
    func testADamagedRecordIsMovedAsideWithForce() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli)
        let command = ["train", "own", "--out", "run", "--epochs-per-period", "1", "--quiet"]
        XCTAssertEqual(try cli.run(command).status, 0)
        let record = cli.url("run/record.json")
        let cut = try Data(contentsOf: record).prefix(300)
        try cut.write(to: record)
        assertCleanError(try cli.run(command), mentions: ["run/record.json", "--force moves the run folder aside"])
        let forced = try cli.run(command + ["--force"])
        XCTAssertEqual(forced.status, 0, forced.output)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(contentsOf: record)))
        XCTAssertEqual(try Data(contentsOf: cli.url("run.replaced-unreadable-record/record.json")), cut)
    }

    func testEmbedWarnsBeforeResizingAndNamesFiles() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli)
        XCTAssertEqual(try cli.run(["train", "own", "--epochs-per-period", "1", "--out", "run"]).status, 0)
        let images = cli.url("new")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        try PNGCodec.encode([UInt8](repeating: 90, count: 20 * 20), height: 20, width: 20, channels: 1)
            .write(to: images.appendingPathComponent("big.png"))
        try PNGCodec.encode([UInt8](repeating: 90, count: 16 * 16), height: 16, width: 16, channels: 1)
            .write(to: images.appendingPathComponent("fits.png"))
        assertCleanError(try cli.run(["embed", "--run", "run", "--images", "new", "--list"]), mentions: ["big.png", "20x20", "--resize"])
        let embedded = try cli.run(["embed", "--run", "run", "--images", "new", "--resize", "--list", "--out", "e.h5"])
        XCTAssertEqual(embedded.status, 0, embedded.output)
        XCTAssertTrue(embedded.stderr.contains("warning: resized 1 of 2 images (height×width 20x20)"), embedded.output)
        XCTAssertTrue(embedded.stdout.contains("\tbig.png\t"), embedded.output)
        XCTAssertTrue(embedded.stdout.contains("\tfits.png\t"), embedded.output)
        // With --list stdout is the table alone (a header, one tab-separated line per image); the summary goes to stderr.
        XCTAssertEqual(embedded.stdout.split(separator: "\n").count, 3, embedded.output)
        XCTAssertTrue(embedded.stdout.hasPrefix("index\tfile\tcluster\tcosine\n"), embedded.output)
        XCTAssertTrue(embedded.stdout.split(separator: "\n").allSatisfy { $0.split(separator: "\t").count == 4 }, embedded.output)
        XCTAssertTrue(embedded.stderr.contains("2 images → "), embedded.output)
        // Without it the summary is the output.
        let summary = try cli.run(["embed", "--run", "run", "--images", "new", "--resize", "--out", "f.h5"])
        XCTAssertTrue(summary.stdout.hasPrefix("2 images → "), summary.output)
        XCTAssertEqual(try HDF5File.open(at: cli.url("e.h5")).stringAttribute("names"), "big.png\nfits.png")
        // A model whose weights were damaged is refused by its checksum, in one line, and nothing is written.
        var model = try Data(contentsOf: cli.url("run/model.ckpt"))
        for k in 0..<16 { model[model.count - 100 + k] ^= 0xFF }
        try model.write(to: cli.url("damaged.ckpt"))
        assertCleanError(try cli.run(["embed", "--run", "run", "--model", "damaged.ckpt", "--images", "new", "--resize", "--out", "g.h5"]),
                         mentions: ["damaged.ckpt", "checksum mismatch"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("g.h5").path))
        // A file that cannot be decoded: an error naming it, or with --skip-unreadable left out with a warning.
        try Data().write(to: images.appendingPathComponent("zero.png"))
        assertCleanError(try cli.run(["embed", "--run", "run", "--images", "new", "--resize", "--list"]), mentions: ["zero.png: empty file"])
        let skipping = try cli.run(["embed", "--run", "run", "--images", "new", "--resize", "--list", "--skip-unreadable"])
        XCTAssertEqual(skipping.status, 0, skipping.output)
        XCTAssertTrue(skipping.stderr.contains("warning: left out 1 file that cannot be decoded: \(images.path)/zero.png (empty file)"), skipping.output)
        XCTAssertEqual(skipping.stdout.split(separator: "\n").count, 3, skipping.output)
        XCTAssertFalse(skipping.stdout.contains("zero.png"), skipping.output)
    }

    /// In a log (not a terminal) training writes a status line with the time left whenever it was quiet for the
    /// progress interval (20 s by default; shortened here).
    func testProgressLinesInALog() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli, perClass: 300)
        let trained = try cli.run(["train", "own", "--epochs-per-period", "12", "--no-rc"], environment: ["JULE_PROGRESS_SECONDS": "0.2"])
        XCTAssertEqual(trained.status, 0, trained.output)
        let status = trained.stderr.split(separator: "\n").filter { $0.hasPrefix("own: period ") }
        XCTAssertFalse(status.isEmpty, trained.stderr)
        XCTAssertTrue(status.contains { $0.contains(" left") }, trained.stderr)
    }

    /// Ctrl-C on `jule sweep run` reaches the cell (its own process group), which releases its lock; a cell killed
    /// by a signal nobody forwarded is failed, names the signal, and leaves no lock; the log is written as it goes.
    func testSweepStopsOnSignalsAndRecordsCrashedCells() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let cells = try plannedSweep(cli, seeds: [1])
        func lockHolder() -> Int32? { lockHolders(cells).first }
        func waitFor(_ what: String, timeout: Double = 60, _ condition: () -> Bool) throws {
            let end = Date().addingTimeInterval(timeout)
            while !condition() {
                guard Date() < end else { throw XCTSkip("timed out waiting for \(what) (machine too busy?)") }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        func log(_ name: String) -> String { (try? String(contentsOf: cli.url(name + ".out"), encoding: .utf8)) ?? "" }

        // 1. SIGINT: forwarded, the cell stops and releases its lock, the sweep says how to resume.
        let sweep = try cli.start(["sweep", "run", "sweep"], environment: ["JULE_PROGRESS_SECONDS": "0.5"], log: "first")
        try waitFor("a heartbeat showing the cell's progress") { log("first").contains("epoch") }
        let child = try XCTUnwrap(lockHolder())
        kill(sweep.processIdentifier, SIGINT)
        sweep.waitUntilExit()
        XCTAssertEqual(sweep.terminationStatus, 128 + SIGINT, log("first"))
        XCTAssertTrue(log("first").contains("stopped by SIGINT"), log("first"))
        XCTAssertNil(lockHolder(), "the cell released its lock")
        XCTAssertNotEqual(kill(child, 0), 0, "the cell's process is gone")

        // 2. A crash (SIGKILL to the cell): failed, with the signal, and the lock removed.
        let second = try cli.start(["sweep", "run", "sweep"], log: "second")
        try waitFor("the cell to start") { lockHolder() != nil }
        kill(try XCTUnwrap(lockHolder()), SIGKILL)
        second.waitUntilExit()
        XCTAssertEqual(second.terminationStatus, 1, log("second"))
        XCTAssertNil(lockHolder())
        let status = try cli.run(["sweep", "status", "sweep"])
        XCTAssertTrue(status.stdout.contains("failed: killed by SIGKILL"), status.output)
    }

    /// SIGTERM with two cells running: both end and release their locks. The second cell is started from one of
    /// the runner's Dispatch workers, which block signals; before the fix it inherited that mask, released its lock
    /// on SIGTERM and trained on.
    func testSigtermEndsEveryRunningCell() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let cells = try plannedSweep(cli, seeds: [1, 2])
        func holders() -> [Int32] { lockHolders(cells) }
        func log() -> String { (try? String(contentsOf: cli.url("term.out"), encoding: .utf8)) ?? "" }
        let sweep = try cli.start(["sweep", "run", "sweep", "--workers", "2", "--threads", "1"],
                                  environment: ["JULE_PROGRESS_SECONDS": "0.5"], log: "term")
        let end = Date().addingTimeInterval(60)
        while holders().count < 2 || log().components(separatedBy: "epoch").count < 3 {
            guard Date() < end else { sweep.terminate(); throw XCTSkip("timed out waiting for two cells (machine too busy?)") }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let children = holders()
        kill(sweep.processIdentifier, SIGTERM)
        sweep.waitUntilExit()
        XCTAssertEqual(sweep.terminationStatus, 128 + SIGTERM, log())
        XCTAssertEqual(holders(), [], "every cell released its lock")
        for child in children { XCTAssertNotEqual(kill(child, 0), 0, "cell process \(child) is gone") }
        // The runner waits for its cells, so a cell that ignored the signal shows as one that trained to the end.
        XCTAssertTrue(log().contains("finished 0, already done 0, failed 0, running elsewhere 0, stopped 2"), log())
    }
}
