import XCTest
@testable import JuleCluster

/// Scores print without a minus sign when they round to zero (the new-user trial saw ARI `-0.000`).
final class ScoreTextTests: XCTestCase {
    func testNegativeZeroAfterRoundingPrintsAsZero() {
        XCTAssertEqual(ScoreText.fixed(-0.0001), "0.000")
        XCTAssertEqual(ScoreText.fixed(-0.0), "0.000")
        XCTAssertEqual(ScoreText.fixed(-0.00004, decimals: 4), "0.0000")
        XCTAssertEqual(ScoreText.fixed(-0.0001, signed: true), "+0.000")
        XCTAssertEqual(ScoreText.fixed(-0.000000001, decimals: 6), "0.000000")
    }

    func testOtherValuesKeepTheirSign() {
        XCTAssertEqual(ScoreText.fixed(-0.0006), "-0.001")
        XCTAssertEqual(ScoreText.fixed(-0.25, decimals: 4), "-0.2500")
        XCTAssertEqual(ScoreText.fixed(0.9126), "0.913")
        XCTAssertEqual(ScoreText.fixed(1), "1.000")
        XCTAssertEqual(ScoreText.fixed(0.0123, signed: true), "+0.012")
        XCTAssertEqual(ScoreText.fixed(-0.0123, signed: true), "-0.012")
        XCTAssertEqual(ScoreText.fixed(0, signed: true), "+0.000")
    }

    /// A difference that 3 decimals would print as the tolerance itself gets the digits that show its side.
    func testDifferenceAtTheToleranceShowsItsSide() {
        XCTAssertEqual(ScoreText.difference(0.0123, tolerance: 0.01), "+0.012")
        XCTAssertEqual(ScoreText.difference(0.0104, tolerance: 0.01), "+0.0104")
        XCTAssertEqual(ScoreText.difference(0.0096, tolerance: 0.01), "+0.0096")
        XCTAssertEqual(ScoreText.difference(-0.0101, tolerance: 0.01), "-0.0101")
        XCTAssertEqual(ScoreText.difference(-0.00999, tolerance: 0.01), "-0.00999")
        XCTAssertEqual(ScoreText.difference(0.923 - 0.913, tolerance: 0.01), "+0.010000")
    }
}
