import XCTest
import JuleData
@testable import JuleHarness

final class RunConfigurationTests: XCTestCase {
    func testDefaultsFollowTheRegistry() throws {
        let registry = try HarnessFixtures.registry()
        let coil = try RunConfiguration.defaults(for: registry.entry(named: "COIL-20"), seed: 3)
        XCTAssertEqual(coil.clustering.unrollingRate, 0.9)
        XCTAssertEqual(coil.network.inputHeight, 128)
        XCTAssertEqual(coil.epochsPerPeriod, 20)
        let pie = try RunConfiguration.defaults(for: registry.entry(named: "CMU-PIE"), seed: 3)
        XCTAssertEqual(pie.clustering.unrollingRate, 0.2)
    }

    func testOverridesByPath() throws {
        let registry = try HarnessFixtures.registry()
        let base = try RunConfiguration.defaults(for: registry.entry(named: "USPS"), seed: 1)
        let changed = try base.applying(overrides: ["epochsPerPeriod": .number(3), "clustering.unrollingRate": .number(0.5),
                                                    "classLimit": .number(4)])
        XCTAssertEqual(changed.epochsPerPeriod, 3)
        XCTAssertEqual(changed.clustering.unrollingRate, 0.5)
        XCTAssertEqual(changed.classLimit, 4)
        XCTAssertNotEqual(try base.hash(), try changed.hash())
        XCTAssertEqual(try base.hash(), try RunConfiguration.defaults(for: registry.entry(named: "USPS"), seed: 1).hash())
    }

    func testBadOverridesAreErrors() throws {
        let registry = try HarnessFixtures.registry()
        let base = try RunConfiguration.defaults(for: registry.entry(named: "USPS"), seed: 1)
        XCTAssertThrowsError(try base.applying(overrides: ["noSuchSetting": .number(1)])) { error in
            XCTAssertTrue("\(error)".contains("noSuchSetting"), "\(error)")
        }
        XCTAssertThrowsError(try base.applying(overrides: ["epochsPerPeriod": .string("many")]))
        XCTAssertThrowsError(try base.applying(overrides: ["clustering.unrollingRate": .number(1.5)]))
        // A wrong type names the one override at fault, not every override of the batch (a command adds its own).
        let batch: [String: JSONValue] = ["compute.convolution": .string("winograd4x4"), "training.margin": .string("abc"),
                                          "epochsPerPeriod": .number(2)]
        XCTAssertThrowsError(try base.applying(overrides: batch)) { error in
            XCTAssertEqual("\(error)", "override 'training.margin': wrong type: expected a number")
        }
        // Within an object-valued override, the place inside it.
        XCTAssertThrowsError(try base.applying(overrides: ["network": .object(["inputChannels": .string("one")]),
                                                           "compute.portable": .bool(true)])) { error in
            XCTAssertTrue("\(error)".hasPrefix("override 'network': "), "\(error)")
            XCTAssertFalse("\(error)".contains("compute.portable"), "\(error)")
        }
    }

    /// A refused value is answered with what its setting takes, read from the setting's type: the choices of every
    /// enum-valued setting (set or nil), the range of a whole number; `dataset` is not a setting.
    func testRefusedValuesSayWhatTheSettingTakes() throws {
        let registry = try HarnessFixtures.registry()
        let base = try RunConfiguration.defaults(for: registry.entry(named: "USPS"), seed: 1)
        let choices = ["clustering.mergeScore", "clustering.affinityUpdate", "clustering.onZeroAffinity",
                       "clustering.rawNormalisation", "clustering.precision", "featureBatchNorm", "training.momentumStyle",
                       "training.gradient", "training.pairs"]
        for key in choices {
            XCTAssertThrowsError(try base.applying(overrides: [key: .string("bogus"), "compute.convolution": .string("winograd")])) { error in
                XCTAssertTrue("\(error)".hasPrefix("override '\(key)': not a choice (one of "), "\(error)")
            }
        }
        for (key, value, reason) in [("seed", -1.0, "not a whole number in 0…2⁶⁴−1"), ("seed", 1.5, "not a whole number in 0…2⁶⁴−1"),
                                     ("epochsPerPeriod", 2.5, "not a whole number"), ("clustering.chainCap", -1.5, "not a whole number")] {
            XCTAssertThrowsError(try base.applying(overrides: [key: .number(value), "compute.convolution": .string("winograd")])) { error in
                XCTAssertEqual("\(error)", "override '\(key)': \(reason)")
            }
        }
        XCTAssertThrowsError(try base.applying(overrides: ["dataset": .string("COIL-20")])) { error in
            XCTAssertTrue("\(error)".hasPrefix("override 'dataset': not a setting ("), "\(error)")
        }
    }

    /// `compute` is absent unless asked for, so every configuration made before it hashes as before (checked on the
    /// committed records: only those whose overrides name a `compute.` setting carry one); `--set
    /// compute.portable=true` (what `jule train --portable` passes) switches portable mode on.
    func testComputeSettingLeavesEarlierHashesAlone() throws {
        let registry = try HarnessFixtures.registry()
        let base = try RunConfiguration.defaults(for: registry.entry(named: "USPS"), seed: 1)
        XCTAssertNil(base.compute)
        XCTAssertFalse(base.isPortable)
        let json = String(decoding: try JSONCoding.encode(base), as: UTF8.self)
        XCTAssertFalse(json.contains("compute"), json)
        let portable = try base.applying(overrides: ["compute.portable": .bool(true)])
        XCTAssertTrue(portable.isPortable)
        XCTAssertEqual(portable.overrides?["compute.portable"], .bool(true))
        XCTAssertNotEqual(try portable.hash(), try base.hash())
        XCTAssertThrowsError(try base.applying(overrides: ["compute.fast": .bool(true)])) {
            XCTAssertTrue("\($0)".contains("compute.fast") && "\($0)".contains("no such setting"), "\($0)")
        }
        XCTAssertThrowsError(try base.applying(overrides: ["compute.portable": .number(1)])) {
            XCTAssertTrue("\($0)".contains("compute.portable") && "\($0)".contains("expected true or false"), "\($0)")
        }

        let results = HarnessFixtures.repositoryRoot.appendingPathComponent("results")
        let files = (FileManager.default.enumerator(atPath: results.path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix("record.json") }
        try XCTSkipIf(files.isEmpty, "no committed records under results/")
        for file in files {
            let record = try JSONCoding.decode(RunRecord.self, from: results.appendingPathComponent(file))
            XCTAssertEqual(try record.configuration.hash(), record.configurationHash, file)
            let askedForCompute = record.configuration.overrides?.keys.contains { $0.hasPrefix("compute.") } ?? false
            XCTAssertEqual(record.configuration.compute != nil, askedForCompute, file)
        }
    }
}
