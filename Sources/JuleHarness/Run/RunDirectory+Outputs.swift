import Foundation

/// A run's output file given on its own (`jule eval --pred`, `jule show --labels`, `jule cluster --embeddings`): the
/// run it came from, so that the command checks that run's data as `--run DIR` would.
extension RunDirectory {
    /// The record of the run folder `file` was written into, when `file` is one of the run's per-image outputs
    /// (`labels-sf.txt`, `labels-rc.txt`, `embeddings.h5`, in the dataset's image order) beside a readable
    /// `record.json`; nil otherwise.
    public static func record(owning file: URL) -> RunRecord? {
        let run = RunDirectory(file.deletingLastPathComponent())
        guard [run.sfLabels, run.rcLabels, run.embeddings].contains(where: { $0.lastPathComponent == file.lastPathComponent }),
              FileManager.default.fileExists(atPath: run.record.path) else { return nil }
        return try? JSONCoding.decode(RunRecord.self, from: run.record)
    }

    /// The class limit of the run that wrote `file` (`record(owning:)`), when that run was on `dataset` and made with
    /// `--classes K`: its per-image outputs cover the images of the first K classes only (`Dataset.firstClasses`).
    public static func classLimit(owning file: URL, dataset: String) -> Int? {
        guard let record = record(owning: file), record.dataset.caseInsensitiveCompare(dataset) == .orderedSame else { return nil }
        return record.configuration.classLimit
    }
}
