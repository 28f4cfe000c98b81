/// Text from the data (image file names, class folder names) written as one field of a row: `clusters.tsv`,
/// `jule embed --list`, `jule data info`, `jule eval --composition`. A tab or line break inside a name would split
/// the row, so each is written as its Unicode Control Picture: tab `␉` (U+2409), line feed `␤` (U+2424, as the
/// cache's `names` attribute stores it), carriage return `␍` (U+240D); the other C0 controls and DEL likewise
/// (U+2400 + code, `␡`), and the other line breaks (NEL, U+2028, U+2029) as `␤`. Everything else is kept.
public enum TableField {
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { picture(for: $0) != nil }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { out.append(picture(for: scalar) ?? scalar) }
        return String(out)
    }

    static func picture(for scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar.value {
        case 0x0A, 0x85, 0x2028, 0x2029: return "\u{2424}"
        case 0x00..<0x20: return Unicode.Scalar(0x2400 + scalar.value)
        case 0x7F: return "\u{2421}"
        default: return nil
        }
    }
}
