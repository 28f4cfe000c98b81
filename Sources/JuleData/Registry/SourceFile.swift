/// One source file (or folder) of a dataset, as listed in `datasets.json`.
///
/// `path` is relative to the mirror root (`--mirror`), and is also where a download is kept under
/// `<cache>/downloads/`. A file is verified by `sha256` (preferred) or, where only the publisher's MD5 is known,
/// `md5`. A folder (`kind: "folder"`) is verified file by file against a `manifest` (a mirror file of
/// "sha256  size  name" lines, itself verified by `manifestSHA256`) or as a whole by `treeSHA256`: the sha256 of
/// the UTF-8 text made of one "sha256  name\n" line per file, sorted by name. An archive may be verified the same
/// way, over the members its decoder reads (names without folders), when the archive's own digest is unknown.
public struct SourceFile: Codable, Sendable, Equatable {
    /// What the file is for the decoder ("images", "labels", "archive", "folder", "mat", …).
    public let role: String
    public let path: String
    public let kind: Kind?
    /// Canonical download URLs, tried in order.
    public let urls: [String]?
    public let sha256: String?
    public let md5: String?
    /// Size in bytes, when known (a cheap early check against truncation).
    public let bytes: Int?
    public let manifest: String?
    public let manifestSHA256: String?
    public let treeSHA256: String?

    public enum Kind: String, Codable, Sendable { case file, folder }

    public var isFolder: Bool { kind == .folder }

    /// The digest the registry records for this source, strongest first: sha256, the publisher's md5, the tree
    /// digest of a folder, or the digest of its per-file manifest; nil when none is recorded.
    public var recordedDigest: (kind: String, value: String)? {
        if let sha256 { return ("sha256", sha256) }
        if let md5 { return ("md5", md5) }
        if let treeSHA256 { return ("tree-sha256", treeSHA256) }
        if let manifestSHA256 { return ("manifest-sha256", manifestSHA256) }
        return nil
    }

    /// Whether the registry records a way to verify this source.
    var isVerifiable: Bool {
        sha256 != nil || md5 != nil || treeSHA256 != nil || (manifest != nil && manifestSHA256 != nil)
    }

    public init(role: String, path: String, kind: Kind? = nil, urls: [String]? = nil, sha256: String? = nil,
                md5: String? = nil, bytes: Int? = nil, manifest: String? = nil, manifestSHA256: String? = nil,
                treeSHA256: String? = nil) {
        self.role = role
        self.path = path
        self.kind = kind
        self.urls = urls
        self.sha256 = sha256
        self.md5 = md5
        self.bytes = bytes
        self.manifest = manifest
        self.manifestSHA256 = manifestSHA256
        self.treeSHA256 = treeSHA256
    }
}
