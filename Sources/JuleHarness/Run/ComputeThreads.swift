import Foundation
import JuleCompute

/// How many compute workers a run uses: `JULE_THREADS` (set by sweep workers and Slurm tasks, which split the
/// cores between processes), else the compute backend's default. Results are identical for the same seed and
/// the same thread count.
public enum ComputeThreads {
    public static var configured: Int? {
        ProcessInfo.processInfo.environment["JULE_THREADS"].flatMap(Int.init).flatMap { $0 >= 1 ? $0 : nil }
    }

    public static func backend() -> CPUBackend { CPUBackend(workers: configured) }
}
