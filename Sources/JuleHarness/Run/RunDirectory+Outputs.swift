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
}
