import JuleData

/// Triplet construction within one mini-batch from its pseudo-labels (§4.2, §12 #10).
///
/// Groups are taken in order of first appearance in the batch. With c distinct labels in the batch
/// (no triplets when c = 1) and `num_neg = min(negativesPerPair, c − 1)`: for every group and every unordered
/// pair of its members (m < n, batch order) the anchor is m, the positive n, and `num_neg` **distinct**
/// negatives are drawn uniformly from the batch positions with another label (a partial Fisher–Yates shuffle
/// of the group's candidate list, so it never spins). Triplets per batch = Σ_g n_g(n_g − 1)/2 · num_neg.
public enum TripletSampler {
    public static func sample(labels: [Int], negativesPerPair: Int, using rng: inout SeededGenerator) -> [Triplet] {
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
        var triplets: [Triplet] = []
        triplets.reserveCapacity(groups.reduce(0) { $0 + $1.count * ($1.count - 1) / 2 } * negatives)
        for group in groups where group.count >= 2 {
            let label = labels[group[0]]
            var candidates = labels.indices.filter { labels[$0] != label }
            let available = candidates.count
            for a in 0..<(group.count - 1) {
                for p in (a + 1)..<group.count {
                    for j in 0..<negatives {
                        // Uniform index in j..<available (multiply-shift; bias < 2⁻⁵⁰ for batch-sized ranges).
                        let r = j + Int(rng.next().multipliedFullWidth(by: UInt64(available - j)).high)
                        candidates.swapAt(j, r)
                        triplets.append(Triplet(anchor: group[a], positive: group[p], negative: candidates[j]))
                    }
                }
            }
        }
        return triplets
    }
}
