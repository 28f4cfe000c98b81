import Foundation

/// NumPy's `.npy` array files (format versions 1.0, 2.0 and 3.0) and `.npz` archives of them, for `jule data import`.
///
/// Layout of an `.npy` file:
///
///     offset 0    6 bytes   magic "\x93NUMPY"
///     offset 6    2 bytes   major, minor version
///     offset 8    UInt16 LE header length L (version 1), or UInt32 LE at offset 8 (versions 2 and 3)
///     then        L bytes   a Python dict literal: {'descr': '<u1', 'fortran_order': False, 'shape': (N, H, W), }
///     then                  the elements, C order (row-major) unless fortran_order, little- or big-endian per descr
///
/// An `.npz` file is a zip archive whose members are `NAME.npy` (stored or deflated; `numpy.savez` and
/// `savez_compressed`). Only plain numeric dtypes are read (`b1`, `i1`…`i8`, `u1`…`u8`, `f4`, `f8`); object, string
/// and structured arrays are refused with the dtype named.
public enum NPYDecoder {
    /// One decoded array: its shape and its elements in C order, as raw bytes of `dtype`.
    public struct Array {
        public enum Kind: Character { case bool = "b", signed = "i", unsigned = "u", float = "f" }
        public let kind: Kind
        public let itemSize: Int
        public let bigEndian: Bool
        public let shape: [Int]
        /// Element bytes in C order (a Fortran-ordered file is reordered on reading).
        let bytes: [UInt8]

        public var count: Int { shape.reduce(1, *) }
        public var dtype: String { "\(bigEndian ? ">" : "<")\(kind.rawValue)\(itemSize)" }

