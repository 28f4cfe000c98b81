import Foundation
import JuleData

/// Groups run records by dataset and setting and compares each mean with the claims of `datasets.json`
/// (the only source of claims).
public struct ResultsAggregator {
    public let registry: DatasetRegistry
    public let tolerance: Double

    public init(registry: DatasetRegistry, tolerance: Double = 0.01) {
        self.registry = registry
        self.tolerance = tolerance
    }

    /// A decoded `record.json` and where it lies (the per-run table reads the label files beside it).
    public typealias RecordFile = (url: URL, record: RunRecord)

    /// Every `record.json` below `directory` (sweep cells and single runs alike) with its path, sorted by run id.
    /// With `skipping`, a record that cannot be read is left out and handed to it (one line: the file and why), so
    /// that one damaged file does not stop a report of all the others; without, it is an error. Runs moved aside
    /// (`<folder>.replaced-<run id>`, by `--force` or a stale sweep cell redone) are not counted: the run that replaced
    /// them is; each such folder is named to `skipping`. `directory` itself may be one, to report it alone.
    public static func loadRecordFiles(under directory: URL, skipping: ((String) -> Void)? = nil) throws -> [RecordFile] {
        let tree = try walk(directory)
        for folder in tree.movedAside.sorted(by: { $0.path < $1.path }) {
            skipping?("\(folder.path): a run moved aside (replaced by --force, or a stale sweep cell redone)")
        }
        let files = try tree.files.filter { $0.lastPathComponent == "record.json" }.sorted { $0.path < $1.path }.compactMap { url -> RecordFile? in
            do { return (url, try JSONCoding.decode(RunRecord.self, from: url)) } catch {
                guard let skipping else { throw error }
                skipping("\(error)")
                return nil
            }
        }
        guard !files.isEmpty else { throw HarnessError.noRecords(directory) }
        return files.sorted { $0.1.runID < $1.1.runID }
    }

    /// Every sweep below `directory`: its folder and its manifest, each `manifest.json` read once. With `skipping`, a
    /// manifest that cannot be read is left out and handed to it (one line), as a damaged record is: one truncated
    /// manifest must not stop the report of every other sweep. Its cells' records are still found by
    /// `loadRecordFiles` and count as runs outside any sweep (no planned or failed seeds); without, it is an error.
    static func loadSweeps(under directory: URL, skipping: ((String) -> Void)? = nil) throws -> [(sweep: SweepDirectory, manifest: SweepManifest)] {
        try files(named: "manifest.json", under: directory).sorted { $0.path < $1.path }.compactMap { url in
            do { return (SweepDirectory(url.deletingLastPathComponent()), try SweepManifest.load(from: url)) } catch {
                guard let skipping else { throw error }
                skipping("\(error) (the records under its cells/ still count, as runs outside a sweep: no planned or failed seeds)")
                return nil
            }
        }
    }

    /// Every sweep cell planned below `directory` (each `manifest.json`), so that the report can say how many of
    /// the planned seeds have finished and which planned datasets have not run at all.
    public static func loadPlannedCells(under directory: URL) throws -> [SweepCell] {
        try loadSweeps(under: directory).flatMap(\.manifest.cells)
    }

    /// A planned sweep cell whose last attempt failed (`failed.txt`, no record): `runs.md` lists each with its reason,
    /// so that a report says why a seed is missing, not only that it is.
    public struct FailedCell: Sendable, Equatable {
        public var dataset: String
        public var setting: String
        public var seed: UInt64
        public var id: String
        /// The cell's folder, relative to the folder the records were searched in.
        public var folder: String
        /// The first line of its `failed.txt`.
        public var reason: String
    }

