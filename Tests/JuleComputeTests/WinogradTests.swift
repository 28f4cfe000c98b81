import Foundation
import JuleData
import _JuleTestSupport
import XCTest
@testable import JuleCompute

/// Winograd F(2×2, 5×5) and F(4×4, 5×5) against im2col + GEMM on the same network: forward maps, every parameter
/// gradient and the data gradient between blocks agree to single-precision rounding; they are used only where they
/// should be; and they keep the engine's determinism (same bytes for any worker count with the package's own GEMM).
final class WinogradTests: XCTestCase {
    /// Two 5×5 blocks over 8 and 9 channels (odd output sizes, padding 2 then 0, pooled then not), 3 filters out.
    private let spec = NetworkSpec(inputChannels: 8, inputHeight: 15, inputWidth: 13, blocks: [
        ConvBlockSpec(filters: 9, kernel: 5, padding: 2, pool: true),
        ConvBlockSpec(filters: 3, kernel: 5, padding: 0, pool: false),
    ], embeddingDimension: 6)

    /// The same blocks on wider maps (outputs 20×44 and 6×18): whole groups of 8 tiles, the vector paths.
    private let wide = NetworkSpec(inputChannels: 8, inputHeight: 20, inputWidth: 44, blocks: [
        ConvBlockSpec(filters: 9, kernel: 5, padding: 2, pool: true),
        ConvBlockSpec(filters: 3, kernel: 5, padding: 0, pool: false),
    ], embeddingDimension: 6)

    private let algorithms: [ConvolutionAlgorithm] = [.winograd, .winograd4x4]

    private func step(_ algorithm: ConvolutionAlgorithm, spec: NetworkSpec? = nil, kernel: CPUBackend.GemmKernel = .simd,
                      portableKernel: PortableKernel? = nil,
                      workers: Int = 2) -> (embeddings: [Float], gradients: [Float], network: Network) {
        let spec = spec ?? self.spec
        let backend = CPUBackend(workers: workers, gemmKernel: kernel, portableKernel: portableKernel)
        let network = Network(spec: spec, seed: 5, backend: backend)
        network.convolutionAlgorithm = algorithm
        var rng = SeededGenerator(seed: 11)
        network.parameters = network.parameters.map { $0 == 0 ? Float(0.1 * rng.nextGaussian()) : $0 * 20 }
        let n = 12, labels = (0..<n).map { $0 % 4 }
        let images = (0..<(n * spec.inputSize)).map { _ in rng.nextFloat() }
        var tripletRNG = SeededGenerator(seed: 3)
        let triplets = TripletSampler.sample(labels: labels, negativesPerPair: 3, using: &tripletRNG)
        let loss = WeightedTripletLoss(gamma: 2, margin: 0.5)
        let d = spec.embeddingDimension
        let embeddings: [Float] = images.withUnsafeBufferPointer { input in
            let e = network.forward(input.baseAddress!, count: n, mode: .train)
            var g = [Float](repeating: 0, count: n * d)
            _ = g.withUnsafeMutableBufferPointer {
                loss.evaluate(e, count: n, dimension: d, triplets: triplets, gradient: $0.baseAddress!)
            }
            let result = Array(UnsafeBufferPointer(start: e, count: n * d))
            g.withUnsafeBufferPointer { network.backward(embeddingGradient: $0.baseAddress!) }
            return result
        }
        return (embeddings, network.gradients, network)
    }

    /// Both tilings against im2col: embeddings within 2e-5, gradients within 1e-4 of the largest.
    private func assertAgrees(_ direct: (embeddings: [Float], gradients: [Float], network: Network),
                              _ winograd: (embeddings: [Float], gradients: [Float], network: Network),
                              _ label: String) {
        XCTAssertLessThan(maxAbsDifference(direct.embeddings.map(Double.init), winograd.embeddings.map(Double.init)), 2e-5,
                          label)
        let scale = Double(direct.gradients.map(abs).max()!)
        let worst = zip(direct.gradients, winograd.gradients).map { abs(Double($0) - Double($1)) }.max()!
        XCTAssertLessThan(worst / scale, 1e-4, "\(label): worst gradient difference \(worst) of \(scale)")
        XCTAssertFalse(direct.gradients == winograd.gradients, "\(label): the algorithms should not give the same bits")
    }

