/// One complete way to obtain a dataset (`datasets.json` → `sources[]`): a decoder, its parameters and the files it
/// reads. A dataset lists several (mirror copy, canonical URL); the store takes the first one it can get.
public struct SourceSet: Codable, Sendable, Equatable {
    /// Short identifier, e.g. "mirror-idx" or "canonical-gz".
    public let id: String
    /// Decoder name: "idx", "mat", "png-folder", "png-zip", "cifar", "stl10", "image-tree", "jule-h5".
    public let decoder: String
    public let parameters: DecoderParameters
    public let files: [SourceFile]
    /// What this copy yields when it deviates from the entry's paper figures (e.g. COIL-100 mirror: 7,098 / 99).
    public let count: Int?
    public let classes: Int?
    public let shape: [Int]?
    public let note: String?

    public init(id: String, decoder: String, parameters: DecoderParameters, files: [SourceFile],
                count: Int? = nil, classes: Int? = nil, shape: [Int]? = nil, note: String? = nil) {
        self.id = id
        self.decoder = decoder
        self.parameters = parameters
        self.files = files
        self.count = count
        self.classes = classes
        self.shape = shape
        self.note = note
    }

    /// Whether some file can be downloaded (has a URL).
    public var isDownloadable: Bool { files.contains { !($0.urls ?? []).isEmpty } }
}
