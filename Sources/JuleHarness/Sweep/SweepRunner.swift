import Foundation
import JuleData

/// Executes the pending cells of a sweep with a local pool of worker processes.
///
/// Each cell runs as a child process (`jule sweep cell`), so a crash or a kill loses at most that cell's
/// current period (it resumes from its checkpoint) and never a finished record. The machine's cores are
/// split between workers and BLAS threads: each child gets `threadsPerWorker` through OPENBLAS_NUM_THREADS
/// and JULE_THREADS, which are read when the child starts.
///
/// Signals: SIGINT, SIGTERM and SIGHUP are forwarded to the running cells (`SignalForwarder`), which release their
/// locks and exit; no new cell starts, and `run` returns with `interruptedBy` set once every child is gone. A cell
/// that dies of a signal nobody forwarded (a crash, the OOM killer) is failed: `failed.txt` names the signal, and
/// its lock, which it could not release, is removed. While cells run, a status line is logged every
/// `heartbeatSeconds` (default 20; `$JULE_PROGRESS_SECONDS`), so the log of a long sweep never goes quiet.
public struct SweepRunner {
    public let directory: SweepDirectory
    public let manifest: SweepManifest
    /// The `jule` executable and the arguments after it that run one cell; the index is appended.
    public let cellCommand: (executable: URL, arguments: [String])
    public let environment: [String: String]
    public var heartbeatSeconds: Double
    /// Whether the log's reader is gone (stdout a closed pipe), asked after each line; the runner then stops.
    public var outputClosed: @Sendable () -> Bool = { false }
    /// The niceness the sweep was started with (`nice -n 19 jule sweep run …`), read on the creating thread. Cells
    /// are started from Dispatch threads, which libdispatch on Linux re-nices by QoS (0 or −4), so a child would
    /// otherwise lose it; each cell gets it as `JULE_NICENESS` and applies it when it starts (`Niceness`).
    public let niceness: Int32
    /// The datasets' cache digests now (`DatasetDigests`): a cell finished on other data is stale and redone, one
    /// whose record is too old to tell is done, with a warning. Nil: every finished cell is done.
    public var digests: DatasetDigests?

    public init(directory: SweepDirectory, manifest: SweepManifest, cellCommand: (executable: URL, arguments: [String]),
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.directory = directory
        self.manifest = manifest
        self.cellCommand = cellCommand
        self.environment = environment
        let configured = environment["JULE_PROGRESS_SECONDS"].flatMap(Double.init)
        heartbeatSeconds = max(0.2, min(configured ?? 20, 30))
        niceness = Niceness.current()
    }

    public struct Summary: Sendable, Equatable {
        public var finished = 0, alreadyDone = 0, failed = 0, skippedRunning = 0
        public var failedCells: [String] = []
        /// Cells stopped by a forwarded signal (they resume from their checkpoints).
        public var stopped = 0
        /// The signal that stopped the sweep, when one did.
        public var interruptedBy: Int32?
    }

