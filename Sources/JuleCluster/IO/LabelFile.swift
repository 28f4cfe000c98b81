import Foundation
import JuleData

/// Plain-text label files: one integer label per line (as `jule eval` reads and `jule cluster` writes).
///
/// Leading/trailing spaces, tabs and a final newline are accepted, and CRLF line ends; blank lines are not
/// (a blank line in the middle would silently shift the samples).
public enum LabelFile {
    public static func read(_ url: URL) throws -> [Int] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ClusterError.labelFileUnreadable(file: url.path, reason: describe(error))
        }
        return try parse(data, file: url.path)
    }

    /// Parses a label file's bytes (for a caller that needs the bytes too); `file` names it in errors.
    public static func parse(_ data: Data, file: String) throws -> [Int] {
        if let labels = fastParse(data) { return labels }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ClusterError.labelFileUnreadable(file: file, reason: "not UTF-8 text")
        }
        return try parse(text, file: file)
    }

    /// Reads a ground-truth and a predicted label file and checks that they label the same number of samples.
    public static func readPair(truth: URL, predicted: URL) throws -> (truth: [Int], predicted: [Int]) {
        let t = try read(truth), p = try read(predicted)
        guard t.count == p.count else {
            throw ClusterError.labelCountMismatch(truthFile: truth.path, truthCount: t.count,
                                                  predictedFile: predicted.path, predictedCount: p.count)
        }
        return (t, p)
    }

    /// Parses the contents of a label file; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> [Int] {
        // "\r\n" is one Character in Swift, so split on any newline character.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline })
        if let last = lines.last, last.allSatisfy({ $0 == "\r" || $0 == " " || $0 == "\t" }) { lines.removeLast() }
        var labels = [Int]()
        labels.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            guard let value = Int(trimmed) else {
                let shown = trimmed.count > 40 ? String(trimmed.prefix(40)) + "…" : trimmed
                throw ClusterError.labelFileBadLine(file: file, line: index + 1, text: shown)
            }
            labels.append(value)
        }
        if labels.isEmpty { throw ClusterError.labelFileEmpty(file: file) }
        return labels
    }

    /// `parse`'s result for the common file (ASCII digits, signs, blanks, LF or CRLF line ends), read byte by byte: the
    /// Character-wise `parse` took a second for a sweep's label files, which `jule sweep status` checks for damage
    /// (`RunDirectory.damage(of:)`). Nil for anything else, which `parse` then reads or names the fault of.
    static func fastParse(_ data: Data) -> [Int]? {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [Int]? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var labels: [Int] = []
            labels.reserveCapacity(bytes.count / 2)
            var i = 0
            let n = bytes.count
            func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
            while i < n {
                while i < n && isBlank(bytes[i]) { i += 1 }
                // The last line may be blanks only (with no newline after them), as `parse` allows.
                if i == n { break }
                var negative = false
                if bytes[i] == 0x2D || bytes[i] == 0x2B { negative = bytes[i] == 0x2D; i += 1 }
                var value = 0, digits = 0
                while i < n, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                    guard digits < 18 else { return nil }   // could overflow: `parse` decides
                    value = value * 10 + Int(bytes[i] - 0x30)
                    digits += 1
                    i += 1
                }
                guard digits > 0 else { return nil }
                while i < n && isBlank(bytes[i]) { i += 1 }
                if i < n && bytes[i] == 0x0D { i += 1; guard i < n, bytes[i] == 0x0A else { return nil } }
                guard i == n || bytes[i] == 0x0A else { return nil }
                i += 1
                labels.append(negative ? -value : value)
            }
            return labels.isEmpty ? nil : labels
        }
    }

    /// Writes one label per line atomically (temporary file in the same directory, then rename).
    public static func write(_ labels: [Int], to url: URL) throws {
        var text = String()
        text.reserveCapacity(labels.count * 3)
        for l in labels { text += String(l); text += "\n" }
        do {
            try AtomicFile.write(Data(text.utf8), to: url)
        } catch DataError.io(_, let reason) {
            throw ClusterError.writeFailed(file: url.path, reason: reason)
        }
    }

    private static func describe(_ error: Error) -> String { FileErrorText.cause(error) }
}
