import XCTest
@testable import JuleData
import _JuleTestSupport

/// Every mirrored dataset fetched with the repository's `datasets.json` — the code path of `jule data fetch` —
/// verified, decoded and cached with the exact counts and per-class counts of the mirror's README.
final class MirrorIntegrationTests: XCTestCase {
    func testEveryMirroredDatasetDecodesWithTheDocumentedCounts() throws {
        guard let mirror = datasetMirror() else { throw XCTSkip("dataset mirror ../shared/datasets not present") }
        let cache = try makeTemporaryDirectory(prefix: "jule-mirror-cache")
        defer { try? FileManager.default.removeItem(at: cache) }
        let registry = try DatasetRegistry.load(from: DatasetRegistryTests.repositoryRegistry)
        let store = DatasetStore(registry: registry, cacheDirectory: cache, mirror: mirror, quiet: true, allowNetwork: false)

        // COIL-100: 72 per object minus the files MISSING.txt lists, over the objects present.
        let missingText = try String(contentsOf: mirror.appendingPathComponent("COIL-100/MISSING.txt"), encoding: .utf8)
        var coil100 = [Int](repeating: 72, count: 101)
        for line in missingText.split(separator: "\n") where !line.hasPrefix("#") {
            guard let name = line.split(separator: " ").last, name.hasPrefix("obj"),
                  let k = Int(name.dropFirst(3).prefix(while: { $0.isNumber })) else { continue }
            coil100[k] -= 1
        }
        let coil100Present = coil100.dropFirst().filter { $0 > 0 }
        let mnistTest = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
        let mnistTrain = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
        let expected: [(String, [Int], [Int])] = [
            ("MNIST-test", mnistTest, [1, 28, 28]),
            ("MNIST-full", zip(mnistTest, mnistTrain).map { $0 + $1 }, [1, 28, 28]),
            ("USPS", [Int](repeating: 1100, count: 10), [1, 16, 16]),
            ("COIL-20", [Int](repeating: 72, count: 20), [1, 128, 128]),
            ("COIL-100", Array(coil100Present), [3, 128, 128]),
            ("CMU-PIE", [Int](repeating: 42, count: 68), [1, 32, 32]),
            ("UMist", [38, 35, 26, 24, 26, 23, 19, 22, 20, 32, 34, 34, 26, 30, 19, 26, 26, 33, 48, 34], [1, 32, 32]),
        ]
        XCTAssertEqual(coil100Present.reduce(0, +), 7098)
        for (name, perClass, shape) in expected {
            let outcome = try store.fetch(name)
            guard case .built(_, "mirror", nil) = outcome.action else { return XCTFail("\(name): \(outcome.action)") }
            let dataset = outcome.dataset
            XCTAssertEqual(dataset.countsPerClass, perClass, name)
            XCTAssertEqual(dataset.count, perClass.reduce(0, +), name)
            XCTAssertEqual([dataset.channels, dataset.height, dataset.width], shape, name)
            // Read back from the HDF5 cache, fully verified.
            let cached = try store.fetch(name)
            XCTAssertEqual(cached.action, .cached, name)
            XCTAssertEqual(cached.dataset.labels, dataset.labels, name)
            XCTAssertEqual(cached.dataset.pixels == dataset.pixels, true, name)
        }
        let mnist = try store.load("MNIST-test")
        XCTAssertEqual(Array(mnist.labels.prefix(5)), [7, 2, 1, 0, 4])
        // MNIST-full is train then test: its last 10,000 images are MNIST-test.
        let full = try store.load("MNIST-full")
        XCTAssertEqual(Array(full.labels.suffix(10_000)), mnist.labels)
        // COIL-20 label k holds obj{k+1}: the first image is obj1__0.png, decoded from the mirror directly.
        let coil20 = try store.load("COIL-20")
        let png = try Data(contentsOf: mirror.appendingPathComponent("COIL-20/coil-20-proc/obj1__0.png"))
        let reference = try png.withUnsafeBytes { try PNGCodec.decode($0, channels: 1, file: "obj1__0.png") }
        XCTAssertEqual(Array(coil20.pixels.prefix(128 * 128)), reference.pixels)
    }

    func testUSPSCopiesAgreeOnDigitLabels() throws {
        // The two USPS copies store labels differently (gnd − 1, labels mod 10); decoded, they must agree image by image.
        guard let mirror = datasetMirror() else { throw XCTSkip("dataset mirror ../shared/datasets not present") }
        let entry = try DatasetRegistry.load(from: DatasetRegistryTests.repositoryRegistry).entry(named: "USPS")
        let decoded = try entry.sources.map { set -> DecodedImages in
            let url = mirror.appendingPathComponent(set.files[0].path)
            return try MATDecoder.decode(try Data(contentsOf: url), parameters: set.parameters, file: url.path)
        }
        XCTAssertEqual(decoded.count, 2)
        XCTAssertEqual(decoded[0].pixels, decoded[1].pixels)
        XCTAssertEqual(decoded[0].labels, decoded[1].labels)
    }
}
