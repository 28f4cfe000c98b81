import JuleData

/// Triplet construction within one mini-batch from its pseudo-labels (§4.2, §12 #10).
///
/// Groups are taken in order of first appearance in the batch. With c distinct labels in the batch
/// (no triplets when c = 1) and `num_neg = min(negativesPerPair, c − 1)`: for every group and every pair of its
/// members (unordered, m < n in batch order, as Torch; or ordered, m ≠ n, as Caffe) the anchor is m, the positive
/// n, and `num_neg` **distinct** negatives are drawn uniformly from the batch positions with another label (a
/// partial Fisher–Yates shuffle of the group's candidate list, so it never spins). Unordered pairs give
/// Σ_g n_g(n_g − 1)/2 · num_neg triplets per batch, ordered pairs twice that.
///
/// With `caffeQuirk` the first draw of a pair is uniform over the whole batch, as Caffe's rejection loop; if it
/// lands in the pair's own cluster the pair gets no negatives (Caffe breaks out because its running triplet count
/// is already a multiple of num_neg), otherwise it is the first negative and the rest are drawn as above.
public enum TripletSampler {
    public static func sample(labels: [Int], negativesPerPair: Int, pairs: TripletPairs = .unordered,
                              caffeQuirk: Bool = false, using rng: inout SeededGenerator) -> [Triplet] {
        precondition(negativesPerPair >= 1, "negativesPerPair must be at least 1")
        var groupOf: [Int: Int] = [:]
        var groups: [[Int]] = []
        for (position, label) in labels.enumerated() {
            if let g = groupOf[label] {
                groups[g].append(position)
            } else {
                groupOf[label] = groups.count
                groups.append([position])
            }
        }
        let c = groups.count
        guard c > 1 else { return [] }
        let negatives = min(negativesPerPair, c - 1)
        let pairFactor = pairs == .ordered ? 2 : 1
        var triplets: [Triplet] = []
        triplets.reserveCapacity(groups.reduce(0) { $0 + $1.count * ($1.count - 1) / 2 } * negatives * pairFactor)
        // Uniform integer in 0..<range (multiply-shift; bias < 2⁻⁵⁰ for batch-sized ranges).
        func uniform(_ range: Int) -> Int { Int(rng.next().multipliedFullWidth(by: UInt64(range)).high) }
        for group in groups where group.count >= 2 {
            let label = labels[group[0]]
            var candidates = labels.indices.filter { labels[$0] != label }
            let available = candidates.count
            for a in 0..<group.count {
                for p in 0..<group.count where pairs == .ordered ? p != a : p > a {
                    var first = 0
                    if caffeQuirk {
                        let r = uniform(labels.count)
                        if labels[r] == label { continue }
                        if let at = candidates.firstIndex(of: r) { candidates.swapAt(0, at) }
                        triplets.append(Triplet(anchor: group[a], positive: group[p], negative: r))
                        first = 1
                    }
                    for j in first..<negatives {
                        let r = j + uniform(available - j)
                        candidates.swapAt(j, r)
                        triplets.append(Triplet(anchor: group[a], positive: group[p], negative: candidates[j]))
                    }
                }
            }
        }
        return triplets
    }
}
