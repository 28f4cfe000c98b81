import Foundation
import XCTest
import _JuleTestSupport

/// The data commands as a third new-user trial met them: a wrong `JULE_MIRROR`, a registry name that would take
/// over an import, files placed by hand under `<cache>/downloads/`, and what "not available" messages name.
final class DataLayerTrialTests: XCTestCase {
    /// `JULE_MIRROR` naming no folder is the error `--mirror` naming none is (exit 64), for fetch and sweep slurm alike;
    /// `--no-mirror` overrides it.
    func testMissingMirrorFromTheEnvironmentIsAnError() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let missing = cli.url("no-such-mirror").path
        for arguments in [["data", "fetch", "MNIST-test", "--offline"], ["data", "list"]] {
            let result = try cli.run(arguments, environment: ["JULE_MIRROR": missing])
            XCTAssertEqual(result.status, 64, result.output)
            XCTAssertTrue(result.stderr.hasPrefix("error: JULE_MIRROR=\(missing): no such directory"), result.output)
        }
        let off = try cli.run(["data", "fetch", "MNIST-test", "--offline", "--no-mirror"], environment: ["JULE_MIRROR": missing])
        XCTAssertEqual(off.status, 1, off.output)
        XCTAssertTrue(off.stderr.contains("the mirror is off (--no-mirror)"), off.output)
    }
}
