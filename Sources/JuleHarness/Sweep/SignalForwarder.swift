import Foundation

/// While a sweep runs, Ctrl-C (SIGINT), SIGTERM and SIGHUP stop it cleanly: Foundation starts each cell's process in
/// its own process group, so a terminal's signal reaches only `jule sweep run`, which forwards it to every running
/// cell (each releases its lock and exits; its checkpoint stays) and starts no new one.
final class SignalForwarder: @unchecked Sendable {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    private let lock = NSLock()
    private var children: Set<Int32> = []
    private var sources: [DispatchSourceSignal] = []
    private(set) var received: Int32?
    /// What the cells were sent: the signal received, or SIGTERM when the sweep stops for a closed stdout.
    private(set) var forwarded: Int32?

    /// Takes over the signals until `stop()`.
    func start(onSignal: @escaping (Int32) -> Void) {
        for sig in Self.signals {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: DispatchQueue.global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.lock()
                let first = self.received == nil
                if first { self.received = sig; self.forwarded = sig }
                let pids = self.children
                let forwarded = self.forwarded ?? sig
                self.lock.unlock()
                for pid in pids { kill(pid, forwarded) }
                if first { onSignal(sig) }
            }
            source.resume()
            sources.append(source)
        }
    }

    func stop() {
        for source in sources { source.cancel() }
        sources = []
        for sig in Self.signals { signal(sig, SIG_DFL) }
    }

    /// Stops the sweep as signal `sig` would, from inside (a closed stdout: SIGPIPE), sending the cells `forwarding`
    /// (they write to their logs, and end cleanly by SIGTERM). Does nothing once stopping.
    func stop(as sig: Int32, forwarding: Int32) {
        lock.lock()
        guard received == nil else { lock.unlock(); return }
        received = sig
        forwarded = forwarding
        let pids = children
        lock.unlock()
        for pid in pids { kill(pid, forwarding) }
    }

    var stopping: Bool { lock.lock(); defer { lock.unlock() }; return received != nil }

    /// Registers a started child; false (and the child is signalled at once) when a stop came first.
    @discardableResult
    func add(_ pid: Int32) -> Bool {
        lock.lock()
        children.insert(pid)
        let sig = forwarded
        lock.unlock()
        if let sig { kill(pid, sig); return false }
        return true
    }

    func remove(_ pid: Int32) { lock.lock(); children.remove(pid); lock.unlock() }

    /// "SIGINT", "SIGKILL", … for a signal number.
    static func name(_ sig: Int32) -> String {
        let names: [Int32: String] = [SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL",
                                      SIGTRAP: "SIGTRAP", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE",
                                      SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGPIPE: "SIGPIPE", SIGTERM: "SIGTERM",
                                      SIGXCPU: "SIGXCPU"]
        return names[sig] ?? "signal \(sig)"
    }
}
