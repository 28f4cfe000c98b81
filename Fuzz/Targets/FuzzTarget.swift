import Foundation
import JuleData

/// One fuzz target: a parser of the project run on arbitrary bytes.
///
/// `run` must return normally for every input: a parser may refuse the input by throwing, and the target checks
/// that refusal against the house rule (one line, naming the file; see `FuzzCheck`). Anything else — a trap
/// (overflow, index out of range, force unwrap, `precondition`), an address-sanitizer report, or an allocation
/// above libFuzzer's `-malloc_limit_mb` — is a crash, which libFuzzer saves and `Fuzz/regressions/` replays.
public struct FuzzTarget: Sendable {
    /// Short name: `make fuzz FUZZ_TARGETS=idx`, `Fuzz/regressions/<name>/`, the corpus folder.
    public let name: String
    /// What it parses, one line (`jule-fuzz list`).
    public let summary: String
    /// Largest input libFuzzer generates for it (`-max_len`).
    public let maxLength: Int
    /// Tokens for libFuzzer's `-dict` (JSON keys, magic numbers); may be empty.
    public let dictionary: [String]
    /// Runs the parser on one input.
    public let run: @Sendable (Data) -> Void
}

/// The properties every target checks on an input the parser refused.
public enum FuzzCheck {
    /// When set (tests only, single-threaded), every refusal's text is appended to `refusals`.
    nonisolated(unsafe) public static var recordRefusals = false
    nonisolated(unsafe) public static var refusals: [String] = []

    /// The house rule for bad input: the error's description is one non-empty line (no line break or control
    /// character, `MessageText.isOneLine`) that names the file (its last path component is enough). A violation
    /// traps, so libFuzzer reports it like any crash.
    public static func refusal(_ error: Error, file: String) {
        let text = "\(error)"
        if recordRefusals { refusals.append(text) }
        let name = (file as NSString).lastPathComponent
        guard !text.isEmpty, MessageText.isOneLine(text) else {
            fatalError("error is not one line: \(text.debugDescription)")
        }
        guard text.contains(name) else {
            fatalError("error does not name the file \(name): \(text)")
        }
    }

    /// Runs `body`; a thrown error must be a proper refusal naming `file`.
    public static func parse<T>(file: String, _ body: () throws -> T) -> T? {
        do { return try body() } catch {
            refusal(error, file: file)
            return nil
        }
    }

    /// Runs a step on what `file` held once it was accepted (planning, validation, aggregation). Such errors name a
    /// setting or a cell, not the file, so the file's name is put in front of them before the check.
    public static func parseContent<T>(of file: String, _ body: () throws -> T) -> T? {
        parse(file: file) {
            do { return try body() } catch { throw FuzzRefusal(file: file, error: error) }
        }
    }

    /// A property of an accepted input; traps with `message` when false.
    public static func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError("property violated: \(message())") }
    }
}

/// A refusal from a later step (planning, aggregation) of an input whose file was accepted: the file's name
/// goes in front, as the commands print it.
struct FuzzRefusal: Error, CustomStringConvertible {
    let file: String
    let error: Error
    var description: String { "\(file): \(error)" }
}

/// Temporary files for parsers that read from disk (HDF5, libarchive, JSON loaders): one folder per process in
/// `/dev/shm` when it exists (no disk I/O per execution), removed at exit.
public enum ScratchFile {
    private static let folder: URL = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? URL(fileURLWithPath: "/dev/shm")
            : FileManager.default.temporaryDirectory
        let url = base.appendingPathComponent("jule-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: ScratchFile.folderForCleanup) }
        return url
    }()
    fileprivate static var folderForCleanup: URL { folder }

    /// Writes `data` to `<scratch>/<name>` (replacing it) and returns its URL. Nil when the write fails (a full
    /// /dev/shm is not a finding).
    public static func write(_ data: Data, named name: String) -> URL? {
        let url = folder.appendingPathComponent(name)
        do { try data.write(to: url) } catch { return nil }
        return url
    }

    /// A fresh sub-folder for targets that need several files.
    public static func directory(named name: String) -> URL {
        let url = folder.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: url)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Splitting one fuzz input into several files: `PAIR` + little-endian UInt16 length of the first part + the
/// first part + the second part. Inputs without the prefix are single files.
public enum FuzzInput {
    public static let pairMagic = Data("PAIR".utf8)

    public static func pair(_ data: Data) -> (Data, Data)? {
        guard data.count >= 6, data.prefix(4) == pairMagic else { return nil }
        let bytes = [UInt8](data)
        let length = min(Int(bytes[4]) | Int(bytes[5]) << 8, bytes.count - 6)
        return (Data(bytes[6..<(6 + length)]), Data(bytes[(6 + length)...]))
    }

    public static func makePair(_ first: Data, _ second: Data) -> Data {
        precondition(first.count <= 0xFFFF, "first part of a pair is at most 65535 bytes")
        var data = pairMagic
        data.append(UInt8(first.count & 0xFF))
        data.append(UInt8(first.count >> 8))
        data.append(first)
        data.append(second)
        return data
    }
}
