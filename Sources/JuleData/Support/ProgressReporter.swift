import Foundation

/// Progress lines on stderr for long work (download, decode), at most a few per second; silent when quiet.
public final class ProgressReporter: @unchecked Sendable {
    private let label: String
    private let lock = NSLock()
    private var lastReport = Date.distantPast
    private let interval: TimeInterval

    public init(label: String, interval: TimeInterval = 0.5) {
        self.label = label
        self.interval = interval
    }

    /// Reports `done` of `total` for `phase`; intermediate updates are rate-limited, the final one always shows.
    public func update(phase: String, done: Int, total: Int) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard done >= total || now.timeIntervalSince(lastReport) >= interval else { return }
        lastReport = now
        let percent = total > 0 ? 100 * done / total : 100
        StandardError.write("\(label): \(phase) \(done)/\(total) (\(percent)%)\n")
    }

    /// A one-off message.
    public func note(_ message: String) {
        StandardError.write("\(label): \(message)\n")
    }

    /// A warning, in the one form every command uses: `warning: LABEL: message` (the prefix first, so that
    /// `grep '^warning:'` finds it, as `--quiet` output prints it too).
    public func warn(_ message: String) {
        StandardError.write("warning: \(label): \(message)\n")
    }
}
