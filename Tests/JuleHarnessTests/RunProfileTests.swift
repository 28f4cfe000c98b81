import XCTest
import JuleCluster
import JuleCompute
import JuleData
@testable import JuleHarness

/// The reference profiles (§15): what each sets, that it reaches the engine, and how runs are labelled.
final class RunProfileTests: XCTestCase {
    private func configuration(_ profile: RunProfile, dataset: String = "USPS") throws -> RunConfiguration {
        try RunConfiguration.defaults(for: HarnessFixtures.registry().entry(named: dataset), seed: 1, profile: profile)
    }

    func testProfilesFixTheirSwitches() throws {
        let torch = try configuration(.torch), caffe = try configuration(.caffe), port = try configuration(.port)
        let first = try configuration(.firstSweep)
        XCTAssertEqual([torch, caffe, port, first].map(\.profile), ["torch", "caffe", "port", "first-sweep"])
        // Both codes: unweighted hinge and float32 affinities.
        for c in [torch, caffe, port] {
            XCTAssertEqual(c.training.tripletGamma, 1)
            XCTAssertEqual(c.clustering.effectivePrecision, .single)
        }
        XCTAssertEqual(torch.training.gradient, .torchAnchorOnly)
        XCTAssertEqual(torch.training.effectivePairs, .unordered)
        XCTAssertEqual(torch.training.negativesPerPair, 20)
        XCTAssertEqual(torch.training.momentumStyle, .torch)
        XCTAssertEqual(torch.clustering.mergeScore, .torch)
        XCTAssertEqual(torch.clustering.affinityUpdate, .fast)
        XCTAssertEqual(torch.clustering.chainCap, 51)
        XCTAssertTrue(torch.clustering.isolatedPremerge)
        XCTAssertEqual(torch.clustering.onZeroAffinity, .error)

        XCTAssertEqual(caffe.training.effectivePairs, .ordered)
        XCTAssertEqual(caffe.training.negativesPerPair, 10)
        XCTAssertEqual(caffe.training.margin, 0.1)
        XCTAssertEqual(caffe.training.effectiveLossScale, 0.5)
        XCTAssertTrue(caffe.training.effectiveSamplingQuirk)
        XCTAssertFalse(caffe.training.effectiveShuffle)
        XCTAssertEqual(caffe.training.effectiveBatchNormMomentum, 0.95)
        XCTAssertEqual(caffe.training.momentumStyle, .caffe)
        XCTAssertEqual(caffe.training.effectivePositiveGradientScale, 0.1)
        XCTAssertNil(port.training.positiveGradientScale)
        XCTAssertEqual(caffe.clustering.mergeScore, .caffe)
        XCTAssertFalse(caffe.clustering.isolatedPremerge)
        XCTAssertTrue(caffe.clustering.effectiveKeepDoubledNeighbours)
        XCTAssertEqual(caffe.clustering.rawNormalisation, .l2)

        // The port: Caffe where the codes differ, except the stated departures.
        XCTAssertEqual(port.training.effectivePairs, .ordered)
        XCTAssertEqual(port.training.momentumStyle, .caffe)
        XCTAssertFalse(port.training.effectiveSamplingQuirk)
        XCTAssertTrue(port.training.effectiveShuffle)
        XCTAssertEqual(port.clustering.mergeScore, .paper)
        XCTAssertTrue(port.clustering.isolatedPremerge)
        XCTAssertNil(port.clustering.isolatedPremergeFactor)
        XCTAssertTrue(port.clustering.effectiveKeepDoubledNeighbours)
        // port2: the port with Caffe's eval-mode feature extraction, nothing else changed.
        var port2 = try configuration(.port2)
        XCTAssertEqual(port.featureBatchNorm, .train)
        XCTAssertEqual(port2.featureBatchNorm, .eval)
        port2.featureBatchNorm = .train
        port2.profile = "port"
        XCTAssertEqual(try port2.hash(), try port.hash())

        // The first sweep's engine defaults, unchanged (its records must keep their hashes).
        XCTAssertEqual(first.training.tripletGamma, 2)
        XCTAssertNil(first.training.pairs)
        XCTAssertNil(first.clustering.precision)
        XCTAssertTrue(first.clustering.isolatedPremerge)
        XCTAssertEqual(RunProfile.default, .port2)
        XCTAssertThrowsError(try RunProfile(named: "tensorflow")) { XCTAssertTrue("\($0)".contains("torch, caffe")) }
    }

