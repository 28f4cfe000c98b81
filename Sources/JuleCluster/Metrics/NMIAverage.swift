/// Normaliser of the mutual information in NMI (§6, §12 #16).
public enum NMIAverage: String, Codable, Sendable, CaseIterable {
    /// I / sqrt(H(U)·H(V)) (the paper's; default).
    case geometric
    /// I / ((H(U) + H(V)) / 2) (scikit-learn's default since 0.22; for comparison only).
    case arithmetic
}
