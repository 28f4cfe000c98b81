import Foundation
import JuleData

/// The final embeddings of a run and its labels, as HDF5 (`--save-embeddings`):
/// `embeddings` float32 N×D (eval-mode BN, the RC features), `labels_sf`, `labels_rc`, `labels_truth` int32 N.
public enum EmbeddingFile {
    public static func write(_ embeddings: [Float], count: Int, dimension: Int, sfLabels: [Int], rcLabels: [Int]?,
                             truth: [Int], to url: URL) throws {
        try HDF5File.writeAtomically(to: url) { file in
            try file.write(embeddings, shape: [count, dimension], to: "embeddings")
            try file.write(sfLabels.map { Int32($0) }, shape: [count], to: "labels_sf")
            if let rcLabels { try file.write(rcLabels.map { Int32($0) }, shape: [count], to: "labels_rc") }
            try file.write(truth.map { Int32($0) }, shape: [count], to: "labels_truth")
        }
    }
}
