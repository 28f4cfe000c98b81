import Foundation
import XCTest

/// Runs the built `jule` binary as a user would, with a private cache and the repository's registry, no mirror and
/// no network (as swift-argument-parser's end-to-end tests run their example binaries).
struct CLI {
    struct Result {
        var status: Int32
        /// True when the process died of a signal (a trap, a crash): never acceptable for bad input.
        var signalled: Bool
        var stdout: String
        var stderr: String
        var output: String { stdout + stderr }
    }

    let root: URL
    let cache: URL
    var environment: [String: String]

    static var repository: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }

    /// `.build/<triple>/release/jule`, beside the test bundle.
    static var binary: URL { Bundle.main.bundleURL.appendingPathComponent("jule") }

    init(root: URL) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw XCTSkip("no jule binary at \(Self.binary.path): build it first (swift build)")
        }
        self.root = root
        cache = root.appendingPathComponent("cache")
        var env = ProcessInfo.processInfo.environment
        env["JULE_MIRROR"] = nil
        env["JULE_CODE_VERSION"] = nil
        env["JULE_CACHE"] = cache.path
        env["JULE_REGISTRY"] = Self.repository.appendingPathComponent("datasets.json").path
        env["JULE_THREADS"] = "1"
        env["OPENBLAS_NUM_THREADS"] = "1"
        environment = env
    }

    func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    /// Starts `jule ARGUMENTS` in `root` with stdout and stderr going to files.
    func start(_ arguments: [String], environment extra: [String: String] = [:], log: String) throws -> Process {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = root
        process.environment = environment.merging(extra) { _, new in new }
        for name in [log + ".out", log + ".err"] {
            FileManager.default.createFile(atPath: url(name).path, contents: nil)
        }
        process.standardOutput = try FileHandle(forWritingTo: url(log + ".out"))
        process.standardError = try FileHandle(forWritingTo: url(log + ".err"))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `jule ARGUMENTS` to the end.
    @discardableResult
    func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Result {
        let log = "log-\(UUID().uuidString.prefix(8))"
        let process = try start(arguments, environment: extra, log: log)
        process.waitUntilExit()
        return result(of: process, log: log)
    }

    func result(of process: Process, log: String) -> Result {
        let out = (try? String(contentsOf: url(log + ".out"), encoding: .utf8)) ?? ""
        let err = (try? String(contentsOf: url(log + ".err"), encoding: .utf8)) ?? ""
        return Result(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                      stdout: out, stderr: err)
    }
}

extension XCTestCase {
    /// A failure of bad input: non-zero exit, no signal, one `error:` line naming `mentions`, no crash dump.
    func assertCleanError(_ result: CLI.Result, mentions: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(result.signalled, "crashed: \(result.output)", file: file, line: line)
        XCTAssertNotEqual(result.status, 0, "succeeded: \(result.output)", file: file, line: line)
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "expected one line: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.hasPrefix("error: "), result.stderr, file: file, line: line)
        for text in mentions { XCTAssertTrue(result.stderr.contains(text), "'\(text)' not in: \(result.stderr)", file: file, line: line) }
        for dump in ["Fatal error", "Stack dump", "NSCocoaErrorDomain", "Error Domain=", "backtrace"] {
            XCTAssertFalse(result.output.contains(dump), result.output, file: file, line: line)
        }
    }
}
