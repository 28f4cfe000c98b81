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

    /// The `embeddings` dataset of such a file (or of `jule embed --out`), checked to hold `count` finite rows.
    public static func readEmbeddings(from url: URL, count: Int) throws -> (values: [Float], dimension: Int) {
        let file = try HDF5File.open(at: url)
        defer { file.close() }
        guard try file.exists("embeddings") else {
            throw HarnessError.malformedFile(url, reason: "no `embeddings` dataset (jule embed --out and jule train --save-embeddings write one)")
        }
        let (values, shape) = try file.read("embeddings", as: Float.self)
        guard shape.count == 2, shape[0] == count, shape[1] > 0 else {
            throw HarnessError.malformedFile(url, reason: "embeddings have shape \(shape); expected \(count) rows, one per image")
        }
        guard values.allSatisfy(\.isFinite) else { throw HarnessError.malformedFile(url, reason: "embeddings hold NaN or infinite values") }
        return (values, shape[1])
    }
}
