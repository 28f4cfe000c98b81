import CHDF5
import Foundation
import JuleCompute
@testable import JuleData
import JuleFuzzTargets
import JuleHarness
import XCTest
import _JuleTestSupport

/// Files that claim huge sizes are refused before anything of that size is allocated (issue 20), each with one
/// line naming the file, the claim and the limit. The claims here would need 10⁹ to 10¹² bytes; the tests run in
/// milliseconds with the default limits (`DecodeLimits.standard`), or with small limits where a real bomb (actual
/// bytes that inflate past the limit) is cheaper to build small.
final class HostileInputTests: XCTestCase {
    private let small = DecodeLimits(maxBytes: 1 << 20, maxArchiveBytes: 3 << 20, maxImagePixels: 1 << 16)

    private func assertRefused(_ what: String, naming file: String, containing text: String,
                               _ body: () throws -> Void, line: UInt = #line) {
        XCTAssertThrowsError(try body(), what, line: line) { error in
            let message = "\(error)"
            XCTAssertFalse(message.contains("\n"), "\(what): one line: \(message)", line: line)
            XCTAssertTrue(message.contains(file), "\(what): names \(file): \(message)", line: line)
            XCTAssertTrue(message.contains(text), "\(what): says '\(text)': \(message)", line: line)
        }
    }

    // MARK: Claimed sizes (default limits)

