/// The floating-point format of W, D, A and the merge scores (§12 #17, §15.1).
public enum AffinityPrecision: String, Codable, Sendable, CaseIterable {
    /// Float64 throughout: affinities far below float's range stay positive.
    case double
    /// Float32 as both reference codes: every weight, per-sample sum, product, D, A and score is rounded to float
    /// after each operation (exactly float arithmetic, since a double operation on floats rounded once to float is
    /// the correctly rounded float result), so tiny affinities underflow to 0 where the references' do.
    case single
}
