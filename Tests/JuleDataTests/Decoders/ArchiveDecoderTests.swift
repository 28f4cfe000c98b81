import XCTest
@testable import JuleData
import _JuleTestSupport

/// CIFAR, STL-10, COIL zip, JPEG trees and JULE h5 through `DatasetStore`, from synthetic files in the canonical
/// formats placed in a temporary "mirror".
final class ArchiveDecoderTests: MirrorAndCacheTestCase {
    func store(_ registry: DatasetRegistry) -> DatasetStore {
        DatasetStore(registry: registry, cacheDirectory: cache, mirror: mirror, quiet: true, allowNetwork: false)
    }

    func testCIFAR100CoarseLabelsAcrossMembers() throws {
        // Records: coarse label, fine label, 3072 planar RGB bytes.
        var train = Data(), test = Data()
        var expectedPixels: [UInt8] = []
        for i in 0..<5 {
            let pixels = Fixtures.bytes(3072, seed: UInt64(i))
            expectedPixels += pixels
            var record = Data([UInt8(i % 2), UInt8(50 + i)])
            record.append(contentsOf: pixels)
            if i < 3 { train.append(record) } else { test.append(record) }
        }
        let archive = mirror.appendingPathComponent("c100.tar.gz")
        try ArchiveFixture.write([("cifar-100-binary/train.bin", train), ("cifar-100-binary/test.bin", test),
                                  ("cifar-100-binary/coarse_label_names.txt", Data("a\nb\n".utf8))], format: .tarGz, to: archive)
        let md5 = try Digest.hex(.md5, ofFile: archive)
        let registry = try Fixtures.registry(classes: 2, count: 5, shape: [3, 32, 32], decoder: "cifar",
            parameters: DecoderParameters(labelBytes: 2, labelIndex: 0, members: ["cifar-100-binary/train.bin", "cifar-100-binary/test.bin"]),
            files: [SourceFile(role: "archive", path: "c100.tar.gz", md5: md5)])
        let dataset = try store(registry).load("Synthetic")
        XCTAssertEqual(dataset.labels, [0, 1, 0, 1, 0])
        XCTAssertEqual(dataset.pixels, expectedPixels)

        // Missing member, then a truncated archive (re-recorded digest so the decoder sees it); no cache results.
        try FileManager.default.removeItem(at: cache)
        try ArchiveFixture.write([("cifar-100-binary/train.bin", train)], format: .tarGz, to: archive)
        let missing = try Fixtures.registry(classes: 2, count: 5, shape: [3, 32, 32], decoder: "cifar",
            parameters: DecoderParameters(labelBytes: 2, labelIndex: 0, members: ["cifar-100-binary/train.bin", "cifar-100-binary/test.bin"]),
            files: [SourceFile(role: "archive", path: "c100.tar.gz", sha256: try Digest.hex(.sha256, ofFile: archive))])
        XCTAssertThrowsError(try store(missing).load("Synthetic")) { error in
            XCTAssertEqual("\(error)", "\(archive.path): missing cifar-100-binary/test.bin")
        }
        let whole = try Data(contentsOf: archive)
        try whole.prefix(whole.count / 2).write(to: archive)
        let truncated = try Fixtures.registry(classes: 2, count: 5, shape: [3, 32, 32], decoder: "cifar",
            parameters: DecoderParameters(labelBytes: 2, labelIndex: 0, members: ["cifar-100-binary/train.bin"]),
            files: [SourceFile(role: "archive", path: "c100.tar.gz", sha256: try Digest.hex(.sha256, ofFile: archive))])
        XCTAssertThrowsError(try store(truncated).load("Synthetic")) { error in
            XCTAssertTrue("\(error)".hasPrefix(archive.path + ": "), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache.appendingPathComponent("Synthetic.h5").path), "no partial cache")
    }

    func testCIFARRecordLengthIsChecked() throws {
        XCTAssertThrowsError(try CIFARDecoder.decode(members: [(name: "b.bin", bytes: Data(count: 3072))], labelBytes: 1, labelIndex: 0)) { error in
            XCTAssertEqual("\(error)", "b.bin: 3072 bytes is not a whole number of 3073-byte records")
        }
    }

