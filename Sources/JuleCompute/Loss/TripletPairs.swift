/// Which positive pairs of a cluster within a batch become triplets (§4.2).
public enum TripletPairs: String, Codable, Sendable, CaseIterable {
    /// Torch: every unordered pair (m < n in batch order), m the anchor.
    case unordered
    /// Caffe: every ordered pair (m ≠ n), so each member of a pair serves as the anchor once.
    case ordered
}
