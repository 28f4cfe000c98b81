import Foundation

/// Every failure of the data layer. Each description is one line naming the file or value, what is wrong, and
/// where useful the next step.
public enum DataError: Error, CustomStringConvertible, Equatable {
    /// A dataset name that is not in the registry.
    /// `absentCache`: the cache folder searched for imports, when it does not exist (a mistyped --cache or JULE_CACHE).
    case unknownDataset(name: String, known: [String], absentCache: String? = nil)
    /// No registry file found in the places `DatasetRegistry.locate()` searches.
    case registryNotFound(searched: [String])
    /// `datasets.json` does not follow the schema.
    case invalidRegistry(file: String, reason: String)
    /// A source file's digest differs from the registry's.
    case checksumMismatch(dataset: String, file: String, algorithm: String, expected: String, actual: String)
    /// A source file is truncated, has a bad magic number or otherwise does not follow its format.
    case malformedFile(file: String, reason: String)
    /// A whole source file whose size differs from the registry's (checked before its digest): as bad as a digest
    /// mismatch, so the fetch step sets it aside the same way.
    case wrongSize(file: String, size: Int, expected: Int)
    /// A required archive member or folder entry is absent.
    case missingMember(container: String, member: String)
    /// A file could not be read or written.
    case io(file: String, reason: String)
    /// An HDF5 operation failed.
    case hdf5(file: String, operation: String)
    /// A cache file exists but cannot be used (unreadable, wrong layout, stale, content digest mismatch).
    case cacheUnusable(file: String, reason: String)
    /// Neither the mirror nor the network can provide the dataset.
    case notAvailableOffline(dataset: String, detail: String)
    /// A download failed for a reason other than missing connectivity.
    case downloadFailed(url: String, reason: String)
    /// Decoded data disagrees with the registry (count, shape, classes).
    case unexpectedContent(dataset: String, reason: String)
    /// A request the layer cannot satisfy (bad import folder, unsupported file kind, …).
    case invalidRequest(String)
    /// A file in the (read-only) mirror fails verification; `fix` is the command that fetches it another way.
    case corruptMirrorFile(dataset: String, file: String, detail: String, fix: String)

    /// One line: text quoted from an input is escaped (`MessageText.oneLine`).
    public var description: String { MessageText.oneLine(text) }

    private var text: String {
        switch self {
        case let .unknownDataset(name, known, absentCache):
            let cache = absentCache.map { " (the cache folder \($0), where imported datasets are kept, does not exist: is --cache or JULE_CACHE right?)" } ?? ""
            return "unknown dataset '\(name)'; known: \(known.joined(separator: ", ")). Try: jule data list" + cache
        case let .registryNotFound(searched):
            return "datasets.json not found (searched \(searched.joined(separator: ", "))); give the repository's copy with --registry FILE or JULE_REGISTRY=FILE, or run jule inside the repository"
        case let .invalidRegistry(file, reason):
            return "\(file): invalid registry: \(reason)"
        case let .checksumMismatch(dataset, file, algorithm, expected, actual):
            return "\(dataset): \(file): \(algorithm) \(actual), expected \(expected). Replace the file or try: jule data fetch \(dataset) --force"
        case let .malformedFile(file, reason):
            return "\(file): \(reason)"
        case let .wrongSize(file, size, expected):
            return "\(file): \(size) bytes, expected \(expected)"
        case let .missingMember(container, member):
            return "\(container): missing \(member)"
        case let .io(file, reason):
            return "\(file): \(reason)"
        case let .hdf5(file, operation):
            // A read that fails on a file HDF5 recognised is almost always a truncated or damaged file: say so.
            let reading = ["open", "read", "list", "dataspace of", "rank of", "type of"].contains { operation.hasPrefix($0) }
            return "\(file): HDF5 \(operation) failed" + (reading ? " (the file may be truncated or damaged)" : "")
        case let .cacheUnusable(file, reason):
            return "\(file): cache unusable: \(reason)"
        case let .notAvailableOffline(dataset, detail):
            return "\(dataset): not available offline (\(detail))"
        case let .downloadFailed(url, reason):
            return "\(url): download failed: \(reason)"
        case let .unexpectedContent(dataset, reason):
            return "\(dataset): \(reason)"
        case let .invalidRequest(reason):
            return reason
        case let .corruptMirrorFile(dataset, file, detail, fix):
            return "\(dataset): \(file): \(detail). The mirror's copy is corrupt and the mirror is read-only; fetch it without the mirror: \(fix)"
        }
    }
}
