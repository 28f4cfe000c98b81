#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// Which implementation of the elementary functions a computation uses.
///
/// The C library's `exp`, `log`, `cos` and `pow` are not the same code everywhere: glibc picks FMA variants by
/// processor at load time and its algorithms change between versions, so their last bits may differ between two
/// machines. A run in portable mode (`compute.portable`) uses `PortableMath` for everything that feeds its results
/// (network initialisation, learning rate, affinities, metrics).
public enum MathFunctions: String, Codable, Sendable, CaseIterable {
    /// The C library's functions (what every run outside portable mode used and uses).
    case system
    /// `PortableMath`: plain double arithmetic compiled into this package, the same bits on every machine.
    case portable

    @inline(__always)
    public func exp(_ x: Double) -> Double {
        switch self {
        case .system: return _systemExp(x)
        case .portable: return PortableMath.exp(x)
        }
    }

    @inline(__always)
    public func log(_ x: Double) -> Double {
        switch self {
        case .system: return _systemLog(x)
        case .portable: return PortableMath.log(x)
        }
    }

    @inline(__always)
    public func cos(_ x: Double) -> Double {
        switch self {
        case .system: return _systemCos(x)
        case .portable: return PortableMath.cos(x)
        }
    }

    @inline(__always)
    public func pow(_ x: Double, _ y: Double) -> Double {
        switch self {
        case .system: return _systemPow(x, y)
        case .portable: return PortableMath.pow(x, y)
        }
    }
}

/// Elementary functions in plain double arithmetic (+, −, ×, ÷, rounding to an integer, bit manipulation; no fused
/// operations, no tables, no library calls), so their results depend only on the input, never on the processor or
/// the C library. Errors stay below about one ulp (`exp`, `log`, `cos`) and a few ulp (`pow`); they are not
/// correctly rounded, so they may differ from glibc in the last bit — which is the point: they never differ from
/// themselves. Own derivations (Taylor series after range reduction), written for this package.
public enum PortableMath {
    // ln 2 split so that k·ln2Hi is exact for |k| < 2¹² (ln2Hi has 41 significant bits).
    static let ln2Hi = 0x1.62e42fefa2000p-1
    static let ln2Lo = 0x1.9ef35793c7673p-41
    static let log2e = 0x1.71547652b82fep+0
    // π/2 in three parts, the first two with 33 significant bits, so k·part is exact for |k| < 2²⁰.
    static let halfPi1 = 0x1.921fb54400000p+0
    static let halfPi2 = 0x1.0b4611a600000p-34
    static let halfPi3 = 0x1.3198a2e037073p-69
    static let twoOverPi = 0x1.45f306dc9c883p-1
    static let sqrt2 = 0x1.6a09e667f3bcdp+0

    /// 2ᵏ for −1022 ≤ k ≤ 1023, from its bits.
    @inline(__always)
    static func power2(_ k: Int) -> Double { Double(bitPattern: UInt64(1023 + k) << 52) }