    /// Each profile's switches reach the engine: a short run on synthetic data trains and clusters with exactly the
    /// profile's settings, and its record stores the profile.
    func testEveryProfileRunsAndIsRecorded() throws {
        let dataset = HarnessFixtures.syntheticDataset()
        for profile in RunProfile.allCases {
            let c = try configuration(profile).applying(overrides: ["epochsPerPeriod": .number(2),
                                                                    "clustering.unrollingRate": .number(0.5)])
            let directory = try makeTemporaryDirectory()
            let record = try JuleRunner(configuration: c, dataset: dataset, datasetSHA256: "x", outputDirectory: directory).run()
            XCTAssertEqual(record.configuration.profile, profile.rawValue)
            XCTAssertEqual(record.configuration.overrides?.keys.sorted(), ["clustering.unrollingRate", "epochsPerPeriod"])
            XCTAssertEqual(record.rc?.clusters, 4, "\(profile)")
            let trainer = try Trainer.loadCheckpoint(from: RunDirectory(directory).model)
            XCTAssertEqual(trainer.configuration, c.training, "\(profile): the trainer runs the profile's settings")
            XCTAssertEqual(trainer.network.batchNormMomentum, c.training.effectiveBatchNormMomentum)
        }
    }

    /// `compute.convolution` reaches the engine: on a network whose second block sees 8 channels, a Winograd run
    /// and an im2col run of the same seed train different bits, and each record says which it used.
    func testConvolutionAlgorithmReachesTheNetwork() throws {
        let dataset = HarnessFixtures.syntheticDataset()
        let network = NetworkSpec(inputChannels: 1, inputHeight: 16, inputWidth: 16, blocks: [
            ConvBlockSpec(filters: 8, kernel: 5, padding: 2, pool: true),
            ConvBlockSpec(filters: 4, kernel: 5, padding: 2, pool: true),
        ], embeddingDimension: 16)
        var parameters: [ConvolutionAlgorithm: [Float]] = [:]
        for algorithm in ConvolutionAlgorithm.allCases {
            var c = try configuration(.port).applying(overrides: ["epochsPerPeriod": .number(1),
                                                                  "clustering.unrollingRate": .number(0.5),
                                                                  "compute.convolution": .string(algorithm.rawValue)])
            c.network = network
            let directory = try makeTemporaryDirectory()
            let record = try JuleRunner(configuration: c, dataset: dataset, datasetSHA256: "x", outputDirectory: directory).run()
            XCTAssertEqual(record.configuration.convolutionAlgorithm, algorithm)
            XCTAssertEqual(record.computeMode.hasSuffix(", \(algorithm.rawValue)"), algorithm.isWinograd, record.computeMode)
            parameters[algorithm] = try Trainer.loadCheckpoint(from: RunDirectory(directory).model).network.parameters
        }
        let a = parameters[.im2col]!, b = parameters[.winograd]!, c = parameters[.winograd4x4]!
        XCTAssertEqual(a.count, b.count)
        XCTAssertFalse(a.map(\.bitPattern) == b.map(\.bitPattern), "im2col and F(2×2) computed the same bits")
        XCTAssertFalse(b.map(\.bitPattern) == c.map(\.bitPattern), "F(2×2) and F(4×4) computed the same bits")
    }

    /// Labels come from the stored profile: the default profile is "default", another profile its name, changes
    /// on top of a profile follow it, and records without a profile are the first sweep's.
    func testReportLabelsRunsByStoredProfile() throws {
        let registry = try HarnessFixtures.registry()
        let aggregator = ResultsAggregator(registry: registry)
        func label(_ profile: RunProfile?, _ overrides: [String: JSONValue] = [:]) throws -> String {
            var c = try RunConfiguration.defaults(for: registry.entry(named: "USPS"), seed: 2, profile: profile ?? .firstSweep)
                .applying(overrides: overrides)
            if profile == nil { c.profile = nil; c.overrides = nil }
            return try aggregator.describeSetting(dataset: "USPS", seed: 2, configuration: c)
        }
        XCTAssertEqual(try label(.port2), "default")
        XCTAssertEqual(try label(.port2, ["compute.portable": .bool(true)]), "default", "portable mode is how, not what")
        XCTAssertEqual(try label(.port2, ["training.tripletGamma": .number(2)]), "port2 training.tripletGamma=2")
        XCTAssertEqual(try label(.port), "port", "the earlier default keeps its runs labelled by name")
        XCTAssertEqual(try label(.torch), "torch")
        XCTAssertEqual(try label(.firstSweep), "first-sweep")
        XCTAssertEqual(try label(nil), "first-sweep")
        XCTAssertEqual(try label(nil, ["training.tripletGamma": .number(1)]), "first-sweep training.tripletGamma=1")
    }

