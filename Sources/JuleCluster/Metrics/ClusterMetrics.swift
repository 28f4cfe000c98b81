import Foundation
import JuleData

/// External clustering metrics (§6). Every metric takes the true and the predicted label of each sample; label
/// values are arbitrary integers and the two label sets may differ in size. Both arrays must be equally long and
/// non-empty (a programmer error otherwise). All metrics are invariant under renaming labels; NMI, ARI are
/// symmetric in their arguments. Natural logarithms.
public enum ClusterMetrics {
    /// Normalized mutual information.
    ///
    ///     I(U; V) = Σᵢⱼ (nᵢⱼ / N) · log(N · nᵢⱼ / (aᵢ · bⱼ)),   H(U) = −Σᵢ (aᵢ/N) · log(aᵢ/N)
    ///     NMI     = I / sqrt(H(U) · H(V))        (geometric, the paper's)
    ///             = I / ((H(U) + H(V)) / 2)      (arithmetic)
    ///
    /// nᵢⱼ is the contingency table, aᵢ and bⱼ its row and column sums. Limit cases as scikit-learn: both
    /// labelings a single cluster → 1; I = 0 (or one labeling constant) → 0; the normaliser is floored at the Double epsilon. Result in [0, 1].
    /// `functions` supplies the logarithm (`.portable` in portable runs).
    /// Reference: Strehl & Ghosh, "Cluster Ensembles", JMLR 2002.
    public static func normalizedMutualInformation(truth: [Int], predicted: [Int], average: NMIAverage = .geometric,
                                                   functions: MathFunctions = .system) -> Double {
        precondition(!truth.isEmpty, "metrics need at least one sample")
        let t = Contingency(truth: truth, predicted: predicted)
        if t.rows == 1 && t.columns == 1 { return 1 }
        let n = Double(t.total)
        var mi = 0.0
        for i in 0..<t.rows {
            for j in 0..<t.columns {
                let nij = Double(t[i, j])
                if nij > 0 {
                    mi += nij / n * (functions.log(nij) + functions.log(n) - functions.log(Double(t.rowSums[i]))
                        - functions.log(Double(t.columnSums[j])))
                }
            }
        }
        let hu = entropy(t.rowSums, total: n, functions: functions)
        let hv = entropy(t.columnSums, total: n, functions: functions)
        // I ≤ min(H(U), H(V)): a constant labeling (entropy 0) shares no information, whatever rounding left in I.
        mi = min(max(mi, 0), min(hu, hv))
        if mi == 0 { return 0 }
        let normaliser: Double
        switch average {
        case .geometric: normaliser = (hu * hv).squareRoot()
        case .arithmetic: normaliser = (hu + hv) / 2
        }
        return min(1, mi / max(normaliser, Double.ulpOfOne))
    }

    /// Clustering accuracy with the best one-to-one matching of predicted to true labels (Hungarian, exact):
    ///
    ///     ACC = max_σ Σⱼ n_{σ(j), j} / N
    ///
    /// over injective maps σ between the smaller and the larger label set; unmatched clusters count as errors.
    public static func accuracy(truth: [Int], predicted: [Int]) -> Double {
        precondition(!truth.isEmpty, "metrics need at least one sample")
        let t = Contingency(truth: truth, predicted: predicted)
        // The assignment solver wants rows ≤ columns: transpose when there are more true classes than clusters.
        let transpose = t.rows > t.columns
        let r = transpose ? t.columns : t.rows, c = transpose ? t.rows : t.columns
        var w = [Int](repeating: 0, count: r * c)
        for i in 0..<t.rows {
            for j in 0..<t.columns {
                if transpose { w[j * c + i] = t[i, j] } else { w[i * c + j] = t[i, j] }
            }
        }
        let assignment = LinearAssignment.maximise(weights: w, rows: r, columns: c)
        var matched = 0
        for (i, j) in assignment.enumerated() { matched += w[i * c + j] }
        return Double(matched) / Double(t.total)
    }

    /// Adjusted Rand index (Hubert & Arabie 1985), in scikit-learn's pair-confusion form:
    ///
    ///     tp = Σ nᵢⱼ² − N,  fp = Σᵢⱼ nᵢⱼ bⱼ − Σ nᵢⱼ²,  fn = Σᵢⱼ nᵢⱼ aᵢ − Σ nᵢⱼ²,  tn = N² − tp − fp − fn − N
    ///     ARI = 2 (tp·tn − fn·fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn))
    ///
    /// (ordered pairs). Equal to 1 when fn = fp = 0; can be negative; 0 is the expectation under chance.
    public static func adjustedRandIndex(truth: [Int], predicted: [Int]) -> Double {
        precondition(!truth.isEmpty, "metrics need at least one sample")
        let t = Contingency(truth: truth, predicted: predicted)
        var sumSquares = 0, rowDot = 0, columnDot = 0
        for i in 0..<t.rows {
            for j in 0..<t.columns {
                let nij = t[i, j]
                sumSquares += nij * nij
                columnDot += nij * t.columnSums[j]
                rowDot += nij * t.rowSums[i]
            }
        }
        let n = t.total
        let tp = Double(sumSquares - n)
        let fp = Double(columnDot - sumSquares)
        let fn = Double(rowDot - sumSquares)
        let tn = Double(n) * Double(n) - tp - fp - fn - Double(n)
        if fn == 0 && fp == 0 { return 1 }
        return 2 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))
    }

    /// Purity: each predicted cluster votes for its majority class, Σⱼ maxᵢ nᵢⱼ / N. Not symmetric; 1 for
    /// singleton clusters, so report it next to NMI/ACC only.
    public static func purity(truth: [Int], predicted: [Int]) -> Double {
        precondition(!truth.isEmpty, "metrics need at least one sample")
        let t = Contingency(truth: truth, predicted: predicted)
        var total = 0
        for j in 0..<t.columns {
            var best = 0
            for i in 0..<t.rows { best = max(best, t[i, j]) }
            total += best
        }
        return Double(total) / Double(t.total)
    }

    private static func entropy(_ sums: [Int], total n: Double, functions: MathFunctions) -> Double {
        var h = 0.0
        for s in sums where s > 0 {
            let p = Double(s) / n
            h -= p * functions.log(p)
        }
        return h
    }
}
