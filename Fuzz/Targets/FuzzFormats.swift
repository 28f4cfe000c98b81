import CZlib
import Foundation

/// Small writers of the source formats, byte for byte as their specifications lay them out, for the seed corpora
/// and for targets that wrap their input (`mat-zlib`). Nothing here reads the dataset mirror.
public enum FuzzFormats {
    // MARK: zlib and gzip

    /// A zlib stream (RFC 1950) of `data`.
    public static func zlib(_ data: Data, level: Int32 = 6) -> Data {
        var size = compressBound(uLong(data.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let status = data.withUnsafeBytes { raw in
            compress2(&out, &size, raw.bindMemory(to: Bytef.self).baseAddress, uLong(data.count), level)
        }
        precondition(status == Z_OK, "compress2 failed")
        return Data(out.prefix(Int(size)))
    }

    /// A gzip member (RFC 1952): fixed header (no name, mtime 0), the deflate stream, CRC-32 and size.
    public static func gzip(_ data: Data) -> Data {
        let stream = zlib(data)
        var out = Data([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03])
        out.append(stream.dropFirst(2).dropLast(4))          // raw deflate: strip zlib's header and Adler-32
        appendLE(&out, UInt32(crc(data)))
        appendLE(&out, UInt32(truncatingIfNeeded: data.count))
        return out
    }

    static func crc(_ data: Data) -> UInt {
        data.withUnsafeBytes { raw in
            UInt(crc32(0, raw.bindMemory(to: Bytef.self).baseAddress, uInt(raw.count)))
        }
    }

    // MARK: IDX

    /// Big-endian IDX of unsigned bytes (type 0x08).
    public static func idx(dimensions: [Int], values: [UInt8]) -> Data {
        var data = Data([0, 0, 0x08, UInt8(dimensions.count)])
        for d in dimensions { appendBE(&data, UInt32(d)) }
        data.append(contentsOf: values)
        return data
    }

    // MARK: MATLAB v5

    /// One miMATRIX element of a numeric matrix. `storedType`: 2 uint8, 4 uint16, 7 single, 9 double;
    /// `bigEndian` writes every number in big-endian order (a file marked "MI").
    public static func matMatrix(name: String, dimensions: [Int], values: [Double], classID: UInt32 = 6,
                                 storedType: UInt32 = 9, bigEndian: Bool = false) -> Data {
        var body = Data()
        func u32(_ v: UInt32) { bigEndian ? appendBE(&body, v) : appendLE(&body, v) }
        func tag(_ type: UInt32, _ count: Int) { u32(type); u32(UInt32(count)) }
        func pad() { while body.count % 8 != 0 { body.append(0) } }
        tag(6, 8)
        u32(classID)
        u32(0)
        tag(5, 4 * dimensions.count)
        for d in dimensions { u32(UInt32(d)) }
        pad()
        tag(1, name.utf8.count)
        body.append(contentsOf: Array(name.utf8))
        pad()
        var payload = Data()
        for v in values {
            switch storedType {
            case 2: payload.append(UInt8(v))
            case 4: bigEndian ? appendBE(&payload, UInt16(v)) : appendLE(&payload, UInt16(v))
            case 7: bigEndian ? appendBE(&payload, Float(v).bitPattern) : appendLE(&payload, Float(v).bitPattern)
            default: bigEndian ? appendBE(&payload, v.bitPattern) : appendLE(&payload, v.bitPattern)
            }
        }
        tag(storedType, payload.count)
        body.append(payload)
        pad()
        var element = Data()
        if bigEndian { appendBE(&element, UInt32(14)); appendBE(&element, UInt32(body.count)) } else {
            appendLE(&element, UInt32(14)); appendLE(&element, UInt32(body.count))
        }
        element.append(body)
        return element
    }

    /// A MAT v5 file: 128-byte header, then the elements, each wrapped in miCOMPRESSED when `compress`.
    public static func matFile(elements: [Data], compress: Bool, bigEndian: Bool = false) -> Data {
        var file = Data("MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: fuzz seed".utf8)
        file.append(contentsOf: repeatElement(0x20, count: 116 - file.count))
        file.append(contentsOf: repeatElement(0, count: 8))
        file.append(contentsOf: bigEndian ? [0x01, 0x00, 0x4D, 0x49] : [0x00, 0x01, 0x49, 0x4D])
        for element in elements {
            if compress {
                let stream = zlib(element)
                bigEndian ? appendBE(&file, UInt32(15)) : appendLE(&file, UInt32(15))
                bigEndian ? appendBE(&file, UInt32(stream.count)) : appendLE(&file, UInt32(stream.count))
                file.append(stream)
            } else {
                file.append(element)
            }
        }
        return file
    }

    // MARK: PNG

    /// A PNG of any colour type and bit depth, rows filtered with `filter` (0…4 as given, no prediction applied:
    /// the bytes are the filtered data as stored), with optional palette and transparency chunks.
    public static func png(width: Int, height: Int, bitDepth: UInt8, colorType: UInt8, rows: [[UInt8]],
                           filter: UInt8 = 0, palette: [UInt8]? = nil, transparency: [UInt8]? = nil,
                           interlace: UInt8 = 0) -> Data {
        var out = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        func chunk(_ type: String, _ payload: Data) {
            appendBE(&out, UInt32(payload.count))
            var typed = Data(type.utf8)
            typed.append(payload)
            out.append(typed)
            appendBE(&out, UInt32(crc(typed)))
        }
        var header = Data()
        appendBE(&header, UInt32(width))
        appendBE(&header, UInt32(height))
        header.append(contentsOf: [bitDepth, colorType, 0, 0, interlace])
        chunk("IHDR", header)
        if let palette { chunk("PLTE", Data(palette)) }
        if let transparency { chunk("tRNS", Data(transparency)) }
        var raw = Data()
        for row in rows { raw.append(filter); raw.append(contentsOf: row) }
        chunk("IDAT", zlib(raw))
        chunk("IEND", Data())
        return out
    }

    // MARK: Byte order

    static func appendLE<T: FixedWidthInteger>(_ data: inout Data, _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    static func appendBE<T: FixedWidthInteger>(_ data: inout Data, _ value: T) {
        withUnsafeBytes(of: value.bigEndian) { data.append(contentsOf: $0) }
    }
}
