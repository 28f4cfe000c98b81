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
            kind, which the command says before it starts. Exit status 0 when identical, 1 when anything differs. \
            Several run directories are checked one after the other, with a count at the end. Without --out the \
            re-runs go to temporary folders that are removed afterwards.
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
                let store = try data.makeStore()
                let records = try originals.map { try JSONCoding.decode(RunRecord.self, from: $0.appendingPathComponent("record.json")) }
                // A re-run on other data cannot reproduce a run: refused here rather than reported as a list of
                // differences. Each dataset is loaded and its digest read once, however many runs use it.
                var datasets: [String: Dataset] = [:], digests: [String: String] = [:]
                var runs: [(original: URL, record: RunRecord, dataset: Dataset, sha: String)] = []
                for (original, record) in zip(originals, records) {
                    let name = try store.entry(forRun: original, record: record).name
                    let dataset = try datasets[name] ?? store.load(name)
                    datasets[name] = dataset
                    let sha = try digests[name] ?? store.cacheSHA256(name)
                    digests[name] = sha
                    try DatasetMatch(record: record, current: sha).require(run: original, record: record) { line in
                        FileHandle.standardError.write(Data((line + "\n").utf8))
                    }
                    runs.append((original, record, dataset, sha))
                }
                var differing: [String] = []
                for run in runs {
                    if let runID = try check(run.original, record: run.record, dataset: run.dataset, sha: run.sha) {
                        differing.append(runID)
                    }
                }
                if originals.count > 1 {
                    print("\(originals.count - differing.count) of \(originals.count) runs identical" + (differing.isEmpty ? "" : "; differ: \(differing.joined(separator: ", "))"))
                }
                if !differing.isEmpty { throw ExitCode.failure }
            }
        }

        /// Re-runs one recorded run on `dataset` (whose cache digest is `sha`) and prints the comparison; returns its
        /// run id when anything differs.
        private func check(_ original: URL, record: RunRecord, dataset: Dataset, sha: String) throws -> String? {
            print("checking \(record.runID): \(record.dataset), seed \(record.seed), recorded by \(record.codeVersion) on \(record.machine.cpu ?? "an unrecorded processor") (\(record.machine.kernelSummary))")
            if !record.configuration.isPortable {
                print("note: not a portable run: its numbers depend on the GEMM kernel (\(record.machine.kernelSummary)); a re-run matches bit for bit only with the same kernel on the same kind of processor")
            }
            if record.codeVersion != CodeVersion.current() {
                print("note: this is \(CodeVersion.current()); a change to the engine since \(record.codeVersion) may change the result")
            }
            let temporary = out == nil
            let rerun = out.map { URL(fileURLWithPath: $0).appendingPathComponent(record.runID) }
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("jule-check-\(record.runID)-\(UUID().uuidString)")
            try RunDirectory(rerun).checkWritable()
            defer { if temporary { try? FileManager.default.removeItem(at: rerun) } }
            let progress = ProgressPrinter(quiet: data.quiet)
            _ = try JuleRunner(configuration: record.configuration, dataset: dataset, datasetSHA256: sha,
                               outputDirectory: rerun, onEvent: progress.handle).run()
            let comparison = try RunComparison(original: original, rerun: rerun)
            for item in comparison.items {
                print("  \(item.name): \(item.same ? "same" : "DIFFERS, \(item.detail)")")
            }
            if comparison.identical {
                print("identical: \(record.runID) reproduces bit for bit")
                return nil
            }
            print("differs: \(comparison.items.filter { !$0.same }.map(\.name).joined(separator: ", "))")
            return record.runID
        }
    }
}
