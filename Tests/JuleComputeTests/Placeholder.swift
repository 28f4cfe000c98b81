import XCTest
final class JuleComputeTestsPlaceholder: XCTestCase { func testTargetBuilds() {} }
