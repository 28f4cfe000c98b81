/// One dataset of the benchmark (`datasets.json` → `datasets[]`).
///
/// `count`, `classes` and `shape` are the figures of the dataset as the paper uses it (§1.1); a source copy that
/// deviates states its own in `SourceSet` and in `deviations`.
public struct DatasetEntry: Codable, Sendable, Equatable {
    public let name: String
    public let description: String
    public let classes: Int
    public let count: Int
    /// [C, H, W] of the cached images.
    public let shape: [Int]
    /// Network preset for JuleCompute (`NetworkSpec.preset`), or "design-rule".
    public let network: String
    /// Unrolling rate η (§8.4): 0.2 for face sets, 0.9 otherwise.
    public let eta: Double
    public let epochsPerPeriod: Int
    public let claims: [Claim]
    /// Where the dataset is published (human-facing page).
    public let homepage: String?
    /// Ways to obtain it, in order of preference.
    public let sources: [SourceSet]
    /// How labels become 0-based ids (summary; the decoder parameters hold the exact rule).
    public let labelMapping: String
    /// Protocol notes (e.g. "train + test merged").
    public let protocolNotes: [String]
    /// How mirrored or downloadable copies differ from the paper's dataset.
    public let deviations: [String]
    /// The name of each class id (0…classes−1), where the source has names: an imported image folder's class folders.
    /// Pictures and `jule data info` show them; nil for the registry's datasets, whose ids are their classes.
    public let classNames: [String]?

    public init(name: String, description: String, classes: Int, count: Int, shape: [Int], network: String,
                eta: Double, epochsPerPeriod: Int, claims: [Claim], homepage: String?, sources: [SourceSet],
                labelMapping: String, protocolNotes: [String], deviations: [String], classNames: [String]? = nil) {
        self.name = name
        self.description = description
        self.classes = classes
        self.count = count
        self.shape = shape
        self.network = network
        self.eta = eta
        self.epochsPerPeriod = epochsPerPeriod
        self.claims = claims
        self.homepage = homepage
        self.sources = sources
        self.labelMapping = labelMapping
        self.protocolNotes = protocolNotes
        self.deviations = deviations
        self.classNames = classNames
    }
}
