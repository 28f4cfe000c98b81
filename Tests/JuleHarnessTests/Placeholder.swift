import XCTest
final class JuleHarnessTestsPlaceholder: XCTestCase { func testTargetBuilds() {} }
