import Dispatch
import Foundation

/// Scheduling niceness (`nice -n 19 jule …`) kept where libdispatch would lose it: on Linux niceness belongs to each
/// thread and libdispatch sets its worker threads' by QoS (0, −4), so work run on them, and processes started from
/// them, would not run at the niceness the user asked for. A sweep hands its niceness to its cells
/// (`JULE_NICENESS`); the compute backend gives its workers the niceness of the thread that created it.
public enum Niceness {
    public static let environmentVariable = "JULE_NICENESS"

    /// The calling thread's niceness.
    public static func current() -> Int32 {
        errno = 0
        let value = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        return errno == 0 ? value : 0
    }

    /// Sets the calling thread's niceness to `value` when it differs (lowering it needs privilege; then it stays).
    public static func set(_ value: Int32) {
        if current() != value { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, value) }
    }

    /// Applies `JULE_NICENESS` to the calling thread (call it first, on the main thread, so threads created later
    /// inherit it). Only ever lowers the priority: a value below the current niceness is ignored.
    public static func applyInherited(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let text = environment[environmentVariable], let wanted = Int32(text), wanted > current() else { return }
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(wanted, 19))
    }

    /// `DispatchQueue.concurrentPerform` whose iterations run at `niceness` (default: the caller's), for every
    /// parallel loop (compute workers, k-NN, decoding, HDF5 chunks): without it a `nice -n 19` job computes at nice 0.
    public static func concurrentPerform(iterations: Int, niceness: Int32? = nil, execute work: (Int) -> Void) {
        let value = niceness ?? current()
        DispatchQueue.concurrentPerform(iterations: iterations) { iteration in
            set(value)
            work(iteration)
        }
    }
}