    func testIDXHeaderOfABillionImagesIsRefused() throws {
        let raw = FuzzFormats.idx(dimensions: [1_000_000_000, 28, 28], values: [1, 2, 3])
        assertRefused("raw", naming: "images.idx", containing: "1000000000x28x28 bytes, above the 4.0 GiB limit") {
            _ = try IDXDecoder.parse(raw, file: "images.idx", rank: 3, limits: .standard)
        }
        // gzip: only the 16-byte header is inflated before the claim is refused.
        assertRefused("gzip", naming: "images.idx.gz", containing: "above the 4.0 GiB limit") {
            _ = try IDXDecoder.parse(FuzzFormats.gzip(raw), file: "images.idx.gz", rank: 3, limits: .standard)
        }
        // Dimensions whose product overflows Int (the first fuzz crash).
        let overflow = FuzzFormats.idx(dimensions: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], values: [])
        assertRefused("overflow", naming: "images.idx", containing: "4294967295x4294967295x4294967295 bytes") {
            _ = try IDXDecoder.parse(overflow, file: "images.idx", rank: 3, limits: .standard)
        }
    }

    func testMATArrayOf2To40ElementsIsRefused() throws {
        let element = FuzzFormats.matMatrix(name: "fea", dimensions: [1 << 20, 1 << 20], values: [1, 2], storedType: 2)
        for compress in [false, true] {
            let file = FuzzFormats.matFile(elements: [element], compress: compress)
            assertRefused("compress \(compress)", naming: "USPS.mat", containing: "claims 1048576x1048576 elements, above the 4.0 GiB limit") {
                _ = try file.withUnsafeBytes { try MATFile(bytes: $0, file: "USPS.mat", limits: .standard) }
            }
        }
    }

    func testPNGOf100000By100000IsRefusedFromItsHeader() throws {
        // A valid header and one tiny IDAT: 10¹⁰ pixels claimed in 60 bytes.
        let png = FuzzFormats.png(width: 100_000, height: 100_000, bitDepth: 8, colorType: 0, rows: [[0]])
        for channels in [1, 3] {
            assertRefused("channels \(channels)", naming: "huge.png", containing: "PNG of 100000x100000 pixels, above the limit") {
                _ = try png.withUnsafeBytes { try PNGCodec.decode($0, channels: channels, file: "huge.png", limits: .standard) }
            }
        }
    }

    func testJPEGOf65500By65500IsRefusedFromItsHeader() throws {
        var jpeg = [UInt8](try JPEGCodec.encode([UInt8](repeating: 128, count: 64), height: 8, width: 8, channels: 1))
        // SOF0: FF C0, length (2), precision (1), height (2), width (2).
        let sof = try XCTUnwrap((0..<(jpeg.count - 1)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg.replaceSubrange((sof + 5)..<(sof + 9), with: [0xFF, 0xDC, 0xFF, 0xDC])     // 65500, libjpeg's maximum
        assertRefused("jpeg", naming: "huge.jpg", containing: "JPEG of 65500x65500 pixels, above the limit") {
            _ = try jpeg.withUnsafeBytes { try JPEGCodec.decode($0, channels: 3, file: "huge.jpg", limits: .standard) }
        }
    }

    func testHDF5DatasetClaimingATerabyteIsRefused() throws {
        // A chunked dataset of 2⁴⁰ bytes that was never written: the file is a few kB.
        let folder = try makeTemporaryDirectory()
        let url = folder.appendingPathComponent("data4torch.h5")
        let file = try HDF5File.create(at: url)
        try file.write([Int32(0)], shape: [1], to: "labels", compressionLevel: nil)
        try file.flushAndClose()
        let id = H5Fopen(url.path, jule_H5F_ACC_RDWR(), jule_H5P_DEFAULT())
        XCTAssertGreaterThanOrEqual(id, 0)
        var dims: [hsize_t] = [1 << 20, 1, 1 << 10, 1 << 10] as [hsize_t]
        var chunk: [hsize_t] = [1, 1, 1 << 10, 1 << 10]
        let space = H5Screate_simple(4, &dims, nil)
        let dcpl = H5Pcreate(jule_H5P_DATASET_CREATE())
        H5Pset_chunk(dcpl, 4, &chunk)
        let dataset = H5Dcreate2(id, "data", jule_H5T_NATIVE_UINT8(), space, jule_H5P_DEFAULT(), dcpl, jule_H5P_DEFAULT())
        XCTAssertGreaterThanOrEqual(dataset, 0)
        H5Dclose(dataset); H5Pclose(dcpl); H5Sclose(space); H5Fclose(id)
        XCTAssertLessThan(try Data(contentsOf: url).count, 100_000)
        assertRefused("jule-h5", naming: "data4torch.h5", containing: "claims shape [1048576, 1, 1024, 1024], above the 4.0 GiB limit") {
            _ = try JULEH5Decoder.decode(at: url)
        }
        assertRefused("read", naming: "data4torch.h5", containing: "above the 4.0 GiB limit") {
            _ = try HDF5File.open(at: url).read("data", as: UInt8.self)
        }
    }

    func testTarHeaderDeclaring8GiBIsRefusedBeforeReading() throws {
        // A ustar header for a member of 8 GiB (the largest octal size field), followed by 2 kB of data only.
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) { for (i, b) in text.utf8.enumerated() { header[offset + i] = b } }
        put("huge.bin", at: 0)
        put("0000644", at: 100); put("0000000", at: 108); put("0000000", at: 116)
        put("77777777777", at: 124)
        put("00000000000", at: 136)
        header[156] = UInt8(ascii: "0")
        put("ustar", at: 257); put("00", at: 263)
        put("        ", at: 148)
        let sum = header.reduce(0) { $0 + Int($1) }
        put(String(sum, radix: 8).leftPadded(to: 6), at: 148); header[154] = 0; header[155] = 0x20
        let url = try makeTemporaryDirectory().appendingPathComponent("bomb.tar")
        try Data(header + [UInt8](repeating: 0, count: 2048)).write(to: url)
        assertRefused("declared", naming: "bomb.tar", containing: "member huge.bin declares 8589934591 bytes, above the 4.0 GiB limit") {
            try ArchiveReader.forEachMember(in: url, want: { _ in true }, limits: .standard) { _, _ in }
        }
    }

    // MARK: Bombs (small limits, real bytes)

    func testZipAndTarBombsAreRefusedBySizeLimits() throws {
        let folder = try makeTemporaryDirectory()
        let zeros = Data(count: 2 << 20)                      // 2 MiB of zeros: a few kB compressed
        let cases: [(String, String, String, [(String, Data)])] = [
            ("bomb.zip", "zip", "", [("a/zeros.png", zeros)]),
            ("bomb.tar.gz", "tar", "gzip", [("a/zeros.png", zeros)]),
            ("bomb.tar.xz", "tar", "xz", [("a/zeros.png", zeros)]),
        ]
        for (name, format, filter, members) in cases {
            let url = folder.appendingPathComponent(name)
            try FuzzSeeds.writeArchive(members, format: format, filter: filter, to: url)
            XCTAssertLessThan(try Data(contentsOf: url).count, 64 << 10, name)
            assertRefused(name, naming: name, containing: "above the 1.0 MiB limit for one member") {
                try ArchiveReader.forEachMember(in: url, want: { _ in true }, limits: small) { _, _ in }
            }
        }
        // Many members, each under the member limit, over the archive limit together.
        let url = folder.appendingPathComponent("many.tar.gz")
        try FuzzSeeds.writeArchive((0..<4).map { ("a/\($0).png", Data(count: 900 << 10)) }, format: "tar", filter: "gzip", to: url)
        assertRefused("total", naming: "many.tar.gz", containing: "the limit for one archive") {
            try ArchiveReader.forEachMember(in: url, want: { _ in true }, limits: small) { _, _ in }
        }
        // Within the limits the same reader reads it.
        var read = 0
        try ArchiveReader.forEachMember(in: url, want: { _ in true }, limits: .standard) { _, data in read += data.count }
        XCTAssertEqual(read, 4 * (900 << 10))
    }

    func testGzipAndZlibBombsAreRefusedWhileInflating() throws {
        let zeros = Data(count: 4 << 20)
        // IDX: a header claiming 1 MiB + 1 of data, followed by 4 MiB: refused after claim + 1 bytes.
        var idx = FuzzFormats.idx(dimensions: [1 << 20], values: [])
        idx.append(zeros)
        XCTAssertThrowsError(try IDXDecoder.parse(FuzzFormats.gzip(idx), file: "labels.gz", rank: 1, limits: .standard)) { error in
            XCTAssertTrue("\(error)".contains("more than 1048576 data bytes, header says 1048576"), "\(error)")
        }
        // MAT: a compressed element inflating past the limit.
        var element = FuzzFormats.matMatrix(name: "fea", dimensions: [1, 1], values: [1])
        element.append(zeros)
        let mat = FuzzFormats.matFile(elements: [element], compress: true)
        assertRefused("mat", naming: "bomb.mat", containing: "inflates to more than 1.0 MiB") {
            _ = try mat.withUnsafeBytes { try MATFile(bytes: $0, file: "bomb.mat", limits: small) }
        }
    }

    // MARK: Found by review, with the fuzz findings

    func testJULEH5WithNaNIsRefused() throws {
        let url = try makeTemporaryDirectory().appendingPathComponent("data4torch.h5")
        try HDF5File.writeAtomically(to: url) { file in
            try file.write([5, .nan, 7, 9], shape: [4, 1, 1, 1], to: "data", compressionLevel: nil)
            try file.write([Double(0), 1, 0, 1], shape: [4], to: "labels", compressionLevel: nil)
        }
        assertRefused("NaN", naming: "data4torch.h5", containing: "values outside 0...255 (or NaN)") {
            _ = try JULEH5Decoder.decode(at: url)
        }
    }

    func testCacheWithALabelIdAboveTheImageCountIsUnusable() throws {
        // A correct content digest (anyone can compute one) over a label id of 2³¹ − 1: countsPerClass would
        // allocate 16 GiB.
        let url = try makeTemporaryDirectory().appendingPathComponent("Seed.h5")
        let dataset = Dataset(name: "Seed", count: 2, channels: 1, height: 1, width: 1, pixels: [1, 2], labels: [0, Int32.max])
        try DatasetCache.write(dataset, stamp: CacheStamp(name: "Seed", source: "mirror", decoder: "idx", decoderVersion: 1, sourceDigests: []), to: url)
        assertRefused("label", naming: "Seed.h5", containing: "label id 2147483647 for 2 images (corrupt)") {
            _ = try DatasetCache.read(at: url)
        }
    }

    func testCheckpointWithHostileCountsOrSpecIsRefused() throws {
        let folder = try makeTemporaryDirectory()
        let seed = try XCTUnwrap(try FuzzSeeds.all()["checkpoint"]?.first?.1)
        let headerLength = Int(seed[12]) | Int(seed[13]) << 8
        let header = String(decoding: seed[16..<(16 + headerLength)], as: UTF8.self)
        func checkpoint(_ edit: (String) -> String) -> URL {
            let json = Data(edit(header).utf8)
            var data = Data(seed.prefix(8))
            data.append(contentsOf: [1, 0, 0, 0, UInt8(json.count & 0xFF), UInt8(json.count >> 8), 0, 0])
            data.append(json)
            data.append(seed.suffix(from: 16 + headerLength))
            let url = folder.appendingPathComponent("\(UUID().uuidString).ckpt")
            try? data.write(to: url)
            return url
        }
        let count = try XCTUnwrap(header.range(of: #""parameterCount":\d+"#, options: .regularExpression))
        let overflow = checkpoint { $0.replacingCharacters(in: count, with: "\"parameterCount\":4611686018427387904") }
        assertRefused("count", naming: overflow.lastPathComponent, containing: "more than the file holds") {
            _ = try Trainer.loadCheckpoint(from: overflow)
        }
        // 17 one-filter blocks on a 100000×100000 input: few parameters, a 40 GB first im2col.
        let spec = NetworkSpec(inputChannels: 1, inputHeight: 100_000, inputWidth: 100_000,
                               blocks: Array(repeating: ConvBlockSpec(filters: 1, kernel: 1, padding: 0, pool: true), count: 17),
                               embeddingDimension: 1)
        XCTAssertNil(spec.checkedSizes())
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let specJSON = String(decoding: try encoder.encode(spec), as: UTF8.self)
        let hostile = checkpoint { text in
            let start = try! XCTUnwrap(text.range(of: "\"spec\":"))
            var depth = 0, end = start.upperBound
            for index in text[start.upperBound...].indices {
                if text[index] == "{" { depth += 1 }
                if text[index] == "}" { depth -= 1; if depth == 0 { end = text.index(after: index); break } }
            }
            return text.replacingCharacters(in: start.upperBound..<end, with: specJSON)
        }
        assertRefused("spec", naming: hostile.lastPathComponent, containing: "header values out of range") {
            _ = try Trainer.loadCheckpoint(from: hostile)
        }
    }

    func testCheckpointBytesDoNotDependOnTheProcess() throws {
        // Sorted header keys: JSONEncoder's order otherwise changes from one process to the next.
        let seed = try XCTUnwrap(try FuzzSeeds.all()["checkpoint"]?.first?.1)
        let headerLength = Int(seed[12]) | Int(seed[13]) << 8
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: seed[16..<(16 + headerLength)]) as? [String: Any])
        let text = String(decoding: seed[16..<(16 + headerLength)], as: UTF8.self)
        let positions = object.keys.sorted().map { try! XCTUnwrap(text.range(of: "\"\($0)\":")).lowerBound }
        XCTAssertEqual(positions, positions.sorted(), "header keys in sorted order")
    }

    func testSweepOverrideWithAnEmptyNetworkIsRefusedWhenPlanned() throws {
        let spec = SweepSpecification(name: "bad", datasets: ["USPS"], seeds: [1],
                                      overrides: [["network.embeddingDimension": .number(0)]])
        XCTAssertThrowsError(try SweepManifest.plan(spec, registry: FuzzEnvironment.registry)) { error in
            XCTAssertTrue("\(error)".contains("network.embeddingDimension = 0"), "\(error)")
        }
        let kernel = SweepSpecification(name: "bad", datasets: ["USPS"], seeds: [1],
                                        overrides: [["network.inputHeight": .number(3)]])
        XCTAssertThrowsError(try SweepManifest.plan(kernel, registry: FuzzEnvironment.registry))
        // Values whose arithmetic would overflow in `isValid`, and a network of tiny layers on a huge input.
        for overrides: [String: JSONValue] in [["network.blocks": .array([.object(["filters": .number(1), "kernel": .number(1),
                                                                                   "padding": .number(4e18), "pool": .bool(true)])])],
                                               ["network.inputHeight": .number(100_000), "network.inputWidth": .number(100_000)]] {
            let spec = SweepSpecification(name: "bad", datasets: ["USPS"], seeds: [1], overrides: [overrides])
            XCTAssertThrowsError(try SweepManifest.plan(spec, registry: FuzzEnvironment.registry)) { error in
                XCTAssertTrue("\(error)".contains("network"), "\(error)")
            }
        }
    }
}

private extension String {
    func leftPadded(to length: Int) -> String { String(repeating: "0", count: max(0, length - count)) + self }
}
