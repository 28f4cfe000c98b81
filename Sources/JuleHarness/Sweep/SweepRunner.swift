import Foundation
import JuleData

/// Executes the pending cells of a sweep with a local pool of worker processes.
///
/// Each cell runs as a child process (`jule sweep cell`), so a crash or a kill loses at most that cell's
/// current period (it resumes from its checkpoint) and never a finished record. The machine's cores are
/// split between workers and BLAS threads: each child gets `threadsPerWorker` through OPENBLAS_NUM_THREADS
/// and JULE_THREADS, which are read when the child starts.
public struct SweepRunner {
    public let directory: SweepDirectory
    public let manifest: SweepManifest
    /// The `jule` executable and the arguments after it that run one cell; the index is appended.
    public let cellCommand: (executable: URL, arguments: [String])
    public let environment: [String: String]

    public init(directory: SweepDirectory, manifest: SweepManifest, cellCommand: (executable: URL, arguments: [String]),
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.directory = directory
        self.manifest = manifest
        self.cellCommand = cellCommand
        self.environment = environment
    }

    public struct Summary: Sendable, Equatable {
        public var finished = 0, alreadyDone = 0, failed = 0, skippedRunning = 0
        public var failedCells: [String] = []
    }

    /// Runs every cell that is not done (failed ones again when `retryFailed`), `workers` at a time.
    public func run(workers: Int, threadsPerWorker: Int, retryFailed: Bool = true,
                    log: @escaping (String) -> Void = { print($0) }) -> Summary {
        var summary = Summary()
        var queue: [SweepCell] = []
        for cell in manifest.cells {
            switch directory.state(of: cell) {
            case .done: summary.alreadyDone += 1
            case .running: summary.skippedRunning += 1; log("\(cell.id): running elsewhere; skipped")
            case .failed where !retryFailed: summary.failed += 1; summary.failedCells.append(cell.id)
            case .failed, .pending: queue.append(cell)
            }
        }
        log("sweep \(manifest.name): \(queue.count) to run, \(summary.alreadyDone) done, \(workers) worker(s) × \(threadsPerWorker) thread(s)")
        let lock = NSLock()
        var next = 0
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers, queue.count))) { _ in
            while true {
                lock.lock()
                guard next < queue.count else { lock.unlock(); return }
                let cell = queue[next]
                next += 1
                lock.unlock()
                let started = Date()
                let status = runChild(cell, threads: threadsPerWorker)
                let seconds = Int(Date().timeIntervalSince(started))
                lock.lock()
                switch (status, directory.state(of: cell)) {
                case (_, .done):
                    summary.finished += 1
                    log("\(cell.id): done in \(seconds) s")
                case (_, .running):
                    summary.skippedRunning += 1
                    log("\(cell.id): held by another process; skipped")
                default:
                    summary.failed += 1
                    summary.failedCells.append(cell.id)
                    let reason = directory.failureReason(of: cell) ?? "exit status \(status); see \(directory.log(cell).path)"
                    log("\(cell.id): FAILED: \(reason)")
                }
                lock.unlock()
            }
        }
        return summary
    }

    private func runChild(_ cell: SweepCell, threads: Int) -> Int32 {
        let process = Process()
        process.executableURL = cellCommand.executable
        process.arguments = cellCommand.arguments + [String(cell.index)]
        var env = environment
        env["OPENBLAS_NUM_THREADS"] = String(threads)
        env["JULE_THREADS"] = String(threads)
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
            process.waitUntilExit()
            try? handle.close()
            return process.terminationStatus
        } catch {
            try? AtomicFile.write("could not start \(cellCommand.executable.path): \(error)\n", to: directory.failure(cell))
            return -1
        }
    }
}
