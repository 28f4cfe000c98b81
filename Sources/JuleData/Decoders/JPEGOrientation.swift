import Foundation

/// A JPEG's EXIF orientation tag (0x0112 in IFD0 of the APP1 "Exif" segment): 1 is upright as stored; 2–8 ask a
/// viewer to mirror and/or rotate (6: 90° clockwise, 3: 180°, 8: 90° counter-clockwise). Decoding does not apply it,
/// so the import counts the images that carry another value. Only the segments before the first scan are read.
enum JPEGOrientation {
    /// The tag's value, or nil when the file has no EXIF orientation (or is not a JPEG, or the EXIF is malformed).
    static func read(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let n = bytes.count
        guard n >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        func be16(_ i: Int) -> Int { Int(bytes[i]) << 8 | Int(bytes[i + 1]) }
        var i = 2
        while i + 4 <= n {
            guard bytes[i] == 0xFF else { return nil }
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }               // fill byte
            if marker == 0xDA || marker == 0xD9 { return nil }   // start of scan, end of image: no more metadata
            let length = be16(i + 2), end = min(i + 2 + length, n)
            if marker == 0xE1, i + 10 <= end, Array(bytes[(i + 4)..<(i + 10)]) == Array("Exif\0\0".utf8) {
                return tiffOrientation(bytes, start: i + 10, end: end)
            }
            i += 2 + length
        }
        return nil
    }

    /// IFD0's orientation entry in the TIFF block `bytes[start..<end]` (byte order "II" little-endian or "MM" big).
    private static func tiffOrientation(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int) -> Int? {
        guard start + 8 <= end else { return nil }
        let little: Bool
        switch (bytes[start], bytes[start + 1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ i: Int) -> Int {
            little ? Int(bytes[i]) | Int(bytes[i + 1]) << 8 : Int(bytes[i]) << 8 | Int(bytes[i + 1])
        }
        func u32(_ i: Int) -> Int { little ? u16(i) | u16(i + 2) << 16 : u16(i) << 16 | u16(i + 2) }
        guard u16(start + 2) == 42 else { return nil }
        let ifd = start + u32(start + 4)
        guard ifd >= start + 8, ifd + 2 <= end else { return nil }
        for k in 0..<u16(ifd) {
            let entry = ifd + 2 + 12 * k
            guard entry + 12 <= end else { return nil }
            if u16(entry) == 0x0112, u16(entry + 2) == 3 { return u16(entry + 8) }   // SHORT, value in the entry
        }
        return nil
    }

    /// What a viewer does for each value, for the warning.
    static func describe(_ value: Int) -> String {
        switch value {
        case 2: "mirrored"
        case 3: "rotated 180°"
        case 4: "flipped upside down"
        case 5: "mirrored and rotated 90° counter-clockwise"   // transpose
        case 6: "rotated 90° clockwise"
        case 7: "mirrored and rotated 90° clockwise"           // transverse
        case 8: "rotated 90° counter-clockwise"
        default: "value \(value)"
        }
    }
}
