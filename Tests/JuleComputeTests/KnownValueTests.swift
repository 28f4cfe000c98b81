import XCTest
@testable import JuleCompute

/// Hand-computed outputs of the convolution, the pooling and batch normalisation.
final class KnownValueTests: XCTestCase {
    func testConvolutionIm2colGemmAgainstHandValues() {
        // 1×4×4 input 1…16, 3×3 kernel of ones except a centre 2, pad 0 → 2×2 output.
        let conv = Convolution(inputChannels: 1, height: 4, width: 4, filters: 1, kernel: 3, padding: 0)
        let x: [Float] = (1...16).map(Float.init)
        let w: [Float] = [1, 1, 1, 1, 2, 1, 1, 1, 1]
        var col = [Float](repeating: .nan, count: conv.patchSize * conv.outputPositions)
        conv.im2col(x, &col)
        var y = [Float](repeating: 0, count: 4)
        CPUBackend(workers: 1).gemm(transposeA: false, transposeB: false, m: 1, n: 4, k: 9, alpha: 1, a: w, lda: 9,
                                    b: col, ldb: 4, beta: 0, c: &y, ldc: 4)
        // Window sums: 54, 63, 90, 99; plus the centre once more: 6, 7, 10, 11.
        XCTAssertEqual(y, [60, 70, 100, 110])
        // With padding 1 the top-left output sees only the 2×2 corner: 1 + 2 + 5 + 6 + centre 1 = 15.
        let padded = Convolution(inputChannels: 1, height: 4, width: 4, filters: 1, kernel: 3, padding: 1)
        var col2 = [Float](repeating: .nan, count: padded.patchSize * padded.outputPositions)
        padded.im2col(x, &col2)
        var y2 = [Float](repeating: 0, count: 16)
        CPUBackend(workers: 1).gemm(transposeA: false, transposeB: false, m: 1, n: 16, k: 9, alpha: 1, a: w, lda: 9,
                                    b: col2, ldb: 16, beta: 0, c: &y2, ldc: 16)
        XCTAssertEqual(y2[0], 15)
        XCTAssertEqual(y2[5], 6 + 54 - 0)  // interior (1,1): window sum of 1,2,3,5,6,7,9,10,11 = 54, centre 6
        // col2im is the adjoint of im2col: <im2col(x), c> = <x, col2im(c)>.
        let c = (0..<col2.count).map { Float(($0 * 7) % 5) - 2 }
        var back = [Float](repeating: 0, count: 16)
        padded.col2im(c, &back)
        let lhs = zip(col2, c).map { Double($0 * $1) }.reduce(0, +)
        let rhs = zip(x, back).map { Double($0 * $1) }.reduce(0, +)
        XCTAssertEqual(lhs, rhs, accuracy: 1e-9)
    }

    func testCeilModeMaxPooling() {
        // 3×3 → 2×2 with partial right and bottom windows; ties go to the first element.
        let pool = MaxPooling(height: 3, width: 3)
        let x: [Float] = [1, 5, 2,
                          3, 4, 9,
                          7, 7, 0]
        var out = [Float](repeating: 0, count: 4)
        var argmax = [UInt8](repeating: 9, count: 4)
        pool.forward(x, &out, &argmax)
        XCTAssertEqual(out, [5, 9, 7, 0])
        XCTAssertEqual(argmax, [1, 2, 0, 0])
        var sources: [Int] = []
        argmax.withUnsafeBufferPointer { a in pool.forEachSource(a.baseAddress!) { _, source in sources.append(source) } }
        XCTAssertEqual(sources, [1, 5, 6, 8])
    }

    /// BN through a block whose 1×1 convolution is the identity: two images, one channel, 1×2 maps [1, 2], [3, 4].
    /// μ = 2.5, σ² = 1.25 (biased), γ = 2, β = 0.5; running mean 0.25, running variance 0.9 + 0.1·5/3.
    func testBatchNormTrainAndEvalValues() {
        let spec = NetworkSpec(inputChannels: 1, inputHeight: 1, inputWidth: 2,
                               blocks: [ConvBlockSpec(filters: 1, kernel: 1, padding: 0, pool: false)], embeddingDimension: 2)
        let network = Network(spec: spec, seed: 1, backend: CPUBackend(workers: 2))
        let block = network.blocks[0]
        var p = network.parameters
        p[block.weightOffset] = 1
        p[block.biasOffset] = 0
        p[block.gammaOffset] = 2
        p[block.betaOffset] = 0.5
        network.parameters = p
        let x: [Float] = [1, 2, 3, 4]
        x.withUnsafeBufferPointer { _ = network.forward($0.baseAddress!, count: 2, mode: .train) }
        let inv = 1 / (1.25 + 1e-5).squareRoot()
        let expected = [1.0, 2, 3, 4].map { max(0, 2 * ($0 - 2.5) * inv + 0.5) }
        let got = (0..<4).map { Double(block.out.pointer[$0]) }
        for (g, e) in zip(got, expected) { XCTAssertEqual(g, e, accuracy: 1e-5) }
        XCTAssertEqual(network.runningStatistics[0], 0.25, accuracy: 1e-7)
        XCTAssertEqual(network.runningStatistics[1], 0.9 + 0.1 * 5 / 3, accuracy: 1e-6)
        // Eval mode normalises with the running statistics and leaves them alone.
        let running = network.runningStatistics
        x.withUnsafeBufferPointer { _ = network.forward($0.baseAddress!, count: 2, mode: .eval) }
        let invEval = 1 / (Double(running[1]) + 1e-5).squareRoot()
        for k in 0..<4 {
            XCTAssertEqual(Double(block.out.pointer[k]),
                           max(0, 2 * (Double(x[k]) - Double(running[0])) * invEval + 0.5), accuracy: 1e-5)
        }
        XCTAssertEqual(network.runningStatistics, running)
    }
}
