/// Clustering method of the raw-feature baselines (`jule cluster --method`).
public enum BaselineMethod: String, Codable, Sendable, CaseIterable {
    /// JULE's agglomerative clustering with the CNN switched off (§3, `updateCNN = 0`).
    case agglomerative
    /// k-means++ seeding from a fixed seed, Lloyd iterations.
    case kmeans
}
