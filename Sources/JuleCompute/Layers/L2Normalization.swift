// Shapes: N rows of D values.

/// Row-wise L2 normalisation, the last layer of every JULE network (§2, Torch `nn.Normalize(2)`):
///
///     e = h / n,   n = √(Σ h² + ε),   ε = 1e-10
///     ∂L/∂h = (∂L/∂e − e·(e · ∂L/∂e)) / n
enum L2Normalization {
    static let epsilon: Float = 1e-10

    /// Writes e (N×D) and the row norms n (N).
    static func forward(_ h: UnsafePointer<Float>, rows: Int, dimension d: Int,
                        _ e: UnsafeMutablePointer<Float>, norms: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let row = h + r * d
            let norm = (VectorKernels.dot(row, row, d) + epsilon).squareRoot()
            norms[r] = norm
            let inverse = 1 / norm
            for j in 0..<d { e[r * d + j] = row[j] * inverse }
        }
    }

    /// Overwrites `dh` (N×D) with ∂L/∂h given ∂L/∂e.
    static func backward(_ e: UnsafePointer<Float>, norms: UnsafePointer<Float>, rows: Int, dimension d: Int,
                         outputGradient de: UnsafePointer<Float>, _ dh: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let er = e + r * d, gr = de + r * d
            let projection = VectorKernels.dot(er, gr, d)
            let inverse = 1 / norms[r]
            for j in 0..<d { dh[r * d + j] = (gr[j] - er[j] * projection) * inverse }
        }
    }
}