    func testWinogradAgreesWithIm2col() {
        for spec in [spec, wide] {
            let direct = step(.im2col, spec: spec)
            XCTAssertTrue(direct.network.blocks.allSatisfy { $0.winograd == nil })
            for algorithm in algorithms {
                let winograd = step(algorithm, spec: spec)
                XCTAssertTrue(winograd.network.blocks.allSatisfy { $0.winograd != nil }, "both blocks should use \(algorithm)")
                assertAgrees(direct, winograd, "\(algorithm), \(spec.inputHeight)×\(spec.inputWidth)")
            }
        }
    }

    /// One image per product (the path of large maps such as COIL-20's block 2) against im2col on the same path.
    func testOneImagePerProductAgreesWithIm2col() {
        let saved = ConvBlock.targetColumns
        ConvBlock.targetColumns = 1
        defer { ConvBlock.targetColumns = saved }
        let direct = step(.im2col)
        for algorithm in algorithms { assertAgrees(direct, step(algorithm), "\(algorithm), one image per product") }
    }

    func testOnlyFiveByFiveBlocksOverEightOrMoreChannelsUseWinograd() {
        let first = Convolution(inputChannels: 1, height: 28, width: 28, filters: 50, kernel: 5, padding: 0)
        let second = Convolution(inputChannels: 50, height: 12, width: 12, filters: 50, kernel: 5, padding: 0)
        let threeByThree = Convolution(inputChannels: 50, height: 12, width: 12, filters: 50, kernel: 3, padding: 0)
        XCTAssertFalse(WinogradLayer.isWorthwhile(first))
        XCTAssertTrue(WinogradLayer.isWorthwhile(second))
        XCTAssertFalse(WinogradLayer.isWorthwhile(threeByThree))
        for algorithm in algorithms {
            let mnist = Network(spec: .preset("MNIST")!, seed: 1)
            mnist.convolutionAlgorithm = algorithm
            XCTAssertEqual(mnist.blocks.map { $0.winograd != nil }, [false, true], "\(algorithm)")
        }
        if case .f2 = WinogradLayer(.winograd, second) {} else { XCTFail("winograd should be F(2×2, 5×5)") }
        if case .f4 = WinogradLayer(.winograd4x4, second) {} else { XCTFail("winograd4x4 should be F(4×4, 5×5)") }
        XCTAssertNil(WinogradLayer(.im2col, second))
    }

    func testWinogradIsDeterministicAndIndependentOfWorkers() {
        for algorithm in algorithms {
            let one = step(algorithm, spec: wide, workers: 1), two = step(algorithm, spec: wide, workers: 2)
            let three = step(algorithm, spec: wide, workers: 3)
            // (Compared as Bools: a failing XCTAssertEqual would print every element.)
            XCTAssertTrue(one.gradients.map(\.bitPattern) == two.gradients.map(\.bitPattern), "\(algorithm): 1 vs 2 workers")
            XCTAssertTrue(two.gradients.map(\.bitPattern) == three.gradients.map(\.bitPattern), "\(algorithm): 2 vs 3 workers")
            XCTAssertTrue(one.embeddings.map(\.bitPattern) == three.embeddings.map(\.bitPattern), "\(algorithm): embeddings")
        }
    }

