import XCTest
@testable import JuleData
import _JuleTestSupport

/// Image folders that import without an error but not as the user meant (a new user's trial): each is named in one
/// warning line, and the import itself is what it was.
final class ImportTrapTests: XCTestCase {
    private func store(cache: URL) throws -> DatasetStore {
        DatasetStore(registry: try DatasetRegistry.load(from: DatasetRegistryTests.repositoryRegistry), cacheDirectory: cache,
                     mirror: nil, quiet: true, allowNetwork: false)
    }

    private func warnings(importing folder: URL, in root: URL, options: DatasetStore.ImportOptions = .init()) throws
        -> (warnings: [String], dataset: Dataset) {
        var warnings: [String] = []
        let outcome = try store(cache: root.appendingPathComponent("cache"))
            .importDataset("trap", from: folder, options: options, onWarning: { warnings.append($0) })
        return (warnings, outcome.dataset)
    }

    /// An empty class folder is not a class: the user expecting 4 classes is told it is 3, and which folder.
    func testEmptyClassFolderIsNamed() throws {
        let root = try makeTemporaryDirectory()
        let tree = root.appendingPathComponent("tree")
        try OwnDataFixtures(perClass: 2).writeFolder(tree)
        try FileManager.default.createDirectory(at: tree.appendingPathComponent("empty/deeper"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: tree.appendingPathComponent("__MACOSX"), withIntermediateDirectories: true)
        let (warnings, dataset) = try warnings(importing: tree, in: root)
        XCTAssertEqual(dataset.classCount, 3)
        XCTAssertEqual(warnings, ["class folder empty/ holds no image (.jpg, .jpeg, .png), even in sub-folders: 3 classes, not 4"])
        // The same in an archive, where the empty folder is a folder member (under a wrapper folder here).
        let archive = root.appendingPathComponent("tree.tar")
        let data = OwnDataFixtures(perClass: 2)
        try ArchiveFixture.write((0..<data.count).map { n in
            ("tree/class-\(data.labels[n])/\(n).png", try PNGCodec.encode(data.image(n), height: 16, width: 16, channels: 1))
        }, directories: ["tree/", "tree/class-0/", "tree/empty/", "tree/empty/deeper/", "__MACOSX/"], format: .tar, to: archive)
        XCTAssertEqual(try self.warnings(importing: archive, in: root).warnings,
                       ["class folder tree/empty/ holds no image (.jpg, .jpeg, .png), even in sub-folders: 3 classes, not 4"])
    }

    /// splits/{train,test}/{cat,dog}: the splits would be the classes; the warning says so and how to import one.
    func testSplitFoldersAreNotTakenForClassesSilently() throws {
        let root = try makeTemporaryDirectory()
        let data = OwnDataFixtures(classes: 2, perClass: 4)
        let splits = root.appendingPathComponent("splits")
        for n in 0..<data.count {
            let url = splits.appendingPathComponent("\((n / 2) % 2 == 0 ? "train" : "test")/\(["cat", "dog"][data.labels[n]])/\(n).png")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.writeImage(n, to: url)
        }
        let (warnings, _) = try warnings(importing: splits, in: root)
        XCTAssertEqual(warnings, ["the classes are test, train, whose images all lie one folder deeper (test/cat, test/dog); "
            + "sub-folders do not become classes: if test, train are splits (train, test, …), import one of them (--from \(splits.path)/train)"])
        // A class with images of its own beside a sub-folder is an ordinary class folder.
        try data.writeImage(0, to: splits.appendingPathComponent("train/loose.png"))
        XCTAssertEqual(try self.warnings(importing: splits, in: root).warnings, [])
    }

    /// A link to a sibling class folder reaches the same files under two labels.
    func testSameFileReachedTwiceThroughALinkIsNamed() throws {
        let root = try makeTemporaryDirectory()
        let tree = root.appendingPathComponent("tree")
        try OwnDataFixtures(perClass: 2).writeFolder(tree)
        try FileManager.default.createSymbolicLink(atPath: tree.appendingPathComponent("class-1/sib").path, withDestinationPath: "../class-0")
        let (warnings, dataset) = try warnings(importing: tree, in: root)
        XCTAssertEqual(dataset.count, 8)
        XCTAssertEqual(warnings, ["2 images are the same file as another one, reached through a link (class-1/sib/0.png is "
            + "class-0/0.png, …): imported twice, under two classes; remove the link, or copy the files"])
    }

    /// Two 1×1 images outvote a large one: the chosen size and the way to choose another are named.
    func testFarOffMostCommonSizeIsNamed() throws {
        let root = try makeTemporaryDirectory()
        let tree = root.appendingPathComponent("tiny")
        for (name, h, w) in [("a/0.png", 1, 1), ("a/1.png", 1, 1), ("b/big.png", 60, 40)] {
            let url = tree.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try PNGCodec.encode([UInt8](repeating: 99, count: h * w), height: h, width: w, channels: 1).write(to: url)
        }
        let (warnings, dataset) = try warnings(importing: tree, in: root)
        XCTAssertEqual([dataset.height, dataset.width], [1, 1])
        XCTAssertTrue(warnings.contains("the most common size, 1x1, shrinks 1 image (e.g. 60x40) up to 60-fold on a side: "
            + "--height and --width choose the size, e.g. --height 60 --width 40"), "\(warnings)")
        // One tiny image among larger ones of the chosen size (the largest): no size to suggest, the image to check.
        let odd = root.appendingPathComponent("odd")
        for (name, h, w) in [("a/0.png", 32, 32), ("a/1.png", 32, 32), ("b/dot.png", 1, 1)] {
            let url = odd.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try PNGCodec.encode([UInt8](repeating: 99, count: h * w), height: h, width: w, channels: 1).write(to: url)
        }
        XCTAssertTrue(try self.warnings(importing: odd, in: root).warnings.contains("the most common size, 32x32, enlarges 1 image (e.g. 1x1) "
            + "up to 32-fold on a side: check it (not likely images of this set; remove it or import as is)"))
        // One photo among many thumbnails: resizing every thumbnail to fit it is no advice either.
        let photo = root.appendingPathComponent("photo")
        for (name, h, w) in [("a/0.png", 32, 32), ("a/1.png", 32, 32), ("b/2.png", 32, 32), ("b/big.png", 300, 200)] {
            let url = photo.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try PNGCodec.encode([UInt8](repeating: 99, count: h * w), height: h, width: w, channels: 1).write(to: url)
        }
        XCTAssertTrue(try self.warnings(importing: photo, in: root).warnings.contains("the most common size, 32x32, shrinks 1 image "
            + "(e.g. 300x200) up to 9-fold on a side: check it (not likely images of this set; remove it or import as is)"))
        // Asked for, the size is not second-guessed.
        let asked = try self.warnings(importing: tree, in: root, options: .init(height: 8, width: 8)).warnings
        XCTAssertFalse(asked.contains { $0.contains("most common size, ") }, "\(asked)")
    }

    /// A JPEG's EXIF orientation (APP1, IFD0 tag 0x0112) is read in either byte order; the import counts those not
    /// upright and names one, since it decodes the pixels as stored.
    func testJPEGOrientationIsCountedAndNamed() throws {
        let pixels = [UInt8](repeating: 128, count: 8 * 8)
        let plain = try JPEGCodec.encode(pixels, height: 8, width: 8, channels: 1)
        XCTAssertNil(plain.withUnsafeBytes(JPEGOrientation.read))
        for (bigEndian, value) in [(true, 6), (false, 3), (true, 1)] {
            let tagged = Self.withOrientation(plain, value, bigEndian: bigEndian)
            XCTAssertEqual(tagged.withUnsafeBytes(JPEGOrientation.read), value)
        }
        let root = try makeTemporaryDirectory()
        let tree = root.appendingPathComponent("exif")
        for (name, data) in [("x/plain.jpg", plain), ("x/rot6.jpg", Self.withOrientation(plain, 6, bigEndian: true)),
                             ("y/a.jpg", Self.withOrientation(plain, 1, bigEndian: false)),
                             ("y/b.jpg", Self.withOrientation(plain, 8, bigEndian: false))] {
            let url = tree.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        let (warnings, _) = try warnings(importing: tree, in: root)
        XCTAssertEqual(warnings, ["2 JPEGs carry an EXIF orientation (e.g. \(tree.path)/x/rot6.jpg: rotated 90° clockwise): "
            + "imported as stored, not turned as a viewer shows them; to import them upright, rotate the pixels first "
            + "(e.g. exiftran -ai, mogrify -auto-orient)"])
        // `jule embed`'s loader says the same of the images it embeds.
        let loaded = try ImageLoader.load(tree, channels: 1, height: 8, width: 8)
        XCTAssertEqual(loaded.orientation, "2 JPEGs carry an EXIF orientation (e.g. \(tree.path)/x/rot6.jpg: rotated 90° clockwise): "
            + "embedded as stored, not turned as a viewer shows them (as jule data import imports images)")
        XCTAssertNil(try ImageLoader.load(tree.appendingPathComponent("x/plain.jpg"), channels: 1, height: 8, width: 8).orientation)
    }

    /// `jpeg` with an APP1 "Exif" segment holding IFD0 with one entry, Orientation = `value`, after its SOI marker.
    static func withOrientation(_ jpeg: Data, _ value: Int, bigEndian: Bool) -> Data {
        func u16(_ v: Int) -> [UInt8] { bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: Int) -> [UInt8] { bigEndian ? u16(v >> 16) + u16(v & 0xFFFF) : u16(v & 0xFFFF) + u16(v >> 16) }
        let tiff = (bigEndian ? Array("MM".utf8) : Array("II".utf8)) + u16(42) + u32(8)
            + u16(1) + u16(0x0112) + u16(3) + u32(1) + u16(value) + [0, 0] + u32(0)
        let body = Array("Exif\0\0".utf8) + tiff
        let segment: [UInt8] = [0xFF, 0xE1, UInt8((body.count + 2) >> 8), UInt8((body.count + 2) & 0xFF)] + body
        return jpeg.prefix(2) + Data(segment) + jpeg.dropFirst(2)
    }
}
