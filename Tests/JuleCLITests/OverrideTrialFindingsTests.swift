import Foundation
import XCTest
import _JuleTestSupport

/// Findings of a user trial of `jule train --set`: the seed given twice, the dataset set as if it were a setting,
/// numbers that no setting can hold, enum values answered in Swift's words, and hex read as a number.
final class OverrideTrialFindingsTests: XCTestCase {
    /// `--seed 7 --set seed=5` used to run seed 5 without a word, where every other option and its path are refused.
    func testSeedOptionAndSettingTogetherAreRefused() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let both = try cli.run(["train", "USPS", "--seed", "7", "--set", "seed=5", "--print-configuration"])
        assertCleanError(both, mentions: ["give --seed or --set seed, not both"])
        XCTAssertEqual(both.status, 64)
        for (arguments, seed) in [(["--seed", "7"], "7"), (["--set", "seed=5"], "5"), ([], "1")] {
            let one = try cli.run(["train", "USPS", "--print-configuration"] + arguments)
            XCTAssertEqual(one.status, 0, one.output)
            XCTAssertTrue(one.stdout.contains("\"seed\" : \(seed)") || one.stdout.contains("\"seed\": \(seed)"), one.stdout)
        }
    }

    /// `--set dataset=OTHER` used to be recorded while the named dataset trained: not a setting, as `profile` is,
    /// on the command line and in a sweep file; a sweep's override of `seed` would run another seed under a cell's id.
    func testDatasetIsNotASetting() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        for value in ["MNIST-test", "../../x"] {
            let result = try cli.run(["train", "USPS", "--set", "dataset=\(value)", "--print-configuration"])
            assertCleanError(result, mentions: ["--set dataset=\(value): not a setting (the dataset is the one named"])
            XCTAssertEqual(result.status, 64)
        }
        let cases = [(#""overrides": [{"dataset": "MNIST-test"}]"#, "override 'dataset': not a setting"),
                     (#""datasetOverrides": {"USPS": {"dataset": "x"}}"#, "override 'dataset': not a setting"),
                     (#""overrides": [{"seed": 5}]"#, #""overrides"[0]: seed is not a setting of an override set (list seeds in "seeds")"#)]
        for (overrides, message) in cases {
            let spec = #"{"name": "s", "datasets": ["USPS"], "seeds": [1], "# + overrides + "}"
            try Data(spec.utf8).write(to: cli.url("s.json"))
            assertCleanError(try cli.run(["sweep", "plan", "s.json", "--out", "sweep"]), mentions: [message])
        }
    }

    /// Numbers no setting can hold used to name `compute.convolution` (never typed) in Foundation's "not valid JSON",
    /// or end with exit 1 in "not valid JSON" alone (nan, inf); hex was read as a number.
    func testNumbersAreCheckedByTheSettingTheyGoTo() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let cases = [("seed=-1", "not a whole number in 0…2⁶⁴−1"), ("seed=1.5", "not a whole number in 0…2⁶⁴−1"),
                     ("epochsPerPeriod=2.5", "not a whole number"), ("clustering.chainCap=-1.5", "not a whole number"),
                     ("epochsPerPeriod=99999999999999999999", "not exact as a setting (whole numbers below 2⁵³"),
                     ("seed=9007199254740993", "not exact as a setting (whole numbers below 2⁵³"),
                     ("training.margin=nan", "not a finite number"), ("training.margin=inf", "not a finite number"),
                     ("training.margin=1e999", "not a finite number"), ("training.margin=-Infinity", "not a finite number"),
                     ("epochsPerPeriod=0x10", "not a decimal number"), ("epochsPerPeriod=+3", "not a decimal number"),
                     ("training.margin=.5", "not a decimal number"), ("epochsPerPeriod=007", "not a decimal number")]
        for (setting, reason) in cases {
            let result = try cli.run(["train", "USPS", "--set", setting, "--print-configuration"])
            assertCleanError(result, mentions: ["--set \(setting): \(reason)"])
            XCTAssertFalse(result.stderr.contains("compute.convolution"), result.stderr)
            XCTAssertEqual(result.status, 64, setting)
        }
        XCTAssertEqual(try cli.run(["train", "USPS", "--set", "training.margin=2.5e-1", "--print-configuration"]).status, 0)
    }

    /// An unknown choice used to leak "Cannot initialize MergeScore from invalid String value bogus".
    func testUnknownChoicesListTheAllowedOnes() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let cases = [("clustering.mergeScore=bogus", "paper, torch, caffe"), ("clustering.precision=quad", "double"),
                     ("featureBatchNorm=sideways", "train, eval"), ("training.momentumStyle=x", "torch, caffe")]
        for (setting, choice) in cases {
            let result = try cli.run(["train", "USPS", "--set", setting, "--print-configuration"])
            assertCleanError(result, mentions: ["--set \(setting): not a choice (one of ", choice])
            XCTAssertFalse(result.stderr.contains("Cannot initialize"), result.stderr)
            XCTAssertEqual(result.status, 64, setting)
        }
    }
}
