import Foundation
import XCTest
import JuleData
import _JuleTestSupport

/// Issue 19, point 1: a dataset of one's own, imported from every format, trains, clusters, plans and reports like a
/// registered one (network from the design rule, n* from its labels, no claims).
final class OwnDataEndToEndTests: XCTestCase {
    func testEveryImportFormatTrainsClustersPlansAndReports() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let data = OwnDataFixtures()
        try data.writeFolder(cli.url("folder"))
        try data.writeZip(cli.url("set.zip"))
        try data.writeH5(cli.url("set.h5"))
        let idx = try data.writeIDX(in: cli.url("idx"))
        try data.writeNPZ(cli.url("set.npz"))
        let npy = try data.writeNPYPair(in: cli.url("npy"))
        let sources = ["folder": cli.url("folder"), "zip": cli.url("set.zip"), "h5": cli.url("set.h5"), "idx": idx,
                       "npz": cli.url("set.npz"), "npy": npy]
        for (format, path) in sources.sorted(by: { $0.key < $1.key }) {
            let name = "own-\(format)"
            let imported = try cli.run(["data", "import", name, "--from", path.path])
            XCTAssertEqual(imported.status, 0, imported.output)
            // Grey images stay one channel, whatever the format stored.
            XCTAssertTrue(imported.stdout.contains("\(name): imported 60 images, 3 classes, 1x16x16"), imported.output)
            let trained = try cli.run(["train", name, "--epochs-per-period", "1", "--out", "runs/\(name)"])
            XCTAssertEqual(trained.status, 0, trained.output)
            XCTAssertTrue(trained.stdout.contains("JULE-RC"), trained.output)
            XCTAssertTrue(trained.stdout.contains("no claim"), trained.output)
            assertTableAligned(trained.stdout)
            let record = try JSONSerialization.jsonObject(with: Data(contentsOf: cli.url("runs/\(name)/record.json"))) as? [String: Any]
            XCTAssertEqual(record?["dataset"] as? String, name)
        }
        // The same labels from every format (label ids differ in the .h5 and are mapped by rank).
        let first = try String(contentsOf: cli.url("runs/own-folder/labels-rc.txt"), encoding: .utf8)
        let rcLabels = first.split(separator: "\n")
        XCTAssertEqual(rcLabels.count, 60)
        // Image files keep their names: clusters.tsv says which file went where, line for line with the label files;
        // formats without file names (.h5, IDX, NumPy) have no such table.
        for format in ["folder", "zip"] {
            let table = try String(contentsOf: cli.url("runs/own-\(format)/clusters.tsv"), encoding: .utf8)
                .split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
            XCTAssertEqual(table.first, ["file", "class", "sf", "rc"], format)
            XCTAssertEqual(table.count, 61, format)
            let rows = table.dropFirst()
            XCTAssertEqual(Set(rows.map { $0[0] }).count, 60, "one line per file")
            for row in rows {
                let n = try XCTUnwrap(Int(row[0].split(separator: "/").last!.dropLast(4)), row[0])
                XCTAssertEqual(row[0], "class-\(data.labels[n])/\(n).png")
                XCTAssertEqual(row[1], "class-\(data.labels[n])", "the class folder's name")
            }
            if format == "folder" { XCTAssertEqual(rows.map { Substring($0[3]) }, rcLabels) }
        }
        for format in ["h5", "idx", "npz", "npy"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("runs/own-\(format)/clusters.tsv").path), format)
        }

        let clustered = try cli.run(["cluster", "own-npz"])
        XCTAssertEqual(clustered.status, 0, clustered.output)
        XCTAssertTrue(clustered.stdout.contains("NMI (geometric)"), clustered.output)

        try #"{"name": "own", "datasets": ["own-idx", "own-npz"], "seeds": [1, 2], "overrides": [{"epochsPerPeriod": 1}]}"#
            .write(to: cli.url("own.json"), atomically: true, encoding: .utf8)
        let planned = try cli.run(["sweep", "plan", "own.json", "--out", "sweep"])
        XCTAssertEqual(planned.status, 0, planned.output)
        XCTAssertTrue(planned.stdout.contains("4 cells"), planned.output)

        let report = try cli.run(["report", "--records", "runs", "--out", "report"])
        XCTAssertEqual(report.status, 0, report.output)
        let table = try String(contentsOf: cli.url("report/README.md"), encoding: .utf8)
        for format in sources.keys { XCTAssertTrue(table.contains("| own-\(format) | port2 epochsPerPeriod=1 | 1 | RC |"), table) }
        XCTAssertTrue(table.contains("no claim"), table)
        XCTAssertFalse(table.contains("± 0.000"), "one seed is reported without a std: \(table)")
        // No claims to compare: `jule diff` says nothing was measured and fails.
        let diff = try cli.run(["diff", "--records", "runs"])
        XCTAssertNotEqual(diff.status, 0, diff.output)
        XCTAssertTrue(diff.stdout.contains("nothing measured"), diff.output)
    }

    /// What a new user's trial ran into, each now one `error:` line: an import over a paper dataset's name, --height
    /// without --width, a text file named .zip; a user's own name still imports again over itself.
    func testImportRefusalsAreOneLine() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try OwnDataFixtures().writeFolder(cli.url("sized"))
        assertCleanError(try cli.run(["data", "import", "huge", "--from", cli.url("sized").path, "--height", "100000",
                                      "--width", "100000"]), mentions: ["--height 100000", "1…1024"])
        try OwnDataFixtures(perClass: 2).writeFolder(cli.url("folder"))
        assertCleanError(try cli.run(["data", "import", "USPS", "--from", cli.url("folder").path]),
                         mentions: ["USPS is a registry dataset with its own source", "under another name", "my-USPS"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.cache.appendingPathComponent("USPS.h5").path))
        assertCleanError(try cli.run(["data", "import", "own", "--from", cli.url("folder").path, "--height", "40"]),
                         mentions: ["--height 40 without --width"])
        try "hello\n".write(to: cli.url("bad.zip"), atomically: true, encoding: .utf8)
        assertCleanError(try cli.run(["data", "import", "own", "--from", cli.url("bad.zip").path]),
                         mentions: [cli.url("bad.zip").path, "not a readable archive"])
        for _ in 0..<2 {
            let imported = try cli.run(["data", "import", "own", "--from", cli.url("folder").path, "--quiet"])
            XCTAssertEqual(imported.status, 0, imported.output)
            XCTAssertTrue(imported.stdout.contains("own: imported 6 images, 3 classes, 1x16x16"), imported.output)
        }
    }

    /// `jule show --run` on a `--classes K` run draws the images that run trained on (its label files hold only those).
    func testShowDrawsAClassLimitedRun() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try OwnDataFixtures().writeFolder(cli.url("folder"))
        XCTAssertEqual(try cli.run(["data", "import", "own", "--from", cli.url("folder").path, "--quiet"]).status, 0)
        let trained = try cli.run(["train", "own", "--classes", "2", "--epochs-per-period", "1", "--out", "runs/two", "--quiet"])
        XCTAssertEqual(trained.status, 0, trained.output)
        let shown = try cli.run(["show", "--run", "runs/two", "--out", "two.png"])
        XCTAssertEqual(shown.status, 0, shown.output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: cli.url("two.png").path))
    }

    /// `jule data remove`: an import goes entirely (entry and cache file); a typo among the names removes nothing.
    func testRemoveTakesAnImportAway() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try OwnDataFixtures().writeFolder(cli.url("folder"))
        for name in ["keep", "drop"] {
            XCTAssertEqual(try cli.run(["data", "import", name, "--from", cli.url("folder").path, "--quiet"]).status, 0)
        }
        let cacheFile = cli.cache.appendingPathComponent("drop.h5")
        XCTAssertTrue(FileManager.default.fileExists(atPath: cacheFile.path))
        assertCleanError(try cli.run(["data", "remove", "drop", "dorp"]), mentions: ["dorp"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: cacheFile.path), "nothing removed when a name is unknown")

        let removed = try cli.run(["data", "remove", "drop"])
        XCTAssertEqual(removed.status, 0, removed.output)
        XCTAssertTrue(removed.stdout.contains("drop: import removed; deleted \(cacheFile.path)"), removed.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cacheFile.path))
        let listed = try cli.run(["data", "list"])
        XCTAssertTrue(listed.stdout.contains("keep"), listed.output)
        XCTAssertFalse(listed.stdout.contains("drop"), listed.output)
        assertCleanError(try cli.run(["train", "drop"]), mentions: ["drop"])
        XCTAssertEqual(try cli.run(["data", "verify", "keep"]).status, 0, "the other import is untouched")

        // The last import: imported.json goes too (it wrote a registry of no datasets, which every command then
        // refused); such a file left by an older build counts as no imports.
        let last = try cli.run(["data", "remove", "keep"])
        XCTAssertEqual(last.status, 0, last.output)
        let importedRegistry = cli.cache.appendingPathComponent("imported.json")
        XCTAssertFalse(FileManager.default.fileExists(atPath: importedRegistry.path))
        XCTAssertEqual(try cli.run(["data", "list"]).status, 0)
        try #"{"schemaVersion": 1, "datasets": []}"#.write(to: importedRegistry, atomically: true, encoding: .utf8)
        let listedAfter = try cli.run(["data", "list"])
        XCTAssertEqual(listedAfter.status, 0, listedAfter.output)
        XCTAssertTrue(listedAfter.stdout.contains("USPS"), listedAfter.output)
    }

    func testUnlabelledImportGivesClustersWithoutMetrics() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let data = OwnDataFixtures()
        // Files directly in the root have no class: one label, a warning, an unlabelled dataset.
        try data.writeFolder(cli.url("flat"), classFolders: false)
        let imported = try cli.run(["data", "import", "loose", "--from", cli.url("flat").path])
        XCTAssertEqual(imported.status, 0, imported.output)
        XCTAssertTrue(imported.stdout.contains("imported 60 images, unlabelled, 1x16x16"), imported.output)
        // A warning reads the same with and without --quiet: `warning: NAME: …`; it says no labels were found.
        XCTAssertTrue(imported.stderr.contains("warning: loose: no class folders in flat (no labels found): imported as unlabelled"), imported.output)
        assertCleanError(try cli.run(["train", "loose"]), mentions: ["unlabelled", "--clusters"])
        let trained = try cli.run(["train", "loose", "--clusters", "3", "--epochs-per-period", "1", "--out", "runs/loose"])
        XCTAssertEqual(trained.status, 0, trained.output)
        XCTAssertTrue(trained.stdout.contains("unlabelled dataset: no metrics"), trained.output)
        XCTAssertFalse(trained.output.contains("NMI"), trained.output)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: cli.url("runs/loose/record.json"))) as? [String: Any]
        XCTAssertEqual(record?["unlabelled"] as? Bool, true)
        XCTAssertNil(record?["rc"])
        // Without classes the file table has no class column.
        let header = try String(contentsOf: cli.url("runs/loose/clusters.tsv"), encoding: .utf8).split(separator: "\n").first
        XCTAssertTrue(header == "file\tsf\trc" || header == "file\tsf", String(header ?? ""))
        // The report draws it too (a trial saw "no picture"): its only run's montage, sizes only, no confusion matrix.
        let report = try cli.run(["report", "--records", "runs", "--out", "runs"])
        XCTAssertEqual(report.status, 0, report.output)
        let readme = try String(contentsOf: cli.url("runs/README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("the lowest seed of 1 run (unlabelled: no NMI to pick a median by); montage: 3 clusters"), readme)
        XCTAssertTrue(FileManager.default.fileExists(atPath: cli.url("runs/plots/loose-montage.png").path), report.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("runs/plots/loose-confusion.svg").path), report.output)
        let clustered = try cli.run(["cluster", "loose", "--clusters", "3"])
        XCTAssertEqual(clustered.status, 0, clustered.output)
        XCTAssertTrue(clustered.stdout.contains("no metrics"), clustered.output)
        // Colour on request: --channels 3 keeps three channels.
        let colour = try cli.run(["data", "import", "loose3", "--from", cli.url("flat").path, "--channels", "3", "--quiet"])
        XCTAssertTrue(colour.stdout.contains("3x16x16"), colour.output)
        XCTAssertTrue(colour.stderr.contains("warning: loose3: no class folders in flat"), colour.output)
    }

    /// The SF/RC table's columns start at the same place on every line, "no claim" (two words) included.
    private func assertTableAligned(_ stdout: String, file: StaticString = #filePath, line: UInt = #line) {
        // A column starts after two spaces (a cell may hold one: "no claim").
        func starts(_ text: Substring) -> [Int] {
            let characters = Array(text)
            return characters.indices.filter { i in
                characters[i] != " " && (i == 0 || (i >= 2 && characters[i - 1] == " " && characters[i - 2] == " "))
            }
        }
        let lines = stdout.split(separator: "\n")
        guard let header = lines.first(where: { $0.hasPrefix("variant") }) else {
            return XCTFail("no table: \(stdout)", file: file, line: line)
        }
        let rows = lines.filter { $0.hasPrefix("JULE-") }
        XCTAssertFalse(rows.isEmpty, stdout, file: file, line: line)
        for row in rows { XCTAssertEqual(starts(row), starts(header), "\n\(header)\n\(row)", file: file, line: line) }
    }
}
