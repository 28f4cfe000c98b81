import XCTest
import JuleData
@testable import JuleHarness

/// Every setting is checked once, at load, with a message naming its path and range (issue 19, point 3).
final class ConfigurationValidationTests: XCTestCase {
    func testEveryRegisteredDatasetAndProfileIsValid() throws {
        let registry = try HarnessFixtures.registry()
        try NetworkChoice.check(registry)
        for entry in registry.datasets {
            for profile in RunProfile.allCases {
                XCTAssertNoThrow(try RunConfiguration.defaults(for: entry, seed: 1, profile: profile).validate(), "\(entry.name) \(profile)")
            }
        }
    }

    func testOutOfRangeFieldsAreNamedWithTheirRange() throws {
        let base = try RunConfiguration.defaults(for: HarnessFixtures.registry().entry(named: "USPS"), seed: 1)
        let cases: [(String, JSONValue, String)] = [
            ("training.batchSize", .number(2), "training.batchSize = 2: must be an integer ≥ 3 (a triplet needs two images of one cluster and one of another in the same batch)"),
            ("training.learningRate", .number(0), "training.learningRate = 0.0: must be a finite number > 0"),
            ("training.margin", .number(-0.1), "training.margin = -0.1: must be a finite number ≥ 0"),
            ("training.negativesPerPair", .number(0), "training.negativesPerPair = 0: must be an integer ≥ 1"),
            ("training.batchNormMomentum", .number(1.5), "training.batchNormMomentum = 1.5: must be in (0, 1]"),
            ("network.embeddingDimension", .number(0), "network.embeddingDimension = 0: must be an integer ≥ 1 (160 in the paper)"),
            ("network.inputChannels", .number(2), "network.inputChannels = 2: must be 1 or 3"),
            ("clustering.contrastNeighbours", .number(0), "clustering.contrastNeighbours = 0: must be an integer ≥ 1 (K_c)"),
            ("clustering.unrollingRate", .number(0), "clustering.unrollingRate = 0.0: must be in (0, 1] (η)"),
            ("clustering.chainCap", .number(0), "clustering.chainCap = 0: must be an integer ≥ 1, or null"),
            ("clustering.workers", .number(0), "clustering.workers = 0: must be an integer ≥ 1"),
            ("maxEpochs", .number(0), "maxEpochs = 0: must be an integer ≥ 1"),
            ("classLimit", .number(1), "classLimit = 1: must be an integer ≥ 2"),
        ]
        for (path, value, message) in cases {
            XCTAssertThrowsError(try base.applying(overrides: [path: value]), path) { error in
                XCTAssertEqual("\(error)", "invalid configuration: \(message)")
            }
        }
        // A network too deep for its input: the maps would vanish.
        var deep = base
        deep.network.blocks = Array(repeating: deep.network.blocks[0], count: 4)
        XCTAssertThrowsError(try deep.validate()) { XCTAssertTrue("\($0)".contains("network.blocks"), "\($0)") }
    }

    func testNetworkNamesMustBePresetsOfTheRightSize() throws {
        XCTAssertThrowsError(try NetworkChoice.resolve("USPSS", shape: [1, 16, 16], owner: "dataset 'X'")) {
            XCTAssertTrue("\($0)".contains("network 'USPSS' is not a preset"), "\($0)")
        }
        XCTAssertThrowsError(try NetworkChoice.resolve("COIL-20", shape: [1, 16, 16], owner: "--network")) {
            XCTAssertTrue("\($0)".contains("takes 1×128×128 images"), "\($0)")
        }
        XCTAssertEqual(try NetworkChoice.resolve("design-rule", shape: [3, 40, 30], owner: "x").inputWidth, 30)
    }

    func testUnlabelledDataNeedsATargetAndRecordsNoMetrics() throws {
        let synthetic = HarnessFixtures.syntheticDataset(classes: 3, perClass: 10)
        let unlabelled = Dataset(name: "none", count: synthetic.count, channels: 1, height: 16, width: 16,
                                 pixels: synthetic.pixels, labels: [Int32](repeating: 0, count: synthetic.count))
        let base = try RunConfiguration.defaults(for: HarnessFixtures.registry().entry(named: "USPS"), seed: 1)
            .applying(overrides: ["epochsPerPeriod": .number(1)])
        XCTAssertThrowsError(try JuleRunner(configuration: base, dataset: unlabelled, datasetSHA256: "x", outputDirectory: nil).run()) {
            XCTAssertTrue("\($0)".contains("--clusters"), "\($0)")
        }
        let record = try JuleRunner(configuration: try base.applying(overrides: ["clusters": .number(3)]), dataset: unlabelled,
                                    datasetSHA256: "x", outputDirectory: nil).run()
        XCTAssertEqual(record.unlabelled, true)
        XCTAssertNil(record.sf)
        XCTAssertNil(record.rc)
        XCTAssertEqual(record.trajectory.last?.scores.clusters, 3)
        // More classes asked for than the data has.
        XCTAssertThrowsError(try JuleRunner(configuration: try base.applying(overrides: ["classLimit": .number(4)]),
                                            dataset: synthetic, datasetSHA256: "x", outputDirectory: nil).run()) {
            XCTAssertTrue("\($0)".contains("has 3 classes"), "\($0)")
        }
    }

    func testOneSeedHasNoStandardDeviation() throws {
        let registry = try HarnessFixtures.registry()
        let record = try HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.9, rcNMI: 0.91, registry: registry)
        let rows = try ResultsAggregator(registry: registry).rows(from: [record])
        XCTAssertFalse(ReportWriter(rows: rows, records: [record], tolerance: 0.01).markdown().contains("±  0.000"))
        XCTAssertFalse(ReportWriter(rows: rows, records: [record], tolerance: 0.01).markdown().contains("0.910 ±"))
        XCTAssertFalse(ClaimDiff(rows: rows, tolerance: 0.01).text().contains("±"))
        // summary.csv: an empty std field, not 0.000000.
        let csv = ReportWriter(rows: rows, records: [record], tolerance: 0.01).csv()
        XCTAssertTrue(csv.contains("USPS,default,RC,NMI,1,0.910000,,0.913,"), csv)
    }
}
