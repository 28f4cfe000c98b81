import ArgumentParser
import Foundation
import JuleCompute
import JuleData
import JuleHarness

extension Jule {
    struct Sweep: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plan, run and inspect sweeps of datasets × seeds × settings, locally or on Slurm.",
            subcommands: [Plan.self, Run.self, Status.self, Cell.self, Slurm.self])
    }
}

extension Jule.Sweep {
    /// The sweep directory holds `manifest.json` and one run directory per cell.
    struct DirectoryOption: ParsableArguments {
        @Argument(help: "Sweep directory (holds manifest.json and cells/).") var directory: String
        var sweep: SweepDirectory { SweepDirectory(URL(fileURLWithPath: directory)) }
        /// A folder without a manifest (a run folder, a typo) is said as what it is, not as a file that cannot be read.
        func manifest() throws -> SweepManifest {
            guard FileManager.default.fileExists(atPath: sweep.manifest.path) else {
                let what = FileManager.default.fileExists(atPath: directory) ? "not a sweep folder (no manifest.json; " : "no such folder ("
                throw ValidationError("\(directory): \(what)make one with jule sweep plan)")
            }
            return try SweepManifest.load(from: sweep.manifest)
        }
    }

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the manifest of a sweep file: one cell per run, with a stable id.")
        @OptionGroup var data: DataOptions
        @Argument(help: "Sweep file (JSON: name, datasets, seeds, overrides, datasetOverrides, profile, portable, convolution: \(ConvolutionAlgorithm.allCases.map(\.rawValue).joined(separator: "|")), default \(ConvolutionAlgorithm.defaultChoice.rawValue)).")
        var file: String
        @Option(help: "Sweep directory to write, created if missing (default: results/sweeps/<name>).") var out: String?
        @Flag(help: "Replace a manifest planned from another sweep file even though some of its cells would no longer be planned, or one that cannot be read (their folders stay).")
        var force = false

