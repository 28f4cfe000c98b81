import Foundation
import JuleCompute
import JuleData

/// Environment variables a run reads but cannot use, as one warning line each: a run carries on without them (the
/// backend's default workers, the widest portable kernel), so a typo would otherwise go unnoticed.
public enum EnvironmentWarnings {
    public static func lines(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var lines: [String] = []
        if let threads = environment["JULE_THREADS"], !threads.isEmpty, ComputeThreads.workers(threads) == nil {
            lines.append("warning: JULE_THREADS=\(threads) is not a whole number ≥ 1; ignored (the backend's default number of workers)")
        }
        if let note = PortableKernel.selected(environment: environment).note { lines.append("warning: \(note)") }
        return lines
    }

    /// Writes `lines()` to standard error.
    public static func report() {
        for line in lines() { StandardError.line(line) }
    }
}
