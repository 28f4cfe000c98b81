import Foundation
import JuleData

/// What the harness commands add to the data options: the same options, resolved, for the worker processes
/// and Slurm tasks they start.
extension DataOptions {
    /// The resolved data options as command-line arguments (absolute paths), for child processes.
    func passThroughArguments() throws -> [String] {
        let registryURL = try registry.map { URL(fileURLWithPath: $0) } ?? DatasetRegistry.locate()
        var arguments = ["--registry", registryURL.standardizedFileURL.path]
        if let cache { arguments += ["--cache", URL(fileURLWithPath: cache).standardizedFileURL.path] }
        if let mirror { arguments += ["--mirror", URL(fileURLWithPath: mirror).standardizedFileURL.path] }
        if noMirror { arguments.append("--no-mirror") }
        if offline { arguments.append("--offline") }
        if quiet { arguments.append("--quiet") }
        return arguments
    }
}

extension DatasetStore {
    /// The content digest of a dataset's cache (sha256 of its pixels and labels), recorded in run records to tie
    /// results to the exact data: unlike the file's own sha256 it survives a rebuild of the same data.
    func cacheSHA256(_ name: String) throws -> String {
        try DatasetCache.contentDigest(at: cacheURL(for: try entry(named: name).name))
    }
}
