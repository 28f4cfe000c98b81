import XCTest
@testable import JuleData
import _JuleTestSupport

/// Cache behaviour of `DatasetStore` on a small synthetic IDX dataset: idempotent fetch, corrupt and stale caches
/// rebuilt, checksum mismatches and unavailable sources reported in one line, no partial cache left.
final class DatasetStoreTests: MirrorAndCacheTestCase {
    var registry: DatasetRegistry!

    override func setUpWithError() throws {
        try super.setUpWithError()
        let images = Fixtures.idx(dims: [4, 5, 5], values: Fixtures.bytes(100, seed: 9))
        let labels = Fixtures.idx(dims: [4], values: [1, 0, 1, 0])
        try Fixtures.write(images, "digits/images.idx", under: mirror)
        try Fixtures.write(labels, "digits/labels.idx", under: mirror)
        registry = try Fixtures.registry(classes: 2, count: 4, shape: [1, 5, 5], decoder: "idx", parameters: DecoderParameters(), files: [
            SourceFile(role: "images", path: "digits/images.idx", sha256: Digest.sha256(images)),
            SourceFile(role: "labels", path: "digits/labels.idx", sha256: Digest.sha256(labels), bytes: labels.count),
        ])
    }

    func store(_ registry: DatasetRegistry? = nil, network: Bool = false) -> DatasetStore {
        DatasetStore(registry: registry ?? self.registry, cacheDirectory: cache, mirror: mirror, quiet: true, allowNetwork: network)
    }

    func testFetchIsIdempotentAndCorruptOrStaleCachesAreRebuilt() throws {
        let first = try store().fetch("synthetic")
        XCTAssertEqual(first.action, .built(source: "mirror", origin: "mirror", replaced: nil))
        XCTAssertEqual(first.dataset.labels, [1, 0, 1, 0])
        let modified = try FileManager.default.attributesOfItem(atPath: first.cacheURL.path)[.modificationDate] as? Date
        let second = try store().fetch("Synthetic")
        XCTAssertEqual(second.action, .cached)
        XCTAssertEqual(second.dataset.pixels, first.dataset.pixels)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: first.cacheURL.path)[.modificationDate] as? Date, modified)

        // Flip a byte of the stored (deflated) pixels: the chunk no longer reads, and fetch rebuilds.
        var bytes = try Data(contentsOf: first.cacheURL)
        let pixels = first.dataset.pixels
        guard let offset = bytes.firstRange(of: Data(pixels.prefix(16)))?.lowerBound else {
            return XCTFail("pixel bytes not found in the cache file (random bytes are stored verbatim by deflate)")
        }
        bytes[offset] ^= 0xFF
        try bytes.write(to: first.cacheURL)
        guard case .failure(let error) = store().validateCache(try registry.entry(named: "Synthetic")) else { return XCTFail("corruption not detected") }
        XCTAssertTrue("\(error)".hasPrefix("\(first.cacheURL.path): cache unusable: "), "\(error)")
        let third = try store().fetch("Synthetic")
        guard case .built(_, _, _?) = third.action else { return XCTFail("not rebuilt: \(third.action)") }
        XCTAssertEqual(third.dataset.pixels, pixels)

        // Readable arrays whose recorded content digest disagrees: caught by the digest check.
        let file = try HDF5File.open(at: first.cacheURL, writable: true)
        try file.setAttribute("contentSHA256", to: String(repeating: "0", count: 64))
        try file.flushAndClose()
        guard case .failure(let digestError) = store().validateCache(try registry.entry(named: "Synthetic")) else { return XCTFail("digest not checked") }
        XCTAssertTrue("\(digestError)".contains("differs from the recorded") && "\(digestError)".contains("(corrupt)"), "\(digestError)")
        guard case .built = try store().fetch("Synthetic").action else { return XCTFail("corrupt cache kept") }

        // Garbage instead of HDF5: rebuilt too.
        try Data("garbage".utf8).write(to: first.cacheURL)
        guard case .built = try store().fetch("Synthetic").action else { return XCTFail("garbage cache kept") }

        // A registry whose digests changed makes the cache stale.
        let entry = try registry.entry(named: "Synthetic")
        var files = entry.sources[0].files
        files[1] = SourceFile(role: "labels", path: files[1].path, md5: try Digest.hex(.md5, ofFile: mirror.appendingPathComponent(files[1].path)))
        let changed = try Fixtures.registry(classes: 2, count: 4, shape: [1, 5, 5], decoder: "idx", parameters: DecoderParameters(), files: files)
        guard case .built(_, _, let reason?) = try store(changed).fetch("Synthetic").action else { return XCTFail("stale cache kept") }
        XCTAssertTrue(reason.contains("stale"), reason)
    }

    func testChecksumMismatchLeavesNoCache() throws {
        try Fixtures.write(Fixtures.idx(dims: [4], values: [0, 0, 1, 1]), "digits/labels.idx", under: mirror)
        XCTAssertThrowsError(try store().load("Synthetic")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("Synthetic: \(mirror.appendingPathComponent("digits/labels.idx").path): sha256 "), text)
            XCTAssertTrue(text.contains(", expected "), text)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasSuffix(".h5") || $0.hasSuffix(".tmp") }, [])
    }

    func testUnavailableSourcesSayNotAvailableOffline() throws {
        let url = "http://127.0.0.1:9/never.idx"
        let registry = try Fixtures.registry(name: "Remote", classes: 2, count: 4, shape: [1, 5, 5], decoder: "idx", parameters: DecoderParameters(), files: [
            SourceFile(role: "images", path: "remote/images.idx", urls: [url], md5: String(repeating: "0", count: 32)),
            SourceFile(role: "labels", path: "remote/labels.idx", urls: [url], md5: String(repeating: "0", count: 32)),
        ])
        XCTAssertThrowsError(try store(registry).load("Remote")) { error in
            XCTAssertEqual("\(error)", "Remote: not available offline (the mirror \(mirror.path) has no copy; looked for remote/images.idx (missing), remote/labels.idx (missing) in \(mirror.path)/ and \(cache.path)/downloads/, and network use is off)")
        }
        // Port 9 refuses connections: reported as offline, not as a crash or a partial file.
        XCTAssertThrowsError(try store(registry, network: true).load("Remote")) { error in
            XCTAssertTrue("\(error)".hasPrefix("Remote: not available offline (the mirror \(mirror.path) has no copy; looked for remote/images.idx (missing), remote/labels.idx (missing) in \(mirror.path)/ and \(cache.path)/downloads/; \(url): "), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache.appendingPathComponent("downloads/remote/images.idx").path))
        XCTAssertThrowsError(try store().load("Nonesuch")) { error in
            XCTAssertEqual("\(error)", "unknown dataset 'Nonesuch'; known: Synthetic. Try: jule data list")
        }
    }
}
