// Shapes: C input channels, H×W input map, F filters, 5×5 kernel, p padding, Ho×Wo output (Convolution).
// Tiles: Th = ⌈Ho/2⌉ rows × Tw = ⌈Wo/2⌉ columns of 2×2 outputs per map, T = Th·Tw; a tile reads a 6×6 input patch
// starting at (2·ty − p, 2·tx − p), zero outside the map. The 36 positions (ξ, ν) of the transformed 6×6 tiles
// index 36 matrices, position-major: pos = 6ξ + ν.

/// Winograd's minimal filtering F(2×2, 5×5) for a stride-1 5×5 convolution (Lavin & Gray 2016): each 2×2 block of
/// outputs of one (filter, channel) pair costs 36 multiplications instead of 100, so the three products of a
/// training step (forward, data gradient, weight gradient) do 2.8× fewer multiply–adds than im2col + GEMM.
///
///     Y = Aᵀ [ Σ_c (G g_fc Gᵀ) ⊙ (Bᵀ d_c B) ] A          (g 5×5 kernel, d 6×6 patch, Y 2×2)
///
/// with interpolation points 0, ±1, ±½ and ∞ (exact binary fractions in Aᵀ and Bᵀ; G, which only touches the
/// weights, is applied in double precision). The channel sums are 36 matrix products per batch of tiles,
///
///     M[pos] (F × T) = U[pos] (F × C) · V[pos] (C × T),   U = G g Gᵀ,  V = Bᵀ d B,
///
/// the data gradient is the same algorithm run as the full correlation of ∂L/∂y with the 180°-rotated kernels
/// (`inputGradientGeometry`), and the weight gradient follows from linearity in U:
///
///     ∂L/∂U[pos] = Σ_tiles (A ∂Y Aᵀ)[pos] · V[pos]ᵀ,   ∂L/∂g = Gᵀ (∂L/∂U) G.
///
/// Every transform is a fixed sequence of single-precision multiplications and additions (no fused multiply–add),
/// so its bits do not depend on the processor; the products go through the backend's GEMM.
struct WinogradConvolution {
    static let tile = 6, outputTile = 2, kernel = 5, positions = 36

    let convolution: Convolution
    let tileRows: Int, tileColumns: Int

    init(_ convolution: Convolution) {
        precondition(convolution.kernel == Self.kernel, "Winograd F(2×2, 5×5) needs a 5×5 kernel")
        self.convolution = convolution
        tileRows = (convolution.outputHeight + 1) / 2
        tileColumns = (convolution.outputWidth + 1) / 2
    }

    /// Whether a convolution gains from it: 5×5 kernels over enough channels. With one or three input channels
    /// (the first block) the 36 products have k = C and the transformed maps outweigh the work saved.
    static func isWorthwhile(_ c: Convolution) -> Bool { c.kernel == kernel && c.inputChannels >= 8 }

    /// T, tiles per map.
    var tiles: Int { tileRows * tileColumns }

    /// The geometry whose forward pass is this convolution's data gradient: ∂L/∂y (F maps of Ho×Wo) correlated with
    /// the rotated kernels, padding 4 − p, which gives back C maps of H×W.
    var inputGradientGeometry: WinogradConvolution {
        let c = convolution
        precondition(c.padding <= Self.kernel - 1, "padding \(c.padding) exceeds the kernel")
        return WinogradConvolution(Convolution(inputChannels: c.filters, height: c.outputHeight, width: c.outputWidth,
                                               filters: c.inputChannels, kernel: Self.kernel,
                                               padding: Self.kernel - 1 - c.padding))
    }

    // MARK: Transform matrices

    // The transforms below are written out as formulas (`inputTransform`, `outputTransform`, `gradientTransform`);
    // these matrices state them, and the tests check the formulas against them and the matrices against correlation.

