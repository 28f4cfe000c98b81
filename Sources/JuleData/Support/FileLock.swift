import Foundation

/// An exclusive flock(2) on a lock file, held around a read-modify-write of a shared file (`imported.json`), so that
/// concurrent writers take turns instead of each writing back what it read before the others wrote. The kernel drops
/// the lock when the descriptor closes, also when the process is killed: a lock file left behind locks nothing.
public enum FileLock {
    /// Runs `body` holding an exclusive lock on `url` (created if needed; its parent directory must exist).
    public static func withExclusiveLock<T>(_ url: URL, _ body: () throws -> T) throws -> T {
        let descriptor = open(url.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw DataError.io(file: url.path, reason: "cannot open the lock file (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw DataError.io(file: url.path, reason: "cannot lock (\(String(cString: strerror(errno))))")
            }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
