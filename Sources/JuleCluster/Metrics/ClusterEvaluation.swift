import Foundation
import JuleData

/// NMI (geometric and arithmetic), ACC, ARI and purity of one predicted labeling against the truth (§6).
public struct ClusterEvaluation: Codable, Sendable, Equatable {
    public let samples: Int
    public let trueClasses: Int
    public let predictedClusters: Int
    public let nmi: Double
    public let nmiArithmetic: Double
    public let accuracy: Double
    public let adjustedRandIndex: Double
    public let purity: Double

    /// `functions`: the logarithms of the NMIs (`.portable` for the same bits on every machine).
    public init(truth: [Int], predicted: [Int], functions: MathFunctions = .system) {
        precondition(truth.count == predicted.count && !truth.isEmpty, "need two equally long, non-empty labelings")
        samples = truth.count
        trueClasses = Set(truth).count
        predictedClusters = Set(predicted).count
        nmi = ClusterMetrics.normalizedMutualInformation(truth: truth, predicted: predicted, functions: functions)
        nmiArithmetic = ClusterMetrics.normalizedMutualInformation(truth: truth, predicted: predicted, average: .arithmetic,
                                                                   functions: functions)
        accuracy = ClusterMetrics.accuracy(truth: truth, predicted: predicted)
        adjustedRandIndex = ClusterMetrics.adjustedRandIndex(truth: truth, predicted: predicted)
        purity = ClusterMetrics.purity(truth: truth, predicted: predicted)
    }

    /// Pretty-printed JSON with sorted keys.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// A two-column text table.
    public func table() -> String {
        let rows: [(String, String)] = [
            ("samples", "\(samples)"), ("true classes", "\(trueClasses)"), ("predicted clusters", "\(predictedClusters)"),
            ("NMI (geometric)", ScoreText.fixed(nmi, decimals: 4)), ("NMI (arithmetic)", ScoreText.fixed(nmiArithmetic, decimals: 4)),
            ("ACC (Hungarian)", ScoreText.fixed(accuracy, decimals: 4)), ("ARI", ScoreText.fixed(adjustedRandIndex, decimals: 4)),
            ("purity", ScoreText.fixed(purity, decimals: 4)),
        ]
        return rows.map { $0.0.padding(toLength: 20, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n")
    }
}
