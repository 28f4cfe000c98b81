import JuleData
import XCTest
@testable import JuleCompute

/// The GEMM kernels of `CPUBackend` (OpenBLAS, SIMDGemm, the portable kernel, and BLIS where it loads) against a naive
/// double-precision product, every transposition, sizes that exercise the 6-row and 16-column edges and more
/// than one k slice and n block.
final class GemmTests: XCTestCase {
    /// Every kernel this machine can run.
    static var kernels: [CPUBackend.GemmKernel] { [.openBLAS, .simd, .portable] + (CPUBackend.blisAvailable ? [.blis] : []) }

    /// Where Debian's BLIS is installed (the Makefile installs it), it loads and names its configuration.
    func testBLISLoadsWhereInstalled() throws {
        let installed = ["/usr/lib/x86_64-linux-gnu/libblis.so.4", "/usr/lib/aarch64-linux-gnu/libblis.so.4"]
            .contains { FileManager.default.fileExists(atPath: $0) }
        try XCTSkipUnless(installed, "libblis.so.4 is not installed")
        XCTAssertTrue(CPUBackend.blisAvailable)
        XCTAssertFalse(CPUBackend.blisArchitecture?.isEmpty ?? true)
        XCTAssertFalse(CPUBackend.blisVersion?.isEmpty ?? true)
        XCTAssertNil(CPUBackend.blisProblem)
    }

    /// `jule version` says why BLIS goes unused: a build older than the header, no header, or no library.
    func testBLISProblemNamesTheCause() {
        XCTAssertNil(CPUBackend.blisProblem(available: true, builtIn: true, libraryPresent: true))
        let stale = CPUBackend.blisProblem(available: false, builtIn: false, libraryPresent: true) ?? ""
        XCTAssertTrue(stale.contains("touch Sources/CBLIS/blis_loader.c && make build"), stale)
        let absent = CPUBackend.blisProblem(available: false, builtIn: false, libraryPresent: false) ?? ""
        XCTAssertTrue(absent.contains("install libblis-serial-dev"), absent)
        let unloadable = CPUBackend.blisProblem(available: false, builtIn: true, libraryPresent: false) ?? ""
        XCTAssertTrue(unloadable.contains("libblis.so.4 could not be loaded"), unloadable)
    }

    /// On a processor with the AVX-512 subsets of BLIS's skx kernels, the loader asks BLIS for them (BLIS 0.9
    /// itself falls back to "haswell" when the brand string does not tell it the FMA-unit count), and leaves no
    /// BLIS_ARCH_TYPE behind in the environment.
    func testBLISUsesAVX512WhereTheCPUHasIt() throws {
        try XCTSkipUnless(CPUBackend.blisAvailable, "libblis.so.4 is not installed")
        let environment = ProcessInfo.processInfo.environment
        try XCTSkipIf(environment["BLIS_ARCH_TYPE"] != nil || environment["JULE_BLIS_ARCH"] != nil,
                      "BLIS_ARCH_TYPE or JULE_BLIS_ARCH is set for this process")
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let flags = Set(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }?
            .split(separator: " ").map(String.init) ?? [])
        try XCTSkipUnless(["avx512f", "avx512dq", "avx512bw", "avx512vl", "avx2", "fma"].allSatisfy(flags.contains),
                          "this processor has no AVX-512 (F, DQ, BW, VL)")
        XCTAssertEqual(CPUBackend.blisArchitecture, "skx")
        XCTAssertNil(getenv("BLIS_ARCH_TYPE"))
    }

    /// The automatic choice follows the documented rule, whatever this machine is.
    func testAutomaticKernelRule() {
        XCTAssertEqual(CPUBackend.kernel(openBLASCore: "SkylakeX", blisArchitecture: "haswell"), .openBLAS)
        XCTAssertEqual(CPUBackend.kernel(openBLASCore: "Prescott", blisArchitecture: "haswell"), .blis)
        XCTAssertEqual(CPUBackend.kernel(openBLASCore: "Haswell", blisArchitecture: "zen3"), .blis)
        XCTAssertEqual(CPUBackend.kernel(openBLASCore: "Prescott", blisArchitecture: "generic"), .simd)
        XCTAssertEqual(CPUBackend.kernel(openBLASCore: "Prescott", blisArchitecture: nil), .simd)
        XCTAssertEqual(CPUBackend.kernel(openBLASCore: "Haswell", blisArchitecture: nil), .openBLAS)
        XCTAssertEqual(CPUBackend.kernel(openBLASCore: "Haswell", blisArchitecture: "penryn"), .openBLAS)
    }

    func testKernelsAgainstNaiveProduct() {
        var rng = SeededGenerator(seed: 5)
        for kernel in Self.kernels {
            let backend = CPUBackend(workers: 1, gemmKernel: kernel)
            for (m, n, k) in [(1, 1, 1), (7, 17, 5), (13, 1030, 300), (50, 33, 600)] {
                for ta in [false, true] {
                    for tb in [false, true] {
                        let a = (0..<(m * k)).map { _ in rng.nextFloat() - 0.5 }
                        let b = (0..<(k * n)).map { _ in rng.nextFloat() - 0.5 }
                        let c0 = (0..<(m * n)).map { _ in rng.nextFloat() - 0.5 }
                        let lda = ta ? m : k, ldb = tb ? k : n
                        for beta: Float in [0, 1] {
                            var c = c0
                            backend.gemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda,
                                         b: b, ldb: ldb, beta: beta, c: &c, ldc: n)
                            var worst = 0.0
                            for i in 0..<m {
                                for j in 0..<n {
                                    var s = 0.0
                                    for t in 0..<k {
                                        let av = ta ? a[t * lda + i] : a[i * lda + t]
                                        let bv = tb ? b[j * ldb + t] : b[t * ldb + j]
                                        s += Double(av) * Double(bv)
                                    }
                                    let expected = 0.5 * s + Double(beta) * Double(c0[i * n + j])
                                    worst = max(worst, abs(expected - Double(c[i * n + j])))
                                }
                            }
                            XCTAssertLessThan(worst, 1e-4, "\(kernel) \(m)×\(n)×\(k) ta \(ta) tb \(tb) β \(beta)")
                        }
                    }
                }
            }
        }
    }

    /// The whole training step agrees between the kernels up to rounding.
    func testTrainingStepAgreesAcrossKernels() {
        let spec = NetworkSpec(inputChannels: 2, inputHeight: 14, inputWidth: 14, blocks: [
            ConvBlockSpec(filters: 7, kernel: 5, padding: 0, pool: true),
            ConvBlockSpec(filters: 5, kernel: 5, padding: 2, pool: true),
        ], embeddingDimension: 8)
        var rng = SeededGenerator(seed: 8)
        let images = (0..<(30 * spec.inputSize)).map { _ in rng.nextFloat() }
        let labels = (0..<30).map { $0 % 5 }
        var results: [[Float]] = []
        for kernel in Self.kernels {
            let network = Network(spec: spec, seed: 2, backend: CPUBackend(workers: 2, gemmKernel: kernel))
            let trainer = Trainer(network: network, seed: 3)
            _ = trainer.trainStep(images: images, labels: labels)
            results.append(network.gradients)
        }
        let scale = results[0].map(abs).max() ?? 1
        XCTAssertGreaterThan(scale, 0)
        for other in results.dropFirst() {
            XCTAssertLessThan(zip(results[0], other).map { abs($0 - $1) }.max()! / scale, 1e-3)
        }
    }
}
