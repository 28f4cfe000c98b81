import Foundation
import XCTest
import JuleData
import _JuleTestSupport

/// The signals-and-concurrency trial: parallel commands on one cache or folder, closed pipes, and signals at any
/// moment leave every entry, no lock and no temporary file behind.
final class SignalsAndConcurrencyTrialTests: XCTestCase {
    /// Six imports at once all end in `imported.json` (without the registry's lock two or three of six survived:
    /// each wrote back the entries it had read), and removing them at once leaves none.
    func testConcurrentImportsAndRemovesKeepEveryEntry() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try OwnDataFixtures(perClass: 20).writeNPZ(cli.url("own.npz"))
        let names = (1...6).map { "par-\($0)" }
        let imports = try names.map { try cli.start(["data", "import", $0, "--from", cli.url("own.npz").path, "--quiet"], log: $0) }
        for (name, process) in zip(names, imports) {
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, cli.result(of: process, log: name).output)
        }
        let registry = try DatasetRegistry.load(from: cli.cache.appendingPathComponent("imported.json"))
        XCTAssertEqual(Set(registry.datasets.map(\.name)), Set(names))
        let removes = try names.prefix(5).map { try cli.start(["data", "remove", $0], log: "rm-\($0)") }
        for process in removes { process.waitUntilExit(); XCTAssertEqual(process.terminationStatus, 0) }
        let left = try DatasetRegistry.load(from: cli.cache.appendingPathComponent("imported.json"))
        XCTAssertEqual(left.datasets.map(\.name), ["par-6"])
    }

    private func importedSet(_ cli: CLI, perClass: Int = 20) throws {
        try OwnDataFixtures(perClass: perClass).writeNPZ(cli.url("own.npz"))
        let result = try cli.run(["data", "import", "own", "--from", cli.url("own.npz").path, "--quiet"])
        XCTAssertEqual(result.status, 0, result.output)
    }

    private func waitFor(_ what: String, timeout: Double = 60, _ condition: () -> Bool) throws {
        let end = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < end else { throw XCTSkip("timed out waiting for \(what) (machine too busy?)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Starts `jule ARGUMENTS` with stdout (and stderr when `bothStreams`) into a pipe whose reader this test closes.
    private func startPiped(_ cli: CLI, _ arguments: [String], bothStreams: Bool = false,
                            environment: [String: String] = [:]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = cli.root
        process.environment = cli.environment.merging(environment) { _, new in new }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = bothStreams ? pipe : FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, pipe)
    }

    /// Reads from `pipe` until `lines` lines came, then closes the reading end (`| head -N`).
    private func readLinesThenClose(_ pipe: Pipe, lines: Int) {
        var seen = 0
        while seen < lines {
            let data = pipe.fileHandleForReading.availableData
            if data.isEmpty { break }
            seen += data.filter { $0 == UInt8(ascii: "\n") }.count
        }
        try? pipe.fileHandleForReading.close()
    }

    /// `jule sweep run DIR --workers 2 | head -3`: the runner stops its cells (locks released, processes gone) and
    /// ends by SIGPIPE; it used to die at its next line with the cells training on as orphans.
    func testSweepRunStopsItsCellsWhenItsReaderIsGone() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli, perClass: 400)
        try #"{"name": "pipe", "datasets": ["own"], "seeds": [1, 2], "overrides": [{"epochsPerPeriod": 40}]}"#
            .write(to: cli.url("pipe.json"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try cli.run(["sweep", "plan", "pipe.json", "--out", "sweep"]).status, 0)
        let cells = cli.url("sweep/cells")
        func locks() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: cells.path)) ?? [])
                .filter { FileManager.default.fileExists(atPath: cells.appendingPathComponent("\($0)/lock").path) }
        }
        let (sweep, pipe) = try startPiped(cli, ["sweep", "run", "sweep", "--workers", "2", "--threads", "1"],
                                           environment: ["JULE_PROGRESS_SECONDS": "0.3"])
        try waitFor("two cells to start") { locks().count == 2 }
        readLinesThenClose(pipe, lines: 3)
        sweep.waitUntilExit()
        XCTAssertEqual(sweep.terminationReason, .uncaughtSignal)
        XCTAssertEqual(sweep.terminationStatus, SIGPIPE)
        XCTAssertEqual(locks(), [], "every cell released its lock")
        XCTAssertEqual(try cli.run(["sweep", "status", "sweep"]).stdout.contains("0 running"), true)
    }

    /// `jule train --out D` ended by a signal at any moment, the first fraction of a second included, leaves no
    /// `D/lock` (the lock was taken before the handler was installed: 4 of 40 early signals left it); a closed
    /// pipe ends it the same way; a lock of another host's process says how to go on if that process is gone.
    func testTrainNeverLeavesItsLock() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli, perClass: 400)
        let lock = cli.url("run/lock")
        let arguments = ["train", "own", "--out", "run", "--epochs-per-period", "40", "--quiet"]
        for attempt in 0..<12 {
            try? FileManager.default.removeItem(at: cli.url("run"))
            let train = try cli.start(arguments, log: "early-\(attempt)")
            // Signal the moment the lock appears: the window between taking it and installing the handler.
            let end = Date().addingTimeInterval(30)
            while !FileManager.default.fileExists(atPath: lock.path) && train.isRunning && Date() < end { usleep(200) }
            kill(train.processIdentifier, SIGTERM)
            train.waitUntilExit()
            XCTAssertFalse(FileManager.default.fileExists(atPath: lock.path), "attempt \(attempt): lock left")
            // Not lost either (a Dispatch source armed late let such a run train on to the end).
            XCTAssertEqual(train.terminationStatus, SIGTERM, "attempt \(attempt)")
        }

        try? FileManager.default.removeItem(at: cli.url("run"))
        let (piped, pipe) = try startPiped(cli, ["train", "own", "--out", "run", "--epochs-per-period", "40"],
                                           bothStreams: true, environment: ["JULE_PROGRESS_SECONDS": "0.2"])
        readLinesThenClose(pipe, lines: 1)
        piped.waitUntilExit()
        XCTAssertEqual(piped.terminationReason, .uncaughtSignal)
        XCTAssertEqual(piped.terminationStatus, SIGPIPE)
        XCTAssertFalse(FileManager.default.fileExists(atPath: lock.path), "lock left after a closed pipe")

        try FileManager.default.createDirectory(at: cli.url("run"), withIntermediateDirectories: true)
        try "othernode 4242\n".write(to: lock, atomically: true, encoding: .utf8)
        assertCleanError(try cli.run(arguments), mentions: ["another jule train or jule check --out (pid 4242 on othernode) is writing run",
                                                            "if that process is gone, remove run/lock"])
    }

    /// A signal during an import leaves no temporary file in the cache (4 of 23 did); a report removes the
    /// temporaries of a killed report from its folder (a re-run never did).
    func testSignalsLeaveNoTemporaryFiles() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try OwnDataFixtures(perClass: 1500).writeNPZ(cli.url("big.npz"))
        func temporaries(_ folder: URL) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".tmp") }
        }
        var caught = 0
        for attempt in 0..<4 {
            let process = try cli.start(["data", "import", "big-\(attempt)", "--from", cli.url("big.npz").path, "--quiet"],
                                        log: "import-\(attempt)")
            let end = Date().addingTimeInterval(30)
            while temporaries(cli.cache).isEmpty && process.isRunning && Date() < end { usleep(500) }
            if !temporaries(cli.cache).isEmpty { caught += 1 }
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            XCTAssertEqual(temporaries(cli.cache), [], "attempt \(attempt)")
        }
        if caught == 0 { throw XCTSkip("no import was caught writing its cache file") }

        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        let results = cli.url("results")
        try FileManager.default.createDirectory(at: results, withIntermediateDirectories: true)
        let stale = ".README.md.\(UUID().uuidString).p\(dead.processIdentifier).tmp"
        let live = ".README.md.\(UUID().uuidString).p\(getpid()).tmp"
        for name in [stale, live] { try Data("x".utf8).write(to: results.appendingPathComponent(name)) }
        _ = try cli.run(["report", "--records", "results"])
        XCTAssertEqual(temporaries(results), [live], "a dead writer's temporary is removed, a live one's kept")
    }

    /// `jule check R --out D` takes the re-run folder's lock as `jule train --out` does: a second check at once is
    /// one line naming the first (both used to train into D/<id>, one resuming from the other's checkpoint).
    func testCheckOutIsOneWriterPerRerunFolder() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli)
        let trained = try cli.run(["train", "own", "--epochs-per-period", "1", "--portable", "--out", "runs/a", "--quiet"])
        XCTAssertEqual(trained.status, 0, trained.output)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: cli.url("runs/a/record.json"))) as? [String: Any]
        let runID = try XCTUnwrap(record?["runID"] as? String)
        try FileManager.default.createDirectory(at: cli.url("rerun/\(runID)"), withIntermediateDirectories: true)
        try "\(ProcessInfo.processInfo.hostName) \(getpid())\n".write(to: cli.url("rerun/\(runID)/lock"), atomically: true, encoding: .utf8)
        let busy = try cli.run(["check", "runs/a", "--out", "rerun", "--quiet"])
        XCTAssertNotEqual(busy.status, 0, busy.output)
        XCTAssertTrue(busy.stderr.contains("(pid \(getpid())) is writing rerun/\(runID)"), busy.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("rerun/\(runID)/record.json").path))
        try FileManager.default.removeItem(at: cli.url("rerun/\(runID)/lock"))
        let free = try cli.run(["check", "runs/a", "--out", "rerun", "--quiet"])
        XCTAssertEqual(free.status, 0, free.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("rerun/\(runID)/lock").path), "released at the end")
    }

    /// `jule sweep plan OTHER.json --out D --force` is refused while a cell of D is running: the runner's manifest
    /// would shrink under it.
    func testReplanIsRefusedWhileACellRuns() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli)
        try #"{"name": "a", "datasets": ["own"], "seeds": [1, 2]}"#.write(to: cli.url("a.json"), atomically: true, encoding: .utf8)
        try #"{"name": "b", "datasets": ["own"], "seeds": [3]}"#.write(to: cli.url("b.json"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try cli.run(["sweep", "plan", "a.json", "--out", "sweep"]).status, 0)
        let manifest = try Data(contentsOf: cli.url("sweep/manifest.json"))
        let cells = try XCTUnwrap((try JSONSerialization.jsonObject(with: manifest) as? [String: Any])?["cells"] as? [[String: Any]])
        let id = try XCTUnwrap(cells.first?["id"] as? String)
        try FileManager.default.createDirectory(at: cli.url("sweep/cells/\(id)"), withIntermediateDirectories: true)
        try "\(ProcessInfo.processInfo.hostName) \(getpid())\n".write(to: cli.url("sweep/cells/\(id)/lock"), atomically: true, encoding: .utf8)
        assertCleanError(try cli.run(["sweep", "plan", "b.json", "--out", "sweep", "--force"]),
                         mentions: ["cell \(id) is running (pid \(getpid()))"])
        XCTAssertEqual(try Data(contentsOf: cli.url("sweep/manifest.json")), manifest, "manifest unchanged")
        try FileManager.default.removeItem(at: cli.url("sweep/cells/\(id)/lock"))
        XCTAssertEqual(try cli.run(["sweep", "plan", "b.json", "--out", "sweep", "--force"]).status, 0)
    }
}
