/// One published number for a dataset (§11 of the algorithm doc): metric, JULE variant, value and who reports it.
public struct Claim: Codable, Sendable, Equatable {
    /// "NMI" (geometric normalisation), "ACC" (Hungarian) or "ARI".
    public let metric: String
    /// "SF" (straightforward), "RC" (re-running clustering) or "any" when the source does not say.
    public let variant: String
    /// The value in [0, 1] (NMI, ACC) or [-1, 1] (ARI).
    public let value: Double
    /// Where the number comes from: paper table or later paper, with the doc's provenance tag.
    public let source: String

    public init(metric: String, variant: String, value: Double, source: String) {
        self.metric = metric
        self.variant = variant
        self.value = value
        self.source = source
    }

    static let metrics: Set<String> = ["NMI", "ACC", "ARI"]
    static let variants: Set<String> = ["SF", "RC", "any"]
}
