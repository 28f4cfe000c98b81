import Foundation
import JuleCluster
import JuleData

/// The sizes of a run's final clusters, read from its label file: the smallest one is what shows the
/// tiny-cluster failure (a final partition with clusters of 2–5 images forces two classes to share a cluster),
/// which a mean NMI hides.
public struct PartitionSizes: Equatable, Sendable {
    public var clusters: Int
    public var smallest: Int
    public var largest: Int

    /// True when the partition collapsed: its smallest cluster holds under 5% of N/n* images while two classes
    /// share a cluster (two classes have the same cluster as their largest share). Nil when the truth is unknown.
    public var collapsed: Bool?

    /// - Parameter truth: the class of every image, in the label file's order, when known.
    public init(labels: [Int], truth: [Int]? = nil) {
        var counts: [Int: Int] = [:]
        for label in labels { counts[label, default: 0] += 1 }
        clusters = counts.count
        smallest = counts.values.min() ?? 0
        largest = counts.values.max() ?? 0
        if let truth, truth.count == labels.count {
            collapsed = Self.isCollapsed(labels: labels, truth: truth)
        }
    }

    /// The collapse test of the issue tracker's JULE-RC failure: a cluster of a few images uses up one of the n*
    /// clusters, so two classes must share another one.
    public static func isCollapsed(labels: [Int], truth: [Int]) -> Bool {
        var counts: [Int: Int] = [:]
        for label in labels { counts[label, default: 0] += 1 }
        guard let smallest = counts.values.min(), !counts.isEmpty else { return false }
        guard Double(smallest) < 0.05 * Double(labels.count) / Double(counts.count) else { return false }
        var joint: [Int: [Int: Int]] = [:]   // class → cluster → count
        for (cluster, c) in zip(labels, truth) { joint[c, default: [:]][cluster, default: 0] += 1 }
        var owners: [Int: Int] = [:]         // cluster → classes whose largest share it holds
        for shares in joint.values {
            let top = shares.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!
            owners[top.key, default: 0] += 1
        }
        return owners.values.contains { $0 >= 2 }
    }

    var text: String { "\(smallest)–\(largest)" + (collapsed == true ? " collapsed" : "") }
}

/// One line of the per-run table: a record, where it lies, its setting and its final partitions.
public struct RunTableEntry: Sendable {
    public var record: RunRecord
    /// The record's folder, relative to the folder the records were searched in.
    public var folder: String
    public var setting: String
    /// False when a later record of the same cell replaces this one in the aggregate table.
    public var counted: Bool
    /// True when the run was made on other data than the dataset's cache holds now (re-imported or changed since).
    public var stale = false
    public var sf: PartitionSizes?
    public var rc: PartitionSizes?
    /// Where the record's scores disagree with its trajectory or label files (`RecordedScores`); empty when they agree.
    public var scoreDifferences: [String] = []
}

/// Every run record, one line each (`runs.md`, `runs.csv`): the per-seed numbers behind the aggregate table's
/// mean ± std, with each run's final cluster sizes, cost and code version.
public struct RunTable {
    public let entries: [RunTableEntry]
    /// The record files that count (`ResultsAggregator.countedIndices`), in the order given: what plots and pictures show.
    public let countedFiles: [ResultsAggregator.RecordFile]
    /// One warning line per record whose scores are not what its trajectory or label files give.
    public private(set) var scoreWarnings: [String] = []
    /// Planned sweep cells whose last attempt failed, in the table's order: listed below the runs with their reasons.
    public private(set) var failedCells: [ResultsAggregator.FailedCell] = []

    public init(entries: [RunTableEntry], countedFiles: [ResultsAggregator.RecordFile] = []) {
        self.entries = entries
        self.countedFiles = countedFiles
    }

