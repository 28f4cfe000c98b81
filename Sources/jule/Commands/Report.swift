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
            runs` writes into runs/ and never over the repository's committed results/. A run made on other data than \
            the dataset's cache holds now (re-imported or changed since) stays in the tables as recorded, marked stale, \
            with a warning line, but is neither tested for collapse nor drawn. Records in a sweep folder that its \
            manifest no longer plans (re-planned with --force) are counted and named in a warning line. A run moved aside \
            (DIR.replaced-<run id>, left by `train --force` or by re-running a stale sweep cell) is not counted; each \
            is named in one warning line. A record.json edited by hand (its configuration no \
            longer hashes to its configurationHash) and one run id recorded twice with different scores get a warning \
            line each and stay listed. So does a record whose scores are not those of its trajectory's last clustering \
            call or of its label files scored again against the dataset's classes (where the dataset is at hand; a \
            --classes K run against its first K classes): it still counts, its seed marked "unverified" in the table. So \
            does a run whose model.ckpt fails its checksum or whose label file does not read or has other counts. A \
            sweep manifest.json that cannot be read is skipped with a warning (its cells' records count as runs outside \
            a sweep). A file that cannot be written (a full disk) is an error: the report is then incomplete.

            Plots (plots/): measured-vs-claimed-nmi.svg (datasets with default-setting runs); \
            nmi-per-period-<dataset>.svg for each labelled dataset with runs (its default setting's, else the first \
            sweep's profile's, else a setting that keeps the dataset's cluster count, then the one with the most runs, \
            then by name; the title names it); rc-nmi-by-setting-<dataset>.svg where a dataset has two settings or \
            more; the cluster pictures of each dataset's median run of that same setting (an unlabelled dataset's: \
            its lowest seed's, montage only). Plot files of these names that an earlier report \
            wrote and this one does not are removed, each named; the pictures of a dataset still reported stay unless \
            this report drew that dataset's (with --no-pictures, or without its images offline, none are drawn).
            """)
        @OptionGroup var data: DataOptions
        @Option(help: "Directory searched (recursively) for record.json files and sweep manifests.") var records = "results"
        @Option(help: ArgumentHelp("Results directory to write, created if missing (default: the --records directory).", valueName: "out"))
        var out: String?
        @Option(help: "Tolerance for the verdicts.") var tolerance = 0.01
        @Flag(help: "Leave out the cluster pictures (plots/<dataset>-montage.png, -confusion.svg of each median run); those an earlier report drew of datasets still reported stay.")
        var noPictures = false

        func validate() throws {
            try ToleranceValidation.validate(tolerance)
            try RecordsFolderValidation.validate(records: records, out: out)
            // Refused before any record is read: the report would replace it whole.
            if let (url, why) = ReportOutputs.foreignFile(in: URL(fileURLWithPath: out ?? records)) {
                throw ValidationError("\(url.path): \(why), and the report would replace it; choose another --out or move it away")
            }
        }

        func run() throws {
            try CommandErrors.exitOnFailure {
                // An interruption removes the files being written (`TerminationTrap.end`); a killed report's
                // leftovers (`.README.md.<uuid>.p<pid>.tmp`, its pid gone) are removed before this one writes.
                TerminationTrap.install {}
                AtomicFile.removeStaleTemporaries(in: URL(fileURLWithPath: out ?? records))
                let aggregator = ResultsAggregator(registry: try data.makeCombinedRegistry(), tolerance: tolerance)
                let directory = URL(fileURLWithPath: records)
                // One damaged record (a full disk, a killed copy) is named and left out; the rest is still reported.
                let (files, rows, failed) = try aggregator.rows(under: directory, skipping: { why in
                    StandardError.write("warning: \(why); skipped\n")
                }, unplanned: { why in StandardError.line("warning: \(why)") })
                for line in RecordWarnings.lines(for: files) { StandardError.line(line) }
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
                        StandardError.write("note: no collapse test for the \(name) runs: \(error)\n")
                    }
                    classes[name] = .some(labels)
                    return labels
                }
                // A run made on other data than the cache holds now (the dataset re-imported or changed since) stays
                // in the tables as its record has it, but its labels are not paired with today's images: no collapse
                // test, no picture; a warning line each. A record too old to tell is kept with a warning, as train does.
                let digests = DatasetDigests { name in truth(name) == nil ? nil : try? store.cacheSHA256(name) }
                var flagged: Set<URL> = []
                var tooOld: [String: [(url: URL, match: DatasetMatch)]] = [:]
                for (url, record) in files {
                    guard let match = try digests.match(record) else { continue }
                    let folder = url.deletingLastPathComponent()
                    if case .unverifiable = match {
                        tooOld[record.dataset, default: []].append((url, match))
                    } else if case let .otherData(recorded, current) = match {
                        flagged.insert(url)
                        StandardError.write(("warning: \(folder.path): run \(record.runID) was made on other "
                            + "\(record.dataset) data than the cache holds now (dataset digest \(recorded.prefix(12))…, now "
                            + "\(current.prefix(12))…: re-imported or changed since); in the tables as recorded, but not tested "
                            + "for collapse nor drawn\n"))
                    }
                }
                // Records from before content digests: one line per dataset, not one per record (a results folder
                // of older sweeps holds a hundred).
                for (dataset, records) in tooOld.sorted(by: { $0.key < $1.key }) {
                    let line = records.count == 1
                        ? records[0].match.warning(recordFile: records[0].url, dataset: dataset)
                        : DatasetMatch.warning(unverifiable: records.map(\.url), dataset: dataset)
                    if let line { StandardError.line(line) }
                }
                let otherData = flagged
                let runs = try RunTable(files: files, under: directory, aggregator: aggregator, otherData: otherData,
                                        failed: failed) { file in
                    otherData.contains(file.url) ? nil : truth(file.record.dataset)
                }
                for line in runs.scoreWarnings { StandardError.line(line) }
                // Plots and pictures show the runs that count: a replaced re-run of a cell has the same run id.
                var writer = ReportWriter(rows: runs.markingCollapses(rows), records: runs.countedFiles.map(\.record),
                                          tolerance: tolerance)
                if !noPictures {
                    var pictures = ClusterPictures(files: runs.countedFiles) { try store.load($0) }
                    pictures.classNames = { (try? store.entry(named: $0))?.classNames }
                    pictures.isOnCurrentData = { !otherData.contains($0.url) }
                    writer.clusterPictures = pictures
                }
                let destination = URL(fileURLWithPath: out ?? records)
                // Each file is replaced whole or not at all (AtomicFile), but a failure part way (a full disk) leaves
                // some of them from this report and some from an earlier one, or none: the error says so.
                do {
                    let written = try writer.write(to: destination)
                    for url in written { print(url.path) }
                    for url in try runs.write(to: destination) { print(url.path) }
                    for url in try writer.removeStalePlots(in: destination, written: written) {
                        print("removed \(url.path) (an earlier report's plot; this one does not write it)")
                    }
                } catch {
                    throw CommandFailure(description: "\(CommandErrors.message(for: error)); the report in \(destination.path) is "
                        + "incomplete (its files that were written are whole; run jule report again once this is fixed)")
                }
            }
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare every reproduced number with the paper's claim; exit non-zero when one is below claim − tolerance, or when nothing was measured.",
            discussion: """
            A counted record whose scores are not those of its trajectory's last clustering call (a record.json edited \
            by hand), or whose run files are damaged (a model.ckpt failing its checksum, a label file that does not \
            read), is named in a warning line, its rows marked "unverified", and fails the diff too: its numbers \
            cannot be vouched for. `jule \
            report` also scores the label files again. A counted run made on other data than its dataset's cache \
            holds now (re-imported or changed since; `jule report` marks it stale) is named in a warning line and \
            compared as recorded; datasets without a cache are not checked.
            """)
        @OptionGroup var data: DataOptions
        @Option(help: "Directory searched (recursively) for record.json files and sweep manifests.") var records = "results"
        @Option(help: "Allowed shortfall below a claim.") var tolerance = 0.01

        func validate() throws {
            try ToleranceValidation.validate(tolerance)
            try RecordsFolderValidation.validate(records: records, out: nil)
        }

        func run() throws {
            try CommandErrors.exitOnFailure {
                var (files, rows, _) = try ResultsAggregator(registry: try data.makeCombinedRegistry(), tolerance: tolerance)
                    .rows(under: URL(fileURLWithPath: records), skipping: { why in
                        StandardError.write("warning: \(why); skipped\n")
                    }, unplanned: { why in StandardError.line("warning: \(why)") })
                // Without the datasets only the trajectory and the run's own files can tell (`jule report` scores the
                // label files too). Their rows are marked, so that the table never shows such a number as reproduced.
                let counted = Set(rows.flatMap(\.runIDs))
                var unverified: Set<String> = []
                for (url, record) in files where counted.contains(record.runID) {
                    guard let (file, problem) = RunDirectory(url.deletingLastPathComponent()).damage(of: record) else { continue }
                    unverified.insert(record.runID)
                    StandardError.line("warning: \(file.path): \(problem); the diff fails")
                }
                let seedOf = Dictionary(files.map { ($0.record.runID, $0.record.seed) }, uniquingKeysWith: { a, _ in a })
                for index in rows.indices {
                    let seeds = rows[index].runIDs.filter(unverified.contains).compactMap { seedOf[$0] }
                    if !seeds.isEmpty { rows[index].unverifiedSeeds = seeds.sorted() }
                }
                // Stale counted runs: compared as recorded, but said (the cached data are only read, never built).
                if let digests = try? data.makeStore().currentDigests() {
                    for (url, record) in files where counted.contains(record.runID) {
                        guard case let .otherData(recorded, current)? = try? digests.match(record) else { continue }
                        StandardError.line("warning: \(url.deletingLastPathComponent().path): run \(record.runID) was made on other "
                            + "\(record.dataset) data than the cache holds now (dataset digest \(recorded.prefix(12))…, now "
                            + "\(current.prefix(12))…: re-imported or changed since); compared as recorded")
                    }
                }
                let diff = ClaimDiff(rows: rows, tolerance: tolerance)
                print(diff.text(), terminator: "")
                // Nothing measured is not a pass: no finished default run of a dataset with claims.
                if !diff.failures.isEmpty || diff.lines.isEmpty || !unverified.isEmpty { throw ExitCode.failure }
            }
        }
    }
}
