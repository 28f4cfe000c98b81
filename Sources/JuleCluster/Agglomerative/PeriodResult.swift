/// Outcome of one clustering call (one period of §3.6).
public struct PeriodResult: Sendable {
    /// Cluster of every sample, 0..<clusters, numbered by each cluster's smallest sample index.
    public let labels: [Int]
    /// Live clusters after the period.
    public let clusters: Int
    /// Merges counted toward the budget T.
    public let merges: Int
    /// K_s to use for the next call: doubled after a zero-affinity stop (§12 #9), else unchanged.
    public let neighbourCount: Int
    /// Clusters at the start of the call, before the isolated-cluster pre-merge.
    public let startClusters: Int
    /// §3.4 pre-merges (not counted in `merges`).
    public let premerges: Int
    /// One-way clusters merged into their highest-affinity partner (`rcOneWayMerge`; not counted in `merges`).
    public let oneWayMerges: Int
    /// The merge budget T = min(⌈η·n⌉, n − n*), n counted after the pre-merge.
    public let budget: Int
    /// True when the period stopped early because no positive affinity was left.
    public let stoppedOnZeroAffinity: Bool

    public init(labels: [Int], clusters: Int, merges: Int, neighbourCount: Int, startClusters: Int = 0,
                premerges: Int = 0, oneWayMerges: Int = 0, budget: Int = 0, stoppedOnZeroAffinity: Bool = false) {
        self.labels = labels
        self.clusters = clusters
        self.merges = merges
        self.neighbourCount = neighbourCount
        self.startClusters = startClusters
        self.premerges = premerges
        self.oneWayMerges = oneWayMerges
        self.budget = budget
        self.stoppedOnZeroAffinity = stoppedOnZeroAffinity
    }
}
