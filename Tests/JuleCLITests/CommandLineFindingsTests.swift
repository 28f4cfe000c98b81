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
}
