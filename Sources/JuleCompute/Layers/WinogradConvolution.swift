// Shapes: C input channels, H×W input map, F filters, 5×5 kernel, p padding, Ho×Wo output (Convolution).
// Tiles (tiling F(m×m, 5×5), n = m + 4): Th = ⌈Ho/m⌉ rows × Tw = ⌈Wo/m⌉ columns of m×m outputs per map, T = Th·Tw; a
// tile reads an n×n input patch starting at (m·ty − p, m·tx − p), zero outside the map. The n² positions (ξ, ν) of
// the transformed tiles index n² matrices, position-major: pos = n·ξ + ν.

/// Winograd's minimal filtering for a stride-1 5×5 convolution, with the tiling `Tiling` (F(2×2, 5×5) or
/// F(4×4, 5×5), `WinogradTiling`): each m×m block of outputs of one (filter, channel) pair costs n² multiplications
/// instead of 25·m², so the three products of a training step (forward, data gradient, weight gradient) do 2.8×
/// (F(2×2)) or 6.25× (F(4×4)) fewer multiply–adds than im2col + GEMM.
///
///     Y = Aᵀ [ Σ_c (G g_fc Gᵀ) ⊙ (Bᵀ d_c B) ] A          (g 5×5 kernel, d n×n patch, Y m×m)
///
/// The channel sums are n² matrix products per batch of tiles,
///
///     M[pos] (F × T) = U[pos] (F × C) · V[pos] (C × T),   U = G g Gᵀ,  V = Bᵀ d B,
///
/// the data gradient is the same algorithm run as the full correlation of ∂L/∂y with the 180°-rotated kernels
/// (`inputGradientGeometry`), and the weight gradient follows from linearity in U:
///
///     ∂L/∂U[pos] = Σ_tiles (A ∂Y Aᵀ)[pos] · V[pos]ᵀ,   ∂L/∂g = Gᵀ (∂L/∂U) G.
///
/// The transforms are the tiling's formulas (single-precision products and sums in a fixed order, so the same bits on
/// every processor); G, which only touches the weights, is applied in double; the products go through the backend's
/// GEMM.
struct WinogradConvolution<Tiling: WinogradTiling> {
    typealias V8 = SIMD8<Float>

    let convolution: Convolution
    let tileRows: Int, tileColumns: Int

    init(_ convolution: Convolution) {
        precondition(convolution.kernel == 5, "Winograd F(m×m, 5×5) needs a 5×5 kernel")
        self.convolution = convolution
        tileRows = (convolution.outputHeight + Tiling.outputTile - 1) / Tiling.outputTile
        tileColumns = (convolution.outputWidth + Tiling.outputTile - 1) / Tiling.outputTile
    }

    /// n², the transformed positions (and matrix products) per tile.
    var positions: Int { Tiling.tile * Tiling.tile }

    /// T, tiles per map.
    var tiles: Int { tileRows * tileColumns }

    /// The geometry whose forward pass is this convolution's data gradient: ∂L/∂y (F maps of Ho×Wo) correlated with
    /// the rotated kernels, padding 4 − p, which gives back C maps of H×W.
    var inputGradientGeometry: WinogradConvolution {
        let c = convolution
        precondition(c.padding <= 4, "padding \(c.padding) exceeds the kernel")
        return WinogradConvolution(Convolution(inputChannels: c.filters, height: c.outputHeight, width: c.outputWidth,
                                               filters: c.inputChannels, kernel: 5, padding: 4 - c.padding))
    }

    /// Tile rows of one image that a block of the product holds.
    struct Segment {
        let image: Int
        let tileRows: Range<Int>
    }


    /// The tiles of `images` images cut into blocks of whole tile rows, about `blockColumns` tiles each (at least
    /// one tile row), in image order; a block may hold several small images.
    func blocks(images: Int) -> [[Segment]] {
        let rowsPerSegment = max(1, Tiling.blockColumns / tileColumns)
        var blocks: [[Segment]] = [], current: [Segment] = [], columns = 0
        for image in 0..<images {
            var row = 0
            while row < tileRows {
                let end = min(tileRows, row + rowsPerSegment), count = (end - row) * tileColumns
                if columns > 0 && columns + count > max(Tiling.blockColumns, tileColumns) {
                    blocks.append(current)
                    current = []
                    columns = 0
                }
                current.append(Segment(image: image, tileRows: row..<end))
                columns += count
                row = end
            }
        }
        if !current.isEmpty { blocks.append(current) }
        return blocks
    }

