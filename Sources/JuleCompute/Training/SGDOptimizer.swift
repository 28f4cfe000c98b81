/// SGD with weight decay and momentum over the flat parameter vector (§4.5).
///
///     g ← ∇L + wd·θ
///     torch: v ← g on the first step, else v ← μ·v + (1 − dampening)·g;   θ ← θ − lr·v
///     caffe: v ← μ·v + lr·g;                                              θ ← θ − v
///
/// One state per network, never reset across periods.
struct SGDOptimizer {
    var velocity: [Float]
    /// Whether Torch's first-step initialisation `v = g` has happened.
    var hasVelocity: Bool

    init(parameterCount: Int) {
        velocity = Array(repeating: 0, count: parameterCount)
        hasVelocity = false
    }

    mutating func step(parameters θ: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
                       learningRate: Double, configuration c: TrainingConfiguration) {
        let n = velocity.count
        let lr = Float(learningRate), wd = Float(c.weightDecay), mu = Float(c.momentum)
        let keep = Float(1 - c.dampening)
        let first = !hasVelocity
        velocity.withMutableBasePointer { v in
            switch c.momentumStyle {
            case .torch:
                if first {
                    for j in 0..<n { let g = gradients[j] + wd * θ[j]; v[j] = g; θ[j] -= lr * g }
                } else {
                    for j in 0..<n {
                        let g = gradients[j] + wd * θ[j]
                        let u = mu * v[j] + keep * g
                        v[j] = u
                        θ[j] -= lr * u
                    }
                }
            case .caffe:
                for j in 0..<n {
                    let g = gradients[j] + wd * θ[j]
                    let u = mu * v[j] + lr * g
                    v[j] = u
                    θ[j] -= u
                }
            }
        }
        hasVelocity = true
    }
}
