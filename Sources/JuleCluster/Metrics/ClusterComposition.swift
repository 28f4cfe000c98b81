import Foundation
import JuleData

/// What each predicted cluster holds and where each true class went: the cross-tabulation behind a failure
/// diagnosis such as "two classes share one cluster, a third is split by pose, two clusters hold 2 images".
///
/// Clusters are listed largest first (ties by label), each with its classes most frequent first; classes are listed
/// in label order, each with the clusters holding it, most first.
public struct ClusterComposition: Codable, Sendable, Equatable {
    /// One (label, count) cell of the contingency table.
    public struct Share: Codable, Sendable, Equatable {
        public let label: Int
        public let count: Int
    }

    public struct Cluster: Codable, Sendable, Equatable {
        public let label: Int
        public let size: Int
        /// The true classes in this cluster, most frequent first.
        public let classes: [Share]
    }

    public struct TrueClass: Codable, Sendable, Equatable {
        public let label: Int
        public let size: Int
        /// The predicted clusters holding this class, most first.
        public let clusters: [Share]
    }

    public let clusters: [Cluster]
    public let classes: [TrueClass]

    public init(truth: [Int], predicted: [Int]) {
        precondition(truth.count == predicted.count, "truth and predicted must have the same length")
        let table = Contingency(truth: truth, predicted: predicted)
        let classLabels = Array(Set(truth)).sorted(), clusterLabels = Array(Set(predicted)).sorted()

        func mostFirst(_ shares: [Share]) -> [Share] {
            shares.filter { $0.count > 0 }.sorted { ($0.count, -$0.label) > ($1.count, -$1.label) }
        }
        clusters = clusterLabels.indices.map { j in
            Cluster(label: clusterLabels[j], size: table.columnSums[j],
                    classes: mostFirst(classLabels.indices.map { Share(label: classLabels[$0], count: table[$0, j]) }))
        }.sorted { ($0.size, -$0.label) > ($1.size, -$1.label) }
        classes = classLabels.indices.map { i in
            TrueClass(label: classLabels[i], size: table.rowSums[i],
                      clusters: mostFirst(clusterLabels.indices.map { Share(label: clusterLabels[$0], count: table[i, $0]) }))
        }
    }

    /// Clusters whose largest class is under half of them: where classes were joined.
    public var mixedClusters: [Cluster] { clusters.filter { 2 * ($0.classes.first?.count ?? 0) < $0.size } }

    /// Classes whose largest cluster holds under half of them: where a class was split.
    public var splitClasses: [TrueClass] { classes.filter { 2 * ($0.clusters.first?.count ?? 0) < $0.size } }

    /// Classes recovered exactly: all of their samples in one cluster that holds no other class.
    public var wholeClasses: [TrueClass] {
        let pure = Set(clusters.filter { $0.classes.count == 1 }.map(\.label))
        return classes.filter { $0.clusters.count == 1 && pure.contains($0.clusters[0].label) }
    }

    /// A text table: one line per cluster (size, then its classes as `class:count`), then one line per class spread
    /// over more than one cluster. At most `shown` shares are listed per line; the rest are summed.
    /// `classNames[k]`, where given (an imported folder's class folders), stands for class k.
    public func table(shown: Int = 6, classNames: [String]? = nil) -> String {
        func name(_ label: Int) -> String {
            guard let classNames, classNames.indices.contains(label) else { return "\(label)" }
            return TableField.escaped(classNames[label])
        }
        func list(_ shares: [Share], classes: Bool) -> String {
            var parts = shares.prefix(shown).map { "\(classes ? name($0.label) : "\($0.label)"):\($0.count)" }
            if shares.count > shown {
                let rest = shares.dropFirst(shown).reduce(0) { $0 + $1.count }
                parts.append("+\(shares.count - shown) more (\(rest))")
            }
            return parts.joined(separator: " ")
        }
        func percent(_ part: Int, of whole: Int) -> String {
            String(format: "%3.0f%%", 100 * Double(part) / Double(max(whole, 1)))
        }
        let smallest = clusters.last?.size ?? 0
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : noun.hasSuffix("s") ? "es" : "s")" }
        var lines = [count(clusters.count, "cluster") + " for " + count(classes.count, "class") + "; "
                     + count(mixedClusters.count, "cluster") + " without a majority class, "
                     + count(splitClasses.count, "class") + " without a majority cluster; smallest cluster "
                     + count(smallest, "sample"),
                     "\(wholeClasses.count) of " + count(classes.count, "class")
                         + " whole (all of a class in one cluster that holds no other class)",
                     "",
                     "cluster     size  top   classes (class:count, most first)"]
        for c in clusters {
            lines.append(String(format: "%7d %8d  ", c.label, c.size) + percent(c.classes.first?.count ?? 0, of: c.size)
                         + "  " + list(c.classes, classes: true))
        }
        let spread = classes.filter { $0.clusters.count > 1 }
        lines.append("")
        if spread.isEmpty {
            lines.append("every class lies in one cluster")
        } else {
            // The class column is as wide as its longest name (at least 7), so long folder names keep the columns.
            let width = max(7, spread.map { name($0.label).count }.max() ?? 0)
            lines.append("class".padding(toLength: width, withPad: " ", startingAt: 0)
                         + "     size  top   clusters (cluster:count, most first), classes in more than one cluster")
            for t in spread {
                let label = name(t.label)
                lines.append(String(repeating: " ", count: width - label.count) + label + String(format: " %8d  ", t.size)
                             + percent(t.clusters.first?.count ?? 0, of: t.size) + "  " + list(t.clusters, classes: false))
            }
        }
        return lines.joined(separator: "\n")
    }
}
