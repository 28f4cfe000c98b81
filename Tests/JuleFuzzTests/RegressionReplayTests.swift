import Foundation
import JuleData
import JuleFuzzTargets
import XCTest
import _JuleTestSupport

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

/// Inputs on which Debian's libhdf5 1.10.8 itself faults (`Fuzz/third-party/<target>/libhdf5-*`): not fixable in this
/// project (newer HDF5 refuses the same files cleanly). `CHDF5Guard` must turn each fault into one line naming the
/// file and exit status 1, so each runs in a child process: this test binary again, filtered to
/// `testReplayOneInputInThisProcess`. Files named `*-allocation-*` are not replayed: libhdf5 allocates gigabytes
/// for them before it fails.
final class ThirdPartyFaultTests: XCTestCase {
    func testLibHDF5FaultsEndWithOneLineAndStatus1() throws {
        let root = RegressionReplayTests.fuzzFolder.appendingPathComponent("third-party")
        var replayed = 0
        for target in FuzzTargets.all {
            let folder = root.appendingPathComponent(target.name)
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
                .filter { !$0.hasPrefix(".") && !$0.contains("-allocation-") }.sorted()
            for file in files {
                var environment = ProcessInfo.processInfo.environment
                environment["JULE_FUZZ_REPLAY"] = target.name + ":" + folder.appendingPathComponent(file).path
                environment["SWIFT_BACKTRACE"] = "enable=no"
                let child = try FinishedProcess(URL(fileURLWithPath: CommandLine.arguments[0]),
                                                ["JuleFuzzTests.ThirdPartyFaultTests/testReplayOneInputInThisProcess"],
                                                environment: environment)
                let text = child.stderr
                XCTAssertEqual(child.reason, .exit, "\(target.name)/\(file) ended by a signal: \(text)")
                if child.status != 0 {
                    let lines = text.split(separator: "\n").filter { $0.contains("the HDF5 library failed on this file") }
                    XCTAssertEqual(child.status, 1, "\(target.name)/\(file): \(text)")
                    XCTAssertEqual(lines.count, 1, "\(target.name)/\(file): one line naming the file: \(text)")
                }
                replayed += 1
            }
        }
        XCTAssertGreaterThan(replayed, 0, "Fuzz/third-party holds the libhdf5 reproducers")
    }

    /// The child's side: replays the input named by JULE_FUZZ_REPLAY (target:path); does nothing without it.
    func testReplayOneInputInThisProcess() throws {
        guard let spec = ProcessInfo.processInfo.environment["JULE_FUZZ_REPLAY"], let colon = spec.firstIndex(of: ":") else { return }
        let target = try XCTUnwrap(FuzzTargets.named(String(spec[..<colon])))
        FuzzTargets.prepare()
        target.run(try Data(contentsOf: URL(fileURLWithPath: String(spec[spec.index(after: colon)...]))))
    }
}
