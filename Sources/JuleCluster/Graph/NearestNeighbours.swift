import COpenBLAS
import Dispatch

/// The exact K nearest neighbours of every sample (§3.1), self excluded by index.
///
/// Distances are squared Euclidean, d²(i, j) = ‖xᵢ − xⱼ‖². Neighbours of row i are ordered by ascending
/// (d², index): equal distances (duplicates included) go to the lower index, and i itself is never its own
/// neighbour even when an exact duplicate exists (§3.1 point 3, port decision §12 #4).
///
/// Shapes: `indices` and `squaredDistances` are N×K, row-major.
public struct NearestNeighbours: Sendable {
    public let count: Int
    public let neighbourCount: Int
    /// N×K neighbour indices (0-based), ascending by (d², index).
    public let indices: [Int32]
    /// N×K exact squared distances (accumulated in Double), matching `indices`.
    public let squaredDistances: [Double]
    /// Rows whose sgemm candidates could not be certified and were recomputed by brute force (diagnostics).
    public let bruteForceRows: Int

    public init(count: Int, neighbourCount: Int, indices: [Int32], squaredDistances: [Double], bruteForceRows: Int = 0) {
        precondition(indices.count == count * neighbourCount && squaredDistances.count == count * neighbourCount,
                     "NearestNeighbours: arrays must be N×K")
        self.count = count
        self.neighbourCount = neighbourCount
        self.indices = indices
        self.squaredDistances = squaredDistances
        self.bruteForceRows = bruteForceRows
    }

    /// Neighbours of row `i` truncated to the first `k` (k ≤ K): the exact k-NN for any smaller k.
    public func truncated(to k: Int) -> NearestNeighbours {
        precondition(k >= 1 && k <= neighbourCount, "truncated(to:): k must be in 1...\(neighbourCount)")
        if k == neighbourCount { return self }
        var idx = [Int32](repeating: 0, count: count * k)
        var dst = [Double](repeating: 0, count: count * k)
        for i in 0..<count {
            for r in 0..<k {
                idx[i * k + r] = indices[i * neighbourCount + r]
                dst[i * k + r] = squaredDistances[i * neighbourCount + r]
            }
        }
        return NearestNeighbours(count: count, neighbourCount: k, indices: idx, squaredDistances: dst,
                                 bruteForceRows: bruteForceRows)
    }

