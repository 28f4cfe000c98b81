import Foundation

/// A reader for MATLAB level-5 MAT-files (the format `save -v6`/`-v7` writes): numeric matrices of any stored type,
/// compressed (miCOMPRESSED) or not, either byte order.
///
/// Layout: a 128-byte header (text, subsystem offset, version 0x0100, endian mark "IM" little / "MI" big), then data
/// elements with an 8-byte tag (type, byte count) — or a 4-byte "small element" tag when the upper half of the first
/// word is non-zero — padded to 8 bytes. A numeric miMATRIX holds array flags (class in the low byte), dimensions,
/// name and real part; values are column-major, so element (i, j) of an R×C matrix is at i + R·j.
/// Cells, structs, sparse and complex arrays are listed but not decoded (`MATVariable.values` is nil).
public struct MATFile {
    /// The variables in file order.
    public let variables: [MATVariable]

    /// Parses a MAT-file held in memory; `file` names it in errors. An array claiming more elements than
    /// `limits.maxBytes` allows (as Double), or a compressed element inflating past it, is refused before it is
    /// allocated.
    public init(bytes: UnsafeRawBufferPointer, file: String, limits: DecodeLimits = .current) throws {
        guard bytes.count >= 128 else {
            throw DataError.malformedFile(file: file, reason: "\(bytes.count) bytes, shorter than the 128-byte MAT header")
        }
        let mark = (bytes[126], bytes[127])
        let swapped: Bool
        switch mark {
        case (0x49, 0x4D): swapped = false  // "IM": little-endian writer
        case (0x4D, 0x49): swapped = true   // "MI": big-endian writer
        default:
            throw DataError.malformedFile(file: file, reason: "bad MAT-file endian mark (not a MATLAB v5 file)")
        }
        let reader = MATReader(bytes: bytes, bigEndian: swapped, file: file, limits: limits)
        let version = reader.uint16(at: 124)
        guard version == 0x0100 else {
            let text = String(decoding: bytes[0..<min(19, bytes.count)], as: UTF8.self)
            throw DataError.malformedFile(file: file, reason: "MAT version 0x\(String(version, radix: 16)) (\(text)); only v5/v6/v7 are read")
        }
        var variables: [MATVariable] = []
        var offset = 128
        while offset + 8 <= bytes.count {
            let element = try reader.element(at: offset)
            offset = element.next
            switch element.type {
            case MATReader.miCOMPRESSED:
                let inflated = try Inflate.decompress(UnsafeRawBufferPointer(rebasing: bytes[element.data]),
                                                      wrapper: .zlib, file: file, limit: limits.maxBytes)
                try inflated.withUnsafeBytes { buffer in
                    let inner = MATReader(bytes: buffer, bigEndian: swapped, file: file, limits: limits)
                    let innerElement = try inner.element(at: 0)
                    guard innerElement.type == MATReader.miMATRIX else {
                        throw DataError.malformedFile(file: file, reason: "compressed element holds type \(innerElement.type), expected miMATRIX")
                    }
                    variables.append(try inner.matrix(innerElement.data))
                }
            case MATReader.miMATRIX:
                variables.append(try reader.matrix(element.data))
            default:
                throw DataError.malformedFile(file: file, reason: "unexpected top-level element type \(element.type) at byte \(offset)")
            }
        }
        if offset < bytes.count, bytes.count - offset < 8, bytes[offset...].contains(where: { $0 != 0 }) {
            throw DataError.malformedFile(file: file, reason: "truncated element at byte \(offset)")
        }
        self.variables = variables
    }

    /// The variable called `name`.
    public func variable(_ name: String, file: String) throws -> MATVariable {
        guard let variable = variables.first(where: { $0.name == name }) else {
            throw DataError.missingMember(container: file, member: "variable '\(name)' (present: \(variables.map(\.name).joined(separator: ", ")))")
        }
        return variable
    }
}