    /// Bᵀ (6×6), applied to patches: rows are the output positions, columns the six inputs.
    static let bt: [Float] = [
        0.25, 0, -1.25, 0, 1, 0,
        0, -0.25, -0.25, 1, 1, 0,
        0, 0.25, -0.25, -1, 1, 0,
        0, -0.5, -1, 0.5, 1, 0,
        0, 0.5, -1, -0.5, 1, 0,
        0, 0.25, 0, -1.25, 0, 1,
    ]
    /// Aᵀ (2×6), from transformed tiles back to outputs.
    static let at: [Float] = [
        1, 1, 1, 1, 1, 0,
        0, 1, -1, 0.5, -0.5, 1,
    ]
    /// G (6×5), in double precision: row j is p_jᵏ / Π_{l≠j}(p_j − p_l) for the finite points, (0,0,0,0,1) for ∞.
    static let g: [Double] = [
        4, 0, 0, 0, 0,
        2.0 / 3, 2.0 / 3, 2.0 / 3, 2.0 / 3, 2.0 / 3,
        2.0 / 3, -2.0 / 3, 2.0 / 3, -2.0 / 3, 2.0 / 3,
        -8.0 / 3, -4.0 / 3, -2.0 / 3, -1.0 / 3, -1.0 / 6,
        -8.0 / 3, 4.0 / 3, -2.0 / 3, 1.0 / 3, -1.0 / 6,
        0, 0, 0, 0, 1,
    ]

    /// Tile rows of one image that a block of the product holds.
    struct Segment {
        let image: Int
        let tileRows: Range<Int>
    }

    /// Tiles per block: the transformed tiles of one block (36 × C × columns, and as many products) stay in the L2
    /// cache between the transform and the products, instead of streaming through memory (6 MB per COIL-20 image).
    static let blockColumns = 128

