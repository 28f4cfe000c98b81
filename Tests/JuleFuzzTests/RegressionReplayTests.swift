import Foundation
import JuleData
import JuleFuzzTargets
import XCTest

/// Replays every input libFuzzer ever crashed on (`Fuzz/regressions/<target>/`, committed with the fix) and every
/// seed through its target: each must now be refused cleanly or accepted, never crash. A regression would end the
/// test process with the crash, naming the file in the log line printed before it.
final class RegressionReplayTests: XCTestCase {
    private var savedLimits = DecodeLimits.current

    override func setUp() {
        super.setUp()
        savedLimits = DecodeLimits.current
        FuzzTargets.prepare()
    }

    override func tearDown() {
        DecodeLimits.current = savedLimits      // the other test targets share this process
        super.tearDown()
    }

    static var fuzzFolder: URL {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }      // Tests/JuleFuzzTests/<file> → repository root
        return root.appendingPathComponent("Fuzz")
    }

    func testEveryRegressionFolderNamesATarget() throws {
        let folder = Self.fuzzFolder.appendingPathComponent("regressions")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names where !name.hasPrefix(".") && name != "README.md" {
            XCTAssertNotNil(FuzzTargets.named(name), "Fuzz/regressions/\(name) is not a fuzz target")
        }
    }

    func testCrashInputsReplayCleanly() throws {
        var replayed = 0
        for target in FuzzTargets.all {
            let folder = Self.fuzzFolder.appendingPathComponent("regressions/\(target.name)")
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
            for file in files {
                let url = folder.appendingPathComponent(file)
                print("replaying Fuzz/regressions/\(target.name)/\(file)")
                target.run(try Data(contentsOf: url))
                replayed += 1
            }
        }
        print("replayed \(replayed) crash inputs")
    }

    func testSeedsAreAccepted() throws {
        // Every seed goes through its target (which would trap on a broken property) and must be accepted, so the
        // seeds stay valid examples of their formats. Targets that try several layouts on one input (IDX as images
        // and as labels, MAT as fea/gnd and as DAT/labels) accept each seed in at least one of them.
        let seeds = try FuzzSeeds.all()
        XCTAssertEqual(Set(seeds.keys), Set(FuzzTargets.all.map(\.name)), "every target has seeds")
        FuzzCheck.recordRefusals = true
        defer { FuzzCheck.recordRefusals = false }
        let layouts = ["idx": 2, "mat": 2, "mat-zlib": 2]
        for target in FuzzTargets.all {
            let files = try XCTUnwrap(seeds[target.name])
            XCTAssertFalse(files.isEmpty, "\(target.name) has seeds")
            for (name, data) in files {
                XCTAssertLessThanOrEqual(data.count, target.maxLength, "\(target.name)/\(name) fits -max_len")
                FuzzCheck.refusals = []
                target.run(data)
                let allowed = (layouts[target.name] ?? 1) - 1
                XCTAssertLessThanOrEqual(FuzzCheck.refusals.count, allowed,
                                         "\(target.name)/\(name) refused: \(FuzzCheck.refusals.joined(separator: " | "))")
            }
        }
    }
}