    /// The records under `directory` with their label files; see `init(files:under:aggregator:truth:)`.
    public init(under directory: URL, aggregator: ResultsAggregator,
                truth: (ResultsAggregator.RecordFile) -> [Int]? = { _ in nil }) throws {
        try self.init(files: ResultsAggregator.loadRecordFiles(under: directory), under: directory, aggregator: aggregator,
                      truth: truth)
    }

    /// The record files found under `directory` with their label files (`labels-sf.txt`, `labels-rc.txt` beside each
    /// record; a missing file leaves its sizes empty), in the aggregate table's order, then by seed. `truth` gives the
    /// classes of the dataset's images, for the collapse test and to score the label files again (`RecordedScores`):
    /// nil when the dataset is unavailable or the run was made on other data than it holds now (`DatasetMatch`). A run
    /// on the first K classes (`classLimit`) is tested against those classes' images, as `jule eval` scores it.
    /// `otherData` holds the record files of runs made on other data than the cache holds now: marked stale.
    /// `failed`: the planned cells whose last attempt failed (`ResultsAggregator.rows(under:)`).
    public init(files: [ResultsAggregator.RecordFile], under directory: URL, aggregator: ResultsAggregator,
                otherData: Set<URL> = [], failed: [ResultsAggregator.FailedCell] = [],
                truth: (ResultsAggregator.RecordFile) -> [Int]? = { _ in nil }) throws {
        failedCells = failed.sorted { a, b in
            let ka = (dataset: a.dataset, setting: a.setting), kb = (dataset: b.dataset, setting: b.setting)
            if ka != kb { return aggregator.precedes(ka, kb) }
            return a.seed != b.seed ? a.seed < b.seed : a.folder < b.folder
        }
        let counted = Set(aggregator.countedIndices(files.map(\.record)).values)
        countedFiles = files.indices.filter(counted.contains).map { files[$0] }
        var entries: [RunTableEntry] = []
        for (index, (url, record)) in files.enumerated() {
            let folder = url.deletingLastPathComponent().standardizedFileURL
            let relative = folder.path(relativeTo: directory)
            // `Dataset.firstClasses` keeps the images of classes 0..<K in order: their classes are these.
            let classes = truth((url, record)).map { all in record.configuration.classLimit.map { k in all.filter { $0 < k } } ?? all }
            // A damaged file of the run (`RunDirectory.damage(of:)`: a model.ckpt failing its sha256, a label file that
            // does not read) is flagged as an edited score is: a label file with a line that is not a number used to
            // be read as no file at all, while a cut one was flagged. Label counts and the record's own scores are
            // compared below (`RecordedScores`, against the dataset's classes where they are at hand).
            let damage = RunDirectory(folder).damage(of: record, counts: false)
                .flatMap { $0.file.lastPathComponent == "record.json" ? nil : $0 }
            var labels: [String: [Int]] = [:]
            for variant in ["SF", "RC"] {
                let file = folder.appendingPathComponent("labels-\(variant.lowercased()).txt")
                if damage?.file.lastPathComponent == file.lastPathComponent { continue }   // named once, as damaged
                labels[variant] = try? LabelFile.read(file)
            }
            func sizes(_ variant: String) -> PartitionSizes? { labels[variant].map { PartitionSizes(labels: $0, truth: classes) } }
            let differences = RecordedScores.differences(record, labels: labels, truth: classes)
            if !differences.isEmpty {
                scoreWarnings.append("warning: \(url.path): scores not those of the run (\(differences.joined(separator: "; "))): "
                    + "edited or damaged; listed as recorded, marked 'unverified'")
            }
            if let (file, problem) = damage {
                scoreWarnings.append("warning: \(file.path): \(problem); the run is listed as recorded, marked 'unverified'")
            }
            entries.append(RunTableEntry(record: record, folder: relative, setting: try aggregator.describeSetting(record),
                                         counted: counted.contains(index), stale: otherData.contains(url),
                                         sf: sizes("SF"), rc: sizes("RC"),
                                         scoreDifferences: differences + (damage.map { ["\($0.file.lastPathComponent) \($0.problem)"] } ?? [])))
        }
        self.entries = entries.sorted { a, b in
            let ka = (dataset: a.record.dataset, setting: a.setting), kb = (dataset: b.record.dataset, setting: b.setting)
            if ka != kb { return aggregator.precedes(ka, kb) }
            if a.record.seed != b.record.seed { return a.record.seed < b.record.seed }
            return a.folder < b.folder
        }
    }

