import Foundation
import XCTest
import JuleData

/// `PortableMath` against the C library (both within about an ulp of the true value, so within a few ulp of each
/// other), its limit cases, and pinned bit patterns: portable runs depend on these exact bits, so a change here must
/// be deliberate (and changes the golden digest of `PortableRunGoldenTests`).
final class PortableMathTests: XCTestCase {
    /// Distance in units in the last place between two finite doubles of the same sign.
    func ulps(_ a: Double, _ b: Double) -> UInt64 {
        if a == b { return 0 }
        let x = a.bitPattern, y = b.bitPattern
        return x > y ? x - y : y - x
    }

    func testCloseToTheCLibrary() {
        var rng = SeededGenerator(seed: 3)
        var worst: [String: UInt64] = [:]
        func check(_ name: String, _ mine: Double, _ libm: Double, _ bound: UInt64) {
            let d = ulps(mine, libm)
            worst[name] = max(worst[name] ?? 0, d)
            XCTAssertLessThanOrEqual(d, bound, "\(name): \(mine) vs \(libm)")
        }
        for _ in 0..<200_000 {
            let wide = (rng.nextDouble() * 2 - 1) * 740
            let small = (rng.nextDouble() * 2 - 1) * 2
            check("exp", PortableMath.exp(wide), Foundation.exp(wide), 2)
            check("exp", PortableMath.exp(small), Foundation.exp(small), 2)
            // Positive doubles of every exponent, and values near 1 (where ln x is small).
            let x = Double(sign: .plus, exponent: Int(rng.next() % 2000) - 1000, significand: 1 + rng.nextDouble())
            let near1 = 1 + (rng.nextDouble() - 0.5) * 1e-3
            check("log", PortableMath.log(x), Foundation.log(x), 2)
            check("log", PortableMath.log(near1), Foundation.log(near1), 2)
            let angle = 2 * Double.pi * rng.nextDouble()
            // cos near its zeros is tiny: compare absolutely there.
            let c = PortableMath.cos(angle), libm = Foundation.cos(angle)
            if abs(libm) > 0.01 { check("cos", c, libm, 2) } else { XCTAssertEqual(c, libm, accuracy: 1e-17) }
            let t = Double(rng.next() % 1_000_000)
            check("pow", PortableMath.pow(1 + 1e-4 * t, -0.75), Foundation.pow(1 + 1e-4 * t, -0.75), 8)
        }
        print("PortableMath worst ulp distance to the C library: \(worst.sorted { $0.key < $1.key })")
    }

    func testLimitCases() {
        XCTAssertEqual(PortableMath.exp(0), 1)
        XCTAssertEqual(PortableMath.exp(710), .infinity)
        XCTAssertEqual(PortableMath.exp(-746), 0)
        XCTAssertEqual(PortableMath.exp(-.infinity), 0)
        XCTAssertTrue(PortableMath.exp(.nan).isNaN)
        XCTAssertEqual(PortableMath.exp(-740), Foundation.exp(-740), accuracy: 0x1p-1074 * 2)   // subnormal result
        XCTAssertEqual(PortableMath.exp(709.7), Foundation.exp(709.7), accuracy: Foundation.exp(709.7) * 1e-15)
        XCTAssertEqual(PortableMath.log(1), 0)
        XCTAssertEqual(PortableMath.log(0), -.infinity)
        XCTAssertEqual(PortableMath.log(.infinity), .infinity)
        XCTAssertTrue(PortableMath.log(-1).isNaN)
        XCTAssertTrue(PortableMath.log(.nan).isNaN)
        XCTAssertEqual(PortableMath.log(0x1p-1074), Foundation.log(0x1p-1074), accuracy: 1e-12)   // subnormal input
        XCTAssertEqual(PortableMath.cos(0), 1)
        XCTAssertTrue(PortableMath.cos(.infinity).isNaN)
        XCTAssertEqual(PortableMath.cos(-2), Foundation.cos(-2), accuracy: 1e-16)
        XCTAssertEqual(PortableMath.pow(2, 0), 1)
        XCTAssertEqual(PortableMath.pow(0, 2), 0)
        XCTAssertEqual(PortableMath.pow(0, -1), .infinity)
        XCTAssertTrue(PortableMath.pow(-2, 0.5).isNaN)
        XCTAssertEqual(MathFunctions.system.exp(1), Foundation.exp(1))
        XCTAssertEqual(MathFunctions.portable.exp(1), PortableMath.exp(1))
    }

    /// The exact bits portable runs are made of (produced by this code; any machine must reproduce them).
    func testPinnedBits() {
        let pinned: [(String, Double, UInt64)] = [
            ("exp", PortableMath.exp(-0.3125), 0x3fe769652df22f7e),
            ("exp", PortableMath.exp(-17.25), 0x3e614f49dbc5078c),
            ("log", PortableMath.log(0.7), 0xbfd6d3c324e13f50),
            ("log", PortableMath.log(12345.678), 0x4022d79559791e31),
            ("cos", PortableMath.cos(2.5), 0xbfe9a2f7ef858b7d),
            ("cos", PortableMath.cos(5.9), 0x3fedade73ef95029),
            ("pow", PortableMath.pow(1.0123, -0.75), 0x3fefb53baa6c826d),
        ]
        for (name, value, bits) in pinned {
            XCTAssertEqual(value.bitPattern, bits, "\(name) = \(value) (0x\(String(value.bitPattern, radix: 16)))")
        }
        var g = SeededGenerator(seed: 1)
        XCTAssertEqual(g.nextGaussian(using: .portable).bitPattern, 0xbfeaa5d15d61bbde)
    }
}
