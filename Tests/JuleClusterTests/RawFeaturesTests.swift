import XCTest
@testable import JuleCluster

final class RawFeaturesTests: XCTestCase {
    func testRenormAndL2() {
        // Row 0: norm 2 (> 1) → scaled to ≈1; row 1: norm 0.6/√… ≤ 1 → unchanged under renorm.
        let pixels: [UInt8] = [255, 255, 255, 255, 51, 0, 0, 0]
        let renorm = RawFeatures.make(pixels: pixels, count: 2, dimension: 4, normalisation: .torchRenorm)
        XCTAssertEqual(Double(renorm[0]), 0.5 / (1 + 0.5e-7), accuracy: 1e-7)
        XCTAssertEqual(renorm[4], 0.2)
        let l2 = RawFeatures.make(pixels: pixels, count: 2, dimension: 4, normalisation: .l2)
        XCTAssertEqual(l2[4], 1, accuracy: 1e-6)
        XCTAssertEqual(l2[5], 0)
    }
}
