import Foundation
import XCTest
import _JuleTestSupport

/// `jule embed` + `jule cluster --features embeddings --portable` re-run a finished portable run's JULE-RC on its
/// network without training (how results/ablations/collapse.sh pairs the default's RC with each switch's).
final class ReclusterCommandTests: XCTestCase {
    func testPortableReclusteringGivesTheRecordedRCBack() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try OwnDataFixtures().writeNPZ(cli.url("set.npz"))
        XCTAssertEqual(try cli.run(["data", "import", "own", "--from", cli.url("set.npz").path, "--quiet"]).status, 0)
        for (name, extra) in [("plain", [String]()), ("one-way", ["--set", "clustering.rcOneWayMerge=true"])] {
            let trained = try cli.run(["train", "own", "--portable", "--epochs-per-period", "1", "--out", "runs/\(name)"] + extra)
            XCTAssertEqual(trained.status, 0, trained.output)
            let embedded = try cli.run(["embed", "--run", "runs/\(name)", "--images", cli.cache.appendingPathComponent("own.h5").path,
                                        "--out", "\(name).h5"])
            XCTAssertEqual(embedded.status, 0, embedded.output)
            let clustered = try cli.run(["cluster", "own", "--features", "embeddings", "--embeddings", "\(name).h5",
                                         "--portable", "--out", "\(name).txt"] + extra)
            XCTAssertEqual(clustered.status, 0, clustered.output)
            if !extra.isEmpty { XCTAssertTrue(clustered.stderr.contains("one-way merges"), clustered.output) }
            let recorded = try String(contentsOf: cli.url("runs/\(name)/labels-rc.txt"), encoding: .utf8)
            XCTAssertEqual(try String(contentsOf: cli.url("\(name).txt"), encoding: .utf8), recorded, name)
        }
        // --set reaches K_s and η like --neighbours and --eta (it used to be overwritten by their defaults); both at
        // once is an error.
        let byOption = try cli.run(["cluster", "own", "--neighbours", "3", "--eta", "0.5", "--out", "option.txt"])
        let bySet = try cli.run(["cluster", "own", "--set", "clustering.neighbourCount=3", "--set", "clustering.unrollingRate=0.5",
                                 "--out", "set.txt"])
        let byDefault = try cli.run(["cluster", "own", "--out", "default.txt"])
        for run in [byOption, bySet, byDefault] { XCTAssertEqual(run.status, 0, run.output) }
        XCTAssertEqual(byOption.stderr, bySet.stderr, "the same clustering calls")
        XCTAssertNotEqual(byOption.stderr, byDefault.stderr, "K_s 3 and η 0.5 are not the defaults' calls")
        XCTAssertEqual(try Data(contentsOf: cli.url("option.txt")), try Data(contentsOf: cli.url("set.txt")))
        assertCleanError(try cli.run(["cluster", "own", "--neighbours", "3", "--set", "clustering.neighbourCount=4"]),
                         mentions: ["--neighbours", "clustering.neighbourCount", "not both"])
        // Only clustering settings apply to `jule cluster`.
        let refused = try cli.run(["cluster", "own", "--set", "training.margin=0.3"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("only clustering.* settings"), refused.output)
    }
}
