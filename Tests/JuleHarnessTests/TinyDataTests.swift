import XCTest
import JuleCompute
import JuleData
@testable import JuleHarness

/// Tiny and claimless datasets (a user trial on imports of a few images): RC with no merge to make, sweep cells that
/// fail or never ran for a dataset without claims, and an n* that equals the image count.
final class TinyDataTests: XCTestCase {
    /// USPS's entry (1×16×16) as a dataset without claims, like an import: `classes` classes, `count` images.
    private func claimless(_ name: String, classes: Int, count: Int) throws -> (DatasetRegistry, DatasetEntry) {
        let registry = try HarnessFixtures.registry()
        let usps = try registry.entry(named: "USPS")
        let entry = DatasetEntry(name: name, description: "import", classes: classes, count: count, shape: usps.shape,
                                 network: usps.network, eta: usps.eta, epochsPerPeriod: usps.epochsPerPeriod, claims: [],
                                 homepage: nil, sources: usps.sources, labelMapping: usps.labelMapping, protocolNotes: [],
                                 deviations: [])
        return (try DatasetRegistry(datasets: registry.datasets + [entry]), entry)
    }

    /// Identical images, unlabelled, n* = 1: RC's 1-NN components already are n*, so no merge period runs. The record
    /// still holds RC's result in its trajectory, which is where an unlabelled record keeps its cluster counts.
    func testUnlabelledRunRecordsRCWithoutMerges() throws {
        let image = HarnessFixtures.syntheticDataset(classes: 1, perClass: 1).pixels
        let dataset = Dataset(name: "same", count: 3, channels: 1, height: 16, width: 16, pixels: image + image + image,
                              labels: [0, 0, 0])
        let configuration = try RunConfiguration.defaults(for: HarnessFixtures.registry().entry(named: "USPS"), seed: 1)
            .applying(overrides: ["epochsPerPeriod": .number(1), "clusters": .number(1)])
        var clustered: [PeriodRecord] = []
        let record = try JuleRunner(configuration: configuration, dataset: dataset, datasetSHA256: "x", outputDirectory: nil) { event in
            if case let .clustered(period) = event { clustered.append(period) }
        }.run()
        XCTAssertEqual(record.unlabelled, true)
        XCTAssertEqual(record.finalClusters(variant: "RC"), 1)
        let rc = try XCTUnwrap(record.trajectory.last)
        XCTAssertEqual(rc.phase, "RC")
        XCTAssertEqual(rc.merges, 0)
        XCTAssertEqual(clustered.last?.phase, "RC")
        let rows = try ResultsAggregator(registry: HarnessFixtures.registry()).rows(from: [record])
        XCTAssertEqual(rows.first?.unlabelledClusters?["RC"], [1])
    }

    /// Planned cells of a dataset without claims and without a finished run: shown as "not run yet" (with the
    /// failed count) or "failed", in README.md and summary.csv, never left out.
    func testClaimlessPlannedDatasetIsShownFailedOrNotRunYet() throws {
        let (registry, _) = try claimless("own", classes: 2, count: 30)
        let directory = try makeTemporaryDirectoryForHarness()
        let record = try HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.9, rcNMI: 0.9, registry: registry)
        try AtomicFile.writeJSON(record, to: directory.appendingPathComponent("runs/usps/record.json"))
        let plan = try SweepManifest.plan(SweepSpecification(name: "p", datasets: ["own"], seeds: [1, 2]), registry: registry)
        let sweep = SweepDirectory(directory.appendingPathComponent("sweeps/p"))
        try AtomicFile.writeJSON(plan, to: sweep.manifest)
        try AtomicFile.write("clusters = 2: too many\n", to: sweep.failure(plan.cells[0]))

        func report() throws -> (readme: String, csv: String) {
            let rows = try ResultsAggregator(registry: registry).rows(under: directory).rows
            let writer = ReportWriter(rows: rows, records: [record], tolerance: 0.01)
            return (writer.markdown(), writer.csv())
        }
        var (readme, csv) = try report()
        for variant in ["SF", "RC"] {
            XCTAssertTrue(readme.contains("| own | default | 0 of 2 | \(variant) | not run yet (1 failed) | – | – | no claim |"), readme)
            XCTAssertTrue(csv.contains("own,default,\(variant),,0,,,,,not run,,,,2,\n"), csv)
        }
        try AtomicFile.write("clusters = 2: too many\n", to: sweep.failure(plan.cells[1]))
        (readme, csv) = try report()
        XCTAssertTrue(readme.contains("| own | default | 0 of 2 | RC | failed | – | – | no claim |"), readme)
        XCTAssertTrue(csv.contains("own,default,RC,,0,,,,,failed,,,,2,\n"), csv)
    }

    /// A default n* (the class count) equal to the image count is refused at plan time, as `jule train` refuses it.
    func testSweepPlanRefusesADefaultTargetOfEveryImage() throws {
        let (registry, _) = try claimless("n2", classes: 2, count: 2)
        XCTAssertThrowsError(try SweepManifest.plan(SweepSpecification(name: "p", datasets: ["n2"], seeds: [1]), registry: registry)) {
            XCTAssertTrue("\($0)".contains("clusters = 2 (the default n*, one cluster per class): must be in 1…1 for the 2 images of n2; give --clusters K with K < 2"), "\($0)")
        }
        // An explicit n* below the image count plans.
        let plan = try SweepManifest.plan(SweepSpecification(name: "p", datasets: ["n2"], seeds: [1], overrides: [["clusters": .number(1)]]),
                                          registry: registry)
        XCTAssertEqual(plan.cells.count, 1)
    }
}
