import Foundation

/// `imported.json` is read, changed and written back by `jule data import` and `jule data remove`; processes doing so
/// at once lost each other's entries (six parallel imports kept two or three). The whole read-modify-write holds an
/// exclusive lock on `.imported.json.lock` beside it.
extension DatasetStore {
    /// `<cache>/.imported.json.lock`: locked (flock) while `imported.json` is being changed.
    var importedRegistryLockURL: URL { cacheDirectory.appendingPathComponent(".imported.json.lock") }

    /// Replaces the imported entries by `change(current)` under the registry's lock; an empty result removes the file
    /// (a registry holds at least one dataset).
    func updateImportedEntries(_ change: ([DatasetEntry]) throws -> [DatasetEntry]) throws {
        do { try FileManager.default.createDirectory(at: cacheDirectory, withIntermediateDirectories: true) } catch {
            throw DataError.io(file: cacheDirectory.path, reason: "cannot create directory (\(FileErrorText.cause(error)))")
        }
        try FileLock.withExclusiveLock(importedRegistryLockURL) {
            let entries = try change(try importedEntries())
            if !entries.isEmpty {
                try DatasetRegistry(datasets: entries, url: importedRegistryURL).write(to: importedRegistryURL)
            } else if FileManager.default.fileExists(atPath: importedRegistryURL.path) {
                do { try FileManager.default.removeItem(at: importedRegistryURL) } catch {
                    throw DataError.io(file: importedRegistryURL.path, reason: "cannot delete (\(FileErrorText.cause(error)))")
                }
            }
        }
    }
}
