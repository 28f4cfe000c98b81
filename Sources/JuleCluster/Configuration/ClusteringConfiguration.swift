/// Parameters of the agglomerative clustering (§3, §8, defaults per §12).
public struct ClusteringConfiguration: Codable, Sendable, Equatable {
    /// K_s: sample neighbours of the k-NN graph (§3.1).
    public var neighbourCount: Int
    /// K_c: neighbouring clusters in the local-contrast term (§3.5).
    public var contrastNeighbours: Int
    /// λ: weight of the local-contrast term (paper form).
    public var lambda: Double
    /// Caffe's `lcc_weight` (only for `mergeScore == .caffe`).
    public var lccWeight: Double
    /// η: unrolling rate; a period does T = min(⌈η·n⌉, n − n*) merges (§3.6).
    public var unrollingRate: Double
    public var mergeScore: MergeScore
    public var affinityUpdate: AffinityUpdate
    /// §3.4: merge zero-affinity clusters into the nearest centroid when n > 20·n* (§12 #8).
    public var isolatedPremerge: Bool
    /// The factor of §3.4's gate, n > factor·n*; nil means the reference's 20. 0 runs the pre-merge at every
    /// clustering call (an ablation: zero-affinity clusters otherwise survive to the end, see results/README.md).
    public var isolatedPremergeFactor: Double?
    /// nil: union-find components of the 1-NN graph; 51: Torch's capped chain walk (§3.3, §12 #7).
    public var chainCap: Int?
    public var onZeroAffinity: ZeroAffinityPolicy
    public var rawNormalisation: RawNormalisation
    /// Dispatch workers for the k-NN search (each runs single-threaded OpenBLAS).
    public var workers: Int

    // Settings added after the first sweep (§15). Nil means the behaviour before they existed, so earlier records
    // decode, hash and label as before; the reference profiles set them.

    /// Float format of W, D, A and scores (nil: `.double`).
    public var precision: AffinityPrecision?
    /// Caffe never resets a doubled K_s: true starts JULE-RC with the K_s the SF periods ended with (nil: false,
    /// RC starts again from `neighbourCount`).
    public var keepDoubledNeighbours: Bool?
    /// K_s of JULE-RC alone (nil: as above). Not in either reference code: a labelled improvement against the RC
    /// tiny-cluster collapse (results/README.md: with K_s 40 the anti-hub groups that the 20-NN graph barely reaches
    /// join their class on every network measured). Wins over `keepDoubledNeighbours` when set.
    public var rcNeighbourCount: Int?
    /// JULE-RC alone: before each period's merges, every *one-way* cluster (other clusters reach it, but no sample
    /// outside it links back to it, so its affinity is only the D(Y → X)/|Y|² term, which vanishes as |Y| grows)
    /// joins the cluster of highest affinity (nil: false). Not in either reference code: a labelled improvement
    /// aimed at the mechanism of the MNIST-full collapse (results/README.md), with no size threshold.
    public var rcOneWayMerge: Bool?

    public var effectivePrecision: AffinityPrecision { precision ?? .double }
    public var effectiveKeepDoubledNeighbours: Bool { keepDoubledNeighbours ?? false }
    public var effectiveRCOneWayMerge: Bool { rcOneWayMerge ?? false }

    public init(neighbourCount: Int = 20, contrastNeighbours: Int = 5, lambda: Double = 1, lccWeight: Double = 1,
                unrollingRate: Double = 0.9, mergeScore: MergeScore = .paper, affinityUpdate: AffinityUpdate = .exact,
                isolatedPremerge: Bool = true, isolatedPremergeFactor: Double? = nil, chainCap: Int? = nil, onZeroAffinity: ZeroAffinityPolicy = .doubleNeighbours,
                rawNormalisation: RawNormalisation = .torchRenorm, workers: Int = 2) {
        self.neighbourCount = neighbourCount
        self.contrastNeighbours = contrastNeighbours
        self.lambda = lambda
        self.lccWeight = lccWeight
        self.unrollingRate = unrollingRate
        self.mergeScore = mergeScore
        self.affinityUpdate = affinityUpdate
        self.isolatedPremerge = isolatedPremerge
        self.isolatedPremergeFactor = isolatedPremergeFactor
        self.chainCap = chainCap
        self.onZeroAffinity = onZeroAffinity
        self.rawNormalisation = rawNormalisation
        self.workers = workers
    }
}