    /// Runs `body` for every block of `blocks(images:)` with its tile count and each segment's first column.
    private func forEachBlock(images: Int, _ body: (_ columns: Int, _ segments: [(Segment, Int)]) -> Void) {
        for block in blocks(images: images) {
            var segments: [(Segment, Int)] = [], columns = 0
            for segment in block {
                segments.append((segment, columns))
                columns += segment.tileRows.count * tileColumns
            }
            body(columns, segments)
        }
    }

    /// The most tiles a block of `blocks` holds.
    var blockCapacity: Int { max(Tiling.blockColumns, tileColumns) }

    // MARK: Products

    /// The convolution of `images` images, block by block: V = Bᵀ d B, the n² products M = U·V (U = `weights`,
    /// n² × filters×channels, from `transformWeights` or `transformWeightsForInputGradient`), output = Aᵀ M A.
    /// Image j's channel c is at `input(j) + c·inputChannelStride`, its output map f at `output(j) +
    /// f·outputChannelStride`.
    func correlate(images: Int, input: (Int) -> UnsafePointer<Float>, inputChannelStride: Int,
                   weights: UnsafePointer<Float>, output: (Int) -> UnsafeMutablePointer<Float>,
                   outputChannelStride: Int, scratch s: WorkerScratch, backend: ComputeBackend) {
        let f = convolution.filters, channels = convolution.inputChannels
        let v = s.transformed.pointer, m = s.products.pointer
        forEachBlock(images: images) { columns, segments in
            for (segment, column) in segments {
                transformInput(input(segment.image), channelStride: inputChannelStride, tileRange: segment.tileRows,
                               into: v, column: column, ld: columns, positionStride: channels * columns, scratch: s.rows)
            }
            for pos in 0..<positions {
                backend.gemm(transposeA: false, transposeB: false, m: f, n: columns, k: channels, alpha: 1,
                             a: weights + pos * f * channels, lda: channels, b: v + pos * channels * columns, ldb: columns,
                             beta: 0, c: m + pos * f * columns, ldc: columns)
            }
            for (segment, column) in segments {
                transformOutput(m, column: column, ld: columns, positionStride: f * columns, tileRange: segment.tileRows,
                                into: output(segment.image), channelStride: outputChannelStride)
            }
        }
    }

    /// Adds ∂L/∂U[pos] = Σ_tiles (A ∂Y Aᵀ)[pos] · V[pos]ᵀ (n² × filters×channels) into `transformedGradient` for
    /// `images` images with inputs laid out as in `correlate` and output gradients at `outputGradient(j) +
    /// f·outputGradientChannelStride`.
    func accumulateTransformedGradient(images: Int, input: (Int) -> UnsafePointer<Float>, inputChannelStride: Int,
                                       outputGradient: (Int) -> UnsafePointer<Float>, outputGradientChannelStride: Int,
                                       into transformedGradient: UnsafeMutablePointer<Float>, scratch s: WorkerScratch,
                                       backend: ComputeBackend) {
        let f = convolution.filters, channels = convolution.inputChannels
        let v = s.transformed.pointer, mg = s.products.pointer
        forEachBlock(images: images) { columns, segments in
            for (segment, column) in segments {
                transformInput(input(segment.image), channelStride: inputChannelStride, tileRange: segment.tileRows,
                               into: v, column: column, ld: columns, positionStride: channels * columns, scratch: s.rows)
                transformOutputGradient(outputGradient(segment.image), channelStride: outputGradientChannelStride,
                                        tileRange: segment.tileRows, into: mg, column: column, ld: columns,
                                        positionStride: f * columns, scratch: s.rows)
            }
            for pos in 0..<positions {
                backend.gemm(transposeA: false, transposeB: true, m: f, n: channels, k: columns, alpha: 1,
                             a: mg + pos * f * columns, lda: columns, b: v + pos * channels * columns, ldb: columns,
                             beta: 1, c: transformedGradient + pos * f * channels, ldc: channels)
            }
        }
    }

    // MARK: Weights

    /// U[pos] (F×C) = G g Gᵀ for every filter f and channel c of `weights` (F×C×5×5), into `u` (n²·F·C).
    func transformWeights(_ weights: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>) {
        let c = convolution
        Self.transformKernels(count: c.filters * c.inputChannels, into: u) { pair, row, column in
            Double(weights[pair * 25 + row * 5 + column])
        }
    }

