import XCTest
@testable import JuleData
import _JuleTestSupport

/// How an image tree's layout becomes a dataset: folders reached through symbolic links (and links that would walk
/// in circles), one wrapper folder around the class folders (what tar and Finder write), large images, and names
/// that cannot name an import.
final class ImageTreeLayoutTests: XCTestCase {
    private func store(cache: URL) throws -> DatasetStore {
        DatasetStore(registry: try DatasetRegistry.load(from: DatasetRegistryTests.repositoryRegistry), cacheDirectory: cache,
                     mirror: nil, quiet: true, allowNetwork: false)
    }

    /// Class folders that are links (relative or absolute) are classes like the others, a link to a file is the
    /// file, the folder to import may itself be a link, and links back to a folder above (to the root, or to the
    /// root's parent) are not followed but named in one warning: the import ends with the same images as the real
    /// tree. `jule embed`'s loader walks the same way.
    func testLinkedFoldersAreFollowedAndCyclesNamed() throws {
        let root = try makeTemporaryDirectory()
        let data = OwnDataFixtures(perClass: 4)
        let shapes = root.appendingPathComponent("shapes"), links = root.appendingPathComponent("links")
        try data.writeFolder(shapes)
        let files = FileManager.default
        try files.createDirectory(at: links.appendingPathComponent("class-2"), withIntermediateDirectories: true)
        try files.createSymbolicLink(atPath: links.appendingPathComponent("class-0").path, withDestinationPath: "../shapes/class-0")
        try files.createSymbolicLink(atPath: links.appendingPathComponent("class-1").path,
                                     withDestinationPath: shapes.appendingPathComponent("class-1").path)
        for n in [2, 5, 8, 11] {
            try files.createSymbolicLink(atPath: links.appendingPathComponent("class-2/\(n).png").path,
                                         withDestinationPath: "../../shapes/class-2/\(n).png")
        }
        try files.createSymbolicLink(atPath: links.appendingPathComponent("class-2/loop").path, withDestinationPath: "..")
        try files.createSymbolicLink(atPath: shapes.appendingPathComponent("class-0/up").path, withDestinationPath: "../..")
        let linked = root.appendingPathComponent("linked")
        try files.createSymbolicLink(atPath: linked.path, withDestinationPath: links.path)

        let store = try store(cache: root.appendingPathComponent("cache"))
        var realWarnings: [String] = []
        let real = try store.importDataset("real", from: shapes, options: .init(), onWarning: { realWarnings.append($0) }).dataset
        XCTAssertEqual(realWarnings, ["did not follow 1 link that leads back to a folder above (a cycle): \(shapes.path)/class-0/up"])
        for folder in [links, linked] {
            var warnings: [String] = []
            let imported = try store.importDataset("via-links", from: folder, options: .init(),
                                                   onWarning: { warnings.append($0) }).dataset
            XCTAssertEqual([imported.count, imported.classCount], [12, 3], folder.path)
            XCTAssertEqual(imported.pixels, real.pixels, folder.path)
            XCTAssertEqual(imported.labels, real.labels, folder.path)
            XCTAssertEqual(warnings, ["did not follow 2 links that lead back to a folder above (a cycle): "
                + "\(folder.path)/class-0/up, \(folder.path)/class-2/loop"])
        }
        XCTAssertEqual(try store.entry(named: "via-links").classNames, ["class-0", "class-1", "class-2"])
        let loaded = try ImageLoader.load(linked, channels: 1, height: 16, width: 16)
        XCTAssertEqual(loaded.names.count, 12)
        XCTAssertEqual(loaded.names.first, "class-0/0.png")
    }