/// One variable of a MAT-file.
public struct MATVariable {
    public let name: String
    /// MATLAB array class (6 double, 7 single, 9 uint8, 1 cell, 2 struct, …).
    public let classID: Int
    /// Dimensions, MATLAB order (rows first).
    public let dimensions: [Int]
    /// Real values in column-major order, converted to Double from whatever type was stored; nil for non-numeric.
    public let values: [Double]?
}

/// Byte-level access to a MAT buffer.
struct MATReader {
    static let miINT8: UInt32 = 1, miUINT8: UInt32 = 2, miINT16: UInt32 = 3, miUINT16: UInt32 = 4
    static let miINT32: UInt32 = 5, miUINT32: UInt32 = 6, miSINGLE: UInt32 = 7, miDOUBLE: UInt32 = 9
    static let miINT64: UInt32 = 12, miUINT64: UInt32 = 13, miMATRIX: UInt32 = 14, miCOMPRESSED: UInt32 = 15
    static let miUTF8: UInt32 = 16

    let bytes: UnsafeRawBufferPointer
    let bigEndian: Bool
    let file: String
    var limits = DecodeLimits.current

    struct Element {
        let type: UInt32
        let data: Range<Int>
        let next: Int
    }

    func uint16(at offset: Int) -> UInt16 {
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
        return bigEndian ? raw.byteSwapped : raw
    }

    func uint32(at offset: Int) -> UInt32 {
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return bigEndian ? raw.byteSwapped : raw
    }

    /// The element whose tag starts at `offset`.
    func element(at offset: Int) throws -> Element {
        guard offset + 8 <= bytes.count else {
            throw DataError.malformedFile(file: file, reason: "truncated element tag at byte \(offset)")
        }
        let first = uint32(at: offset)
        if first >> 16 != 0 {
            // Small data element: type in the low half, size in the high half, data in the tag's second word.
            let size = Int(first >> 16)
            guard size <= 4 else {
                throw DataError.malformedFile(file: file, reason: "malformed small element (size \(size)) at byte \(offset)")
            }
            return Element(type: first & 0xFFFF, data: (offset + 4)..<(offset + 4 + size), next: offset + 8)
        }
        let size = Int(uint32(at: offset + 4))
        guard offset + 8 + size <= bytes.count else {
            throw DataError.malformedFile(file: file, reason: "element of \(size) bytes at byte \(offset) runs past the end (\(bytes.count) bytes): file truncated")
        }
        let padded = first == Self.miCOMPRESSED ? size : (size + 7) & ~7
        return Element(type: first, data: (offset + 8)..<(offset + 8 + size), next: min(bytes.count, offset + 8 + padded))
    }

