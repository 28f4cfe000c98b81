import COpenBLAS
import Dispatch
import JuleData

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
    /// Pass 1 (Float products, Double sums, blocked, symmetric): the samples are cut into blocks of at most 512;
    /// for every pair of blocks I ≤ J the products X_I·X_Jᵀ are formed slice by slice of `productSlice` feature
    /// columns (one single-precision GEMM per slice, the slices summed in Double), and
    ///
    ///     d̃²(i, j) = ‖xᵢ‖² + ‖xⱼ‖² − 2·xᵢ·xⱼ    (rounded once to Float)
    ///
    /// updates the bounded candidate lists (the C = min(N − 1, 2K + 8) smallest values) of the rows of I *and*,
    /// through the symmetry of d², of the rows of J, so only half of the N×N products are formed. The block pairs
    /// run in rounds of a round-robin tournament (every block at most once per round), so the Dispatch workers
    /// never touch the same candidate lists and need no locks. Memory is O(N·C) plus one tile per worker; no N×N
    /// matrix exists. Columns that are zero in every sample are dropped first (they add exactly 0).
    ///
    /// Pass 2 (Double): the candidates' exact distances (`exactSquaredDistance`) are sorted by (d², index) and
    /// the first K kept. Summing short slices keeps the float error of d̃² small whatever the GEMM's summation
    /// order: it is at most E = 2·(s + 8)·2⁻²⁴·(‖xᵢ‖² + max‖x‖²) for slices of s ≤ `productSlice` columns (the
    /// slice dot products, their Double sum, the norms and the final rounding; `exactSquaredDistance`'s own
    /// rounding is far below the margin). Hence every non-candidate j has d²(i, j) ≥ d̃²_C − E: if d̃²_C − E > d²_K
    /// the row is certified exact; otherwise (near-ties at the cut) the row is recomputed by brute force in Double.
    /// Only candidates with d̃² ≤ d̃²_K + 2E are re-checked: the first K candidates all lie within d̃²_K + E, so any
    /// candidate beyond that reach is strictly farther than K others and cannot be among the K nearest.
    ///
    /// - Parameter workers: Dispatch workers, each with a single-threaded product. The result does not depend on it.
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
        var candD = [Float](repeating: 0, count: count * capacity)
        var candI = [Int32](repeating: 0, count: count * capacity)
        var filled = [Int](repeating: 0, count: count)
        var threshold = [Float](repeating: .infinity, count: count)
        var uncertified = [Bool](repeating: false, count: count)
        let workerCount = max(1, workers)
        let blockSize = blockSize(count: count, workers: workerCount)
        let blocks = (count + blockSize - 1) / blockSize
        let slice = min(productSlice, max(1, dimension))

        features.withUnsafeBufferPointer { x in
            guard let xb = x.baseAddress else { return }
            norms.withUnsafeMutableBufferPointer { nBuf in
                guard let nb = nBuf.baseAddress else { return }
                forEachRowRange(count: count, workers: workerCount) { rows in
                    for i in rows { nb[i] = exactSquaredNorm(xb + i * dimension, dimension: dimension) }
                }
            }
            let maxNorm = norms.max() ?? 0
            let unit = 2 * Double(slice + 8) * 0x1p-24
            let rounds = tournamentRounds(blocks: blocks)

            candD.withUnsafeMutableBufferPointer { cdBuf in
            candI.withUnsafeMutableBufferPointer { ciBuf in
            filled.withUnsafeMutableBufferPointer { fBuf in
            threshold.withUnsafeMutableBufferPointer { tBuf in
            norms.withUnsafeBufferPointer { nBuf in
                guard let cd = cdBuf.baseAddress, let ci = ciBuf.baseAddress, let fl = fBuf.baseAddress,
                      let th = tBuf.baseAddress, let nb = nBuf.baseAddress else { return }
                let lists = CandidateLists(distance: cd, index: ci, filled: fl, threshold: th, capacity: capacity)
                let tiles = (0..<workerCount).map { _ in
                    TileBuffers(product: .allocate(capacity: blockSize * blockSize),
                                sum: .allocate(capacity: blockSize * blockSize))
                }
                defer { for t in tiles { t.product.deallocate(); t.sum.deallocate() } }
                withBLASThreads(workerCount > 1 ? 1 : Int(openblas_get_num_threads())) {
                    for round in rounds {
                        let activeWorkers = min(workerCount, round.count)
                        Niceness.concurrentPerform(iterations: activeWorkers) { worker in
                            let buffers = tiles[worker]
                            var t = worker
                            while t < round.count {
                                let (bi, bj) = round[t]
                                let i0 = bi * blockSize, ni = min(blockSize, count - i0)
                                let j0 = bj * blockSize, nj = min(blockSize, count - j0)
                                tileDistances(xb, dimension: dimension, slice: slice, rows: i0, rowCount: ni,
                                              columns: j0, columnCount: nj, norms: nb, product: product,
                                              buffers: buffers)
                                scanTile(buffers.product, rows: i0, rowCount: ni, columns: j0, columnCount: nj,
                                         diagonal: bi == bj, lists: lists)
                                t += activeWorkers
                            }
                        }
                    }
                }
            }}}}}

            // Pass 2: exact re-check of each row's candidates within reach, rows split over the workers.
            indices.withUnsafeMutableBufferPointer { idxOut in
            distances.withUnsafeMutableBufferPointer { dstOut in
            uncertified.withUnsafeMutableBufferPointer { flags in
            candD.withUnsafeBufferPointer { cdBuf in
            candI.withUnsafeBufferPointer { ciBuf in
            filled.withUnsafeBufferPointer { fBuf in
            norms.withUnsafeBufferPointer { nBuf in
                guard let idxBase = idxOut.baseAddress, let dstBase = dstOut.baseAddress,
                      let flagBase = flags.baseAddress, let cd = cdBuf.baseAddress, let ci = ciBuf.baseAddress,
                      let fl = fBuf.baseAddress, let nb = nBuf.baseAddress
                else { return }
                forEachRowRange(count: count, workers: workerCount) { rows in
                    var exact = [(Double, Int32)]()
                    exact.reserveCapacity(capacity)
                    for q in rows {
                        exact.removeAll(keepingCapacity: true)
                        let base = q * capacity, n = fl[q]
                        let bound = unit * (nb[q] + maxNorm) + 1e-12
                        let reach = Double(cd[base + k - 1]) + 2 * bound
                        var m = k
                        while m < n && Double(cd[base + m]) <= reach { m += 1 }
                        for t in 0..<m {
                            let j = Int(ci[base + t])
                            exact.append((exactSquaredDistance(xb + q * dimension, xb + j * dimension,
                                                              dimension: dimension), Int32(j)))
                        }
                        exact.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                        for t in 0..<k {
                            idxBase[q * k + t] = exact[t].1
                            dstBase[q * k + t] = exact[t].0
                        }
                        if n < count - 1 {
                            let cut = Double(cd[base + n - 1])
                            if !(cut - bound > exact[k - 1].0) { flagBase[q] = true }
                        }
                    }
                }
            }}}}}}}
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
                    Niceness.concurrentPerform(iterations: active) { worker in
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

    /// Feature columns per single-precision product in pass 1. The error bound grows with the slice, not with the
    /// dimension (512: E ≈ 6·10⁻⁵·(‖xᵢ‖² + max‖x‖²), against 10⁻² for one product over COIL-100's 49,152 columns,
    /// which left 823 of its 7,098 rows to the brute force and 3/4 of the time there); the Double sums of the
    /// slices cost well under 1 % of the products.
    static let productSlice = 512

    /// Samples per block at most (larger blocks pack less per product but waste more on the diagonal tiles).
    static let maximumBlock = 512

    /// Blocks of at most `maximumBlock` samples; with several workers their number is rounded up to a multiple of 2·workers,
    /// so every tournament round (blocks / 2 pairs) gives each worker the same number of tiles.
    static func blockSize(count: Int, workers: Int) -> Int {
        var blocks = (count + maximumBlock - 1) / maximumBlock
        if blocks > 1 && workers > 1 { blocks = (blocks + 2 * workers - 1) / (2 * workers) * (2 * workers) }
        return (count + blocks - 1) / blocks
    }

    /// One worker's scratch: the slice product (Float, then d̃² of the tile) and the running Double sum.
    private struct TileBuffers: @unchecked Sendable {
        let product: UnsafeMutablePointer<Float>
        let sum: UnsafeMutablePointer<Double>
    }

    /// Leaves d̃²(i, j) of the tile (rows i0..<i0+ni, columns j0..<j0+nj) in `buffers.product`: the dot products
    /// summed in Double over slices of at most `slice` columns, each slice one single-precision GEMM.
    @inline(__always)
    private static func tileDistances(_ x: UnsafePointer<Float>, dimension: Int, slice: Int, rows i0: Int,
                                      rowCount ni: Int, columns j0: Int, columnCount nj: Int,
                                      norms: UnsafePointer<Double>, product: MatrixProduct, buffers: TileBuffers) {
        let tile = buffers.product, sum = buffers.sum, size = ni * nj
        var k0 = 0
        while k0 < dimension {
            let kc = min(slice, dimension - k0)
            product.multiply(ni, nj, kc, 1, x + i0 * dimension + k0, dimension, x + j0 * dimension + k0, dimension, tile)
            if k0 == 0 {
                for e in 0..<size { sum[e] = Double(tile[e]) }
            } else {
                for e in 0..<size { sum[e] += Double(tile[e]) }
            }
            k0 += kc
        }
        for r in 0..<ni {
            let ni2 = norms[i0 + r], row = r * nj
            for c in 0..<nj { tile[row + c] = Float(ni2 + norms[j0 + c] - 2 * sum[row + c]) }
        }
    }

    /// Runs `body` on ranges of rows spread over the workers; every row is handled the same way whoever takes it.
    private static func forEachRowRange(count: Int, workers: Int, _ body: (Range<Int>) -> Void) {
        let chunk = 256
        let chunks = (count + chunk - 1) / chunk
        let active = max(1, min(workers, chunks))
        Niceness.concurrentPerform(iterations: active) { worker in
            var c = worker
            while c < chunks {
                body((c * chunk)..<min(count, (c + 1) * chunk))
                c += active
            }
        }
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

    /// Feeds one tile of d̃² values (rows i0..<i0+ni, columns j0..<j0+nj) into the candidate lists of its rows and,
    /// off the diagonal, of its columns (d² is symmetric).
    @inline(__always)
    private static func scanTile(_ tile: UnsafeMutablePointer<Float>, rows i0: Int, rowCount ni: Int, columns j0: Int,
                                 columnCount nj: Int, diagonal: Bool, lists: CandidateLists) {
        for r in 0..<ni {
            let i = i0 + r
            let row = tile + r * nj
            var c = 0
            func consider(_ c: Int) {
                let j = j0 + c
                if j == i { return }
                let d = row[c]
                if d < lists.threshold[i] { lists.insert(row: i, value: d, neighbour: Int32(j)) }
                if !diagonal && d < lists.threshold[j] { lists.insert(row: j, value: d, neighbour: Int32(i)) }
            }
            while c + 16 <= nj {
                let d = UnsafeRawPointer(row + c).loadUnaligned(as: SIMD16<Float>.self)
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
        // The magnitude bits OR-ed over the rows are nonzero exactly where some value is ≠ 0 (−0 counts as zero,
        // NaN as nonzero, as with `!= 0`); integer ORs vectorise, where a per-element branch does not.
        var used = [UInt32](repeating: 0, count: dimension)
        x.withUnsafeBufferPointer { xb in
            xb.withMemoryRebound(to: UInt32.self) { raw in
                used.withUnsafeMutableBufferPointer { u in
                    guard let bits = raw.baseAddress, let ub = u.baseAddress else { return }
                    for i in 0..<count {
                        let row = bits + i * dimension
                        for t in 0..<dimension { ub[t] |= row[t] & 0x7fff_ffff }
                    }
                }
            }
        }
        let kept = (0..<dimension).filter { used[$0] != 0 }
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
