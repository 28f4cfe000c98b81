import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif
import JuleCluster
import JuleData
@testable import JuleHarness

final class ReportTests: XCTestCase {
    func testAggregatesSeedsAndJudgesAgainstClaims() throws {
        let registry = try HarnessFixtures.registry()
        let records = try [
            HarnessFixtures.record(dataset: "COIL-20", seed: 1, sfNMI: 1.0, rcNMI: 1.0, registry: registry),
            HarnessFixtures.record(dataset: "COIL-20", seed: 2, sfNMI: 0.985, rcNMI: 0.996, registry: registry),
            HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.80, rcNMI: 0.85, registry: registry),
            HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.95, rcNMI: 0.95,
                                   overrides: ["epochsPerPeriod": .number(5)], registry: registry),
        ]
        let rows = try ResultsAggregator(registry: registry, tolerance: 0.01).rows(from: records)
        // Rows follow the registry's order; within a dataset the default setting comes first.
        let order = registry.datasets.map(\.name)
        let positions = rows.map { row in order.firstIndex(of: row.dataset) ?? -1 }
        XCTAssertEqual(positions, positions.sorted())
        XCTAssertEqual(rows.count, 3)
        let coil = try XCTUnwrap(rows.first { $0.dataset == "COIL-20" })
        XCTAssertEqual(coil.setting, "default")
        XCTAssertEqual(coil.seeds, [1, 2])
        let rc = try XCTUnwrap(coil.comparison("RC", "NMI"))
        XCTAssertEqual(rc.measured.mean, 0.998, accuracy: 1e-12)
        XCTAssertEqual(rc.measured.std, (2 * 0.002 * 0.002).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(rc.claimed, 1.0)
        XCTAssertEqual(rc.verdict, .reproduced)
        let sf = try XCTUnwrap(coil.comparison("SF", "NMI"))
        XCTAssertEqual(sf.verdict, .reproduced)   // mean 0.9925 vs 1.000 at tolerance 0.01

        let usps = rows.filter { $0.dataset == "USPS" }
        XCTAssertEqual(usps.map(\.isDefault), [true, false])
        XCTAssertEqual(usps[1].setting, "port2 epochsPerPeriod=5")
        XCTAssertEqual(usps[0].comparison("RC", "NMI")?.verdict, .below)      // 0.85 vs 0.913
        XCTAssertEqual(usps[1].comparison("RC", "NMI")?.verdict, .above)      // ablation: reported, not judged
        // The table marks it as an ablation, not as a verdict on the paper.
        let table = ReportWriter(rows: rows, records: records, tolerance: 0.01).markdown()
        XCTAssertTrue(table.contains("| port2 epochsPerPeriod=5 | 1 | RC |"), table)
        XCTAssertTrue(table.contains("ablation (above)"), table)
        XCTAssertFalse(table.contains("| COIL-20 | default | 2 | RC | 0.998 ± 0.003 | 1.000 | -0.002 | ablation"), table)

        let diff = ClaimDiff(rows: rows, tolerance: 0.01)
        XCTAssertTrue(diff.failures.contains { $0.dataset == "USPS" && $0.variant == "RC" && $0.metric == "NMI" })
        XCTAssertFalse(diff.failures.contains { $0.dataset == "COIL-20" })
        XCTAssertTrue(diff.text().contains("below their claim"))

        let lenient = ClaimDiff(rows: try ResultsAggregator(registry: registry, tolerance: 0.2).rows(from: records), tolerance: 0.2)
        XCTAssertTrue(lenient.failures.isEmpty, lenient.text())
    }

    func testWritesTablesPlotsAndKeepsHandWrittenText() throws {
        let registry = try HarnessFixtures.registry()
        let records = try (1...3).map { seed in
            try HarnessFixtures.record(dataset: "COIL-20", seed: UInt64(seed), sfNMI: 0.97 + Double(seed) / 100,
                                       rcNMI: 0.99, registry: registry)
        }
        let rows = try ResultsAggregator(registry: registry).rows(from: records)
        let directory = try makeTemporaryDirectoryForHarness()
        try "# Results\n\nHand-written analysis.\n".write(to: directory.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let writer = ReportWriter(rows: rows, records: records, tolerance: 0.01)
        _ = try writer.write(to: directory)
        _ = try writer.write(to: directory)     // a second report replaces the generated block, nothing else
        let readme = try String(contentsOf: directory.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("Hand-written analysis."))
        XCTAssertEqual(readme.components(separatedBy: ReportWriter.beginMarker).count, 2)
        XCTAssertTrue(readme.contains("| COIL-20 | default | 3 | RC | 0.990"))
        let csv = try String(contentsOf: directory.appendingPathComponent("summary.csv"), encoding: .utf8)
        XCTAssertTrue(csv.hasPrefix("dataset,setting,variant,metric,seeds,mean,std,claimed"))
        XCTAssertTrue(csv.contains("COIL-20,default,RC,NMI,3,0.990000,0.000000,1.000,-0.010000"))
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("summary.json")))
        XCTAssertNotNil((summary as? [String: Any])?["rows"])
        for plot in ["measured-vs-claimed-nmi.svg", "nmi-per-period-COIL-20.svg"] {
            let svg = try String(contentsOf: directory.appendingPathComponent("plots/\(plot)"), encoding: .utf8)
            XCTAssertTrue(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"), plot)
            XCTAssertNotNil(try? XMLDocument(xmlString: svg), "\(plot) is not well-formed XML")
        }
    }

    /// A dataset with several settings gets a dot chart: a row per setting (the default first), a dot per run's RC NMI
    /// at its place on the axis, a tick at each mean, and the claim; a dataset with one setting gets none.
    func testSettingsChartHasADotPerRun() throws {
        let registry = try HarnessFixtures.registry()
        let defaults = try (1...3).map { try HarnessFixtures.record(dataset: "COIL-20", seed: UInt64($0), sfNMI: 0.9, rcNMI: 0.95 + Double($0) / 100, registry: registry) }
        let ablation = try (1...2).map { try HarnessFixtures.record(dataset: "COIL-20", seed: UInt64($0), sfNMI: 0.9, rcNMI: 0.90,
                                                                     overrides: ["clustering.unrollingRate": .number(0.2)], registry: registry) }
        let usps = try HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.8, rcNMI: 0.85, registry: registry)
        // A class subset has no claim: its row says so, since the claim's line crosses it too.
        var subset = try HarnessFixtures.record(dataset: "COIL-20", seed: 1, sfNMI: 0.9, rcNMI: 0.99, registry: registry)
        subset.configuration.classLimit = 3
        subset.runID = "COIL-20-subset"
        var records = defaults + ablation + [usps]
        let plots = ReportWriter(rows: try ResultsAggregator(registry: registry).rows(from: records), records: records,
                                 tolerance: 0.01).plots()
        records.append(subset)
        let withSubset = try XCTUnwrap(ReportWriter(rows: try ResultsAggregator(registry: registry).rows(from: records), records: records,
                                                    tolerance: 0.01).plots().first { $0.0 == "rc-nmi-by-setting-COIL-20.svg" }?.1)
        XCTAssertTrue(withSubset.contains("classLimit=3 (1; no claim)</text>"), withSubset)
        XCTAssertTrue(withSubset.contains(">default (3)</text>"), withSubset)
        XCTAssertNil(plots.first { $0.0 == "rc-nmi-by-setting-USPS.svg" })
        let svg = try XCTUnwrap(plots.first { $0.0 == "rc-nmi-by-setting-COIL-20.svg" }?.1)
        XCTAssertNotNil(try? XMLDocument(xmlString: svg), "not well-formed XML")
        let defaultRow = try XCTUnwrap(svg.range(of: ">default (3)</text>"))
        let ablationRow = try XCTUnwrap(svg.range(of: "unrollingRate=0.2 (2)</text>"))
        XCTAssertLessThan(defaultRow.lowerBound, ablationRow.lowerBound)
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 5)
        XCTAssertTrue(svg.contains(">claimed</text>"))
        // The axis runs 0.9…1 here: x of a value is left + (value − 0.9) / 0.1 · plot width; the claim (1.000) sits at the
        // right end, the ablation's dots (0.90) at the left.
        let circles = try NSRegularExpression(pattern: "<circle cx=\"([0-9.]+)\"")
        let xs = circles.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).compactMap { Range($0.range(at: 1), in: svg).flatMap { Double(svg[$0]) } }
        XCTAssertEqual(xs.count, 5)
        XCTAssertEqual(xs.suffix(2).min(), xs.suffix(2).max())
        XCTAssertLessThan(xs.suffix(2)[xs.count - 1], xs.prefix(3).min()!)
        XCTAssertLessThan(xs[0], xs[1]); XCTAssertLessThan(xs[1], xs[2])
    }

    /// The README names only plots the report wrote: one setting gives no settings chart, no runs no plots at all.
    func testReadmeNamesOnlyThePlotsItWrites() throws {
        let registry = try HarnessFixtures.registry()
        let record = try HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.8, rcNMI: 0.85, registry: registry)
        let writer = ReportWriter(rows: try ResultsAggregator(registry: registry).rows(from: [record]), records: [record],
                                  tolerance: 0.01)
        let directory = try makeTemporaryDirectoryForHarness()
        _ = try writer.write(to: directory)
        let readme = try String(contentsOf: directory.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("Plots: `plots/measured-vs-claimed-nmi.svg` and NMI per clustering call in "
                                      + "`plots/nmi-per-period-USPS.svg`.\n"), readme)
        XCTAssertFalse(readme.contains("rc-nmi-by-setting"), readme)
        let named = try NSRegularExpression(pattern: "`(plots/[^`*]+)`")
        for match in named.matches(in: readme, range: NSRange(readme.startIndex..., in: readme)) {
            let path = try XCTUnwrap(Range(match.range(at: 1), in: readme).map { String(readme[$0]) })
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent(path).path), path)
        }
        XCTAssertEqual(ReportWriter.plotsSentence([]), "")
        XCTAssertEqual(ReportWriter.plotsSentence(["measured-vs-claimed-nmi.svg", "nmi-per-period-A.svg", "nmi-per-period-B.svg",
                                                   "rc-nmi-by-setting-A.svg", "rc-nmi-by-setting-B.svg"]),
                       "Plots: `plots/measured-vs-claimed-nmi.svg`, NMI per clustering call for each dataset in "
                       + "`plots/nmi-per-period-*.svg`, and every setting's runs side by side in `plots/rc-nmi-by-setting-*.svg`.\n")
        let none = ReportWriter(rows: [], records: [], tolerance: 0.01).markdown()
        XCTAssertFalse(none.contains("Plots:"), none)
    }

    /// The same setting and seed run twice (e.g. `make run` and a sweep cell): the later run counts, once.
    func testLaterRunOfTheSameCellWins() throws {
        let registry = try HarnessFixtures.registry()
        var earlier = try HarnessFixtures.record(dataset: "COIL-20", seed: 1, sfNMI: 0.9, rcNMI: 0.9, registry: registry)
        var later = try HarnessFixtures.record(dataset: "COIL-20", seed: 1, sfNMI: 0.8, rcNMI: 0.8, registry: registry)
        earlier.finishedAt = "2026-11-29T10:36:12Z"
        later.finishedAt = "2026-11-29T13:24:40Z"
        for order in [[earlier, later], [later, earlier]] {
            let rows = try ResultsAggregator(registry: registry).rows(from: order)
            XCTAssertEqual(rows.count, 1)
            XCTAssertEqual(rows[0].seeds, [1])
            XCTAssertEqual(try XCTUnwrap(rows[0].comparison("RC", "NMI")).measured.mean, 0.8, accuracy: 1e-12)
        }
    }

    /// Planned sweep cells without records: the table says "2 of 5", a dataset with none says "not run yet", and
    /// `jule diff` lists its claims as not measured without failing on them.
    func testPlannedButUnfinishedRunsAreShown() throws {
        let registry = try HarnessFixtures.registry()
        let records = try (1...2).map { seed in
            try HarnessFixtures.record(dataset: "COIL-20", seed: UInt64(seed), sfNMI: 1.0, rcNMI: 1.0, registry: registry)
        }
        let plan = try SweepManifest.plan(SweepSpecification(name: "p", datasets: ["COIL-20", "USPS"], seeds: [1, 2, 3, 4, 5]),
                                          registry: registry)
        let directory = try makeTemporaryDirectoryForHarness()
        let sweep = SweepDirectory(directory.appendingPathComponent("sweeps/p"))
        try AtomicFile.writeJSON(plan, to: sweep.manifest)
        let planned = try ResultsAggregator.loadPlannedCells(under: directory)
        XCTAssertEqual(planned.count, 10)

        let rows = try ResultsAggregator(registry: registry).rows(from: records, planned: planned)
        XCTAssertEqual(rows.map(\.dataset), ["USPS", "COIL-20"].sorted { a, b in
            registry.datasets.firstIndex { $0.name == a }! < registry.datasets.firstIndex { $0.name == b }! })
        let coil = try XCTUnwrap(rows.first { $0.dataset == "COIL-20" })
        XCTAssertEqual(coil.seedsText, "2 of 5")
        let usps = try XCTUnwrap(rows.first { $0.dataset == "USPS" })
        XCTAssertFalse(usps.hasRuns)
        XCTAssertEqual(usps.seedsText, "0 of 5")
        XCTAssertTrue(usps.pendingClaims.contains { $0.variant == "RC" && $0.metric == "NMI" && $0.claimed == 0.913 })

        let writer = ReportWriter(rows: rows, records: records, tolerance: 0.01)
        _ = try writer.write(to: directory)
        let readme = try String(contentsOf: directory.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("| COIL-20 | default | 2 of 5 | RC | 1.000 ± 0.000 | 1.000 |"), readme)
        XCTAssertTrue(readme.contains("| USPS | default | 0 of 5 | RC | not run yet | 0.913 |"), readme)
        XCTAssertTrue(readme.contains("Planned default runs not finished yet: 8."), readme)
        // Failed cells are counted apart from those not finished yet.
        let failedCells = Set(planned.filter { $0.dataset == "USPS" }.prefix(2).map(\.id))
        let withFailures = ReportWriter(rows: try ResultsAggregator(registry: registry).rows(from: records, planned: planned, failedCells: failedCells),
                                        records: records, tolerance: 0.01).markdown()
        XCTAssertTrue(withFailures.contains("Planned default runs not finished yet: 6; failed: 2."), withFailures)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("plots/nmi-per-period-USPS.svg").path))
        let csv = try String(contentsOf: directory.appendingPathComponent("summary.csv"), encoding: .utf8)
        XCTAssertTrue(csv.contains("USPS,default,RC,NMI,0,,,0.913,,not run,"), csv)
        XCTAssertTrue(csv.contains("COIL-20,default,RC,NMI,2,1.000000"), csv)

        let diff = ClaimDiff(rows: rows, tolerance: 0.01)
        XCTAssertTrue(diff.failures.isEmpty)
        XCTAssertTrue(diff.text().contains("not measured (0 of 5 planned seeds)"), diff.text())
        XCTAssertTrue(diff.text().contains("claimed numbers not measured yet"), diff.text())
        XCTAssertTrue(diff.text().contains("reproduced (n=2 of 5)"), diff.text())
    }

    /// A planned setting on a class subset shows no claims before it runs, as its finished rows will not.
    func testPlannedClassSubsetShowsNoClaims() throws {
        let registry = try HarnessFixtures.registry()
        let plan = try SweepManifest.plan(SweepSpecification(name: "p", datasets: ["USPS"], seeds: [1, 2]), registry: registry)
        let planned = plan.cells.map { cell -> SweepCell in
            var cell = cell
            cell.configuration.classLimit = 3
            return cell
        }
        let rows = try ResultsAggregator(registry: registry).rows(from: [], planned: planned)
        let row = try XCTUnwrap(rows.first)
        XCTAssertFalse(row.hasRuns)
        XCTAssertTrue(row.pendingClaims.isEmpty)
        XCTAssertEqual(row.notes, ["first 3 classes only, not comparable with the claims"])
        let readme = ReportWriter(rows: rows, records: [], tolerance: 0.01).markdown()
        XCTAssertTrue(readme.contains("| RC | not run yet | – | – | no claim | – | – |"), readme)
        XCTAssertFalse(readme.contains("0.913"), readme)
    }

    /// Every record gets its line with the sizes of its final clusters read from the label files beside it; a
    /// replaced re-run of a cell is listed but marked as not counted, and a run without label files has no sizes.
    func testPerRunTableListsEveryRecordWithItsClusterSizes() throws {
        let registry = try HarnessFixtures.registry()
        var earlier = try HarnessFixtures.record(dataset: "COIL-20", seed: 1, sfNMI: 0.9, rcNMI: 0.91, registry: registry)
        earlier.finishedAt = "2026-11-29T10:00:00Z"
        var later = earlier
        later.finishedAt = "2026-11-29T12:00:00Z"
        later.rc?.nmi = 0.95
        let usps = try HarnessFixtures.record(dataset: "USPS", seed: 2, sfNMI: 0.8, rcNMI: 0.85, registry: registry)
        let directory = try makeTemporaryDirectoryForHarness()
        func store(_ record: RunRecord, in folder: String, rc: [Int]?) throws {
            let url = directory.appendingPathComponent(folder)
            try AtomicFile.writeJSON(record, to: url.appendingPathComponent("record.json"))
            guard let rc else { return }
            try (rc.map(String.init).joined(separator: "\n") + "\n")
                .write(to: url.appendingPathComponent("labels-rc.txt"), atomically: true, encoding: .utf8)
            try ([0, 0, 1, 1, 1, 2].map(String.init).joined(separator: "\n") + "\n")
                .write(to: url.appendingPathComponent("labels-sf.txt"), atomically: true, encoding: .utf8)
        }
        try store(later, in: "sweeps/p/cells/a", rc: [3, 3, 3, 3, 7, 7, 7, 5])
        try store(earlier, in: "runs/old", rc: nil)
        try store(usps, in: "sweeps/p/cells/b", rc: [0, 1, 1])

        let table = try RunTable(under: directory, aggregator: ResultsAggregator(registry: registry))
        let order = registry.datasets.map(\.name)
        XCTAssertEqual(table.entries.map(\.record.dataset),
                       ["COIL-20", "COIL-20", "USPS"].sorted { order.firstIndex(of: $0)! < order.firstIndex(of: $1)! })
        let coil = table.entries.filter { $0.record.dataset == "COIL-20" }
        XCTAssertEqual(coil.map(\.folder), ["runs/old", "sweeps/p/cells/a"])
        XCTAssertEqual(coil.map(\.counted), [false, true])
        XCTAssertNil(coil[0].rc)
        XCTAssertEqual(coil[1].rc, PartitionSizes(labels: [3, 3, 3, 3, 7, 7, 7, 5]))
        XCTAssertEqual(coil[1].rc.map { [$0.clusters, $0.smallest, $0.largest] }, [3, 1, 4])
        XCTAssertEqual(coil[1].sf.map { [$0.clusters, $0.smallest, $0.largest] }, [3, 1, 3])

        _ = try table.write(to: directory)
        let md = try String(contentsOf: directory.appendingPathComponent("runs.md"), encoding: .utf8)
        XCTAssertTrue(md.contains("| COIL-20 | default | 1 | 0.900 | 0.900 | 1–3 | 0.950 | 0.900 | 20 | 1–4 | 600 | 500 | blis | test | yes | `sweeps/p/cells/a` |"), md)
        XCTAssertTrue(md.contains("| – | 600 | 500 | blis | test | no | `runs/old` |"), md)
        let csv = try String(contentsOf: directory.appendingPathComponent("runs.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 4)
        XCTAssertTrue(csv[0].hasPrefix("dataset,setting,seed,sf_nmi"))
        XCTAssertTrue(csv.contains { $0.hasPrefix("USPS,default,2,0.800000,") && $0.contains(",0.850000,0.900000,0.850000,20,1,2,,,600.0,500,,blis,test,yes,") })
    }

    /// One run counts per dataset, setting and seed: a seed run again in portable mode replaces its kernel-mode run
    /// even when that finished later, and a row then notes that it mixes modes; other seeds and settings still count.
    func testOneRunCountsPerSeedAndPortableRunsWin() throws {
        let registry = try HarnessFixtures.registry()
        var kernel1 = try HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.80, rcNMI: 0.80, registry: registry)
        kernel1.finishedAt = "2026-12-02T10:00:00Z"
        var portable1 = try HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.90, rcNMI: 0.90,
                                                   overrides: ["compute.portable": .bool(true)], registry: registry)
        portable1.finishedAt = "2026-12-01T10:00:00Z"
        let kernel2 = try HarnessFixtures.record(dataset: "USPS", seed: 2, sfNMI: 0.70, rcNMI: 0.70, registry: registry)
        let other1 = try HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.60, rcNMI: 0.60,
                                                overrides: ["clustering.rcOneWayMerge": .bool(true)], registry: registry)
        XCTAssertNotEqual(kernel1.configurationHash, portable1.configurationHash)
        let aggregator = ResultsAggregator(registry: registry)
        for records in [[kernel1, portable1, kernel2, other1], [other1, kernel2, portable1, kernel1]] {
            let counted = Set(aggregator.countedIndices(records).values.map { records[$0].runID })
            XCTAssertEqual(counted, Set([portable1, kernel2, other1].map(\.runID)))
            let rows = try aggregator.rows(from: records)
            let row = try XCTUnwrap(rows.first { $0.setting == "default" })
            XCTAssertEqual(row.seeds, [1, 2])
            let rc = try XCTUnwrap(row.comparisons.first { $0.variant == "RC" && $0.metric == "NMI" })
            XCTAssertEqual(rc.measured.mean, 0.80, accuracy: 1e-12)
            XCTAssertTrue(row.notes.contains { $0.hasPrefix("mixes compute modes") }, "\(row.notes)")
            XCTAssertEqual(rows.filter { $0.setting != "default" }.map(\.seeds), [[1]])
        }
        // Without the portable run the later of two kernel-mode runs of the seed counts.
        var rerun = kernel1
        rerun.finishedAt = "2026-12-03T10:00:00Z"
        rerun.rc?.nmi = 0.85
        rerun.runID += "-rerun"
        let counted = aggregator.countedIndices([rerun, kernel1]).values.map { [rerun, kernel1][$0].runID }
        XCTAssertEqual(counted, [rerun.runID])
    }

    /// Collapsed: a cluster under 5% of N/n* while two classes have their largest share in one cluster.
    func testCollapseNeedsATinyClusterAndTwoClassesInOne() {
        let truth = [Int](repeating: 0, count: 100) + [Int](repeating: 1, count: 100) + [Int](repeating: 2, count: 100)
        // Classes 0 and 1 mostly in cluster 0, class 2 in cluster 1, two images alone.
        let collapsed = (0..<300).map { $0 < 160 ? 0 : ($0 < 298 ? 1 : 2) }
        XCTAssertTrue(PartitionSizes.isCollapsed(labels: collapsed, truth: truth))
        XCTAssertEqual(PartitionSizes(labels: collapsed, truth: truth).collapsed, true)
        XCTAssertNil(PartitionSizes(labels: collapsed).collapsed, "unknown without the truth")
        XCTAssertFalse(PartitionSizes.isCollapsed(labels: truth, truth: truth))
        // A tiny cluster alone is not a collapse when every class still has its own cluster (n* = 4 here).
        let split = (0..<300).map { $0 < 298 ? truth[$0] : 3 }
        XCTAssertFalse(PartitionSizes.isCollapsed(labels: split, truth: truth))
        // Two classes in one cluster without a tiny cluster is a plain mistake, not a collapse.
        let merged = (0..<300).map { $0 < 200 ? 0 : ($0 < 250 ? 1 : 2) }
        XCTAssertFalse(PartitionSizes.isCollapsed(labels: merged, truth: truth))
    }

    /// The GEMM kernel in a few words, from what a record's machine says (BLIS's sub-configuration, else the kernel).
    func testKernelSummary() {
        var machine = MachineInfo(host: "h", cores: 2, memoryGiB: 24, blas: "OpenBLAS 0.3.21 core Prescott; BLIS 0.9.0 skx",
                                  blasThreads: 1, gemmKernel: "blis", computeWorkers: 1, os: "Linux")
        XCTAssertEqual(machine.kernelSummary, "blis skx")
        machine.gemmKernel = "openBLAS"
        XCTAssertEqual(machine.kernelSummary, "openBLAS")
        machine.gemmKernel = nil
        XCTAssertEqual(machine.kernelSummary, "–")
        XCTAssertNotNil(MachineInfo.cpuModel(), "/proc/cpuinfo has a model name on Linux x86-64")
    }

    /// Runs of one row made with different GEMM kernels (outside portable mode) are flagged; portable runs are one
    /// mode whichever portable kernel made them. Portable mode is how a run computes, not a setting of the algorithm,
    /// so portable runs of the default are in the default's row (and a row of them alone carries no note).
    func testRowsSayWhenTheyMixComputeModes() throws {
        let registry = try HarnessFixtures.registry()
        var skx = try HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.8, rcNMI: 0.85, registry: registry)
        skx.machine.blas = "OpenBLAS 0.3.21 core Prescott; BLIS 0.9.0 skx"
        var zen = try HarnessFixtures.record(dataset: "USPS", seed: 2, sfNMI: 0.8, rcNMI: 0.85, registry: registry)
        zen.machine.gemmKernel = "openBLAS"
        var portable = [UInt64(3), 4].map { seed in   // other seeds: a portable run of seed 1 or 2 would replace it
            try! HarnessFixtures.record(dataset: "USPS", seed: seed, sfNMI: 0.8, rcNMI: 0.85,
                                        overrides: ["compute.portable": .bool(true)], registry: registry)
        }
        portable[0].machine.gemmKernel = "portable"; portable[0].machine.portableKernel = "avx2"
        portable[1].machine.gemmKernel = "portable"; portable[1].machine.portableKernel = "avx512"
        XCTAssertEqual(portable.map(\.computeMode), ["portable", "portable"])
        XCTAssertEqual(portable[1].machine.kernelSummary, "portable avx512")
        let rows = try ResultsAggregator(registry: registry, tolerance: 0.01).rows(from: [skx, zen] + portable)
        XCTAssertEqual(rows.map(\.setting), ["default"])
        XCTAssertEqual(rows[0].notes, ["mixes compute modes or GEMM kernels (blis skx, openBLAS, portable), whose results differ beyond rounding"])
        let portableOnly = try ResultsAggregator(registry: registry, tolerance: 0.01).rows(from: portable)
        XCTAssertEqual(portableOnly.map(\.setting), ["default"])
        XCTAssertEqual(portableOnly[0].notes, [])
    }

    /// A run on unlabelled data has no scores: its row gives the final cluster counts (not nothing), it gets no NMI
    /// plots (its trajectory holds zeros), and the per-run table has its RC cluster count. A dataset without claims
    /// gets bars without the claim's legend.
    func testUnlabelledRunsShowClusterCountsAndClaimlessBarsNoLegend() throws {
        let base = try HarnessFixtures.registry()
        func entry(_ name: String, classes: Int) -> DatasetEntry {
            DatasetEntry(name: name, description: "imported", classes: classes, count: 60, shape: [1, 16, 16],
                         network: "design-rule", eta: 0.9, epochsPerPeriod: 20, claims: [], homepage: nil, sources: [],
                         labelMapping: "rank", protocolNotes: ["user import"], deviations: [])
        }
        let registry = try DatasetRegistry(datasets: base.datasets + [entry("loose", classes: 1), entry("own", classes: 3)])
        var loose = try HarnessFixtures.record(dataset: "loose", seed: 1, sfNMI: 0, rcNMI: 0, registry: registry)
        loose.sf = nil
        loose.rc = nil
        loose.unlabelled = true
        var own = try HarnessFixtures.record(dataset: "own", seed: 1, sfNMI: 0.8, rcNMI: 0.9, registry: registry)
        own.unlabelled = nil
        let records = [loose, own]
        let rows = try ResultsAggregator(registry: registry).rows(from: records)
        let writer = ReportWriter(rows: rows, records: records, tolerance: 0.01)
        let md = writer.markdown()
        XCTAssertTrue(md.contains("| loose | default | 1 | SF | – | – | – | unlabelled: 20 clusters | – | – | – | 600 | 500 |"), md)
        XCTAssertTrue(md.contains("| loose | default | 1 | RC | – | – | – | unlabelled: 20 clusters |"), md)
        XCTAssertTrue(md.contains("its rows give the number of final clusters"), md)
        XCTAssertTrue(writer.csv().contains("loose,default,RC,clusters,1,20.000000,,,,unlabelled,"), writer.csv())
        let plots = writer.plots()
        XCTAssertNil(plots.first { $0.0 == "nmi-per-period-loose.svg" })
        XCTAssertNotNil(plots.first { $0.0 == "nmi-per-period-own.svg" })
        let bars = try XCTUnwrap(plots.first { $0.0 == "measured-vs-claimed-nmi.svg" }?.1)
        XCTAssertFalse(bars.contains("dashed"), bars)
        XCTAssertFalse(bars.contains(">claimed</text>"), bars)
        let table = RunTable(entries: [RunTableEntry(record: loose, folder: "loose", setting: "default", counted: true)])
        XCTAssertTrue(table.markdown().contains("| loose | default | 1 | – | – | – | – | – | 20 | – |"), table.markdown())
        XCTAssertTrue(table.csv().contains("loose,default,1,,,,20,,,,,,20,"), table.csv())
    }

    /// A run on the first K classes is tested for collapse against those classes' images (as `jule eval` scores it),
    /// and its label files are scored again: recorded scores they do not give, or a label file of the wrong length,
    /// are named.
    func testClassSubsetRunsAreTestedForCollapseAndScoresAgainstTheirImages() throws {
        let registry = try HarnessFixtures.registry()
        var record = try HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.8, rcNMI: 0.85, registry: registry)
        record.configuration.classLimit = 2
        let directory = try makeTemporaryDirectoryForHarness()
        let run = directory.appendingPathComponent("cells/a")
        try AtomicFile.writeJSON(record, to: run.appendingPathComponent("record.json"))
        // Classes 0, 1, 2 of 100 images each; the run saw the 200 of classes 0 and 1, and ended with one cluster of
        // 198 (both classes) and one of 2: collapsed.
        let truth = (0..<300).map { $0 / 100 }
        let sf = [Int](repeating: 0, count: 198) + [1, 1]
        try (sf.map(String.init).joined(separator: "\n") + "\n")
            .write(to: run.appendingPathComponent("labels-sf.txt"), atomically: true, encoding: .utf8)
        try "0\n1\n".write(to: run.appendingPathComponent("labels-rc.txt"), atomically: true, encoding: .utf8)
        let table = try RunTable(under: directory, aggregator: ResultsAggregator(registry: registry)) { _ in truth }
        let entry = try XCTUnwrap(table.entries.first)
        XCTAssertEqual(entry.sf?.collapsed, true)
        XCTAssertNil(entry.rc?.collapsed)
        let nmi = ClusterMetrics.normalizedMutualInformation(truth: (0..<200).map { $0 / 100 }, predicted: sf)
        XCTAssertTrue(entry.scoreDifferences.contains("SF NMI 0.800000 recorded, \(ScoreText.fixed(nmi, decimals: 6)) from labels-sf.txt"),
                      "\(entry.scoreDifferences)")
        XCTAssertTrue(entry.scoreDifferences.contains("labels-rc.txt has 2 labels for the run's 200 images"), "\(entry.scoreDifferences)")
        XCTAssertFalse(entry.scoreDifferences.contains { $0.contains("trajectory") }, "\(entry.scoreDifferences)")
        XCTAssertEqual(table.scoreWarnings.count, 1)
        let warning = table.scoreWarnings.first ?? ""
        XCTAssertTrue(warning.hasPrefix("warning: \(run.appendingPathComponent("record.json").path): scores not "), warning)
        let rows = table.markingCollapses(try ResultsAggregator(registry: registry).rows(from: [record]))
        XCTAssertEqual(rows.first?.collapsedSeeds?["SF"], [1])
        XCTAssertEqual(rows.first?.unverifiedSeeds, [1])
        let md = ReportWriter(rows: rows, records: [record], tolerance: 0.01).markdown()
        XCTAssertTrue(md.contains("collapsed: seed 1; unverified: seed 1"), md)
        XCTAssertTrue(md.contains("*Unverified*: seeds whose record.json scores"), md)
    }

    /// A dataset without default-setting runs (one's own, a sweep of other settings) still gets its NMI-per-period
    /// plot, of the setting named in its title; a default one says so too.
    func testPerPeriodPlotOfADatasetWithoutDefaultRuns() throws {
        let registry = try HarnessFixtures.registry()
        let other = try HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.8, rcNMI: 0.85,
                                               overrides: ["clustering.rcOneWayMerge": .bool(true)], registry: registry)
        let plain = try HarnessFixtures.record(dataset: "COIL-20", seed: 1, sfNMI: 0.8, rcNMI: 0.85, registry: registry)
        let rows = try ResultsAggregator(registry: registry).rows(from: [other, plain])
        let plots = ReportWriter(rows: rows, records: [other, plain], tolerance: 0.01).plots()
        let usps = try XCTUnwrap(plots.first { $0.0 == "nmi-per-period-USPS.svg" }?.1)
        let setting = try XCTUnwrap(rows.first { $0.dataset == "USPS" }?.setting)
        XCTAssertTrue(usps.contains("USPS, \(setting): NMI after each clustering call"), usps)
        let coil = try XCTUnwrap(plots.first { $0.0 == "nmi-per-period-COIL-20.svg" }?.1)
        XCTAssertTrue(coil.contains("COIL-20, default setting: NMI after each clustering call"), coil)
    }

    /// A re-report removes the plots an earlier report wrote that it does not write now (a dataset gone), its own
    /// names only; the pictures of a dataset still reported stay unless this report drew that dataset's.
    func testStalePlotsAreRemoved() throws {
        let registry = try HarnessFixtures.registry()
        let usps = try HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.8, rcNMI: 0.85, registry: registry)
        let directory = try makeTemporaryDirectoryForHarness()
        let plots = directory.appendingPathComponent("plots")
        try FileManager.default.createDirectory(at: plots.appendingPathComponent("rc-nmi-by-setting-x.svg"),
                                                withIntermediateDirectories: true)
        let earlier = ["UMist-montage.png", "UMist-confusion.svg", "nmi-per-period-UMist.svg", "rc-nmi-by-setting-UMist.svg",
                       "USPS-montage.png", "USPS-confusion.svg", "notes.txt", "my-chart.svg", "-montage.png"]
        for name in earlier { try "x".write(to: plots.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let writer = ReportWriter(rows: try ResultsAggregator(registry: registry).rows(from: [usps]), records: [usps],
                                  tolerance: 0.01)
        let written = try writer.write(to: directory)
        let removed = try writer.removeStalePlots(in: directory, written: written)
        XCTAssertEqual(removed.map(\.lastPathComponent),
                       ["UMist-confusion.svg", "UMist-montage.png", "nmi-per-period-UMist.svg", "rc-nmi-by-setting-UMist.svg"])
        let left = try FileManager.default.contentsOfDirectory(atPath: plots.path).sorted()
        XCTAssertEqual(left, ["-montage.png", "USPS-confusion.svg", "USPS-montage.png", "measured-vs-claimed-nmi.svg",
                              "my-chart.svg", "nmi-per-period-USPS.svg", "notes.txt", "rc-nmi-by-setting-x.svg"])
        // A report that drew USPS's montage but no confusion matrix (its data unlabelled now): the old matrix goes.
        let redrawn = try writer.removeStalePlots(in: directory, written: written + [plots.appendingPathComponent("USPS-montage.png")])
        XCTAssertEqual(redrawn.map(\.lastPathComponent), ["USPS-confusion.svg"])
    }

    func testMissingRecordsIsAClearError() throws {
        let empty = try makeTemporaryDirectoryForHarness()
        XCTAssertThrowsError(try ResultsAggregator.loadRecordFiles(under: empty)) { error in
            XCTAssertTrue("\(error)".contains("no run records"), "\(error)")
        }
    }

    /// FRGC run on 160 images (an import under its name before counts were checked): not the paper's 2462, so no
    /// verdict against its claims; a fetched dataset's documented copy (COIL-100's 7098 of 7200) is still judged.
    func testRunOnOtherImagesThanAnImportOnlyEntryIsNotJudged() throws {
        let registry = try HarnessFixtures.registry()
        var frgc = try HarnessFixtures.record(dataset: "FRGC", seed: 1, sfNMI: 0.2, rcNMI: 0.2, registry: registry)
        frgc.images = 160
        var coil = try HarnessFixtures.record(dataset: "COIL-100", seed: 1, sfNMI: 0.9, rcNMI: 0.9, registry: registry)
        coil.images = 7098
        let rows = try ResultsAggregator(registry: registry).rows(from: [frgc, coil])
        let row = try XCTUnwrap(rows.first { $0.dataset == "FRGC" })
        XCTAssertNil(try XCTUnwrap(row.comparison("RC", "NMI")).claimed)
        XCTAssertTrue(row.notes.contains("run on 160 images, not the registry's 2462: not the paper's data, not comparable with the claims"), "\(row.notes)")
        let diff = ClaimDiff(rows: rows, tolerance: 0.01)
        XCTAssertFalse(diff.lines.contains { $0.dataset == "FRGC" })
        XCTAssertTrue(diff.lines.contains { $0.dataset == "COIL-100" })
        frgc.images = 2462
        XCTAssertNotNil(try ResultsAggregator(registry: registry).rows(from: [frgc]).first?.comparison("RC", "NMI")?.claimed)
    }
}

extension XCTestCase {
    func makeTemporaryDirectoryForHarness() throws -> URL { try makeTemporaryDirectory(prefix: "jule-harness") }
}
