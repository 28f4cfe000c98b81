import Foundation

/// What a fetch or import checks and tidies in the cache directory before it decodes anything.
extension DatasetStore {
    /// Fails at once, naming the directory, when the cache cannot be written (rather than after decoding, as an
    /// HDF5 create error).
    public func ensureWritableCache() throws {
        let path = cacheDirectory.path
        // Foundation reports a regular file on the way as "I/O error (code 512)": name the file instead.
        var ancestor = cacheDirectory
        var isDirectory: ObjCBool = false
        while !FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isDirectory), ancestor.path != "/" {
            ancestor.deleteLastPathComponent()
        }
        guard isDirectory.boolValue else {
            throw DataError.io(file: path, reason: "cannot create the cache directory: \(ancestor.path) is a file, not a directory; choose another with --cache DIR or JULE_CACHE")
        }
        do { try FileManager.default.createDirectory(at: cacheDirectory, withIntermediateDirectories: true) } catch {
            throw DataError.io(file: path, reason: "cannot create the cache directory (\(FileErrorText.cause(error))); choose another with --cache DIR or JULE_CACHE")
        }
        guard access(path, W_OK | X_OK) == 0 else {
            let cause = String(cString: strerror(errno)).lowercased()
            throw DataError.io(file: path, reason: "cache directory is not writable (\(cause)); choose another with --cache DIR or JULE_CACHE")
        }
    }

    /// Removes temporary files a killed fetch or import left for dataset `name` (`.NAME.h5.<uuid>[.p<pid>].tmp`):
    /// those whose writing process is gone, and those without a pid (older builds) after ten minutes. Returns the
    /// names removed.
    @discardableResult
    public func removeStaleTemporaries(for name: String, now: Date = Date()) -> [String] {
        let removed = AtomicFile.removeStaleTemporaries(in: cacheDirectory, prefix: ".\(name).h5.", now: now)
        if !removed.isEmpty { progress(name)?.note("removed \(removed.count) temporary file(s) left by an interrupted write") }
        return removed
    }
}

extension DatasetCache {
    /// The `contentSHA256` attribute of a cache file (sha256 of its pixels and labels): what a run record cites, since
    /// it stays the same when the file's bytes change on a rebuild (compression, HDF5 library version).
    public static func contentDigest(at url: URL) throws -> String {
        let file = try HDF5File.open(at: url)
        guard let digest = try file.stringAttribute("contentSHA256") else {
            throw DataError.cacheUnusable(file: url.path, reason: "no contentSHA256 attribute")
        }
        return digest
    }
}

/// `jule data remove`: what the cache holds of a dataset, taken away.
extension DatasetStore {
    /// What `remove` did: the cache file deleted (nil when there was none) and whether an imported entry was dropped.
    public struct Removal: Sendable {
        public let name: String
        public let cacheFile: URL?
        public let droppedImport: Bool
    }

    /// Removes dataset `name` from the cache: an imported one entirely (its entry in `imported.json`, then its cache
    /// file and leftover temporaries), a registry one only its cache file, which `jule data fetch` can build again.
    /// The entry goes first, so a failure half-way leaves at worst an unregistered file, never an entry without data
    /// that commands would try to load. An unknown name is an error and changes nothing.
    /// A name both imported and in the registry (`importConflict`) removes the import, which ends the conflict.
    public func remove(_ name: String) throws -> Removal {
        let imported = try importedEntries()
        let conflicting = importConflict(name) != nil
        let entry = try conflicting ? registry.entry(named: name) : entry(named: name)
        let isImport = (conflicting || (try? registry.entry(named: entry.name)) == nil)
            && imported.contains { $0.name.caseInsensitiveCompare(entry.name) == .orderedSame }
        if isImport {
            try updateImportedEntries { $0.filter { $0.name.caseInsensitiveCompare(entry.name) != .orderedSame } }
        }
        let url = cacheURL(for: entry.name)
        var removedFile: URL?
        if FileManager.default.fileExists(atPath: url.path) {
            do { try FileManager.default.removeItem(at: url) } catch {
                throw DataError.io(file: url.path, reason: "cannot delete the cache file (\(FileErrorText.cause(error)))")
            }
            removedFile = url
        }
        _ = AtomicFile.removeStaleTemporaries(in: cacheDirectory, prefix: ".\(entry.name).h5.", now: .distantFuture)
        return Removal(name: entry.name, cacheFile: removedFile, droppedImport: isImport)
    }
}
