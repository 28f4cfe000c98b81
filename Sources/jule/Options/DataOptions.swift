import ArgumentParser
import Foundation
import JuleData
import JuleHarness

/// Where datasets come from and where they are cached; shared by every command that loads data.
struct DataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Read-only dataset mirror standing in for the canonical URLs (default: $JULE_MIRROR).", valueName: "dir"))
    var mirror: String?

    @Option(help: ArgumentHelp("Cache directory (default: $JULE_CACHE, else $XDG_CACHE_HOME/jule, else $HOME/.cache/jule).", valueName: "dir"))
    var cache: String?

    @Option(help: ArgumentHelp("Dataset registry (default: $JULE_REGISTRY, ./datasets.json, or beside the executable).", valueName: "file"))
    var registry: String?

    @Flag(help: "Ignore the mirror (and $JULE_MIRROR): read earlier downloads or the canonical URLs.")
    var noMirror = false

    @Flag(help: "Never try the canonical URLs.")
    var offline = false

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if noMirror && mirror != nil { throw ValidationError("--mirror and --no-mirror exclude each other") }
        if let mirror {
            guard Self.isDirectory(mirror) else { throw ValidationError("--mirror \(mirror): no such directory") }
        } else if !noMirror, let path = ProcessInfo.processInfo.environment["JULE_MIRROR"], !path.isEmpty, !Self.isDirectory(path) {
            // As wrong as the flag: ignoring it would go to the network, or write Slurm scripts without the mirror.
            throw ValidationError("JULE_MIRROR=\(path): no such directory; correct or unset it, or give --mirror DIR or --no-mirror")
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// `datasets.json`, checked (its network names included) before any work starts.
    func makeRegistry() throws -> DatasetRegistry {
        let url = try registry.map { URL(fileURLWithPath: $0) } ?? DatasetRegistry.locate()
        let loaded: DatasetRegistry
        do { loaded = try DatasetRegistry.load(from: url) } catch DataError.invalidRegistry(let file, let reason) {
            // A ./datasets.json that is some other program's file comes before the binary's own registry: say why it
            // was read and how to read another, or every command fails on it.
            let current = FileManager.default.currentDirectoryPath + "/datasets.json"
            guard registry == nil, (ProcessInfo.processInfo.environment["JULE_REGISTRY"] ?? "").isEmpty,
                  url.standardizedFileURL.path == URL(fileURLWithPath: current).standardizedFileURL.path else { throw DataError.invalidRegistry(file: file, reason: reason) }
            throw DataError.invalidRegistry(file: file, reason: reason + "; read as jule's registry because a datasets.json "
                + "in the current folder comes first: --registry FILE or JULE_REGISTRY=FILE chooses another (README: Adding a dataset to the registry)")
        }
        try NetworkChoice.check(loaded)
        return loaded
    }

    /// The registry plus the datasets imported into the cache (`jule data import`): where `train`, `cluster`,
    /// `sweep plan`, `report` and `diff` look names up.
    func makeCombinedRegistry() throws -> DatasetRegistry {
        let combined = try makeStore().combinedRegistry()
        try NetworkChoice.check(combined)
        return combined
    }

    /// The cache folder in use: `--cache`, else `$JULE_CACHE`, else the default.
    var cacheDirectory: URL { cache.map { URL(fileURLWithPath: $0) } ?? DatasetStore.defaultCacheDirectory }

    func makeStore() throws -> DatasetStore {
        var store = DatasetStore(registry: try makeRegistry(),
                                 cacheDirectory: cacheDirectory,
                                 mirror: noMirror ? nil : mirror.map { URL(fileURLWithPath: $0) } ?? DatasetStore.defaultMirror,
                                 quiet: quiet, allowNetwork: !offline)
        store.mirrorTurnedOff = noMirror
        return store
    }
}
