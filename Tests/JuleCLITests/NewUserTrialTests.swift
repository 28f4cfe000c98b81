import Foundation
import XCTest
import _JuleTestSupport

/// What a new user's trial with their own images ran into (import, train, eval, show, embed, sweep, report), each
/// now either a sensible result or one `error:` line that names the value and the way out.
final class NewUserTrialTests: XCTestCase {
    /// A paper dataset with no downloadable source (USPS) comes only from a mirror: the offline error says where to
    /// put which file, not `jule data import USPS` (refused), and `jule data list` says "mirror only" for it.
    func testMirrorOnlyDatasetsPointAtTheMirror() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let fetched = try cli.run(["data", "fetch", "USPS", "--offline"])
        assertCleanError(fetched, mentions: ["USPS: not available offline", "USPS/usps11000_fea-gnd/USPS.mat",
                                             "--mirror DIR or JULE_MIRROR", cli.cache.appendingPathComponent("downloads").path])
        XCTAssertFalse(fetched.stderr.contains("jule data import"), fetched.stderr)
        // FRGC has no source of its own: importing it is the way.
        assertCleanError(try cli.run(["data", "fetch", "FRGC", "--offline"]), mentions: ["jule data import FRGC --from PATH"])
        let listed = try cli.run(["data", "list"])
        XCTAssertEqual(listed.status, 0, listed.output)
        let lines = listed.stdout.split(separator: "\n")
        for name in ["USPS", "UMist", "CMU-PIE"] {
            let line = try XCTUnwrap(lines.first { $0.hasPrefix(name + " ") }, listed.stdout)
            XCTAssertTrue(line.contains("mirror only:"), String(line))
        }
        XCTAssertTrue(try XCTUnwrap(lines.first { $0.hasPrefix("FRGC ") }).contains("import only:"), listed.stdout)
        // A mistyped name gets the closest one.
        assertCleanError(try cli.run(["data", "info", "coil20"]), mentions: ["unknown dataset 'coil20' (did you mean COIL-20?)"])
    }

    /// An image beside the class folders has no class: the import names it and says to move it, and writes nothing;
    /// with --unlabelled the classes are dropped anyway, so it imports.
    func testLooseImageBesideClassFoldersIsNamed() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let data = OwnDataFixtures(perClass: 4)
        try data.writeFolder(cli.url("tree"))
        try data.writeImage(0, to: cli.url("tree/stray.png"))
        assertCleanError(try cli.run(["data", "import", "own", "--from", cli.url("tree").path]),
                         mentions: [cli.url("tree/stray.png").path, "beside the class folders (class-0, class-1, class-2)",
                                    "move it into a class folder"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.cache.appendingPathComponent("own.h5").path))
        let unlabelled = try cli.run(["data", "import", "own", "--from", cli.url("tree").path, "--unlabelled", "--quiet"])
        XCTAssertEqual(unlabelled.status, 0, unlabelled.output)
        XCTAssertTrue(unlabelled.stdout.contains("imported 13 images, unlabelled"), unlabelled.output)
    }

    /// IDX images without a labels file: the warning says no labels were found (not "all images have one label").
    func testMissingLabelsFileIsSaidSo() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let images = try OwnDataFixtures(perClass: 4).writeIDX(in: cli.url("idx"))
        try FileManager.default.removeItem(at: cli.url("idx/set-labels-idx1-ubyte.gz"))
        let imported = try cli.run(["data", "import", "digits", "--from", images.path])
        XCTAssertEqual(imported.status, 0, imported.output)
        XCTAssertTrue(imported.stderr.contains("warning: digits: no labels found (no labels file beside set-images-idx3-ubyte.gz; --labels FILE gives one)"),
                      imported.output)
        XCTAssertFalse(imported.stderr.contains("have one label"), imported.output)
    }

    /// An unlabelled import through every command after `train`: the sweep plan checks n* before any cell runs,
    /// eval gives cluster sizes instead of meaningless scores, the report shows the run, and bad output paths or run
    /// folders are one line.
    func testUnlabelledDataThroughEveryCommand() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try OwnDataFixtures().writeFolder(cli.url("flat"), classFolders: false)
        XCTAssertEqual(try cli.run(["data", "import", "loose", "--from", cli.url("flat").path, "--quiet"]).status, 0)

        // Sweep plan: no clusters, or as many clusters as images, is refused at plan time; no manifest is written.
        for (overrides, mentions) in [(#"{"epochsPerPeriod": 1}"#, ["loose is unlabelled", "clusters = K"]),
                                      (#"{"clusters": 60}"#, ["clusters = 60", "1…59", "60 images"])] {
            try #"{"name": "own", "datasets": ["loose"], "seeds": [1], "overrides": [\#(overrides)]}"#
                .write(to: cli.url("own.json"), atomically: true, encoding: .utf8)
            assertCleanError(try cli.run(["sweep", "plan", "own.json", "--out", "sweep"]), mentions: mentions)
            XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("sweep/manifest.json").path))
        }

        let trained = try cli.run(["train", "loose", "--clusters", "3", "--epochs-per-period", "1", "--out", "runs/loose", "--quiet"])
        XCTAssertEqual(trained.status, 0, trained.output)

        // Eval against an unlabelled dataset: sizes, and why there are no scores.
        let evaluated = try cli.run(["eval", "--dataset", "loose", "--pred", "runs/loose/labels-rc.txt", "--format", "table"])
        XCTAssertEqual(evaluated.status, 0, evaluated.output)
        XCTAssertTrue(evaluated.stdout.contains("loose is unlabelled: no scores"), evaluated.output)
        XCTAssertTrue(evaluated.stdout.contains("60 images in 3 clusters"), evaluated.output)
        // One line, and no score anywhere in it.
        XCTAssertEqual(evaluated.stdout.split(separator: "\n").count, 1, evaluated.output)
        XCTAssertNil(evaluated.stdout.range(of: #"[0-9]\.[0-9]"#, options: .regularExpression), evaluated.output)
        let json = try cli.run(["eval", "--dataset", "loose", "--pred", "runs/loose/labels-rc.txt"])
        XCTAssertTrue(json.stdout.contains(#""labelled": false"#), json.output)
        XCTAssertFalse(json.stdout.contains("nmi"), json.output)

        // The report lists the run with its cluster counts.
        let report = try cli.run(["report", "--records", "runs", "--out", "report", "--no-pictures"])
        XCTAssertEqual(report.status, 0, report.output)
        let readme = try String(contentsOf: cli.url("report/README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("| loose | port2 clusters=3 epochsPerPeriod=1 | 1 | RC | – | – | – | unlabelled: 3 clusters |"), readme)

        // Output files: a missing folder is named (and not created), a folder is not a file name.
        let shown = try cli.run(["show", "--run", "runs/loose", "--out", "missing/deeper/x.png"])
        assertCleanError(shown, mentions: ["--out missing/deeper/x.png", "no folder", "missing/deeper", "create it first"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("missing").path))
        assertCleanError(try cli.run(["show", "--run", "runs/loose", "--confusion", "runs"]), mentions: ["--confusion runs", "is a folder"])

        // Embed: a run folder that is not there, an --out that is a folder.
        assertCleanError(try cli.run(["embed", "--run", "nothere", "--images", cli.url("flat").path, "--list"]),
                         mentions: ["--run nothere", "no such folder"])
        // show's --run the same way, a usage error as embed's (it was "record.json: cannot read", exit 1).
        let show = try cli.run(["show", "--run", "nothere", "--out", "x.png"])
        assertCleanError(show, mentions: ["--run nothere: no such folder (give the --out DIR of a finished jule train)"])
        XCTAssertEqual(show.status, 64, show.output)
        try FileManager.default.createDirectory(at: cli.url("empty"), withIntermediateDirectories: true)
        let notRun = try cli.run(["show", "--run", "empty", "--out", "x.png"])
        assertCleanError(notRun, mentions: ["--run empty: no record.json there (not a finished jule train --out DIR)"])
        XCTAssertEqual(notRun.status, 64, notRun.output)
        let intoFolder = try cli.run(["embed", "--run", "runs/loose", "--images", cli.url("flat").path, "--out", "runs"])
        assertCleanError(intoFolder, mentions: ["--out runs", "is a folder"])
        XCTAssertFalse(intoFolder.stderr.contains(".tmp"), intoFolder.stderr)
        let embedded = try cli.run(["embed", "--run", "runs/loose", "--images", cli.url("flat").path, "--out", "runs/emb.h5"])
        XCTAssertEqual(embedded.status, 0, embedded.output)
    }
}
