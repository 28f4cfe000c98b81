import Foundation
import JuleData
import JuleHarness

/// What the harness commands add to the data options: the same options, resolved, for the worker processes
/// and Slurm tasks they start.
extension DataOptions {
    /// The resolved data options as command-line arguments (absolute paths), for child processes.
    func passThroughArguments() throws -> [String] {
        let registryURL = try registry.map { URL(fileURLWithPath: $0) } ?? DatasetRegistry.locate()
        var arguments = ["--registry", registryURL.standardizedFileURL.path]
        // The cache and mirror as resolved here (flag, $JULE_CACHE / $JULE_MIRROR, or the default), not only the flags:
        // a Slurm task starts from a shell without this one's environment, and an imported dataset lives only in the
        // cache it was imported into.
        arguments += ["--cache", cacheDirectory.standardizedFileURL.path]
        if noMirror {
            arguments.append("--no-mirror")
        } else if let mirrorURL = mirror.map({ URL(fileURLWithPath: $0) }) ?? DatasetStore.defaultMirror {
            arguments += ["--mirror", mirrorURL.standardizedFileURL.path]
        }
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

    /// Refuses (`HarnessError.runOnOtherData`) a run in `directory` made on other data than its dataset's cache holds
    /// now, before a command pairs its labels with today's images; a record too old to tell gets a warning on stderr.
    /// Call it once the dataset is loaded (its cache is there then).
    func requireSameData(run directory: URL, record: RunRecord) throws {
        try DatasetMatch(record: record, current: cacheSHA256(record.dataset)).require(run: directory, record: record) { line in
            StandardError.line(line)
        }
    }

    /// The entry of the dataset a finished run in `directory` used. An imported dataset removed since (`jule data
    /// remove`, or another cache) is named as such, with the path it was imported from when the record keeps it,
    /// rather than as an unknown name followed by every known one.
    func entry(forRun directory: URL, record: RunRecord) throws -> DatasetEntry {
        do { return try entry(named: record.dataset) } catch DataError.unknownDataset {
            throw HarnessError.runDatasetMissing(directory, dataset: record.dataset, cache: cacheDirectory,
                                                 importedFrom: record.importedFrom)
        }
    }

    /// `requireSameData` for a run's per-image output given on its own (a label file, `embeddings.h5`), when it is
    /// one (`RunDirectory.record(owning:)`) of a run on `dataset`.
    func requireSameData(forRunOutput file: URL, dataset: String) throws {
        guard let record = RunDirectory.record(owning: file), record.dataset.caseInsensitiveCompare(dataset) == .orderedSame else { return }
        try requireSameData(run: file.deletingLastPathComponent(), record: record)
    }

    /// The content digests of the datasets' caches now, each looked up once, for the commands that compare runs with
    /// today's data (`DatasetMatch`). A dataset without a cache file has none (nil): there is nothing to compare with.
    func currentDigests() -> DatasetDigests {
        DatasetDigests { name in
            let url = cacheURL(for: try entry(named: name).name)
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            return try DatasetCache.contentDigest(at: url)
        }
    }
}
