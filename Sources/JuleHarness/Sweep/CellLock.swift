import Foundation
import JuleData

/// An exclusive claim on a sweep cell: a lock file created with O_EXCL holding "host pid".
///
/// A lock whose process is gone (same host, pid not alive) is stale and may be taken over; a lock from another
/// host (a Slurm node) is respected, since its process cannot be checked from here.
public struct CellLock {
    public let url: URL

    /// Takes the lock, or returns nil when a live process holds it.
    public static func acquire(_ url: URL) throws -> CellLock? {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        for _ in 0..<2 {
            let fd = open(url.path, O_CREAT | O_EXCL | O_WRONLY, 0o644)
            if fd >= 0 {
                let text = "\(ProcessInfo.processInfo.hostName) \(getpid())\n"
                _ = text.withCString { write(fd, $0, strlen($0)) }
                close(fd)
                return CellLock(url: url)
            }
            guard errno == EEXIST else {
                throw HarnessError.unreadableFile(url, reason: String(cString: strerror(errno)))
            }
            if holder(at: url) != nil { return nil }
            try? FileManager.default.removeItem(at: url)      // stale: its process is gone
        }
        return nil
    }

    public func release() { try? FileManager.default.removeItem(at: url) }

    /// Removes the lock at `url` when process `pid` of this host holds it (a cell's own signal handler, or the
    /// sweep runner after the cell's process died of a signal and could not release it). Returns whether it did.
    @discardableResult
    public static func release(at url: URL, ifHeldBy pid: Int32) -> Bool {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return false }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count == 2, String(parts[0]) == ProcessInfo.processInfo.hostName, Int32(parts[1]) == pid else { return false }
        return (try? FileManager.default.removeItem(at: url)) != nil
    }

    /// "host pid" of a live holder, or nil when the lock is absent or stale.
    public static func holder(at url: URL) -> String? {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count == 2, let pid = Int32(parts[1]) else { return nil }
        let host = String(parts[0])
        if host != ProcessInfo.processInfo.hostName { return "\(host) \(pid)" }
        // kill(pid, 0) probes for existence without sending a signal; a zombie (killed, not yet reaped by its
        // parent or init) still exists but holds nothing (issue 20: after a SIGKILL of `jule sweep run`, a rerun
        // saw its dead worker's zombie as a live holder and skipped the cell).
        guard kill(pid, 0) == 0 || errno == EPERM, !isZombie(pid) else { return nil }
        return "\(host) \(pid)"
    }

    /// A holder ("host pid", as `holder(at:)` gives it) as messages name it: "pid N" on this host, "pid N on HOST" on
    /// another (`elsewhere`: it cannot be checked from here).
    public static func describe(holder: String) -> (who: String, elsewhere: Bool) {
        let parts = holder.split(separator: " ")
        let elsewhere = parts.count == 2 && String(parts[0]) != ProcessInfo.processInfo.hostName
        return (elsewhere ? "pid \(parts[1]) on \(parts[0])" : "pid \(parts.last ?? "?")", elsewhere)
    }

    /// Whether `/proc/<pid>/stat` shows state Z (Linux; false where /proc is absent).
    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}