    /// U′[pos] (C×F) of the data-gradient geometry from this convolution's weights: the kernel of (c, f) is g_fc
    /// rotated by 180°.
    func transformWeightsForInputGradient(_ weights: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>) {
        let c = convolution, f = c.filters, channels = c.inputChannels
        Self.transformKernels(count: f * channels, into: u) { pair, row, column in
            let channel = pair / f, filter = pair % f
            return Double(weights[(filter * channels + channel) * 25 + (4 - row) * 5 + (4 - column)])
        }
    }

    /// `u[pos·count + pair] = (G k Gᵀ)[pos]` for `count` 5×5 kernels `k(pair, row, column)`, in double, four pairs to a
    /// vector (each lane sums in the same order as one pair alone; pair by pair this took 0.8 ms per COIL-20 or MNIST
    /// block, twice per step, outside the workers).
    private static func transformKernels(count: Int, into u: UnsafeMutablePointer<Float>,
                                         _ kernelValue: (Int, Int, Int) -> Double) {
        typealias D4 = SIMD4<Double>
        let n = Tiling.tile
        let buffer = UnsafeMutablePointer<D4>.allocate(capacity: 25 + 5 * n + 5 * n)
        defer { buffer.deallocate() }
        let k = buffer, h = buffer + 25, g = h + 5 * n  // four kernels, G k, G splatted
        for index in 0..<(5 * n) { g[index] = D4(repeating: Tiling.g[index]) }
        var pair = 0
        while pair < count {
            let lanes = min(4, count - pair)
            for r in 0..<5 {
                for s in 0..<5 {
                    var v = D4()
                    for lane in 0..<lanes { v[lane] = kernelValue(pair + lane, r, s) }
                    k[r * 5 + s] = v
                }
            }
            // h = G k (n×5), then U = h Gᵀ (n×n).
            for i in 0..<n {
                for s in 0..<5 {
                    var v = D4()
                    for r in 0..<5 { v += g[i * 5 + r] * k[r * 5 + s] }
                    h[i * 5 + s] = v
                }
            }
            for i in 0..<n {
                for j in 0..<n {
                    var v = D4()
                    for s in 0..<5 { v += h[i * 5 + s] * g[j * 5 + s] }
                    let dst = u + (i * n + j) * count + pair
                    if lanes == 4 {
                        UnsafeMutableRawPointer(dst).storeBytes(of: SIMD4<Float>(v), as: SIMD4<Float>.self)
                    } else {
                        for lane in 0..<lanes { dst[lane] = Float(v[lane]) }
                    }
                }
            }
            pair += lanes
        }
    }

