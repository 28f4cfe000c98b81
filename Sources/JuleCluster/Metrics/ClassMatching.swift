/// The one-to-one matching of predicted clusters to true classes that ACC scores (Hungarian, exact):
///
///     σ* = argmax_σ Σⱼ n_{σ(j), j}
///
/// over injective maps σ between the smaller and the larger label set, nᵢⱼ the contingency table (class i,
/// cluster j). With more clusters than classes some clusters stay unmatched; with fewer, some classes do.
/// Ties between optimal matchings are broken by the solver's fixed order, so equal inputs give equal matchings.
/// Used to order a confusion matrix so that matched pairs lie on its diagonal.
public struct ClassMatching: Sendable, Equatable {
    /// The matched class of each matched cluster (cluster label → class label).
    public let classOfCluster: [Int: Int]
    /// Σ n over the matched pairs: ACC · N.
    public let matchedSamples: Int

    public init(truth: [Int], predicted: [Int]) {
        precondition(truth.count == predicted.count, "truth and predicted must have the same length")
        let table = Contingency(truth: truth, predicted: predicted)
        let classLabels = Array(Set(truth)).sorted(), clusterLabels = Array(Set(predicted)).sorted()
        // The solver wants rows ≤ columns: rows are clusters unless there are more clusters than classes.
        let clustersAsRows = table.columns <= table.rows
        let r = clustersAsRows ? table.columns : table.rows, c = clustersAsRows ? table.rows : table.columns
        var weights = [Int](repeating: 0, count: r * c)
        for i in 0..<table.rows {
            for j in 0..<table.columns {
                if clustersAsRows { weights[j * c + i] = table[i, j] } else { weights[i * c + j] = table[i, j] }
            }
        }
        var matching: [Int: Int] = [:], matched = 0
        for (row, column) in LinearAssignment.maximise(weights: weights, rows: r, columns: c).enumerated() where column >= 0 {
            let (cluster, trueClass) = clustersAsRows ? (row, column) : (column, row)
            matching[clusterLabels[cluster]] = classLabels[trueClass]
            matched += weights[row * c + column]
        }
        classOfCluster = matching
        matchedSamples = matched
    }
}
