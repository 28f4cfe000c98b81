import XCTest
@testable import JuleData
import _JuleTestSupport

/// The data layer's side of issue 19: the NumPy and IDX readers, grey detection, stale temporaries, a corrupt
/// mirror file and the fix its message gives, and strict JSON.
final class OwnDataImportTests: XCTestCase {
    private func store(cache: URL, mirror: URL? = nil) throws -> DatasetStore {
        DatasetStore(registry: try DatasetRegistry.load(from: DatasetRegistryTests.repositoryRegistry), cacheDirectory: cache,
                     mirror: mirror, quiet: true, allowNetwork: false)
    }

    /// `NOISE` beside an imported `noise` used to replace noise's entry and orphan noise.h5: refused, naming both,
    /// with nothing changed; the same spelling still re-imports.
    func testAnImportSpelledOtherwiseThanAnExistingNameIsRefused() throws {
        let root = try makeTemporaryDirectory()
        let data = OwnDataFixtures(perClass: 3)
        try data.writeFolder(root.appendingPathComponent("png"))
        let store = try store(cache: root.appendingPathComponent("cache"))
        try store.importDataset("noise", from: root.appendingPathComponent("png"))
        let before = try Data(contentsOf: store.importedRegistryURL)
        XCTAssertThrowsError(try store.importDataset("NOISE", from: root.appendingPathComponent("png"))) { error in
            XCTAssertEqual("\(error)", "dataset name 'NOISE' differs only in letter case from the imported dataset 'noise' (names are compared without case): import under 'noise' to replace it, or choose another name")
        }
        XCTAssertEqual(try Data(contentsOf: store.importedRegistryURL), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: store.cacheURL(for: "NOISE").path))
        XCTAssertNoThrow(try store.importDataset("noise", from: root.appendingPathComponent("png")))
        XCTAssertThrowsError(try store.checkImportName("Ytf")) { XCTAssertTrue("\($0)".contains("registry dataset 'YTF'"), "\($0)") }
    }

    /// A name too long for the cache file's temporary name failed only after decoding, with an HDF5 create error.
    func testAnOverlongNameIsRefusedBeforeDecoding() throws {
        let store = try store(cache: try makeTemporaryDirectory())
        let long = String(repeating: "n", count: 250)
        XCTAssertThrowsError(try store.importDataset(long, from: URL(fileURLWithPath: "/nonexistent"))) { error in
            XCTAssertEqual("\(error)", "dataset name 'nnnnnnnnnnnnnnnnnnnn…' is 250 bytes long, at most 128 (it names the cache file and run folders)")
        }
        XCTAssertNoThrow(try store.checkImportName(String(repeating: "n", count: 128)))
        XCTAssertThrowsError(try store.checkImportName(String(repeating: "é", count: 65)))   // 130 bytes
    }

    func testNPYReaderHandlesTypesOrdersAndLayouts() throws {
        func bytes<T>(_ values: [T], bigEndian: Bool = false) -> [UInt8] {
            values.flatMap { value -> [UInt8] in
                let raw = withUnsafeBytes(of: value) { Array($0) }
                return bigEndian ? raw.reversed() : raw
            }
        }
        // int16 big-endian, negative values.
        let be = try NPYDecoder.parse(OwnDataFixtures.npy(descr: ">i2", shape: [3], payload: bytes([Int16(-2), 7, 300], bigEndian: true)), file: "a.npy")
        XCTAssertEqual((0..<3).map { be.value(at: $0) }, [-2, 7, 300])
        // Fortran order: a 2×3 matrix stored column by column reads back in C order.
        let f = try NPYDecoder.parse(OwnDataFixtures.npy(descr: "<f8", shape: [2, 3], fortranOrder: true,
                                                          payload: bytes([1.0, 4, 2, 5, 3, 6])), file: "f.npy")
        XCTAssertEqual((0..<6).map { f.value(at: $0) }, [1, 2, 3, 4, 5, 6])
        // (N, H, W, C) colour → planar N×C×H×W; floats in [0, 1] are scaled to bytes.
        let hwc: [Float] = [0, 1, 0.5, /* pixel 1 */ 1, 0, 0]
        let colour = try NPYDecoder.images(try NPYDecoder.parse(OwnDataFixtures.npy(descr: "<f4", shape: [1, 1, 2, 3], payload: bytes(hwc)), file: "c.npy"), file: "c.npy")
        XCTAssertEqual([colour.count, colour.channels, colour.height, colour.width], [1, 3, 1, 2])
        XCTAssertEqual(colour.pixels, [0, 255, 255, 0, 128, 0])
        // Errors name the file and the fault.
        let strings = OwnDataFixtures.npy(descr: "<U5", shape: [1], payload: [UInt8](repeating: 0, count: 20))
        XCTAssertThrowsError(try NPYDecoder.parse(strings, file: "s.npy")) { XCTAssertTrue("\($0)".hasPrefix("s.npy: dtype '<U5' is not supported"), "\($0)") }
        let truncated = OwnDataFixtures.npy(descr: "|u1", shape: [2, 4, 4], payload: [UInt8](repeating: 0, count: 31))
        XCTAssertThrowsError(try NPYDecoder.parse(truncated, file: "t.npy")) { XCTAssertTrue("\($0)".contains("31 data bytes"), "\($0)") }
        XCTAssertThrowsError(try NPYDecoder.parse(Data("PK\u{3}\u{4}xxxxxxxx".utf8), file: "z.npy")) { XCTAssertTrue("\($0)".contains("bad magic"), "\($0)") }
        let wide = try NPYDecoder.parse(OwnDataFixtures.npy(descr: "<i4", shape: [1, 2, 2], payload: bytes([Int32(0), 9, 300, 1])), file: "w.npy")
        XCTAssertThrowsError(try NPYDecoder.images(wide, file: "w.npy")) { XCTAssertTrue("\($0)".contains("0.0…300.0"), "\($0)") }
    }

    func testImportsFromIDXAndNumPyAgreeAndGreyStaysOneChannel() throws {
        let root = try makeTemporaryDirectory()
        let data = OwnDataFixtures(perClass: 4)
        let store = try store(cache: root.appendingPathComponent("cache"))
        let idx = try store.importDataset("from-idx", from: try data.writeIDX(in: root.appendingPathComponent("idx"))).dataset
        try data.writeNPZ(root.appendingPathComponent("set.npz"))
        let npz = try store.importDataset("from-npz", from: root.appendingPathComponent("set.npz")).dataset
        let npy = try store.importDataset("from-npy", from: try data.writeNPYPair(in: root.appendingPathComponent("npy"))).dataset
        try data.writeFolder(root.appendingPathComponent("png"))
        let png = try store.importDataset("from-png", from: root.appendingPathComponent("png")).dataset
        for dataset in [idx, npz, npy, png] {
            XCTAssertEqual([dataset.count, dataset.channels, dataset.height, dataset.width], [12, 1, 16, 16], dataset.name)
            XCTAssertEqual(dataset.classCount, 3, dataset.name)
        }
        XCTAssertEqual(idx.pixels, data.pixels)
        XCTAssertEqual(npz.pixels, data.pixels)
        XCTAssertEqual(npy.pixels, data.pixels)
        XCTAssertEqual(idx.labels, npz.labels)
        // A new name is registered with the design rule, η 0.9 and no claims.
        let entry = try store.entry(named: "from-npz")
        XCTAssertEqual([entry.network, "\(entry.eta)", "\(entry.claims.count)"], ["design-rule", "0.9", "0"])
        // Asked for colour, grey images are replicated into three channels.
        let colour = try store.importDataset("colour", from: root.appendingPathComponent("set.npz"),
                                             options: .init(channels: 3)).dataset
        XCTAssertEqual(colour.channels, 3)
        XCTAssertEqual(Array(colour.pixels[0..<256]), Array(colour.pixels[256..<512]))
        // Unlabelled on request, with the labels file present.
        var warnings: [String] = []
        let unlabelled = try store.importDataset("none", from: root.appendingPathComponent("set.npz"),
                                                 options: .init(unlabelled: true), onWarning: { warnings.append($0) }).dataset
        XCTAssertEqual(unlabelled.classCount, 1)
        XCTAssertEqual(warnings, [], "no warning when unlabelled was asked for")
        // The network check sees the shape before anything is written.
        XCTAssertThrowsError(try store.importDataset("refused", from: root.appendingPathComponent("set.npz"), options: .init(),
                                                     checkShape: { _ in throw DataError.invalidRequest("no") }))
        XCTAssertThrowsError(try store.entry(named: "refused"))
    }

    /// Images of other sizes are resized to the most common size (not the first file's), and the import says how
    /// many, from which sizes, and where the size came from; a folder of one size says nothing.
    func testResizedImagesAreCountedInAWarning() throws {
        let root = try makeTemporaryDirectory()
        let data = OwnDataFixtures(perClass: 4)
        let folder = root.appendingPathComponent("png")
        try data.writeFolder(folder)
        let store = try store(cache: root.appendingPathComponent("cache"))
        var warnings: [String] = []
        _ = try store.importDataset("same", from: folder, options: .init(), onWarning: { warnings.append($0) })
        XCTAssertEqual(warnings, [])
        // The first two files in sorted order (class-0/0.png, class-0/3.png) become 20×12; ten stay 16×16.
        let other = try PNGCodec.encode([UInt8](repeating: 90, count: 20 * 12), height: 20, width: 12, channels: 1)
        for name in ["class-0/0.png", "class-0/3.png"] { try other.write(to: folder.appendingPathComponent(name)) }
        let mixed = try store.importDataset("mixed", from: folder, options: .init(), onWarning: { warnings.append($0) }).dataset
        XCTAssertEqual([mixed.count, mixed.height, mixed.width], [12, 16, 16])
        XCTAssertEqual(warnings, ["resized 2 of 12 images (height×width 20x12 ×2) to 16x16, the most common size (--height and --width choose another)"])
        warnings = []
        _ = try store.importDataset("small", from: folder, options: .init(height: 8, width: 8), onWarning: { warnings.append($0) })
        XCTAssertEqual(warnings, ["resized 12 of 12 images (height×width 16x16 ×10, 20x12 ×2) to 8x8, as --height and --width ask"])
        // A tie (six of each) goes to the size met first in sorted order.
        for name in ["class-0/6.png", "class-0/9.png", "class-1/1.png", "class-1/4.png"] {
            try other.write(to: folder.appendingPathComponent(name))
        }
        warnings = []
        let tie = try store.importDataset("tie", from: folder, options: .init(), onWarning: { warnings.append($0) }).dataset
        XCTAssertEqual([tie.height, tie.width], [20, 12])
        XCTAssertEqual(warnings, ["resized 6 of 12 images (height×width 16x16 ×6) to 20x12, the most common size, tied with 16x16 "
            + "(6 images each; the first file's size is taken, --height and --width choose another)"])
        // One side alone is refused: the other would silently come from the images.
        XCTAssertThrowsError(try store.importDataset("half", from: folder, options: .init(height: 40))) {
            XCTAssertEqual("\($0)", "--height 40 without --width: give both, or neither for the most common size")
        }
        XCTAssertThrowsError(try store.importDataset("half", from: folder, options: .init(width: 40))) {
            XCTAssertEqual("\($0)", "--width 40 without --height: give both, or neither for the most common size")
        }
        XCTAssertThrowsError(try store.entry(named: "half"), "nothing imported")
    }

    /// A registry dataset with a source of its own (USPS, in any case) cannot be replaced by an import: nothing is
    /// written and the error suggests another name. Import-only registry names (FRGC: `ArchiveDecoderTests`) and a
    /// user's own names (again, without --force) still import; an imported copy already under USPS's name (an older
    /// build wrote them) is not taken for USPS.
    func testRegistryNamesWithASourceAreNotReplaced() throws {
        let root = try makeTemporaryDirectory()
        let cache = root.appendingPathComponent("cache")
        try OwnDataFixtures(perClass: 2).writeNPZ(root.appendingPathComponent("set.npz"))
        let store = try store(cache: cache)
        for name in ["USPS", "usps", "MNIST-test"] {
            XCTAssertThrowsError(try store.importDataset(name, from: root.appendingPathComponent("set.npz"))) { error in
                let registered = name == "usps" ? "USPS" : name
                XCTAssertEqual("\(error)", "\(registered) is a registry dataset with its own source (jule data fetch \(registered)); import your images under another name, e.g. jule data import my-\(registered) --from PATH")
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache.path), "refused before the cache is touched")
        XCTAssertEqual(try store.importDataset("mine", from: root.appendingPathComponent("set.npz")).dataset.count, 6)
        try OwnDataFixtures(perClass: 3).writeNPZ(root.appendingPathComponent("set.npz"))
        XCTAssertEqual(try store.importDataset("mine", from: root.appendingPathComponent("set.npz")).dataset.count, 9)
        XCTAssertEqual(try store.load("mine").count, 9)

        let usps = try store.entry(named: "USPS")
        let dataset = Dataset(name: "USPS", count: 2, channels: 1, height: 16, width: 16,
                              pixels: [UInt8](repeating: 7, count: 512), labels: [0, 1])
        try DatasetCache.write(dataset, stamp: CacheStamp(name: "USPS", source: DatasetStore.importSource, decoder: "npz",
                                                          decoderVersion: DatasetStore.decoderVersion, sourceDigests: []),
                               to: store.cacheURL(for: "USPS"))
        guard case .failure(let error) = store.validateCache(usps) else { return XCTFail("an imported USPS cache passed") }
        XCTAssertTrue("\(error)".contains("holds images imported with jule data import, not USPS's own data; jule data fetch USPS rebuilds it"), "\(error)")
    }

    /// An image folder's class folders name the classes (in label order) in the imported entry; formats without
    /// names, and unlabelled imports, have none; the registry refuses names that do not match the classes.
    func testClassFoldersNameTheClasses() throws {
        let root = try makeTemporaryDirectory()
        let data = OwnDataFixtures(perClass: 2)
        try data.writeFolder(root.appendingPathComponent("png"))
        try data.writeNPZ(root.appendingPathComponent("set.npz"))
        let store = try store(cache: root.appendingPathComponent("cache"))
        try store.importDataset("named", from: root.appendingPathComponent("png"))
        XCTAssertEqual(try store.entry(named: "named").classNames, ["class-0", "class-1", "class-2"])
        try store.importDataset("plain", from: root.appendingPathComponent("set.npz"))
        XCTAssertNil(try store.entry(named: "plain").classNames)
        try store.importDataset("none", from: root.appendingPathComponent("png"), options: .init(unlabelled: true))
        XCTAssertNil(try store.entry(named: "none").classNames)
        let entry = try store.entry(named: "named")
        let wrong = DatasetEntry(name: "wrong", description: "", classes: 3, count: 6, shape: entry.shape, network: entry.network,
                                 eta: 0.9, epochsPerPeriod: 20, claims: [], homepage: nil, sources: [], labelMapping: "rank",
                                 protocolNotes: [], deviations: [], classNames: ["a", "b"])
        XCTAssertThrowsError(try DatasetRegistry(datasets: [wrong])) { XCTAssertTrue("\($0)".contains("2 classNames for 3 classes"), "\($0)") }
    }

    /// Files that cannot be decoded are named together in one error (the first with its reason, then the others),
    /// even the first file of the folder; `skipUnreadable` imports the rest and names the ones left out.
    func testUnreadableFilesAreListedOrSkipped() throws {
        let root = try makeTemporaryDirectory()
        let data = OwnDataFixtures(perClass: 4)
        let folder = root.appendingPathComponent("png")
        try data.writeFolder(folder)
        try Data().write(to: folder.appendingPathComponent("class-0/0.png"))              // sorted first: empty
        let png = try Data(contentsOf: folder.appendingPathComponent("class-1/1.png"))
        try png.prefix(40).write(to: folder.appendingPathComponent("class-1/1.png"))      // truncated
        let store = try store(cache: root.appendingPathComponent("cache"))
        XCTAssertThrowsError(try store.importDataset("broken", from: folder)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix(folder.appendingPathComponent("class-0/0.png").path + ": "), text)
            XCTAssertTrue(text.contains("and 1 more of the 12 files cannot be decoded (\(folder.appendingPathComponent("class-1/1.png").path))"), text)
            XCTAssertTrue(text.contains("--skip-unreadable"), text)
        }
        XCTAssertThrowsError(try store.entry(named: "broken"), "nothing imported")
        var warnings: [String] = []
        let kept = try store.importDataset("kept", from: folder, options: .init(skipUnreadable: true),
                                           onWarning: { warnings.append($0) }).dataset
        XCTAssertEqual([kept.count, kept.classCount, kept.height], [10, 3, 16])
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue((warnings.first ?? "").hasPrefix("left out 2 files that cannot be decoded: \(folder.appendingPathComponent("class-0/0.png").path) ("), "\(warnings)")
    }

    /// One file that cannot be decoded is named with the way past it, as several are.
    func testOneUnreadableFileNamesSkipUnreadable() throws {
        let root = try makeTemporaryDirectory()
        let folder = root.appendingPathComponent("png")
        try OwnDataFixtures(perClass: 2).writeFolder(folder)
        try Data().write(to: folder.appendingPathComponent("class-1/1.png"))
        XCTAssertThrowsError(try store(cache: root.appendingPathComponent("cache")).importDataset("one", from: folder)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix(folder.appendingPathComponent("class-1/1.png").path + ": "), text)
            XCTAssertTrue(text.hasSuffix("; --skip-unreadable imports the other 5 files"), text)
        }
    }

    /// A few colour images among grey ones make the set three channels: said in one warning naming one of them and
    /// the flag that makes every image grey; all grey stays one channel, all colour three, without a word.
    func testMixedColourImagesAreNamed() throws {
        let root = try makeTemporaryDirectory()
        let data = OwnDataFixtures(perClass: 2)
        let folder = root.appendingPathComponent("mixed")
        try data.writeFolder(folder)
        let rgb = data.image(0).flatMap { [$0, $0 / 2, $0] }
        try PNGCodec.encode(rgb, height: data.side, width: data.side, channels: 3)
            .write(to: folder.appendingPathComponent("class-0/red.png"))
        let store = try store(cache: root.appendingPathComponent("cache"))
        var warnings: [String] = []
        let mixed = try store.importDataset("mixed", from: folder, options: .init(), onWarning: { warnings.append($0) }).dataset
        XCTAssertEqual(mixed.channels, 3)
        XCTAssertEqual(warnings, ["1 image is in colour (e.g. class-0/red.png), the other 6 grey: imported as 3 channels, "
            + "the grey images repeated in each; --channels 1 makes every image grey (luma)"])
        warnings = []
        let grey = try store.importDataset("grey", from: folder, options: .init(channels: 1), onWarning: { warnings.append($0) }).dataset
        XCTAssertEqual([grey.channels, warnings.count], [1, 0], "\(warnings)")
    }

    /// A dataset imported again from its own cache file keeps its image names (clusters.tsv) and class names.
    func testReimportFromCacheKeepsNames() throws {
        let root = try makeTemporaryDirectory()
        let folder = root.appendingPathComponent("png")
        try OwnDataFixtures(perClass: 2).writeFolder(folder)
        let store = try store(cache: root.appendingPathComponent("cache"))
        let first = try store.importDataset("named", from: folder)
        let copy = root.appendingPathComponent("named-copy.h5")
        try FileManager.default.copyItem(at: first.cacheURL, to: copy)
        let again = try store.importDataset("again", from: copy).dataset
        XCTAssertEqual(again.names, first.dataset.names)
        XCTAssertNotNil(again.names)
        XCTAssertEqual(try store.entry(named: "again").classNames, ["class-0", "class-1", "class-2"])
    }

    /// A dangling link and a fifo named like images fail the import like a corrupt image (the fifo is never opened:
    /// this test would hang otherwise), or are left out with `skipUnreadable`; files of other types are counted in one
    /// warning, hidden ones not; an archive member that is a link counts as unreadable too; a text file named .zip is
    /// not a readable archive.
    func testLinksFifosAndOtherFilesAreNamed() throws {
        let root = try makeTemporaryDirectory()
        let data = OwnDataFixtures(perClass: 2)
        let folder = root.appendingPathComponent("png")
        try data.writeFolder(folder)
        let dangling = folder.appendingPathComponent("class-0/link.png"), fifo = folder.appendingPathComponent("class-1/pipe.png")
        try FileManager.default.createSymbolicLink(atPath: dangling.path, withDestinationPath: root.appendingPathComponent("gone.png").path)
        XCTAssertEqual(mkfifo(fifo.path, 0o644), 0)
        for name in ["class-0/a.bmp", "class-1/b.BMP", "class-2/c.webp", "README", ".DS_Store", "class-2/._d.bmp"] {
            try Data("x".utf8).write(to: folder.appendingPathComponent(name))
        }
        let store = try store(cache: root.appendingPathComponent("cache"))
        XCTAssertThrowsError(try store.importDataset("links", from: folder)) { error in
            XCTAssertEqual("\(error)", "\(dangling.path): symbolic link to \(root.path)/gone.png, which cannot be followed (no such file or directory); and 1 more of the 8 files cannot be decoded (\(fifo.path)); --skip-unreadable imports the others")
        }
        var warnings: [String] = []
        let kept = try store.importDataset("links", from: folder, options: .init(skipUnreadable: true),
                                           onWarning: { warnings.append($0) }).dataset
        XCTAssertEqual(kept.count, 6)
        XCTAssertEqual(warnings.count, 2, "\(warnings)")
        XCTAssertEqual(warnings.first, "ignored 4 files of unsupported types (.bmp 2, no extension 1, .webp 1): import reads .png, .jpg and .jpeg")
        XCTAssertEqual(warnings.last, "left out 2 files that cannot be decoded: \(dangling.path) (symbolic link to \(root.path)/gone.png, which cannot be followed (no such file or directory)); \(fifo.path) (a fifo (named pipe), not a regular file)")

        // The same in an archive: a link member named like an image, and members of other types.
        let members = try (0..<3).map { n in
            ("class-\(n)/\(n).png", try PNGCodec.encode(data.pixels.prefix(256).map { $0 }, height: 16, width: 16, channels: 1))
        } + [("class-0/x.gif", Data("GIF89a".utf8)), ("__MACOSX/class-0/._0.png", Data("x".utf8))]
        let zip = root.appendingPathComponent("set.tar")
        try ArchiveFixture.write(members, links: [("class-1/link.png", "1.png")], format: .tar, to: zip)
        XCTAssertThrowsError(try store.importDataset("tar", from: zip)) { error in
            XCTAssertEqual("\(error)", "\(zip.path):class-1/link.png: a symbolic link in the archive, not a regular file; --skip-unreadable imports the other 3 files")
        }
        warnings = []
        XCTAssertEqual(try store.importDataset("tar", from: zip, options: .init(skipUnreadable: true),
                                               onWarning: { warnings.append($0) }).dataset.count, 3)
        XCTAssertEqual(warnings.first, "ignored 1 file of unsupported types (.gif 1): import reads .png, .jpg and .jpeg")

        let text = root.appendingPathComponent("bad.zip")
        try Data("hello\n".utf8).write(to: text)
        XCTAssertThrowsError(try store.importDataset("text", from: text)) {
            XCTAssertEqual("\($0)", "\(text.path): not a readable archive (Unrecognized archive format)")
        }
        // Only files of other types: the error says what the folder holds.
        let others = root.appendingPathComponent("others")
        try FileManager.default.createDirectory(at: others, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: others.appendingPathComponent("a.webp"))
        XCTAssertThrowsError(try store.importDataset("others", from: others)) {
            XCTAssertEqual("\($0)", "\(others.path): missing image files (.jpg, .jpeg, .png) (it holds 1 file of unsupported types (.webp 1))")
        }
        // A fifo as the path itself is refused before anything opens it.
        let pipe = root.appendingPathComponent("pipe.zip")
        XCTAssertEqual(mkfifo(pipe.path, 0o644), 0)
        XCTAssertThrowsError(try store.importDataset("pipe", from: pipe)) {
            XCTAssertEqual("\($0)", "\(pipe.path): a fifo (named pipe), not a regular file")
        }
    }

    /// Each imported image file's name (path under the folder, member name in an archive) is cached in index order
    /// and loads back; other formats, the registry's datasets and caches without the attribute have none.
    func testImportedImageNamesAreCachedAndLoad() throws {
        let root = try makeTemporaryDirectory()
        let data = OwnDataFixtures(perClass: 2)
        try data.writeFolder(root.appendingPathComponent("png"))
        try data.writeZip(root.appendingPathComponent("set.zip"))
        try data.writeNPZ(root.appendingPathComponent("set.npz"))
        let store = try store(cache: root.appendingPathComponent("cache"))
        let expected = ["class-0/0.png", "class-0/3.png", "class-1/1.png", "class-1/4.png", "class-2/2.png", "class-2/5.png"]
        let folder = try store.importDataset("folder", from: root.appendingPathComponent("png")).dataset
        XCTAssertEqual(folder.names, expected)
        XCTAssertEqual(try store.load("folder").names, expected)
        XCTAssertEqual(try store.load("folder").labels, [0, 0, 1, 1, 2, 2])
        try store.importDataset("zip", from: root.appendingPathComponent("set.zip"), options: .init(unlabelled: true))
        XCTAssertEqual(try store.load("zip").names, expected)
        try store.importDataset("npz", from: root.appendingPathComponent("set.npz"))
        XCTAssertNil(try store.load("npz").names)
        // The content digest (a run's datasetSHA256) does not depend on the names.
        let plain = Dataset(name: "folder", count: folder.count, channels: folder.channels, height: folder.height,
                            width: folder.width, pixels: folder.pixels, labels: folder.labels)
        let url = root.appendingPathComponent("plain.h5")
        let stamp = CacheStamp(name: "folder", source: DatasetStore.importSource, decoder: "image-tree",
                               decoderVersion: DatasetStore.decoderVersion, sourceDigests: [])
        try DatasetCache.write(plain, stamp: stamp, to: url)
        XCTAssertNil(try DatasetCache.read(at: url).dataset.names, "a cache without names (as older builds wrote)")
        XCTAssertEqual(try HDF5File.open(at: url).stringAttribute("contentSHA256"),
                       try HDF5File.open(at: store.cacheURL(for: "folder")).stringAttribute("contentSHA256"))
        // A line break inside a name cannot split it.
        let odd = Dataset(name: "odd", count: 2, channels: 1, height: 1, width: 1, pixels: [1, 2], labels: [0, 0],
                          names: ["a\nb.png", "c.png"])
        try DatasetCache.write(odd, stamp: stamp, to: url)
        XCTAssertEqual(try DatasetCache.read(at: url).dataset.names, ["a\u{2424}b.png", "c.png"])
        // Far above the 64 kB an attribute's own header holds: a variable-length string lives in the global heap.
        let many = (0..<3000).map { "class-\($0 % 7)/" + String(repeating: "x", count: 200) + "-\($0).png" }
        let large = Dataset(name: "large", count: many.count, channels: 1, height: 1, width: 1,
                            pixels: [UInt8](repeating: 1, count: many.count), labels: [Int32](repeating: 0, count: many.count),
                            names: many)
        try DatasetCache.write(large, stamp: stamp, to: url)
        XCTAssertEqual(try DatasetCache.read(at: url).dataset.names, many)
        // The names have a digest of their own (outside the content digest): a changed name makes the cache unusable.
        try DatasetCache.write(odd, stamp: stamp, to: url)
        let file = try HDF5File.open(at: url, writable: true)
        try file.setAttribute("names", to: "a\u{2424}b.png\nZ.png")
        try file.flushAndClose()
        XCTAssertThrowsError(try DatasetCache.read(at: url)) { error in
            XCTAssertEqual("\(error)", "\(url.path): cache unusable: the names attribute differs from its recorded sha256 (corrupt)")
        }
    }

    func testStaleTemporariesOfDeadWritersAreRemoved() throws {
        let cache = try makeTemporaryDirectory()
        let store = try store(cache: cache)
        let dead = ".USPS.h5.\(UUID().uuidString).p999999.tmp", live = ".USPS.h5.\(UUID().uuidString).p\(getpid()).tmp"
        let old = ".USPS.h5.\(UUID().uuidString).tmp", other = ".MNIST-test.h5.\(UUID().uuidString).p999999.tmp"
        for name in [dead, live, old, other] { try Data([0]).write(to: cache.appendingPathComponent(name)) }
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)],
                                              ofItemAtPath: cache.appendingPathComponent(old).path)
        XCTAssertEqual(Set(store.removeStaleTemporaries(for: "USPS")), [dead, old])
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: cache.path)), [live, other])
    }

    /// A run directory's leftovers: a killed writer's `.NAME.<uuid>.p<pid>.tmp` and an old Foundation `.dat.nosync…`
    /// go; a live writer's temporary, a fresh `.dat.nosync…` and ordinary files stay. AtomicFile itself leaves nothing.
    func testAtomicFileWritesLeaveNothingAndStaleTemporariesGo() throws {
        let directory = try makeTemporaryDirectory()
        try AtomicFile.write(Data("a".utf8), to: directory.appendingPathComponent("record.json"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["record.json"])
        let dead = ".labels-sf.txt.\(UUID().uuidString).p999999.tmp", live = ".state.json.\(UUID().uuidString).p\(getpid()).tmp"
        let oldFoundation = ".dat.nosync1116.OfYXIp", freshFoundation = ".dat.nosync2222.AbCdEf"
        for name in [dead, live, oldFoundation, freshFoundation] { try Data([0]).write(to: directory.appendingPathComponent(name)) }
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)],
                                              ofItemAtPath: directory.appendingPathComponent(oldFoundation).path)
        XCTAssertEqual(Set(AtomicFile.removeStaleTemporaries(in: directory)), [dead, oldFoundation])
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: directory.path)),
                       ["record.json", live, freshFoundation])
    }

    /// A writer killed a moment ago is a zombie until reaped; its temporary is stale already (the fault-injection
    /// driver once found one left after a completed sweep).
    func testZombieWritersCountAsGone() throws {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { argv.forEach { free($0) } }
        XCTAssertEqual(posix_spawn(&pid, "/bin/true", nil, nil, argv, nil), 0)
        defer { var status: Int32 = 0; waitpid(pid, &status, 0) }
        var exited = false
        for _ in 0..<200 where !exited {       // until it has exited (not reaped: a zombie)
            usleep(10_000)
            exited = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.contains(") Z") ?? false
        }
        try XCTSkipUnless(exited, "no /proc/<pid>/stat state for the child")
        XCTAssertEqual(kill(pid, 0), 0, "a zombie still answers kill(pid, 0)")
        XCTAssertFalse(AtomicFile.isRunning(pid))
        XCTAssertTrue(AtomicFile.isRunning(getpid()))
        let directory = try makeTemporaryDirectory()
        let name = ".model.ckpt.\(UUID().uuidString).p\(pid).tmp"
        try Data([0]).write(to: directory.appendingPathComponent(name))
        XCTAssertEqual(AtomicFile.removeStaleTemporaries(in: directory), [name])
    }

    /// A corrupt file in the read-only mirror is named, and the command the message gives (--no-mirror: the
    /// mirror skipped, a good copy under <cache>/downloads used) fixes it.
    func testCorruptMirrorFileIsNamedAndTheSuggestedFixWorks() throws {
        let mirror = try makeTemporaryDirectory(), cache = try makeTemporaryDirectory()
        let images = Fixtures.idx(dims: [4, 5, 5], values: Fixtures.bytes(100, seed: 9))
        let labels = Fixtures.idx(dims: [4], values: [1, 0, 1, 0])
        try Fixtures.write(images, "digits/images.idx", under: mirror)
        try Fixtures.write(Fixtures.idx(dims: [4], values: [1, 1, 1, 0]), "digits/labels.idx", under: mirror)
        let registry = try Fixtures.registry(classes: 2, count: 4, shape: [1, 5, 5], decoder: "idx", parameters: DecoderParameters(), files: [
            SourceFile(role: "images", path: "digits/images.idx", sha256: Digest.sha256(images)),
            SourceFile(role: "labels", path: "digits/labels.idx", sha256: Digest.sha256(labels)),
        ])
        let withMirror = DatasetStore(registry: registry, cacheDirectory: cache, mirror: mirror, quiet: true, allowNetwork: false)
        XCTAssertThrowsError(try withMirror.load("Synthetic")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(mirror.appendingPathComponent("digits/labels.idx").path), text)
            XCTAssertTrue(text.contains("jule data fetch Synthetic --no-mirror"), text)
            XCTAssertTrue(text.contains(cache.appendingPathComponent("downloads").path), text)
        }
        try Fixtures.write(images, "digits/images.idx", under: cache.appendingPathComponent("downloads"))
        try Fixtures.write(labels, "digits/labels.idx", under: cache.appendingPathComponent("downloads"))
        let withoutMirror = DatasetStore(registry: registry, cacheDirectory: cache, mirror: nil, quiet: true, allowNetwork: false)
        XCTAssertEqual(try withoutMirror.load("Synthetic").labels, [1, 0, 1, 0])
    }

    /// A folder checked by a tree digest cannot say which file changed; a PNG that no longer decodes is named.
    func testCorruptPNGInAMirrorFolderIsNamed() throws {
        let mirror = try makeTemporaryDirectory(), cache = try makeTemporaryDirectory()
        var digests: [(name: String, sha256: String)] = []
        for k in [1, 2] { for p in [0, 1] {
            let png = try PNGCodec.encode([UInt8](repeating: UInt8(k * 20 + p), count: 64), height: 8, width: 8, channels: 1)
            digests.append(("obj\(k)__\(p).png", Digest.sha256(png)))
            try Fixtures.write(png, "folder/obj\(k)__\(p).png", under: mirror)
        } }
        let broken = mirror.appendingPathComponent("folder/obj2__1.png")
        try Data(try Data(contentsOf: broken).prefix(40)).write(to: broken)
        let parameters = DecoderParameters(filePattern: #"obj(\d+)__(\d+)\.png"#, channels: 1, height: 8, width: 8)
        let registry = try Fixtures.registry(classes: 2, count: 4, shape: [1, 8, 8], decoder: "png-folder", parameters: parameters,
                                             files: [SourceFile(role: "folder", path: "folder", kind: .folder,
                                                                treeSHA256: FolderVerifier.treeDigest(digests))])
        let store = DatasetStore(registry: registry, cacheDirectory: cache, mirror: mirror, quiet: true, allowNetwork: false)
        XCTAssertThrowsError(try store.load("Synthetic")) { error in
            XCTAssertTrue("\(error)".contains("(corrupt: obj2__1.png)"), "\(error)")
            XCTAssertTrue("\(error)".contains("--no-mirror"), "\(error)")
        }
    }

    func testStrictJSONNamesUnknownKeysAndSyntaxPositions() throws {
        struct Inner: Codable { var a: Int; var b: Int? }
        struct Outer: Codable { var name: String; var inner: [Inner]; var free: [String: Int]? }
        let good = Data(#"{"name": "x", "inner": [{"a": 1}], "free": {"anything": 2}}"#.utf8)
        XCTAssertEqual(try StrictJSON.decode(Outer.self, from: good).inner[0].a, 1)
        let typo = Data(#"{"name": "x", "inner": [{"a": 1, "c": 2}]}"#.utf8)
        XCTAssertThrowsError(try StrictJSON.decode(Outer.self, from: typo)) {
            XCTAssertEqual("\($0)", "unknown key 'c' at inner[0] (allowed: a, b)")
        }
        let syntax = Data("{\n  \"name\": \"x\",\n  \"inner\": [}\n}".utf8)
        XCTAssertThrowsError(try StrictJSON.decode(Outer.self, from: syntax)) {
            XCTAssertTrue("\($0)".hasPrefix("not valid JSON: "), "\($0)")
            XCTAssertTrue("\($0)".contains("line 3, column 13"), "\($0)")
        }
        let type = Data(#"{"name": "x", "inner": [{"a": "one"}]}"#.utf8)
        XCTAssertThrowsError(try StrictJSON.decode(Outer.self, from: type)) {
            XCTAssertEqual("\($0)", "wrong type at inner[0].a: expected an integer")
        }
    }

    /// Labels beside any images .npy, as `data import --help` says: the name's partner first (images → labels), else
    /// labels.npy or y.npy; both of those without a partner is ambiguous and refused.
    func testNPYLabelsBesideImagesOfAnyName() throws {
        let root = try makeTemporaryDirectory()
        let data = OwnDataFixtures(perClass: 4)
        let store = try store(cache: root.appendingPathComponent("cache"))
        let folder = root.appendingPathComponent("fmt2")
        try FileManager.default.moveItem(at: try data.writeNPYPair(in: folder), to: folder.appendingPathComponent("imgs.npy"))
        var warnings: [String] = []
        let labelled = try store.importDataset("fg", from: folder.appendingPathComponent("imgs.npy"), options: .init(),
                                               onWarning: { warnings.append($0) }).dataset
        XCTAssertEqual(labelled.classCount, 3, "\(warnings)")
        XCTAssertEqual(warnings, [])
        try FileManager.default.moveItem(at: folder.appendingPathComponent("labels.npy"), to: folder.appendingPathComponent("y.npy"))
        XCTAssertEqual(try store.importDataset("fg", from: folder.appendingPathComponent("imgs.npy")).dataset.classCount, 3)
        try data.labelsNPY().write(to: folder.appendingPathComponent("labels.npy"))
        XCTAssertThrowsError(try store.importDataset("fg", from: folder.appendingPathComponent("imgs.npy"))) { error in
            XCTAssertTrue("\(error)".contains("both labels.npy and y.npy beside imgs.npy; --labels FILE says which"), "\(error)")
        }
        // Without either: unlabelled, and the warning names what was looked for.
        for name in ["labels.npy", "y.npy"] { try FileManager.default.removeItem(at: folder.appendingPathComponent(name)) }
        warnings = []
        XCTAssertEqual(try store.importDataset("fg", from: folder.appendingPathComponent("imgs.npy"), options: .init(),
                                               onWarning: { warnings.append($0) }).dataset.classCount, 1)
        XCTAssertTrue(warnings.contains { $0.contains("no labels.npy or y.npy beside imgs.npy") }, "\(warnings)")
    }

    /// The default cache follows $XDG_CACHE_HOME, else $HOME (Foundation's home directory reads passwd on Linux).
    func testDefaultCacheFollowsTheEnvironment() {
        func cache(_ environment: [String: String]) -> String { DatasetStore.defaultCacheDirectory(environment: environment).path }
        XCTAssertEqual(cache(["JULE_CACHE": "/j", "XDG_CACHE_HOME": "/x", "HOME": "/h"]), "/j")
        XCTAssertEqual(cache(["XDG_CACHE_HOME": "/x", "HOME": "/h"]), "/x/jule")
        XCTAssertEqual(cache(["XDG_CACHE_HOME": "relative", "HOME": "/h"]), "/h/.cache/jule")
        XCTAssertEqual(cache(["HOME": "/tmp/x"]), "/tmp/x/.cache/jule")
        XCTAssertEqual(cache(["HOME": ""]), FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/jule").path)
    }
}
