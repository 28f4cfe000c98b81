import CPortableGemm
#if canImport(Glibc)
import Glibc
#endif

/// The instruction set of the portable GEMM (`CPortableGemm`), chosen at run time. Every choice gives the same bits:
/// each element of C is one chain of fused multiply–adds in ascending k, whatever the register width (see
/// `CPUBackend.GemmKernel.portable`); only speed differs.
public enum PortableKernel: String, Codable, Sendable, CaseIterable {
    /// One element at a time (libm's `fmaf` where the processor has no FMA): any x86-64, slowly.
    case scalar
    /// AVX2 + FMA, 6×16 register tiles.
    case avx2
    /// AVX-512F, 10×32 register tiles.
    case avx512

    var code: Int32 {
        switch self {
        case .scalar: return Int32(JULE_PORTABLE_SCALAR)
        case .avx2: return Int32(JULE_PORTABLE_AVX2)
        case .avx512: return Int32(JULE_PORTABLE_AVX512)
        }
    }

    /// Whether this processor (and its operating system) runs it.
    public var isSupported: Bool { jule_portable_supported(code) != 0 }

    /// The widest this processor runs.
    public static var widest: PortableKernel {
        allCases.last { $0.isSupported } ?? .scalar
    }

    /// The environment variable that forces one (tests and benchmarks compare them; results do not change).
    public static let environmentVariable = "JULE_PORTABLE_KERNEL"

    /// The kernel a portable backend uses: `JULE_PORTABLE_KERNEL` (scalar, avx2, avx512) when it names one this
    /// processor runs, else the widest. `note` says why a requested kernel is not used (unknown name, unsupported).
    public static func selected(environment: [String: String]) -> (kernel: PortableKernel, note: String?) {
        guard let name = environment[environmentVariable], !name.isEmpty else { return (widest, nil) }
        guard let requested = PortableKernel(rawValue: name.lowercased()) else {
            return (widest, "\(environmentVariable)=\(name) is not one of "
                    + "\(allCases.map(\.rawValue).joined(separator: ", ")); using \(widest.rawValue)")
        }
        guard requested.isSupported else {
            return (widest, "\(environmentVariable)=\(name): this processor does not run it; using \(widest.rawValue)")
        }
        return (requested, nil)
    }

    /// `selected(environment:)` for this process's environment.
    public static var selected: (kernel: PortableKernel, note: String?) {
        var environment: [String: String] = [:]
        if let value = getenv(environmentVariable) { environment[environmentVariable] = String(cString: value) }
        return selected(environment: environment)
    }
}
