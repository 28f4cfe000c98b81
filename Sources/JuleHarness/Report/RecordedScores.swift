import Foundation
import JuleCluster

/// A record's SF and RC scores against what they were computed from: the last clustering call of each phase in its
/// trajectory, and its label files scored against the dataset's classes (where the report has them). A record.json
/// whose scores were edited by hand agrees with neither; `jule report` names it in a warning line and marks its seed.
public enum RecordedScores {
    /// Records keep full precision, and the run scored these very labels: anything beyond a last-digit difference
    /// (another logarithm, `PortableMath` against the system's) means the numbers are not the labels'.
    static let tolerance = 1e-9

    /// What disagrees, one phrase each ("SF NMI 0.999000 recorded, 0.877680 from labels-sf.txt"); empty when all agree.
    /// - Parameters:
    ///   - labels: each variant's final labels ("SF", "RC"), read from its label file; a missing file is not compared.
    ///   - truth: the classes of the images the labels are for; nil when unknown (then only the trajectory is compared).
    public static func differences(_ record: RunRecord, labels: [String: [Int]], truth: [Int]?) -> [String] {
        var found: [String] = []
        for variant in ["SF", "RC"] {
            guard let recorded = record.scores(variant: variant) else { continue }
            // An older build kept no RC entry when RC needed no merges: nothing to compare then.
            if let last = record.trajectory.last(where: { $0.phase == variant }) {
                found += compare(variant, recorded, last.scores, source: "its trajectory's last \(variant) call")
            }
            guard let truth, let labels = labels[variant] else { continue }
            let file = "labels-\(variant.lowercased()).txt"
            guard labels.count == truth.count else {
                found.append("\(file) has \(labels.count) labels for the run's \(truth.count) images")
                continue
            }
            let scores = ClusteringScores(nmi: ClusterMetrics.normalizedMutualInformation(truth: truth, predicted: labels),
                                          acc: ClusterMetrics.accuracy(truth: truth, predicted: labels),
                                          ari: ClusterMetrics.adjustedRandIndex(truth: truth, predicted: labels),
                                          clusters: Set(labels).count)
            found += compare(variant, recorded, scores, source: file)
        }
        return found
    }

    private static func compare(_ variant: String, _ recorded: ClusteringScores, _ other: ClusteringScores,
                                source: String) -> [String] {
        var found: [String] = []
        for (metric, a, b) in [("NMI", recorded.nmi, other.nmi), ("ACC", recorded.acc, other.acc), ("ARI", recorded.ari, other.ari)]
        where !(abs(a - b) <= tolerance) {
            found.append("\(variant) \(metric) \(ScoreText.fixed(a, decimals: 6)) recorded, \(ScoreText.fixed(b, decimals: 6)) from \(source)")
        }
        if recorded.clusters != other.clusters {
            found.append("\(variant) \(recorded.clusters) clusters recorded, \(other.clusters) from \(source)")
        }
        return found
    }
}
