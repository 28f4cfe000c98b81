import XCTest
import JuleData
@testable import JuleHarness

/// Which setting stands for a dataset in the report's pictures and per-period plot: the default, then one that keeps
/// the target cluster count, then the most runs, then the label, whatever order the records come in.
final class PicturedSettingTests: XCTestCase {
    private func record(_ seed: UInt64, _ overrides: [String: JSONValue]) throws -> RunRecord {
        try HarnessFixtures.record(dataset: "USPS", seed: seed, sfNMI: 0.8, rcNMI: 0.85, overrides: overrides,
                                   registry: HarnessFixtures.registry())
    }

    private func chosen(_ records: [RunRecord]) throws -> String? {
        let rows = try ResultsAggregator(registry: HarnessFixtures.registry()).rows(from: records)
        let forward = PicturedSetting.row(of: "USPS", in: rows, records: records)?.setting
        // The choice depends on neither the rows' nor the records' order.
        XCTAssertEqual(PicturedSetting.row(of: "USPS", in: rows.reversed(), records: records.reversed())?.setting, forward)
        return forward
    }

    func testPreferenceOrder() throws {
        let profile = RunProfile.default.rawValue   // a setting's label: its profile, then what differs
        let five = try record(1, ["epochsPerPeriod": .number(5)])
        let seven = try (1...2).map { try record($0, ["epochsPerPeriod": .number(7)]) }
        let four = try (1...3).map { try record($0, ["clusters": .number(4), "epochsPerPeriod": .number(3)]) }
        let nine = try (1...2).map { try record($0, ["clusters": .number(4), "epochsPerPeriod": .number(9)]) }
        // A setting that changes the cluster count loses to one that does not, though it has more runs and comes
        // first alphabetically (the trial's case: its runs end at 4 clusters on a 10-class set).
        XCTAssertEqual(try chosen([five] + four), "\(profile) epochsPerPeriod=5")
        // Among those keeping the count, the most runs; then the label.
        XCTAssertEqual(try chosen([five] + seven + four), "\(profile) epochsPerPeriod=7")
        XCTAssertEqual(try chosen([five, seven[0]] + four), "\(profile) epochsPerPeriod=5")
        // Where every setting changes it (an unlabelled dataset's), the most runs, then the label.
        XCTAssertEqual(try chosen(four + nine), "\(profile) clusters=4 epochsPerPeriod=3")
        XCTAssertEqual(try chosen(Array(four.prefix(2)) + nine), "\(profile) clusters=4 epochsPerPeriod=3")
        XCTAssertEqual(try chosen(Array(four.prefix(1)) + nine), "\(profile) clusters=4 epochsPerPeriod=9")
        // The default beats everything, however few its runs.
        XCTAssertEqual(try chosen([five] + seven + four + [try record(4, [:])]), "default")
        XCTAssertNil(PicturedSetting.row(of: "MNIST-test", in: try ResultsAggregator(registry: HarnessFixtures.registry())
            .rows(from: [five]), records: [five]))
    }
}