    func testSTL10TransposesColumnMajorPlanes() throws {
        // Image n, channel ch, row r, column c has value (n·7 + ch·3 + r·5 + c) mod 256; stored column-major per plane.
        func value(_ n: Int, _ ch: Int, _ r: Int, _ c: Int) -> UInt8 { UInt8((n * 7 + ch * 3 + r * 5 + c) % 256) }
        func images(_ range: Range<Int>) -> Data {
            var data = Data()
            for n in range { for ch in 0..<3 { for c in 0..<96 { for r in 0..<96 { data.append(value(n, ch, r, c)) } } } }
            return data
        }
        let archive = mirror.appendingPathComponent("stl.tar.gz")
        try ArchiveFixture.write([("stl10_binary/train_X.bin", images(0..<2)), ("stl10_binary/train_y.bin", Data([1, 3])),
                                  ("stl10_binary/test_X.bin", images(2..<3)), ("stl10_binary/test_y.bin", Data([2]))],
                                 format: .tarGz, to: archive)
        let registry = try Fixtures.registry(classes: 3, count: 3, shape: [3, 96, 96], decoder: "stl10",
            parameters: DecoderParameters(members: ["stl10_binary/train_X.bin", "stl10_binary/train_y.bin", "stl10_binary/test_X.bin", "stl10_binary/test_y.bin"]),
            files: [SourceFile(role: "archive", path: "stl.tar.gz", sha256: try Digest.hex(.sha256, ofFile: archive))])
        let dataset = try store(registry).load("Synthetic")
        XCTAssertEqual(dataset.labels, [0, 2, 1])
        for (n, ch, r, c) in [(0, 0, 0, 1), (1, 2, 95, 3), (2, 1, 10, 90)] {
            XCTAssertEqual(dataset.pixels[n * 27648 + ch * 9216 + r * 96 + c], value(n, ch, r, c))
        }
        XCTAssertThrowsError(try STL10Decoder.decode(pairs: [(images: (name: "X", bytes: images(0..<1)), labels: (name: "y", bytes: Data([11])))])) { error in
            XCTAssertEqual("\(error)", "y: label 11 at index 0 outside 1...10")
        }
    }

