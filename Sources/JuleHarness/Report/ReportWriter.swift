import Foundation
import JuleCluster
import JuleData

/// Writes the aggregated results into a results folder: `README.md` (between generated-section markers, so
/// hand-written analysis around them survives), `summary.csv`, `summary.json` and SVG plots under `plots/`.
public struct ReportWriter {
    public let rows: [ResultRow]
    public let records: [RunRecord]
    public let tolerance: Double
    /// Montage and confusion matrix of each dataset's median run (`ClusterPictures`); nil leaves them out.
    public var clusterPictures: ClusterPictures?

    public init(rows: [ResultRow], records: [RunRecord], tolerance: Double) {
        self.rows = rows; self.records = records; self.tolerance = tolerance
    }

    static let beginMarker = "<!-- jule report: begin (generated; edits inside are replaced) -->"
    static let endMarker = "<!-- jule report: end -->"

    public func write(to directory: URL) throws -> [URL] {
        var written: [URL] = []
        let readme = directory.appendingPathComponent("README.md")
        let existing = (try? String(contentsOf: readme, encoding: .utf8)) ?? "# Results\n\n"
        // Cluster pictures: drawn first, because their section goes into the generated block. Each dataset's runs of
        // the setting its plots show too (`PicturedSetting`); a caption names a setting other than the default.
        let pictured = datasetsInOrder.compactMap { dataset -> (dataset: String, runIDs: [String], setting: String?)? in
            guard let row = PicturedSetting.row(of: dataset, in: rows, records: records) else { return nil }
            return (dataset, row.runIDs, row.isDefault ? nil : row.setting)
        }
        let pictures = try clusterPictures?.write(into: directory, runs: pictured)
        try AtomicFile.write(Self.splice(generated: markdown() + (pictures?.markdown ?? ""), into: existing), to: readme)
        written.append(readme)
        written += pictures?.written ?? []
        let csvURL = directory.appendingPathComponent("summary.csv")
        try AtomicFile.write(csv(), to: csvURL)
        written.append(csvURL)
        let jsonURL = directory.appendingPathComponent("summary.json")
        try AtomicFile.writeJSON(SummaryFile(tolerance: tolerance, rows: rows), to: jsonURL)
        written.append(jsonURL)
        for (name, svg) in plots() {
            let url = directory.appendingPathComponent("plots/\(name)")
            try AtomicFile.write(svg, to: url)
            written.append(url)
        }
        return written
    }

