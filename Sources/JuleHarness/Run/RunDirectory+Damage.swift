import Foundation
import JuleCluster
import JuleCompute

/// A finished run whose own files were written over or damaged (`jule embed --out DIR/labels-rc.txt` before that was
/// refused, a disk error, a hand edit) still has its record: `jule train` would call it complete and `jule check`
/// would blame the GEMM kernel for the difference. Checked cheaply, nothing re-scored: the model's payload sha256,
/// the label files against the record's image and cluster counts, the record's scores against its trajectory
/// (`RecordedScores`), the centroids as an HDF5 file of the network's embedding width. A label file with other
/// bytes than the run writes (CRLF line ends, spaces) is damage too, though it reads: `jule check` compares the files
/// bit for bit. A file that is missing is not damage (`missingOutputs` names those).
extension RunDirectory {
    /// The first damaged file of the run of `record` and what is wrong with it ("damaged (checksum mismatch: …)");
    /// nil when every file there holds what the record says. `counts: false` leaves the label files' image and cluster
    /// counts to the caller (`jule report` scores them against the dataset's classes, `RecordedScores`): only a label
    /// file that does not read is damage then, not one with other bytes for the same labels.
    public func damage(of record: RunRecord, counts: Bool = true) -> (file: URL, problem: String)? {
        let manager = FileManager.default
        if manager.fileExists(atPath: model.path), let why = CheckpointContent.problem(at: model) {
            return (model, "damaged (\(why))")
        }
        for (file, variant) in [(sfLabels, "SF"), (rcLabels, "RC")] where manager.fileExists(atPath: file.path) {
            // Read once: the labels, and (with counts) the bytes against those the run writes.
            guard let bytes = try? Data(contentsOf: file), let labels = try? LabelFile.parse(bytes, file: file.path) else {
                return (file, "damaged (not one integer label per line)")
            }
            if !counts { continue }
            // An editor's CRLF line ends, or spaces: the same labels, other bytes than the run wrote.
            if bytes != Data(JuleRunner.labelText(labels).utf8) {
                let what = bytes.contains(UInt8(ascii: "\r")) ? "CRLF line ends" : "extra spaces or characters"
                return (file, "damaged (\(what): the same labels, not the bytes the run wrote)")
            }
            if labels.count != record.images {
                return (file, "damaged (\(labels.count) labels for the run's \(record.images) images)")
            }
            if let clusters = record.finalClusters(variant: variant), Set(labels).count != clusters {
                return (file, "damaged (\(Set(labels).count) clusters, the record says \(clusters))")
            }
        }
        if manager.fileExists(atPath: centroids.path) {
            do {
                let loaded = try ClusterCentroids.load(from: centroids)
                let width = record.configuration.network.embeddingDimension
                if loaded.dimension != width {
                    return (centroids, "damaged (centroids of dimension \(loaded.dimension), the network's embeddings \(width))")
                }
            } catch {
                // The reader's message names the file, which the caller names already.
                let why = "\(error)".replacingOccurrences(of: "\(centroids.path): ", with: "")
                return (centroids, "damaged (does not read as centroids: \(why))")
            }
        }
        let differences = RecordedScores.differences(record, labels: [:], truth: nil)
        if !differences.isEmpty {
            return (self.record, "scores not those of the run (\(differences.joined(separator: "; "))): edited or damaged")
        }
        return nil
    }
}
