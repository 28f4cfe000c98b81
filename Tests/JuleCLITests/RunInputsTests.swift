import Foundation
import XCTest
import JuleData
import _JuleTestSupport

/// Commands that read a run with other inputs check that they belong together (a second new-user trial): `jule embed`
/// (model and run, images of every kind), eval/cluster/show of a `--classes K` run's outputs, show/check of a run whose
/// import was removed, and runs or clusterings that end with fewer clusters than n*.
final class RunInputsTests: XCTestCase {
    /// `name` imported from a folder of class folders (so its cache keeps the file names), 3 classes of `perClass`.
    private func importedFolder(_ cli: CLI, name: String = "own", side: Int = 16, perClass: Int = 20) throws {
        try OwnDataFixtures(perClass: perClass, side: side).writeFolder(cli.url("\(name)-images"))
        let imported = try cli.run(["data", "import", name, "--from", cli.url("\(name)-images").path, "--quiet"])
        XCTAssertEqual(imported.status, 0, imported.output)
    }

    func testEmbedChecksItsInputs() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedFolder(cli)
        try importedFolder(cli, name: "small", side: 8)
        for (name, run) in [("own", "runs/a"), ("small", "runs/b")] {
            let trained = try cli.run(["train", name, "--epochs-per-period", "1", "--out", run, "--quiet"])
            XCTAssertEqual(trained.status, 0, trained.output)
        }
        let cache = cli.cache.appendingPathComponent("own.h5").path
        // Another run's model against this run's centroids: refused, naming what differs.
        assertCleanError(try cli.run(["embed", "--run", "runs/a", "--model", "runs/b/model.ckpt", "--images", cache, "--list"]),
                         mentions: ["--model runs/b/model.ckpt is not the model of run runs/a", "it takes 1x8x8 images, the run's network 1x16x16",
                                    "--model alone"])
        // The same input size, trained with another seed: the trainer's seed tells.
        XCTAssertEqual(try cli.run(["train", "own", "--seed", "2", "--epochs-per-period", "1", "--out", "runs/a2", "--quiet"]).status, 0)
        assertCleanError(try cli.run(["embed", "--run", "runs/a", "--model", "runs/a2/model.ckpt", "--images", cache, "--list"]),
                         mentions: ["is not the model of run runs/a", "seed (not 1)"])
        // Its own model, named explicitly, is fine.
        XCTAssertEqual(try cli.run(["embed", "--run", "runs/a", "--model", "runs/a/model.ckpt", "--images", cache, "--list"]).status, 0)
        // Neither --out nor --list: nothing would come of it.
        assertCleanError(try cli.run(["embed", "--model", "runs/a/model.ckpt", "--images", cache]), mentions: ["--out FILE.h5 or --list"])
        // A dataset cache: its image names, and a header over the table.
        let listed = try cli.run(["embed", "--run", "runs/a", "--images", cache, "--list"])
        XCTAssertEqual(listed.status, 0, listed.output)
        let lines = listed.stdout.split(separator: "\n")
        // A run on labelled image files: each cluster's main class in the run, and its share, close the line.
        XCTAssertEqual(lines.first, "index\tfile\tcluster\tcosine\tcluster_class\tclass_share", listed.stdout)
        XCTAssertEqual(lines.count, 61, listed.stdout)
        XCTAssertTrue(lines[1].hasPrefix("0\tclass-0/"), listed.stdout)
        XCTAssertFalse(listed.stdout.contains("#0"), listed.stdout)
        // One image file.
        try OwnDataFixtures().writeImage(4, to: cli.url("one.png"))
        let one = try cli.run(["embed", "--run", "runs/a", "--images", "one.png", "--list"])
        XCTAssertEqual(one.status, 0, one.output)
        XCTAssertEqual(one.stdout.split(separator: "\n").count, 2, one.stdout)
        XCTAssertTrue(one.stdout.contains("\n0\tone.png\t"), one.stdout)
        // An .h5 of another size: --resize applies to it as to image files.
        assertCleanError(try cli.run(["embed", "--run", "runs/b", "--images", cache, "--list"]), mentions: ["16x16", "8x8", "--resize"])
        let resized = try cli.run(["embed", "--run", "runs/b", "--images", cache, "--list", "--resize"])
        XCTAssertEqual(resized.status, 0, resized.output)
        XCTAssertTrue(resized.stderr.contains("warning: resized 60 of 60 images (height×width 16x16) to the network's 8x8"), resized.output)
    }

    /// A `--classes K` run's label files and embeddings cover the first K classes: eval, cluster and show restrict
    /// the dataset the same way; a label file taken out of its run folder gets a mismatch that names --classes.
    func testClassLimitedRunsAreScoredOnTheirClasses() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedFolder(cli)
        let trained = try cli.run(["train", "own", "--classes", "2", "--epochs-per-period", "1", "--out", "runs/c2",
                                   "--save-embeddings", "--quiet"])
        XCTAssertEqual(trained.status, 0, trained.output)
        let scored = try cli.run(["eval", "--dataset", "own", "--pred", "runs/c2/labels-rc.txt", "--format", "table"])
        XCTAssertEqual(scored.status, 0, scored.output)
        XCTAssertTrue(scored.stdout.contains("true classes") && scored.stdout.range(of: #"samples\s+40\n"#, options: .regularExpression) != nil,
                      scored.stdout)
        XCTAssertTrue(scored.stdout.range(of: #"true classes\s+2\n"#, options: .regularExpression) != nil, scored.stdout)
        let clustered = try cli.run(["cluster", "own", "--features", "embeddings", "--embeddings", "runs/c2/embeddings.h5"])
        XCTAssertEqual(clustered.status, 0, clustered.output)
        XCTAssertTrue(clustered.stdout.contains("→ 2 clusters"), clustered.stdout)
        let shown = try cli.run(["show", "--dataset", "own", "--labels", "runs/c2/labels-rc.txt", "--out", "c2.png"])
        XCTAssertEqual(shown.status, 0, shown.output)
        try FileManager.default.copyItem(at: cli.url("runs/c2/labels-rc.txt"), to: cli.url("loose.txt"))
        assertCleanError(try cli.run(["eval", "--dataset", "own", "--pred", "loose.txt"]),
                         mentions: ["dataset own has 60 images but loose.txt has 40 labels", "--classes K", "record.json"])
    }

    /// A run on an import removed since: show and check say which import and how to bring it back.
    func testRunOfARemovedImportSaysHowToReimport() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedFolder(cli)
        // Another import stays (removing the last one is refused by `jule data remove` for now: an empty imported.json).
        try importedFolder(cli, name: "other", perClass: 2)
        XCTAssertEqual(try cli.run(["train", "own", "--epochs-per-period", "1", "--out", "runs/a", "--quiet"]).status, 0)
        let removed = try cli.run(["data", "remove", "own"])
        XCTAssertEqual(removed.status, 0, removed.output)
        let again = "jule data import own --from \(cli.url("own-images").path)"
        for command in [["show", "--run", "runs/a", "--out", "a.png"], ["check", "runs/a"]] {
            let result = try cli.run(command)
            assertCleanError(result, mentions: ["run runs/a used imported dataset own", "not in the cache \(cli.cache.path)", again])
            XCTAssertFalse(result.stderr.contains("known:"), result.stderr)
        }
        // A record from before it kept the import's path still says what to do.
        let recordURL = cli.url("runs/a/record.json")
        var record = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: recordURL)) as? [String: Any])
        XCTAssertNotNil(record.removeValue(forKey: "importedFrom"))
        try JSONSerialization.data(withJSONObject: record).write(to: recordURL)
        assertCleanError(try cli.run(["show", "--run", "runs/a"]), mentions: ["jule data import own --from PATH"])
    }

    /// Classes of one constant image each (brightness apart, the same after scaling each image to unit length): the
    /// run and the raw-pixel baseline end with one cluster against n* = 3 and say why.
    func testFewerClustersThanTargetAreExplained() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        for (c, value) in [(0, 60), (1, 120), (2, 180)] {
            let folder = cli.url("flat/class-\(c)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for n in 0..<10 {
                try PNGCodec.encode([UInt8](repeating: UInt8(value), count: 64), height: 8, width: 8, channels: 1)
                    .write(to: folder.appendingPathComponent("\(n).png"))
            }
        }
        XCTAssertEqual(try cli.run(["data", "import", "flat", "--from", cli.url("flat").path, "--quiet"]).status, 0)
        let trained = try cli.run(["train", "flat", "--epochs-per-period", "1", "--quiet"])
        XCTAssertEqual(trained.status, 0, trained.output)
        XCTAssertTrue(trained.stderr.contains("warning: flat: JULE-SF ended with 1 cluster, fewer than n* = 3: the 30 images give only 1 distinct raw-pixel feature vector"),
                      trained.output)
        let clustered = try cli.run(["cluster", "flat"])
        XCTAssertEqual(clustered.status, 0, clustered.output)
        XCTAssertTrue(clustered.stderr.contains("warning: flat: agglomerative clustering ended with 1 cluster, fewer than n* = 3: the 30 images give only 1 distinct"),
                      clustered.output)
    }
}
