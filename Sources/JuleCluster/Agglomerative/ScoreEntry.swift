/// A heap entry: a cluster's merge score and partner, valid while `version` matches the cluster's current one.
///
/// Ordered so that the heap maximum is the highest score, ties going to the lowest cluster slot (§12 #2).
struct ScoreEntry: Comparable {
    let score: Double
    let cluster: Int
    let partner: Int
    let version: Int

    static func < (lhs: ScoreEntry, rhs: ScoreEntry) -> Bool {
        lhs.score < rhs.score || (lhs.score == rhs.score && lhs.cluster > rhs.cluster)
    }

    static func == (lhs: ScoreEntry, rhs: ScoreEntry) -> Bool {
        lhs.score == rhs.score && lhs.cluster == rhs.cluster
    }
}