    /// The planned cells of `sweeps` whose last attempt failed (`failed.txt`, no record), so that the report can tell a
    /// failed dataset from one not run yet, and say why.
    func failedCells(of sweeps: [(sweep: SweepDirectory, manifest: SweepManifest)], under directory: URL) throws -> [FailedCell] {
        try sweeps.flatMap { sweep, manifest in
            try manifest.cells.filter { sweep.state(of: $0) == .failed }.map { cell in
                let folder = sweep.run(cell).url.path(relativeTo: directory)
                let text = (try? String(contentsOf: sweep.failure(cell), encoding: .utf8)) ?? ""
                let reason = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? "(no reason recorded)"
                return FailedCell(dataset: cell.dataset, setting: try describeSetting(dataset: cell.dataset, seed: cell.seed,
                                                                                       configuration: cell.configuration),
                                  seed: cell.seed, id: cell.id, folder: folder, reason: reason)
            }
        }
    }

    /// The records and planned cells below `directory`, aggregated: what `jule report` and `jule diff` show. The
    /// record files come back too, so that the per-run table need not read them again. A sweep with planned cells
    /// but no record yet (its only cell failed) still gives its rows. Records in a sweep folder whose manifest no
    /// longer plans their cell (re-planned with --force) are counted as recorded, but named to `unplanned` and noted
    /// in their rows.
    public func rows(under directory: URL, skipping: ((String) -> Void)? = nil,
                     unplanned: ((String) -> Void)? = nil) throws -> (files: [RecordFile], rows: [ResultRow], failed: [FailedCell]) {
        let sweeps = try Self.loadSweeps(under: directory, skipping: skipping)
        let planned = sweeps.flatMap(\.manifest.cells)
        let files: [RecordFile]
        do {
            files = try Self.loadRecordFiles(under: directory, skipping: skipping)
        } catch HarnessError.noRecords(_) where !planned.isEmpty {
            files = []
        }
        let failed = try failedCells(of: sweeps, under: directory)
        var rows = try rows(from: files.map(\.record), planned: planned, failedCells: Set(failed.map(\.id)))
        let outside = Self.unplannedRecords(of: sweeps)
        for (sweep, records) in outside {
            unplanned?("\(sweep.path): \(records.count) record\(records.count == 1 ? "" : "s") in this sweep folder \(records.count == 1 ? "is" : "are") "
                + "not in its plan (manifest.json re-planned from another sweep file?), e.g. "
                + "\(records[0].deletingLastPathComponent().lastPathComponent); counted as recorded")
        }
        let outsideFiles = Set(outside.flatMap(\.records).map(\.standardizedFileURL.path))
        let outsideRuns = Set(files.filter { outsideFiles.contains($0.url.standardizedFileURL.path) }.map(\.record.runID))
        if !outsideRuns.isEmpty {
            for index in rows.indices {
                let n = rows[index].runIDs.filter(outsideRuns.contains).count
                if n > 0 { rows[index].notes.append("\(n) of its runs from sweep cells no longer planned (re-planned sweep)") }
            }
        }
        return (files, rows, failed)
    }

    /// For each of `sweeps`, the records under its `cells/` whose cell its manifest does not plan.
    static func unplannedRecords(of sweeps: [(sweep: SweepDirectory, manifest: SweepManifest)]) -> [(sweep: URL, records: [URL])] {
        sweeps.compactMap { sweep, manifest in
            let records = sweep.unplannedRecords(of: manifest)
            return records.isEmpty ? nil : (sweep.url, records)
        }
    }

    /// The order of every results table: registry order, the default setting first, then by setting.
    public func precedes(_ a: (dataset: String, setting: String), _ b: (dataset: String, setting: String)) -> Bool {
        let datasets = registry.datasets
        let ia = datasets.firstIndex { $0.name == a.dataset } ?? datasets.count
        let ib = datasets.firstIndex { $0.name == b.dataset } ?? datasets.count
        if ia != ib { return ia < ib }
        if a.dataset != b.dataset { return a.dataset < b.dataset }
        if (a.setting == "default") != (b.setting == "default") { return a.setting == "default" }
        return a.setting < b.setting
    }

