import XCTest
@testable import JuleHarness

/// An unusable JULE_THREADS or JULE_PORTABLE_KERNEL is named, one line each; usable or unset ones say nothing.
final class EnvironmentWarningsTests: XCTestCase {
    func testUnusableValuesAreNamed() {
        let lines = EnvironmentWarnings.lines(environment: ["JULE_THREADS": "abc", "JULE_PORTABLE_KERNEL": "bogus"])
        XCTAssertEqual(lines.count, 2, "\(lines)")
        XCTAssertTrue(lines[0].hasPrefix("warning: JULE_THREADS=abc"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("warning: JULE_PORTABLE_KERNEL=bogus"), lines[1])
        XCTAssertEqual(EnvironmentWarnings.lines(environment: ["JULE_THREADS": "0"]).count, 1)
    }

    func testUsableOrUnsetValuesSayNothing() {
        XCTAssertEqual(EnvironmentWarnings.lines(environment: [:]), [])
        XCTAssertEqual(EnvironmentWarnings.lines(environment: ["JULE_THREADS": "2", "JULE_PORTABLE_KERNEL": "scalar"]), [])
    }
}
