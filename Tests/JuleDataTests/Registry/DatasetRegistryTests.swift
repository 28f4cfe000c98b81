import XCTest
@testable import JuleData
import _JuleTestSupport

final class DatasetRegistryTests: XCTestCase {
    static var repositoryRegistry: URL {
        var root = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) { root.deleteLastPathComponent() }
        return root.appendingPathComponent("datasets.json")
    }

    func testRepositoryRegistryHoldsTheEighteenDatasets() throws {
        let registry = try DatasetRegistry.load(from: Self.repositoryRegistry)
        XCTAssertEqual(registry.datasets.map(\.name), [
            "MNIST-test", "MNIST-full", "USPS", "COIL-20", "COIL-100", "UMist", "FRGC", "CMU-PIE", "YTF", "CIFAR-10",
            "CIFAR-100", "STL-10", "ImageNet-10", "ImageNet-dog-15", "Tiny-ImageNet", "CUB-200", "Stanford-Cars", "Stanford-Dogs"])
        let umist = try registry.entry(named: "umist")
        XCTAssertEqual(umist.network, "UMist-32")
        XCTAssertEqual(umist.eta, 0.2)
        XCTAssertEqual(umist.shape, [1, 32, 32])
        XCTAssertEqual(try registry.entry(named: "COIL-20").claims.first { $0.metric == "NMI" && $0.variant == "RC" }?.value, 1.0)
        XCTAssertEqual(try registry.entry(named: "MNIST-full").claims.first { $0.metric == "ACC" && $0.variant == "RC" }?.value, 0.964)
        for entry in registry.datasets {
            XCTAssertEqual(entry.epochsPerPeriod, 20)
            XCTAssertEqual(entry.eta, ["UMist", "FRGC", "CMU-PIE", "YTF"].contains(entry.name) ? 0.2 : 0.9, entry.name)
        }
        XCTAssertThrowsError(try registry.entry(named: "MNIST-7")) { error in
            XCTAssertTrue("\(error)".hasPrefix("unknown dataset 'MNIST-7'; known: MNIST-test, MNIST-full"), "\(error)")
        }
    }

    func testSchemaViolationsAreNamed() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try String(contentsOf: Self.repositoryRegistry, encoding: .utf8)
        let cases: [(String, String, String)] = [
            ("\"decoder\": \"idx\"", "\"decoder\": \"tiff\"", "unknown decoder 'tiff'"),
            ("0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", "0FA7", "is not 64 lowercase hex digits"),
            ("\"eta\": 0.9", "\"eta\": 1.5", "eta 1.5 not in (0, 1]"),
            ("\"metric\": \"NMI\"", "\"metric\": \"F1\"", "claim metric 'F1'"),
            ("\"schemaVersion\": 1", "\"schemaVersion\": 2", "schemaVersion 2"),
            ("\"network\": \"USPS\",", "", "missing field 'network'"),
        ]
        for (find, replace, message) in cases {
            guard let range = original.range(of: find) else { return XCTFail("fixture text \(find) not found") }
            let url = directory.appendingPathComponent("bad.json")
            try original.replacingCharacters(in: range, with: replace).write(to: url, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try DatasetRegistry.load(from: url)) { error in
                let text = "\(error)"
                XCTAssertTrue(text.hasPrefix(url.path) && text.contains(message), "\(text) should mention \(message)")
                XCTAssertFalse(text.contains("\n"))
            }
        }
    }
}
