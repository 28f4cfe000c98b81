import Foundation
import XCTest
import _JuleTestSupport

/// A closed stderr (`2>&-`) or stdout (`>&-`) must not turn an error or warning line into a crash: Foundation's
/// `FileHandle.write` trapped on the failed write (SIGILL, exit 132, a crash dump) where the command should end
/// with its own status.
final class ClosedStandardStreamsTests: XCTestCase {
    /// Runs `jule ARGUMENTS` through sh with `redirection` applied to the jule process only.
    private func run(_ cli: CLI, _ arguments: [String], redirection: String,
                     environment extra: [String: String] = [:]) throws -> (status: Int32, signalled: Bool) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec \"$0\" \"$@\" \(redirection)", CLI.binary.path] + arguments
        process.currentDirectoryURL = cli.root
        process.environment = cli.environment.merging(extra) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal)
    }

    func testErrorsAndWarningsWithClosedStreamsEndWithTheirOwnStatus() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        for redirection in ["2>&-", ">&- 2>&-"] {
            let usage = try run(cli, ["trian"], redirection: redirection)
            XCTAssertEqual(usage.status, 64, "jule trian \(redirection)")
            XCTAssertFalse(usage.signalled)
            let missing = try run(cli, ["data", "info", "NO-SUCH-SET"], redirection: redirection)
            XCTAssertEqual(missing.status, 1, "jule data info NO-SUCH-SET \(redirection)")
            XCTAssertFalse(missing.signalled)
            // A warning line first (the environment), then the error line.
            let warned = try run(cli, ["cluster", "NO-SUCH-SET"], redirection: redirection, environment: ["JULE_THREADS": "abc"])
            XCTAssertEqual(warned.status, 1, "JULE_THREADS=abc jule cluster NO-SUCH-SET \(redirection)")
            XCTAssertFalse(warned.signalled)
        }
    }
}