    /// The labelled improvement `clustering.rcNeighbourCount` (no reference has it) sets JULE-RC's K_s alone: SF
    /// keeps the profile's, RC starts from the given one, and the run is labelled with the change.
    func testRCNeighbourCountReachesRCOnly() throws {
        let dataset = HarnessFixtures.syntheticDataset()
        let overrides: [String: JSONValue] = ["epochsPerPeriod": .number(2), "clustering.unrollingRate": .number(0.5)]
        var k: [Int] = []
        for extra in [[:], ["clustering.rcNeighbourCount": JSONValue.number(7)]] {
            let c = try configuration(.port).applying(overrides: overrides.merging(extra) { a, _ in a })
            let record = try JuleRunner(configuration: c, dataset: dataset, datasetSHA256: "x",
                                        outputDirectory: try makeTemporaryDirectory()).run()
            let sf = record.trajectory.filter { $0.phase == "SF" }.map(\.neighbourCount)
            let rc = try XCTUnwrap(record.trajectory.first { $0.phase == "RC" }).neighbourCount
            XCTAssertEqual(Set(sf), [20], "SF keeps the profile's K_s")
            k.append(rc)
        }
        XCTAssertEqual(k, [20, 7])
        XCTAssertThrowsError(try configuration(.port).applying(overrides: ["clustering.rcNeighbourCount": .number(0)]).validate())
        let registry = try HarnessFixtures.registry()
        let c = try configuration(.port).applying(overrides: ["clustering.rcNeighbourCount": .number(40)])
        XCTAssertEqual(try ResultsAggregator(registry: registry).describeSetting(dataset: "USPS", seed: 1, configuration: c),
                       "port clustering.rcNeighbourCount=40")
    }

    /// The labelled improvement `clustering.rcOneWayMerge` acts in JULE-RC alone: SF's periods are the same as
    /// without it, RC's periods record how many one-way clusters they merged (nil when off), and the run is labelled.
    func testRCOneWayMergeReachesRCOnly() throws {
        let dataset = HarnessFixtures.syntheticDataset()
        let overrides: [String: JSONValue] = ["epochsPerPeriod": .number(2), "clustering.unrollingRate": .number(0.5)]
        var records: [RunRecord] = []
        for extra in [[:], ["clustering.rcOneWayMerge": JSONValue.bool(true)]] {
            let c = try configuration(.port).applying(overrides: overrides.merging(extra) { a, _ in a })
            records.append(try JuleRunner(configuration: c, dataset: dataset, datasetSHA256: "x",
                                          outputDirectory: try makeTemporaryDirectory()).run())
        }
        func sf(_ r: RunRecord) -> [String] {
            r.trajectory.filter { $0.phase == "SF" }.map { "\($0.scores.nmi) \($0.merges) \($0.oneWayMerges as Any)" }
        }
        XCTAssertEqual(sf(records[0]), sf(records[1]), "SF unchanged")
        XCTAssertEqual(records[0].sf?.nmi, records[1].sf?.nmi)
        let rc = records.map { $0.trajectory.filter { $0.phase == "RC" } }
        XCTAssertFalse(rc[0].isEmpty || rc[1].isEmpty)
        XCTAssertTrue(rc[0].allSatisfy { $0.oneWayMerges == nil })
        XCTAssertTrue(rc[1].allSatisfy { $0.oneWayMerges != nil })
        let registry = try HarnessFixtures.registry()
        let c = try configuration(.port).applying(overrides: ["clustering.rcOneWayMerge": .bool(true)])
        XCTAssertEqual(try ResultsAggregator(registry: registry).describeSetting(dataset: "USPS", seed: 1, configuration: c),
                       "port clustering.rcOneWayMerge=true")
        XCTAssertThrowsError(try configuration(.port).applying(overrides: ["clustering.rcOneWayMerge": .number(1)]))
    }

    func testProfileIsNotAnOverride() throws {
        XCTAssertThrowsError(try configuration(.port).applying(overrides: ["profile": .string("torch")]))
    }
}