        func run() throws {
            try CommandErrors.exitOnFailure {
                // The manifest goes into the folder: a file there is the command line's mistake, said as such.
                var isFolder: ObjCBool = false
                if let out, FileManager.default.fileExists(atPath: out, isDirectory: &isFolder), !isFolder.boolValue {
                    throw ValidationError("--out \(out): a file, not a folder")
                }
                let spec = try SweepSpecification.load(from: URL(fileURLWithPath: file))
                let manifest = try SweepManifest.plan(spec, registry: try data.makeCombinedRegistry())
                let directory = SweepDirectory(URL(fileURLWithPath: out ?? "results/sweeps/\(spec.name)"))
                try directory.checkHoldsNoOtherFiles()
                // Re-planning the same sweep file (or one that adds cells) keeps every cell; another one would orphan
                // cells that status and run no longer see, while report still counts their records.
                // A manifest that cannot be read (truncated) plans nothing that could be kept or compared: --force,
                // which exists for re-planning, replaces it; the cells' folders stay, as for any re-plan.
                let dropped: (dropped: [SweepCell], withFolders: Int)?
                do { dropped = try directory.cellsDropped(by: manifest) } catch {
                    guard force else {
                        throw CommandFailure(description: "\(error); replace it with --force (the folders under cells/ stay)")
                    }
                    if let (cell, holder) = try directory.runningCell() {
                        throw ValidationError("\(directory.manifest.path): cell \(cell) is running (\(holder)); "
                            + "replace the manifest once the sweep has stopped")
                    }
                    StandardError.write("warning: \(error); replaced (--force), the folders under cells/ stay\n")
                    dropped = nil
                }
                if let left = dropped {
                    // The runner reads its manifest once: replacing it under a running sweep shrank the sweep that
                    // status and report see while cells of the old one trained on.
                    if let (cell, holder) = try directory.runningCell() {
                        throw ValidationError("\(directory.manifest.path): cell \(cell) is running (\(holder)); "
                            + "replace the manifest once the sweep has stopped")
                    }
                    let message = "\(directory.manifest.path): planned from another sweep file: "
                        + "\(left.dropped.count) of its cells (e.g. \(left.dropped[0].id)) \(left.dropped.count == 1 ? "is" : "are") "
                        + "not in \(file), \(left.withFolders) of them with a folder under cells/"
                    guard force else {
                        throw ValidationError(message + "; plan into another --out, or replace it with --force (the folders stay)")
                    }
                    StandardError.write("warning: \(message); replaced (--force), their folders stay\n")
                }
                try AtomicFile.writeJSON(manifest, to: directory.manifest)
                let digests = try data.makeStore().currentDigests()
                let states = manifest.cells.map { directory.state(of: $0, digests: digests) }
                let done = states.filter { $0 == .done }.count, stale = states.filter { $0 == .stale }.count
                let redo = stale == 0 ? "" : ", \(stale) made on other data than the cache holds now, to redo"
                print("\(directory.manifest.path): \(CountText.of(manifest.cells.count, "cell")) (\(done) already done\(redo))")
                print("compute: \(manifest.computeSummary)")
            }
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the pending cells with a local pool of worker processes; resumable and idempotent.")
        @OptionGroup var data: DataOptions
        @OptionGroup var location: DirectoryOption
        @Option(help: "Worker processes.") var workers: Int = 1
        @Option(help: "BLAS and compute threads per worker (default: cores / workers).") var threads: Int?
        @Flag(help: "Do not retry cells whose last attempt failed.") var skipFailed = false

        func validate() throws {
            guard workers >= 1 else { throw ValidationError("--workers \(workers) must be at least 1") }
            if let threads, threads < 1 { throw ValidationError("--threads \(threads) must be at least 1") }
        }

        func run() throws {
            try CommandErrors.exitOnFailure {
                let manifest = try location.manifest()
                let perWorker = threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount / workers)
                var runner = SweepRunner(directory: location.sweep, manifest: manifest,
                                         cellCommand: (ExecutablePath.current,
                                                       ["sweep", "cell"] + (try data.passThroughArguments()) + [location.directory]))
                runner.digests = try data.makeStore().currentDigests()
                // A closed stdout is asked for after each line, and stops the cells before the runner ends by SIGPIPE.
                signal(SIGPIPE, SIG_IGN)
                runner.outputClosed = { TerminationTrap.standardOutputClosed() }
                let summary = runner.run(workers: workers, threadsPerWorker: perWorker, retryFailed: !skipFailed)
                if summary.interruptedBy == SIGPIPE { TerminationTrap.end(by: SIGPIPE) }
                var line = "finished \(summary.finished), already done \(summary.alreadyDone), failed \(summary.failed), running elsewhere \(summary.skippedRunning)"
                if summary.stopped > 0 { line += ", stopped \(summary.stopped)" }
                print(line)
                if let sig = summary.interruptedBy {
                    print("interrupted: run the same command again to resume")
                    throw ExitCode(128 + sig)
                }
                if summary.failed > 0 { throw ExitCode.failure }
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show done / stale / running / failed / pending cells, and how far each unfinished cell with a checkpoint is.",
            discussion: """
            A stale cell finished on other data than its dataset's cache holds now (re-imported or changed since): \
            `jule sweep run` redoes it, moving the old run aside. So is a damaged cell (a file of its finished run does \
            not hold what its record says: a model.ckpt failing its checksum, a label file that does not read or has \
            other counts), moved aside to cells/<id>.replaced-damaged. A dataset that is not cached cannot be compared: \
            its finished cells count as done. Exit status 0 whatever the cells' states (`jule sweep run` exits 1 when \
            a cell failed); 1 only for an error such as an unreadable manifest.
            """)
        @OptionGroup var data: DataOptions
        @OptionGroup var location: DirectoryOption
        @Flag(help: "List every cell.") var verbose = false

        func run() throws {
            try CommandErrors.exitOnFailure {
                let manifest = try location.manifest()
                let registry = try? DatasetRegistry.load(from: DatasetRegistry.locate())
                // Finished cells are compared with the datasets' caches now (each read once); without a store, not.
                let digests = (try? data.makeStore())?.currentDigests()
                let estimate = SweepEstimate(manifest: manifest, directory: location.sweep, digests: digests) { name in
                    try? registry?.entry(named: name).classes
                }
                var counts: [CellState: Int] = [:]
                for cell in manifest.cells {
                    let state = location.sweep.state(of: cell, digests: digests)
                    counts[state, default: 0] += 1
                    if state == .done, let digests, let match = location.sweep.dataMatch(of: cell, digests: digests),
                       let warning = match.warning(recordFile: location.sweep.run(cell).record, dataset: cell.dataset) {
                        StandardError.line(warning)
                    }
                    // Cells with a checkpoint (running or interrupted) always show how far they are.
                    let progress = [.done, .stale, .damaged].contains(state) ? nil : RunProgress(directory: location.sweep.run(cell))
                    if verbose || state == .failed || state == .stale || state == .unreadable || state == .damaged || progress != nil {
                        var line = "\(String(cell.index).padding(toLength: 5, withPad: " ", startingAt: 0)) \(cell.id)  \(state.rawValue)"
                        if state == .failed {
                            if let why = location.sweep.failureReason(of: cell) { line += ": \(why)" }
                            // The reason is one line; the log has the rest (the newest Slurm task log, else cell.log).
                            if let log = location.sweep.logs(of: cell).first, !line.contains(log.path) { line += "; log: \(log.path)" }
                        }
                        if state == .unreadable, let why = location.sweep.unreadableRecordReason(of: cell) {
                            line += ": \(why); jule sweep run moves it aside and redoes the cell"
                        }
                        if state == .damaged, let (file, problem) = location.sweep.damage(of: cell) {
                            line += ": \(file.path): \(problem); jule sweep run moves the run aside and redoes the cell"
                        }
                        if state == .stale, let digests, case let .otherData(recorded, current)? = location.sweep.dataMatch(of: cell, digests: digests) {
                            line += ": finished on other \(cell.dataset) data (dataset digest \(recorded.prefix(12))…, now "
                                + "\(current.prefix(12))…); jule sweep run redoes it"
                        }
                        if let progress {
                            line += " — \(progress.summary())"
                            if let left = estimate.remaining[cell.index] { line += ", about \(RunProgress.duration(left)) left" }
                        }
                        print(line)
                    }
                }
                // "0 stale", "0 unreadable record" and "0 damaged" are left out: most sweeps never have one.
                let shown = CellState.allCases.filter { ![.stale, .unreadable, .damaged].contains($0) || counts[$0] != nil }
                print("\(manifest.name): " + shown.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
                      + " of \(manifest.cells.count)")
                // Folders of cells a re-plan (--force) dropped: outside every status and run, but report still counts them.
                let unplanned = location.sweep.unplannedRecords(of: manifest)
                if let first = unplanned.first {
                    print("\(CountText.of(unplanned.count, "record")) under cells/ \(unplanned.count == 1 ? "is" : "are") not in this "
                          + "plan (e.g. \(first.deletingLastPathComponent().lastPathComponent), left by a re-plan): "
                          + "jule report still counts \(unplanned.count == 1 ? "it" : "them")")
                }
                let open = manifest.cells.count - (counts[.done] ?? 0)
                // Failed cells are open: jule sweep run retries them (not with --skip-failed).
                let failed = counts[.failed] ?? 0
                let retried = failed == 0 ? "" : "; \(failed) of them failed, which jule sweep run retries (--skip-failed: not)"
                if open > 0 && open == failed && estimate.remaining.isEmpty {
                    print("compute left: none running or pending; \(CountText.of(failed, "failed cell")), which jule sweep run "
                          + "retries (--skip-failed: not), no estimate")
                } else if open > 0 {
                    // Nothing to estimate from yet (no run of any open cell's setting has started): no "0 s".
                    if estimate.remaining.isEmpty {
                        print("compute left: no estimate yet for the \(CountText.of(open, "open cell")) "
                              + "(no run of \(open == 1 ? "its" : "their") setting has started)\(retried)")
                    } else {
                        var line = "compute left: about \(RunProgress.duration(estimate.totalSeconds)) for "
                            + CountText.of(estimate.remaining.count, "cell")
                        if estimate.unestimated > 0 {
                            line += " (\(estimate.unestimated) more without an estimate: no run of their setting has started)"
                        }
                        print(line + "; a cell's pace is its own so far, or its other seeds'" + retried)
                    }
                }
            }
        }
    }

