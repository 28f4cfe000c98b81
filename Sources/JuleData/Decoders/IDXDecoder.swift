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
    static func parse(_ data: Data, file: String, rank: Int) throws -> ([Int], [UInt8]) {
        let raw: [UInt8] = try data.withUnsafeBytes { bytes in
            Inflate.isGzip(bytes) ? try Inflate.decompress(bytes, wrapper: .gzip, file: file) : Array(bytes)
        }
        guard raw.count >= 4 + 4 * rank else {
            throw DataError.malformedFile(file: file, reason: "\(raw.count) bytes, shorter than an IDX header")
        }
        let magic = raw[0..<4].reduce(0) { $0 << 8 | UInt32($1) }
        let expected = UInt32(0x0800) | UInt32(rank)
        guard magic == expected else {
            throw DataError.malformedFile(file: file, reason: "bad IDX magic 0x\(String(format: "%08x", magic)), expected 0x\(String(format: "%08x", expected))")
        }
        var dims: [Int] = []
        for d in 0..<rank {
            let offset = 4 + 4 * d
            dims.append(Int(raw[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }))
        }
        let header = 4 + 4 * rank
        let expectedBytes = dims.reduce(1, *)
        guard raw.count - header == expectedBytes else {
            throw DataError.malformedFile(file: file, reason: "\(raw.count - header) data bytes, header says \(expectedBytes) (\(dims.map(String.init).joined(separator: "x"))): truncated or padded")
        }
        return (dims, Array(raw[header...]))
    }
}
