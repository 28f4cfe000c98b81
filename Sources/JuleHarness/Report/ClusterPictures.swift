import Foundation
import JuleCluster
import JuleData

/// The cluster pictures of `jule report`: for each dataset, the run with the median JULE-RC NMI among the runs given
/// (the lower of the two middle ones for an even count, ties by run id) is drawn as `plots/<dataset>-montage.png`
/// (`ClusterMontage`, fitted under `maximumBytes`) and `plots/<dataset>-confusion.svg` (`ConfusionMatrixChart`),
/// and a Markdown section links them, one caption line per dataset. An unlabelled dataset's runs have no NMI to take
/// a median by: the run of the lowest seed is drawn instead, a montage of sizes only (no classes, so no matrix).
///
/// Nothing here fails the report but a file that cannot be written (a full disk: an output lost, not a choice): a
/// dataset that cannot be loaded (no cache, no mirror, offline), a run without RC labels or a label file of the wrong
/// length becomes a visible note in the section instead of a picture. Runs made
/// on other data than the loader gives now (`isOnCurrentData`) are left out of the median; when no run is left, a
/// note says so.
public struct ClusterPictures {
    /// Loads a dataset by name (`jule report` passes the dataset store, offline).
    public typealias DatasetLoader = (String) throws -> Dataset

    public let files: [ResultsAggregator.RecordFile]
    public let loadDataset: DatasetLoader
    /// The montage is made smaller (fewer, smaller images, then only mixed and split clusters) until its PNG fits.
    public var maximumBytes = 300_000
    /// A dataset's class names where it has them (an imported folder's class folders), for the labels and columns.
    public var classNames: (String) -> [String]? = { _ in nil }
    /// False for a run made on other data than the loader gives now (`DatasetMatch.otherData`): it is not drawn, as
    /// its labels describe other images.
    public var isOnCurrentData: (ResultsAggregator.RecordFile) -> Bool = { _ in true }

    public init(files: [ResultsAggregator.RecordFile], loadDataset: @escaping DatasetLoader) {
        self.files = files
        self.loadDataset = loadDataset
    }

    /// What `write` produced: the Markdown section and the files written.
    public struct Outcome {
        public var markdown: String
        public var written: [URL]
    }

    /// Draws the pictures of each dataset's median run among `runs` (the run ids of each dataset, in the order the
    /// section lists them) into `<directory>/plots/`; the Markdown links them relative to `directory`.
    /// `setting` names the row the runs come from when it is not the default (then the caption says so). With no
    /// runs, there is no section.
    public func write(into directory: URL, runs: [(dataset: String, runIDs: [String], setting: String?)]) throws -> Outcome {
        guard !runs.isEmpty else { return Outcome(markdown: "", written: []) }
        var md = "\n### Cluster pictures\n\n"
        md += "For each dataset, the run with the median JULE-RC NMI among its default-setting runs (else the setting its "
        md += "caption names; an unlabelled dataset, which has no NMI, the run of its lowest seed), as `jule show` draws "
        md += "it: a montage of its final clusters (one row per cluster, largest first, labelled `#cluster size:` and "
        md += "its classes with their counts, `<class>x<count>` for numbered classes and `<name>:<count>` for named ones; "
        md += "the red bar fills with the share of the cluster not of its main class, the orange bar "
        md += "with the share of its main class in other clusters, both full from one half on) and its confusion matrix "
        md += "(clusters × classes, rows in the order of the Hungarian matching; none for an unlabelled dataset).\n"
        var written: [URL] = []
        for (dataset, runIDs, setting) in runs {
            do {
                let (caption, urls) = try draw(dataset: dataset, runIDs: Set(runIDs), into: directory)
                let from = setting.map { " *(runs of `\($0)`: no finished default-setting run of \(dataset))*" } ?? ""
                md += "\n" + caption.replacingOccurrences(of: "**\(dataset)**:", with: "**\(dataset)**\(from):")
                written += urls
            } catch let failure as WriteFailure {
                throw failure.underlying
            } catch {
                md += "\n**\(dataset)**: no picture (\(error)).\n"
            }
        }
        return Outcome(markdown: md, written: written)
    }

