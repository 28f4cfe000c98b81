import Foundation
import XCTest
import _JuleTestSupport

/// The data commands as a second new-user trial met them: linked folders, an archive of one folder, unlabelled
/// sets shown as such, names that look like paths, the binary copied away from its registry, the import's help.
final class NewUserDataTrialTests: XCTestCase {
    /// A folder given as a link whose class folders are links imports every class; an archive of one folder (what
    /// `tar czf shapes.tgz shapes` writes) takes the folder's sub-folders as classes and says so in a note.
    func testLinkedFoldersAndWrappedArchivesKeepTheirClasses() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let data = OwnDataFixtures(perClass: 4)
        try data.writeFolder(cli.url("shapes"))
        let files = FileManager.default
        try files.createDirectory(at: cli.url("links"), withIntermediateDirectories: true)
        for c in 0..<3 {
            try files.createSymbolicLink(atPath: cli.url("links/class-\(c)").path, withDestinationPath: "../shapes/class-\(c)")
        }
        try files.createSymbolicLink(atPath: cli.url("linkdir").path, withDestinationPath: cli.url("links").path)
        let linked = try cli.run(["data", "import", "linked", "--from", cli.url("linkdir").path])
        XCTAssertEqual(linked.status, 0, linked.output)
        XCTAssertTrue(linked.stdout.contains("linked: imported 12 images, 3 classes, 1x16x16"), linked.output)

        try data.writeArchive(cli.url("shapes_top.tgz"), format: .tarGz, under: "shapes/")
        let wrapped = try cli.run(["data", "import", "wrapped", "--from", cli.url("shapes_top.tgz").path])
        XCTAssertEqual(wrapped.status, 0, wrapped.output)
        XCTAssertTrue(wrapped.stdout.contains("wrapped: imported 12 images, 3 classes"), wrapped.output)
        XCTAssertTrue(wrapped.stderr.contains("wrapped: every image is under shapes/: its sub-folders are the classes\n"), wrapped.output)
        XCTAssertFalse(wrapped.stderr.contains("warning:"), wrapped.output)
    }

    /// An unlabelled import reads "unlabelled" in list, verify, fetch and info, never "1 classes".
    func testUnlabelledDataIsCalledUnlabelled() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try OwnDataFixtures(perClass: 4).writeFolder(cli.url("flat"), classFolders: false)
        XCTAssertEqual(try cli.run(["data", "import", "loose", "--from", cli.url("flat").path, "--quiet"]).status, 0)
        let listed = try cli.run(["data", "list"])
        let line = try XCTUnwrap(listed.stdout.split(separator: "\n").first { $0.hasPrefix("loose ") }, listed.output)
        XCTAssertNotNil(line.range(of: #"^loose +12 +unlabelled +1x16x16"#, options: .regularExpression), String(line))
        XCTAssertTrue(try cli.run(["data", "verify", "loose"]).stdout.contains("loose: ok (12 images, unlabelled)"))
        XCTAssertTrue(try cli.run(["data", "fetch", "loose"]).stdout.contains("12 images, unlabelled, 1x16x16"))
        let info = try cli.run(["data", "info", "loose"])
        XCTAssertTrue(info.stdout.contains("images 12, unlabelled, CxHxW 1x16x16"), info.output)
        XCTAssertTrue(info.stdout.contains("valid: 12 images, unlabelled, 1x16x16"), info.output)
        XCTAssertTrue(info.stdout.contains("images per class: unlabelled (all 12 images have one label)"), info.output)
        for result in [listed, info] { XCTAssertFalse(result.output.contains("1 classes"), result.output) }
    }

    /// `jule data import .. --from …`: the name is what is wrong, and the message says so (not "use letters…" for
    /// a name made of allowed characters).
    func testPathLikeNamesAreExplained() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try OwnDataFixtures(perClass: 2).writeFolder(cli.url("tree"))
        for name in ["..", "."] {
            assertCleanError(try cli.run(["data", "import", name, "--from", cli.url("tree").path]),
                             mentions: ["dataset name '\(name)': must not start with '.'", "jule data import shapes --from \(name)"])
        }
    }

    /// The binary copied away from the repository: the error lists each place searched once and says how to give
    /// the registry.
    func testMissingRegistrySaysHowToGiveOne() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let bin = cli.url("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: CLI.binary, to: bin.appendingPathComponent("jule"))
        defer { try? FileManager.default.removeItem(at: bin) }
        let listed = try FinishedProcess(bin.appendingPathComponent("jule"), ["data", "list"],
                                         environment: cli.environment.merging(["JULE_REGISTRY": ""]) { _, new in new },
                                         directory: bin)
        let text = listed.stderr
        XCTAssertNotEqual(listed.status, 0, text)
        XCTAssertEqual(text.split(separator: "\n").count, 1, text)
        XCTAssertTrue(text.hasPrefix("error: datasets.json not found (searched \(bin.path)/datasets.json, "), text)
        XCTAssertTrue(text.contains("--registry FILE or JULE_REGISTRY=FILE"), text)
        let searched = text[try XCTUnwrap(text.range(of: #"\(searched [^)]*\)"#, options: .regularExpression))]
        let places = searched.dropFirst("(searched ".count).dropLast().components(separatedBy: ", ")
        XCTAssertEqual(places.count, Set(places).count, text)
        XCTAssertEqual(places.last, "/datasets.json", text)
    }

    /// The import's help names every archive kind it reads.
    func testImportHelpNamesEveryArchiveKind() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let help = try cli.run(["data", "import", "--help"])
        for kind in [".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz"] {
            XCTAssertTrue(help.stdout.contains(kind), "\(kind) not in: \(help.stdout)")
        }
    }
}
