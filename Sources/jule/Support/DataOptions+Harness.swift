import Foundation
import JuleData

/// What the harness commands need from the data options: the registry, a store, and the same options for
/// the worker processes and Slurm tasks they start.
extension DataOptions {
    func registryURL() throws -> URL { try registry.map { URL(fileURLWithPath: $0) } ?? DatasetRegistry.locate() }

    func loadRegistry() throws -> DatasetRegistry { try DatasetRegistry.load(from: registryURL()) }

    func makeStore(registry: DatasetRegistry) throws -> DatasetStore {
        DatasetStore(registry: registry,
                     cacheDirectory: cache.map { URL(fileURLWithPath: $0) } ?? DatasetStore.defaultCacheDirectory,
                     mirror: mirror.map { URL(fileURLWithPath: $0) } ?? DatasetStore.defaultMirror, quiet: quiet)
    }

    /// The resolved data options as command-line arguments (absolute paths), for child processes.
    func passThroughArguments() throws -> [String] {
        var arguments = ["--registry", try registryURL().standardizedFileURL.path]
        if let cache { arguments += ["--cache", URL(fileURLWithPath: cache).standardizedFileURL.path] }
        if let mirror { arguments += ["--mirror", URL(fileURLWithPath: mirror).standardizedFileURL.path] }
        if quiet { arguments.append("--quiet") }
        return arguments
    }
}

extension DatasetStore {
    /// sha256 of a dataset's HDF5 cache file, recorded in run records to tie results to the exact data.
    func cacheSHA256(_ name: String) throws -> String {
        try Digest.hex(.sha256, ofFile: cacheURL(for: try registry.entry(named: name).name))
    }
}
