@testable import JuleCompute

/// A direct, double-precision implementation of the same network and loss (no im2col, no BLAS, no fusion),
/// used as the finite-difference reference and as an independent forward check. Train-mode BN only.
struct ReferenceNetwork {
    let spec: NetworkSpec
    var parameters: [Double]

    /// Embeddings (N×D) for `n` images.
    func forward(_ images: [Double], count n: Int) -> [Double] {
        var x = images
        var c = spec.inputChannels, h = spec.inputHeight, w = spec.inputWidth
        var offset = 0
        for block in spec.blocks {
            let f = block.filters, k = block.kernel, p = block.padding
            let ho = h + 2 * p - k + 1, wo = w + 2 * p - k + 1
            let weight = offset, bias = weight + f * c * k * k, gamma = bias + f, beta = gamma + f
            offset = beta + f
            var y = [Double](repeating: 0, count: n * f * ho * wo)
            for i in 0..<n { for o in 0..<f { for oy in 0..<ho { for ox in 0..<wo {
                var s = parameters[bias + o]
                for ci in 0..<c { for u in 0..<k { for v in 0..<k {
                    let iy = oy + u - p, ix = ox + v - p
                    if iy < 0 || iy >= h || ix < 0 || ix >= w { continue }
                    s += parameters[weight + ((o * c + ci) * k + u) * k + v] * x[((i * c + ci) * h + iy) * w + ix]
                } } }
                y[((i * f + o) * ho + oy) * wo + ox] = s
            } } } }
            // Batch normalisation (biased variance), ReLU.
            let m = Double(n * ho * wo)
            for o in 0..<f {
                var mean = 0.0
                for i in 0..<n { for j in 0..<(ho * wo) { mean += y[(i * f + o) * ho * wo + j] } }
                mean /= m
                var variance = 0.0
                for i in 0..<n { for j in 0..<(ho * wo) { let d = y[(i * f + o) * ho * wo + j] - mean; variance += d * d } }
                variance /= m
                let inv = 1 / (variance + 1e-5).squareRoot()
                for i in 0..<n { for j in 0..<(ho * wo) {
                    let index = (i * f + o) * ho * wo + j
                    let z = parameters[gamma + o] * (y[index] - mean) * inv + parameters[beta + o]
                    y[index] = max(0, z)
                } }
            }
            if block.pool {
                let hp = (ho + 1) / 2, wp = (wo + 1) / 2
                var pooled = [Double](repeating: 0, count: n * f * hp * wp)
                for i in 0..<n { for o in 0..<f { for py in 0..<hp { for px in 0..<wp {
                    var best = -Double.infinity
                    for dy in 0..<2 { for dx in 0..<2 {
                        let yy = 2 * py + dy, xx = 2 * px + dx
                        if yy < ho && xx < wo { best = max(best, y[((i * f + o) * ho + yy) * wo + xx]) }
                    } }
                    pooled[((i * f + o) * hp + py) * wp + px] = best
                } } } }
                x = pooled; h = hp; w = wp
            } else {
                x = y; h = ho; w = wo
            }
            c = f
        }
        let fSize = c * h * w, d = spec.embeddingDimension
        var e = [Double](repeating: 0, count: n * d)
        for i in 0..<n {
            var norm = 0.0
            for j in 0..<d {
                var s = parameters[offset + d * fSize + j]
                for t in 0..<fSize { s += parameters[offset + j * fSize + t] * x[i * fSize + t] }
                e[i * d + j] = s
                norm += s * s
            }
            norm = (norm + 1e-10).squareRoot()
            for j in 0..<d { e[i * d + j] /= norm }
        }
        return e
    }

    /// Weighted triplet loss in double precision (§4.3).
    static func tripletLoss(_ e: [Double], dimension d: Int, triplets: [Triplet], gamma: Double, margin: Double) -> Double {
        guard !triplets.isEmpty else { return 0 }
        var total = 0.0
        for t in triplets {
            var dap = 0.0, dan = 0.0
            for j in 0..<d {
                let a = e[Int(t.anchor) * d + j]
                let u = a - e[Int(t.positive) * d + j], v = a - e[Int(t.negative) * d + j]
                dap += u * u; dan += v * v
            }
            total += max(0, gamma * dap - dan + margin)
        }
        return total / Double(triplets.count)
    }
}
