import XCTest
import JuleCluster
import JuleData
@testable import JuleHarness
import _JuleTestSupport

final class JuleRunnerTests: XCTestCase {
    private func configuration(seed: UInt64 = 1) throws -> RunConfiguration {
        try RunConfiguration.defaults(for: HarnessFixtures.registry().entry(named: "USPS"), seed: seed)
            .applying(overrides: ["epochsPerPeriod": .number(2), "clustering.unrollingRate": .number(0.5)])
    }

    /// Same seed → identical record contents; an interrupted run resumes to exactly the uninterrupted result.
    func testDeterministicAndResumesAfterAKill() throws {
        let dataset = HarnessFixtures.syntheticDataset()
        let reference = try JuleRunner(configuration: configuration(), dataset: dataset, datasetSHA256: "x", outputDirectory: nil).run()
        let again = try JuleRunner(configuration: configuration(), dataset: dataset, datasetSHA256: "x", outputDirectory: nil).run()
        XCTAssertEqual(reference.trajectory, again.trajectory)
        XCTAssertGreaterThanOrEqual(reference.trajectory.filter { $0.phase == "SF" }.count, 3, "needs ≥ 2 SF periods to test resume")

        let directory = try makeTemporaryDirectory()
        let interrupted = JuleRunner(configuration: try configuration(), dataset: dataset, datasetSHA256: "x", outputDirectory: directory)
        interrupted.interruptAfterPeriod = 1
        XCTAssertThrowsError(try interrupted.run())
        XCTAssertFalse(FileManager.default.fileExists(atPath: RunDirectory(directory).record.path))
        var notes: [String] = []
        let resumed = try JuleRunner(configuration: configuration(), dataset: dataset, datasetSHA256: "x",
                                     outputDirectory: directory) { if case let .note(n) = $0 { notes.append(n) } }.run()
        XCTAssertTrue(resumed.resumed)
        XCTAssertTrue(notes.contains { $0.contains("resuming") }, "\(notes)")
        XCTAssertEqual(resumed.trajectory.map(\.scores), reference.trajectory.map(\.scores))
        XCTAssertEqual(resumed.rc, reference.rc)
        // Finished: a third run does nothing and returns the same record.
        let third = try JuleRunner(configuration: configuration(), dataset: dataset, datasetSHA256: "x", outputDirectory: directory).run()
        XCTAssertEqual(third.runID, resumed.runID)
        XCTAssertEqual(third.finishedAt, resumed.finishedAt)
        // Another configuration in the same directory starts over, and says so.
        notes = []
        _ = try JuleRunner(configuration: configuration(seed: 2), dataset: dataset, datasetSHA256: "x",
                           outputDirectory: directory) { if case let .note(n) = $0 { notes.append(n) } }.run()
        XCTAssertTrue(notes.contains { $0.contains("starting over") }, "\(notes)")
    }

    /// JULE on four real COIL-20 objects, at reduced epochs, beats agglomerative clustering of the raw pixels.
    func testBeatsRawPixelsOnACOIL20Subset() throws {
        guard let mirror = datasetMirror() else { throw XCTSkip("dataset mirror absent: ../shared/datasets not found") }
        let registry = try HarnessFixtures.registry()
        let cache = try makeTemporaryDirectory()
        let store = DatasetStore(registry: registry, cacheDirectory: cache, mirror: mirror, quiet: true)
        let dataset = try store.load("COIL-20")
        let configuration = try RunConfiguration.defaults(for: registry.entry(named: "COIL-20"), seed: 1)
            .applying(overrides: ["classLimit": .number(4), "epochsPerPeriod": .number(3)])
        let record = try JuleRunner(configuration: configuration, dataset: dataset, datasetSHA256: "x", outputDirectory: nil).run()

        let data = TrainingData(dataset: dataset, classLimit: 4)
        let raw = RawFeatures.make(pixels: data.pixels, count: data.count, dimension: data.dimension,
                                   normalisation: configuration.clustering.rawNormalisation)
        let rawLabels = try AgglomerativeClusterer(configuration: configuration.clustering)
            .cluster(features: raw, count: data.count, dimension: data.dimension, target: 4, onPeriod: nil)
        let rawNMI = ClusterMetrics.normalizedMutualInformation(truth: data.truth, predicted: rawLabels)
        let rc = try XCTUnwrap(record.rc)
        print("COIL-20 (4 objects): raw-pixel NMI \(rawNMI), JULE-SF \(record.sf?.nmi ?? .nan), JULE-RC \(rc.nmi)")
        XCTAssertEqual(rc.clusters, 4)
        XCTAssertGreaterThan(rc.nmi, rawNMI)
    }
}
