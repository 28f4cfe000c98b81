import Foundation

/// MNIST's IDX format, raw or gzip-compressed.
///
/// Big-endian header: two zero bytes, a type byte (0x08 = unsigned byte), the rank, then one int32 per dimension;
/// the data follows row-major. Images are `0x00000803` (N, 28, 28), labels `0x00000801` (N).
enum IDXDecoder {
    /// Decodes images and labels files pairwise (MNIST-full: train pair then test pair) and concatenates them.
    static func decode(images: [(name: String, bytes: Data)], labels: [(name: String, bytes: Data)]) throws -> DecodedImages {
        precondition(images.count == labels.count && !images.isEmpty, "IDX decoder needs matching images/labels files")
        var pixels: [UInt8] = []
        var allLabels: [Int32] = []
        var height = 0, width = 0
        for (imageFile, labelFile) in zip(images, labels) {
            let (imageDims, imageBytes) = try parse(imageFile.bytes, file: imageFile.name, rank: 3)
            let (labelDims, labelBytes) = try parse(labelFile.bytes, file: labelFile.name, rank: 1)
            guard imageDims[0] == labelDims[0] else {
                throw DataError.malformedFile(file: labelFile.name, reason: "\(labelDims[0]) labels for \(imageDims[0]) images in \(imageFile.name)")
            }
            if height == 0 { (height, width) = (imageDims[1], imageDims[2]) }
            guard (height, width) == (imageDims[1], imageDims[2]) else {
                throw DataError.malformedFile(file: imageFile.name, reason: "images are \(imageDims[1])x\(imageDims[2]), earlier files \(height)x\(width)")
            }
            pixels.append(contentsOf: imageBytes)
            allLabels.append(contentsOf: labelBytes.map { Int32($0) })
        }
        return DecodedImages(count: allLabels.count, channels: 1, height: height, width: width, pixels: pixels, labels: allLabels)
    }

    /// Parses one IDX file of unsigned bytes with the given rank; returns its dimensions and data.
    ///
    /// The header's claim (the product of its dimensions) is checked against `limits` and, for a raw file, against
    /// the file's size before the data is copied; a gzip file is inflated only as far as the header says, so a file
    /// claiming 10⁹ images or a gzip bomb is refused without allocating for it.
    static func parse(_ data: Data, file: String, rank: Int, limits: DecodeLimits = .current) throws -> ([Int], [UInt8]) {
        let header = 4 + 4 * rank
        return try data.withUnsafeBytes { bytes -> ([Int], [UInt8]) in
            let gzip = Inflate.isGzip(bytes)
            // The header first (from the raw bytes, or the first bytes of the inflated stream).
            let head: [UInt8] = gzip
                ? try Inflate.decompress(bytes, wrapper: .gzip, file: file, limit: header, truncateAtLimit: true)
                : Array(bytes.prefix(header))
            guard head.count >= header else {
                throw DataError.malformedFile(file: file, reason: "\(head.count) bytes, shorter than an IDX header")
            }
            let dims = try dimensions(head, file: file, rank: rank)
            guard let expectedBytes = DecodeLimits.product(dims), expectedBytes <= limits.maxBytes else {
                throw DataError.malformedFile(file: file, reason: "header claims \(dims.map(String.init).joined(separator: "x")) bytes, above the \(DecodeLimits.describe(bytes: limits.maxBytes)) limit for one file")
            }
            let raw: [UInt8]
            if gzip {
                // One byte more than claimed, so that padding is seen without inflating all of it.
                raw = try Inflate.decompress(bytes, wrapper: .gzip, file: file, limit: header + expectedBytes + 1, truncateAtLimit: true)
            } else {
                guard bytes.count - header == expectedBytes else {
                    throw DataError.malformedFile(file: file, reason: "\(bytes.count - header) data bytes, header says \(expectedBytes) (\(dims.map(String.init).joined(separator: "x"))): truncated or padded")
                }
                raw = Array(bytes)
            }
            guard raw.count - header == expectedBytes else {
                let found = raw.count - header > expectedBytes ? "more than \(expectedBytes)" : "\(raw.count - header)"
                throw DataError.malformedFile(file: file, reason: "\(found) data bytes, header says \(expectedBytes) (\(dims.map(String.init).joined(separator: "x"))): truncated or padded")
            }
            return (dims, Array(raw[header...]))
        }
    }

    /// Checks the magic number and reads the `rank` big-endian dimensions of an IDX header.
    private static func dimensions(_ head: [UInt8], file: String, rank: Int) throws -> [Int] {
        let magic = head[0..<4].reduce(0) { $0 << 8 | UInt32($1) }
        let expected = UInt32(0x0800) | UInt32(rank)
        guard magic == expected else {
            throw DataError.malformedFile(file: file, reason: "bad IDX magic 0x\(String(format: "%08x", magic)), expected 0x\(String(format: "%08x", expected))")
        }
        return (0..<rank).map { d in
            let offset = 4 + 4 * d
            return Int(head[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) })
        }
    }
}
