import JuleData
import XCTest
@testable import JuleCompute

/// Both GEMM kernels of `CPUBackend` against a naive double-precision product, every transposition,
/// sizes that exercise the 6-row and 16-column edges and more than one k slice and n block.
final class GemmTests: XCTestCase {
    func testKernelsAgainstNaiveProduct() {
        var rng = SeededGenerator(seed: 5)
        for kernel in [CPUBackend.GemmKernel.openBLAS, .simd] {
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

    /// The whole training step agrees between the two kernels up to rounding.
    func testTrainingStepAgreesAcrossKernels() {
        let spec = NetworkSpec(inputChannels: 2, inputHeight: 14, inputWidth: 14, blocks: [
            ConvBlockSpec(filters: 7, kernel: 5, padding: 0, pool: true),
            ConvBlockSpec(filters: 5, kernel: 5, padding: 2, pool: true),
        ], embeddingDimension: 8)
        var rng = SeededGenerator(seed: 8)
        let images = (0..<(30 * spec.inputSize)).map { _ in rng.nextFloat() }
        let labels = (0..<30).map { $0 % 5 }
        var results: [[Float]] = []
        for kernel in [CPUBackend.GemmKernel.openBLAS, .simd] {
            let network = Network(spec: spec, seed: 2, backend: CPUBackend(workers: 2, gemmKernel: kernel))
            let trainer = Trainer(network: network, seed: 3)
            _ = trainer.trainStep(images: images, labels: labels)
            results.append(network.gradients)
        }
        let scale = results[0].map(abs).max() ?? 1
        XCTAssertGreaterThan(scale, 0)
        XCTAssertLessThan(zip(results[0], results[1]).map { abs($0 - $1) }.max()! / scale, 1e-3)
    }
}