    /// `tar czf shapes.tgz shapes` (and a folder holding only the unpacked folder): every image under one folder,
    /// so its sub-folders are the classes, with a note saying so; __MACOSX and hidden files beside it do not count,
    /// nested wrappers come off together, names keep their paths. A lone folder of images stays unlabelled, and an
    /// image beside the class folders inside the wrapper is named as at the top.
    func testOneWrapperFolderIsLookedThrough() throws {
        let root = try makeTemporaryDirectory()
        let data = OwnDataFixtures(perClass: 4)
        let store = try store(cache: root.appendingPathComponent("cache"))
        let junk = [("__MACOSX/shapes/class-0/._0.png", Data("x".utf8)), ("shapes/.DS_Store", Data("x".utf8))]
        let archive = root.appendingPathComponent("shapes_top.tgz")
        try data.writeArchive(archive, format: .tarGz, under: "shapes/", extra: junk)
        var notes: [String] = [], warnings: [String] = []
        let wrapped = try store.importDataset("wrapped", from: archive, options: .init(),
                                              onWarning: { warnings.append($0) }, onNote: { notes.append($0) })
        XCTAssertEqual([wrapped.dataset.count, wrapped.dataset.classCount], [12, 3])
        XCTAssertEqual(notes, ["every image is under shapes/: its sub-folders are the classes"])
        XCTAssertEqual(warnings, [])
        XCTAssertEqual(try store.entry(named: "wrapped").classNames, ["class-0", "class-1", "class-2"])
        XCTAssertEqual(wrapped.dataset.labels.map(Int.init), (0..<3).flatMap { c in [Int](repeating: c, count: 4) })
        XCTAssertEqual(wrapped.dataset.names?.first, "shapes/class-0/0.png")

        // Every archive kind the help names, Finder's zip included.
        for (format, name) in [(ArchiveFixture.Format.zip, "shapes.zip"), (.tar, "shapes.tar"), (.tarGz, "shapes.tar.gz"),
                               (.tarBz2, "shapes.tar.bz2"), (.tarXz, "shapes.tar.xz")] {
            let url = root.appendingPathComponent(name)
            try data.writeArchive(url, format: format, under: "shapes/", extra: junk)
            let other = try store.importDataset("kind", from: url).dataset
            XCTAssertEqual(other.pixels, wrapped.dataset.pixels, name)
            XCTAssertEqual(other.labels, wrapped.dataset.labels, name)
        }

        // A folder: two wrappers deep.
        try data.writeFolder(root.appendingPathComponent("unpacked/home/me"))
        notes = []
        let folder = try store.importDataset("unpacked", from: root.appendingPathComponent("unpacked"), options: .init(),
                                             onNote: { notes.append($0) }).dataset
        XCTAssertEqual([folder.count, folder.classCount], [12, 3])
        XCTAssertEqual(folder.pixels, wrapped.dataset.pixels)
        XCTAssertEqual(notes, ["every image is under home/me/: its sub-folders are the classes"])

        // One folder of images: one class, so unlabelled, as before.
        try data.writeFolder(root.appendingPathComponent("lone/only"), classFolders: false)
        notes = []; warnings = []
        let lone = try store.importDataset("lone", from: root.appendingPathComponent("lone"), options: .init(),
                                           onWarning: { warnings.append($0) }, onNote: { notes.append($0) }).dataset
        XCTAssertEqual(lone.classCount, 1)
        XCTAssertEqual(notes, [])
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].hasPrefix("all 12 images have one label: imported as unlabelled"), "\(warnings)")

        // An image beside the class folders inside the wrapper has no class.
        try data.writeImage(0, to: root.appendingPathComponent("unpacked/home/me/stray.png"))
        XCTAssertThrowsError(try store.importDataset("stray", from: root.appendingPathComponent("unpacked"))) {
            XCTAssertTrue("\($0)".hasPrefix(root.appendingPathComponent("unpacked/home/me/stray.png").path + ": an image beside the class folders (class-0, class-1, class-2) has no class"), "\($0)")
        }
    }

    /// Images above 128 pixels on a side, kept at their size, get one warning with the size, a rough memory figure
    /// and the options that make them smaller; asked for with --height/--width, or small, they get none.
    func testLargeImagesAreWarnedAbout() throws {
        let root = try makeTemporaryDirectory()
        let folder = root.appendingPathComponent("big")
        for n in 0..<4 {
            let url = folder.appendingPathComponent("class-\(n % 2)/\(n).png")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let pixels = (0..<(136 * 136)).map { UInt8(truncatingIfNeeded: $0 * (n + 1)) }
            try PNGCodec.encode(pixels, height: 136, width: 136, channels: 1).write(to: url)
        }
        let store = try store(cache: root.appendingPathComponent("cache"))
        var warnings: [String] = []
        _ = try store.importDataset("big", from: folder, options: .init(), onWarning: { warnings.append($0) })
        XCTAssertEqual(warnings, ["images are 136x136 (the most common size): a training batch of 100 takes about 0.8 GiB at this size; --height 64 --width 64 (or 96) makes the network smaller and training faster"])
        warnings = []
        _ = try store.importDataset("big", from: folder, options: .init(height: 200, width: 136), onWarning: { warnings.append($0) })
        XCTAssertEqual(warnings, ["resized 4 of 4 images (height×width 136x136 ×4) to 200x136, as --height and --width ask"])
        XCTAssertNil(DatasetStore.largeSizeNote(height: 128, width: 128, imageTree: true, asked: false))
        XCTAssertEqual(DatasetStore.largeSizeNote(height: 512, width: 512, imageTree: false, asked: false),
                       "images are 512x512: a training batch of 100 takes about 12.0 GiB at this size; resize them before importing (--height and --width resize image folders and archives only)")
        // A 1×200 image is 200 pixels: 64×64 would be 20 times more. The suggestion keeps the aspect ratio.
        XCTAssertEqual(DatasetStore.largeSizeNote(height: 1, width: 200, imageTree: true, asked: false),
                       "images are 1x200 (the most common size): a training batch of 100 takes about 0.0 GiB at this size; --height 1 --width 64 (or --height 1 --width 96) makes the network smaller and training faster")
        XCTAssertTrue(DatasetStore.largeSizeNote(height: 300, width: 150, imageTree: true, asked: false)?
            .contains("--height 64 --width 32 (or --height 96 --width 48)") == true)
    }

    /// Names that look like paths or start with '.' say what is wrong with them, and where the path goes.
    func testImportNamesSayWhatIsWrong() throws {
        let store = try store(cache: try makeTemporaryDirectory())
        let cases = [
            ("..", "dataset name '..': must not start with '.' (its cache file would be hidden); the name comes first and the folder after --from, e.g. jule data import shapes --from .."),
            (".", "dataset name '.': must not start with '.' (its cache file would be hidden); the name comes first and the folder after --from, e.g. jule data import shapes --from ."),
            (".shapes", "dataset name '.shapes': must not start with '.' (its cache file would be hidden)"),
            ("../shapes", "dataset name '../shapes': '/' is not allowed (use letters, digits, '-', '_' or '.'); the name comes first and the folder after --from, e.g. jule data import shapes --from ../shapes"),
            ("my shapes", "dataset name 'my shapes': ' ' is not allowed (use letters, digits, '-', '_' or '.')"),
            ("", "dataset name is empty: use letters, digits, '-', '_' or '.'"),
        ]
        for (name, message) in cases {
            XCTAssertThrowsError(try store.checkImportName(name), name) { XCTAssertEqual("\($0)", message) }
        }
        XCTAssertNoThrow(try store.checkImportName("shapes.v2_b-1"))
    }
}
