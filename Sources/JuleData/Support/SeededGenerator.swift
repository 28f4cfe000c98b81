/// A deterministic pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// Every random choice in the project flows from one of these, created from an explicit seed, so that
/// the same seed and thread count reproduce a run bit for bit. `split(stream:)` derives independent
/// generators for parallel workers or separate concerns (initialisation, shuffles, sampling) without
/// making the results depend on the order in which those concerns draw numbers.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var sm = seed
        func splitMix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(&sm); s1 = splitMix(&sm); s2 = splitMix(&sm); s3 = splitMix(&sm)
    }

    /// A generator for a named sub-stream: same seed and stream always give the same sequence.
    public func split(stream: UInt64) -> SeededGenerator {
        var copy = self
        let a = copy.next(), b = copy.next()
        return SeededGenerator(seed: a ^ (b &* 0x2545_F491_4F6C_DD1D) ^ (stream &* 0x9E37_79B9_7F4A_7C15))
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1) with 24 bits of precision.
    @inline(__always)
    public mutating func nextFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform in [0, 1) with 53 bits of precision.
    @inline(__always)
    public mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A standard normal variate (Box–Muller; one value per call, for simplicity of replay):
    /// √(−2·ln u₁)·cos(2π·u₂), with the C library's `log` and `cos` or, for portable runs, `PortableMath`'s.
    public mutating func nextGaussian(using functions: MathFunctions = .system) -> Double {
        var u1 = nextDouble()
        while u1 <= .leastNormalMagnitude { u1 = nextDouble() }
        let u2 = nextDouble()
        return (-2 * functions.log(u1)).squareRoot() * functions.cos(2 * Double.pi * u2)
    }
}