    /// The run of the lowest seed among `candidates` (ties by run id): an unlabelled dataset's, which has no NMI to
    /// take a median by.
    public static func lowestSeedRun(_ candidates: [ResultsAggregator.RecordFile]) -> ResultsAggregator.RecordFile? {
        candidates.min { a, b in
            a.record.seed != b.record.seed ? a.record.seed < b.record.seed : a.record.runID < b.record.runID
        }
    }

    /// The median run by RC NMI among `candidates` (the lower middle one for an even count; ties by run id).
    public static func medianRun(_ candidates: [ResultsAggregator.RecordFile]) -> ResultsAggregator.RecordFile? {
        let sorted = candidates.filter { $0.record.rc != nil }.sorted { a, b in
            let x = a.record.rc?.nmi ?? 0, y = b.record.rc?.nmi ?? 0
            return x != y ? x < y : a.record.runID < b.record.runID
        }
        return sorted.isEmpty ? nil : sorted[(sorted.count - 1) / 2]
    }

    private func draw(dataset: String, runIDs: Set<String>, into directory: URL) throws -> (String, [URL]) {
        // One record per run id, with RC labels and scores, or unlabelled (`jule report` passes only the runs that
        // count; should two records still share an id, the one that finished last).
        var latest: [String: ResultsAggregator.RecordFile] = [:]
        var onOtherData = 0
        for file in files where file.record.dataset == dataset && runIDs.contains(file.record.runID)
            && (file.record.rc != nil || file.record.unlabelled == true) {
            let labels = file.url.deletingLastPathComponent().appendingPathComponent(RunLabels.Variant.rc.fileName)
            guard FileManager.default.fileExists(atPath: labels.path) else { continue }
            guard isOnCurrentData(file) else { onOtherData += 1; continue }
            if let kept = latest[file.record.runID], kept.record.finishedAt >= file.record.finishedAt { continue }
            latest[file.record.runID] = file
        }
        // Scored runs by their median; only where none is scored (unlabelled data), the lowest seed's.
        let scored = latest.values.filter { $0.record.rc != nil }
        let pool = scored.isEmpty ? Array(latest.values) : scored
        guard let chosen = scored.isEmpty ? Self.lowestSeedRun(pool) : Self.medianRun(pool) else {
            guard onOtherData == 0 else {
                throw Skipped(reason: "\(onOtherData == 1 ? "its run was" : "its \(onOtherData) runs were") made on other data than the cache holds now (re-imported or changed since)")
            }
            throw Skipped(reason: "no run with JULE-RC labels")
        }
        let run = try RunLabels(directory: chosen.url.deletingLastPathComponent(), variant: .rc)
        var images: Dataset
        do { images = try loadDataset(dataset) } catch {
            throw Skipped(reason: "dataset not available: \(error); fetch it with `jule data fetch \(dataset)` and run `jule report` again")
        }
        // A `--classes K` run clustered the first K classes' images only; its labels are theirs.
        let limit = run.record.configuration.classLimit
        if let limit { images = images.firstClasses(limit) }
        let rc = run.scores.map { "RC NMI \(ScoreText.fixed($0.nmi))" } ?? "RC"
        let subset = limit.map { " (first \($0) classes)" } ?? ""
        let which = scored.isEmpty ? "lowest seed of \(pool.count)" : "median of \(pool.count)"
        let title = "\(dataset)\(subset), seed \(run.record.seed), \(rc) (\(which))"
        let names = classNames(dataset)
        let (montage, png) = try Self.fittedMontage(dataset: images, predicted: run.labels, title: title,
                                                    maximumBytes: maximumBytes, classNames: names)
        let name = dataset.replacingOccurrences(of: "/", with: "_")
        let montageURL = directory.appendingPathComponent("plots/\(name)-montage.png")
        do { try AtomicFile.write(png, to: montageURL) } catch { throw WriteFailure(underlying: error) }
        var urls = [montageURL]
        let runs = "\(pool.count) run\(pool.count == 1 ? "" : "s")"
        var caption = "**\(dataset)**: run `\(run.record.runID)`, seed \(run.record.seed), \(rc), "
        caption += scored.isEmpty ? "the lowest seed of \(runs) (unlabelled: no NMI to pick a median by)" : "the median of \(runs)"
        caption += "; montage: \(montage.rows.count)"
        caption += montage.options.onlyMixed ? " mixed or split of \(montage.clusterCount) clusters"
            : montage.rows.count == 1 ? " cluster" : " clusters"
        caption += ", up to \(montage.options.perRow) images each at \(montage.layout.imageHeight) px (\(png.count / 1000) kB).\n\n"
        let shown = scored.isEmpty ? "the run of seed \(run.record.seed)" : "the median run"
        caption += "![\(dataset): clusters of \(shown)](plots/\(name)-montage.png)\n"
        if montage.labelled {
            let svg = ConfusionMatrixChart.svg(truth: images.labels.map(Int.init), predicted: run.labels,
                                               title: "\(dataset)\(subset): clusters × classes, seed \(run.record.seed), \(rc)",
                                               classNames: names)
            let svgURL = directory.appendingPathComponent("plots/\(name)-confusion.svg")
            do { try AtomicFile.write(svg, to: svgURL) } catch { throw WriteFailure(underlying: error) }
            urls.append(svgURL)
            caption += "![\(dataset): confusion matrix of the median run](plots/\(name)-confusion.svg)\n"
        }
        return (caption, urls)
    }

