import Foundation
import XCTest
import _JuleTestSupport

/// Two new users' trials: exit 64 for what the command line gets wrong before any data is read and 1 for what files
/// hold; sweep plans that would make two cells of one computation or write among other files; import-only registry
/// names taking other images; the smaller points (convolution and seed errors, sweep cell on a held cell).
final class SweepPlanningAndExitCodeTests: XCTestCase {
    private func importedSet(_ cli: CLI) throws {
        try OwnDataFixtures().writeNPZ(cli.url("set.npz"))
        XCTAssertEqual(try cli.run(["data", "import", "own", "--from", cli.url("set.npz").path, "--quiet"]).status, 0)
    }

    private func write(_ text: String, _ name: String, _ cli: CLI) throws {
        try text.write(to: cli.url(name), atomically: true, encoding: .utf8)
    }

    func testUsageErrorsFoundBeforeDataAreExit64() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        // The README's own example, on a dataset not even fetched: refused before the data is looked for.
        let batch = try cli.run(["train", "MNIST-full", "--set", "training.batchSize=0"])
        assertCleanError(batch, mentions: ["training.batchSize = 0", "≥ 3"])
        XCTAssertEqual(batch.status, 64)
        let profile = try cli.run(["train", "MNIST-full", "--profile", "foo"])
        assertCleanError(profile, mentions: ["--profile foo", "port"])
        XCTAssertEqual(profile.status, 64)
        XCTAssertEqual(try cli.run(["cluster", "MNIST-full", "--profile", "foo"]).status, 64)
        XCTAssertEqual(try cli.run(["train", "MNIST-full", "--set", "training.margin=abc"]).status, 64)
        XCTAssertEqual(try cli.run(["train", "MNIST-full", "--set", "training.marginn=1"]).status, 64)
        // Slurm's values, before the sweep folder (here none) is read.
        let memory = try cli.run(["sweep", "slurm", "no-such-sweep", "--memory", "8X"])
        assertCleanError(memory, mentions: ["--memory 8X"])
        XCTAssertEqual(memory.status, 64)
        // Import names: characters, length, a clash in letter case.
        try importedSet(cli)
        for name in ["a b", "a\nb", String(repeating: "n", count: 129), "OWN"] {
            let result = try cli.run(["data", "import", name, "--from", cli.url("set.npz").path])
            assertCleanError(result, mentions: ["dataset name"])
            XCTAssertEqual(result.status, 64, name)
        }
    }

    func testCheckOfAnEditedRecordIsAFileErrorExit1() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let original = CLI.repository.appendingPathComponent("results/sweeps/port/cells/COIL-20-s1-2d6ec449/record.json")
        let text = try String(contentsOf: original, encoding: .utf8)
        let edited = text.replacingOccurrences(of: "\"epochsPerPeriod\" : 20", with: "\"epochsPerPeriod\" : 19")
        XCTAssertNotEqual(edited, text)
        try FileManager.default.createDirectory(at: cli.url("run"), withIntermediateDirectories: true)
        try write(edited, "run/record.json", cli)
        let result = try cli.run(["check", "run"])
        assertCleanError(result, mentions: ["run/record.json", "was edited"])
        XCTAssertEqual(result.status, 1)
    }

    func testOverrideSetsOfOneComputationAreRefused() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli)
        // 20 epochs per period is the default: the two sets differ only in what they list.
        try write(#"{"name": "s", "datasets": ["own"], "seeds": [1], "overrides": [{}, {"epochsPerPeriod": 20}]}"#, "same.json", cli)
        let result = try cli.run(["sweep", "plan", "same.json", "--out", "sweep"])
        assertCleanError(result, mentions: ["override sets 1 and 2", "the same configuration", "differ only in the overrides"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("sweep/manifest.json").path))
        try write(#"{"name": "s", "datasets": ["own"], "seeds": [1], "overrides": [{}, {"epochsPerPeriod": 2}]}"#, "two.json", cli)
        XCTAssertEqual(try cli.run(["sweep", "plan", "two.json", "--out", "sweep"]).status, 0)
    }

    func testSweepPlanRefusesAFolderOfOtherFiles() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli)
        try write(#"{"name": "s", "datasets": ["own"], "seeds": [1]}"#, "s.json", cli)
        for (folder, file) in [("photos", "a.txt"), ("run", "record.json")] {
            try FileManager.default.createDirectory(at: cli.url(folder), withIntermediateDirectories: true)
            try write("x", "\(folder)/\(file)", cli)
            let result = try cli.run(["sweep", "plan", "s.json", "--out", folder])
            assertCleanError(result, mentions: [folder, file, "not a sweep's"])
            XCTAssertEqual(result.status, 1)
            XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("\(folder)/manifest.json").path))
        }
        // A sweep's own folder is planned again: manifest, cells, Slurm scripts, a report beside the records.
        XCTAssertEqual(try cli.run(["sweep", "plan", "s.json", "--out", "sweep"]).status, 0)
        XCTAssertEqual(try cli.run(["sweep", "slurm", "sweep"]).status, 0)
        try write("# Results\n", "sweep/README.md", cli)
        XCTAssertEqual(try cli.run(["sweep", "plan", "s.json", "--out", "sweep"]).status, 0)
        // A trailing comma is not JSON: refused with where it is.
        try write("{\"name\": \"s\", \"datasets\": [\"own\",], \"seeds\": [1]}", "comma.json", cli)
        assertCleanError(try cli.run(["sweep", "plan", "comma.json", "--out", "c"]),
                         mentions: ["comma.json", "a comma before ']' at line 1, column 33"])
    }

    func testImportUnderARegistryNameNeedsItsCounts() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        // 60 images of 3 classes (resized to FRGC's 3×32×32): not the paper's 2462 images of 20 classes.
        try OwnDataFixtures().writeFolder(cli.url("mini"))
        let result = try cli.run(["data", "import", "FRGC", "--from", cli.url("mini").path, "--quiet"])
        assertCleanError(result, mentions: ["60 images in 3 classes", "FRGC", "2462 in 20", "jule data import my-FRGC"])
        XCTAssertEqual(result.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.cache.appendingPathComponent("FRGC.h5").path))
    }

    func testSmallerPoints() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli)
        // An unknown convolution lists the allowed ones, in a sweep file and on the command line.
        try write(#"{"name": "s", "datasets": ["own"], "seeds": [1], "convolution": "fft"}"#, "conv.json", cli)
        assertCleanError(try cli.run(["sweep", "plan", "conv.json"]),
                         mentions: ["conv.json", "'fft' is not a convolution (one of im2col, winograd, winograd4x4)"])
        let option = try cli.run(["train", "own", "--convolution", "fft"])
        assertCleanError(option, mentions: ["fft", "im2col", "winograd4x4"])
        XCTAssertEqual(option.status, 64)
        // A negative seed names "seeds".
        try write(#"{"name": "s", "datasets": ["own"], "seeds": [1, -1]}"#, "seed.json", cli)
        assertCleanError(try cli.run(["sweep", "plan", "seed.json"]), mentions: ["seed.json", "\"seeds\"[1]: -1 is not a seed"])
        // A cell another process holds is not a success: Slurm's afterok must not start the report job on it.
        try write(#"{"name": "s", "datasets": ["own"], "seeds": [1]}"#, "s.json", cli)
        XCTAssertEqual(try cli.run(["sweep", "plan", "s.json", "--out", "sweep"]).status, 0)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: cli.url("sweep/manifest.json"))) as? [String: Any]
        let id = try XCTUnwrap(((manifest?["cells"] as? [[String: Any]])?.first?["id"]) as? String)
        try FileManager.default.createDirectory(at: cli.url("sweep/cells/\(id)"), withIntermediateDirectories: true)
        try write("node-elsewhere 4242\n", "sweep/cells/\(id)/lock", cli)
        let held = try cli.run(["sweep", "cell", "sweep", "0"])
        XCTAssertEqual(held.status, 1, held.output)
        XCTAssertTrue(held.stderr.contains("error: \(id): held by another process (pid 4242 on node-elsewhere); nothing done"), held.stderr)
        // sweep status reports; its exit status stays 0 (the Slurm report job runs it under set -e).
        XCTAssertEqual(try cli.run(["sweep", "status", "sweep"]).status, 0)
        // The cell's dataset removed since the plan: said as such (not an unknown name and every known one), in failed.txt too.
        try FileManager.default.removeItem(at: cli.url("sweep/cells/\(id)/lock"))
        XCTAssertEqual(try cli.run(["data", "remove", "own"]).status, 0)
        let gone = try cli.run(["sweep", "cell", "sweep", "0"])
        let why = "dataset own is neither in the registry nor imported in the cache \(cli.cache.path) (removed since the sweep was planned"
        assertCleanError(gone, mentions: ["cell \(id) failed: " + why])
        XCTAssertFalse(gone.stderr.contains("known:"), gone.stderr)
        XCTAssertTrue(try String(contentsOf: cli.url("sweep/cells/\(id)/failed.txt"), encoding: .utf8).hasPrefix(why))
    }
}
