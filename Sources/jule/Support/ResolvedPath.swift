import Foundation

/// Where a path really leads, for refusals that must not be fooled by a link or `..` (an output inside the dataset
/// cache, a re-run folder that is the checked run itself).
enum ResolvedPath {
    /// The path with every link and `..` resolved (realpath(3)); nil when it does not exist.
    static func real(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `url` resolved as far as it exists, the rest appended as written (a file or folder still to be made).
    static func of(_ url: URL) -> String {
        var existing = url.standardizedFileURL, rest: [String] = []
        while existing.path != "/" {
            if let base = real(existing.path) {
                return (base == "/" ? "" : base) + rest.reversed().map { "/" + $0 }.joined()
            }
            rest.append(existing.lastPathComponent)
            existing.deleteLastPathComponent()
        }
        return "/" + rest.reversed().joined(separator: "/")
    }

    /// Whether `path` is `folder` or inside it (both resolved).
    static func isInside(_ path: String, _ folder: String) -> Bool {
        path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }
}
