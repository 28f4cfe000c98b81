/// One source file (or folder) of a dataset, as listed in `datasets.json`.
///
/// `path` is relative to the mirror root (`--mirror`), and is also where a download is kept under
/// `<cache>/downloads/`. A file is verified by `sha256` (preferred) or, where only the publisher's MD5 is known,
/// `md5`. A folder (`kind: "folder"`) is verified file by file against a `manifest` (a mirror file of
/// "sha256  size  name" lines, itself verified by `manifestSHA256`) or as a whole by `treeSHA256`: the sha256 of
/// the UTF-8 text made of one "sha256  name\n" line per file, sorted by name.
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

    /// Whether the registry records a way to verify this source.
    var isVerifiable: Bool {
        isFolder ? (treeSHA256 != nil || (manifest != nil && manifestSHA256 != nil)) : (sha256 != nil || md5 != nil)
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
