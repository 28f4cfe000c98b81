import ArgumentParser
import Foundation
import JuleData
import JuleHarness

extension Jule {
    /// Re-runs a finished run from its record and says whether the result is the same, bit for bit.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-run a finished run from its record.json and compare: scores, trajectory and output files, bit for bit.",
            discussion: """
            The re-run uses the recorded configuration and seed on the cached dataset. A run made on other data \
            than the cache holds now (the dataset was re-imported or changed since: its content digest is not the \
            record's) is refused before anything runs; a record from before content digests cannot be compared and is \
            checked with a warning. A portable run (compute.portable) must come out identical on any \
            x86-64 with AVX2 and FMA; a run with a machine's own GEMM kernel only on the same kernel and processor \
            kind, which the command says before it starts. Each output file is listed as same, DIFFERS, or not in the \
            run folder and so not compared (a clean clone has no model.ckpt); the verdict names what was compared. A \
            record.json whose configuration no longer hashes to its recorded hash (edited by hand) is refused, and so \
            is a damaged run (a model.ckpt failing its sha256, a label file with another image or cluster count than \
            the record or with CRLF line ends, a centroids.h5 that does not read, record scores other than its \
            trajectory's): there is nothing to compare against. An --out DIR where DIR/<run id> is the run itself is \
            refused. Exit \
            status 0 when identical, 1 when anything differs. Several run directories are checked one after the other, \
            with a count at the end. Without --out the re-runs go to temporary folders that are removed afterwards, \
            also when the command is interrupted (SIGINT, SIGTERM, SIGHUP, SIGPIPE). With --out a finished re-run \
            there is reused only when this same code version made it; an older one is moved aside and run again.
            """)

        @OptionGroup var data: DataOptions
        @Argument(help: "Run directories holding record.json (`jule train --out` folders or sweep cells).")
        var runDirectories: [String]
        @Option(help: "Keep the re-runs here, one folder per run id (resumable; default: temporary folders, removed afterwards).")
        var out: String?

        func validate() throws {
            guard !runDirectories.isEmpty else { throw ValidationError("give at least one run directory") }
        }

        func run() throws {
            try CommandErrors.exitOnFailure {
                // Every folder is checked for its record, and every record for its data, before anything runs.
                let originals = runDirectories.map { URL(fileURLWithPath: $0) }
                for original in originals where !FileManager.default.fileExists(atPath: original.appendingPathComponent("record.json").path) {
                    throw ValidationError("\(original.appendingPathComponent("record.json").path): no such file (not a finished run)")
                }
                if let out { try Self.checkOutFolder(out, out: out) }
                let store = try data.makeStore()
                let records = try originals.map { try JSONCoding.decode(RunRecord.self, from: $0.appendingPathComponent("record.json")) }
                // A re-run into the run's own folder (`jule check runs/x --out runs` when x is its run id) would be
                // found "already complete" and compared with itself: identical, whatever the files hold. A re-run
                // folder that cannot be written is named now, not after the runs before it have trained.
                if let out {
                    for (typed, record) in zip(runDirectories, records) {
                        let rerun = (out as NSString).appendingPathComponent(record.runID)
                        let (a, b) = (ResolvedPath.of(URL(fileURLWithPath: typed)), ResolvedPath.of(URL(fileURLWithPath: rerun)))
                        if ResolvedPath.isInside(b, a) {
                            throw ValidationError("--out \(out): the re-run of \(typed) would go to \(rerun), "
                                + "\(b == a ? "the run itself" : "inside the run"); choose another --out")
                        }
                        try Self.checkOutFolder(rerun, out: out)
                    }
                }
                // A re-run reproduces the configuration as it reads now: an edited record would be "reproduced" with
                // the edit, so it is refused.
                for (original, record) in zip(originals, records) {
                    // What the file holds, not the command line: exit 1.
                    if let reason = try record.editedReason() {
                        throw HarnessError.malformedFile(original.appendingPathComponent("record.json"), reason: reason)
                    }
                    // A damaged model or label file would differ from any re-run, and the kernel be blamed for it.
                    if let (file, problem) = RunDirectory(original).damage(of: record) {
                        throw HarnessError.damagedRun(file, problem: problem, consequence: "nothing to compare against")
                    }
                }
                // A re-run on other data cannot reproduce a run: refused here rather than reported as a list of
                // differences. Each dataset is loaded and its digest read once, however many runs use it.
                var datasets: [String: Dataset] = [:], digests: [String: String] = [:]
                var runs: [(original: URL, record: RunRecord, dataset: Dataset, sha: String, entry: DatasetEntry)] = []
                for (original, record) in zip(originals, records) {
                    let entry = try store.entry(forRun: original, record: record)
                    let name = entry.name
                    let dataset = try datasets[name] ?? store.load(name)
                    datasets[name] = dataset
                    let sha = try digests[name] ?? store.cacheSHA256(name)
                    digests[name] = sha
                    try DatasetMatch(record: record, current: sha).require(run: original, record: record) { line in
                        StandardError.line(line)
                    }
                    runs.append((original, record, dataset, sha, entry))
                }
                // Temporary re-runs are removed on an interruption too; a closed pipe (`| head`) ends the command
                // the same way, not mid-run with the folder left behind.
                // Ctrl-C or SIGTERM says what became of the re-run, as train says how to resume (not on a closed pipe:
                // nobody reads on).
                let clear = isatty(STDERR_FILENO) == 1 ? "\r\u{1B}[K" : ""
                let hint = out.map { "interrupted: run the same command again to resume the re-run in \($0)" }
                    ?? "interrupted: the temporary re-run was removed; the same command starts it again"
                TerminationTrap.install(signals: [SIGINT, SIGTERM, SIGHUP, SIGPIPE]) { sig in
                    TemporaryRerun.interrupted(by: sig)
                    if sig != SIGPIPE { StandardError.write(clear + hint + "\n") }
                }
                var differing: [String] = []
                for run in runs {
                    if let runID = try check(run.original, record: run.record, dataset: run.dataset, sha: run.sha, entry: run.entry) {
                        differing.append(runID)
                    }
                    TerminationTrap.endIfStandardOutputClosed()
                }
                if originals.count > 1 {
                    print("\(originals.count - differing.count) of \(originals.count) runs identical" + (differing.isEmpty ? "" : "; differ: \(differing.joined(separator: ", "))"))
                }
                TerminationTrap.endIfStandardOutputClosed()
                if !differing.isEmpty { throw ExitCode.failure }
            }
        }

        /// Re-runs one recorded run on `dataset` (whose cache digest is `sha`) and prints the comparison; returns its
        /// run id when anything differs.
        private func check(_ original: URL, record: RunRecord, dataset: Dataset, sha: String, entry: DatasetEntry) throws -> String? {
            print("checking \(record.runID): \(record.dataset), seed \(record.seed), recorded by \(record.codeVersion) on \(record.machine.cpu ?? "an unrecorded processor") (\(record.machine.kernelSummary))")
            if !record.configuration.isPortable {
                print("note: not a portable run: its numbers depend on the GEMM kernel (\(record.machine.kernelSummary)); a re-run matches bit for bit only with the same kernel on the same kind of processor")
            }
            if record.codeVersion != CodeVersion.current() {
                print("note: this is \(CodeVersion.current()); a change to the engine since \(record.codeVersion) may change the result")
            }
            // Before a re-run that may take hours: a reader gone already (`| head -1`) ends the command here.
            TerminationTrap.endIfStandardOutputClosed()
            let rerun: URL
            var lock: CellLock?
            defer { lock.map(RunFolderLock.release) }
            if let out {
                rerun = URL(fileURLWithPath: out).appendingPathComponent(record.runID)
                try RunDirectory(rerun).checkWritable()
                // One writer per re-run folder, as `jule train --out`: a second check at once resumed from the
                // first one's live checkpoint. The trap (installed before) releases it on a signal.
                lock = try RunFolderLock.acquire(RunDirectory(rerun))
                try retireStaleRerun(rerun, of: original)
            } else {
                // Named as AtomicFile's temporaries (`….p<pid>.tmp`): one a killed check (kill -9) left behind is
                // removed by the next, once its process is gone.
                let temporary = FileManager.default.temporaryDirectory
                AtomicFile.removeStaleTemporaries(in: temporary, prefix: "jule-check-")
                rerun = temporary.appendingPathComponent("jule-check-\(record.runID).\(UUID().uuidString).p\(getpid()).tmp")
                TemporaryRerun.set(rerun)
                try RunDirectory(rerun).checkWritable()
            }
            defer { if out == nil { TemporaryRerun.removeCurrent() } }
            let progress = ProgressPrinter(quiet: data.quiet)
            // The re-run writes embeddings.h5 when the run did (--save-embeddings), so that they are compared too.
            let embeddings = FileManager.default.fileExists(atPath: RunDirectory(original).embeddings.path)
            let runner = JuleRunner(configuration: record.configuration, dataset: dataset, datasetSHA256: sha,
                                    outputDirectory: rerun, saveEmbeddings: embeddings) { event in
                // Between epochs: an interruption ends here, and so does a closed pipe (a re-run may take hours
                // after its reader has gone).
                TemporaryRerun.endIfInterrupted()
                TerminationTrap.endIfStandardOutputClosed { TemporaryRerun.removeCurrent() }
                progress.handle(event)
            }
            // As train has them: the class column of clusters.tsv names the class folders, as the run's does.
            runner.classNames = entry.classNames
            runner.importedFrom = entry.importedFrom
            _ = try runner.run()
            let comparison = try RunComparison(original: original, rerun: rerun)
            for item in comparison.items {
                print("  \(item.name): \(item.summary)")
            }
            // The files not compared, grouped by why, in the order met: "model.ckpt not in the run folder".
            var groups: [(why: String, names: [String])] = []
            for item in comparison.notCompared {
                guard case .notCompared(let reason) = item.status else { continue }
                let why = reason == RunComparison.noFileNames ? "of a dataset that now has no file names" : reason
                if let i = groups.firstIndex(where: { $0.why == why }) { groups[i].names.append(item.shortName) }
                else { groups.append((why, [item.shortName])) }
            }
            let reasons = groups.map { $0.names.joined(separator: ", ") + " " + $0.why }
            let unchecked = reasons.isEmpty ? "" : " (\(reasons.joined(separator: "; ")): not compared)"
            if comparison.identical {
                print("identical: \(record.runID) reproduces its \(comparison.same.map(\.shortName).joined(separator: ", ")) bit for bit\(unchecked)")
                return nil
            }
            // The note at the start may have scrolled away: a kernel-mode run's differences are expected elsewhere.
            let kernel = record.configuration.isPortable ? ""
                : "; not a portable run: recorded with \(record.machine.kernelSummary), and only that kernel on that kind of processor reproduces it"
            print("differs: \(comparison.items.filter(\.differs).map(\.shortName).joined(separator: ", "))\(kernel)\(unchecked)")
            return record.runID
        }

        /// `--out DIR` (and each re-run folder in it) before any data loads or any run trains: a file there is a usage
        /// error, and a folder (or the nearest folder above one still to be made) must be writable, so that no re-run
        /// fails at its end or after the runs before it.
        private static func checkOutFolder(_ path: String, out: String) throws {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
                throw ValidationError(path == out ? "--out \(out): a file, not a folder" : "--out \(out): \(path) is a file, not a folder")
            }
            var folder = URL(fileURLWithPath: path).standardizedFileURL
            while !FileManager.default.fileExists(atPath: folder.path) && folder.path != "/" { folder.deleteLastPathComponent() }
            if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), !isFolder.boolValue {
                throw ValidationError("--out \(out): \(folder.path) is a file, not a folder")
            }
            guard access(folder.path, W_OK | X_OK) == 0 else {
                throw HarnessError.unwritableDirectory(folder, reason: String(cString: strerror(errno)).lowercased())
            }
        }

        /// A finished re-run already in `rerun` (`--out`) stands only when this same code made it and it holds every
        /// output file the run does; otherwise it is moved aside, so that the verdict is about the current code.
        private func retireStaleRerun(_ rerun: URL, of original: URL) throws {
            let directory = RunDirectory(rerun)
            guard FileManager.default.fileExists(atPath: directory.record.path) else { return }
            let earlier = try JSONCoding.decode(RunRecord.self, from: directory.record)
            let current = CodeVersion.current()
            let missing = RunComparison.files.filter {
                FileManager.default.fileExists(atPath: original.appendingPathComponent($0).path)
                    && !FileManager.default.fileExists(atPath: rerun.appendingPathComponent($0).path)
            }
            if earlier.codeVersion == current && missing.isEmpty {
                print("note: reusing the re-run in \(rerun.path), made earlier by this code (\(current)); not re-run")
                return
            }
            let why = earlier.codeVersion != current ? "was made by \(earlier.codeVersion), not this code (\(current))"
                : "lacks \(missing.joined(separator: ", "))"
            let aside = try directory.moveAside(runID: earlier.runID)
            print("note: the re-run in \(rerun.path) \(why); moved to \(aside.path), running again")
        }
    }
}