    /// Exact K-NN of `features` (N×dimension, row-major).
    ///
    /// Pass 1 (Float, blocked, symmetric): the samples are cut into blocks of 512; for every pair of blocks
    /// I ≤ J one sgemm gives −2·X_I·X_Jᵀ and
    ///
    ///     d̃²(i, j) = ‖xᵢ‖² + ‖xⱼ‖² − 2·xᵢ·xⱼ
    ///
    /// updates the bounded candidate lists (the C = min(N − 1, 2K + 8) smallest values) of the rows of I *and*,
    /// through the symmetry of d², of the rows of J, so only half of the N×N products are formed. The block pairs
    /// run in rounds of a round-robin tournament (every block at most once per round), so the Dispatch workers
    /// never touch the same candidate lists and need no locks. Memory is O(N·C) plus one 512×512 tile per worker;
    /// no N×N matrix exists. Columns that are zero in every sample are dropped first (they add exactly 0).
    ///
    /// Pass 2 (Double): the candidates' exact distances (`exactSquaredDistance`) are sorted by (d², index) and
    /// the first K kept. The float error of d̃² is at most E = 2·(d + 8)·2⁻²⁴·(‖xᵢ‖² + max‖x‖²) (sgemm dot
    /// products and the two additions), so every non-candidate j has d²(i, j) ≥ d̃²_C − E. If d̃²_C − E > d²_K
    /// the row is certified exact; otherwise (near-ties at the cut) the row is recomputed by brute force in Double.
    ///
    /// - Parameter workers: Dispatch workers, each with a single-threaded product.
    /// - Parameter product: the GEMM for the tiles (any single-precision kernel: pass 2 makes the result exact).
    public static func compute(features rawFeatures: [Float], count: Int, dimension rawDimension: Int,
                               neighbourCount k: Int, workers: Int = 2,
                               product: MatrixProduct = .openBLAS) -> NearestNeighbours {
        precondition(count >= 2 && k >= 1 && k < count, "k-NN needs 1 ≤ K < N (K = \(k), N = \(count))")
        precondition(rawFeatures.count == count * rawDimension, "features must be N×dimension")
        let (features, dimension) = droppingZeroColumns(rawFeatures, count: count, dimension: rawDimension)
        let capacity = min(count - 1, 2 * k + 8)
        var indices = [Int32](repeating: 0, count: count * k)
        var distances = [Double](repeating: 0, count: count * k)
        var norms = [Double](repeating: 0, count: count)
        var normsF = [Float](repeating: 0, count: count)
        var candD = [Float](repeating: 0, count: count * capacity)
        var candI = [Int32](repeating: 0, count: count * capacity)
        var filled = [Int](repeating: 0, count: count)
        var threshold = [Float](repeating: .infinity, count: count)
        var uncertified = [Bool](repeating: false, count: count)
        let blockSize = 512
        let blocks = (count + blockSize - 1) / blockSize
        let workerCount = max(1, workers)

        features.withUnsafeBufferPointer { x in
            guard let xb = x.baseAddress else { return }
            for i in 0..<count {
                norms[i] = exactSquaredNorm(xb + i * dimension, dimension: dimension)
                normsF[i] = Float(norms[i])
            }
            let maxNorm = norms.max() ?? 0
            let unit = 2 * Double(dimension + 8) * 0x1p-24
            let rounds = tournamentRounds(blocks: blocks)

            candD.withUnsafeMutableBufferPointer { cdBuf in
            candI.withUnsafeMutableBufferPointer { ciBuf in
            filled.withUnsafeMutableBufferPointer { fBuf in
            threshold.withUnsafeMutableBufferPointer { tBuf in
            normsF.withUnsafeBufferPointer { nfBuf in
                guard let cd = cdBuf.baseAddress, let ci = ciBuf.baseAddress, let fl = fBuf.baseAddress,
                      let th = tBuf.baseAddress, let nf = nfBuf.baseAddress else { return }
                let lists = CandidateLists(distance: cd, index: ci, filled: fl, threshold: th, capacity: capacity)
                let tiles = (0..<workerCount).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: blockSize * blockSize) }
                defer { for t in tiles { t.deallocate() } }
                withBLASThreads(workerCount > 1 ? 1 : Int(openblas_get_num_threads())) {
                    for round in rounds {
                        let activeWorkers = min(workerCount, round.count)
                        DispatchQueue.concurrentPerform(iterations: activeWorkers) { worker in
                            let tile = tiles[worker]
                            var t = worker
                            while t < round.count {
                                let (bi, bj) = round[t]
                                let i0 = bi * blockSize, ni = min(blockSize, count - i0)
                                let j0 = bj * blockSize, nj = min(blockSize, count - j0)
                                product.multiply(ni, nj, dimension, -2, xb + i0 * dimension, xb + j0 * dimension, tile)
                                scanTile(tile, rows: i0, rowCount: ni, columns: j0, columnCount: nj,
                                         diagonal: bi == bj, norms: nf, lists: lists)
                                t += activeWorkers
                            }
                        }
                    }
                }
            }}}}}

