/// What to do when no positive affinity is left before the merge budget is spent (§3.5, §12 #9).
public enum ZeroAffinityPolicy: String, Codable, Sendable, CaseIterable {
    /// Stop the period and double K_s for the next clustering call (Caffe).
    case doubleNeighbours
    /// Throw `ClusterError.noPositiveAffinity` (Torch raises `error()`).
    case error
}