    struct Cell: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one cell by index (what sweep workers and Slurm array tasks run).",
            discussion: """
            Exit status 0 when the cell is finished (now or before), 1 when it failed or another process holds it \
            (nothing done: under Slurm's afterok the report job does not start before every cell has finished).
            """)
        @OptionGroup var data: DataOptions
        @OptionGroup var location: DirectoryOption
        @Argument(help: "Cell index in the manifest.") var index: Int

        func run() throws {
            try CommandErrors.exitOnFailure {
                let manifest = try location.manifest()
                let store = try data.makeStore()
                EnvironmentWarnings.report()   // in the cell's log
                // Ctrl-C or a kill forwarded by `jule sweep run`: release this cell's lock, then end by the signal.
                let lock = location.sweep.lock(try manifest.cell(at: index))
                TerminationTrap.install { CellLock.release(at: lock, ifHeldBy: getpid()) }
                var executor = CellExecutor(directory: location.sweep, manifest: manifest) { name in
                    do { _ = try store.entry(named: name) } catch DataError.unknownDataset {
                        throw HarnessError.sweepDatasetMissing(dataset: name, cache: store.cacheDirectory)
                    }
                    return (try store.load(name), try store.cacheSHA256(name))
                }
                executor.classNames = { name in try? store.entry(named: name).classNames }
                executor.importedFrom = { name in try? store.entry(named: name).importedFrom }
                executor.digests = store.currentDigests()
                let progress = ProgressPrinter(quiet: data.quiet)
                let outcome = try executor.run(index: index, onEvent: progress.handle)
                let cell = try manifest.cell(at: index)
                switch outcome {
                case .finished: print("\(cell.id): finished")
                case .alreadyDone: print("\(cell.id): already done")
                case .heldElsewhere:
                    // Not a success: under Slurm's afterok the report job would start before that process finishes.
                    let holder = CellLock.holder(at: location.sweep.lock(cell)).map { " (\(CellLock.describe(holder: $0).who))" } ?? ""
                    StandardError.write("error: \(cell.id): held by another process\(holder); nothing done\n")
                    throw ExitCode.failure
                }
            }
        }
    }

    struct Slurm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write sbatch scripts: an array job over the manifest's cells and a report job after it (afterok).",
            discussion: """
            Logs go to DIR/slurm/cell-JOB_TASK.out (cell-JOB_FIRST+TASK.out for the array jobs after the first, \
            which run cell FIRST + TASK) and DIR/slurm/report-JOB.out, so a re-submission keeps the last attempt's. \
            To re-submit after failures or a time limit: jule sweep slurm DIR --pending-only, then submit.sh.
            """)
        @OptionGroup var data: DataOptions
        @OptionGroup var location: DirectoryOption
        @Option(help: "CPUs per array task.") var cpusPerTask = 2
        @Option(help: "Memory per array task.") var memory = "8G"
        @Option(help: "Time limit per array task.") var time = "24:00:00"
        @Option(help: "Slurm partition.") var partition: String?
        @Option(help: "At most this many array tasks at once (in each array job).") var concurrency: Int?
        @Option(help: ArgumentHelp("The cluster's MaxArraySize (scontrol show config | grep MaxArraySize): a sweep with more cells is submitted as several array jobs.", valueName: "n"))
        var maxArraySize = SlurmScripts.defaultMaxArraySize
        @Flag(help: "Submit only the cells not done yet (and not running); the report job still reads every record.")
        var pendingOnly = false
        @Option(help: ArgumentHelp("Results directory the report job writes, created if missing (default: the sweep directory, beside its records, as `jule report --records DIR` does).", valueName: "dir"))
        var results: String?

        /// The `#SBATCH` values are the command line's: a typo is a usage error (64), named before the manifest is read.
        func validate() throws {
            let here = URL(fileURLWithPath: location.directory)
            do {
                try SlurmScripts(sweepDirectory: here, cellCount: 0, jule: here, resultsDirectory: here,
                                 cpusPerTask: cpusPerTask, memory: memory, timeLimit: time, partition: partition,
                                 concurrency: concurrency, maxArraySize: maxArraySize).validate()
            } catch HarnessError.invalidConfiguration(let reason) { throw ValidationError(MessageText.oneLine(reason)) }
        }

        func run() throws {
            try CommandErrors.exitOnFailure {
                let manifest = try location.manifest()
                let sweepURL = URL(fileURLWithPath: location.directory).standardizedFileURL
                var cells = manifest.cells.map(\.index)
                if pendingOnly {
                    // Done cells would exit at once; running ones would exit 1 (held) and so block the report job.
                    let digests = (try? data.makeStore())?.currentDigests()
                    let states = manifest.cells.map { location.sweep.state(of: $0, digests: digests) }
                    cells = zip(manifest.cells, states).filter { $1 != .done && $1 != .running }.map(\.0.index)
                    let running = states.filter { $0 == .running }.count
                    if running > 0 { print("\(running) running cell\(running == 1 ? "" : "s") left out") }
                    if cells.isEmpty {
                        print("nothing to submit: no cell is pending; jule sweep status \(shellQuote(location.directory))")
                        return
                    }
                }
                let scripts = SlurmScripts(sweepDirectory: sweepURL, cellCount: manifest.cells.count,
                                           jule: ExecutablePath.current, extraArguments: try data.passThroughArguments(),
                                           resultsDirectory: URL(fileURLWithPath: results ?? location.directory).standardizedFileURL,
                                           cpusPerTask: cpusPerTask, memory: memory, timeLimit: time,
                                           partition: partition, concurrency: concurrency, maxArraySize: maxArraySize,
                                           cells: cells)
                for url in try scripts.write() { print(url.path) }
                let parts = scripts.parts.count
                if parts > 1 {
                    print("\(cells.count) cells in \(parts) array jobs of at most \(maxArraySize) tasks (--max-array-size; "
                          + "Slurm's MaxArraySize, default 1001)")
                } else if pendingOnly {
                    print("\(cells.count) of \(manifest.cells.count) cells to submit")
                }
                print("submit with: bash \(shellQuote(sweepURL.appendingPathComponent("slurm/submit.sh").path))")
            }
        }
    }
}
