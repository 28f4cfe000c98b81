import Foundation
import XCTest
import _JuleTestSupport

/// Data the registry does not know: a file only a registry entry reads is pointed to the README's guide, and a
/// `datasets.json` in the current folder that is not a registry says why it was read and how to read another.
final class RegistryGuideTests: XCTestCase {
    func testRegistryOnlyFormatsPointToTheGuide() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule cli"))
        try Data("MATLAB 5.0 MAT-file".utf8).write(to: cli.url("faces.mat"))
        assertCleanError(try cli.run(["data", "import", "faces", "--from", "faces.mat"]),
                         mentions: ["faces.mat", "registry entry", "jule data fetch", "Adding a dataset to the registry"])
        // A CIFAR binary archive holds no images: the same pointer.
        try ArchiveFixture.write([("cifar-10-batches-bin/data_batch_1.bin", Data(repeating: 0, count: 3073))],
                                 format: .tarGz, to: cli.url("cifar-10-binary.tar.gz"))
        assertCleanError(try cli.run(["data", "import", "cifar", "--from", "cifar-10-binary.tar.gz"]),
                         mentions: [".bin 1", "registry entry", "Adding a dataset to the registry"])
    }

    func testForeignDatasetsJSONInTheCurrentFolderIsExplained() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule cli"))
        try #"{"train": "a.csv"}"#.write(to: cli.url("datasets.json"), atomically: true, encoding: .utf8)
        let result = try cli.run(["data", "list"], environment: ["JULE_REGISTRY": ""])
        assertCleanError(result, mentions: ["\(cli.root.standardizedFileURL.path)/datasets.json", "current folder",
                                            "--registry FILE", "JULE_REGISTRY"])
        // Given on purpose, the file is only named.
        let given = try cli.run(["data", "list", "--registry", "datasets.json"])
        XCTAssertFalse(given.stderr.contains("current folder"), given.stderr)
    }
}