    /// Adds Gᵀ ∂U G (F×C×5×5) into `weightGradient` for ∂U = `du` (n² matrices F×C), in double. The (filter, channel)
    /// pairs go four to a vector, in slices of 256 whose rows of ∂U are read contiguously, and each sum runs over a
    /// whole slice at once (its terms in the same order as for one pair alone, so the bits do not depend on the
    /// grouping): pair by pair, the chains of dependent additions cost 7–10% of an MNIST step.
    func accumulateWeightGradient(_ du: UnsafePointer<Float>, into weightGradient: UnsafeMutablePointer<Float>) {
        typealias D4 = SIMD4<Double>
        let c = convolution, count = c.filters * c.inputChannels
        let n = Tiling.tile, slice = 256, groupsPerSlice = slice / 4
        let buffer = UnsafeMutablePointer<D4>.allocate(capacity: (5 * n + 1) * groupsPerSlice)
        defer { buffer.deallocate() }
        let h = buffer, out = buffer + 5 * n * groupsPerSlice  // h[i·5 + s][group] = (∂U G)[i][s]; one (r, s)
        for first in stride(from: 0, to: count, by: slice) {
            let pairs = min(slice, count - first), groups = (pairs + 3) / 4
            @inline(__always) func load(_ position: Int, _ group: Int) -> D4 {
                let p = du + position * count + first + 4 * group, lanes = min(4, pairs - 4 * group)
                if lanes == 4 { return D4(UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)) }
                return D4(Double(p[0]), lanes > 1 ? Double(p[1]) : 0, lanes > 2 ? Double(p[2]) : 0, 0)
            }
            // h = ∂U G (n×5), then Gᵀ h (5×5).
            for i in 0..<n {
                for s in 0..<5 {
                    let row = h + (i * 5 + s) * groupsPerSlice
                    row.update(repeating: D4(), count: groups)
                    for j in 0..<n {
                        let weight = D4(repeating: Tiling.g[j * 5 + s])
                        for group in 0..<groups { row[group] += load(i * n + j, group) * weight }
                    }
                }
            }
            for r in 0..<5 {
                for s in 0..<5 {
                    out.update(repeating: D4(), count: groups)
                    for i in 0..<n {
                        let weight = D4(repeating: Tiling.g[i * 5 + r]), row = h + (i * 5 + s) * groupsPerSlice
                        for group in 0..<groups { out[group] += weight * row[group] }
                    }
                    for group in 0..<groups {
                        let pair = first + 4 * group, v = out[group]
                        for lane in 0..<min(4, pairs - 4 * group) {
                            weightGradient[(pair + lane) * 25 + r * 5 + s] += Float(v[lane])
                        }
                    }
                }
            }
        }
    }

    // MARK: Maps

    /// Floats per column phase of a split row: tile columns rounded up to whole 8-lane groups, plus the columns a
    /// patch reaches past its tile's phase group, ⌊(n − 1)/m⌋.
    private var phaseLength: Int { (tileColumns + 7) / 8 * 8 + (Tiling.tile - 1) / Tiling.outputTile }

    /// Floats of a worker's scratch the map transforms need: one map with its rows split into their m column phases
    /// (so a group of 8 tiles reads each patch entry with one vector load), m·Th + 4 padded rows.
    var scratchCapacity: Int { (Tiling.outputTile * tileRows + 4) * Tiling.outputTile * phaseLength }

    /// Splits map rows into their m column phases: row r of `split` (at r·m·L, L = `phaseLength`) holds
    /// `x[r − rowOffset][m·k + φ − columnOffset]` at φ·L + k, zero outside the `height`×`width` map.
    private func split(_ x: UnsafePointer<Float>, height: Int, width: Int, rowOffset: Int, columnOffset: Int,
                       rows: Int, into split: UnsafeMutablePointer<Float>) {
        let m = Tiling.outputTile, length = phaseLength
        for r in 0..<rows {
            let row = split + r * m * length
            let iy = r - rowOffset
            if iy < 0 || iy >= height {
                row.update(repeating: 0, count: m * length)
                continue
            }
            let src = x + iy * width
            // Columns k whose m entries m·k + φ − offset all lie inside the row need no test.
            let first = min(length, (columnOffset + m - 1) / m), end = max(first, min(length, (width + columnOffset) / m))
            @inline(__always) func edge(_ k: Int) {
                for phase in 0..<m {
                    let ix = m * k + phase - columnOffset
                    row[phase * length + k] = ix >= 0 && ix < width ? src[ix] : 0
                }
            }
            for k in 0..<first { edge(k) }
            let shifted = src - columnOffset
            // 8·m values at a time split into their phases, then the rest one by one.
            var k = first
            if m == 2 {
                while k + 8 <= end {
                    let v = UnsafeRawPointer(shifted + 2 * k).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(row + k).storeBytes(of: v.evenHalf, as: V8.self)
                    UnsafeMutableRawPointer(row + length + k).storeBytes(of: v.oddHalf, as: V8.self)
                    k += 8
                }
            } else if m == 4 {
                while k + 8 <= end {
                    let v = UnsafeRawPointer(shifted + 4 * k).loadUnaligned(as: SIMD32<Float>.self)
                    let even = v.evenHalf, odd = v.oddHalf  // phases 0 and 2 interleaved; 1 and 3
                    UnsafeMutableRawPointer(row + k).storeBytes(of: even.evenHalf, as: V8.self)
                    UnsafeMutableRawPointer(row + length + k).storeBytes(of: odd.evenHalf, as: V8.self)
                    UnsafeMutableRawPointer(row + 2 * length + k).storeBytes(of: even.oddHalf, as: V8.self)
                    UnsafeMutableRawPointer(row + 3 * length + k).storeBytes(of: odd.oddHalf, as: V8.self)
                    k += 8
                }
            }
            while k < end {
                for phase in 0..<m { row[phase * length + k] = shifted[m * k + phase] }
                k += 1
            }
            // Past the row's last column only zeros remain.
            let zeros = max(end, min(length, (width + columnOffset + m - 1) / m))
            for k in end..<zeros { edge(k) }
            if zeros < length {
                for phase in 0..<m { (row + phase * length + zeros).update(repeating: 0, count: length - zeros) }
            }
        }
    }

    @inline(__always) private static func load(_ p: UnsafePointer<Float>) -> V8 {
        UnsafeRawPointer(p).loadUnaligned(as: V8.self)
    }

    /// Writes the first `count` lanes of each of the n² vectors `o` to `dst + pos·positionStride`.
    @inline(__always) private func store(_ o: UnsafePointer<V8>, _ dst: UnsafeMutablePointer<Float>,
                                         positionStride: Int, count: Int) {
        if count == 8 {
            for pos in 0..<positions {
                UnsafeMutableRawPointer(dst + pos * positionStride).storeBytes(of: o[pos], as: V8.self)
            }
        } else {
            for pos in 0..<positions { Self.storeFirst(count, of: o[pos], to: dst + pos * positionStride) }
        }
    }

    /// Writes the first `count` (< 8) lanes of `v` to `d`, in at most three stores (a loop here became a `memmove`
    /// call per position: 13% of an MNIST step, whose maps are 2 or 3 tiles wide).
    @inline(__always) private static func storeFirst(_ count: Int, of v: V8, to d: UnsafeMutablePointer<Float>) {
        let raw = UnsafeMutableRawPointer(d)
        var k = 0
        if count >= 4 {
            raw.storeBytes(of: v.lowHalf, as: SIMD4<Float>.self)
            k = 4
        }
        if count - k >= 2 {
            raw.storeBytes(of: SIMD2(v[k], v[k + 1]), toByteOffset: 4 * k, as: SIMD2<Float>.self)
            k += 2
        }
        if count > k { d[k] = v[k] }
    }

    /// V[pos][c][column + t] = (Bᵀ d B)[pos] for every channel c and tile t in the tile rows `tileRange` of one
    /// image `x` (channel c's H×W map at `x + c·channelStride`; t counts from the range's first tile); matrices
    /// `positionStride` apart, rows `ld` apart.
    func transformInput(_ x: UnsafePointer<Float>, channelStride: Int, tileRange: Range<Int>,
                        into v: UnsafeMutablePointer<Float>, column: Int, ld: Int, positionStride: Int,
                        scratch: FloatBuffer) {
        precondition(scratch.capacity >= scratchCapacity, "Winograd scratch too small")
        let n = Tiling.tile, m = Tiling.outputTile
        let c = convolution, tw = tileColumns, length = phaseLength, p = c.padding
        let split = scratch.pointer
        let e = UnsafeMutablePointer<V8>.allocate(capacity: 2 * positions)
        defer { e.deallocate() }
        let o = e + positions
        for ch in 0..<c.inputChannels {
            // Split row r is map row m·ty₀ − p + r; tile row ty reads split rows m(ty − ty₀) … m(ty − ty₀) + n − 1.
            let ty0 = tileRange.lowerBound
            self.split(x + ch * channelStride, height: c.height, width: c.width, rowOffset: p - m * ty0,
                       columnOffset: p, rows: m * tileRange.count + n - m, into: split)
            for ty in tileRange {
                let offset = ch * ld + column + (ty - ty0) * tw
                for tx in stride(from: 0, to: tw, by: 8) {
                    // E = d B: patch row i of the 8 tiles tx…tx+7, entry j at split row m·ty + i, column m(tx + l) + j.
                    for i in 0..<n {
                        let row = split + (m * (ty - ty0) + i) * m * length + tx
                        Tiling.inputTransform({ Self.load(row + ($0 % m) * length + $0 / m) }, e + n * i, 1)
                    }
                    // V = Bᵀ E, column ν at once.
                    for nu in 0..<n { Tiling.inputTransform({ e[n * $0 + nu] }, o + nu, n) }
                    store(o, v + offset + tx, positionStride: positionStride, count: min(8, tw - tx))
                }
            }
        }
    }

    /// Overwrites the outputs of the tile rows `tileRange` in the maps of one image, `y` (F maps of Ho×Wo, map f
    /// at `y + f·channelStride`), with Aᵀ M A of its tiles, M[pos][f][column + t] (t from the range's first tile).
    /// Reads up to 7 floats past a tile row (`WinogradLayer.readSlack`).
    func transformOutput(_ mp: UnsafePointer<Float>, column: Int, ld: Int, positionStride: Int, tileRange: Range<Int>,
                         into y: UnsafeMutablePointer<Float>, channelStride: Int) {
        let n = Tiling.tile, m = Tiling.outputTile
        let c = convolution, tw = tileColumns, ho = c.outputHeight, wo = c.outputWidth
        let s = UnsafeMutablePointer<V8>.allocate(capacity: m * n + m)
        defer { s.deallocate() }
        let t = s + m * n  // one output row of the 8 tiles: column phase φ in t[φ]
        for f in 0..<c.filters {
            let plane = y + f * channelStride
            for ty in tileRange {
                let source = mp + f * ld + column + (ty - tileRange.lowerBound) * tw
                for tx in stride(from: 0, to: tw, by: 8) {
                    // S = Aᵀ M (m×n: row i at s + n·i), then Y = S A (m×m), row by row.
                    for nu in 0..<n {
                        Tiling.outputTransform({ Self.load(source + (n * $0 + nu) * positionStride + tx) }, s + nu, n)
                    }
                    let count = min(8, tw - tx)
                    for i in 0..<m {
                        let oy = m * ty + i
                        if oy >= ho { break }
                        Tiling.outputTransform({ s[n * i + $0] }, t, 1)
                        let dst = plane + oy * wo + m * tx
                        if count == 8 && m * (tx + 8) <= wo {
                            // The phases interleaved into 8·m consecutive outputs.
                            if m == 2 {
                                var row = SIMD16<Float>()
                                row.evenHalf = t[0]
                                row.oddHalf = t[1]
                                UnsafeMutableRawPointer(dst).storeBytes(of: row, as: SIMD16<Float>.self)
                                continue
                            } else if m == 4 {
                                var even = SIMD16<Float>(), odd = SIMD16<Float>(), row = SIMD32<Float>()
                                even.evenHalf = t[0]
                                even.oddHalf = t[2]
                                odd.evenHalf = t[1]
                                odd.oddHalf = t[3]
                                row.evenHalf = even
                                row.oddHalf = odd
                                UnsafeMutableRawPointer(dst).storeBytes(of: row, as: SIMD32<Float>.self)
                                continue
                            }
                        }
                        for l in 0..<count {
                            for phase in 0..<m where m * (tx + l) + phase < wo { dst[m * l + phase] = t[phase][l] }
                        }
                    }
                }
            }
        }
    }

    /// Mg[pos][f][column + t] = (A ∂Y Aᵀ)[pos] for the tile rows `tileRange` of the output gradient of one image,
    /// `dy` (F maps of Ho×Wo at `dy + f·channelStride`); outputs past the map's last row or column count as zero.
    func transformOutputGradient(_ dy: UnsafePointer<Float>, channelStride: Int, tileRange: Range<Int>,
                                 into mg: UnsafeMutablePointer<Float>, column: Int, ld: Int, positionStride: Int,
                                 scratch: FloatBuffer) {
        precondition(scratch.capacity >= scratchCapacity, "Winograd scratch too small")
        let n = Tiling.tile, m = Tiling.outputTile
        let c = convolution, tw = tileColumns, length = phaseLength
        let split = scratch.pointer
        let o = UnsafeMutablePointer<V8>.allocate(capacity: positions + n * m)
        defer { o.deallocate() }
        let s = o + positions
        for f in 0..<c.filters {
            self.split(dy + f * channelStride, height: c.outputHeight, width: c.outputWidth,
                       rowOffset: -m * tileRange.lowerBound, columnOffset: 0, rows: m * tileRange.count, into: split)
            for ty in tileRange {
                let offset = f * ld + column + (ty - tileRange.lowerBound) * tw
                let rows = split + m * (ty - tileRange.lowerBound) * m * length  // output row i at rows + i·m·L
                for tx in stride(from: 0, to: tw, by: 8) {
                    // S = A ∂Y (n×m): column j′ from ∂Y[0…m−1][j′]; then Mg = S Aᵀ, row ξ from S[ξ].
                    for column in 0..<m {
                        Tiling.gradientTransform({ Self.load(rows + $0 * m * length + column * length + tx) }, s + column, m)
                    }
                    for xi in 0..<n { Tiling.gradientTransform({ s[m * xi + $0] }, o + n * xi, 1) }
                    store(o, mg + offset + tx, positionStride: positionStride, count: min(8, tw - tx))
                }
            }
        }
    }
}

