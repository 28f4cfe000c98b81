import Foundation

/// Atomic file replacement: write to a temporary path in the destination's directory, then `rename(2)` over the
/// destination, so readers see either the old file or the complete new one, never a partial write.
public enum AtomicFile {
    /// Writes `data` to `url` atomically, creating the parent directory if needed.
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        } catch {
            throw DataError.io(file: url.path, reason: "cannot write (\(FileErrorText.cause(error)))")
        }
    }

    /// Renames `temporary` over `url` (same file system), replacing any existing file.
    public static func replace(_ url: URL, with temporary: URL) throws {
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw DataError.io(file: url.path, reason: "cannot move \(temporary.lastPathComponent) into place (\(reason))")
        }
    }
}
