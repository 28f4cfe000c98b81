import Foundation

/// The temporary folder of the re-run `jule check` is making now (without --out): removed when that check is done,
/// and when the command is interrupted. The signal is handled on a Dispatch thread while the run goes on writing
/// checkpoints (and creating the folder again) on its own, so the run's thread removes it at its next event and ends
/// the process there; a run busy in a long epoch has it removed by the handler after a grace period.
enum TemporaryRerun {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var current: URL?
    nonisolated(unsafe) private static var interruption: Int32?

    static func set(_ url: URL) {
        lock.withLock { current = url }
    }

    /// Removes the current folder, if any, and forgets it. The folder is forgotten only once it is gone, under the
    /// lock: the signal's thread, seeing it forgotten, ends the process at once, and it must not do so while the
    /// run's thread is still half-way through removing it. A file the run is writing into it at that moment (after
    /// the grace period) can make one removal fail, so it is tried a few times.
    static func removeCurrent() {
        lock.withLock {
            guard let url = current else { return }
            for _ in 0..<5 where FileManager.default.fileExists(atPath: url.path) {
                try? FileManager.default.removeItem(at: url)
            }
            current = nil
        }
    }

    /// On the signal's thread (`TerminationTrap`): asks the run's thread to clean up and end by `sig`, waits up to two
    /// seconds for it, then removes the folder itself; the trap ends the process when this returns.
    static func interrupted(by sig: Int32) {
        let running = lock.withLock { () -> Bool in
            interruption = sig
            return current != nil
        }
        var waited = 0
        while running && waited < 200 && lock.withLock({ current != nil }) {
            usleep(10_000)
            waited += 1
        }
        removeCurrent()
    }

    /// On the run's thread, between its steps: after an interruption, removes the folder and ends the process by the
    /// signal that came.
    static func endIfInterrupted() {
        guard let sig = lock.withLock({ interruption }) else { return }
        removeCurrent()
        TerminationTrap.end(by: sig)
    }
}
