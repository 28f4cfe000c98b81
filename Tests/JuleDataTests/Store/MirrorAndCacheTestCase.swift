import XCTest
import _JuleTestSupport

/// A test case with a fresh temporary mirror and cache folder per test, removed afterwards: what every
/// `DatasetStore` test fetches from and into.
class MirrorAndCacheTestCase: XCTestCase {
    var mirror: URL!
    var cache: URL!

    override func setUpWithError() throws {
        mirror = try makeTemporaryDirectory(prefix: "jule-mirror")
        cache = try makeTemporaryDirectory(prefix: "jule-cache")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: mirror)
        try? FileManager.default.removeItem(at: cache)
    }
}
