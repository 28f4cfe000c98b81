import JuleData
import XCTest
@testable import JuleCompute

/// The portable kernel's definition, checked bit for bit: every element of C is one FMA chain in ascending k,
///
///     c⁰ = 0 (β = 0), C (β = 1), fl(β·C) otherwise;   cᵏ⁺¹ = fma(fl(α·op(A)[i,k]), op(B)[k,j], cᵏ)
///
/// whatever instruction set computes it (scalar, AVX2, AVX-512: each one this processor runs), however the rows are
/// split between calls (worker shares), and for shapes that cross every blocking boundary (6/10-row and 16/32-column
/// edges, k slices of 256, row blocks of 144/240, column blocks of 4080/4096), with operands packed or read in place
/// (AVX2: op(A) for products of at most 8 column panels, a row-major B slice of up to 64 Ki floats; the last, partial
/// panel always packed).
final class PortableGemmTests: XCTestCase {
    static var kernels: [PortableKernel] { PortableKernel.allCases.filter(\.isSupported) }

    /// The definition in Swift (`addingProduct` is the IEEE fused multiply–add), sharing no code with the C kernels.
    static func reference(transposeA ta: Bool, transposeB tb: Bool, m: Int, n: Int, k: Int, alpha: Float, a: [Float],
                          lda: Int, b: [Float], ldb: Int, beta: Float, c: inout [Float], ldc: Int) {
        for i in 0..<m {
            for j in 0..<n {
                var acc: Float = beta == 0 ? 0 : beta == 1 ? c[i * ldc + j] : beta * c[i * ldc + j]
                for t in 0..<k {
                    var av = ta ? a[t * lda + i] : a[i * lda + t]
                    if alpha != 1 { av = alpha * av }
                    acc = acc.addingProduct(av, tb ? b[j * ldb + t] : b[t * ldb + j])
                }
                c[i * ldc + j] = acc
            }
        }
    }