    func testCOILStylePNGsFromZipAndFolderWithTreeDigest() throws {
        // obj{k}__{p}.png, grey 8×8; object 10 sorts after object 2 (numeric order).
        var members: [(String, Data)] = []
        var digests: [(name: String, sha256: String)] = []
        for k in [1, 2, 10] { for p in [0, 1, 11] {
            let png = try PNGCodec.encode([UInt8](repeating: UInt8(k * 20 + p), count: 64), height: 8, width: 8, channels: 1)
            members.append(("coil/obj\(k)__\(p).png", png))
            digests.append(("obj\(k)__\(p).png", Digest.sha256(png)))
            try Fixtures.write(png, "folder/obj\(k)__\(p).png", under: mirror)
        } }
        members.append(("coil/readme.txt", Data("not an image".utf8)))
        try ArchiveFixture.write(members, format: .zip, to: mirror.appendingPathComponent("coil.zip"))
        let tree = FolderVerifier.treeDigest(digests)
        let parameters = DecoderParameters(filePattern: #"(?:.*/)?obj(\d+)__(\d+)\.png"#, channels: 1, height: 8, width: 8)
        for (decoder, file) in [("png-zip", SourceFile(role: "archive", path: "coil.zip", treeSHA256: tree)),
                                ("png-folder", SourceFile(role: "folder", path: "folder", kind: .folder, treeSHA256: tree))] {
            let registry = try Fixtures.registry(classes: 3, count: 9, shape: [1, 8, 8], decoder: decoder, parameters: parameters, files: [file])
            let dataset = try store(registry).fetch("Synthetic", force: true).dataset
            XCTAssertEqual(dataset.labels, [0, 0, 0, 1, 1, 1, 2, 2, 2], decoder)
            XCTAssertEqual(stride(from: 0, to: 9 * 64, by: 64).map { dataset.pixels[$0] }, [20, 21, 31, 40, 41, 51, 200, 201, 211], decoder)
        }
        // One altered file: the tree digest no longer matches, nothing is decoded or cached.
        try FileManager.default.removeItem(at: cache)
        try PNGCodec.encode([UInt8](repeating: 9, count: 64), height: 8, width: 8, channels: 1)
            .write(to: mirror.appendingPathComponent("folder/obj2__1.png"))
        let registry = try Fixtures.registry(classes: 3, count: 9, shape: [1, 8, 8], decoder: "png-folder", parameters: parameters,
                                             files: [SourceFile(role: "folder", path: "folder", kind: .folder, treeSHA256: tree)])
        XCTAssertThrowsError(try store(registry).load("Synthetic")) { error in
            XCTAssertTrue("\(error)".hasPrefix("Synthetic: \(mirror.appendingPathComponent("folder").path): tree-sha256 "), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache.appendingPathComponent("Synthetic.h5").path))
    }

    func testBrokenPNGAndJPEGAreNamed() throws {
        let png = try PNGCodec.encode([UInt8](repeating: 1, count: 64), height: 8, width: 8, channels: 1)
        XCTAssertThrowsError(try png.prefix(40).withUnsafeBytes { try PNGCodec.decode($0, channels: 1, file: "a.png") }) { error in
            XCTAssertTrue("\(error)".hasPrefix("a.png: broken PNG"), "\(error)")
        }
        let jpeg = try JPEGCodec.encode(Fixtures.bytes(16 * 16 * 3, seed: 4), height: 16, width: 16, channels: 3)
        XCTAssertThrowsError(try jpeg.prefix(jpeg.count / 2).withUnsafeBytes { try JPEGCodec.decode($0, channels: 3, file: "b.jpg") }) { error in
            XCTAssertTrue("\(error)".hasPrefix("b.jpg: broken JPEG"), "\(error)")
        }
        XCTAssertThrowsError(try Data("GIF89a....".utf8).withUnsafeBytes { try ImageSetDecoder.decodeImage($0, channels: 1, location: "c.gif") }) { error in
            XCTAssertEqual("\(error)", "c.gif: neither PNG nor JPEG (unknown signature)")
        }
        XCTAssertThrowsError(try Data().withUnsafeBytes { try ImageSetDecoder.decodeImage($0, channels: 1, location: "zero.png") }) { error in
            XCTAssertEqual("\(error)", "zero.png: empty file")
        }
    }

    /// CMYK and YCCK JPEGs, which TurboJPEG decodes to CMYK only, become RGB or grey: Pillow's CMYK JPEG (Adobe
    /// marker, inverted inks) against Pillow's own conversion of it, and a YCCK JPEG written by TurboJPEG.
    func testCMYKAndYCCKJPEGsDecode() throws {
        // Fixtures/cmyk-pillow.jpg, 8×8, written by Pillow 13.0:
        //   im = Image.new('CMYK', (8, 8), (0, 255, 255, 0)); px = im.load()     # red
        //   for y in range(8):
        //       for x in range(8):
        //           if x < 4: px[x, y] = (255, 255, 0, 0)                         # blue, left half
        //           if y >= 6: px[x, y] = (0, 0, 0, 128)                          # grey, bottom two rows
        //   im.save('cmyk-pillow.jpg', quality=95)
        // Pillow reads it back (`.convert('RGB')`) as (0, 0, 255) at (0, 0), (255, 0, 0) at (7, 0), 127 grey at (0, 7).
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/cmyk-pillow.jpg")
        let pillow = try Data(contentsOf: fixture)
        XCTAssertEqual(Self.adobeTransform(pillow), 0, "a CMYK JPEG")
        let rgb = try pillow.withUnsafeBytes { try JPEGCodec.decode($0, channels: 3, file: "cmyk.jpg") }
        XCTAssertEqual([rgb.height, rgb.width], [8, 8])
        for (x, y, expected) in [(0, 0, [0, 0, 255]), (7, 0, [255, 0, 0]), (0, 7, [127, 127, 127]), (7, 7, [127, 127, 127])] {
            let found = (0..<3).map { Int(rgb.pixels[(y * 8 + x) * 3 + $0]) }
            XCTAssertTrue(zip(found, expected).allSatisfy { abs($0 - $1) <= 3 }, "(\(x), \(y)): \(found), Pillow \(expected)")
        }
        let grey = try pillow.withUnsafeBytes { try JPEGCodec.decode($0, channels: 1, file: "cmyk.jpg") }
        XCTAssertEqual(grey.pixels.count, 64)
        XCTAssertLessThanOrEqual(abs(Int(grey.pixels[0]) - 29), 3, "blue's luma, 0.114 · 255")
        XCTAssertLessThanOrEqual(abs(Int(grey.pixels[7 * 8]) - 127), 3)

        // YCCK: inverted inks as Photoshop stores them, red on top, 50 % grey below.
        let cmyk = (0..<256).flatMap { p -> [UInt8] in p < 128 ? [255, 0, 0, 255] : [255, 255, 255, 128] }
        let ycck = try JPEGCodec.encode(cmyk, height: 16, width: 16, channels: 4)
        XCTAssertEqual(Self.adobeTransform(ycck), 2, "a YCCK JPEG")
        let decoded = try ycck.withUnsafeBytes { try JPEGCodec.decode($0, channels: 3, file: "ycck.jpg") }
        for (p, expected) in [(0, [255, 0, 0]), (255, [128, 128, 128])] {
            let found = (0..<3).map { Int(decoded.pixels[p * 3 + $0]) }
            XCTAssertTrue(zip(found, expected).allSatisfy { abs($0 - $1) <= 3 }, "pixel \(p): \(found), expected \(expected)")
        }

        // Through an import: sized from its header like any JPEG, no longer "broken JPEG".
        let root = mirror.appendingPathComponent("cmyk")
        for name in ["a/0.jpg", "a/1.jpg", "b/0.jpg"] { try Fixtures.write(pillow, name, under: root) }
        try Fixtures.write(ycck, "b/1.jpg", under: root)
        let dataset = try store(try DatasetRegistry.load(from: DatasetRegistryTests.repositoryRegistry))
            .importDataset("inks", from: root).dataset
        XCTAssertEqual([dataset.count, dataset.channels, dataset.height, dataset.width], [4, 3, 8, 8])
    }

    /// The colour transform byte of a JPEG's Adobe APP14 segment (0 CMYK or RGB, 1 YCbCr, 2 YCCK), nil without one.
    private static func adobeTransform(_ jpeg: Data) -> UInt8? {
        let bytes = [UInt8](jpeg)
        guard let at = (0..<(bytes.count - 16)).first(where: { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xEE && Array(bytes[($0 + 4)..<($0 + 9)]) == Array("Adobe".utf8) }) else { return nil }
        return bytes[at + 15]
    }

    func testJPEGClassFolderTreeIsResizedAndImported() throws {
        let root = mirror.appendingPathComponent("tree")
        // Two classes, uniform-colour JPEGs of different sizes; resizing keeps a uniform colour.
        let colours: [String: [UInt8]] = ["cats": [200, 30, 30], "dogs": [20, 40, 220]]
        for (folder, colour) in colours {
            for (i, size) in [(0, 40), (1, 24)] {
                let pixels = (0..<(size * size)).flatMap { _ in colour }
                try Fixtures.write(try JPEGCodec.encode(pixels, height: size, width: size, channels: 3), "\(folder)/\(i).jpg", under: root)
            }
        }
        let outcome = try store(try DatasetRegistry.load(from: DatasetRegistryTests.repositoryRegistry))
            .importDataset("pets", from: root, channels: 3, height: 16, width: 16)
        let dataset = outcome.dataset
        XCTAssertEqual([dataset.count, dataset.channels, dataset.height, dataset.width], [4, 3, 16, 16])
        XCTAssertEqual(dataset.labels, [0, 0, 1, 1])
        for n in 0..<4 {
            let colour = colours[n < 2 ? "cats" : "dogs"]!
            for ch in 0..<3 {
                let centre = Int(dataset.pixels[n * 768 + ch * 256 + 8 * 16 + 8])
                XCTAssertLessThanOrEqual(abs(centre - Int(colour[ch])), 4, "image \(n) channel \(ch)")
            }
        }
        // The import is registered and loads again from the cache.
        let reopened = store(try DatasetRegistry.load(from: DatasetRegistryTests.repositoryRegistry))
        XCTAssertEqual(try reopened.entry(named: "PETS").shape, [3, 16, 16])
        XCTAssertEqual(try reopened.fetch("pets").action, .cached)
        XCTAssertTrue(try reopened.allEntries().contains { $0.name == "pets" })
    }

    /// A tar may hold later copies of a file (`tar -r`): the last copy of each name is kept, as extracting would,
    /// and a warning counts the members passed over (20 members used to import as "2 images" without a word).
    func testRepeatedArchiveMembersKeepTheLastCopyWithAWarning() throws {
        let registry = try DatasetRegistry.load(from: DatasetRegistryTests.repositoryRegistry)
        func png(_ grey: UInt8) throws -> Data { try PNGCodec.encode([UInt8](repeating: grey, count: 16), height: 4, width: 4, channels: 1) }
        var members: [(String, Data)] = []
        for copy in 0..<10 {
            members.append(("c0/same.png", try png(UInt8(copy))))
            members.append(("c1/same.png", try png(UInt8(100 + copy))))
        }
        let url = mirror.appendingPathComponent("repeated.tar")
        try ArchiveFixture.write(members, format: .tar, to: url)
        var warnings: [String] = []
        let dataset = try store(registry).importDataset("repeated", from: url, options: .init(), onWarning: { warnings.append($0) }).dataset
        XCTAssertEqual(dataset.count, 2)
        XCTAssertEqual(dataset.pixels, [UInt8](repeating: 9, count: 16) + [UInt8](repeating: 109, count: 16))
        XCTAssertTrue(warnings.contains("18 archive members repeat an earlier member's name (c0/same.png ×10, c1/same.png ×10): kept the last copy of each, as extracting the archive would"),
                      "\(warnings)")
    }

    func testJULEH5ImportForARegistryDataset() throws {
        // FRGC layout: float data 0…1 scaled, labels N×1 with arbitrary ids.
        let url = mirror.appendingPathComponent("data4torch.h5")
        let pixels = Fixtures.bytes(4 * 3 * 32 * 32, seed: 5)
        try HDF5File.writeAtomically(to: url) { file in
            try file.write(pixels.map { Float($0) / 255 }, shape: [4, 3, 32, 32], to: "data", compressionLevel: nil)
            try file.write([Double]([31, 7, 31, 12]), shape: [4, 1], to: "labels", compressionLevel: nil)
        }
        let registry = try DatasetRegistry.load(from: DatasetRegistryTests.repositoryRegistry)
        // 4 images of 3 classes are not the registry's FRGC (2462 of 20), which runs are judged against the paper on.
        XCTAssertThrowsError(try store(registry).importDataset("FRGC", from: url)) { error in
            XCTAssertTrue("\(error)".contains("holds 4 images in 3 classes, but the registry's FRGC (the paper's data, judged against its claims) has 2462 in 20; import them under another name, e.g. jule data import my-FRGC"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache.appendingPathComponent("FRGC.h5").path))
        // A registry whose FRGC is these 4 images: the import is FRGC.
        let frgc = try registry.entry(named: "FRGC")
        let small = DatasetEntry(name: frgc.name, description: frgc.description, classes: 3, count: 4, shape: frgc.shape,
                                 network: frgc.network, eta: frgc.eta, epochsPerPeriod: frgc.epochsPerPeriod, claims: frgc.claims,
                                 homepage: frgc.homepage, sources: frgc.sources, labelMapping: frgc.labelMapping,
                                 protocolNotes: frgc.protocolNotes, deviations: frgc.deviations)
        let store = store(try DatasetRegistry(datasets: registry.datasets.map { $0.name == "FRGC" ? small : $0 }))
        // Another spelling of the registry's name is refused, naming the registry's (names are compared without case).
        XCTAssertThrowsError(try store.importDataset("frgc", from: url)) { error in
            XCTAssertTrue("\(error)".contains("'frgc' differs only in letter case from the registry dataset 'FRGC'"), "\(error)")
        }
        let dataset = try store.importDataset("FRGC", from: url).dataset
        XCTAssertEqual(dataset.name, "FRGC")
        XCTAssertEqual(dataset.pixels, pixels)
        XCTAssertEqual(dataset.labels, [2, 0, 2, 1])
        XCTAssertEqual(try store.fetch("FRGC").action, .cached)

        // Wrong shape for the registry's FRGC, and a label count that disagrees.
        let bad = mirror.appendingPathComponent("bad.h5")
        try HDF5File.writeAtomically(to: bad) { file in
            try file.write([UInt8](repeating: 0, count: 2 * 28 * 28), shape: [2, 1, 28, 28], to: "data")
            try file.write([Int32]([0, 1, 2]), shape: [3], to: "labels")
        }
        XCTAssertThrowsError(try store.importDataset("FRGC", from: bad)) { error in
            XCTAssertEqual("\(error)", "\(bad.path): 'labels' has 3 values (shape [3]) for 2 images")
        }
    }
}
