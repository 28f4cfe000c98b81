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
        guard let text = String(data: data, encoding: .utf8) else {
            throw ClusterError.labelFileUnreadable(file: url.path, reason: "not UTF-8 text")
        }
        return try parse(text, file: url.path)
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
