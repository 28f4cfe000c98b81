import CBLIS
import COpenBLAS
import CPortableGemm
import JuleData

/// The CPU backend: a single-threaded GEMM per caller (BLIS, OpenBLAS, `SIMDGemm` or the portable kernel), and
/// Dispatch workers.
///
/// OpenBLAS (and BLIS, when loaded) is switched to one thread (process-wide) because two workers each
/// running a single-threaded GEMM on their half of the batch beat one two-threaded GEMM per image for the
/// small, many-image products of batched convolution.
public struct CPUBackend: ComputeBackend {
    /// Which matrix-product implementation the backend calls.
    public enum GemmKernel: String, Codable, Sendable {
        /// `cblas_sgemm` from the system OpenBLAS.
        case openBLAS
        /// `SIMDGemm`, the package's own AVX2 kernel (for OpenBLAS builds that fall back to generic kernels).
        case simd
        /// `bli_sgemm` from the system BLIS (`libblis.so.4`, loaded at run time, one BLIS thread).
        case blis
        /// Portable mode (`compute.portable`): the package's own packed GEMM (`CPortableGemm`), in which every
        /// element of C is one chain of fused multiply–adds in ascending k,
        ///
        ///     c⁰ = 0 (β = 0), C (β = 1), fl(β·C) otherwise;   cᵏ⁺¹ = fma(ã[i,k], op(B)[k,j], cᵏ);   ã = fl(α·op(A))
        ///
        /// vectorised over j (AVX2 8-wide or AVX-512 16-wide, `PortableKernel`, chosen at run time) and never
        /// reordered over k, so the result is the same bits on every x86-64 processor, for any register width,
        /// blocking, tile position or worker share. Also selects `PortableMath` (`mathFunctions`).
        case portable
    }

    public let workerCount: Int
    public let gemmKernel: GemmKernel
    /// The instruction set of the `.portable` kernel (the same bits whichever; see `PortableKernel`).
    public let portableKernel: PortableKernel
    /// The niceness of the thread that created the backend, given to its Dispatch workers.
    public let niceness: Int32

    /// `workers` defaults to the active processor count, capped at 2 as in the project's reference machine.
    /// `gemmKernel` defaults to `automaticKernel`; `portableKernel` (used by `.portable` only) to
    /// `PortableKernel.selected` (the widest, or `JULE_PORTABLE_KERNEL`). Asking for `.blis` where BLIS cannot be
    /// loaded, or for a portable kernel this processor does not run, is a programmer error.
    public init(workers: Int? = nil, gemmKernel: GemmKernel? = nil, portableKernel: PortableKernel? = nil) {
        self.gemmKernel = gemmKernel ?? Self.automaticKernel
        precondition(self.gemmKernel != .blis || Self.blisAvailable, "the BLIS GEMM kernel needs libblis.so.4")
        self.portableKernel = portableKernel ?? PortableKernel.selected.kernel
        precondition(self.portableKernel.isSupported, "this processor does not run the \(self.portableKernel) kernel")
        let count = workers ?? min(2, ProcessInfoCores.active)
        precondition(count >= 1, "worker count must be positive, got \(count)")
        workerCount = count
        niceness = Niceness.current()
        openblas_set_num_threads(1)
    }

    /// A backend for a run: the portable kernel when `portable`, else the automatic one.
    public init(workers: Int? = nil, portable: Bool) {
        self.init(workers: workers, gemmKernel: portable ? .portable : nil)
    }

    /// Portable runs use `PortableMath`; every other kernel the C library's functions (as before portable mode).
    public var mathFunctions: MathFunctions { gemmKernel == .portable ? .portable : .system }

    /// The kernel in a few words: "blis", "openBLAS", "simd", "portable avx512".
    public var kernelDescription: String {
        gemmKernel == .portable ? "portable \(portableKernel.rawValue)" : gemmKernel.rawValue
    }

    /// The OpenBLAS kernel family chosen at load time (e.g. "Haswell", "SkylakeX", or "Prescott" when the
    /// processor is unknown to this OpenBLAS build).
    public static var openBLASCore: String { String(cString: openblas_get_corename()) }

    /// Whether the system BLIS could be loaded (`libblis.so.4`, Debian's libblis4-* packages).
    public static var blisAvailable: Bool { jule_blis_available() != 0 }

