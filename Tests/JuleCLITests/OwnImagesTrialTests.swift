import Foundation
import JuleData
import XCTest
import _JuleTestSupport

/// Findings of a new-user trial on own images (2026-12-04): an import from the tool's own cache file, an epoch cap
/// that ends JULE-SF above n*, `embed --list` with a model alone, `show` on a run without RC.
final class OwnImagesTrialTests: XCTestCase {
    private func importedFolder(_ cli: CLI) throws {
        try OwnDataFixtures(perClass: 12).writeFolder(cli.url("pictures"))
        let result = try cli.run(["data", "import", "own", "--from", cli.url("pictures").path, "--quiet"])
        XCTAssertEqual(result.status, 0, result.output)
    }

    /// Imported again from its own cache file, a dataset keeps its file and class names, so `jule check` of a run
    /// made before compares its clusters.tsv too and says identical.
    func testCheckAfterReimportFromCacheFile() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedFolder(cli)
        let trained = try cli.run(["train", "own", "--epochs-per-period", "1", "--portable", "--out", "run", "--quiet"])
        XCTAssertEqual(trained.status, 0, trained.output)
        try FileManager.default.copyItem(at: cli.cache.appendingPathComponent("own.h5"), to: cli.url("own-copy.h5"))
        let again = try cli.run(["data", "import", "own", "--from", cli.url("own-copy.h5").path, "--quiet"])
        XCTAssertEqual(again.status, 0, again.output)
        let info = try cli.run(["data", "info", "own"])
        XCTAssertTrue(info.stdout.contains("class-0"), info.output)
        let check = try cli.run(["check", "run", "--quiet"])
        XCTAssertEqual(check.status, 0, check.output)
        XCTAssertTrue(check.stdout.contains("clusters.tsv: same"), check.output)
        XCTAssertTrue(check.stdout.contains("identical: "), check.output)
        // From a JULE .h5 without names (the same pixels and labels): the table cannot be compared, and is not blamed.
        let cached = try DatasetCache.read(at: cli.cache.appendingPathComponent("own.h5")).dataset
        try HDF5File.writeAtomically(to: cli.url("plain.h5")) { file in
            try file.write(cached.pixels, shape: [cached.count, cached.channels, cached.height, cached.width], to: "data")
            try file.write(cached.labels, shape: [cached.count], to: "labels")
        }
        XCTAssertEqual(try cli.run(["data", "import", "own", "--from", cli.url("plain.h5").path, "--quiet"]).status, 0)
        let unnamed = try cli.run(["check", "run", "--quiet"])
        XCTAssertEqual(unnamed.status, 0, unnamed.output)
        XCTAssertTrue(unnamed.stdout.contains("clusters.tsv: the re-run wrote none (the dataset as imported now has no file names"), unnamed.output)
        XCTAssertTrue(unnamed.stdout.contains("(clusters.tsv of a dataset that now has no file names"), unnamed.output)
    }

    /// An epoch cap that stops training above n* is said, with what JULE-RC still does.
    func testEpochCapEndingSFAboveTargetIsSaid() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedFolder(cli)
        let trained = try cli.run(["train", "own", "--max-epochs", "1", "--epochs-per-period", "1", "--eta", "0.2"])
        XCTAssertEqual(trained.status, 0, trained.output)
        XCTAssertTrue(trained.stderr.contains("warning: own: the epoch cap (maxEpochs 1) ended JULE-SF at "), trained.output)
        XCTAssertTrue(trained.stderr.contains("not n* = 3; JULE-RC still clusters to 3"), trained.output)
    }

    /// A registry dataset with no source files (import-only) says so, not "looked for  in …" with no file named.
    func testImportOnlyDatasetSaysSoOffline() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        assertCleanError(try cli.run(["data", "fetch", "ImageNet-10", "--offline"]),
                         mentions: ["ImageNet-10: not available offline (an import-only dataset: the registry records no files to fetch;",
                                    "jule data import ImageNet-10 --from PATH"])
    }

    /// `embed --list` with a model and no run has no clusters to list: refused, with what would give them.
    func testEmbedListWithModelAloneIsRefused() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let result = try cli.run(["embed", "--model", "m.ckpt", "--images", "x", "--list"])
        assertCleanError(result, mentions: ["--list without --run shows no clusters", "--out FILE.h5"])
        XCTAssertEqual(result.status, 64)
    }

    /// `show --run` on a run made with --no-rc draws its JULE-SF partition and says so; asking for RC is refused.
    func testShowFallsBackToSFForARunWithoutRC() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedFolder(cli)
        let trained = try cli.run(["train", "own", "--epochs-per-period", "1", "--no-rc", "--out", "run", "--quiet"])
        XCTAssertEqual(trained.status, 0, trained.output)
        let shown = try cli.run(["show", "--run", "run", "--out", cli.url("m.png").path])
        XCTAssertEqual(shown.status, 0, shown.output)
        XCTAssertTrue(shown.stderr.contains("has no JULE-RC partition (a --no-rc run): showing JULE-SF"), shown.output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: cli.url("m.png").path))
        assertCleanError(try cli.run(["show", "--run", "run", "--variant", "rc", "--out", cli.url("r.png").path]),
                         mentions: ["try --variant sf"])
    }
}
