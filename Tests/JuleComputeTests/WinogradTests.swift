import Foundation
import JuleData
import _JuleTestSupport
import XCTest
@testable import JuleCompute

/// Winograd F(2×2, 5×5) against im2col + GEMM on the same network: forward maps, every parameter gradient and the
/// data gradient between blocks agree to single-precision rounding; it is used only where it should be; and it
/// keeps the engine's determinism (same bytes for any worker count with the package's own GEMM).
final class WinogradTests: XCTestCase {
    /// Two 5×5 blocks over 8 and 9 channels (odd output sizes, padding 2 then 0, pooled then not), 3 filters out.
    private let spec = NetworkSpec(inputChannels: 8, inputHeight: 15, inputWidth: 13, blocks: [
        ConvBlockSpec(filters: 9, kernel: 5, padding: 2, pool: true),
        ConvBlockSpec(filters: 3, kernel: 5, padding: 0, pool: false),
    ], embeddingDimension: 6)

    private func step(_ algorithm: ConvolutionAlgorithm, kernel: CPUBackend.GemmKernel = .simd,
                      portableKernel: PortableKernel? = nil,
                      workers: Int = 2) -> (embeddings: [Float], gradients: [Float], network: Network) {
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

    func testWinogradAgreesWithIm2col() {
        let direct = step(.im2col), winograd = step(.winograd)
        XCTAssertTrue(winograd.network.blocks.allSatisfy { $0.winograd != nil }, "both blocks should use Winograd")
        XCTAssertTrue(direct.network.blocks.allSatisfy { $0.winograd == nil })
        XCTAssertLessThan(maxAbsDifference(direct.embeddings.map(Double.init), winograd.embeddings.map(Double.init)), 2e-5)
        let scale = Double(direct.gradients.map(abs).max()!)
        let worst = zip(direct.gradients, winograd.gradients).map { abs(Double($0) - Double($1)) }.max()!
        XCTAssertLessThan(worst / scale, 1e-4, "worst gradient difference \(worst) of \(scale)")
        XCTAssertNotEqual(direct.gradients, winograd.gradients, "the two algorithms should not give the same bits")
    }

    /// One image per product (the path of large maps such as COIL-20's block 2) against im2col on the same path.
    func testOneImagePerProductAgreesWithIm2col() {
        let saved = ConvBlock.targetColumns
        ConvBlock.targetColumns = 1
        defer { ConvBlock.targetColumns = saved }
        let direct = step(.im2col), winograd = step(.winograd)
        XCTAssertLessThan(maxAbsDifference(direct.embeddings.map(Double.init), winograd.embeddings.map(Double.init)), 2e-5)
        let scale = Double(direct.gradients.map(abs).max()!)
        let worst = zip(direct.gradients, winograd.gradients).map { abs(Double($0) - Double($1)) }.max()!
        XCTAssertLessThan(worst / scale, 1e-4, "worst gradient difference \(worst) of \(scale)")
    }

    func testOnlyFiveByFiveBlocksOverEightOrMoreChannelsUseWinograd() {
        let first = Convolution(inputChannels: 1, height: 28, width: 28, filters: 50, kernel: 5, padding: 0)
        let second = Convolution(inputChannels: 50, height: 12, width: 12, filters: 50, kernel: 5, padding: 0)
        let threeByThree = Convolution(inputChannels: 50, height: 12, width: 12, filters: 50, kernel: 3, padding: 0)
        XCTAssertFalse(WinogradConvolution.isWorthwhile(first))
        XCTAssertTrue(WinogradConvolution.isWorthwhile(second))
        XCTAssertFalse(WinogradConvolution.isWorthwhile(threeByThree))
        let mnist = Network(spec: .preset("MNIST")!, seed: 1)
        mnist.convolutionAlgorithm = .winograd
        XCTAssertEqual(mnist.blocks.map { $0.winograd != nil }, [false, true])
    }

    func testWinogradIsDeterministicAndIndependentOfWorkers() {
        let one = step(.winograd, workers: 1), two = step(.winograd, workers: 2), three = step(.winograd, workers: 3)
        // (Compared as Bools: a failing XCTAssertEqual would print every element.)
        XCTAssertTrue(one.gradients.map(\.bitPattern) == two.gradients.map(\.bitPattern), "1 vs 2 workers")
        XCTAssertTrue(two.gradients.map(\.bitPattern) == three.gradients.map(\.bitPattern), "2 vs 3 workers")
        XCTAssertTrue(one.embeddings.map(\.bitPattern) == three.embeddings.map(\.bitPattern), "embeddings")
    }

    /// Portable mode with Winograd: the transforms are plain single-precision products and sums, so with the
    /// portable GEMM a step is the same bits with every portable kernel this processor runs, and on every machine:
    /// the digest below was produced on an AMD EPYC (family 25 model 17, AVX-512) and must hold unchanged on Intel.
    func testPortableWinogradStepIsTheSameBitsEverywhere() {
        let golden = Self.portableDigest
        for kernel in PortableKernel.allCases where kernel.isSupported {
            for workers in [1, 2] {
                let result = step(.winograd, kernel: .portable, portableKernel: kernel, workers: workers)
                var bytes = Data()
                for value in result.embeddings + result.gradients { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
                XCTAssertEqual(Digest.sha256(bytes), golden, "\(kernel) kernel, \(workers) workers")
            }
        }
    }

    static let portableDigest = "0bd7cd25ce05c902eae3fdae766c03b1284ce26328f589574e1fb7bd7b91baf0"

    /// The transforms as the engine writes them (formulas on 8-lane vectors) are exactly the matrices Bᵀ, Aᵀ and A:
    /// fed the unit vectors, they give the matrices' columns (rows for A).
    func testTransformFormulasAreTheMatrices() {
        typealias V8 = WinogradConvolution.V8
        func unit(_ j: Int, of n: Int) -> [V8] { (0..<n).map { V8(repeating: $0 == j ? 1 : 0) } }
        let out = UnsafeMutablePointer<V8>.allocate(capacity: 6)
        defer { out.deallocate() }
        for j in 0..<6 {
            let d = unit(j, of: 6)
            WinogradConvolution.inputTransform(d[0], d[1], d[2], d[3], d[4], d[5], out, 1)
            for i in 0..<6 { XCTAssertEqual(out[i][0], WinogradConvolution.bt[i * 6 + j], "Bᵀ[\(i)][\(j)]") }
            let (y0, y1) = WinogradConvolution.outputTransform(d[0], d[1], d[2], d[3], d[4], d[5])
            XCTAssertEqual(y0[0], WinogradConvolution.at[j], "Aᵀ[0][\(j)]")
            XCTAssertEqual(y1[0], WinogradConvolution.at[6 + j], "Aᵀ[1][\(j)]")
        }
        for j in 0..<2 {
            let u = unit(j, of: 2)
            WinogradConvolution.gradientTransform(u[0], u[1], out, 1)
            for i in 0..<6 { XCTAssertEqual(out[i][0], WinogradConvolution.at[j * 6 + i], "A[\(i)][\(j)]") }
        }
    }

    /// The transform matrices compute a 1-D correlation exactly (in double): y_i = Σ_k g_k d_{i+k}.
    func testTransformMatricesComputeCorrelation() {
        let g: [Double] = [0.3, -1.2, 0.7, 2.0, -0.4], d: [Double] = [1.5, -0.2, 0.9, 3.1, -2.2, 0.6]
        let gg = (0..<6).map { j in (0..<5).reduce(0.0) { $0 + WinogradConvolution.g[j * 5 + $1] * g[$1] } }
        let bd = (0..<6).map { j in (0..<6).reduce(0.0) { $0 + Double(WinogradConvolution.bt[j * 6 + $1]) * d[$1] } }
        for i in 0..<2 {
            let y = (0..<6).reduce(0.0) { $0 + Double(WinogradConvolution.at[i * 6 + $1]) * gg[$1] * bd[$1] }
            let expected = (0..<5).reduce(0.0) { $0 + g[$1] * d[i + $1] }
            XCTAssertEqual(y, expected, accuracy: 1e-12)
        }
    }
}
