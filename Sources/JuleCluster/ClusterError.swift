import Foundation
import JuleData

/// Errors of the clustering layer; each description is one line naming the file or value and what is wrong.
public enum ClusterError: Error, CustomStringConvertible, Equatable {
    case labelFileUnreadable(file: String, reason: String)
    case labelFileEmpty(file: String)
    case labelFileBadLine(file: String, line: Int, text: String)
    case labelCountMismatch(truthFile: String, truthCount: Int, predictedFile: String, predictedCount: Int)
    /// A label file scored against (or drawn on) a dataset's images, with another number of lines than it has images.
    case datasetLabelCountMismatch(dataset: String, images: Int, predictedFile: String, predictedCount: Int)
    case invalidParameter(name: String, value: String, expected: String)
    case noPositiveAffinity(clusters: Int, target: Int, neighbourCount: Int)
    case writeFailed(file: String, reason: String)

    /// One line: text quoted from an input (a JSON key, a file's line) is escaped (`MessageText.oneLine`).
    public var description: String { MessageText.oneLine(text) }

    private var text: String {
        switch self {
        case let .labelFileUnreadable(file, reason):
            return "\(file): cannot read label file (\(reason))"
        case let .labelFileEmpty(file):
            return "\(file): label file has no labels (expected one integer per line)"
        case let .labelFileBadLine(file, line, text):
            return "\(file):\(line): '\(text)' is not an integer label (expected one integer per line)"
        case let .labelCountMismatch(t, tc, p, pc):
            return "\(t) has \(tc) labels but \(p) has \(pc); both files need one label per sample"
        case let .datasetLabelCountMismatch(dataset, images, file, count):
            // The usual cause: labels of a `--classes K` run taken out of their run folder (beside its record.json the
            // commands restrict the dataset to those classes themselves).
            return "dataset \(dataset) has \(images) images but \(file) has \(count) labels; they need one label per image "
                + "(a run made with --classes K labels only its first K classes: give its labels-*.txt in the run folder, "
                + "beside its record.json, and the dataset is restricted the same way)"
        case let .invalidParameter(name, value, expected):
            return "\(name) = \(value) is invalid: expected \(expected)"
        case let .noPositiveAffinity(clusters, target, k):
            return "no positive cluster affinity left at \(clusters) clusters (target \(target), K_s = \(k)); "
                + "raise --neighbours or use --on-zero-affinity double-neighbours"
        case let .writeFailed(file, reason):
            return "\(file): cannot write (\(reason))"
        }
    }
}
