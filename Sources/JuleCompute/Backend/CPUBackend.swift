import COpenBLAS
import Dispatch

/// The CPU backend: OpenBLAS `cblas_sgemm` with one BLAS thread per caller, and Dispatch workers.
///
/// OpenBLAS is switched to one thread (`openblas_set_num_threads(1)`, process-wide) because two workers each
/// running a single-threaded GEMM on their half of the batch beat one two-threaded GEMM per image for the
/// small, many-image products of batched convolution.
public struct CPUBackend: ComputeBackend {
    /// Which matrix-product implementation the backend calls.
    public enum GemmKernel: String, Codable, Sendable {
        /// `cblas_sgemm` from the system OpenBLAS.
        case openBLAS
        /// `SIMDGemm`, the package's own AVX2 kernel (for OpenBLAS builds that fall back to generic kernels).
        case simd
    }

    public let workerCount: Int
    public let gemmKernel: GemmKernel

    /// `workers` defaults to the active processor count, capped at 2 as in the project's reference machine.
    /// `gemmKernel` defaults to `automatic`: OpenBLAS, unless it runs a generic pre-AVX2 kernel.
    public init(workers: Int? = nil, gemmKernel: GemmKernel? = nil) {
        self.gemmKernel = gemmKernel ?? Self.automaticKernel
        let count = workers ?? min(2, ProcessInfoCores.active)
        precondition(count >= 1, "worker count must be positive, got \(count)")
        workerCount = count
        openblas_set_num_threads(1)
    }

    /// The OpenBLAS kernel family chosen at load time (e.g. "Haswell", "SkylakeX", or "Prescott" when the
    /// processor is unknown to this OpenBLAS build).
    public static var openBLASCore: String { String(cString: openblas_get_corename()) }

    /// `.simd` when OpenBLAS runs one of its generic SSE kernels (it did not recognise the processor, or
    /// OPENBLAS_CORETYPE asks for one) on a processor this build's AVX2 code can use; `.openBLAS` otherwise.
    public static let automaticKernel: GemmKernel = {
        let generic: Set<String> = ["prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "katmai",
                                    "coppermine", "northwood", "banias", "unknown"]
        return generic.contains(openBLASCore.lowercased()) ? .simd : .openBLAS
    }()

    public func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if gemmKernel == .simd {
            SIMDGemm.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                          b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
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
