/// A clustering that ended with fewer clusters than its target n*, and why. Merging only ever stops at n*, so fewer
/// means the first step (the 1-NN components, §3.3; k-means' seeding) already joined more than that. What the
/// explanation says is measured on the features, in this order:
///
/// 1. duplicates: identical rows are each other's nearest neighbours at distance 0, so `d` distinct rows give at
///    most `d` clusters;
/// 2. n* > N/2: every image joins the component of its nearest neighbour (another image), so every 1-NN component
///    holds at least 2 images and there are at most ⌊N/2⌋ of them, whatever the images;
/// 3. ties: images with several nearest neighbours at the same distance (equidistant images, such as black images with
///    one white pixel each) all link to the lowest-indexed one, which chains them into few components;
/// 4. otherwise chains of nearest neighbours joined them: close images, not necessarily near-identical ones.
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
    /// `dimension`, row-major), `feature` names one of them, `otherwise` says what happened when enough are distinct
    /// (k-means; agglomerative clustering has `nearestNeighbourExplanation`).
    public func explanation(rows: [Float], dimension: Int, feature: String, otherwise: String) -> String {
        duplicates(rows: rows, dimension: dimension, feature: feature) ?? ended + otherwise
    }

    /// The explanation for agglomerative clustering, whose first step is the 1-NN components: duplicates, n* > N/2,
    /// nearest-neighbour ties or chains, as measured (see the type's comment). `firstStep` names that step
    /// ("the first step, the 1-NN components of the raw pixels,"); `initialClusters` is how many it made, when known.
    public func nearestNeighbourExplanation(rows: [Float], dimension: Int, feature: String, firstStep: String,
                                            initialClusters: Int?) -> String {
        if let duplicates = duplicates(rows: rows, dimension: dimension, feature: feature) { return duplicates }
        let joined = "\(firstStep) joined them " + (initialClusters.map { "into \($0)" } ?? "into fewer")
        let most = count / 2
        if target > most {
            return ended + "\(joined); every image joins its nearest neighbour's component, so \(count) images give at "
                + "most \(most) components, and n* > N/2 cannot be reached (give n* ≤ \(most))"
        }
        if let tied = Self.tiedImages(rows: rows, count: count, dimension: dimension), tied * 10 >= count {
            return ended + "\(joined): \(tied) of the \(count) images have several nearest neighbours at the same "
                + "distance (equidistant images), and a tie goes to the lowest index, which chains them together"
        }
        return ended + "\(joined): each image joins its nearest neighbour's component, and the chains of nearest "
            + "neighbours left fewer than n* (close images, not necessarily near-identical ones)"
    }

    private var ended: String { "ended with \(clusters) cluster\(clusters == 1 ? "" : "s"), fewer than n* = \(target): " }

    /// The duplicates sentence when fewer than n* rows are distinct, else nil.
    private func duplicates(rows: [Float], dimension: Int, feature: String) -> String? {
        precondition(dimension > 0 && rows.count == count * dimension, "rows are not \(count)×\(dimension)")
        let distinct = Set((0..<count).map { rows[($0 * dimension)..<(($0 + 1) * dimension)] }).count
        guard distinct < target else { return nil }
        return ended + "the \(count) images give only \(distinct) distinct \(feature)\(distinct == 1 ? "" : "s"), "
            + "and identical ones always share a cluster"
    }

    /// How many rows have two or more nearest neighbours at the same squared Euclidean distance (relative 1e-6, so
    /// that rounding in the sums does not hide a tie). Nil above 2·10⁸ multiply-adds (N²·D): a warning must not cost
    /// minutes; the explanation then falls back to chains.
    static func tiedImages(rows: [Float], count: Int, dimension: Int) -> Int? {
        guard count >= 3, Double(count) * Double(count) * Double(dimension) <= 2e8 else { return nil }
        var tied = 0
        for i in 0..<count {
            var nearest = Double.infinity, atNearest = 0
            for j in 0..<count where j != i {
                var d = 0.0
                for k in 0..<dimension {
                    let difference = Double(rows[i * dimension + k]) - Double(rows[j * dimension + k])
                    d += difference * difference
                }
                if d < nearest * (1 - 1e-6) { nearest = d; atNearest = 1 } else if d <= nearest * (1 + 1e-6) { atNearest += 1 }
            }
            if atNearest >= 2 { tied += 1 }
        }
        return tied
    }
}
