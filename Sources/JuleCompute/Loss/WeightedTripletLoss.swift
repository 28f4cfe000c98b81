// Shapes: N embeddings of D values (unit rows), N_t triplets.

/// The weighted triplet loss of §4.3 over one batch:
///
///     ℓ(a, p, n) = max(0, γ·‖a − p‖² − ‖a − n‖² + m),     L = (s/N_t) Σ ℓ
///
/// with s = `scale` (1 for Torch's mean; ½ for Caffe's Σ ℓ / (2·N_t)). `positiveScale` multiplies the γ(a − p)
/// terms of the gradient (not the loss), as Caffe's compiled layer does with its `sigma`.
///
/// Gradient of an active triplet (ℓ > 0), each times s/N_t:
///
///     ∂ℓ/∂a = 2((γ − 1)·a − γ·p + n),   ∂ℓ/∂p = 2γ(p − a),   ∂ℓ/∂n = 2(a − n)
///
/// γ = 2 (λ = 1) and m = 0.2 by default (§12 #10). Accumulation runs over the triplets in order, so it is
/// deterministic.
public struct WeightedTripletLoss: Sendable {
    public var gamma: Float
    public var margin: Float
    public var gradientMode: TripletGradientMode
    public var scale: Float
    /// Factor on the anchor–positive gradient terms only (1: the true gradient; Caffe: its `sigma`).
    public var positiveScale: Float

    public init(gamma: Float = 2, margin: Float = 0.2, gradientMode: TripletGradientMode = .correct, scale: Float = 1,
                positiveScale: Float = 1) {
        self.gamma = gamma
        self.margin = margin
        self.gradientMode = gradientMode
        self.scale = scale
        self.positiveScale = positiveScale
    }

    /// Returns L and overwrites `gradient` (N×D) with ∂L/∂embeddings (zero when there are no triplets).
    func evaluate(_ e: UnsafePointer<Float>, count n: Int, dimension d: Int, triplets: [Triplet],
                  gradient: UnsafeMutablePointer<Float>) -> Double {
        gradient.update(repeating: 0, count: n * d)
        guard !triplets.isEmpty else { return 0 }
        let scale = self.scale == 1 ? 2 / Float(triplets.count) : 2 * self.scale / Float(triplets.count)
        let g = gamma
        var total = 0.0
        for t in triplets {
            let a = e + Int(t.anchor) * d, p = e + Int(t.positive) * d, q = e + Int(t.negative) * d
            var dap: Float = 0, dan: Float = 0
            for j in 0..<d {
                let u = a[j] - p[j], v = a[j] - q[j]
                dap += u * u
                dan += v * v
            }
            let loss = g * dap - dan + margin
            guard loss > 0 else { continue }
            total += Double(loss)
            let ga = gradient + Int(t.anchor) * d, gp = gradient + Int(t.positive) * d, gn = gradient + Int(t.negative) * d
            switch gradientMode {
            case .correct where positiveScale == 1:
                for j in 0..<d {
                    ga[j] += scale * ((g - 1) * a[j] - g * p[j] + q[j])
                    gp[j] += scale * g * (p[j] - a[j])
                    gn[j] += scale * (a[j] - q[j])
                }
            case .correct:
                // Caffe: s·γ(a − p) − (a − n) for the anchor, s·γ(p − a) for the positive.
                let gs = g * positiveScale
                for j in 0..<d {
                    ga[j] += scale * (gs * (a[j] - p[j]) - (a[j] - q[j]))
                    gp[j] += scale * gs * (p[j] - a[j])
                    gn[j] += scale * (a[j] - q[j])
                }
            case .torchAnchorOnly:
                for j in 0..<d {
                    ga[j] += scale * ((g - 1) * a[j] + q[j] - g * p[j])
                    gp[j] += scale * g * (g * p[j] - (g - 1) * a[j])
                    gn[j] += scale * ((g - 1) * a[j] - q[j])
                }
            }
        }
        return Double(self.scale) * total / Double(triplets.count)
    }

    /// Array form of `evaluate` for callers outside the training loop: (L, ∂L/∂embeddings).
    public func lossAndGradient(embeddings: [Float], count: Int, dimension: Int,
                                triplets: [Triplet]) -> (loss: Double, gradient: [Float]) {
        precondition(embeddings.count == count * dimension, "embeddings are not \(count)×\(dimension)")
        var gradient = [Float](repeating: 0, count: embeddings.count)
        let loss = embeddings.withBasePointer { e in
            gradient.withMutableBasePointer { g in
                evaluate(e, count: count, dimension: dimension, triplets: triplets, gradient: g)
            }
        }
        return (loss, gradient)
    }
}
