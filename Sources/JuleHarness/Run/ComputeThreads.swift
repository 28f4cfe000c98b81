import Foundation
import JuleCluster
import JuleCompute

/// How many compute workers a run uses: `JULE_THREADS` (set by sweep workers and Slurm tasks, which split the
/// cores between processes), else the compute backend's default. Results are identical for the same seed and
/// the same thread count.
public enum ComputeThreads {
    public static var configured: Int? {
        ProcessInfo.processInfo.environment["JULE_THREADS"].flatMap(Int.init).flatMap { $0 >= 1 ? $0 : nil }
    }

    public static func backend() -> CPUBackend { CPUBackend(workers: configured) }

    /// The CNN backend's GEMM kernel (BLIS where OpenBLAS runs its generic fallback), for the clustering's k-NN.
    public static func matrixProduct() -> MatrixProduct {
        let backend = CPUBackend(workers: 1)
        return MatrixProduct(name: backend.gemmKernel.rawValue) { m, n, k, alpha, a, b, c in
            backend.gemm(transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: alpha, a: a, lda: k,
                         b: b, ldb: k, beta: 0, c: c, ldc: n)
        }
    }
}
