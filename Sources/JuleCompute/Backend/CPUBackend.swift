import COpenBLAS
import Dispatch

/// The CPU backend: OpenBLAS `cblas_sgemm` with one BLAS thread per caller, and Dispatch workers.
///
/// OpenBLAS is switched to one thread (`openblas_set_num_threads(1)`, process-wide) because two workers each
/// running a single-threaded GEMM on their half of the batch beat one two-threaded GEMM per image for the
/// small, many-image products of batched convolution.
public struct CPUBackend: ComputeBackend {
    public let workerCount: Int

    /// `workers` defaults to the active processor count, capped at 2 as in the project's reference machine.
    public init(workers: Int? = nil) {
        let count = workers ?? min(2, ProcessInfoCores.active)
        precondition(count >= 1, "worker count must be positive, got \(count)")
        workerCount = count
        openblas_set_num_threads(1)
    }

    public func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
                    beta, c, blasint(ldc))
    }

    public func forEachWorker(_ body: (Int) -> Void) {
        if workerCount == 1 {
            body(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: workerCount, execute: body)
        }
    }
}

/// Active processor count without importing Foundation into the hot path files.
enum ProcessInfoCores {
    static var active: Int {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 2
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#endif