    /// `rows` with the seeds whose final partitions collapsed (by variant), from the label files, those whose
    /// recorded scores are not what their trajectory or label files give, and those whose counted run is stale (with a
    /// note saying what that means).
    public func markingCollapses(_ rows: [ResultRow]) -> [ResultRow] {
        let byRun = Dictionary(entries.filter(\.counted).map { ($0.record.runID, $0) }, uniquingKeysWith: { a, _ in a })
        return rows.map { row in
            var row = row
            var collapsed: [String: [UInt64]] = [:]
            var stale: [UInt64] = []
            for id in row.runIDs {
                guard let e = byRun[id] else { continue }
                if e.stale { stale.append(e.record.seed) }
                if e.sf?.collapsed == true { collapsed["SF", default: []].append(e.record.seed) }
                if e.rc?.collapsed == true { collapsed["RC", default: []].append(e.record.seed) }
            }
            row.collapsedSeeds = collapsed.isEmpty ? nil : collapsed.mapValues { $0.sorted() }
            let unverified = row.runIDs.compactMap { byRun[$0] }.filter { !$0.scoreDifferences.isEmpty }.map(\.record.seed)
            row.unverifiedSeeds = unverified.isEmpty ? nil : unverified.sorted()
            if !stale.isEmpty {
                row.staleSeeds = stale.sorted()
                row.notes.append("stale: seed\(stale.count == 1 ? "" : "s") " + stale.sorted().map(String.init).joined(separator: ", ")
                    + " made on other \(row.dataset) data than the cache holds now (re-imported or changed since); "
                    + "not tested for collapse")
            }
            return row
        }
    }

    public func write(to directory: URL) throws -> [URL] {
        let md = directory.appendingPathComponent("runs.md"), csvURL = directory.appendingPathComponent("runs.csv")
        try AtomicFile.write(markdown(), to: md)
        try AtomicFile.write(csv(), to: csvURL)
        return [md, csvURL]
    }

    /// The first words of `runs.md` and the first line of `runs.csv` (`ReportOutputs` knows an earlier report's copies
    /// by them).
    static let markdownOpening = "# Every run\n\nGenerated by `jule report`"
    static let csvHeader = "dataset,setting,seed,sf_nmi,sf_acc,sf_ari,sf_clusters,sf_smallest,sf_largest,rc_nmi,rc_acc,rc_ari,"
        + "rc_clusters,rc_smallest,rc_largest,sf_collapsed,rc_collapsed,seconds,peak_memory_mib,cpu,gemm,code_version,counted,run_id,record,stale\n"