    /// A picture that could not be written: passed on by `write`, never a note.
    private struct WriteFailure: Error { let underlying: Error }

    /// Why a dataset gets a note instead of pictures (never leaves this type).
    private struct Skipped: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    /// A montage of `predicted` whose PNG fits in `maximumBytes`: the automatic options first, then 6 images per row
    /// at 24 px, then (when there are any) only the mixed and split clusters, then all clusters with tiny images.
    /// When nothing fits, the last try is returned.
    public static func fittedMontage(dataset: Dataset, predicted: [Int], title: String, maximumBytes: Int,
                                     classNames: [String]? = nil) throws -> (montage: ClusterMontage, png: Data) {
        let clusters = Set(predicted).count, native = dataset.height
        let base = ClusterMontage.Options.automatic(clusters: clusters, nativeHeight: native)
        let labelled = Set(dataset.labels).count > 1
        var tries: [(perRow: Int, height: Int, onlyMixed: Bool)] = [
            (base.perRow, base.imageHeight ?? native, false), (6, min(native, 24), false),
        ]
        if labelled { tries += [(6, min(native, 24), true), (6, min(native, 16), true), (4, min(native, 16), true)] }
        tries += [(6, min(native, 16), false), (4, min(native, 12), false)]
        var last: (ClusterMontage, Data)? = nil
        var seen: Set<String> = []
        for t in tries where seen.insert("\(t)").inserted {
            var options = ClusterMontage.Options(perRow: t.perRow, onlyMixed: t.onlyMixed, imageHeight: t.height, title: title)
            options.classNames = classNames
            let montage = try ClusterMontage(dataset: dataset, predicted: predicted, options: options)
            // Nothing mixed or split: a picture of all clusters, however small, says more than an empty one.
            if t.onlyMixed && montage.rows.isEmpty { continue }
            let png = try montage.png()
            last = (montage, png)
            if png.count <= maximumBytes { break }
        }
        guard let last else { throw HarnessError.invalidConfiguration("no montage options to try") }
        return last
    }
}
