import XCTest
final class JuleClusterTestsPlaceholder: XCTestCase { func testTargetBuilds() {} }
