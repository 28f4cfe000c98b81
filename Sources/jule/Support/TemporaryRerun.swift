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

    /// Removes the current folder, if any, and forgets it.
    static func removeCurrent() {
        let url = lock.withLock { () -> URL? in
            defer { current = nil }
            return current
        }
        if let url { try? FileManager.default.removeItem(at: url) }
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