/// A Winograd convolution of either tiling, as a convolution block holds it. A closed set rather than a protocol
/// existential: every call switches to a concrete `WinogradConvolution<F>`, so the compiler specialises the transforms
/// for the tiling (through an existential they ran as unspecialised generic code, 1.3× slower per step).
enum WinogradLayer {
    case f2(WinogradConvolution<WinogradF2>)
    case f4(WinogradConvolution<WinogradF4>)

    /// Whether a convolution gains from Winograd: 5×5 kernels over enough channels. With one or three input channels
    /// (the first block) the products have k = C and the transformed maps outweigh the work saved.
    static func isWorthwhile(_ c: Convolution) -> Bool { c.kernel == 5 && c.inputChannels >= 8 }

    /// The Winograd convolution `algorithm` gives `convolution`, or nil where it uses im2col.
    init?(_ algorithm: ConvolutionAlgorithm, _ convolution: Convolution) {
        guard Self.isWorthwhile(convolution) else { return nil }
        switch algorithm {
        case .im2col: return nil
        case .winograd: self = .f2(WinogradConvolution(convolution))
        case .winograd4x4: self = .f4(WinogradConvolution(convolution))
        }
    }

    /// Floats past its last element that a products buffer needs, because the output transform reads whole 8-lane
    /// groups.
    static let readSlack = 8

