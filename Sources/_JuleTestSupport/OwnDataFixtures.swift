import CZlib
import Foundation
import JuleData

/// A small labelled image set in every format `jule data import` reads, written by the tests themselves (no
/// external tools): `classes` classes of horizontal or vertical bright bands on noise, grey, `side`×`side`.
public struct OwnDataFixtures {
    public let count: Int
    public let side: Int
    public let pixels: [UInt8]          // N×side×side
    public let labels: [Int]

    public init(classes: Int = 3, perClass: Int = 20, side: Int = 16, seed: UInt64 = 7) {
        var rng = SeededGenerator(seed: seed)
        var pixels: [UInt8] = []
        var labels: [Int] = []
        for n in 0..<(classes * perClass) {
            let c = n % classes
            for r in 0..<side {
                for col in 0..<side {
                    let onBand = c % 2 == 0 ? abs(r - (3 + 4 * (c / 2))) <= 1 : abs(col - (3 + 4 * (c / 2))) <= 1
                    pixels.append(UInt8(max(0, min(255, (onBand ? 200.0 : 30.0) + 20 * rng.nextGaussian()))))
                }
            }
            labels.append(c)
        }
        self.count = classes * perClass
        self.side = side
        self.pixels = pixels
        self.labels = labels
    }

    public func image(_ n: Int) -> [UInt8] { Array(pixels[(n * side * side)..<((n + 1) * side * side)]) }

    /// `root/class-<c>/<n>.png`, grey PNGs (`root/<n>.png` without class folders: unlabelled).
    public func writeFolder(_ root: URL, classFolders: Bool = true) throws {
        for n in 0..<count {
            let url = root.appendingPathComponent(classFolders ? "class-\(labels[n])/\(n).png" : "\(n).png")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try PNGCodec.encode(image(n), height: side, width: side, channels: 1).write(to: url)
        }
    }

    /// Image `n` alone as a grey PNG at `url` (e.g. a stray file beside the class folders of `writeFolder`).
    public func writeImage(_ n: Int, to url: URL) throws {
        try PNGCodec.encode(image(n), height: side, width: side, channels: 1).write(to: url)
    }

    /// The same PNG tree as a zip archive.
    public func writeZip(_ url: URL) throws {
        try writeArchive(url, format: .zip)
    }

    /// The same PNG tree as an archive, every member under `prefix` ("shapes/": one wrapper folder, as `tar czf
    /// x.tgz shapes` and Finder write), then the `extra` members (junk such as `__MACOSX/…`).
    public func writeArchive(_ url: URL, format: ArchiveFixture.Format, under prefix: String = "",
                             extra: [(String, Data)] = []) throws {
        let members = try (0..<count).map { n in
            ("\(prefix)class-\(labels[n])/\(n).png", try PNGCodec.encode(image(n), height: side, width: side, channels: 1))
        }
        try ArchiveFixture.write(members + extra, format: format, to: url)
    }

    /// JULE's layout: `data` N×1×H×W as floats in [0, 1], `labels` N×1 with arbitrary ids.
    public func writeH5(_ url: URL) throws {
        try HDF5File.writeAtomically(to: url) { file in
            try file.write(pixels.map { Float($0) / 255 }, shape: [count, 1, side, side], to: "data", compressionLevel: nil)
            try file.write(labels.map { Double(10 * $0 + 5) }, shape: [count, 1], to: "labels", compressionLevel: nil)
        }
    }

    /// MNIST-named gzip IDX files in `folder`: `set-images-idx3-ubyte.gz` and `set-labels-idx1-ubyte.gz`; returns
    /// the images file (the labels are found beside it).
    public func writeIDX(in folder: URL) throws -> URL {
        func idx(_ dims: [Int], _ values: [UInt8]) -> Data {
            var data = Data([0, 0, 0x08, UInt8(dims.count)])
            for d in dims { withUnsafeBytes(of: UInt32(d).bigEndian) { data.append(contentsOf: $0) } }
            data.append(contentsOf: values)
            return data
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let images = folder.appendingPathComponent("set-images-idx3-ubyte.gz")
        try Self.gzip(idx([count, side, side], pixels)).write(to: images)
        try Self.gzip(idx([count], labels.map { UInt8($0) })).write(to: folder.appendingPathComponent("set-labels-idx1-ubyte.gz"))
        return images
    }

    /// An `.npz` with `images` (uint8 N×H×W) and `labels` (int64 N), as `numpy.savez` writes it.
    public func writeNPZ(_ url: URL) throws {
        try ArchiveFixture.write([("images.npy", imagesNPY()), ("labels.npy", labelsNPY())], format: .zip, to: url)
    }

    /// `images.npy` (float32 in [0, 1], N×H×W×1) and `labels.npy` (int64) in `folder`; returns the images file.
    public func writeNPYPair(in folder: URL) throws -> URL {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let images = folder.appendingPathComponent("images.npy")
        try Self.npy(descr: "<f4", shape: [count, side, side, 1],
                     payload: pixels.flatMap { value -> [UInt8] in
                         withUnsafeBytes(of: (Float(value) / 255).bitPattern.littleEndian) { Array($0) }
                     }).write(to: images)
        try labelsNPY().write(to: folder.appendingPathComponent("labels.npy"))
        return images
    }

    public func imagesNPY() -> Data { Self.npy(descr: "|u1", shape: [count, side, side], payload: pixels) }

    public func labelsNPY() -> Data {
        Self.npy(descr: "<i8", shape: [count], payload: labels.flatMap { label -> [UInt8] in
            withUnsafeBytes(of: Int64(label).littleEndian) { Array($0) }
        })
    }

    /// A version 1.0 `.npy` file: magic, version, header padded with spaces to a multiple of 64 bytes, data.
    public static func npy(descr: String, shape: [Int], fortranOrder: Bool = false, payload: [UInt8]) -> Data {
        let dims = shape.count == 1 ? "\(shape[0])," : shape.map(String.init).joined(separator: ", ")
        var header = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': (\(dims)), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        withUnsafeBytes(of: UInt16(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        data.append(contentsOf: payload)
        return data
    }

    /// gzip (RFC 1952) through zlib.
    public static func gzip(_ data: Data) throws -> Data {
        var stream = z_stream()
        // windowBits 15 + 16: a gzip wrapper.
        guard deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw DataError.invalidRequest("deflateInit2") }
        defer { deflateEnd(&stream) }
        var input = [UInt8](data)
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
        let status: Int32 = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw DataError.invalidRequest("deflate \(status)") }
        return Data(output.prefix(Int(stream.total_out)))
    }
}
