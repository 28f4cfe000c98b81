import Foundation

/// Where each file of a `SourceSet` was found: the mirror, an earlier download, or a fresh download.
struct ResolvedSource {
    let set: SourceSet
    /// Local URL per file, in `set.files` order.
    let urls: [URL]
    /// Human-readable origin ("mirror", "download").
    let origin: String
}
