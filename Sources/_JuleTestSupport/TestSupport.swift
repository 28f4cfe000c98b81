import Foundation
import XCTest

/// The read-only dataset mirror (`../shared/datasets` beside the repository, or `JULE_MIRROR`), or nil when absent.
public func datasetMirror(file: String = #filePath) -> URL? {
    if let env = ProcessInfo.processInfo.environment["JULE_MIRROR"], !env.isEmpty {
        let url = URL(fileURLWithPath: env)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }
    // Tests/<Target>/<File>.swift → repository root → ../shared/datasets
    var root = URL(fileURLWithPath: file)
    while root.path != "/" && !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) {
        root.deleteLastPathComponent()
    }
    let mirror = root.deletingLastPathComponent().appendingPathComponent("shared/datasets")
    return FileManager.default.fileExists(atPath: mirror.path) ? mirror : nil
}

extension XCTestCase {
    /// A fresh temporary directory, removed with everything in it when the test ends.
    public func makeTemporaryDirectory(prefix: String = "jule-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}

/// Largest absolute difference between two equally long arrays.
public func maxAbsDifference<T: BinaryFloatingPoint>(_ a: [T], _ b: [T]) -> T {
    precondition(a.count == b.count, "length mismatch \(a.count) vs \(b.count)")
    var m: T = 0
    for i in a.indices { m = max(m, abs(a[i] - b[i])) }
    return m
}

/// A process run to its end with stdout discarded: how it ended and what it wrote to stderr.
public struct FinishedProcess {
    public let status: Int32
    public let reason: Process.TerminationReason
    public let stderr: String

    /// Runs `executable` with `arguments` and `environment` (in `directory` when given). Stderr is read before the
    /// wait, so a chatty process cannot fill the pipe and block.
    public init(_ executable: URL, _ arguments: [String], environment: [String: String],
                directory: URL? = nil) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        if let directory { process.currentDirectoryURL = directory }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        status = process.terminationStatus
        reason = process.terminationReason
    }
}
