/// A clustering that ended with fewer clusters than its target n*, and why. Merging only ever stops at n*, so fewer
/// means the first step (the 1-NN components, §3.3; k-means' seeding) already joined more than that. Identical feature
/// rows are each other's nearest neighbours at distance 0, so `d` distinct rows give at most `d` clusters; with
/// enough distinct rows, near-identical ones were chained together.
public struct ClusterShortfall: Sendable, Equatable {
    public let clusters: Int
    public let target: Int
    public let count: Int

    /// Nil when `labels` has at least `target` clusters.
    public init?(labels: [Int], target: Int) {
        let clusters = Set(labels).count
        guard clusters < target else { return nil }
        self.clusters = clusters
        self.target = target
        self.count = labels.count
    }

    /// One line: "ended with 1 cluster, fewer than n* = 3: the 60 images give only 1 distinct raw-pixel feature
    /// vector, and identical ones always share a cluster". `rows` are the features that were clustered (`count` ×
    /// `dimension`, row-major), `feature` names one of them, `otherwise` says what happened when enough are distinct.
    public func explanation<Element: Hashable>(rows: [Element], dimension: Int, feature: String, otherwise: String) -> String {
        precondition(dimension > 0 && rows.count == count * dimension, "rows are not \(count)×\(dimension)")
        let distinct = Set((0..<count).map { rows[($0 * dimension)..<(($0 + 1) * dimension)] }).count
        let ended = "ended with \(clusters) cluster\(clusters == 1 ? "" : "s"), fewer than n* = \(target): "
        guard distinct >= target else {
            return ended + "the \(count) images give only \(distinct) distinct \(feature)\(distinct == 1 ? "" : "s"), "
                + "and identical ones always share a cluster"
        }
        return ended + otherwise
    }
}
