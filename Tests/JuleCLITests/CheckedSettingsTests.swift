import Foundation
import XCTest
import JuleData
import _JuleTestSupport

/// Issue 19, points 3 and 6: every bad value is one `error:` line naming it and its allowed range, before any work
/// starts; nothing a user types reaches a trap.
final class CheckedSettingsTests: XCTestCase {
    private func importedSet(_ cli: CLI) throws {
        try OwnDataFixtures().writeNPZ(cli.url("set.npz"))
        XCTAssertEqual(try cli.run(["data", "import", "own", "--from", cli.url("set.npz").path, "--quiet"]).status, 0)
    }

    func testBadSettingsAreOneLineErrorsNotTraps() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli)
        let cases: [([String], [String])] = [
            (["--set", "training.batchSize=0"], ["training.batchSize = 0", "≥ 3"]),
            (["--set", "network.embeddingDimension=0"], ["network.embeddingDimension = 0", "≥ 1"]),
            (["--set", "training.margin=-0.5"], ["training.margin = -0.5", "≥ 0"]),
            (["--set", "training.learningRate=-1"], ["training.learningRate = -1", "> 0"]),
            (["--set", "clustering.contrastNeighbours=0"], ["clustering.contrastNeighbours = 0", "≥ 1"]),
            (["--set", "clustering.neighbourCount=0"], ["clustering.neighbourCount = 0"]),
            (["--set", "training.momentum=1"], ["training.momentum = 1", "[0, 1)"]),
            (["--set", "training.batchsize=10"], ["training.batchsize", "no such setting", "did you mean training.batchSize?"]),
            (["--set", "margin=0.3"], ["margin", "no such setting", "did you mean training.margin?"]),
            (["--seed", "-1"], ["--seed", "0…18446744073709551615"]),
            (["--classes", "4"], ["--classes 4", "own has 3 classes", "2…3"]),
            (["--network", "MNST"], ["network 'MNST'", "design-rule"]),
            (["--network", "MNIST"], ["network 'MNIST' takes 1×28×28"]),
        ]
        for (arguments, mentions) in cases {
            assertCleanError(try cli.run(["train", "own"] + arguments), mentions: mentions)
        }
        // A wrong type names the setting as typed, not the overrides the command adds itself (compute.convolution).
        let typed = try cli.run(["train", "own", "--set", "training.margin=abc", "--eta", "0.5"])
        assertCleanError(typed, mentions: ["--set training.margin=abc: wrong type: expected a number"])
        XCTAssertFalse(typed.stderr.contains("compute.convolution") || typed.stderr.contains("unrollingRate"), typed.stderr)
        assertCleanError(try cli.run(["cluster", "own", "--set", "clustering.isolatedPremerge=maybe"]),
                         mentions: ["--set clustering.isolatedPremerge=maybe: wrong type: expected true or false"])
        // The same checks hold for sweep files, at plan time.
        try #"{"name": "s", "datasets": ["own"], "seeds": [1], "override": [{"epochsPerPeriod": 1}]}"#
            .write(to: cli.url("typo.json"), atomically: true, encoding: .utf8)
        assertCleanError(try cli.run(["sweep", "plan", "typo.json"]), mentions: ["typo.json", "unknown key 'override'", "overrides"])
        try #"{"name": "s", "datasets": ["own"], "seeds": [1], "overrides": [{"training.batchSize": 0}]}"#
            .write(to: cli.url("zero.json"), atomically: true, encoding: .utf8)
        assertCleanError(try cli.run(["sweep", "plan", "zero.json"]), mentions: ["training.batchSize = 0"])
        try "{\n  \"name\": \"s\",\n  \"datasets\": [\"own\"] x\n}".write(to: cli.url("syntax.json"), atomically: true, encoding: .utf8)
        assertCleanError(try cli.run(["sweep", "plan", "syntax.json"]), mentions: ["syntax.json", "line 3, column 23"])
        try #"{"name": "s", "datasets": ["own"], "seeds": [-1]}"#.write(to: cli.url("seed.json"), atomically: true, encoding: .utf8)
        assertCleanError(try cli.run(["sweep", "plan", "seed.json"]), mentions: ["seed.json", "\"seeds\"[0]: -1 is not a seed"])
    }

    func testRegistryTyposAreErrors() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let original = try String(contentsOf: CLI.repository.appendingPathComponent("datasets.json"), encoding: .utf8)
        // A misspelt network name: an error, not a silent design-rule network.
        let network = original.replacingOccurrences(of: #""network": "USPS""#, with: #""network": "USPSS""#)
        XCTAssertNotEqual(network, original)
        try network.write(to: cli.url("network.json"), atomically: true, encoding: .utf8)
        assertCleanError(try cli.run(["train", "USPS", "--registry", cli.url("network.json").path]),
                         mentions: ["network.json", "dataset 'USPS'", "network 'USPSS'"])
        // An unknown key in an entry.
        let key = original.replacingOccurrences(of: #""epochsPerPeriod": 20"#, with: #""epochsPerPeriod": 20, "epochPerPeriod": 20"#)
        try key.write(to: cli.url("key.json"), atomically: true, encoding: .utf8)
        assertCleanError(try cli.run(["data", "list", "--registry", cli.url("key.json").path]),
                         mentions: ["key.json", "unknown key 'epochPerPeriod' at datasets[0]", "allowed:"])
    }

    func testSmallerChecks() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        // A mistyped command is named, with the closest one.
        assertCleanError(try cli.run(["trian", "USPS"]), mentions: ["unknown command 'trian'", "did you mean train?"])
        // So is a help topic, which ArgumentParser would answer with the top-level help and status 0.
        assertCleanError(try cli.run(["help", "trian"]), mentions: ["unknown command 'trian'", "did you mean train?"])
        assertCleanError(try cli.run(["help", "sweep", "plna"]), mentions: ["unknown command 'sweep plna'", "did you mean plan?"])
        XCTAssertEqual(try cli.run(["help", "sweep", "plan"]).status, 0)
        // A tolerance is a finite score difference in [0, 1).
        for value in ["nan", "5", "1", "inf"] {
            for command in ["diff", "report"] {
                assertCleanError(try cli.run([command, "--tolerance", value]),
                                 mentions: ["--tolerance", "must be a finite number in [0, 1)"])
            }
        }
        // A named dataset that is not cached cannot be verified.
        let verify = try cli.run(["data", "verify", "USPS", "--offline"])
        XCTAssertNotEqual(verify.status, 0, verify.output)
        XCTAssertTrue(verify.stdout.contains("USPS: not cached"), verify.output)
        // No records at all, and records without any claim: both fail `jule diff`.
        try FileManager.default.createDirectory(at: cli.url("empty"), withIntermediateDirectories: true)
        assertCleanError(try cli.run(["diff", "--records", "empty"]), mentions: ["no run records"])
        // Usage errors share the prefix of every other error.
        let usage = try cli.run(["train"])
        XCTAssertTrue(usage.stderr.hasPrefix("error: "), usage.stderr)
        XCTAssertFalse(usage.stderr.contains("Error:"), usage.stderr)
        // Help names each default once (ArgumentParser adds "(default: …)" itself, but not for a transformed
        // option such as --seed), and every key of a sweep file. Help wraps lines: compared with spaces collapsed.
        func help(_ arguments: [String]) throws -> String {
            try cli.run(arguments + ["--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        let train = try help(["train"])
        XCTAssertTrue(train.contains("(0…2⁶⁴−1; default: 1)"), train)
        XCTAssertEqual(train.components(separatedBy: "default: port").count, 2, train)
        XCTAssertFalse(train.contains("(default port"), train)
        XCTAssertTrue(try help(["sweep", "plan"]).contains("convolution: im2col|winograd|winograd4x4"))
        // The build's provenance.
        let version = try cli.run(["version"])
        XCTAssertTrue(version.stdout.hasPrefix("jule-swift 0."), version.stdout)
        XCTAssertTrue(version.stdout.contains("(commit "), version.stdout)
    }
}
