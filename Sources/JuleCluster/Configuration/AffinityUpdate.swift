/// How affinities are updated after a merge (§3.7, port decision §12 #3).
public enum AffinityUpdate: String, Codable, Sendable, CaseIterable {
    /// Exact sparse update: equal to recomputing D and A from scratch.
    case exact
    /// Torch's additive approximation D(a∪b → X) ≈ D(a → X) + D(b → X) (never overestimates).
    case fast
}