    /// Runs every cell that is not done (stale ones included; failed ones again when `retryFailed`), `workers` at a time.
    public func run(workers: Int, threadsPerWorker: Int, retryFailed: Bool = true,
                    log write: @escaping (String) -> Void = { print($0) }) -> Summary {
        let forwarder = SignalForwarder()
        let outputClosed = self.outputClosed
        // A reader gone (`jule sweep run DIR | head -3`) stops the sweep as Ctrl-C does, ending it by SIGPIPE: without
        // this the runner died at its next line and its cells trained on as orphans, holding their locks.
        let log: (String) -> Void = { line in
            write(line)
            if outputClosed() { forwarder.stop(as: SIGPIPE, forwarding: SIGTERM) }
        }
        var summary = Summary()
        var queue: [SweepCell] = []
        for cell in manifest.cells {
            switch directory.state(of: cell, digests: digests) {
            case .done:
                summary.alreadyDone += 1
                directory.removeLeftoverCheckpoints(of: cell)
                if let digests, let match = directory.dataMatch(of: cell, digests: digests),
                   let warning = match.warning(recordFile: directory.run(cell).record, dataset: cell.dataset) {
                    log(warning)
                }
            case .stale:
                queue.append(cell)
                if let digests, case let .otherData(recorded, current)? = directory.dataMatch(of: cell, digests: digests) {
                    log("\(cell.id): finished on other \(cell.dataset) data than the cache holds now (dataset digest "
                        + "\(recorded.prefix(12))…, now \(current.prefix(12))…); redone, the old run moved aside")
                }
            case .damaged:
                queue.append(cell)
                let (file, problem) = directory.damage(of: cell) ?? (directory.run(cell).url, "damaged")
                log("\(cell.id): \(file.path): \(problem); redone, the old run moved aside")
            case .unreadable:
                queue.append(cell)
                log("\(cell.id): unreadable record (\(directory.unreadableRecordReason(of: cell) ?? "gone since")); redone, the old run moved aside")
            case .running: summary.skippedRunning += 1; log("\(cell.id): running elsewhere; skipped")
            case .failed where !retryFailed: summary.failed += 1; summary.failedCells.append(cell.id)
            case .failed, .pending: queue.append(cell)
            }
        }
        log("sweep \(manifest.name): \(queue.count) to run, \(summary.alreadyDone) done, \(workers) worker(s) × \(threadsPerWorker) thread(s)")
        let lock = NSLock()
        var next = 0
        var running: [Int: Date] = [:]
        forwarder.start { sig in
            log("\(SignalForwarder.name(sig)): stopping the running cells (they resume from their checkpoints); no new cell starts")
        }
        defer { forwarder.stop() }
        let heartbeat = Heartbeat(interval: heartbeatSeconds) {
            lock.lock()
            let now = running
            let done = summary.finished, failed = summary.failed, left = queue.count - next
            lock.unlock()
            var lines = ["sweep \(self.manifest.name): \(now.count) running, \(done) finished, \(failed) failed, \(left) waiting"]
            for (index, started) in now.sorted(by: { $0.key < $1.key }) {
                let cell = self.manifest.cells[index]
                let progress = RunProgress(directory: self.directory.run(cell)).map { $0.summary() } ?? "starting"
                lines.append("  \(cell.id): \(progress); \(RunProgress.duration(Date().timeIntervalSince(started))) in this attempt")
            }
            log(lines.joined(separator: "\n"))
        }
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers, queue.count))) { _ in
            while true {
                lock.lock()
                guard next < queue.count, !forwarder.stopping else { lock.unlock(); return }
                let cell = queue[next]
                next += 1
                // Another `jule sweep run` (or a Slurm task) may have finished or taken it since the scan: counted
                // here as it is, not as finished by this sweep, and no worker waits on it.
                switch directory.state(of: cell, digests: digests) {
                case .done:
                    summary.alreadyDone += 1
                    log("\(cell.id): finished elsewhere since this sweep started; skipped")
                    lock.unlock()
                    continue
                case .running:
                    summary.skippedRunning += 1
                    log("\(cell.id): running elsewhere; skipped")
                    lock.unlock()
                    continue
                default: break
                }
                running[cell.index] = Date()
                lock.unlock()
                let started = Date()
                let outcome = runChild(cell, threads: threadsPerWorker, forwarder: forwarder)
                let seconds = Int(Date().timeIntervalSince(started))
                lock.lock()
                running[cell.index] = nil
                switch (outcome, directory.state(of: cell, digests: digests)) {
                case (_, .done):
                    summary.finished += 1
                    log("\(cell.id): done in \(seconds) s")
                case (.signalled(let sig), _) where forwarder.stopping && sig == forwarder.forwarded:
                    summary.stopped += 1
                    log("\(cell.id): stopped by \(SignalForwarder.name(sig)) after \(seconds) s; it resumes from its checkpoint")
                case (_, .running):
                    summary.skippedRunning += 1
                    log("\(cell.id): held by another process; skipped")
                default:
                    summary.failed += 1
                    summary.failedCells.append(cell.id)
                    let reason = directory.failureReason(of: cell) ?? "\(outcome); see \(directory.log(cell).path)"
                    log("\(cell.id): FAILED: \(reason)")
                }
                lock.unlock()
            }
        }
        heartbeat.stop()
        summary.interruptedBy = forwarder.received
        return summary
    }

    /// How a cell's process ended.
    enum ChildOutcome: CustomStringConvertible {
        case exited(Int32), signalled(Int32), notStarted
        var description: String {
            switch self {
            case let .exited(status): return "exit status \(status)"
            case let .signalled(sig): return "killed by \(SignalForwarder.name(sig))"
            case .notStarted: return "not started"
            }
        }
    }

    private func runChild(_ cell: SweepCell, threads: Int, forwarder: SignalForwarder) -> ChildOutcome {
        let process = Process()
        process.executableURL = cellCommand.executable
        process.arguments = cellCommand.arguments + [String(cell.index)]
        var env = environment
        env["OPENBLAS_NUM_THREADS"] = String(threads)
        env["JULE_THREADS"] = String(threads)
        env[Niceness.environmentVariable] = String(niceness)
        process.environment = env
        do {
            try FileManager.default.createDirectory(at: directory.run(cell).url, withIntermediateDirectories: true)
            // Append: a resumed cell keeps the log of its earlier attempts.
            if !FileManager.default.fileExists(atPath: directory.log(cell).path) {
                _ = FileManager.default.createFile(atPath: directory.log(cell).path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: directory.log(cell))
            handle.seekToEndOfFile()
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            forwarder.add(process.processIdentifier)
            process.waitUntilExit()
            forwarder.remove(process.processIdentifier)
            try? handle.close()
        } catch {
            try? AtomicFile.write("could not start \(cellCommand.executable.path): \(FileErrorText.describe(error))\n", to: directory.failure(cell))
            return .notStarted
        }
        guard process.terminationReason == .uncaughtSignal else { return .exited(process.terminationStatus) }
        let sig = process.terminationStatus
        // A process killed by a signal could not release its lock.
        CellLock.release(at: directory.lock(cell), ifHeldBy: process.processIdentifier)
        if forwarder.received != sig {
            let when = ISO8601DateFormatter().string(from: Date())
            try? AtomicFile.write("killed by \(SignalForwarder.name(sig)) at \(when) (a crash or an outside kill); "
                                  + "see \(directory.log(cell).path). It resumes from its checkpoint when run again\n",
                                  to: directory.failure(cell))
        }
        return .signalled(sig)
    }
}

/// Calls `body` every `interval` seconds on a background thread until stopped (the first call after one interval).
final class Heartbeat: @unchecked Sendable {
    private let stopped = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init(interval: Double, _ body: @escaping () -> Void) {
        let thread = Thread { [stopped, finished] in
            while stopped.wait(timeout: .now() + interval) == .timedOut { body() }
            finished.signal()
        }
        thread.start()
    }

    func stop() {
        stopped.signal()
        finished.wait()
    }
}
