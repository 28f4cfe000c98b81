import Foundation
import XCTest
import _JuleTestSupport

/// The findings of a user trial on tiny imports (a few 16×16 images): what `jule train`, `jule cluster` and
/// `jule report` say when RC needs no merges, when n* cannot be reached, and when a run is refused.
final class TinyDataTrialTests: XCTestCase {
    /// Three identical images, unlabelled: RC's 1-NN components are already n* = 1, so RC makes no merges; the train
    /// table, the record, the report and runs.csv still show JULE-RC's cluster count, as for labelled data.
    func testUnlabelledRunWithoutRCMergesShowsRC() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let fixture = OwnDataFixtures(classes: 1, perClass: 1)
        try FileManager.default.createDirectory(at: cli.url("same"), withIntermediateDirectories: true)
        for name in ["a", "b", "c"] { try fixture.writeImage(0, to: cli.url("same/\(name).png")) }
        XCTAssertEqual(try cli.run(["data", "import", "same", "--from", cli.url("same").path, "--quiet"]).status, 0)

        let trained = try cli.run(["train", "same", "--clusters", "1", "--epochs-per-period", "1", "--out", "runs/same", "--quiet"])
        XCTAssertEqual(trained.status, 0, trained.output)
        XCTAssertTrue(trained.stdout.contains("JULE-SF  1 clusters"), trained.output)
        XCTAssertTrue(trained.stdout.contains("JULE-RC  1 clusters"), trained.output)

        let report = try cli.run(["report", "--records", "runs", "--out", "report", "--no-pictures"])
        XCTAssertEqual(report.status, 0, report.output)
        let readme = try String(contentsOf: cli.url("report/README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("| RC | – | – | – | unlabelled: 1 cluster |"), readme)
        let runs = try String(contentsOf: cli.url("report/runs.csv"), encoding: .utf8).split(separator: "\n")
        let header = runs[0].split(separator: ",", omittingEmptySubsequences: false)
        let row = runs[1].split(separator: ",", omittingEmptySubsequences: false)
        let column = try XCTUnwrap(header.firstIndex(of: "rc_clusters"))
        XCTAssertEqual(row[column], "1", runs.joined(separator: "\n"))

        // `jule cluster` asked for 2 clusters of identical images ends with 1, and its header says so.
        let clustered = try cli.run(["cluster", "same", "--clusters", "2"])
        XCTAssertEqual(clustered.status, 0, clustered.output)
        XCTAssertTrue(clustered.stdout.contains("→ 1 cluster (fewer than n* = 2, see the warning)"), clustered.output)
        XCTAssertFalse(clustered.stdout.contains("→ 2 clusters"), clustered.output)
        XCTAssertTrue(clustered.stderr.contains("ended with 1 cluster, fewer than n* = 2: the 3 images give only 1 distinct"),
                      clustered.output)
    }

    /// Two images in two classes: the default n* (2) leaves nothing to merge. `jule train` refuses before creating
    /// --out, naming the fix; a refusal found only once the images are counted (`--classes`) removes the folder it
    /// made; `jule sweep plan` refuses the dataset as train would.
    func testRefusedTrainLeavesNoFolderAndNamesTheFix() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try OwnDataFixtures(classes: 2, perClass: 1).writeFolder(cli.url("two"))
        let imported = try cli.run(["data", "import", "n2", "--from", cli.url("two").path, "--quiet"])
        XCTAssertEqual(imported.status, 0, imported.output)
        // The suggested next command is one train accepts: it names --clusters, as for unlabelled data.
        XCTAssertTrue(imported.stdout.contains(" train n2 --clusters K --out runs/n2"), imported.output)

        let refused = try cli.run(["train", "n2", "--out", "runs/n2"])
        assertCleanError(refused, mentions: ["clusters = 2 (the default n*, one cluster per class)", "2 images",
                                             "give --clusters K with K < 2"])
        XCTAssertEqual(refused.status, 64)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("runs").path))

        let subset = try cli.run(["train", "n2", "--classes", "2", "--out", "runs/sub"])
        assertCleanError(subset, mentions: ["clusters = 2", "n2's first 2 classes", "give --clusters K with K < 2"])
        XCTAssertEqual(subset.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("runs").path))

        try #"{"name": "tiny", "datasets": ["n2"], "seeds": [1]}"#.write(to: cli.url("tiny.json"), atomically: true, encoding: .utf8)
        assertCleanError(try cli.run(["sweep", "plan", "tiny.json", "--out", "sweep"]),
                         mentions: ["clusters = 2 (the default n*", "2 images of n2"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("sweep/manifest.json").path))
    }
}
