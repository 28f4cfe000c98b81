import Foundation

/// A finished run whose folder lost output files (deleted by hand, or never committed: `model.ckpt` is gitignored):
/// `jule train` on it is not redone, so its "already complete" line names what is missing and how to make it again.
extension RunDirectory {
    /// The output files the run of `record` wrote that are not in this folder now: centroids, SF labels, RC labels
    /// when it had an RC phase, the model, and the embeddings when `embeddings` (`--save-embeddings`) asks for them.
    func missingOutputs(of record: RunRecord, embeddings: Bool) -> [String] {
        let hasRC = record.rc != nil || record.trajectory.contains { $0.phase == "RC" }
        let expected = [centroids, sfLabels] + (hasRC ? [rcLabels] : []) + [model] + (embeddings ? [self.embeddings] : [])
        return expected.filter { !FileManager.default.fileExists(atPath: $0.path) }.map(\.lastPathComponent)
    }
}
