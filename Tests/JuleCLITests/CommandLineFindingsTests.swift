import Foundation
import XCTest
import _JuleTestSupport

/// The smaller command-line findings of the new-user trial: sweep names and duplicate datasets, an option given
/// twice (as itself and as --set), the --features embeddings message, --print-configuration's overrides, a run
/// folder full of other files, a negative cell index and the defaults the help leaves out. None of them loads data.
final class CommandLineFindingsTests: XCTestCase {
    /// A sweep name is a folder name: `"a b/../../../escape"` used to write `./escape/manifest.json`.
    func testSweepNameMustBeAFolderName() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        for name in ["a b/../../../escape", "..", "", "x/y"] {
            try #"{"name": "\#(name)", "datasets": ["USPS"], "seeds": [1]}"#.write(to: cli.url("s.json"), atomically: true, encoding: .utf8)
            assertCleanError(try cli.run(["sweep", "plan", "s.json"]), mentions: [cli.url("s.json").path, "\"name\""])
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("escape").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("results").path))
        try #"{"name": "paper-1.b_c", "datasets": ["USPS"], "seeds": [1]}"#.write(to: cli.url("s.json"), atomically: true, encoding: .utf8)
        let planned = try cli.run(["sweep", "plan", "s.json"])
        XCTAssertEqual(planned.status, 0, planned.output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: cli.url("results/sweeps/paper-1.b_c/manifest.json").path))
    }

    /// Re-planning a sweep folder from another sweep file would leave its old cells outside the plan: refused, and
    /// with --force replaced with a warning; the same file, or one that only adds cells, re-plans quietly.
    func testReplanningFromAnotherSweepFileNeedsForce() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try #"{"name": "a", "datasets": ["USPS"], "seeds": [1, 2]}"#.write(to: cli.url("a.json"), atomically: true, encoding: .utf8)
        try #"{"name": "b", "datasets": ["USPS"], "seeds": [1, 2, 3]}"#.write(to: cli.url("b.json"), atomically: true, encoding: .utf8)
        try #"{"name": "c", "datasets": ["USPS"], "seeds": [3]}"#.write(to: cli.url("c.json"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try cli.run(["sweep", "plan", "a.json", "--out", "s"]).status, 0)
        XCTAssertEqual(try cli.run(["sweep", "plan", "a.json", "--out", "s"]).status, 0)
        let more = try cli.run(["sweep", "plan", "b.json", "--out", "s"])
        XCTAssertEqual(more.status, 0, more.output)
        let before = try Data(contentsOf: cli.url("s/manifest.json"))
        assertCleanError(try cli.run(["sweep", "plan", "c.json", "--out", "s"]),
                         mentions: ["manifest.json", "planned from another sweep file", "2 of its cells", "--force"])
        XCTAssertEqual(try Data(contentsOf: cli.url("s/manifest.json")), before, "the manifest is left as it was")
        let forced = try cli.run(["sweep", "plan", "c.json", "--out", "s", "--force"])
        XCTAssertEqual(forced.status, 0, forced.output)
        XCTAssertTrue(forced.stderr.contains("warning:") && forced.stderr.contains("2 of its cells"), forced.stderr)
    }

    /// A dataset listed twice is named as such, not as "two cells resolve to the same configuration"; two override
    /// sets that change nothing between them are named by their positions.
    func testDuplicatesInASweepFileAreNamed() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        for (datasets, mentions) in [(#"["USPS", "COIL-20", "USPS"]"#, [#""datasets" lists USPS twice"#]),
                                     (#"["COIL-20", "coil-20"]"#, [#""datasets" lists COIL-20 twice"#, #""coil-20""#])] {
            try #"{"name": "dup", "datasets": \#(datasets), "seeds": [1]}"#.write(to: cli.url("s.json"), atomically: true, encoding: .utf8)
            assertCleanError(try cli.run(["sweep", "plan", "s.json"]), mentions: mentions)
        }
        try #"{"name": "dup", "datasets": ["USPS"], "seeds": [1], "overrides": [{}, {"epochsPerPeriod": 3}, {"epochsPerPeriod": 3}]}"#
            .write(to: cli.url("s.json"), atomically: true, encoding: .utf8)
        assertCleanError(try cli.run(["sweep", "plan", "s.json"]), mentions: ["override sets 2 and 3", "USPS"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("results").path))
    }

    /// An option and a --set of the path it sets are refused together (the option used to win silently).
    func testOptionAndSetOfTheSamePathAreRefused() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let both = try cli.run(["train", "USPS", "--set", "epochsPerPeriod=2", "--epochs-per-period", "3", "--print-configuration"])
        assertCleanError(both, mentions: ["give --epochs-per-period or --set epochsPerPeriod, not both"])
        XCTAssertEqual(both.status, 64, "a usage error")
        assertCleanError(try cli.run(["train", "USPS", "--network", "USPS", "--set", "network.embeddingDimension=80"]),
                         mentions: ["give --network or --set network.embeddingDimension, not both"])
        let alone = try cli.run(["train", "USPS", "--set", "epochsPerPeriod=2", "--max-epochs", "9", "--print-configuration"])
        XCTAssertEqual(alone.status, 0, alone.output)
    }

    /// --print-configuration's "overrides" hold what the user set, not the default convolution the command adds.
    func testPrintConfigurationShowsOnlyWhatWasSet() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        func overrides(_ arguments: [String]) throws -> [String: Any]? {
            let result = try cli.run(["train", "USPS", "--print-configuration"] + arguments)
            XCTAssertEqual(result.status, 0, result.output)
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            return json?["overrides"] as? [String: Any]
        }
        XCTAssertNil(try overrides([]))
        XCTAssertEqual(try overrides(["--epochs-per-period", "2"]).map { Set($0.keys) }, ["epochsPerPeriod"])
        XCTAssertEqual(try overrides(["--convolution", "winograd4x4"])?["compute.convolution"] as? String, "winograd4x4")
        XCTAssertEqual(try overrides(["--set", "compute.convolution=im2col"])?["compute.convolution"] as? String, "im2col")
    }

    /// `--features embeddings` without a file says what it needs; a file without the option says so the other way.
    func testEmbeddingsOptionsNameWhatIsMissing() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        assertCleanError(try cli.run(["cluster", "USPS", "--features", "embeddings"]),
                         mentions: ["--features embeddings needs --embeddings FILE"])
        assertCleanError(try cli.run(["cluster", "USPS", "--embeddings", "e.h5"]),
                         mentions: ["--embeddings e.h5 needs --features embeddings"])
    }

    /// `train --out` into a folder of other files is refused before any data loads; a folder with an empty log the
    /// shell opened for the command, or hidden files, is not.
    func testTrainRefusesAFolderOfOtherFiles() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try FileManager.default.createDirectory(at: cli.url("photos"), withIntermediateDirectories: true)
        for name in ["a.png", "b.png"] { try Data([1, 2, 3]).write(to: cli.url("photos/\(name)")) }
        let refused = try cli.run(["train", "USPS", "--out", "photos"])
        assertCleanError(refused, mentions: [cli.url("photos").path, "files that are not a run's (a.png and 1 more)", "new or empty folder"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cli.url("photos").path).sorted(), ["a.png", "b.png"])
        // Past the folder check, USPS is not cached (no mirror): the error is about the data, not the folder.
        try FileManager.default.createDirectory(at: cli.url("logged"), withIntermediateDirectories: true)
        try Data().write(to: cli.url("logged/train.log"))
        try Data([1]).write(to: cli.url("logged/.DS_Store"))
        let logged = try cli.run(["train", "USPS", "--out", "logged", "--offline"])
        XCTAssertNotEqual(logged.status, 0)
        XCTAssertFalse(logged.stderr.contains("not a run's"), logged.stderr)
        XCTAssertTrue(logged.stderr.contains("USPS"), logged.stderr)
    }

    /// A negative cell index reads as an option; the message says so instead of "Missing expected argument".
    func testNegativeCellIndexIsExplained() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let result = try cli.run(["sweep", "cell", "sweep", "-1"])
        assertCleanError(result, mentions: ["-1", "read as an option"])
    }

    /// The exit status rule the README states: 64 for a command line that is wrong before any data is read (a value
    /// the registry entry rules out: more classes or clusters than it has), 1 for what the data turns out to hold.
    func testExitStatusSaysWhenTheProblemWasFound() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try OwnDataFixtures().writeFolder(cli.url("tree"))
        XCTAssertEqual(try cli.run(["data", "import", "own", "--from", cli.url("tree").path, "--quiet"]).status, 0)
        let classes = try cli.run(["train", "own", "--classes", "100"])
        assertCleanError(classes, mentions: ["--classes 100", "own has 3 classes"])
        XCTAssertEqual(classes.status, 64)
        // n* against the entry's image count is found before any data is read too.
        let clusters = try cli.run(["train", "own", "--clusters", "60"])
        assertCleanError(clusters, mentions: ["clusters = 60", "60 images", "give --clusters K with K < 60"])
        XCTAssertEqual(clusters.status, 64)
    }

    /// The help states the defaults of --epochs-per-period and --max-epochs.
    func testTrainHelpStatesEpochDefaults() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let help = try cli.run(["train", "--help"])
        XCTAssertEqual(help.status, 0, help.output)
        let text = help.stdout.replacingOccurrences(of: "\n", with: " ").split(separator: " ").joined(separator: " ")
        XCTAssertTrue(text.contains("(default: the dataset's; 20 for every registered and imported dataset)"), text)
        XCTAssertTrue(text.contains("Total epoch cap over all periods (default: 1000)"), text)
    }
}