    /// eˣ.
    ///
    ///     x = k·ln 2 + r,  k = round(x / ln 2),  |r| ≤ ln 2 / 2   (r by Cody–Waite: x − k·ln2Hi exactly, − k·ln2Lo)
    ///     eʳ = 1 + r + r²·(1/2! + r/3! + … + r¹¹/13!)              (Taylor; the next term is below 2⁻⁵⁷·eʳ)
    ///     eˣ = 2ᵏ·eʳ
    ///
    /// Overflows to +∞ above ln(max) ≈ 709.78, underflows through the subnormals to 0 below ≈ −745.13; NaN stays NaN.
    public static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709.782712893384 { return .infinity }
        if x < -745.1332191019412 { return 0 }
        let k = (x * log2e).rounded(.toNearestOrEven)
        let r = (x - k * ln2Hi) - k * ln2Lo
        var q = 1.0 / 6227020800         // 1/13!
        q = q * r + 1.0 / 479001600      // 1/12!
        q = q * r + 1.0 / 39916800
        q = q * r + 1.0 / 3628800
        q = q * r + 1.0 / 362880
        q = q * r + 1.0 / 40320
        q = q * r + 1.0 / 5040
        q = q * r + 1.0 / 720
        q = q * r + 1.0 / 120
        q = q * r + 1.0 / 24
        q = q * r + 1.0 / 6
        q = q * r + 0.5
        let er = 1 + (r + r * r * q)
        let n = Int(k)
        if n > 1023 { return er * 2 * power2(n - 1) }
        if n < -1022 { return er * power2(n + 1000) * power2(-1000) }   // one rounding, in the subnormal range
        return er * power2(n)
    }

    /// ln x.
    ///
    ///     x = 2ᵉ·f,  f ∈ (√½, √2],   g = f − 1 (exact),   s = g / (2 + g)
    ///     ln f = 2·atanh s = 2s + 2s³/3 + 2s⁵/5 + …  = g − (s·g − 2s·T),   T = s²/3 + s⁴/5 + … + s²²/23
    ///
    /// (2s = g − s·g because s·(2 + g) = g), |s| ≤ 0.172, and the first omitted term is below 2⁻⁵⁸·|ln f|.
    /// ln x = e·ln2Hi + (ln f + e·ln2Lo). ln 0 = −∞, ln of a negative number or NaN is NaN, ln +∞ = +∞.
    public static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return x }
        var m = x, e = 0
        if m < .leastNormalMagnitude { m *= 0x1p54; e = -54 }
        let bits = m.bitPattern
        e += Int((bits >> 52) & 0x7ff) - 1023
        var f = Double(bitPattern: (bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000)
        if f > sqrt2 { f *= 0.5; e += 1 }
        let g = f - 1
        let s = g / (2 + g)
        let z = s * s
        var t = 1.0 / 23
        t = t * z + 1.0 / 21
        t = t * z + 1.0 / 19
        t = t * z + 1.0 / 17
        t = t * z + 1.0 / 15
        t = t * z + 1.0 / 13
        t = t * z + 1.0 / 11
        t = t * z + 1.0 / 9
        t = t * z + 1.0 / 7
        t = t * z + 1.0 / 5
        t = t * z + 1.0 / 3
        t *= z
        let lnf = g - (s * g - 2 * s * t)
        let k = Double(e)
        return k * ln2Hi + (lnf + k * ln2Lo)
    }

    /// cos x for |x| < 2²⁰ (the Box–Muller angles 2π·u are below 2π; larger arguments are reduced less accurately
    /// but still deterministically).
    ///
    ///     x = k·π/2 + r,  |r| ≤ π/4   (r by three-part Cody–Waite)
    ///     cos x = cos r, −sin r, −cos r, sin r   for k mod 4 = 0, 1, 2, 3
    ///     cos r = 1 − r²/2 + r⁴/4! − … + r¹⁶/16!,   sin r = r − r³/3! + … + r¹⁷/17!   (next terms below 2⁻⁵⁸)
    public static func cos(_ x: Double) -> Double {
        if !x.isFinite { return .nan }
        let k = (x * twoOverPi).rounded(.toNearestOrEven)
        let r = ((x - k * halfPi1) - k * halfPi2) - k * halfPi3
        let quadrant = Int(k.truncatingRemainder(dividingBy: 4)) & 3
        switch quadrant {
        case 0: return cosine(r)
        case 1: return -sine(r)
        case 2: return -cosine(r)
        default: return sine(r)
        }
    }

    /// cos r for |r| ≤ π/4.
    static func cosine(_ r: Double) -> Double {
        let z = r * r
        var c = 1.0 / 20922789888000       // 1/16!
        c = c * z - 1.0 / 87178291200      // 1/14!
        c = c * z + 1.0 / 479001600
        c = c * z - 1.0 / 3628800
        c = c * z + 1.0 / 40320
        c = c * z - 1.0 / 720
        c = c * z + 1.0 / 24
        return 1 - (0.5 * z - z * z * c)
    }

    /// sin r for |r| ≤ π/4.
    static func sine(_ r: Double) -> Double {
        let z = r * r
        var c = 1.0 / 355687428096000      // 1/17!
        c = c * z - 1.0 / 1307674368000    // 1/15!
        c = c * z + 1.0 / 6227020800
        c = c * z - 1.0 / 39916800
        c = c * z + 1.0 / 362880
        c = c * z - 1.0 / 5040
        c = c * z + 1.0 / 120
        c = c * z - 1.0 / 6
        return r + r * z * c
    }

    /// xʸ = e^(y·ln x) for x > 0 (the learning-rate schedule's base 1 + γ·t); 0ʸ is 0 for y > 0, +∞ for y < 0, 1 for
    /// y = 0; negative bases give NaN. The error grows with |y·ln x| (a few ulp for the schedule's arguments).
    public static func pow(_ x: Double, _ y: Double) -> Double {
        if y == 0 { return 1 }
        if x.isNaN || y.isNaN || x < 0 { return .nan }
        if x == 0 { return y > 0 ? 0 : .infinity }
        if x == 1 { return 1 }
        return exp(y * log(x))
    }
}

#if canImport(Glibc)
@inline(__always) private func _systemExp(_ x: Double) -> Double { Glibc.exp(x) }
@inline(__always) private func _systemLog(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) private func _systemCos(_ x: Double) -> Double { Glibc.cos(x) }
@inline(__always) private func _systemPow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
#else
@inline(__always) private func _systemExp(_ x: Double) -> Double { Foundation.exp(x) }
@inline(__always) private func _systemLog(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) private func _systemCos(_ x: Double) -> Double { Foundation.cos(x) }
@inline(__always) private func _systemPow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
#endif
