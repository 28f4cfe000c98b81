import Foundation

/// Atomic file replacement: write to a temporary path in the destination's directory, then `rename(2)` over the
/// destination, so readers see either the old file or the complete new one, never a partial write.
///
/// Temporary names carry the writer's pid (`.NAME.<uuid>.p<pid>.tmp`, as the HDF5 writer's), so that a later run
/// can tell the leftovers of a killed writer from a live one's and remove them (`removeStaleTemporaries`).
public enum AtomicFile {
    private static let inFlightLock = NSLock()
    nonisolated(unsafe) private static var inFlight: Set<String> = []

    /// Writes `data` to `url` atomically, creating the parent directory if needed.
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = temporaryURL(for: url)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try data.write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw DataError.io(file: url.path, reason: "cannot write (\(FileErrorText.cause(error)))")
        }
        do { try replace(url, with: temporary) } catch {
            try? FileManager.default.removeItem(at: temporary)
            forget(temporary)
            throw error
        }
    }

    /// Renames `temporary` over `url` (same file system), replacing any existing file.
    public static func replace(_ url: URL, with temporary: URL) throws {
        defer { forget(temporary) }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw DataError.io(file: url.path, reason: "cannot move \(temporary.lastPathComponent) into place (\(reason))")
        }
    }

    /// A fresh temporary name beside `url`: `.NAME.<uuid>.p<pid>.tmp`, tracked as in flight until `replace` moves it.
    public static func temporaryURL(for url: URL) -> URL {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).p\(getpid()).tmp")
        track(temporary)
        return temporary
    }

    /// Notes `temporary` as being written by this process, so that `removeInFlightTemporaries` removes it when a
    /// signal ends the process before it is moved into place.
    public static func track(_ temporary: URL) {
        inFlightLock.withLock { _ = inFlight.insert(temporary.path) }
    }

    /// `temporary` was moved into place or removed: no longer this process's to clean up.
    public static func forget(_ temporary: URL) {
        inFlightLock.withLock { _ = inFlight.remove(temporary.path) }
    }

    /// On a signal, before the process ends: unlinks every temporary file still being written, so an interruption
    /// leaves none behind (a kill mid-import left `.NAME.h5.<uuid>.p<pid>.tmp` in the cache). A rename racing this
    /// is harmless: one of the two finds nothing. The lock stays held until the process ends, so no writer tracks a
    /// new temporary meanwhile; a second pass after a moment catches one created between its tracking and now.
    public static func removeInFlightTemporaries() {
        inFlightLock.lock()
        for pass in 0..<2 {
            if pass == 1 { usleep(20_000) }
            for path in inFlight { unlink(path) }
        }
    }

    /// Removes from `directory` the temporary files of writers that are gone, among the names starting with
    /// `prefix`: `….p<pid>.tmp` whose process no longer exists, and temporaries without a pid (`….tmp` and
    /// Foundation's `.dat.nosync…`, written by earlier builds) older than ten minutes. Returns the names removed.
    @discardableResult
    public static func removeStaleTemporaries(in directory: URL, prefix: String = ".", now: Date = Date()) -> [String] {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        var removed: [String] = []
        for file in files where file.hasPrefix(prefix) && (file.hasSuffix(".tmp") || file.hasPrefix(".dat.nosync")) {
            let url = directory.appendingPathComponent(file)
            let stale: Bool
            if file.hasSuffix(".tmp"), let pid = writerPID(file) {
                stale = !isRunning(pid)
            } else {
                let modified = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate]) as? Date
                stale = now.timeIntervalSince(modified ?? now) > 600
            }
            if stale, (try? FileManager.default.removeItem(at: url)) != nil { removed.append(file) }
        }
        return removed
    }

    /// Whether process `pid` exists and is not a zombie: a writer killed a moment ago stays a zombie until its parent
    /// reaps it, and `kill(pid, 0)` still succeeds then (fault injection found its temporary left behind).
    static func isRunning(_ pid: Int32) -> Bool {
        if kill(pid, 0) != 0 && errno == ESRCH { return false }
        // /proc/<pid>/stat: "pid (comm) S …"; the state follows the last ')' (comm may hold spaces or parentheses).
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }

    /// The pid in a temporary name `….p<pid>.tmp`, if it has one.
    static func writerPID(_ name: String) -> Int32? {
        guard let last = name.dropLast(4).split(separator: ".").last, last.hasPrefix("p") else { return nil }
        return Int32(last.dropFirst())
    }
}