    var positions: Int {
        switch self {
        case .f2(let w): w.positions
        case .f4(let w): w.positions
        }
    }

    var blockCapacity: Int {
        switch self {
        case .f2(let w): w.blockCapacity
        case .f4(let w): w.blockCapacity
        }
    }

    var scratchCapacity: Int {
        switch self {
        case .f2(let w): w.scratchCapacity
        case .f4(let w): w.scratchCapacity
        }
    }

    var inputGradientGeometry: WinogradLayer {
        switch self {
        case .f2(let w): .f2(w.inputGradientGeometry)
        case .f4(let w): .f4(w.inputGradientGeometry)
        }
    }

    func transformWeights(_ weights: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>) {
        switch self {
        case .f2(let w): w.transformWeights(weights, into: u)
        case .f4(let w): w.transformWeights(weights, into: u)
        }
    }

    func transformWeightsForInputGradient(_ weights: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>) {
        switch self {
        case .f2(let w): w.transformWeightsForInputGradient(weights, into: u)
        case .f4(let w): w.transformWeightsForInputGradient(weights, into: u)
        }
    }

    func correlate(images: Int, input: (Int) -> UnsafePointer<Float>, inputChannelStride: Int,
                   weights: UnsafePointer<Float>, output: (Int) -> UnsafeMutablePointer<Float>,
                   outputChannelStride: Int, scratch s: WorkerScratch, backend: ComputeBackend) {
        switch self {
        case .f2(let w):
            w.correlate(images: images, input: input, inputChannelStride: inputChannelStride, weights: weights,
                        output: output, outputChannelStride: outputChannelStride, scratch: s, backend: backend)
        case .f4(let w):
            w.correlate(images: images, input: input, inputChannelStride: inputChannelStride, weights: weights,
                        output: output, outputChannelStride: outputChannelStride, scratch: s, backend: backend)
        }
    }

