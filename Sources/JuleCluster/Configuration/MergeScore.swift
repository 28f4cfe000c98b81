/// Which form of the merge criterion to use (§3.5, port decision §12 #2).
public enum MergeScore: String, Codable, Sendable, CaseIterable {
    /// The paper's symmetric form over all live clusters: for each cluster, its neighbours sorted by A.
    case paper
    /// Torch's `search_clusters`: per cluster j only partners i < j (column of the upper triangle), λ = 1,
    /// contrast term only when the period started with more than 100 clusters.
    case torch
    /// Caffe's `MergeClusters`: per cluster i only partners j > i (row of the upper triangle), K_c contrast
    /// terms weighted by `lccWeight`.
    case caffe
}
