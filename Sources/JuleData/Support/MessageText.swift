/// Error messages are one line (house rule: bad input → one line naming the file and the problem), but they quote
/// text from the input — a MAT file's header and variable names, archive member names, JSON keys — which may hold
/// line breaks or terminal control codes. `oneLine` escapes those, so the quoted text stays on the line and
/// cannot move the terminal's cursor.
public enum MessageText {
    /// `text` with every control character (C0 but tab, DEL, C1, which include CR, LF, VT, FF and NEL) and the
    /// Unicode line and paragraph separators written as `\n`, `\r` or `\u{XX}`.
    public static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else { out.append(scalar); continue }
            let escape = scalar == "\n" ? "\\n" : scalar == "\r" ? "\\r" : "\\u{\(String(scalar.value, radix: 16))}"
            out.append(contentsOf: escape.unicodeScalars)
        }
        return String(out)
    }

    /// Whether `text` prints as one line (what `oneLine` guarantees).
    public static func isOneLine(_ text: String) -> Bool { !text.unicodeScalars.contains(where: needsEscape) }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control: return scalar != "\t"
        case .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }
}
