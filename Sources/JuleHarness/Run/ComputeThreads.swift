import Foundation
import JuleCluster
import JuleCompute

/// How many compute workers a run uses: `JULE_THREADS` (set by sweep workers and Slurm tasks, which split the
/// cores between processes), else the compute backend's default. Results are identical for the same seed and
/// the same thread count (and, in portable mode, for any thread count on any machine).
public enum ComputeThreads {
    public static var configured: Int? {
        ProcessInfo.processInfo.environment["JULE_THREADS"].flatMap(workers)
    }

    /// A `JULE_THREADS` value as a worker count: nil unless a whole number ≥ 1 (`EnvironmentWarnings` names it).
    static func workers(_ text: String) -> Int? { Int(text).flatMap { $0 >= 1 ? $0 : nil } }

    /// The CNN backend of a run: the portable kernel when `portable`, else the machine's automatic choice.
    public static func backend(portable: Bool = false) -> CPUBackend { CPUBackend(workers: configured, portable: portable) }

    /// The CNN backend's GEMM kernel (BLIS where OpenBLAS runs its generic fallback; the portable kernel in portable
    /// runs), for the clustering's k-NN. Its exact re-check makes the neighbours independent of the kernel anyway.
    public static func matrixProduct(portable: Bool = false) -> MatrixProduct {
        let backend = CPUBackend(workers: 1, portable: portable)
        return MatrixProduct(name: backend.kernelDescription) { m, n, k, alpha, a, lda, b, ldb, c in
            backend.gemm(transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                         b: b, ldb: ldb, beta: 0, c: c, ldc: n)
        }
    }
}
