import Foundation
import XCTest
import JuleData
import _JuleTestSupport

/// Findings of a user trial: `jule show`'s size options, the registry found beside a binary run from PATH, names
/// with tabs and line breaks in every table, and `--network` checked as a usage error.
final class UserTrialFindingsTests: XCTestCase {
    /// --height 20000 used to die allocating a terabyte (exit 134, a Swift dump) and --per-row 100000 to fail in
    /// libpng ("Invalid IHDR data"): both are usage errors now, found before anything is read.
    func testShowSizeOptionsAreBounded() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        for (option, value) in [("--height", "20000"), ("--height", "100000"), ("--per-row", "100000"), ("--height", "0")] {
            let result = try cli.run(["show", "--dataset", "nothing", "--labels", "none.txt", "--out", "x.png", option, value])
            assertCleanError(result, mentions: ["\(option) \(value) is not in 1…"])
            XCTAssertEqual(result.status, 64, "a usage error")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("x.png").path))
    }

    /// A name that is no network: exit 64 before the dataset is looked at (train used to exit 1).
    func testUnknownNetworkIsAUsageError() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        for arguments in [["train", "USPS", "--network", "nonsense"], ["data", "import", "x", "--from", "nowhere", "--network", "nonsense"]] {
            let result = try cli.run(arguments)
            assertCleanError(result, mentions: ["--network: network 'nonsense' is not a preset (one of design-rule"])
            XCTAssertEqual(result.status, 64, "\(arguments)")
        }
        // A preset of another image size: the registry's shape tells before any image is read.
        let wrongSize = try cli.run(["train", "USPS", "--network", "COIL-20"])
        assertCleanError(wrongSize, mentions: ["--network: network 'COIL-20' takes 1×128×128 images, the dataset's are 1×16×16"])
        XCTAssertEqual(wrongSize.status, 64)
    }

    /// `jule` found on PATH gets the bare name as argv[0]: datasets.json beside the binary (a copy, and a link to the
    /// copy from another folder) used to be looked for in the current folder instead.
    func testRegistryBesideTheBinaryIsFoundWhenRunFromPath() throws {
        let root = try makeTemporaryDirectory(prefix: "jule-path")
        let bin = root.appendingPathComponent("tools/bin"), links = root.appendingPathComponent("links"), work = root.appendingPathComponent("work")
        for folder in [bin, links, work] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try FileManager.default.copyItem(at: CLI.binary, to: bin.appendingPathComponent("jule"))
        try FileManager.default.copyItem(at: CLI.repository.appendingPathComponent("datasets.json"), to: bin.appendingPathComponent("datasets.json"))
        try FileManager.default.createSymbolicLink(at: links.appendingPathComponent("jule"), withDestinationURL: bin.appendingPathComponent("jule"))
        for folder in [bin, links] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "jule data list"]
            process.currentDirectoryURL = work
            var environment = ProcessInfo.processInfo.environment
            environment["JULE_REGISTRY"] = nil
            environment["JULE_MIRROR"] = nil
            environment["JULE_CACHE"] = root.appendingPathComponent("cache").path
            environment["PATH"] = folder.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
            process.environment = environment
            let output = Pipe(), errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, "\(folder.path): \(stderr)")
            XCTAssertTrue(stdout.contains("USPS"), stdout)
        }
    }

    /// Class folders and files named with a tab or a line break: clusters.tsv's file and class columns, `jule embed
    /// --list` and `jule data info` write them as ␉ and ␤, so every row keeps its columns.
    func testTabsAndLineBreaksInNamesKeepRowsWhole() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let images = cli.url("odd")
        var generator = SeededGenerator(seed: 3)
        for (c, folder) in ["a\tb", "c\nd", "plain"].enumerated() {
            for n in 0..<8 {
                let url = images.appendingPathComponent("\(folder)/\(n)\(n == 0 ? "\tx\ny" : "").png")
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                let pixels = (0..<64).map { _ in UInt8(truncatingIfNeeded: Int(generator.next() % 60) + 90 * c) }
                try PNGCodec.encode(pixels, height: 8, width: 8, channels: 1).write(to: url)
            }
        }
        let imported = try cli.run(["data", "import", "odd", "--from", images.path, "--quiet"])
        XCTAssertEqual(imported.status, 0, imported.output)
        let info = try cli.run(["data", "info", "odd"])
        XCTAssertEqual(info.status, 0, info.output)
        XCTAssertTrue(info.stdout.contains("images per class: a\u{2409}b: 8, c\u{2424}d: 8, plain: 8"), info.stdout)
        XCTAssertFalse(info.stdout.contains("\t"), info.stdout)
        XCTAssertTrue(info.stdout.contains("  labels: class folders in the import's order (numeric names by value) → 0…2\n"), info.stdout)

        let trained = try cli.run(["train", "odd", "--epochs-per-period", "1", "--out", "runs/odd", "--quiet"])
        XCTAssertEqual(trained.status, 0, trained.output)
        let table = try String(contentsOf: cli.url("runs/odd/clusters.tsv"), encoding: .utf8)
        let rows = table.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(rows.count, 25, table)
        for row in rows { XCTAssertEqual(row.split(separator: "\t", omittingEmptySubsequences: false).count, 4, "\(row)") }
        XCTAssertTrue(table.contains("a\u{2409}b/0\u{2409}x\u{2424}y.png\ta\u{2409}b\t"), table)
        XCTAssertTrue(table.contains("\tc\u{2424}d\t"), table)

        let listed = try cli.run(["embed", "--run", "runs/odd", "--images", images.path, "--list"])
        XCTAssertEqual(listed.status, 0, listed.output)
        let lines = listed.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 25, listed.stdout)
        // Six columns on every line: the class names in the last two (the run's clusters' main classes) are escaped too.
        for line in lines { XCTAssertEqual(line.split(separator: "\t", omittingEmptySubsequences: false).count, 6, "\(line)") }
        XCTAssertTrue(listed.stdout.contains("c\u{2424}d/0\u{2409}x\u{2424}y.png\t"), listed.stdout)
    }
}
