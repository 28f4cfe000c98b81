/// Element-wise and reduction loops over raw buffers, written with `SIMD16<Float>` so they vectorise
/// (plain scalar reductions do not: floating-point addition is not reassociated by the compiler).
/// Every reduction uses a fixed lane layout and order, so results are deterministic.
enum VectorKernels {
    typealias V = SIMD16<Float>

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }

    /// A narrower vector, for the tails of short rows.
    @inline(__always)
    static func load<T: SIMD>(_ p: UnsafePointer<Float>, as _: T.Type) -> T where T.Scalar == Float {
        UnsafeRawPointer(p).loadUnaligned(as: T.self)
    }

    @inline(__always)
    static func store<T: SIMD>(_ v: T, _ p: UnsafeMutablePointer<Float>) where T.Scalar == Float {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: T.self)
    }

    /// Σ x[i].
    static func sum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc = V(repeating: 0)
        var i = 0
        while i + 16 <= count { acc += load(x + i); i += 16 }
        var s = acc.sum()
        while i < count { s += x[i]; i += 1 }
        return s
    }

    /// x[i] += b for all i, then returns Σ x[i] (the bias add fused with the mean pass of batch normalisation).
    static func addAndSum(_ x: UnsafeMutablePointer<Float>, _ count: Int, _ b: Float) -> Float {
        var acc = V(repeating: 0)
        let bv = V(repeating: b)
        var i = 0
        while i + 16 <= count { let v = load(x + i) + bv; store(v, x + i); acc += v; i += 16 }
        var s = acc.sum()
        while i < count { x[i] += b; s += x[i]; i += 1 }
        return s
    }

    /// Σ (x[i] − mean)².
    static func sumSquaredDeviations(_ x: UnsafePointer<Float>, _ count: Int, mean: Float) -> Float {
        var acc = V(repeating: 0)
        let m = V(repeating: mean)
        var i = 0
        while i + 16 <= count { let d = load(x + i) - m; acc.addProduct(d, d); i += 16 }
        var s = acc.sum()
        while i < count { let d = x[i] - mean; s += d * d; i += 1 }
        return s
    }

    /// (Σ g[i], Σ g[i]·y[i]) over the positions where out[i] > 0, each sum in index order: the ReLU-masked sums of
    /// the batch-norm backward pass. A dead position adds −0, the exact identity (x + −0 = x for every x, ±0
    /// included), so the sums are the branching loop's bit for bit; the masking runs eight lanes at a time (a ReLU
    /// map's signs are unpredictable, so a branch per position mispredicts often), the additions stay sequential.
    static func liveSums(g: UnsafePointer<Float>, out: UnsafePointer<Float>, y: UnsafePointer<Float>,
                         _ count: Int) -> (sum: Float, productSum: Float) {
        typealias W = SIMD8<Float>
        let zero = W(repeating: 0), dead = W(repeating: -0.0)
        var sg: Float = 0, sgy: Float = 0
        var i = 0
        while i + 8 <= count {
            let live = load(out + i, as: W.self) .> zero, gv = load(g + i, as: W.self)
            let gs = dead.replacing(with: gv, where: live)
            let ps = dead.replacing(with: gv * load(y + i, as: W.self), where: live)
            for lane in 0..<8 { sg += gs[lane]; sgy += ps[lane] }
            i += 8
        }
        while i < count {
            if out[i] > 0 { sg += g[i]; sgy += g[i] * y[i] }
            i += 1
        }
        return (sg, sgy)
    }

    /// Σ x[i]·y[i].
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc = V(repeating: 0)
        var i = 0
        while i + 16 <= count { acc.addProduct(load(x + i), load(y + i)); i += 16 }
        var s = acc.sum()
        while i < count { s += x[i] * y[i]; i += 1 }
        return s
    }

    /// out[i] = max(0, x[i]·scale + shift): batch normalisation folded to one affine map, then ReLU.
    static func affineReLU(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ count: Int,
                           scale: Float, shift: Float) {
        let a = V(repeating: scale), b = V(repeating: shift), zero = V(repeating: 0)
        var i = 0
        while i + 16 <= count {
            var v = load(x + i) * a + b
            v.replace(with: zero, where: v .< zero)
            store(v, out + i)
            i += 16
        }
        while i < count { let v = x[i] * scale + shift; out[i] = v > 0 ? v : 0; i += 1 }
    }

    /// dy[i] = k·(g[i] − a − (y[i] − μ)·s·b): the batch-norm input gradient with x̂ = (y − μ)·s.
    static func batchNormInputGradient(g: UnsafePointer<Float>, y: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>,
                                       _ count: Int, k: Float, a: Float, mean: Float, invStd: Float, b: Float) {
        // k·(g − a − (y − μ)·s·b) = k·g − k·a + k·s·b·μ − k·s·b·y
        let kv = V(repeating: k), c0 = V(repeating: -k * a + k * invStd * b * mean), c1 = V(repeating: -k * invStd * b)
        var i = 0
        while i + 16 <= count {
            var v = load(g + i) * kv + c0
            v.addProduct(load(y + i), c1)
            store(v, out + i)
            i += 16
        }
        while i < count { out[i] = k * (g[i] - a - (y[i] - mean) * invStd * b); i += 1 }
    }

    /// x[i] += y[i]. Short rows (col2im adds rows of 8–124 values) finish with 8- and 4-wide steps.
    static func add(_ y: UnsafePointer<Float>, into x: UnsafeMutablePointer<Float>, _ count: Int) {
        var i = 0
        while i + 16 <= count { store(load(x + i) + load(y + i), x + i); i += 16 }
        if i + 8 <= count { store(load(x + i, as: SIMD8<Float>.self) + load(y + i, as: SIMD8<Float>.self), x + i); i += 8 }
        if i + 4 <= count { store(load(x + i, as: SIMD4<Float>.self) + load(y + i, as: SIMD4<Float>.self), x + i); i += 4 }
        while i < count { x[i] += y[i]; i += 1 }
    }

    /// x[i] = y[i], inlined: im2col copies millions of short rows (8–124 values), where a library call costs more
    /// than the copy.
    @inline(__always)
    static func copy(_ y: UnsafePointer<Float>, to x: UnsafeMutablePointer<Float>, _ count: Int) {
        var i = 0
        while i + 16 <= count { store(load(y + i), x + i); i += 16 }
        if i + 8 <= count { store(load(y + i, as: SIMD8<Float>.self), x + i); i += 8 }
        if i + 4 <= count { store(load(y + i, as: SIMD4<Float>.self), x + i); i += 4 }
        while i < count { x[i] = y[i]; i += 1 }
    }
}
