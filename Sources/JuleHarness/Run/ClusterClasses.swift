import Foundation
import JuleData

/// Each final cluster's most frequent class, read from a run's `clusters.tsv` (written for imported image files; its
/// class column names the class folders): what `jule embed --list` prints beside a new image's cluster, so that a
/// user sees "cat" rather than "cluster 4".
public struct ClusterClasses: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// The class as `clusters.tsv` writes it (`TableField`-escaped, so it stays one tab-separated field).
        public let name: String
        /// Its share of the cluster's images.
        public let share: Double
    }

    public let byCluster: [Int: Entry]

    /// Reads the table; nil when it has no class column (unlabelled data). The clusters are the RC column's (those of
    /// the run's centroids), the SF column's for a run without RC. A malformed table throws, naming its line.
    public init?(table url: URL) throws {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw HarnessError.unreadableFile(url, reason: error.localizedDescription)
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) else {
            throw HarnessError.malformedFile(url, reason: "empty file")
        }
        guard let classColumn = header.firstIndex(of: "class") else { return nil }
        guard let clusterColumn = header.firstIndex(of: "rc") ?? header.firstIndex(of: "sf") else {
            throw HarnessError.malformedFile(url, reason: "line 1: no rc or sf column")
        }
        var counts: [Int: [String: Int]] = [:]
        for (index, line) in lines.enumerated().dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == header.count else {
                throw HarnessError.malformedFile(url, reason: "line \(index + 1): \(fields.count) fields, the header has \(header.count)")
            }
            guard let cluster = Int(fields[clusterColumn]), cluster >= 0 else {
                throw HarnessError.malformedFile(url, reason: "line \(index + 1): cluster '\(fields[clusterColumn])' is not a label")
            }
            counts[cluster, default: [:]][String(fields[classColumn]), default: 0] += 1
        }
        // The most frequent class; a tie goes to the name first in sort order, so the answer never depends on hashing.
        byCluster = counts.mapValues { classes in
            let total = classes.values.reduce(0, +)
            let best = classes.max { ($0.value, $1.key) < ($1.value, $0.key) }!
            return Entry(name: best.key, share: Double(best.value) / Double(total))
        }
    }
}
