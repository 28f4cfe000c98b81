import Foundation

/// IDX files of any rank, for `jule data import`: MNIST-style image files (N, H, W) or (N, H, W, C) with C = 1 or 3,
/// and label files (N), raw or gzip-compressed, unsigned bytes (type 0x08) only.
extension IDXDecoder {
    /// Whether `data` starts like an IDX file of unsigned bytes (after gunzip when gzip-compressed).
    static func looksLikeIDX(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        let head = [UInt8](handle.readData(ofLength: 4))
        guard head.count == 4 else { return false }
        if head[0] == 0x1F && head[1] == 0x8B { return true }   // gzip: decided when parsed
        return head[0] == 0 && head[1] == 0 && head[2] == 0x08 && (1...4).contains(head[3])
    }

    /// The rank stored in an IDX file's magic, then its dimensions and data.
    static func parseAnyRank(_ data: Data, file: String) throws -> ([Int], [UInt8]) {
        let head: [UInt8] = try data.withUnsafeBytes { bytes in
            // Only the 4-byte magic is inflated here (issue 20: not the whole stream, which may be a bomb).
            let raw = Inflate.isGzip(bytes) ? try Inflate.decompress(bytes, wrapper: .gzip, file: file, limit: 4, truncateAtLimit: true)
                : Array(bytes.prefix(4))
            return Array(raw.prefix(4))
        }
        guard head.count == 4, head[0] == 0, head[1] == 0 else {
            throw DataError.malformedFile(file: file, reason: "not an IDX file (bad magic)")
        }
        guard head[2] == 0x08 else {
            throw DataError.malformedFile(file: file, reason: "IDX element type 0x\(String(format: "%02x", head[2])), only unsigned bytes (0x08) are read")
        }
        guard (1...4).contains(head[3]) else {
            throw DataError.malformedFile(file: file, reason: "IDX rank \(head[3]), expected 1 (labels), 3 or 4 (images)")
        }
        return try parse(data, file: file, rank: Int(head[3]))
    }

    /// An images file and an optional labels file; without labels every image gets label 0 (unlabelled).
    static func decodeImport(images: URL, labels: URL?) throws -> DecodedImages {
        let imageData = try read(images)
        let (dims, bytes) = try parseAnyRank(imageData, file: images.path)
        let n = dims[0], h: Int, w: Int, c: Int
        switch dims.count {
        case 3: (h, w, c) = (dims[1], dims[2], 1)
        case 4 where [1, 3].contains(dims[3]): (h, w, c) = (dims[1], dims[2], dims[3])
        default:
            throw DataError.malformedFile(file: images.path, reason: "IDX dimensions \(dims.map(String.init).joined(separator: "x")): expected images N×H×W or N×H×W×C (C 1 or 3); is this a labels file?")
        }
        guard n > 0, h > 0, w > 0 else { throw DataError.malformedFile(file: images.path, reason: "holds no images") }
        var pixels = bytes
        if c == 3 {
            // (N, H, W, C) → (N, C, H, W).
            pixels = [UInt8](repeating: 0, count: bytes.count)
            for i in 0..<n {
                let base = i * h * w * c
                for p in 0..<(h * w) { for ch in 0..<c { pixels[base + ch * h * w + p] = bytes[base + p * c + ch] } }
            }
        }
        var labelValues = [Int32](repeating: 0, count: n)
        if let labels {
            let (labelDims, labelBytes) = try parseAnyRank(try read(labels), file: labels.path)
            guard labelDims.count == 1 else {
                throw DataError.malformedFile(file: labels.path, reason: "IDX dimensions \(labelDims.map(String.init).joined(separator: "x")): expected labels (N)")
            }
            guard labelDims[0] == n else {
                throw DataError.malformedFile(file: labels.path, reason: "\(labelDims[0]) labels for \(n) images in \(images.path)")
            }
            labelValues = try LabelMapping.apply("rank", to: labelBytes.map { Double($0) }, file: labels.path)
        }
        return DecodedImages(count: n, channels: c, height: h, width: w, pixels: pixels, labels: labelValues)
    }

    private static func read(_ url: URL) throws -> Data {
        do { return try Data(contentsOf: url) } catch {
            throw DataError.io(file: url.path, reason: "cannot read (\(FileErrorText.cause(error)))")
        }
    }
}