    /// The BLIS sub-configuration chosen for this processor at load time ("haswell", "skx", "zen3", "generic"…),
    /// or nil when BLIS is not available.
    public static var blisArchitecture: String? { blisAvailable ? String(cString: jule_blis_arch()) : nil }

    /// Why the BLIS kernel cannot be used, in words for `jule version`; nil when it can.
    public static var blisProblem: String? {
        blisProblem(available: blisAvailable, builtIn: jule_blis_built_in() != 0,
                    libraryPresent: jule_blis_library_present() != 0)
    }

    /// The rule behind `blisProblem`. SwiftPM does not recompile the C target when a header appears later, so a
    /// build made before `make deps` installed libblis-serial-dev silently lacks BLIS until CBLIS is rebuilt.
    static func blisProblem(available: Bool, builtIn: Bool, libraryPresent: Bool) -> String? {
        if available { return nil }
        if builtIn { return "libblis.so.4 could not be loaded (install libblis4-serial)" }
        if libraryPresent {
            return "this binary was compiled without blis.h, which is installed now (libblis-serial-dev came after the "
                + "build): rebuild it with `touch Sources/CBLIS/blis_loader.c && make build`"
        }
        return "this binary was compiled without blis.h (install libblis-serial-dev, then rebuild)"
    }

    /// BLIS's version string, or nil when BLIS is not available.
    public static var blisVersion: String? { blisAvailable ? String(cString: jule_blis_version()) : nil }

    /// The kernel `init` uses by default, decided once from what the libraries report about this processor
    /// (never by timing, so the choice — and therefore the results — are the same on every run):
    ///
    /// 1. `.openBLAS` when OpenBLAS runs an AVX-512 kernel (SkylakeX, Cooperlake, SapphireRapids): the fastest
    ///    measured here (77–133 GFLOP/s single-threaded on convolution shapes and 1024³, forced on this Xeon).
    /// 2. `.blis` when BLIS loads and runs an AVX2/FMA or AVX-512 sub-configuration (haswell, skx, knl, zen…).
    ///    Where the processor has AVX-512, `CBLIS` asks BLIS 0.9 for "skx" (BLIS itself picks "haswell" when the
    ///    brand string hides the FMA-unit count, as on this virtual Xeon): single-thread 80–155 GFLOP/s on the
    ///    convolution shapes and 152–167 on 1024³ with skx, against 60–85 with haswell, 31–73 for `SIMDGemm` and
    ///    18–29 for OpenBLAS's Prescott fallback (see bench/CNN/README.md).
    /// 3. `.simd` when OpenBLAS runs one of its generic SSE kernels (it did not recognise the processor, as
    ///    Debian's 0.3.21 does not recognise family 6 model 207, or OPENBLAS_CORETYPE asks for one).
    /// 4. `.openBLAS` otherwise.
    public static let automaticKernel: GemmKernel = kernel(openBLASCore: openBLASCore, blisArchitecture: blisArchitecture)

    /// The rule behind `automaticKernel`, from OpenBLAS's core name and BLIS's sub-configuration (nil: no BLIS).
    static func kernel(openBLASCore: String, blisArchitecture: String?) -> GemmKernel {
        let core = openBLASCore.lowercased()
        if ["skylakex", "cooperlake", "sapphirerapids"].contains(core) { return .openBLAS }
        if let arch = blisArchitecture?.lowercased(),
           ["haswell", "skx", "knl", "zen", "zen2", "zen3", "zen4", "zen5"].contains(arch) {
            return .blis
        }
        let generic: Set<String> = ["prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "katmai",
                                    "coppermine", "northwood", "banias", "unknown"]
        return generic.contains(core) ? .simd : .openBLAS
    }

    public func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        switch gemmKernel {
        case .simd:
            SIMDGemm.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                          b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        case .blis:
            jule_blis_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        case .portable:
            jule_portable_sgemm(portableKernel.code, transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb,
                                beta, c, ldc)
        case .openBLAS:
            cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
                        beta, c, blasint(ldc))
        }
    }

    public func forEachWorker(_ body: (Int) -> Void) {
        if workerCount == 1 {
            body(0)
        } else {
            // Dispatch's threads carry their QoS niceness, not the process's: give them the creator's.
            Niceness.concurrentPerform(iterations: workerCount, niceness: niceness, execute: body)
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
