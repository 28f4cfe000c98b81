import Foundation

/// The files `jule report` replaces whole in its output folder, each with what marks an earlier report's copy.
/// A file of one of these names that a report did not write (a user's own `summary.csv` in the folder given as
/// `--out`) is refused before anything is written, never overwritten. `README.md` is not among them: the report
/// splices its block between markers and keeps the rest; the plots are checked by name alone (`PlotName`).
public enum ReportOutputs {
    /// A CSV header's first `count` columns: older reports had fewer columns at the end, never other ones first.
    private static func leading(_ header: String, _ count: Int) -> Data {
        Data((header.split(separator: ",").prefix(count).joined(separator: ",") + ",").utf8)
    }

    private static let replaced: [(name: String, isReports: (Data) -> Bool)] = [
        ("summary.csv", { $0.starts(with: leading(ReportWriter.csvHeader, 4)) }),
        ("runs.csv", { $0.starts(with: leading(RunTable.csvHeader, 3)) }),
        ("runs.md", { $0.starts(with: Data(RunTable.markdownOpening.utf8)) }),
        ("summary.json", { data in
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
            return object["rows"] is [Any] && object["tolerance"] is NSNumber
        }),
    ]

    /// The first file in `directory` that a report would replace but did not write, with why, or nil. An empty file
    /// holds nothing to lose; a folder or other non-file of such a name is refused too.
    public static func foreignFile(in directory: URL) -> (url: URL, why: String)? {
        let manager = FileManager.default
        for (name, isReports) in replaced {
            let url = directory.appendingPathComponent(name)
            guard let attributes = try? manager.attributesOfItem(atPath: url.path) else { continue }
            guard attributes[.type] as? FileAttributeType == .typeRegular else { return (url, "not a file") }
            guard let data = try? Data(contentsOf: url) else { return (url, "cannot be read") }
            if !data.isEmpty && !isReports(data) { return (url, "not written by jule report") }
        }
        return nil
    }
}
