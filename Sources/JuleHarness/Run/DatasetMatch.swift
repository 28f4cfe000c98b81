import Foundation

/// Whether a finished run was made on the data its dataset's cache holds now: the record's `datasetSHA256` against
/// the cache's content digest. Every command that reads a run beside today's data asks here (train and sweeps before
/// reusing a run, check before re-running it, show and eval before pairing its labels with the images, report before
/// testing or drawing it), so "the same data" means one thing everywhere.
public enum DatasetMatch: Equatable, Sendable {
    /// The record's digest is the cache's.
    case same
    /// The record holds a content digest and it is not the cache's: the dataset was re-imported or changed since.
    case otherData(recorded: String, current: String)
    /// The digests differ, but the record is from before content digests (`RunRecord.storesContentDigest`): its digest
    /// is the cache file's sha256, which a rebuild of the same data changes, so nothing can be told. Such runs are
    /// kept, with `warning(recordFile:dataset:)`.
    case unverifiable(recorded: String)

    public init(record: RunRecord, current: String) {
        if record.datasetSHA256 == current {
            self = .same
        } else if record.storesContentDigest {
            self = .otherData(recorded: record.datasetSHA256, current: current)
        } else {
            self = .unverifiable(recorded: record.datasetSHA256)
        }
    }

    /// The warning line for an unverifiable record (`recordFile` its `record.json`); nil otherwise.
    public func warning(recordFile: URL, dataset: String) -> String? {
        guard case let .unverifiable(recorded) = self else { return nil }
        return "warning: \(recordFile.path): written before records held the data's content digest (its datasetSHA256 "
            + "is the cache file's sha256, \(recorded.prefix(12))…): cannot tell whether \(dataset) changed since"
    }

    /// One warning line for several unverifiable records of `dataset` (a results folder of older sweeps holds a
    /// hundred); a single one gets its own `warning(recordFile:dataset:)`.
    public static func warning(unverifiable recordFiles: [URL], dataset: String) -> String {
        "warning: \(recordFiles.count) \(dataset) records (first \(recordFiles.first?.path ?? "none")) were written before "
            + "records held the data's content digest: cannot tell whether \(dataset) changed since"
    }

    /// For a command whose result would be wrong on other data (show, eval, check): throws
    /// `HarnessError.runOnOtherData` naming the run directory, the dataset and both digests; hands an unverifiable
    /// record's warning line to `warn`, and goes on.
    public func require(run directory: URL, record: RunRecord, warn: (String) -> Void) throws {
        switch self {
        case .same: return
        case .unverifiable:
            if let line = warning(recordFile: directory.appendingPathComponent("record.json"), dataset: record.dataset) { warn(line) }
        case let .otherData(recorded, current):
            throw HarnessError.runOnOtherData(directory, runID: record.runID, dataset: record.dataset,
                                              recorded: recorded, current: current)
        }
    }
}
