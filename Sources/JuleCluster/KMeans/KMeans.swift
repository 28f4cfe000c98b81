import Foundation
import JuleData

/// k-means baseline: k-means++ seeding from a fixed seed, then Lloyd iterations (§11 context baselines).
///
///     minimise Σᵢ ‖xᵢ − μ_{c(i)}‖²
///
/// Seeding (Arthur & Vassilvitskii 2007): the first centre is a uniform sample; each next one is sample i with
/// probability D(i)² / Σ D², D(i) the distance to the nearest chosen centre. Lloyd: assign every sample to the
/// nearest centre (‖x‖² + ‖μ‖² − 2·x·μ through `product`, ties to the lower centre), then move each centre to its
/// members' mean (Double accumulation). An empty cluster takes the sample farthest from its centre. Stops when
/// no assignment changes or after `maxIterations`. Same seed → same result.
public struct KMeans: Sendable {
    public let clusters: Int
    public let seed: UInt64
    public let maxIterations: Int
    /// The GEMM of the assignment step. Unlike the k-NN, nothing re-checks its products exactly, so a sample nearly
    /// equidistant from two centres can go either way with another kernel: the portable product makes the labels
    /// the same on every machine (`jule cluster --portable --method kmeans`).
    public let product: MatrixProduct

    public init(clusters: Int, seed: UInt64, maxIterations: Int = 100, product: MatrixProduct = .openBLAS) {
        self.clusters = clusters
        self.seed = seed
        self.maxIterations = maxIterations
        self.product = product
    }

    /// Labels 0..<clusters for `features` (N×dimension, row-major).
    public func fit(features: [Float], count: Int, dimension: Int) throws -> [Int] {
        guard clusters >= 1 && clusters <= count else {
            throw ClusterError.invalidParameter(name: "k-means clusters", value: "\(clusters)", expected: "1...\(count)")
        }
        precondition(features.count == count * dimension, "features must be N×dimension")
        var rng = SeededGenerator(seed: seed)
        let k = clusters
        var centres = [Float](repeating: 0, count: k * dimension)

        // k-means++ seeding.
        var nearest = [Double](repeating: .infinity, count: count)
        var chosen = Int(rng.next() % UInt64(count))
        for c in 0..<k {
            for t in 0..<dimension { centres[c * dimension + t] = features[chosen * dimension + t] }
            if c == k - 1 { break }
            var total = 0.0
            features.withUnsafeBufferPointer { x in
                centres.withUnsafeBufferPointer { mu in
                    guard let xb = x.baseAddress, let mb = mu.baseAddress else { return }
                    for i in 0..<count {
                        let d = exactSquaredDistance(xb + i * dimension, mb + c * dimension, dimension: dimension)
                        if d < nearest[i] { nearest[i] = d }
                        total += nearest[i]
                    }
                }
            }
            if total <= 0 {
                // Every sample coincides with a centre: take the next unchosen index deterministically.
                chosen = (chosen + 1) % count
                continue
            }
            let r = rng.nextDouble() * total
            var acc = 0.0
            chosen = count - 1
            for i in 0..<count {
                acc += nearest[i]
                if acc > r { chosen = i; break }
            }
        }

        var labels = [Int](repeating: -1, count: count)
        var norms = [Float](repeating: 0, count: count)
        features.withUnsafeBufferPointer { x in
            guard let xb = x.baseAddress else { return }
            for i in 0..<count { norms[i] = Float(exactSquaredNorm(xb + i * dimension, dimension: dimension)) }
        }
        let block = 4096
        var products = [Float](repeating: 0, count: block * k)
        var distanceToCentre = [Float](repeating: 0, count: count)
        for _ in 0..<maxIterations {
            var changed = false
            var centreNorms = [Float](repeating: 0, count: k)
            centres.withUnsafeBufferPointer { mu in
                guard let mb = mu.baseAddress else { return }
                for c in 0..<k { centreNorms[c] = Float(exactSquaredNorm(mb + c * dimension, dimension: dimension)) }
            }
            var start = 0
            while start < count {
                let rows = min(block, count - start)
                features.withUnsafeBufferPointer { x in
                centres.withUnsafeBufferPointer { mu in
                products.withUnsafeMutableBufferPointer { out in
                    guard let xb = x.baseAddress, let mb = mu.baseAddress, let ob = out.baseAddress else { return }
                    product.multiply(rows, k, dimension, -2, xb + start * dimension, dimension, mb, dimension, ob)
                }}}
                for r in 0..<rows {
                    var best = 0, bestValue = Float.infinity
                    for c in 0..<k {
                        let v = centreNorms[c] + products[r * k + c]
                        if v < bestValue { bestValue = v; best = c }
                    }
                    let i = start + r
                    distanceToCentre[i] = bestValue + norms[i]
                    if labels[i] != best { labels[i] = best; changed = true }
                }
                start += rows
            }
            if !changed { break }
            // Update step.
            var sums = [Double](repeating: 0, count: k * dimension)
            var sizes = [Int](repeating: 0, count: k)
            for i in 0..<count {
                let c = labels[i]
                sizes[c] += 1
                for t in 0..<dimension { sums[c * dimension + t] += Double(features[i * dimension + t]) }
            }
            for c in 0..<k {
                if sizes[c] == 0 {
                    // Re-seed an empty cluster with the worst-fitted sample (lowest index on ties).
                    var far = 0
                    for i in 1..<count where distanceToCentre[i] > distanceToCentre[far] { far = i }
                    for t in 0..<dimension { centres[c * dimension + t] = features[far * dimension + t] }
                    distanceToCentre[far] = 0
                    continue
                }
                for t in 0..<dimension { centres[c * dimension + t] = Float(sums[c * dimension + t] / Double(sizes[c])) }
            }
        }
        return labels
    }
}
