import Foundation
import XCTest
import JuleData
import _JuleTestSupport

/// The signals-and-concurrency trial: parallel commands on one cache or folder, closed pipes, and signals at any
/// moment leave every entry, no lock and no temporary file behind.
final class SignalsAndConcurrencyTrialTests: XCTestCase {
    /// Six imports at once all end in `imported.json` (without the registry's lock two or three of six survived:
    /// each wrote back the entries it had read), and removing them at once leaves none.
    func testConcurrentImportsAndRemovesKeepEveryEntry() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try OwnDataFixtures(perClass: 20).writeNPZ(cli.url("own.npz"))
        let names = (1...6).map { "par-\($0)" }
        let imports = try names.map { try cli.start(["data", "import", $0, "--from", cli.url("own.npz").path, "--quiet"], log: $0) }
        for (name, process) in zip(names, imports) {
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, cli.result(of: process, log: name).output)
        }
        let registry = try DatasetRegistry.load(from: cli.cache.appendingPathComponent("imported.json"))
        XCTAssertEqual(Set(registry.datasets.map(\.name)), Set(names))
        let removes = try names.prefix(5).map { try cli.start(["data", "remove", $0], log: "rm-\($0)") }
        for process in removes { process.waitUntilExit(); XCTAssertEqual(process.terminationStatus, 0) }
        let left = try DatasetRegistry.load(from: cli.cache.appendingPathComponent("imported.json"))
        XCTAssertEqual(left.datasets.map(\.name), ["par-6"])
    }
}
