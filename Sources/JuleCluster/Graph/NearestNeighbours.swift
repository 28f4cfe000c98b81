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
    /// Pass 1 (Float, blocked): for a block of queries Q and a block of references R, sgemm gives −2·Q·Rᵀ and
    ///
    ///     d̃²(q, r) = ‖q‖² + ‖r‖² − 2·q·r
    ///
    /// feeds a per-row bounded candidate list of the C = min(N − 1, 2K + 8) smallest values. Memory is O(N·C)
    /// plus one Q×R block per worker; no N×N matrix exists.
    ///
    /// Pass 2 (Double): the candidates' exact distances (`exactSquaredDistance`) are sorted by (d², index) and
    /// the first K kept. The float error of d̃² is at most E = 2·(d + 8)·2⁻²⁴·(‖q‖² + max‖r‖²) (sgemm dot products
    /// and the two additions), so every non-candidate r has d²(q, r) ≥ d̃²_C − E. If d̃²_C − E > d²_K the row is
    /// certified exact; otherwise (near-ties at the cut) the row is recomputed by brute force in Double.
    ///
    /// - Parameter workers: Dispatch workers, each with single-threaded OpenBLAS.
    public static func compute(features: [Float], count: Int, dimension: Int, neighbourCount k: Int,
                               workers: Int = 2) -> NearestNeighbours {
        precondition(count >= 2 && k >= 1 && k < count, "k-NN needs 1 ≤ K < N (K = \(k), N = \(count))")
        precondition(features.count == count * dimension, "features must be N×dimension")
        let candidateCount = min(count - 1, 2 * k + 8)
        var indices = [Int32](repeating: 0, count: count * k)
        var distances = [Double](repeating: 0, count: count * k)
        var norms = [Double](repeating: 0, count: count)
        var normsF = [Float](repeating: 0, count: count)
        var uncertified = [Bool](repeating: false, count: count)

        features.withUnsafeBufferPointer { x in
            guard let xb = x.baseAddress else { return }
            for i in 0..<count {
                norms[i] = exactSquaredNorm(xb + i * dimension, dimension: dimension)
                normsF[i] = Float(norms[i])
            }
            let maxNorm = norms.max() ?? 0
            let unit = 2 * Double(dimension + 8) * 0x1p-24

            let queryBlock = 256, referenceBlock = 2048
            let blockCount = (count + queryBlock - 1) / queryBlock
            let workerCount = max(1, min(workers, blockCount))

            indices.withUnsafeMutableBufferPointer { idxOut in
            distances.withUnsafeMutableBufferPointer { dstOut in
            uncertified.withUnsafeMutableBufferPointer { flags in
            normsF.withUnsafeBufferPointer { nf in
            norms.withUnsafeBufferPointer { nd in
                guard let idxBase = idxOut.baseAddress, let dstBase = dstOut.baseAddress,
                      let flagBase = flags.baseAddress, let nfBase = nf.baseAddress, let ndBase = nd.baseAddress
                else { return }
                withBLASThreads(workerCount > 1 ? 1 : Int(openblas_get_num_threads())) {
                    DispatchQueue.concurrentPerform(iterations: workerCount) { worker in
                        let block = UnsafeMutablePointer<Float>.allocate(capacity: queryBlock * referenceBlock)
                        let candD = UnsafeMutablePointer<Float>.allocate(capacity: queryBlock * candidateCount)
                        let candI = UnsafeMutablePointer<Int32>.allocate(capacity: queryBlock * candidateCount)
                        let candN = UnsafeMutablePointer<Int>.allocate(capacity: queryBlock)
                        var exact = [(Double, Int32)]()
                        exact.reserveCapacity(candidateCount)
                        defer { block.deallocate(); candD.deallocate(); candI.deallocate(); candN.deallocate() }
                        var b = worker
                        while b < blockCount {
                            let q0 = b * queryBlock, bq = min(queryBlock, count - q0)
                            for r in 0..<bq { candN[r] = 0 }
                            var r0 = 0
                            while r0 < count {
                                let br = min(referenceBlock, count - r0)
                                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(bq), Int32(br),
                                            Int32(dimension), -2, xb + q0 * dimension, Int32(dimension),
                                            xb + r0 * dimension, Int32(dimension), 0, block, Int32(br))
                                for r in 0..<bq {
                                    selectCandidates(row: block + r * br, length: br, referenceOffset: r0,
                                                     query: q0 + r, queryNorm: nfBase[q0 + r], norms: nfBase + r0,
                                                     capacity: candidateCount, candD: candD + r * candidateCount,
                                                     candI: candI + r * candidateCount, filled: &candN[r])
                                }
                                r0 += br
                            }
                            // Pass 2: exact re-check of each row's candidates.
                            for r in 0..<bq {
                                let q = q0 + r
                                exact.removeAll(keepingCapacity: true)
                                let filled = candN[r]
                                for c in 0..<filled {
                                    let j = Int(candI[r * candidateCount + c])
                                    exact.append((exactSquaredDistance(xb + q * dimension, xb + j * dimension,
                                                                      dimension: dimension), Int32(j)))
                                }
                                exact.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                                for t in 0..<k {
                                    idxBase[q * k + t] = exact[t].1
                                    dstBase[q * k + t] = exact[t].0
                                }
                                if filled < count - 1 {
                                    let cut = Double(candD[r * candidateCount + filled - 1])
                                    let bound = unit * (ndBase[q] + maxNorm) + 1e-12
                                    if !(cut - bound > exact[k - 1].0) { flagBase[q] = true }
                                }
                            }
                            b += workerCount
                        }
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
                    let workerCount = max(1, min(workers, fallback.count))
                    DispatchQueue.concurrentPerform(iterations: workerCount) { worker in
                        var t = worker
                        while t < fallback.count {
                            let q = fallback[t]
                            let best = bruteForceRow(q, features: xb, count: count, dimension: dimension, k: k)
                            for s in 0..<k {
                                idxBase[q * k + s] = best[s].1
                                dstBase[q * k + s] = best[s].0
                            }
                            t += workerCount
                        }
                    }
                }}
            }
        }
        return NearestNeighbours(count: count, neighbourCount: k, indices: indices, squaredDistances: distances,
                                 bruteForceRows: fallback.count)
    }

    /// Keeps the `capacity` smallest d̃² of one sgemm row (values are −2·q·r) in an ascending list.
    @inline(__always)
    private static func selectCandidates(row: UnsafeMutablePointer<Float>, length: Int, referenceOffset: Int,
                                         query: Int, queryNorm: Float, norms: UnsafePointer<Float>,
                                         capacity: Int, candD: UnsafeMutablePointer<Float>,
                                         candI: UnsafeMutablePointer<Int32>, filled: inout Int) {
        var n = filled
        // Threshold on (‖r‖² − 2·q·r), i.e. d̃² − ‖q‖²: reject without work while the list is full.
        var threshold: Float = n == capacity ? candD[n - 1] - queryNorm : .infinity
        var j = 0
        func consider(_ j: Int) {
            let v = norms[j] + row[j]
            guard v < threshold, referenceOffset + j != query else { return }
            let d = v + queryNorm
            var pos = n == capacity ? n - 1 : n
            while pos > 0 && candD[pos - 1] > d {
                candD[pos] = candD[pos - 1]; candI[pos] = candI[pos - 1]; pos -= 1
            }
            candD[pos] = d; candI[pos] = Int32(referenceOffset + j)
            if n < capacity { n += 1 }
            if n == capacity { threshold = candD[n - 1] - queryNorm }
        }
        while j + 16 <= length {
            let v = UnsafeRawPointer(norms + j).loadUnaligned(as: SIMD16<Float>.self)
                + UnsafeRawPointer(row + j).loadUnaligned(as: SIMD16<Float>.self)
            if any(v .< SIMD16<Float>(repeating: threshold)) {
                for t in j..<(j + 16) { consider(t) }
            }
            j += 16
        }
        while j < length { consider(j); j += 1 }
        filled = n
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
