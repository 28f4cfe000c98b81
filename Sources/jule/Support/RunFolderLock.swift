import Foundation
import JuleHarness

/// The run-folder locks (`RunDirectory.acquireWriterLock`) this process holds: `jule train --out` and `jule check
/// --out`. The signal handler is installed before a lock is taken (a signal in between left the lock behind, 4 of 40
/// early signals), and `TerminationTrap.end(by:)` releases what is held then. Taking and releasing share one mutex,
/// so the handler never misses a lock being taken, and never removes another process's lock (nothing was taken).
enum RunFolderLock {
    private static let mutex = NSLock()
    nonisolated(unsafe) private static var held: [CellLock] = []

    /// Takes `directory`'s lock, or throws naming the live process holding it.
    static func acquire(_ directory: RunDirectory) throws -> CellLock {
        try mutex.withLock {
            let lock = try directory.acquireWriterLock()
            held.append(lock)
            return lock
        }
    }

    static func release(_ lock: CellLock) {
        mutex.withLock {
            lock.release()
            held.removeAll { $0.url == lock.url }
        }
    }

    /// Just before the process ends by a signal: releases every lock held and keeps the mutex, so that no thread
    /// takes another one after this.
    static func releaseAllForExit() {
        mutex.lock()
        for lock in held { lock.release() }
        held = []
    }
}