    /// Portable mode with Winograd: the transforms are plain single-precision products and sums, so with the
    /// portable GEMM a step is the same bits with every portable kernel this processor runs, and on every machine:
    /// the digests below were produced on an AMD EPYC (family 25 model 17, AVX-512) and must hold unchanged on Intel.
    func testPortableWinogradStepIsTheSameBitsEverywhere() {
        for (algorithm, spec, golden) in [(ConvolutionAlgorithm.winograd, spec, Self.portableDigest),
                                          (.winograd4x4, wide, Self.portableDigest4x4)] {
            for kernel in PortableKernel.allCases where kernel.isSupported {
                for workers in [1, 2] {
                    let result = step(algorithm, spec: spec, kernel: .portable, portableKernel: kernel, workers: workers)
                    var bytes = Data()
                    for value in result.embeddings + result.gradients {
                        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
                    }
                    XCTAssertEqual(Digest.sha256(bytes), golden, "\(algorithm), \(kernel) kernel, \(workers) workers")
                }
            }
        }
    }

    static let portableDigest = "0bd7cd25ce05c902eae3fdae766c03b1284ce26328f589574e1fb7bd7b91baf0"
    static let portableDigest4x4 = "1b533c12b4fa32daff76a10ea49f65ed18d959ce09ce1f2596c04fcb696f7f97"

    /// The transforms as the engine writes them (formulas on 8-lane vectors) are exactly the matrices Bᵀ, Aᵀ and A:
    /// fed the unit vectors, they give the matrices' columns (rows for A).
    func testTransformFormulasAreTheMatrices() {
        func check<Tiling: WinogradTiling>(_: Tiling.Type) {
            typealias V8 = SIMD8<Float>
            let n = Tiling.tile, m = Tiling.outputTile
            func unit(_ j: Int) -> (Int) -> V8 { { V8(repeating: $0 == j ? 1 : 0) } }
            let out = UnsafeMutablePointer<V8>.allocate(capacity: n)
            defer { out.deallocate() }
            for j in 0..<n {
                Tiling.inputTransform(unit(j), out, 1)
                for i in 0..<n { XCTAssertEqual(out[i][0], Tiling.bt[i * n + j], "\(Tiling.self) Bᵀ[\(i)][\(j)]") }
                Tiling.outputTransform(unit(j), out, 1)
                for i in 0..<m { XCTAssertEqual(out[i][0], Tiling.at[i * n + j], "\(Tiling.self) Aᵀ[\(i)][\(j)]") }
            }
            for j in 0..<m {
                Tiling.gradientTransform(unit(j), out, 1)
                for i in 0..<n { XCTAssertEqual(out[i][0], Tiling.at[j * n + i], "\(Tiling.self) A[\(i)][\(j)]") }
            }
        }
        check(WinogradF2.self)
        check(WinogradF4.self)
    }

    /// The transform matrices compute a 1-D correlation exactly (in double): y_i = Σ_k g_k d_{i+k}.
    func testTransformMatricesComputeCorrelation() {
        func check<Tiling: WinogradTiling>(_: Tiling.Type) {
            let n = Tiling.tile, m = Tiling.outputTile
            let g: [Double] = [0.3, -1.2, 0.7, 2.0, -0.4], d: [Double] = [1.5, -0.2, 0.9, 3.1, -2.2, 0.6, -1.7, 0.8]
            let gg = (0..<n).map { j in (0..<5).reduce(0.0) { $0 + Tiling.g[j * 5 + $1] * g[$1] } }
            let bd = (0..<n).map { j in (0..<n).reduce(0.0) { $0 + Double(Tiling.bt[j * n + $1]) * d[$1] } }
            for i in 0..<m {
                let y = (0..<n).reduce(0.0) { $0 + Double(Tiling.at[i * n + $1]) * gg[$1] * bd[$1] }
                let expected = (0..<5).reduce(0.0) { $0 + g[$1] * d[i + $1] }
                XCTAssertEqual(y, expected, accuracy: 1e-12, "\(Tiling.self) output \(i)")
            }
        }
        check(WinogradF2.self)
        check(WinogradF4.self)
    }
}
