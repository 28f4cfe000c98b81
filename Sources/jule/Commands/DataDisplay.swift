import Foundation
import JuleData

/// Formatting shared by the `jule data` subcommands.
enum DataDisplay {
    /// "yes" for a cache whose stamp matches the registry (content is checked by `verify`), "stale", or "no".
    static func cacheState(_ store: DatasetStore, _ entry: DatasetEntry) -> String {
        let url = store.cacheURL(for: entry.name)
        if store.importConflict(entry.name) != nil { return "conflict: also imported (jule data fetch \(entry.name) says more)" }
        guard FileManager.default.fileExists(atPath: url.path) else { return "no" }
        guard let stamp = try? DatasetCache.readStamp(at: url) else { return "unreadable" }
        if stamp.source == DatasetStore.importSource { return "yes (import)" }
        guard stamp.decoderVersion == DatasetStore.decoderVersion,
              (try? DatasetStore.stampedSource(stamp, of: entry, file: url.path)) != nil else { return "stale" }
        return "yes"
    }

    /// "mirror" when the mirror holds a complete source, else "url", "mirror only" (sources of its own, none of them
    /// downloadable, so `jule data import` refuses the name: only a mirror copy will do) or "import only".
    static func availability(_ store: DatasetStore, _ entry: DatasetEntry) -> String {
        if let local = store.localSource(for: entry) { return "mirror (\(local.id))" }
        if entry.sources.contains(where: { $0.isDownloadable }) {
            return "url: " + (entry.sources.first { $0.isDownloadable }?.files.first?.urls?.first ?? "")
        }
        if entry.protocolNotes.first == "user import" { return "imported" }
        return (entry.sources.isEmpty ? "import only: " : "mirror only: ") + (entry.homepage ?? "-")
    }

    /// "10 classes", or "unlabelled" for a dataset whose images all have one label (an import without labels):
    /// one class is not a labelling that scores anything.
    static func classes(_ count: Int) -> String { count > 1 ? "\(count) classes" : "unlabelled" }

    static func printTable(header: [String], rows: [[String]]) {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        for row in all {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            print(cells.joined(separator: "  "))
        }
    }
}
