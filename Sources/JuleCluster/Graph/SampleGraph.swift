import Foundation
import JuleData

/// The directed sample graph W of §3.1, stored sparse: K out-edges per sample (CSR) and the transpose (in-edges).
///
///     σ² = a · mean{ d²(i, j) : j among the K nearest neighbours of i },  a = 1
///     W[i, j] = exp(−d²(i, j) / σ²)  if j is one of i's K nearest neighbours (j ≠ i), else 0
///
/// W is asymmetric and has a zero diagonal. Never materialised densely (the reference keeps N×N floats, §3.1.4).
/// If every neighbour distance is 0 (all samples identical), σ² = 0 and the limit exp(−0/σ²) = 1 is used.
public struct SampleGraph: Sendable {
    public let count: Int
    public let neighbourCount: Int
    public let sigmaSquared: Double
    /// N×K out-neighbour indices (row i: the K nearest neighbours of i).
    public let outIndices: [Int32]
    /// N×K weights W[i, outIndices[i·K + r]].
    public let outWeights: [Double]
    /// CSR offsets of the in-edges: sources of sample m are `inSources[inOffsets[m]..<inOffsets[m+1]]`.
    public let inOffsets: [Int]
    public let inSources: [Int32]
    public let inWeights: [Double]

    /// - Parameter precision: `.single` rounds d², σ², d²/σ² and W to float as the references store them, so
    ///   a weight below float's range is exactly 0 (no edge for the affinities).
    /// - Parameter functions: the exponential's implementation (`.portable` in portable runs).
    public init(neighbours: NearestNeighbours, precision: AffinityPrecision = .double, functions: MathFunctions = .system) {
        var sum = 0.0
        for d in neighbours.squaredDistances { sum += d }
        let mean = sum / Double(neighbours.count * neighbours.neighbourCount)
        switch precision {
        case .double:
            self.init(neighbours: neighbours, weights: neighbours.squaredDistances.map { mean > 0 ? functions.exp(-$0 / mean) : 1 },
                      sigmaSquared: mean)
        case .single:
            let sigma2 = Float(mean)
            let weights = neighbours.squaredDistances.map { d -> Double in
                guard sigma2 > 0 else { return 1 }
                let ratio = Float(d) / sigma2
                return Double(Float(functions.exp(-Double(ratio))))
            }
            self.init(neighbours: neighbours, weights: weights, sigmaSquared: Double(sigma2))
        }
    }

    /// A graph on the k-NN edges of `neighbours` with caller-chosen weights (N×K, matching `neighbours.indices`),
    /// for comparisons with other GDL graph constructions (e.g. gacluster's per-sample bandwidth); JULE itself
    /// uses `init(neighbours:)`. `sigmaSquared` is only recorded.
    public init(neighbours: NearestNeighbours, weights: [Double], sigmaSquared: Double) {
        let n = neighbours.count, k = neighbours.neighbourCount
        precondition(weights.count == n * k, "SampleGraph: weights must be N×K")
        count = n
        neighbourCount = k
        self.sigmaSquared = sigmaSquared
        outIndices = neighbours.indices
        outWeights = weights

        var offsets = [Int](repeating: 0, count: n + 1)
        for j in outIndices { offsets[Int(j) + 1] += 1 }
        for m in 0..<n { offsets[m + 1] += offsets[m] }
        var cursor = Array(offsets[0..<n])
        var sources = [Int32](repeating: 0, count: n * k)
        var weights = [Double](repeating: 0, count: n * k)
        // Sources of each sample come out in ascending order because i runs upwards.
        for i in 0..<n {
            for r in 0..<k {
                let m = Int(outIndices[i * k + r])
                sources[cursor[m]] = Int32(i)
                weights[cursor[m]] = outWeights[i * k + r]
                cursor[m] += 1
            }
        }
        inOffsets = offsets
        inSources = sources
        inWeights = weights
    }

    /// Dense W (N×N) for tests on tiny graphs only.
    public func denseWeights() -> [Double] {
        var w = [Double](repeating: 0, count: count * count)
        for i in 0..<count {
            for r in 0..<neighbourCount {
                w[i * count + Int(outIndices[i * neighbourCount + r])] = outWeights[i * neighbourCount + r]
            }
        }
        return w
    }
}