    func testEveryKernelComputesTheDefinitionBitForBit() {
        XCTAssertTrue(PortableKernel.scalar.isSupported)
        var rng = SeededGenerator(seed: 11)
        let shapes = [(1, 1, 1), (1, 37, 3), (7, 17, 5), (10, 32, 256), (11, 33, 257), (13, 95, 600), (50, 160, 300),
                      (251, 9, 40), (3, 4101, 2), (6, 16, 0), (50, 124, 50), (150, 200, 60), (20, 128, 300)]
        for (m, n, k) in shapes {
            for ta in [false, true] {
                for tb in [false, true] {
                    let lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + 3
                    let a = (0..<(max(m, k) * lda)).map { _ in rng.nextFloat() - 0.5 }
                    let b = (0..<(max(n, k) * ldb)).map { _ in rng.nextFloat() - 0.5 }
                    var c0 = (0..<(m * ldc)).map { _ in rng.nextFloat() - 0.5 }
                    c0[0] = .nan   // β = 0 must overwrite, not multiply
                    for (alpha, beta): (Float, Float) in [(1, 0), (1, 1), (-2, 0.25), (0.5, 1)] {
                        var expected = c0
                        Self.reference(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                                       b: b, ldb: ldb, beta: beta, c: &expected, ldc: ldc)
                        for kernel in Self.kernels {
                            let backend = CPUBackend(workers: 1, gemmKernel: .portable, portableKernel: kernel)
                            var c = c0
                            backend.gemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                                         b: b, ldb: ldb, beta: beta, c: &c, ldc: ldc)
                            // Bit patterns: NaN ≠ NaN, and −0 must stay −0. The padding columns are untouched.
                            XCTAssertEqual(c.map(\.bitPattern), expected.map(\.bitPattern),
                                           "\(kernel) \(m)×\(n)×\(k) ta \(ta) tb \(tb) α \(alpha) β \(beta)")
                        }
                    }
                }
            }
        }
    }

    /// Rows computed in two calls (as two workers split a batch) give the same bytes as one call.
    func testRowSplitsDoNotChangeResults() {
        var rng = SeededGenerator(seed: 12)
        let (m, n, k) = (50, 1250, 700)
        let a = (0..<(m * k)).map { _ in rng.nextFloat() - 0.5 }, b = (0..<(k * n)).map { _ in rng.nextFloat() - 0.5 }
        for kernel in Self.kernels where kernel != .scalar {
            let backend = CPUBackend(workers: 1, gemmKernel: .portable, portableKernel: kernel)
            var whole = [Float](repeating: 0, count: m * n), split = whole
            backend.gemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n,
                         beta: 0, c: &whole, ldc: n)
            for rows in [0..<23, 23..<50] {
                a.withUnsafeBufferPointer { ap in
                    split.withUnsafeMutableBufferPointer { cp in
                        backend.gemm(transposeA: false, transposeB: false, m: rows.count, n: n, k: k, alpha: 1,
                                     a: ap.baseAddress! + rows.lowerBound * k, lda: k, b: b, ldb: n, beta: 0,
                                     c: cp.baseAddress! + rows.lowerBound * n, ldc: n)
                    }
                }
            }
            XCTAssertEqual(whole.map(\.bitPattern), split.map(\.bitPattern), "\(kernel)")
        }
    }

    /// Two training steps in portable mode: the same parameters, bit for bit, with every kernel and 1 or 2 workers.
    func testTrainingIsIdenticalForEveryKernelAndWorkerCount() {
        let spec = NetworkSpec(inputChannels: 2, inputHeight: 14, inputWidth: 14, blocks: [
            ConvBlockSpec(filters: 7, kernel: 5, padding: 0, pool: true),
            ConvBlockSpec(filters: 5, kernel: 5, padding: 2, pool: true),
        ], embeddingDimension: 8)
        var rng = SeededGenerator(seed: 8)
        let images = (0..<(30 * spec.inputSize)).map { _ in rng.nextFloat() }
        let labels = (0..<30).map { $0 % 5 }
        var results: [String: [UInt32]] = [:]
        for kernel in Self.kernels {
            for workers in [1, 2] {
                let backend = CPUBackend(workers: workers, gemmKernel: .portable, portableKernel: kernel)
                XCTAssertEqual(backend.mathFunctions, .portable)
                let network = Network(spec: spec, seed: 2, backend: backend)
                let trainer = Trainer(network: network, seed: 3)
                for _ in 0..<2 { _ = trainer.trainStep(images: images, labels: labels) }
                let embeddings = network.embed(images, count: 30, batchSize: 7)
                results["\(kernel) × \(workers)"] = (network.parameters + network.runningStatistics + embeddings).map(\.bitPattern)
            }
        }
        let first = results.values.first!
        for (name, bits) in results { XCTAssertEqual(bits, first, name) }
    }

    /// `JULE_PORTABLE_KERNEL` forces a kernel this processor runs; anything else falls back to the widest and says why.
    func testEnvironmentOverride() {
        let name = PortableKernel.environmentVariable
        XCTAssertEqual(PortableKernel.selected(environment: [:]).kernel, PortableKernel.widest)
        XCTAssertNil(PortableKernel.selected(environment: [:]).note)
        XCTAssertEqual(PortableKernel.selected(environment: [name: "scalar"]).kernel, .scalar)
        XCTAssertEqual(PortableKernel.selected(environment: [name: "AVX2"]).kernel, PortableKernel.avx2.isSupported ? .avx2 : .scalar)
        let unknown = PortableKernel.selected(environment: [name: "avx9"])
        XCTAssertEqual(unknown.kernel, PortableKernel.widest)
        XCTAssertTrue(unknown.note?.contains("not one of scalar, avx2, avx512") ?? false, "\(unknown)")
        XCTAssertEqual(CPUBackend(workers: 1, gemmKernel: .portable, portableKernel: .scalar).kernelDescription, "portable scalar")
        XCTAssertEqual(CPUBackend(workers: 1, gemmKernel: .openBLAS).mathFunctions, .system)
    }
}
