/// One Winograd minimal-filtering algorithm F(m×m, 5×5) (Lavin & Gray 2016): its interpolation points fix the tile
/// (n = m + 4 inputs per side for m outputs), the matrices Bᵀ (n×n), Aᵀ (m×n), G (n×5), and the transforms, written
/// here as formulas on 8-lane vectors (8 tiles side by side). For finite points p_j and the point ∞:
///
///     Aᵀ[i][j] = p_jⁱ (∞: 1 in the last row),   G[j][k] = p_jᵏ / Π_{l≠j} (p_j − p_l) (∞: e₄),
///     Bᵀ[j] = coefficients of Π_{l≠j} (x − p_l) (∞: of Π_l (x − p_l)).
///
/// Every formula is a fixed sequence of single-precision multiplications and additions (no fused multiply–add), so
/// its bits do not depend on the processor. The tests check each formula against its matrices and the matrices
/// against the correlation they compute.
protocol WinogradTiling {
    /// m, outputs per tile side.
    static var outputTile: Int { get }
    /// n = m + 4, inputs per tile side.
    static var tile: Int { get }
    /// Tiles per block of products: the transformed tiles of one block (n² × C × columns, and as many products) stay in
    /// the L2 cache between the transform and the products.
    static var blockColumns: Int { get }
    /// Bᵀ, row-major.
    static var bt: [Float] { get }
    /// Aᵀ, row-major.
    static var at: [Float] { get }
    /// G in double precision (it only touches the weights), row-major.
    static var g: [Double] { get }
    /// Bᵀ applied to the n vectors `d(0) … d(n − 1)`, written to `o[0], o[stride], …`.
    static func inputTransform(_ d: (Int) -> SIMD8<Float>, _ o: UnsafeMutablePointer<SIMD8<Float>>, _ stride: Int)
    /// Aᵀ applied to the n vectors `x(0) …`: the m outputs, written to `y[0], y[stride], …`.
    static func outputTransform(_ x: (Int) -> SIMD8<Float>, _ y: UnsafeMutablePointer<SIMD8<Float>>, _ stride: Int)
    /// A = (Aᵀ)ᵀ applied to the m vectors `u(0) …`: n values, written to `out[0], out[stride], …`.
    static func gradientTransform(_ u: (Int) -> SIMD8<Float>, _ out: UnsafeMutablePointer<SIMD8<Float>>, _ stride: Int)
}

/// F(2×2, 5×5) with points 0, ±1, ±½, ∞: 36 multiplications per 2×2 outputs of a (filter, channel) pair, against 100.
enum WinogradF2: WinogradTiling {
    typealias V8 = SIMD8<Float>
    static var outputTile: Int { 2 }
    static var tile: Int { 6 }
    static var blockColumns: Int { 128 }

    static let bt: [Float] = [
        0.25, 0, -1.25, 0, 1, 0,
        0, -0.25, -0.25, 1, 1, 0,
        0, 0.25, -0.25, -1, 1, 0,
        0, -0.5, -1, 0.5, 1, 0,
        0, 0.5, -1, -0.5, 1, 0,
        0, 0.25, 0, -1.25, 0, 1,
    ]
    static let at: [Float] = [
        1, 1, 1, 1, 1, 0,
        0, 1, -1, 0.5, -0.5, 1,
    ]
    static let g: [Double] = [
        4, 0, 0, 0, 0,
        2.0 / 3, 2.0 / 3, 2.0 / 3, 2.0 / 3, 2.0 / 3,
        2.0 / 3, -2.0 / 3, 2.0 / 3, -2.0 / 3, 2.0 / 3,
        -8.0 / 3, -4.0 / 3, -2.0 / 3, -1.0 / 3, -1.0 / 6,
        -8.0 / 3, 4.0 / 3, -2.0 / 3, 1.0 / 3, -1.0 / 6,
        0, 0, 0, 0, 1,
    ]

    @inline(__always) static func inputTransform(_ d: (Int) -> V8, _ o: UnsafeMutablePointer<V8>, _ stride: Int) {
        let d0 = d(0), d1 = d(1), d2 = d(2), d3 = d(3), d4 = d(4), d5 = d(5)
        let quarter = V8(repeating: 0.25), half = V8(repeating: 0.5), fiveQuarters = V8(repeating: 1.25)
        o[0] = (quarter * d0 - fiveQuarters * d2) + d4
        o[stride] = (d3 + d4) - quarter * (d1 + d2)
        o[2 * stride] = (d4 - d3) + quarter * (d1 - d2)
        o[3 * stride] = (d4 - d2) + half * (d3 - d1)
        o[4 * stride] = (d4 - d2) - half * (d3 - d1)
        o[5 * stride] = (quarter * d1 - fiveQuarters * d3) + d5
    }

    @inline(__always) static func outputTransform(_ x: (Int) -> V8, _ y: UnsafeMutablePointer<V8>, _ stride: Int) {
        let m0 = x(0), m1 = x(1), m2 = x(2), m3 = x(3), m4 = x(4), m5 = x(5)
        y[0] = ((m0 + m1) + (m2 + m3)) + m4
        y[stride] = ((m1 - m2) + V8(repeating: 0.5) * (m3 - m4)) + m5
    }

    @inline(__always) static func gradientTransform(_ u: (Int) -> V8, _ out: UnsafeMutablePointer<V8>, _ stride: Int) {
        let u0 = u(0), u1 = u(1), half = V8(repeating: 0.5)
        out[0] = u0
        out[stride] = u0 + u1
        out[2 * stride] = u0 - u1
        out[3 * stride] = u0 + half * u1
        out[4 * stride] = u0 - half * u1
        out[5 * stride] = u1
    }
}