    func accumulateTransformedGradient(images: Int, input: (Int) -> UnsafePointer<Float>, inputChannelStride: Int,
                                       outputGradient: (Int) -> UnsafePointer<Float>, outputGradientChannelStride: Int,
                                       into transformedGradient: UnsafeMutablePointer<Float>, scratch s: WorkerScratch,
                                       backend: ComputeBackend) {
        switch self {
        case .f2(let w):
            w.accumulateTransformedGradient(images: images, input: input, inputChannelStride: inputChannelStride,
                                            outputGradient: outputGradient,
                                            outputGradientChannelStride: outputGradientChannelStride,
                                            into: transformedGradient, scratch: s, backend: backend)
        case .f4(let w):
            w.accumulateTransformedGradient(images: images, input: input, inputChannelStride: inputChannelStride,
                                            outputGradient: outputGradient,
                                            outputGradientChannelStride: outputGradientChannelStride,
                                            into: transformedGradient, scratch: s, backend: backend)
        }
    }

    func accumulateWeightGradient(_ du: UnsafePointer<Float>, into weightGradient: UnsafeMutablePointer<Float>) {
        switch self {
        case .f2(let w): w.accumulateWeightGradient(du, into: weightGradient)
        case .f4(let w): w.accumulateWeightGradient(du, into: weightGradient)
        }
    }
}
