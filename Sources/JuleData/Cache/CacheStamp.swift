/// What a cache file records about its origin, used to decide whether it is still valid for the registry.
public struct CacheStamp: Codable, Sendable, Equatable {
    /// Dataset name as in the registry.
    public let name: String
    /// Id of the `SourceSet` the cache was decoded from.
    public let source: String
    /// Decoder name and the data layer's decoder version (bumped whenever a decoder's output changes).
    public let decoder: String
    public let decoderVersion: Int
    /// "path  digest" of every verified source file (sha256, md5 or folder digest, as the registry states it).
    public let sourceDigests: [String]
    /// `DatasetStore.settingsDigest` of the source set: its decoder settings (parameters, files and their roles), which
    /// change the decoded data as much as the files do. Nil in caches written before stamps recorded it.
    public let settingsDigest: String?

    public init(name: String, source: String, decoder: String, decoderVersion: Int, sourceDigests: [String],
                settingsDigest: String? = nil) {
        self.name = name
        self.source = source
        self.decoder = decoder
        self.decoderVersion = decoderVersion
        self.sourceDigests = sourceDigests
        self.settingsDigest = settingsDigest
    }
}
