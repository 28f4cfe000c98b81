import JuleData

/// Seeded synthetic inputs shared by the clustering tests.
enum TestData {
    /// N×d uniform features in [0, 1).
    static func uniform(count: Int, dimension: Int, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        return (0..<(count * dimension)).map { _ in rng.nextFloat() }
    }

    /// N×d features on a small integer grid (many exactly tied distances) with some rows duplicated exactly.
    static func tiedWithDuplicates(count: Int, dimension: Int, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        var x = (0..<(count * dimension)).map { _ in Float(rng.next() % 3) }
        for i in stride(from: 3, to: count, by: 4) {
            let source = Int(rng.next() % UInt64(i))
            for t in 0..<dimension { x[i * dimension + t] = x[source * dimension + t] }
        }
        return x
    }

    /// `clusters` Gaussian blobs with centres 10 apart on the axes, unit-free noise `spread`; labels blob-major.
    static func blobs(clusters: Int, perCluster: Int, dimension: Int, spread: Double, seed: UInt64) -> ([Float], [Int]) {
        var rng = SeededGenerator(seed: seed)
        var x = [Float](), labels = [Int]()
        for c in 0..<clusters {
            for _ in 0..<perCluster {
                for t in 0..<dimension {
                    let centre = t == c % dimension ? 10.0 * Double(1 + c / dimension) : 0
                    x.append(Float(centre + spread * rng.nextGaussian()))
                }
                labels.append(c)
            }
        }
        return (x, labels)
    }

    /// Exact squared distance in Double (the k-NN's reference order).
    static func distance(_ x: [Float], _ i: Int, _ j: Int, dimension: Int) -> Double {
        var s = 0.0
        for t in 0..<dimension {
            let d = Double(x[i * dimension + t]) - Double(x[j * dimension + t])
            s += d * d
        }
        return s
    }

    /// Brute-force K-NN: for each i, all j ≠ i sorted by (d², j), first K.
    static func bruteForceKNN(_ x: [Float], count: Int, dimension: Int, k: Int) -> (indices: [Int32], distances: [Double]) {
        var idx = [Int32](), dst = [Double]()
        for i in 0..<count {
            var order: [(Double, Int)] = []
            for j in 0..<count where j != i { order.append((distance(x, i, j, dimension: dimension), j)) }
            order.sort { (a: (Double, Int), b: (Double, Int)) -> Bool in a.0 < b.0 || (a.0 == b.0 && a.1 < b.1) }
            for r in 0..<k { idx.append(Int32(order[r].1)); dst.append(order[r].0) }
        }
        return (idx, dst)
    }
}