        /// Element `i` (C order) as a Double: exact for every integer below 2⁵³ and for float32.
        public func value(at i: Int) -> Double {
            let offset = i * itemSize
            var raw: UInt64 = 0
            for b in 0..<itemSize {
                let byte = UInt64(bytes[offset + (bigEndian ? itemSize - 1 - b : b)])
                raw |= byte << (8 * UInt64(b))
            }
            switch kind {
            case .bool, .unsigned: return Double(raw)
            case .signed:
                let shift = UInt64(64 - 8 * itemSize)
                return Double(Int64(bitPattern: raw << shift) >> Int64(shift))
            case .float:
                return itemSize == 4 ? Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw))) : Double(bitPattern: raw)
            }
        }
    }

    static let magic: [UInt8] = [0x93] + Swift.Array("NUMPY".utf8)

    /// Parses one `.npy` file; `file` names it in errors.
    public static func parse(_ data: Data, file: String) throws -> Array {
        func fail(_ reason: String) -> DataError { .malformedFile(file: file, reason: reason) }
        let bytes = [UInt8](data)
        guard bytes.count >= 10, Swift.Array(bytes[0..<6]) == magic else { throw fail("not a .npy file (bad magic)") }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw fail(".npy format version \(major).\(bytes[7]), this build reads 1.0 to 3.0")
        }
        guard headerLength >= 0, headerStart + headerLength <= bytes.count else { throw fail("truncated header") }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard let descr = capture(#"'descr'\s*:\s*'([^']*)'"#, in: header) else {
            throw fail("header has no simple 'descr' (structured arrays are not supported): \(header.prefix(80))")
        }
        guard let fortran = capture(#"'fortran_order'\s*:\s*(True|False)"#, in: header) else {
            throw fail("header has no 'fortran_order'")
        }
        guard let shapeText = capture(#"'shape'\s*:\s*\(([^)]*)\)"#, in: header) else { throw fail("header has no 'shape'") }
        var shape: [Int] = []
        for part in shapeText.split(separator: ",") {
            let token = part.trimmingCharacters(in: .whitespaces)
            if token.isEmpty { continue }
            guard let n = Int(token.hasSuffix("L") ? String(token.dropLast()) : token), n >= 0 else {
                throw fail("shape (\(shapeText)) is not a tuple of sizes")
            }
            shape.append(n)
        }
        let chars = Swift.Array(descr)
        guard chars.count >= 3, "<>|=".contains(chars[0]), let kind = Array.Kind(rawValue: chars[1]),
              let size = Int(String(chars[2...])), [1, 2, 4, 8].contains(size), kind != .float || size >= 4,
              kind != .bool || size == 1 else {
            throw fail("dtype '\(descr)' is not supported (numeric arrays only: bool, int8…int64, uint8…uint64, float32, float64)")
        }
        var count = 1
        for n in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: n)
            guard !overflow else { throw fail("shape (\(shapeText)) is too large") }
            count = product
        }
        let (length, overflow) = count.multipliedReportingOverflow(by: size)
        let start = headerStart + headerLength
        guard !overflow, bytes.count - start == length else {
            throw fail("\(bytes.count - start) data bytes, shape (\(shapeText)) of \(descr) needs \(length): truncated or padded")
        }
        var payload = Swift.Array(bytes[start...])
        if fortran == "True" && shape.count > 1 { payload = cOrder(payload, shape: shape, itemSize: size) }
        return Array(kind: kind, itemSize: size, bigEndian: chars[0] == ">", shape: shape, bytes: payload)
    }

    /// The `.npy` members of an `.npz` archive by name (without the `.npy` suffix).
    public static func parseArchive(at url: URL) throws -> [String: Array] {
        var arrays: [String: Array] = [:]
        try ArchiveReader.forEachMember(in: url, want: { $0.lowercased().hasSuffix(".npy") }) { name, data in
            let key = String(ArchiveReader.normalise(name).dropLast(4))
            arrays[key] = try parse(data, file: "\(url.path):\(name)")
        }
        guard !arrays.isEmpty else { throw DataError.missingMember(container: url.path, member: ".npy arrays") }
        return arrays
    }

    /// Images from an array of shape (N, H, W), (N, C, H, W) or (N, H, W, C) with C = 1 or 3, as N×C×H×W bytes.
    /// uint8 values are taken as they are; other types must lie in 0…255, or in [0, 1] for floats (then ×255).
    static func images(_ array: Array, file: String) throws -> (count: Int, channels: Int, height: Int, width: Int, pixels: [UInt8]) {
        func fail(_ reason: String) -> DataError { .malformedFile(file: file, reason: reason) }
        let s = array.shape
        let channelsLast: Bool
        let (n, c, h, w): (Int, Int, Int, Int)
        switch s.count {
        case 3: (n, c, h, w) = (s[0], 1, s[1], s[2]); channelsLast = false
        case 4 where [1, 3].contains(s[3]): (n, c, h, w) = (s[0], s[3], s[1], s[2]); channelsLast = true
        case 4 where [1, 3].contains(s[1]): (n, c, h, w) = (s[0], s[1], s[2], s[3]); channelsLast = false
        default:
            throw fail("images have shape \(s), expected (N, H, W), (N, H, W, C) or (N, C, H, W) with C = 1 or 3")
        }
        guard n > 0, h > 0, w > 0 else { throw fail("images have shape \(s): no pixels") }
        guard array.kind != .bool else { throw fail("images are booleans (dtype \(array.dtype)), expected numbers") }
        var pixels = [UInt8](repeating: 0, count: array.count)
        if array.kind == .unsigned && array.itemSize == 1 {
            pixels = array.bytes
        } else {
            var low = Double.infinity, high = -Double.infinity
            for i in 0..<array.count {
                let v = array.value(at: i)
                guard v.isFinite else { throw fail("image value \(v) at element \(i) is not finite") }
                low = min(low, v); high = max(high, v)
            }
            guard low >= 0, high <= 255 else {
                throw fail("image values span \(low)…\(high), expected 0…255 (or 0…1 for floats)")
            }
            let scale: Double = array.kind == .float && high <= 1 ? 255 : 1
            for i in 0..<array.count { pixels[i] = UInt8((array.value(at: i) * scale).rounded()) }
        }
        if channelsLast && c > 1 {
            // (N, H, W, C) → (N, C, H, W).
            var planar = [UInt8](repeating: 0, count: pixels.count)
            for image in 0..<n {
                let base = image * h * w * c
                for y in 0..<h {
                    for x in 0..<w {
                        for ch in 0..<c { planar[base + (ch * h + y) * w + x] = pixels[base + (y * w + x) * c + ch] }
                    }
                }
            }
            pixels = planar
        }
        return (n, c, h, w, pixels)
    }

    /// Integer labels from an array of shape (N), (N, 1) or (1, N).
    static func labelValues(_ array: Array, count: Int, file: String) throws -> [Double] {
        let s = array.shape
        guard s == [count] || s == [count, 1] || s == [1, count] else {
            throw DataError.malformedFile(file: file, reason: "labels have shape \(s), expected (\(count)) for \(count) images")
        }
        return (0..<count).map { array.value(at: $0) }
    }

    private static func capture(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text) else { return nil }
        return String(text[range])
    }

    /// Fortran (column-major) element order → C order.
    private static func cOrder(_ bytes: [UInt8], shape: [Int], itemSize: Int) -> [UInt8] {
        let count = shape.reduce(1, *)
        var out = [UInt8](repeating: 0, count: bytes.count)
        var fortranStride = [Int](repeating: 1, count: shape.count)
        for d in 1..<shape.count { fortranStride[d] = fortranStride[d - 1] * shape[d - 1] }
        var index = [Int](repeating: 0, count: shape.count)
        for i in 0..<count {
            var source = 0
            for d in 0..<shape.count { source += index[d] * fortranStride[d] }
            for b in 0..<itemSize { out[i * itemSize + b] = bytes[source * itemSize + b] }
            // Advance the C-order multi-index (last axis fastest).
            var d = shape.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return out
    }
}