    public func markdown() -> String {
        var md = Self.markdownOpening + "; do not edit. One line per run record: the seeds behind the "
        md += "mean ± std of `README.md`. Times are comparable only on the same processor and GEMM kernel; "
        md += "*resumed* marks a run resumed from its checkpoint: its time includes the work its interruption lost. *Sizes* are "
        md += "the smallest and largest final clusters (from the run's label files): a smallest cluster of a few images "
        md += "means two classes share a cluster; *collapsed* marks a smallest cluster under 5% of N/n* while two classes have "
        md += "their largest share in one cluster (tested where the dataset's labels are at hand). *Counted*: no when a later run of the same cell replaces this one in the "
        md += "aggregate table" + (entries.contains(where: \.stale) ? "; *stale*: made on other data than the dataset's cache holds now "
            + "(re-imported or changed since), not tested for collapse" : "") + ".\n\n"
        md += "| dataset | setting | seed | SF NMI | SF ACC | SF sizes | RC NMI | RC ACC | RC clusters | RC sizes | time (s) "
        md += "| peak MiB | processor, GEMM | code | counted | record |\n"
        md += "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        for e in entries {
            let r = e.record
            let cells = [r.dataset, e.setting, String(r.seed), num(r.sf?.nmi), num(r.sf?.acc), e.sf?.text ?? "–",
                         num(r.rc?.nmi), num(r.rc?.acc), finalClusters(r, "RC", e.rc).map(String.init) ?? "–", e.rc?.text ?? "–",
                         String(format: "%.0f", r.timings["total"] ?? 0) + (r.resumed ? " resumed" : ""),
                         String(format: "%.0f", r.peakMemoryMiB),
                         machine(r.machine), r.codeVersion, (e.counted ? "yes" : "no") + (e.stale ? ", stale" : ""), "`\(e.folder)`"]
            md += "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
        }
        if !failedCells.isEmpty {
            md += "\n## Failed sweep cells\n\nPlanned cells whose last attempt failed and left no record (`failed.txt` in "
            md += "the cell's folder; `jule sweep run` tries them again):\n\n| dataset | setting | seed | reason | cell |\n|---|---|---|---|---|\n"
            for f in failedCells {
                let cells = [f.dataset, f.setting, String(f.seed), f.reason, "`\(f.folder)`"]
                md += "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
            }
        }
        return md
    }

    public func csv() -> String {
        var out = Self.csvHeader
        for e in entries {
            let r = e.record
            var fields = [r.dataset, e.setting, String(r.seed)]
            fields += scoreFields(r, "SF", e.sf) + sizeFields(e.sf)
            fields += scoreFields(r, "RC", e.rc) + sizeFields(e.rc)
            fields += [e.sf?.collapsed, e.rc?.collapsed].map { $0.map { $0 ? "yes" : "no" } ?? "" }
            fields += [String(format: "%.1f", r.timings["total"] ?? 0), String(format: "%.0f", r.peakMemoryMiB)]
            fields += [r.machine.cpu ?? "", r.machine.kernelSummary, r.codeVersion, e.counted ? "yes" : "no", r.runID, e.folder]
            fields.append(e.stale ? "yes" : "")
            out += fields.map(CSVField.escape).joined(separator: ",") + "\n"
        }
        return out
    }

    /// NMI, ACC, ARI and the cluster count of a variant; an unlabelled run has the count only.
    private func scoreFields(_ r: RunRecord, _ variant: String, _ sizes: PartitionSizes?) -> [String] {
        let count = finalClusters(r, variant, sizes).map(String.init) ?? ""
        guard let s = r.scores(variant: variant) else { return ["", "", "", count] }
        return [ScoreText.fixed(s.nmi, decimals: 6), ScoreText.fixed(s.acc, decimals: 6), ScoreText.fixed(s.ari, decimals: 6), count]
    }
    /// A variant's final cluster count: from the record, else from its label file (an unlabelled run by a build that
    /// kept no RC trajectory entry when RC needed no merges still has `labels-rc.txt`).
    private func finalClusters(_ r: RunRecord, _ variant: String, _ sizes: PartitionSizes?) -> Int? {
        r.finalClusters(variant: variant) ?? sizes?.clusters
    }
    private func sizeFields(_ p: PartitionSizes?) -> [String] { p.map { [String($0.smallest), String($0.largest)] } ?? ["", ""] }
    private func machine(_ m: MachineInfo) -> String { (m.cpu.map { $0 + ", " } ?? "") + m.kernelSummary }
    private func num(_ x: Double?) -> String { x.map { ScoreText.fixed($0) } ?? "–" }
}

/// RFC 4180 quoting for one CSV field.
enum CSVField {
    static func escape(_ s: String) -> String {
        s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
