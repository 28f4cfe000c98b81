import Foundation

/// The scheduling niceness a sweep hands to its cells. On Linux niceness belongs to each thread and libdispatch sets
/// its worker threads' by QoS, so a process started from such a thread does not inherit what the user asked for.
public enum Niceness {
    public static let environmentVariable = "JULE_NICENESS"

    /// The calling thread's niceness.
    public static func current() -> Int32 {
        errno = 0
        let value = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        return errno == 0 ? value : 0
    }

    /// Applies `JULE_NICENESS` to the calling thread (call it first, on the main thread, so threads created later
    /// inherit it). Only ever lowers the priority: a value below the current niceness is ignored.
    public static func applyInherited(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let text = environment[environmentVariable], let wanted = Int32(text), wanted > current() else { return }
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(wanted, 19))
    }
}