            // Pass 2: exact re-check of each row's candidates, rows split over the workers.
            indices.withUnsafeMutableBufferPointer { idxOut in
            distances.withUnsafeMutableBufferPointer { dstOut in
            uncertified.withUnsafeMutableBufferPointer { flags in
            candD.withUnsafeBufferPointer { cdBuf in
            candI.withUnsafeBufferPointer { ciBuf in
                guard let idxBase = idxOut.baseAddress, let dstBase = dstOut.baseAddress,
                      let flagBase = flags.baseAddress, let cd = cdBuf.baseAddress, let ci = ciBuf.baseAddress
                else { return }
                let chunk = 1024
                let chunks = (count + chunk - 1) / chunk
                DispatchQueue.concurrentPerform(iterations: min(workerCount, chunks)) { worker in
                    var exact = [(Double, Int32)]()
                    exact.reserveCapacity(capacity)
                    var c = worker
                    while c < chunks {
                        for q in (c * chunk)..<min(count, (c + 1) * chunk) {
                            exact.removeAll(keepingCapacity: true)
                            let n = filled[q]
                            for t in 0..<n {
                                let j = Int(ci[q * capacity + t])
                                exact.append((exactSquaredDistance(xb + q * dimension, xb + j * dimension,
                                                                  dimension: dimension), Int32(j)))
                            }
                            exact.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                            for t in 0..<k {
                                idxBase[q * k + t] = exact[t].1
                                dstBase[q * k + t] = exact[t].0
                            }
                            if n < count - 1 {
                                let cut = Double(cd[q * capacity + n - 1])
                                let bound = unit * (norms[q] + maxNorm) + 1e-12
                                if !(cut - bound > exact[k - 1].0) { flagBase[q] = true }
                            }
                        }
                        c += min(workerCount, chunks)
                    }
                }
            }}}}}
        }

        // Rows that could not be certified: brute force in Double.
        let fallback = (0..<count).filter { uncertified[$0] }
        if !fallback.isEmpty {
            features.withUnsafeBufferPointer { x in
                indices.withUnsafeMutableBufferPointer { idxOut in
                distances.withUnsafeMutableBufferPointer { dstOut in
                    guard let xb = x.baseAddress, let idxBase = idxOut.baseAddress, let dstBase = dstOut.baseAddress
                    else { return }
                    let active = max(1, min(workerCount, fallback.count))
                    DispatchQueue.concurrentPerform(iterations: active) { worker in
                        var t = worker
                        while t < fallback.count {
                            let q = fallback[t]
                            let best = bruteForceRow(q, features: xb, count: count, dimension: dimension, k: k)
                            for s in 0..<k {
                                idxBase[q * k + s] = best[s].1
                                dstBase[q * k + s] = best[s].0
                            }
                            t += active
                        }
                    }
                }}
            }
        }
        return NearestNeighbours(count: count, neighbourCount: k, indices: indices, squaredDistances: distances,
                                 bruteForceRows: fallback.count)
    }

    /// Per-row bounded candidate lists (ascending d̃²), shared by the workers of one round.
    private struct CandidateLists: @unchecked Sendable {
        let distance: UnsafeMutablePointer<Float>
        let index: UnsafeMutablePointer<Int32>
        let filled: UnsafeMutablePointer<Int>
        /// Largest kept value of a full list, +∞ while it is not full: anything ≥ it cannot enter.
        let threshold: UnsafeMutablePointer<Float>
        let capacity: Int

        @inline(__always)
        func insert(row: Int, value: Float, neighbour: Int32) {
            let base = row * capacity
            var n = filled[row]
            var pos = n == capacity ? n - 1 : n
            while pos > 0 && distance[base + pos - 1] > value {
                distance[base + pos] = distance[base + pos - 1]; index[base + pos] = index[base + pos - 1]; pos -= 1
            }
            distance[base + pos] = value; index[base + pos] = neighbour
            if n < capacity { n += 1; filled[row] = n }
            if n == capacity { threshold[row] = distance[base + n - 1] }
        }
    }

    /// Feeds one tile of −2·x_i·x_j values (rows i0..<i0+ni, columns j0..<j0+nj) into the candidate lists of its
    /// rows and, off the diagonal, of its columns (d² is symmetric).
    @inline(__always)
    private static func scanTile(_ tile: UnsafeMutablePointer<Float>, rows i0: Int, rowCount ni: Int, columns j0: Int,
                                 columnCount nj: Int, diagonal: Bool, norms: UnsafePointer<Float>,
                                 lists: CandidateLists) {
        for r in 0..<ni {
            let i = i0 + r
            let ni2 = norms[i]
            let row = tile + r * nj
            var c = 0
            func consider(_ c: Int) {
                let j = j0 + c
                if j == i { return }
                let d = ni2 + norms[j] + row[c]
                if d < lists.threshold[i] { lists.insert(row: i, value: d, neighbour: Int32(j)) }
                if !diagonal && d < lists.threshold[j] { lists.insert(row: j, value: d, neighbour: Int32(i)) }
            }
            while c + 16 <= nj {
                let d = SIMD16<Float>(repeating: ni2)
                    + UnsafeRawPointer(norms + j0 + c).loadUnaligned(as: SIMD16<Float>.self)
                    + UnsafeRawPointer(row + c).loadUnaligned(as: SIMD16<Float>.self)
                var hit = d .< SIMD16<Float>(repeating: lists.threshold[i])
                if !diagonal {
                    hit = hit .| (d .< UnsafeRawPointer(lists.threshold + j0 + c).loadUnaligned(as: SIMD16<Float>.self))
                }
                if any(hit) { for t in c..<(c + 16) { consider(t) } }
                c += 16
            }
            while c < nj { consider(c); c += 1 }
        }
    }

    /// Round-robin tournament (circle method) over the blocks: each round lists block pairs (I, J), I < J, with
    /// every block at most once; a final round holds the diagonal pairs (I, I).
    static func tournamentRounds(blocks: Int) -> [[(Int, Int)]] {
        var rounds = [[(Int, Int)]]()
        if blocks > 1 {
            let m = blocks % 2 == 0 ? blocks : blocks + 1   // block m − 1 is a bye when `blocks` is odd
            for r in 0..<(m - 1) {
                var round = [(Int, Int)]()
                for k in 0..<(m / 2) {
                    let a = k == 0 ? m - 1 : (r + k) % (m - 1)
                    let b = (r - k + (m - 1)) % (m - 1)
                    if a < blocks && b < blocks { round.append((min(a, b), max(a, b))) }
                }
                rounds.append(round)
            }
        }
        rounds.append((0..<blocks).map { ($0, $0) })
        return rounds
    }

    /// Removes the columns that are zero in every row (exactly neutral for distances); returns the input when none.
    private static func droppingZeroColumns(_ x: [Float], count: Int, dimension: Int) -> ([Float], Int) {
        var used = [Bool](repeating: false, count: dimension)
        for i in 0..<count {
            for t in 0..<dimension where x[i * dimension + t] != 0 { used[t] = true }
        }
        let kept = (0..<dimension).filter { used[$0] }
        if kept.count == dimension || kept.isEmpty { return (x, dimension) }
        var out = [Float](repeating: 0, count: count * kept.count)
        for i in 0..<count {
            for (u, t) in kept.enumerated() { out[i * kept.count + u] = x[i * dimension + t] }
        }
        return (out, kept.count)
    }

    /// The k nearest (by exact Double distance, ties to the lower index) of sample q, self excluded.
    private static func bruteForceRow(_ q: Int, features: UnsafePointer<Float>, count: Int, dimension: Int,
                                      k: Int) -> [(Double, Int32)] {
        var best = [(Double, Int32)]()
        best.reserveCapacity(k + 1)
        for j in 0..<count where j != q {
            let d = exactSquaredDistance(features + q * dimension, features + j * dimension, dimension: dimension)
            if best.count == k, !(d < best[k - 1].0) { continue }
            var pos = best.count
            best.append((d, Int32(j)))
            // Ascending by (d, index); j increases, so an equal distance stays after existing entries.
            while pos > 0 && best[pos - 1].0 > d { best[pos] = best[pos - 1]; pos -= 1 }
            best[pos] = (d, Int32(j))
            if best.count > k { best.removeLast() }
        }
        return best
    }
}
