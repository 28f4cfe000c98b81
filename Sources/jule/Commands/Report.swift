import ArgumentParser
import Foundation
import JuleData
import JuleHarness

extension Jule {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Aggregate run records into a results folder: README.md table, summary.csv, summary.json, SVG plots, and runs.md / runs.csv (every run).",
            discussion: """
            The report goes beside the records it reads (--out defaults to --records), so `jule report --records \
            runs` writes into runs/ and never over the repository's committed results/.
            """)
        @OptionGroup var data: DataOptions
        @Option(help: "Directory searched (recursively) for record.json files and sweep manifests.") var records = "results"
        @Option(help: ArgumentHelp("Results directory to write, created if missing (default: the --records directory).", valueName: "out"))
        var out: String?
        @Option(help: "Tolerance for the verdicts.") var tolerance = 0.01
        @Flag(help: "Leave out the cluster pictures (plots/<dataset>-montage.png, -confusion.svg of each median run).")
        var noPictures = false

        func run() throws {
            try CommandErrors.exitOnFailure {
                let aggregator = ResultsAggregator(registry: try data.makeCombinedRegistry(), tolerance: tolerance)
                let directory = URL(fileURLWithPath: records)
                let (files, rows) = try aggregator.rows(under: directory)
                // Datasets come from the cache or the mirror, never the network: for the collapse test and the
                // cluster pictures. The same records must give the same report on every machine, so a dataset is
                // cached from the mirror when needed, and one that cannot be had is named (its runs go untested).
                var offline = try data.makeStore()
                offline.allowNetwork = false
                let store = offline
                var classes: [String: [Int]?] = [:]
                let truth: (String) -> [Int]? = { name in
                    if let known = classes[name] { return known }
                    var labels: [Int]? = nil
                    do { labels = try store.load(name).labels.map { Int($0) } } catch {
                        FileHandle.standardError.write(Data("note: no collapse test for the \(name) runs: \(error)\n".utf8))
                    }
                    classes[name] = .some(labels)
                    return labels
                }
                let runs = try RunTable(files: files, under: directory, aggregator: aggregator, truth: truth)
                // Plots and pictures show the runs that count: a replaced re-run of a cell has the same run id.
                var writer = ReportWriter(rows: runs.markingCollapses(rows), records: runs.countedFiles.map(\.record),
                                          tolerance: tolerance)
                if !noPictures {
                    var pictures = ClusterPictures(files: runs.countedFiles) { try store.load($0) }
                    pictures.classNames = { (try? store.entry(named: $0))?.classNames }
                    writer.clusterPictures = pictures
                }
                let destination = URL(fileURLWithPath: out ?? records)
                for url in try writer.write(to: destination) { print(url.path) }
                for url in try runs.write(to: destination) { print(url.path) }
            }
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare every reproduced number with the paper's claim; exit non-zero when one is below claim − tolerance, or when nothing was measured.")
        @OptionGroup var data: DataOptions
        @Option(help: "Directory searched (recursively) for record.json files and sweep manifests.") var records = "results"
        @Option(help: "Allowed shortfall below a claim.") var tolerance = 0.01

        func validate() throws {
            guard tolerance >= 0 else { throw ValidationError("--tolerance \(tolerance) must not be negative") }
        }

        func run() throws {
            try CommandErrors.exitOnFailure {
                let rows = try ResultsAggregator(registry: try data.makeCombinedRegistry(), tolerance: tolerance)
                    .rows(under: URL(fileURLWithPath: records)).rows
                let diff = ClaimDiff(rows: rows, tolerance: tolerance)
                print(diff.text(), terminator: "")
                // Nothing measured is not a pass: no finished default run of a dataset with claims.
                if !diff.failures.isEmpty || diff.lines.isEmpty { throw ExitCode.failure }
            }
        }
    }
}