    /// Removes the plot files an earlier report wrote into `directory/plots/` that this one did not (`written`): a
    /// dataset or setting no longer reported leaves no chart behind that nothing refers to. Only this command's own
    /// names are touched (`PlotName`), never another file. The cluster pictures of a dataset still reported stay
    /// unless this report drew that dataset's: without `--no-pictures`'s drawing, or offline without its images, they
    /// cannot be made again here. Returns what it removed.
    public func removeStalePlots(in directory: URL, written: [URL]) throws -> [URL] {
        let folder = directory.appendingPathComponent("plots")
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: folder.path) else { return [] }
        let current = Set(written.map { $0.standardizedFileURL.path })
        let reported = Set(datasetsInOrder.map(PlotName.fileStem))
        let drawn = Set(written.compactMap { url -> String? in
            if case .picture(let stem)? = PlotName(url.lastPathComponent) { return stem } else { return nil }
        })
        var removed: [URL] = []
        for name in names.sorted() {
            guard let kind = PlotName(name) else { continue }
            let url = folder.appendingPathComponent(name)
            if current.contains(url.standardizedFileURL.path) { continue }
            if case .picture(let stem) = kind, reported.contains(stem), !drawn.contains(stem) { continue }
            guard (try? manager.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType) == .typeRegular else { continue }
            try manager.removeItem(at: url)
            removed.append(url)
        }
        return removed
    }

    /// The datasets of `rows`, each once, in the rows' order.
    private var datasetsInOrder: [String] {
        rows.map(\.dataset).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    }

    struct SummaryFile: Codable { var tolerance: Double; var rows: [ResultRow] }

    static func splice(generated: String, into text: String) -> String {
        let block = beginMarker + "\n" + generated + endMarker + "\n"
        if let begin = text.range(of: beginMarker), let end = text.range(of: endMarker, range: begin.upperBound..<text.endIndex) {
            var tail = text[end.upperBound...]
            if tail.hasPrefix("\n") { tail = tail.dropFirst() }
            return String(text[..<begin.lowerBound]) + block + tail
        }
        return text + (text.hasSuffix("\n") ? "\n" : "\n\n") + block
    }

    public func markdown() -> String {
        var md = "Tolerance \(ToleranceText.of(tolerance)). Mean ± sample std over seeds; claims from `datasets.json`. "
        md += "Verdict: reproduced (within tolerance), below, above, on the difference rounded to 9 decimals (diff shows more decimals where 3 would print the tolerance itself); rows other than the default are ablations, never judged. Seeds: finished, or finished of planned while a "
        md += "sweep is incomplete. Time: the mean of the runs' total seconds (a resumed run's includes the work its "
        md += "interruption lost); peak MiB: the largest of the runs'."
        if rows.contains(where: { $0.staleSeeds != nil }) {
            md += " \"Stale\": runs made on other data than the dataset's cache holds now (re-imported or changed since)."
        }
        if rows.contains(where: { $0.unlabelledClusters != nil }) {
            md += " An unlabelled dataset has no scores: its rows give the number of final clusters."
        }
        if rows.contains(where: { $0.unverifiedSeeds != nil }) {
            md += " *Unverified*: seeds whose record.json scores are not what their trajectory or label files give, "
            md += "or whose run files are damaged (a model.ckpt failing its checksum, a label file that does not read) "
            md += "(edited or damaged; a warning line names the file); they still count."
        }
        md += "\n\n"
        md += "| dataset | setting | seeds | variant | NMI | claimed | Δ | verdict | ACC | claimed | ARI | time (s) | peak MiB |\n"
        md += "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        for row in rows {
            if !row.hasRuns {
                for variant in ["SF", "RC"] {
                    let claim = { (metric: String) in row.pendingClaims.first { $0.variant == variant && $0.metric == metric }?.claimed }
                    // Shown with or without claims (an import has none, a class subset's note says why): a planned
                    // dataset never vanishes from the table.
                    let nmi = claim("NMI")
                    md += "| \(row.dataset) | \(row.setting) | \(row.seedsText) | \(variant) | \(row.unfinishedText) | \(num(nmi)) | – "
                    md += "| \(nmi == nil ? "no claim" : "–") | – "
                    md += "| \(num(claim("ACC"))) | – | – | – |\n"
                }
                continue
            }
            for variant in ["SF", "RC"] {
                if let clusters = row.unlabelledClustersText(variant) {
                    md += "| \(row.dataset) | \(row.setting) | \(row.seedsTextMarkingStale) | \(variant) | – | – | – | unlabelled: \(clusters) "
                    md += "| – | – | – | \(String(format: "%.0f", row.seconds.mean)) | \(String(format: "%.0f", row.peakMemoryMiB)) |\n"
                    continue
                }
                guard let nmi = row.comparison(variant, "NMI") else { continue }
                let acc = row.comparison(variant, "ACC"), ari = row.comparison(variant, "ARI")
                md += "| \(row.dataset) | \(row.setting) | \(row.seedsTextMarkingStale) | \(variant) | \(pm(nmi.measured)) | \(num(nmi.claimed)) "
                var verdict = nmi.verdict?.rawValue ?? (nmi.claimed == nil ? "no claim" : "–")
                // Only the default is judged against the paper (as `jule diff` does); other settings are ablations.
                if !row.isDefault && nmi.verdict != nil { verdict = "ablation (\(verdict))" }
                if let seeds = row.collapsedSeeds?[variant] {
                    verdict += "; collapsed: seed\(seeds.count > 1 ? "s" : "") " + seeds.map(String.init).joined(separator: ", ")
                }
                if let seeds = row.unverifiedSeeds {
                    verdict += "; unverified: seed\(seeds.count > 1 ? "s" : "") " + seeds.map(String.init).joined(separator: ", ")
                }
                md += "| \(signed(nmi.difference)) | \(verdict) | \(acc.map { pm($0.measured) } ?? "–") "
                md += "| \(num(acc?.claimed)) | \(ari.map { pm($0.measured) } ?? "–") | \(String(format: "%.0f", row.seconds.mean)) "
                md += "| \(String(format: "%.0f", row.peakMemoryMiB)) |\n"
            }
        }
        let notes = rows.filter { !$0.notes.isEmpty }
        if !notes.isEmpty {
            md += "\nNotes: " + notes.map { "\($0.dataset) (\($0.setting)): \($0.notes.joined(separator: "; "))" }.joined(separator: ". ") + ".\n"
        }
        md += "\n" + Self.plotsSentence(plots().map(\.0))
        md += "Per-run records (configuration, seed, code version, machine, timings, trajectory): "
        let recordCount = rows.flatMap(\.runIDs).count
        md += "\(recordCount) record\(recordCount == 1 ? "" : "s"); every run with its final cluster sizes: `runs.md`, `runs.csv`.\n"
        // Failed seeds are counted apart: "not finished yet" would promise a result a re-run may not give.
        let defaults = rows.filter { $0.isDefault }
        let open = defaults.map { Set($0.plannedSeeds).subtracting($0.seeds) }
        let failed = zip(defaults, open).map { row, open in open.intersection(row.failedSeeds).count }.reduce(0, +)
        let missing = open.map(\.count).reduce(0, +) - failed
        if missing > 0 || failed > 0 {
            let parts = (missing > 0 ? ["not finished yet: \(missing)"] : []) + (failed > 0 ? ["failed: \(failed)"] : [])
            md += "Planned default runs " + parts.joined(separator: "; ") + ".\n"
        }
        return md
    }

    /// The sentence naming the plots, only those this report writes: a dataset with one setting gets no
    /// `rc-nmi-by-setting-*`, one without runs no `nmi-per-period-*`; no plots, no sentence.
    static func plotsSentence(_ names: [String]) -> String {
        func files(_ prefix: String, many: String, one: String) -> String? {
            let found = names.filter { $0.hasPrefix(prefix) }
            if found.count > 1 { return "\(many) `plots/\(prefix)*.svg`" }
            return found.first.map { "\(one) `plots/\($0)`" }
        }
        let parts = [
            names.contains("measured-vs-claimed-nmi.svg") ? "`plots/measured-vs-claimed-nmi.svg`" : nil,
            files("nmi-per-period-", many: "NMI per clustering call for each dataset in", one: "NMI per clustering call in"),
            files("rc-nmi-by-setting-", many: "every setting's runs side by side in", one: "every setting's runs side by side in"),
        ].compactMap { $0 }
        guard let last = parts.last else { return "" }
        let list = parts.count == 1 ? last : parts.dropLast().joined(separator: ", ") + (parts.count > 2 ? ", and " : " and ") + last
        return "Plots: \(list).\n"
    }

    /// `summary.csv`'s first line (`ReportOutputs` knows an earlier report's copy by its first columns).
    static let csvHeader = "dataset,setting,variant,metric,seeds,mean,std,claimed,difference,verdict,claim_source,seconds_mean,"
        + "peak_memory_mib,seeds_planned,seeds_stale\n"

    public func csv() -> String {
        var out = Self.csvHeader
        for row in rows {
            let planned = row.plannedSeeds.isEmpty ? "" : String(row.plannedSeeds.count)
            // Every line carries the row's count of stale runs (made on other data than the cache holds now); empty for none.
            let stale = row.staleSeeds.map { String($0.count) } ?? ""
            let unfinished = row.everyPlannedSeedFailed ? "failed" : "not run"
            for c in row.pendingClaims {
                let fields = [row.dataset, row.setting, c.variant, c.metric, "0", "", "", String(format: "%.3f", c.claimed), "",
                              unfinished, c.claimSource ?? "", "", "", planned, stale]
                out += fields.map(CSVField.escape).joined(separator: ",") + "\n"
            }
            // A planned dataset without claims (an import) still gets its lines: no metric, only where it stands.
            if !row.hasRuns && row.pendingClaims.isEmpty {
                for variant in ["SF", "RC"] {
                    let fields = [row.dataset, row.setting, variant, "", "0", "", "", "", "", unfinished, "", "", "", planned, stale]
                    out += fields.map(CSVField.escape).joined(separator: ",") + "\n"
                }
            }
            for (variant, counts) in (row.unlabelledClusters ?? [:]).sorted(by: { $0.key > $1.key }) {
                let summary = Summary(counts.map(Double.init))
                let fields = [row.dataset, row.setting, variant, "clusters", String(row.seeds.count),
                              String(format: "%.6f", summary.mean), counts.count > 1 ? String(format: "%.6f", summary.std) : "",
                              "", "", "unlabelled", "", String(format: "%.1f", row.seconds.mean),
                              String(format: "%.0f", row.peakMemoryMiB), planned, stale]
                out += fields.map(CSVField.escape).joined(separator: ",") + "\n"
            }
            for c in row.comparisons {
                let fields = [row.dataset, row.setting, c.variant, c.metric, String(row.seeds.count),
                              // One seed has no spread: an empty std, as the table shows none, rather than 0.
                              ScoreText.fixed(c.measured.mean, decimals: 6),
                              c.measured.count > 1 ? String(format: "%.6f", c.measured.std) : "",
                              c.claimed.map { String(format: "%.3f", $0) } ?? "", c.difference.map { ScoreText.fixed($0, decimals: 6) } ?? "",
                              c.verdict?.rawValue ?? "", c.claimSource ?? "", String(format: "%.1f", row.seconds.mean),
                              String(format: "%.0f", row.peakMemoryMiB), planned, stale]
                out += fields.map(CSVField.escape).joined(separator: ",") + "\n"
            }
        }
        return out
    }

    public func plots() -> [(String, String)] {
        var out: [(String, String)] = []
        let defaults = rows.filter(\.isDefault)
        let groups = defaults.compactMap { row -> SVGChart.Bar? in
            let values = ["SF", "RC"].compactMap { v in
                row.comparison(v, "NMI").map { (name: "JULE-\(v)", mean: $0.measured.mean, std: $0.measured.std, claim: $0.claimed) }
            }
            guard !values.isEmpty else { return nil }
            return SVGChart.Bar(label: row.dataset, values: values)
        }
        if !groups.isEmpty {
            let claimed = groups.contains { $0.values.contains { $0.claim != nil } }
            out.append(("measured-vs-claimed-nmi.svg",
                        SVGChart.bars(title: "NMI: measured (mean ± std over seeds)" + (claimed ? "; dashed: the claim" : ""),
                                      yLabel: "NMI", groups: groups)))
        }
        // Each dataset's runs of the setting its cluster pictures show (`PicturedSetting`; the title names it).
        // Unlabelled runs have no NMI to plot (their trajectories hold zeros).
        for dataset in datasetsInOrder {
            guard let row = PicturedSetting.row(of: dataset, in: rows, records: records), row.unlabelledClusters == nil else { continue }
            let runs = records.filter { row.runIDs.contains($0.runID) }.sorted { $0.seed < $1.seed }
            var series: [SVGChart.Series] = []
            for run in runs {
                let sf = run.trajectory.filter { $0.phase == "SF" }
                let rc = run.trajectory.filter { $0.phase == "RC" }
                series.append(.init(name: "SF seed \(run.seed)", points: sf.map { (Double($0.period), $0.scores.nmi) }))
                if !rc.isEmpty {
                    series.append(.init(name: "RC seed \(run.seed)", points: rc.map { (Double($0.period), $0.scores.nmi) }, dashed: true))
                }
            }
            out.append(("nmi-per-period-\(PlotName.fileStem(row.dataset)).svg",
                        SVGChart.lines(title: "\(row.dataset), \(row.isDefault ? "default setting" : row.setting): NMI after each clustering call",
                                       xLabel: "period (SF) / round (RC)",
                                       yLabel: "NMI", series: series)))
        }
        // Every setting of a dataset side by side: a dot per seed's JULE-RC NMI (SF where a run has no RC).
        for dataset in datasetsInOrder {
            let settings = rows.filter { $0.dataset == dataset && $0.hasRuns && $0.unlabelledClusters == nil }
            guard settings.count >= 2 else { continue }
            let claim = settings.first { $0.isDefault }?.comparison("RC", "NMI")?.claimed
                ?? settings.compactMap { $0.comparison("RC", "NMI")?.claimed }.first
            let dotRows = settings.map { row -> SVGChart.DotRow in
                let values = records.filter { row.runIDs.contains($0.runID) }.compactMap { ($0.rc ?? $0.sf)?.nmi }
                // The claim's line crosses every row; a row it does not apply to (a class subset, other images) says so.
                let apart = claim != nil && row.comparison("RC", "NMI")?.claimed == nil ? "; no claim" : ""
                return SVGChart.DotRow(label: "\(row.setting) (\(values.count)\(apart))", values: values)
            }
            out.append(("rc-nmi-by-setting-\(PlotName.fileStem(dataset)).svg",
                        SVGChart.dots(title: "\(dataset): JULE-RC NMI of every run, by setting (tick: mean)",
                                      xLabel: "NMI (one dot per seed)", rows: dotRows, reference: claim,
                                      referenceName: "claimed")))
        }
        return out
    }

    private func pm(_ s: Summary) -> String { s.count > 1 ? "\(ScoreText.fixed(s.mean)) ± \(ScoreText.fixed(s.std))" : ScoreText.fixed(s.mean) }
    private func num(_ x: Double?) -> String { x.map { ScoreText.fixed($0) } ?? "–" }
    private func signed(_ x: Double?) -> String { x.map { ScoreText.difference($0, tolerance: tolerance) } ?? "–" }
}


/// The files `jule report` writes into `plots/`, by name: what `removeStalePlots` may remove.
enum PlotName: Equatable {
    /// A chart of the numbers (`measured-vs-claimed-nmi.svg`, `nmi-per-period-*.svg`, `rc-nmi-by-setting-*.svg`).
    case chart
    /// A cluster picture of a dataset (`<stem>-montage.png`, `<stem>-confusion.svg`; `ClusterPictures`).
    case picture(String)

    init?(_ name: String) {
        if name == "measured-vs-claimed-nmi.svg" { self = .chart; return }
        for prefix in ["nmi-per-period-", "rc-nmi-by-setting-"] where name.hasPrefix(prefix) && name.hasSuffix(".svg")
            && name.count > prefix.count + 4 {
            self = .chart; return
        }
        for suffix in ["-montage.png", "-confusion.svg"] where name.hasSuffix(suffix) && name.count > suffix.count {
            self = .picture(String(name.dropLast(suffix.count))); return
        }
        return nil
    }

    /// A dataset's name as it stands in a file name (a "/" would name a folder).
    static func fileStem(_ dataset: String) -> String { dataset.replacingOccurrences(of: "/", with: "_") }
}
