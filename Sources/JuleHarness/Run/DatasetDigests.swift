import Foundation

/// The content digest of each dataset's cache as it is now, looked up once per dataset for the whole command however
/// many runs it compares (`DatasetMatch`). Thread-safe: a sweep's workers ask from several threads.
public final class DatasetDigests: @unchecked Sendable {
    /// A dataset's current content digest; nil when it has no cache to compare with (not fetched, not imported).
    public typealias Lookup = (String) throws -> String?

    private let lookup: Lookup
    private let lock = NSLock()
    private var known: [String: String?] = [:]

    public init(lookup: @escaping Lookup) { self.lookup = lookup }

    /// The current digest of `dataset` (nil when not cached); the first call per dataset looks it up.
    public func current(_ dataset: String) throws -> String? {
        lock.lock()
        defer { lock.unlock() }
        if let digest = known[dataset] { return digest }
        let digest = try lookup(dataset)
        known[dataset] = .some(digest)
        return digest
    }

    /// How `record` stands against its dataset's cache; nil when the dataset has no cache.
    public func match(_ record: RunRecord) throws -> DatasetMatch? {
        try current(record.dataset).map { DatasetMatch(record: record, current: $0) }
    }
}
