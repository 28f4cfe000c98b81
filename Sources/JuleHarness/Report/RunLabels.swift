import Foundation
import JuleCluster

/// The final cluster labels of a finished run folder (`jule train --out DIR`, a sweep cell): the dataset named by its
/// `record.json` and the label file of one variant beside it (`labels-rc.txt` or `labels-sf.txt`).
public struct RunLabels: Sendable {
    public enum Variant: String, CaseIterable, Sendable {
        case rc, sf

        /// The label file a run writes for this variant.
        public var fileName: String { "labels-\(rawValue).txt" }
        /// The paper's name: JULE-RC, JULE-SF.
        public var title: String { "JULE-\(rawValue.uppercased())" }
    }

    public let record: RunRecord
    public let variant: Variant
    /// One cluster label per image, in the dataset's order.
    public let labels: [Int]

    public init(directory: URL, variant: Variant) throws {
        record = try JSONCoding.decode(RunRecord.self, from: directory.appendingPathComponent("record.json"))
        let file = directory.appendingPathComponent(variant.fileName)
        guard FileManager.default.fileExists(atPath: file.path) else {
            let other = Variant.allCases.first { $0 != variant }.map { " (try --variant \($0.rawValue))" } ?? ""
            throw HarnessError.unreadableFile(file, reason: "the run wrote no \(variant.title) labels\(other)")
        }
        labels = try LabelFile.read(file)
        self.variant = variant
    }

    /// The variant's scores in the record, when it has them.
    public var scores: ClusteringScores? { record.scores(variant: variant.rawValue) }
}
