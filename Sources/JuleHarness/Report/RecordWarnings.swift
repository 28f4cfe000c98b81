import Foundation

/// Records a report lists but cannot vouch for, one warning line each: a record.json edited by hand (its
/// configuration no longer hashes to its run's hash, or its seed is not the configuration's), and one run id
/// recorded twice with different scores (a copy of a run folder edited, or made by other code): the report still
/// counts one of them by its usual rule, and the line names every file so that the odd one can be found.
public enum RecordWarnings {
    public static func lines(for files: [ResultsAggregator.RecordFile]) -> [String] {
        var lines: [String] = []
        for (url, record) in files {
            // A configuration that does not even encode is the loader's business; nothing to compare here.
            if let reason = try? record.editedReason() { lines.append("warning: \(url.path): \(reason); listed as recorded") }
        }
        let byRunID = Dictionary(grouping: files, by: \.record.runID)
        for runID in byRunID.keys.sorted() {
            guard let group = byRunID[runID], group.count > 1 else { continue }
            let first = group[0].record
            let same = group.allSatisfy {
                $0.record.sf == first.sf && $0.record.rc == first.rc && $0.record.initialClusters == first.initialClusters
            }
            if same { continue }
            // The code versions and compute modes tell the usual cause: the same settings run again by other code or on
            // another GEMM kernel (a portable run's kernel does not count: it gives the same bits on every one).
            let paths = group.sorted { $0.url.path < $1.url.path }
                .map { "\($0.url.path) (by \($0.record.codeVersion), \($0.record.computeMode))" }.joined(separator: " and ")
            let sameMaking = Set(group.map { "\($0.record.codeVersion) \($0.record.computeMode)" }).count == 1
            let cause = sameMaking ? "the same code and kernel, so one was edited or damaged" : "other code or another GEMM kernel, which can explain it"
            lines.append("warning: run \(runID) is recorded \(group.count) times with different scores: \(paths); \(cause); one is counted")
        }
        return lines
    }
}