    /// The files called `name` below `directory`, outside folders of runs moved aside.
    private static func files(named name: String, under directory: URL) throws -> [URL] {
        try walk(directory).files.filter { $0.lastPathComponent == name }
    }

    /// Everything below `directory`, the descendants of moved-aside folders left out and those folders listed.
    private static func walk(_ directory: URL) throws -> (files: [URL], movedAside: [URL]) {
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            throw HarnessError.unreadableFile(directory, reason: "not a directory")
        }
        var files: [URL] = [], movedAside: [URL] = []
        for case let url as URL in walker {
            if RunDirectory.isMovedAside(url.lastPathComponent) {
                movedAside.append(url)
                walker.skipDescendants()
            } else {
                files.append(url)
            }
        }
        return (files, movedAside)
    }

    /// For each (dataset, setting, seed), the index of the one record that counts: seeds are the replicates of a
    /// row, so a seed run twice (a cell re-run elsewhere, or the same setting again in another compute mode) must
    /// not count twice. A portable run wins over a kernel-dependent one, since anyone can re-check its numbers bit for
    /// bit on their own machine; among equals the run that finished last wins (ISO 8601 UTC stamps compare as
    /// strings), whatever order the records came in. Runs whose setting is read from the record alone (a dataset missing
    /// from the registry) are told apart by their settings' fingerprint too (`rowKey`), so different settings never
    /// replace each other.
    public func countedIndices(_ records: [RunRecord]) -> [String: Int] {
        func preferred(_ a: RunRecord, over b: RunRecord) -> Bool {
            if a.configuration.isPortable != b.configuration.isPortable { return a.configuration.isPortable }
            return a.finishedAt > b.finishedAt
        }
        var kept: [String: Int] = [:]
        for (index, record) in records.enumerated() {
            let k = countingKey(record)
            if let current = kept[k], !preferred(record, over: records[current]) { continue }
            kept[k] = index
        }
        return kept
    }

    /// The (row, seed) a record counts for; see `countedIndices`.
    private func countingKey(_ record: RunRecord) -> String {
        let row = (try? rowKey(dataset: record.dataset, seed: record.seed, configuration: record.configuration))
            ?? "hash\u{1}" + record.configurationHash
        return row + "\u{1}" + String(record.seed)
    }

    /// The row a run or planned cell belongs to: its dataset and setting; where the setting is read from the record
    /// alone (`describedByRecord`), also the fingerprint of its settings, so that two configurations whose profile and
    /// overrides read alike (the dataset's values changed between imports) still never share a row.
    func rowKey(dataset: String, seed: UInt64, configuration: RunConfiguration) throws -> String {
        let key = dataset + "\u{1}" + (try describeSetting(dataset: dataset, seed: seed, configuration: configuration))
        guard describedByRecord(dataset: dataset, configuration: configuration) != nil else { return key }
        return key + "\u{1}" + Self.fingerprint(configuration)
    }

    /// Why a setting cannot be described against the registry (the dataset is not in it, e.g. an import that is not
    /// in this cache; or the record's profile is unknown to this build), so that it is read from the record's profile
    /// and overrides; nil when it can.
    func describedByRecord(dataset: String, configuration: RunConfiguration) -> String? {
        guard (try? registry.entry(named: dataset)) != nil else { return "\(dataset) is not in the registry nor imported in this cache" }
        guard configuration.runProfile != nil else { return "profile \(configuration.profile ?? "") is unknown to this build" }
        return nil
    }

    /// The first 8 hex digits of the hash of a configuration without its seed, compute mode and record of overrides:
    /// equal for the seeds of one setting in any compute mode.
    static func fingerprint(_ configuration: RunConfiguration) -> String {
        var c = configuration
        c.seed = 0
        c.compute = nil
        c.overrides = nil
        return (try? c.hash()).map { String($0.prefix(8)) } ?? "unknown"
    }

    /// One row per dataset and setting that has records or planned cells (`planned`, from sweep manifests);
    /// `failedCells` (cell ids) gives each row its failed seeds.
    public func rows(from records: [RunRecord], planned: [SweepCell] = [], failedCells: Set<String> = []) throws -> [ResultRow] {
        var groups: [String: [RunRecord]] = [:]
        var settings: [String: (dataset: String, setting: String)] = [:]
        var readFromRecord: [String: String] = [:]   // row key → why, and the settings' fingerprint
        func place(dataset: String, seed: UInt64, configuration: RunConfiguration) throws -> String {
            let setting = try describeSetting(dataset: dataset, seed: seed, configuration: configuration)
            let key = try rowKey(dataset: dataset, seed: seed, configuration: configuration)
            settings[key] = (dataset, setting)
            if let why = describedByRecord(dataset: dataset, configuration: configuration) {
                readFromRecord[key] = "setting read from the records' profile and overrides: \(why) (settings \(Self.fingerprint(configuration)))"
            }
            return key
        }
        let counted = countedIndices(records)
        for index in counted.values {
            let record = records[index]
            groups[try place(dataset: record.dataset, seed: record.seed, configuration: record.configuration), default: []].append(record)
        }
        // A seed run in several convolutions of one compute mode (a sweep varying `compute.convolution`) counts once,
        // in one of them: the row says which, and how many runs of the others it leaves out.
        var otherConvolutions: [String: [RunRecord]] = [:]
        let countedSet = Set(counted.values)
        for (index, record) in records.enumerated() where !countedSet.contains(index) {
            guard let winner = counted[countingKey(record)].map({ records[$0] }),
                  winner.configuration.isPortable == record.configuration.isPortable,
                  winner.configuration.convolutionAlgorithm != record.configuration.convolutionAlgorithm else { continue }
            otherConvolutions[try rowKey(dataset: record.dataset, seed: record.seed, configuration: record.configuration),
                              default: []].append(record)
        }
        var plannedSeeds: [String: Set<UInt64>] = [:]
        var plannedClassLimits: [String: Int] = [:]
        var failedSeeds: [String: Set<UInt64>] = [:]
        for cell in planned {
            let key = try place(dataset: cell.dataset, seed: cell.seed, configuration: cell.configuration)
            plannedSeeds[key, default: []].insert(cell.seed)
            if failedCells.contains(cell.id) { failedSeeds[key, default: []].insert(cell.seed) }
            if let limit = cell.configuration.classLimit { plannedClassLimits[key] = limit }
            if groups[key] == nil { groups[key] = [] }   // a planned setting with no record still gets its row
        }
        return try groups.keys.sorted { a, b in
            let sa = settings[a] ?? ("", ""), sb = settings[b] ?? ("", "")
            if sa != sb { return precedes(sa, sb) }
            return a < b
        }.map { key in
            let group = (groups[key] ?? []).sorted { $0.seed < $1.seed }
            guard let (dataset, setting) = settings[key] else { throw HarnessError.invalidConfiguration("lost group \(key)") }
            var row = try row(dataset: dataset, setting: setting, records: group, plannedClassLimit: plannedClassLimits[key])
            row.plannedSeeds = plannedSeeds[key].map { $0.union(row.seeds).sorted() } ?? []
            row.failedSeeds = failedSeeds[key].map { $0.subtracting(row.seeds).sorted() } ?? []
            if let note = readFromRecord[key] { row.notes.append(note) }
            if let others = otherConvolutions[key] {
                let names = { (runs: [RunRecord]) in
                    Set(runs.map(\.configuration.convolutionAlgorithm.rawValue)).sorted().joined(separator: ", ")
                }
                row.notes.append("counts one run per seed, here the \(names(group)) ones: "
                    + "\(others.count) run\(others.count == 1 ? "" : "s") of the same seeds with \(names(others)) not counted (see runs.md)")
            }
            return row
        }
    }

    private func row(dataset: String, setting: String, records: [RunRecord], plannedClassLimit: Int?) throws -> ResultRow {
        if records.isEmpty { return plannedRow(dataset: dataset, setting: setting, classLimit: plannedClassLimit) }
        // Claims are for whole datasets: a run on a class subset is reported without them.
        let subset = records.contains { $0.configuration.classLimit != nil }
        let registered = subset ? nil : try? registry.entry(named: dataset)
        // An import-only name (FRGC, YTF, …) run on other images than the registry's, as an import before counts were
        // checked could be: not the paper's data, so not judged against its claims. Fetched datasets are checked
        // against their source (COIL-100's mirror copy has 7098 of 7200 images, a stated deviation).
        let otherImages = registered.flatMap { entry in
            entry.sources.isEmpty ? records.first { $0.images != entry.count }.map { ($0.images, entry.count) } : nil
        }
        let entry = otherImages == nil ? registered : nil
        var comparisons: [MetricComparison] = []
        for variant in ["SF", "RC"] {
            for metric in ["NMI", "ACC", "ARI"] {
                let values = records.compactMap { $0.scores(variant: variant)?.value(of: metric) }
                guard !values.isEmpty else { continue }
                let measured = Summary(values)
                let claim = entry.flatMap { Self.claim(in: $0, variant: variant, metric: metric) }
                comparisons.append(MetricComparison(
                    variant: variant, metric: metric, measured: measured, claimed: claim?.value, claimSource: claim?.source,
                    difference: claim.map { measured.mean - $0.value },
                    verdict: claim.map { Verdict(measured: measured.mean, claimed: $0.value, tolerance: tolerance) }))
            }
        }
        var notes: [String] = []
        if let first = records.first, let limit = first.configuration.classLimit { notes.append(Self.subsetNote(limit)) }
        if let (images, count) = otherImages {
            notes.append("run on \(images) images, not the registry's \(count): not the paper's data, not comparable with the claims")
        }
        let versions = Set(records.map(\.codeVersion))
        if versions.count > 1 { notes.append("records from \(versions.count) code versions") }
        // Outside portable mode the kernel changes the partition far beyond rounding (README, Engine): say so.
        let modes = Set(records.map(\.computeMode))
        if modes.count > 1 {
            notes.append("mixes compute modes or GEMM kernels (\(modes.sorted().joined(separator: ", "))), whose results differ beyond rounding")
        }
        var row = ResultRow(dataset: dataset, setting: setting, seeds: records.map(\.seed), images: records.first?.images ?? 0,
                            comparisons: comparisons, seconds: Summary(records.map { $0.timings["total"] ?? 0 }),
                            peakMemoryMiB: records.map(\.peakMemoryMiB).max() ?? 0, notes: notes,
                            runIDs: records.map(\.runID))
        // Unlabelled data has no scores: the row shows how many clusters each variant ended with instead.
        if records.contains(where: { $0.unlabelled == true }) {
            row.unlabelledClusters = ["SF", "RC"].reduce(into: [:]) { counts, variant in
                let found = records.compactMap { $0.finalClusters(variant: variant) }
                if !found.isEmpty { counts[variant] = found }
            }
        }
        return row
    }

    /// Why a row on a class subset has no claims (the claims are for whole datasets).
    static func subsetNote(_ classLimit: Int) -> String { "first \(classLimit) classes only, not comparable with the claims" }

    /// A planned setting with no finished run: its claims, nothing measured; on a class subset (`classLimit`), no
    /// claims either, as its finished rows will have none.
    private func plannedRow(dataset: String, setting: String, classLimit: Int?) -> ResultRow {
        let entry = classLimit == nil ? try? registry.entry(named: dataset) : nil
        let pending = ["SF", "RC"].flatMap { variant in
            ["NMI", "ACC", "ARI"].compactMap { metric -> PendingClaim? in
                guard let entry, let claim = Self.claim(in: entry, variant: variant, metric: metric) else { return nil }
                return PendingClaim(variant: variant, metric: metric, claimed: claim.value, claimSource: claim.source)
            }
        }
        return ResultRow(dataset: dataset, setting: setting, seeds: [], images: 0, comparisons: [],
                         seconds: Summary([0]), peakMemoryMiB: 0, notes: classLimit.map { [Self.subsetNote($0)] } ?? [],
                         runIDs: [], pendingClaims: pending)
    }

    /// The dataset's claim for a variant ("SF", "RC") and metric ("NMI", "ACC", "ARI"); claims of variant "any" count
    /// for both.
    private static func claim(in entry: DatasetEntry, variant: String, metric: String) -> Claim? {
        entry.claims.first {
            $0.metric.uppercased() == metric && ($0.variant.uppercased() == variant || $0.variant.lowercased() == "any")
        }
    }

    /// A run's label, from what its record stores: "default" for the default profile with nothing changed;
    /// otherwise the profile's name (records without one: "first-sweep") followed by the settings that differ
    /// from that profile's values for the dataset, as `path=value`, sorted. Profiles never change their values, so
    /// a later change of the default never relabels a run.
    func describeSetting(_ record: RunRecord) throws -> String {
        try describeSetting(dataset: record.dataset, seed: record.seed, configuration: record.configuration)
    }

    func describeSetting(dataset: String, seed: UInt64, configuration: RunConfiguration) throws -> String {
        let name = configuration.profile ?? RunProfile.firstSweep.rawValue
        guard let entry = try? registry.entry(named: dataset), let profile = RunProfile(rawValue: name) else {
            return Self.recordedSetting(profile: name, overrides: configuration.overrides ?? [:])
        }
        let base = try RunConfiguration.defaults(for: entry, seed: seed, profile: profile)
        let a = try Self.flatten(base), b = try Self.flatten(configuration)
        // How a run computes (`compute.portable`) is not a setting of the algorithm: a portable run of the default is
        // still the default (rows that mix compute modes or kernels are noted separately).
        let keys = Set(a.keys).union(b.keys).sorted().filter { key in
            a[key] != b[key] && key != "profile" && key != "overrides" && !key.hasPrefix("overrides.")
                && key != "compute" && !key.hasPrefix("compute.")
        }
        let changes = keys.map { "\($0)=\(b[$0] ?? "none")" }
        if profile == .default && changes.isEmpty { return "default" }
        return ([profile.rawValue] + changes).joined(separator: " ")
    }

    /// The label of a setting read from a record alone (`describedByRecord`): its profile and the overrides it
    /// records, compute mode and convolution left out as `describeSetting` does; "default" for the default profile
    /// with none. It matches the registry's label wherever the dataset's values did not change.
    static func recordedSetting(profile: String, overrides: [String: JSONValue]) -> String {
        let changes = overrides.filter { $0.key != "compute" && !$0.key.hasPrefix("compute.") }.sorted { $0.key < $1.key }.map { key, value in
            let data = try? JSONSerialization.data(withJSONObject: value.foundationValue, options: [.fragmentsAllowed, .sortedKeys])
            return "\(key)=\(data.map { String(decoding: $0, as: UTF8.self) } ?? value.description)"
        }
        if profile == RunProfile.default.rawValue && changes.isEmpty { return "default" }
        return ([profile] + changes).joined(separator: " ")
    }

    static func flatten<T: Encodable>(_ value: T) throws -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let object = try JSONSerialization.jsonObject(with: encoder.encode(value))
        var out: [String: String] = [:]
        func walk(_ node: Any, _ path: String) {
            if let dict = node as? [String: Any] {
                for (k, v) in dict { walk(v, path.isEmpty ? k : "\(path).\(k)") }
            } else if let data = try? JSONSerialization.data(withJSONObject: node, options: [.fragmentsAllowed, .sortedKeys]) {
                out[path] = String(decoding: data, as: UTF8.self)
            }
        }
        walk(object, "")
        return out
    }
}