    /// Parses the body of a miMATRIX element.
    func matrix(_ range: Range<Int>) throws -> MATVariable {
        if range.isEmpty { return MATVariable(name: "", classID: 0, dimensions: [0, 0], values: nil) }
        let flags = try element(at: range.lowerBound)
        guard flags.type == Self.miUINT32, flags.data.count == 8 else {
            throw DataError.malformedFile(file: file, reason: "malformed array flags at byte \(range.lowerBound)")
        }
        let flagWord = uint32(at: flags.data.lowerBound)
        let classID = Int(flagWord & 0xFF)
        let isComplex = flagWord & 0x800 != 0
        let dimsElement = try element(at: flags.next)
        guard dimsElement.type == Self.miINT32, dimsElement.data.count % 4 == 0, dimsElement.data.count >= 8 else {
            throw DataError.malformedFile(file: file, reason: "malformed dimensions at byte \(flags.next)")
        }
        var dimensions: [Int] = []
        for offset in stride(from: dimsElement.data.lowerBound, to: dimsElement.data.upperBound, by: 4) {
            let value = Int32(bitPattern: uint32(at: offset))
            guard value >= 0 else { throw DataError.malformedFile(file: file, reason: "negative dimension \(value)") }
            dimensions.append(Int(value))
        }
        let nameElement = try element(at: dimsElement.next)
        guard nameElement.type == Self.miINT8 || nameElement.type == Self.miUTF8 else {
            throw DataError.malformedFile(file: file, reason: "malformed array name at byte \(dimsElement.next)")
        }
        let name = String(decoding: bytes[nameElement.data], as: UTF8.self)
        // Classes 4 (char) and 6…15 (double … uint64) are numeric; 1 cell, 2 struct, 3 object, 5 sparse are not.
        guard (4...15).contains(classID), classID != 5, !isComplex, nameElement.next < range.upperBound else {
            return MATVariable(name: name, classID: classID, dimensions: dimensions, values: nil)
        }
        let real = try element(at: nameElement.next)
        // The claim first: the dimensions multiplied out (without overflow) must fit the limit and match the number
        // of values actually stored, before anything is converted.
        let shown = dimensions.map(String.init).joined(separator: "x")
        guard let expected = DecodeLimits.product(dimensions), expected <= limits.maxBytes / MemoryLayout<Double>.size else {
            throw DataError.malformedFile(file: file, reason: "variable '\(name)' claims \(shown) elements, above the \(DecodeLimits.describe(bytes: limits.maxBytes)) limit")
        }
        if let size = Self.storedSize(real.type), real.data.count / size != expected {
            throw DataError.malformedFile(file: file, reason: "variable '\(name)': \(real.data.count / size) values for dimensions \(shown)")
        }
        let values = try convert(real)
        guard values.count == expected else {
            throw DataError.malformedFile(file: file, reason: "variable '\(name)': \(values.count) values for dimensions \(dimensions.map(String.init).joined(separator: "x"))")
        }
        return MATVariable(name: name, classID: classID, dimensions: dimensions, values: values)
    }

    /// Bytes per value of a numeric storage type (nil for the others).
    static func storedSize(_ type: UInt32) -> Int? {
        switch type {
        case miINT8, miUINT8: return 1
        case miINT16, miUINT16: return 2
        case miINT32, miUINT32, miSINGLE: return 4
        case miINT64, miUINT64, miDOUBLE: return 8
        default: return nil
        }
    }

    /// Converts a numeric element of any stored type to Double.
    func convert(_ element: Element) throws -> [Double] {
        let base = element.data.lowerBound
        let length = element.data.count
        func read<T: FixedWidthInteger>(_: T.Type) -> [Double] {
            let size = MemoryLayout<T>.size
            return (0..<(length / size)).map { i in
                let raw = bytes.loadUnaligned(fromByteOffset: base + i * size, as: T.self)
                return Double(bigEndian ? raw.byteSwapped : raw)
            }
        }
        switch element.type {
        case Self.miUINT8: return bytes[element.data].map { Double($0) }
        case Self.miINT8: return bytes[element.data].map { Double(Int8(bitPattern: $0)) }
        case Self.miINT16: return read(Int16.self)
        case Self.miUINT16: return read(UInt16.self)
        case Self.miINT32: return read(Int32.self)
        case Self.miUINT32: return read(UInt32.self)
        case Self.miINT64: return read(Int64.self)
        case Self.miUINT64: return read(UInt64.self)
        case Self.miSINGLE:
            return (0..<(length / 4)).map { i in
                let raw = bytes.loadUnaligned(fromByteOffset: base + i * 4, as: UInt32.self)
                return Double(Float(bitPattern: bigEndian ? raw.byteSwapped : raw))
            }
        case Self.miDOUBLE:
            return (0..<(length / 8)).map { i in
                let raw = bytes.loadUnaligned(fromByteOffset: base + i * 8, as: UInt64.self)
                return Double(bitPattern: bigEndian ? raw.byteSwapped : raw)
            }
        default:
            throw DataError.malformedFile(file: file, reason: "unsupported numeric storage type \(element.type) at byte \(base - 8)")
        }
    }
}
