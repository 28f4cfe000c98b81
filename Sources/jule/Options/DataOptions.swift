import ArgumentParser
import Foundation
import JuleData

/// Where datasets come from and where they are cached; shared by every command that loads data.
struct DataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Read-only dataset mirror standing in for the canonical URLs (default: $JULE_MIRROR).", valueName: "dir"))
    var mirror: String?

    @Option(help: ArgumentHelp("Cache directory (default: $JULE_CACHE or ~/.cache/jule).", valueName: "dir"))
    var cache: String?

    @Option(help: ArgumentHelp("Dataset registry (default: $JULE_REGISTRY, ./datasets.json, or beside the executable).", valueName: "file"))
    var registry: String?

    @Flag(help: "Never try the canonical URLs.")
    var offline = false

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if let mirror {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: mirror, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--mirror \(mirror): no such directory")
            }
        }
    }

    func makeRegistry() throws -> DatasetRegistry {
        try DatasetRegistry.load(from: registry.map { URL(fileURLWithPath: $0) } ?? DatasetRegistry.locate())
    }

    func makeStore() throws -> DatasetStore {
        DatasetStore(registry: try makeRegistry(),
                     cacheDirectory: cache.map { URL(fileURLWithPath: $0) } ?? DatasetStore.defaultCacheDirectory,
                     mirror: mirror.map { URL(fileURLWithPath: $0) } ?? DatasetStore.defaultMirror,
                     quiet: quiet, allowNetwork: !offline)
    }
}