/// F(4×4, 5×5) with points 0, ±1, ±½, ±2, ∞: 64 multiplications per 4×4 outputs of a (filter, channel) pair, against
/// 400 — 2.25× fewer than F(2×2, 5×5), with cheaper transforms per output. Its single-precision error stays that of
/// F(2×2, 5×5) (both ~1e-5 of the largest output over 50 channels; the exact binary fractions of Aᵀ and Bᵀ keep the
/// growth small), which the tests bound against im2col.
enum WinogradF4: WinogradTiling {
    typealias V8 = SIMD8<Float>
    static var outputTile: Int { 4 }
    static var tile: Int { 8 }
    static var blockColumns: Int { 64 }

    static let bt: [Float] = [
        -1, 0, 5.25, 0, -5.25, 0, 1, 0,
        0, 1, 1, -4.25, -4.25, 1, 1, 0,
        0, -1, 1, 4.25, -4.25, -1, 1, 0,
        0, 2, 4, -2.5, -5, 0.5, 1, 0,
        0, -2, 4, 2.5, -5, -0.5, 1, 0,
        0, 0.5, 0.25, -2.5, -1.25, 2, 1, 0,
        0, -0.5, 0.25, 2.5, -1.25, -2, 1, 0,
        0, -1, 0, 5.25, 0, -5.25, 0, 1,
    ]
    static let at: [Float] = [
        1, 1, 1, 1, 1, 1, 1, 0,
        0, 1, -1, 0.5, -0.5, 2, -2, 0,
        0, 1, 1, 0.25, 0.25, 4, 4, 0,
        0, 1, -1, 0.125, -0.125, 8, -8, 1,
    ]
    static let g: [Double] = [
        -1, 0, 0, 0, 0,
        -2.0 / 9, -2.0 / 9, -2.0 / 9, -2.0 / 9, -2.0 / 9,
        -2.0 / 9, 2.0 / 9, -2.0 / 9, 2.0 / 9, -2.0 / 9,
        32.0 / 45, 16.0 / 45, 8.0 / 45, 4.0 / 45, 2.0 / 45,
        32.0 / 45, -16.0 / 45, 8.0 / 45, -4.0 / 45, 2.0 / 45,
        1.0 / 90, 1.0 / 45, 2.0 / 45, 4.0 / 45, 8.0 / 45,
        1.0 / 90, -1.0 / 45, 2.0 / 45, -4.0 / 45, 8.0 / 45,
        0, 0, 0, 0, 1,
    ]

    /// The rows of ±p share their even and odd parts: o(±p) = E ± O.
    @inline(__always) static func inputTransform(_ d: (Int) -> V8, _ o: UnsafeMutablePointer<V8>, _ stride: Int) {
        let d0 = d(0), d1 = d(1), d2 = d(2), d3 = d(3), d4 = d(4), d5 = d(5), d6 = d(6), d7 = d(7)
        @inline(__always) func c(_ value: Float) -> V8 { V8(repeating: value) }
        o[0] = (d6 - d0) + c(5.25) * (d2 - d4)
        let e1 = (d2 + d6) - c(4.25) * d4, o1 = (d1 + d5) - c(4.25) * d3
        o[stride] = e1 + o1
        o[2 * stride] = e1 - o1
        let e2 = (c(4) * d2 - c(5) * d4) + d6, o2 = (c(2) * d1 - c(2.5) * d3) + c(0.5) * d5
        o[3 * stride] = e2 + o2
        o[4 * stride] = e2 - o2
        let e3 = (c(0.25) * d2 - c(1.25) * d4) + d6, o3 = (c(0.5) * d1 - c(2.5) * d3) + c(2) * d5
        o[5 * stride] = e3 + o3
        o[6 * stride] = e3 - o3
        o[7 * stride] = (d7 - d1) + c(5.25) * (d3 - d5)
    }

    @inline(__always) static func outputTransform(_ x: (Int) -> V8, _ y: UnsafeMutablePointer<V8>, _ stride: Int) {
        let s1 = x(1) + x(2), d1 = x(1) - x(2), s2 = x(3) + x(4), d2 = x(3) - x(4), s3 = x(5) + x(6), d3 = x(5) - x(6)
        y[0] = ((x(0) + s1) + s2) + s3
        y[stride] = (d1 + V8(repeating: 0.5) * d2) + V8(repeating: 2) * d3
        y[2 * stride] = (s1 + V8(repeating: 0.25) * s2) + V8(repeating: 4) * s3
        y[3 * stride] = ((d1 + V8(repeating: 0.125) * d2) + V8(repeating: 8) * d3) + x(7)
    }

    @inline(__always) static func gradientTransform(_ u: (Int) -> V8, _ out: UnsafeMutablePointer<V8>, _ stride: Int) {
        let u0 = u(0), u1 = u(1), u2 = u(2), u3 = u(3)
        out[0] = u0
        let e1 = u0 + u2, o1 = u1 + u3
        out[stride] = e1 + o1
        out[2 * stride] = e1 - o1
        let e2 = u0 + V8(repeating: 0.25) * u2, o2 = V8(repeating: 0.5) * u1 + V8(repeating: 0.125) * u3
        out[3 * stride] = e2 + o2
        out[4 * stride] = e2 - o2
        let e3 = u0 + V8(repeating: 4) * u2, o3 = V8(repeating: 2) * u1 + V8(repeating: 8) * u3
        out[5 * stride] = e3 + o3
        out[6 * stride] = e3 - o3
        out[7 * stride] = u3
    }
}