    /// The tiles of `images` images cut into blocks of whole tile rows, about `blockColumns` tiles each (at least
    /// one tile row), in image order; a block may hold several small images.
    func blocks(images: Int) -> [[Segment]] {
        let rowsPerSegment = max(1, Self.blockColumns / tileColumns)
        var blocks: [[Segment]] = [], current: [Segment] = [], columns = 0
        for image in 0..<images {
            var row = 0
            while row < tileRows {
                let end = min(tileRows, row + rowsPerSegment), count = (end - row) * tileColumns
                if columns > 0 && columns + count > max(Self.blockColumns, tileColumns) {
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
    var blockCapacity: Int { max(Self.blockColumns, tileColumns) }

    // MARK: Products

    /// The convolution of `images` images, block by block: V = Bᵀ d B, the 36 products M = U·V (U = `weights`,
    /// 36 × filters×channels, from `transformWeights` or `transformWeightsForInputGradient`), output = Aᵀ M A.
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
            for pos in 0..<Self.positions {
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

    /// Adds ∂L/∂U[pos] = Σ_tiles (A ∂Y Aᵀ)[pos] · V[pos]ᵀ (36 × filters×channels) into `transformedGradient` for
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
            for pos in 0..<Self.positions {
                backend.gemm(transposeA: false, transposeB: true, m: f, n: channels, k: columns, alpha: 1,
                             a: mg + pos * f * columns, lda: columns, b: v + pos * channels * columns, ldb: columns,
                             beta: 1, c: transformedGradient + pos * f * channels, ldc: channels)
            }
        }
    }

    // MARK: Weights

    /// U[pos] (F×C) = G g Gᵀ for every filter f and channel c of `weights` (F×C×5×5), into `u` (36·F·C).
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

    /// `u[pos·count + pair] = (G k Gᵀ)[pos]` for `count` 5×5 kernels `k(pair, row, column)`, in double.
    private static func transformKernels(count: Int, into u: UnsafeMutablePointer<Float>,
                                         _ kernelValue: (Int, Int, Int) -> Double) {
        var k = [Double](repeating: 0, count: 25), h = [Double](repeating: 0, count: 30)
        for pair in 0..<count {
            for r in 0..<5 { for s in 0..<5 { k[r * 5 + s] = kernelValue(pair, r, s) } }
            // h = G k (6×5), then U = h Gᵀ (6×6).
            for i in 0..<6 {
                for s in 0..<5 {
                    var v = 0.0
                    for r in 0..<5 { v += g[i * 5 + r] * k[r * 5 + s] }
                    h[i * 5 + s] = v
                }
            }
            for i in 0..<6 {
                for j in 0..<6 {
                    var v = 0.0
                    for s in 0..<5 { v += h[i * 5 + s] * g[j * 5 + s] }
                    u[(i * 6 + j) * count + pair] = Float(v)
                }
            }
        }
    }

    /// Adds Gᵀ ∂U G (F×C×5×5) into `weightGradient` for ∂U = `du` (36 matrices F×C), in double.
    func accumulateWeightGradient(_ du: UnsafePointer<Float>, into weightGradient: UnsafeMutablePointer<Float>) {
        let c = convolution, count = c.filters * c.inputChannels
        let g = Self.g
        var h = [Double](repeating: 0, count: 30)
        for pair in 0..<count {
            // h = ∂U G (6×5), then Gᵀ h (5×5).
            for i in 0..<6 {
                for s in 0..<5 {
                    var v = 0.0
                    for j in 0..<6 { v += Double(du[(i * 6 + j) * count + pair]) * g[j * 5 + s] }
                    h[i * 5 + s] = v
                }
            }
            for r in 0..<5 {
                for s in 0..<5 {
                    var v = 0.0
                    for i in 0..<6 { v += g[i * 5 + r] * h[i * 5 + s] }
                    weightGradient[pair * 25 + r * 5 + s] += Float(v)
                }
            }
        }
    }

    // MARK: Maps

    typealias V8 = SIMD8<Float>

    /// Tile columns rounded up to whole 8-lane groups, plus the two columns a patch reaches past its tile.
    private var halfRow: Int { (tileColumns + 7) / 8 * 8 + 2 }

    /// Floats of a worker's scratch the map transforms need: one map with its rows split into even and odd
    /// columns (so a group of 8 tiles reads each patch entry with one vector load), 2·Th + 4 padded rows.
    var scratchCapacity: Int { (2 * tileRows + 4) * 2 * halfRow }

    /// Splits map rows into even and odd columns: row r of `split` (at r·2·halfRow) holds `x[r − rowOffset][2k −
    /// columnOffset]` at k and `x[r − rowOffset][2k + 1 − columnOffset]` at halfRow + k, zero outside the
    /// `height`×`width` map.
    private func split(_ x: UnsafePointer<Float>, height: Int, width: Int, rowOffset: Int, columnOffset: Int,
                       rows: Int, into split: UnsafeMutablePointer<Float>) {
        let half = halfRow
        for r in 0..<rows {
            let even = split + r * 2 * half, odd = even + half
            let iy = r - rowOffset
            if iy < 0 || iy >= height {
                even.update(repeating: 0, count: 2 * half)
                continue
            }
            let src = x + iy * width
            // Columns k with both 2k − offset and 2k + 1 − offset inside the row need no test.
            let first = min(half, (columnOffset + 1) / 2), end = max(first, min(half, (width + columnOffset) / 2))
            @inline(__always) func edge(_ k: Int) {
                let ie = 2 * k - columnOffset, io = ie + 1
                even[k] = ie >= 0 && ie < width ? src[ie] : 0
                odd[k] = io >= 0 && io < width ? src[io] : 0
            }
            for k in 0..<first { edge(k) }
            let shifted = src - columnOffset
            // 16 values at a time split into their even and odd lanes, then the rest one by one.
            var k = first
            while k + 8 <= end {
                let v = UnsafeRawPointer(shifted + 2 * k).loadUnaligned(as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(even + k).storeBytes(of: v.evenHalf, as: V8.self)
                UnsafeMutableRawPointer(odd + k).storeBytes(of: v.oddHalf, as: V8.self)
                k += 8
            }
            while k < end {
                even[k] = shifted[2 * k]
                odd[k] = shifted[2 * k + 1]
                k += 1
            }
            for k in end..<half { edge(k) }
        }
    }

    @inline(__always) private static func load(_ p: UnsafePointer<Float>) -> V8 {
        UnsafeRawPointer(p).loadUnaligned(as: V8.self)
    }

    /// Writes the first `count` lanes of each of the 36 vectors `o` to `dst + pos·positionStride`.
    @inline(__always) private static func store(_ o: UnsafePointer<V8>, _ dst: UnsafeMutablePointer<Float>,
                                                positionStride: Int, count: Int) {
        if count == 8 {
            for pos in 0..<positions {
                UnsafeMutableRawPointer(dst + pos * positionStride).storeBytes(of: o[pos], as: V8.self)
            }
        } else {
            let lanes = UnsafeRawPointer(o).assumingMemoryBound(to: Float.self)
            for pos in 0..<positions {
                let d = dst + pos * positionStride, l = lanes + 8 * pos
                for k in 0..<count { d[k] = l[k] }
            }
        }
    }

    /// Aᵀ applied to six vectors (one column of 8 transformed tiles): the two outputs.
    @inline(__always) static func outputTransform(_ m0: V8, _ m1: V8, _ m2: V8, _ m3: V8, _ m4: V8,
                                                  _ m5: V8) -> (V8, V8) {
        (((m0 + m1) + (m2 + m3)) + m4, ((m1 - m2) + V8(repeating: 0.5) * (m3 - m4)) + m5)
    }

    /// A = (Aᵀ)ᵀ applied to two vectors (u0, u1): u0, u0 + u1, u0 − u1, u0 + ½u1, u0 − ½u1, u1, written to `out[0],
    /// out[stride], …`.
    @inline(__always) static func gradientTransform(_ u0: V8, _ u1: V8, _ out: UnsafeMutablePointer<V8>, _ stride: Int) {
        let half = V8(repeating: 0.5)
        out[0] = u0
        out[stride] = u0 + u1
        out[2 * stride] = u0 - u1
        out[3 * stride] = u0 + half * u1
        out[4 * stride] = u0 - half * u1
        out[5 * stride] = u1
    }

    /// Bᵀ applied to six vectors (six patch entries of 8 tiles), written to `o[0], o[stride], …`.
    @inline(__always) static func inputTransform(_ d0: V8, _ d1: V8, _ d2: V8, _ d3: V8, _ d4: V8, _ d5: V8,
                                                         _ o: UnsafeMutablePointer<V8>, _ stride: Int) {
        let quarter = V8(repeating: 0.25), half = V8(repeating: 0.5), fiveQuarters = V8(repeating: 1.25)
        o[0] = (quarter * d0 - fiveQuarters * d2) + d4
        o[stride] = (d3 + d4) - quarter * (d1 + d2)
        o[2 * stride] = (d4 - d3) + quarter * (d1 - d2)
        o[3 * stride] = (d4 - d2) + half * (d3 - d1)
        o[4 * stride] = (d4 - d2) - half * (d3 - d1)
        o[5 * stride] = (quarter * d1 - fiveQuarters * d3) + d5
    }

    /// V[pos][c][column + t] = (Bᵀ d B)[pos] for every channel c and tile t in the tile rows `tileRange` of one
    /// image `x` (channel c's H×W map at `x + c·channelStride`; t counts from the range's first tile); matrices
    /// `positionStride` apart, rows `ld` apart.
    func transformInput(_ x: UnsafePointer<Float>, channelStride: Int, tileRange: Range<Int>,
                        into v: UnsafeMutablePointer<Float>, column: Int, ld: Int, positionStride: Int,
                        scratch: FloatBuffer) {
        precondition(scratch.capacity >= scratchCapacity, "Winograd scratch too small")
        let c = convolution, tw = tileColumns, half = halfRow, p = c.padding
        let split = scratch.pointer
        let e = UnsafeMutablePointer<V8>.allocate(capacity: 2 * Self.positions)
        defer { e.deallocate() }
        let o = e + Self.positions
        for ch in 0..<c.inputChannels {
            // Split row r is map row 2·ty₀ − p + r; tile row ty reads split rows 2(ty − ty₀) … 2(ty − ty₀) + 5.
            let ty0 = tileRange.lowerBound
            self.split(x + ch * channelStride, height: c.height, width: c.width, rowOffset: p - 2 * ty0,
                       columnOffset: p, rows: 2 * tileRange.count + 4, into: split)
            for ty in tileRange {
                let offset = ch * ld + column + (ty - ty0) * tw
                for tx in stride(from: 0, to: tw, by: 8) {
                    // E = d B: patch row i of the 8 tiles tx…tx+7, entry j at split row 2ty + i, column 2(tx + l) + j.
                    for i in 0..<6 {
                        let even = split + (2 * (ty - ty0) + i) * 2 * half + tx, odd = even + half
                        Self.inputTransform(Self.load(even), Self.load(odd), Self.load(even + 1), Self.load(odd + 1),
                                            Self.load(even + 2), Self.load(odd + 2), e + 6 * i, 1)
                    }
                    // V = Bᵀ E, column ν at once.
                    for nu in 0..<6 {
                        Self.inputTransform(e[nu], e[6 + nu], e[12 + nu], e[18 + nu], e[24 + nu], e[30 + nu], o + nu, 6)
                    }
                    Self.store(o, v + offset + tx, positionStride: positionStride, count: min(8, tw - tx))
                }
            }
        }
    }

    /// Overwrites the outputs of the tile rows `tileRange` in the maps of one image, `y` (F maps of Ho×Wo, map f
    /// at `y + f·channelStride`), with Aᵀ M A of its tiles, M[pos][f][column + t] (t from the range's first tile).
    /// Reads up to 7 floats past a tile row (`readSlack`).
    func transformOutput(_ m: UnsafePointer<Float>, column: Int, ld: Int, positionStride: Int, tileRange: Range<Int>,
                         into y: UnsafeMutablePointer<Float>, channelStride: Int) {
        let c = convolution, tw = tileColumns, ho = c.outputHeight, wo = c.outputWidth
        let s = UnsafeMutablePointer<V8>.allocate(capacity: 14)
        defer { s.deallocate() }
        let lanes = UnsafeMutableRawPointer(s + 12).assumingMemoryBound(to: Float.self)  // even outputs, then odd
        for f in 0..<c.filters {
            let plane = y + f * channelStride
            for ty in tileRange {
                let source = m + f * ld + column + (ty - tileRange.lowerBound) * tw
                for tx in stride(from: 0, to: tw, by: 8) {
                    @inline(__always) func mm(_ xi: Int, _ nu: Int) -> V8 {
                        Self.load(source + (6 * xi + nu) * positionStride + tx)
                    }
                    // S = Aᵀ M (2×6: s[ν], s[6 + ν]), then Y = S A (2×2).
                    for nu in 0..<6 {
                        (s[nu], s[6 + nu]) = Self.outputTransform(mm(0, nu), mm(1, nu), mm(2, nu), mm(3, nu), mm(4, nu), mm(5, nu))
                    }
                    let count = min(8, tw - tx)
                    for i in 0..<2 {
                        let oy = 2 * ty + i
                        if oy >= ho { break }
                        let r = s + 6 * i
                        (s[12], s[13]) = Self.outputTransform(r[0], r[1], r[2], r[3], r[4], r[5])
                        let dst = plane + oy * wo + 2 * tx
                        let pairs = min(count, (wo - 2 * tx) / 2)  // tiles whose odd column is inside the map
                        if pairs == 8 {
                            // Even and odd columns interleaved into 16 consecutive outputs.
                            var row = SIMD16<Float>()
                            row.evenHalf = s[12]
                            row.oddHalf = s[13]
                            UnsafeMutableRawPointer(dst).storeBytes(of: row, as: SIMD16<Float>.self)
                        } else {
                            for l in 0..<pairs { dst[2 * l] = lanes[l]; dst[2 * l + 1] = lanes[8 + l] }
                        }
                        if pairs < count { dst[2 * pairs] = lanes[pairs] }
                    }
                }
            }
        }
    }

    /// Floats past its last element that a products buffer needs, because `transformOutput` reads whole 8-lane
    /// groups.
    static let readSlack = 8

    /// Mg[pos][f][column + t] = (A ∂Y Aᵀ)[pos] for the tile rows `tileRange` of the output gradient of one image,
    /// `dy` (F maps of Ho×Wo at `dy + f·channelStride`); outputs past the map's last row or column count as zero.
    func transformOutputGradient(_ dy: UnsafePointer<Float>, channelStride: Int, tileRange: Range<Int>,
                                 into mg: UnsafeMutablePointer<Float>, column: Int, ld: Int, positionStride: Int,
                                 scratch: FloatBuffer) {
        precondition(scratch.capacity >= scratchCapacity, "Winograd scratch too small")
        let c = convolution, tw = tileColumns, half = halfRow
        let split = scratch.pointer
        let o = UnsafeMutablePointer<V8>.allocate(capacity: Self.positions)
        defer { o.deallocate() }
        let s = UnsafeMutablePointer<V8>.allocate(capacity: 12)
        defer { s.deallocate() }
        for f in 0..<c.filters {
            self.split(dy + f * channelStride, height: c.outputHeight, width: c.outputWidth,
                       rowOffset: -2 * tileRange.lowerBound,
                       columnOffset: 0, rows: 2 * tileRange.count, into: split)
            for ty in tileRange {
                let offset = f * ld + column + (ty - tileRange.lowerBound) * tw
                let even0 = split + 2 * (ty - tileRange.lowerBound) * 2 * half, odd0 = even0 + half
                let even1 = even0 + 2 * half, odd1 = even1 + half
                for tx in stride(from: 0, to: tw, by: 8) {
                    // S = A ∂Y (6×2): column j′ from (∂Y[0][j′], ∂Y[1][j′]); then Mg = S Aᵀ, row ξ from S[ξ].
                    Self.gradientTransform(Self.load(even0 + tx), Self.load(even1 + tx), s, 2)
                    Self.gradientTransform(Self.load(odd0 + tx), Self.load(odd1 + tx), s + 1, 2)
                    for xi in 0..<6 { Self.gradientTransform(s[2 * xi], s[2 * xi + 1], o + 6 * xi, 1) }
                    Self.store(o, mg + offset + tx, positionStride: positionStride, count: min(8, tw - tx))
                }
            }
        }
    }
}
