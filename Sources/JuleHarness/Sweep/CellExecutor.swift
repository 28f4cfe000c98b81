import Foundation
import JuleData

/// Runs one cell of a sweep in this process (`jule sweep cell`, also what each Slurm array task runs):
/// claims the cell's lock, skips it when already done, runs JULE into the cell's directory, and leaves either
/// a record or `failed.txt` with the reason. Safe to start twice for the same cell: the second one waits out.
public struct CellExecutor {
    public let directory: SweepDirectory
    public let manifest: SweepManifest
    /// Loads a dataset and the sha256 of its cache file.
    public let loadDataset: (String) throws -> (Dataset, String)
    /// A dataset's class names (an imported folder's class folders), for each run's `clusters.tsv`.
    public var classNames: (String) -> [String]? = { _ in nil }
    /// Where an imported dataset came from (`DatasetEntry.importedFrom`), kept in each run's record.
    public var importedFrom: (String) -> String? = { _ in nil }
    /// The datasets' cache digests now: a cell finished on other data (`CellState.stale`) is redone, its old run
    /// moved aside to `cells/<id>.replaced-<run id>` as `jule train --force` does. Nil: finished cells count as done.
    public var digests: DatasetDigests?

    public init(directory: SweepDirectory, manifest: SweepManifest, loadDataset: @escaping (String) throws -> (Dataset, String)) {
        self.directory = directory
        self.manifest = manifest
        self.loadDataset = loadDataset
    }

    public enum Outcome: String, Sendable { case finished, alreadyDone, heldElsewhere }

    public func run(index: Int, onEvent: @escaping (RunEvent) -> Void) throws -> Outcome {
        let cell = try manifest.cell(at: index)
        if directory.state(of: cell, digests: digests) == .done { directory.removeLeftoverCheckpoints(of: cell); return .alreadyDone }
        guard let lock = try CellLock.acquire(directory.lock(cell)) else { return .heldElsewhere }
        defer { lock.release() }
        // Finished while we waited for the lock (with the lock held, a stale cell reads as running).
        if directory.state(of: cell, digests: digests) == .done { return .alreadyDone }
        do {
            // The lock and the log stay: this process holds the one, `jule sweep run` writes the other.
            let kept: Set<String> = [directory.lock(cell).lastPathComponent, directory.log(cell).lastPathComponent]
            if let digests, let old = directory.finishedRecord(of: cell),
               case let .otherData(recorded, _)? = directory.dataMatch(of: cell, digests: digests) {
                let aside = try directory.run(cell).moveAside(runID: old.runID, keeping: kept)
                onEvent(.note("\(directory.run(cell).record.path): made on other data (dataset digest \(recorded.prefix(12))…); moved to \(aside.path), starting over"))
            } else if let (file, problem) = directory.damage(of: cell) {
                // Kept aside, as a damaged record is: the files that are still whole are the user's.
                let aside = try directory.run(cell).moveAside(runID: "damaged", keeping: kept)
                onEvent(.note("\(file.path): \(problem); moved to \(aside.path), starting over"))
            } else if let reason = directory.unreadableRecordReason(of: cell) {
                // Nothing can be told from a damaged record; kept aside for whoever wants to look, and the cell redone.
                let aside = try directory.run(cell).moveAside(runID: "unreadable-record", keeping: kept)
                onEvent(.note("\(reason); moved to \(aside.path), starting over"))
            }
            let (dataset, sha) = try loadDataset(cell.dataset)
            let runner = JuleRunner(configuration: cell.configuration, dataset: dataset, datasetSHA256: sha,
                                    outputDirectory: directory.run(cell).url, onEvent: onEvent)
            runner.classNames = classNames(cell.dataset)
            runner.importedFrom = importedFrom(cell.dataset)
            // A cell's folder is named after its configuration's hash: a checkpoint of another one there is an older
            // build's, which nobody can resume; dropped as before rather than failing the cell.
            runner.discardsCheckpointOfOtherConfiguration = true
            _ = try runner.run()
            try? FileManager.default.removeItem(at: directory.failure(cell))
            return .finished
        } catch {
            let reason = FileErrorText.isFoundationError(error) ? FileErrorText.describe(error) : "\(error)"
            try? AtomicFile.write(reason + "\n", to: directory.failure(cell))
            throw HarnessError.cellFailed(id: cell.id, reason: reason)
        }
    }
}
