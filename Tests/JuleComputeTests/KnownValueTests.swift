import XCTest
@testable import JuleCompute
import JuleData

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

    /// The eight-window lane path against the window definition, on sizes that exercise it, its scalar tail and
    /// the partial edge windows, with many ties (values from a small set) and negative zeros.
    func testMaxPoolingLanesMatchTheWindowDefinition() {
        var rng = SeededGenerator(seed: 7)
        let values: [Float] = [-1, -0.0, 0, 0.5, 2, 2, 3]
        for (height, width) in [(2, 16), (5, 17), (16, 33), (7, 40), (124, 124), (1, 18)] {
            let pool = MaxPooling(height: height, width: width)
            let x = (0..<height * width).map { _ in values[Int.random(in: 0..<values.count, using: &rng)] }
            var out = [Float](repeating: .nan, count: pool.outputPositions)
            var argmax = [UInt8](repeating: 9, count: pool.outputPositions)
            pool.forward(x, &out, &argmax)
            for py in 0..<pool.outputHeight {
                for px in 0..<pool.outputWidth {
                    var best = x[2 * py * width + 2 * px], index: UInt8 = 0
                    for code: UInt8 in 1...3 {
                        let dy = Int(code >> 1), dx = Int(code & 1)
                        guard 2 * py + dy < height, 2 * px + dx < width else { continue }
                        let v = x[(2 * py + dy) * width + 2 * px + dx]
                        if v > best { best = v; index = code }
                    }
                    let o = py * pool.outputWidth + px
                    XCTAssertEqual(out[o].bitPattern, best.bitPattern, "\(height)×\(width) at (\(py), \(px))")
                    XCTAssertEqual(argmax[o], index, "\(height)×\(width) at (\(py), \(px))")
                }
            }
        }
    }

    /// The lane paths of the batch-norm backward pass: the gathered arg-max values are what `forEachSource` points
    /// at, and the masked sums are the branching loop's bit for bit (signed zeros and dead positions included).
    func testGatheredSourcesAndLiveSumsMatchTheScalarLoops() {
        var rng = SeededGenerator(seed: 11)
        for (height, width) in [(3, 3), (16, 16), (17, 33), (124, 124), (1, 20)] {
            let pool = MaxPooling(height: height, width: width), q = pool.outputPositions
            let y = (0..<height * width).map { _ in Float.random(in: -2...2, using: &rng) }
            var pooled = [Float](repeating: 0, count: q), argmax = [UInt8](repeating: 0, count: q)
            pool.forward(y, &pooled, &argmax)
            var gathered = [Float](repeating: .nan, count: q), expected: [Float] = []
            argmax.withUnsafeBufferPointer { a in
                pool.gatherSources(y, a.baseAddress!, into: &gathered)
                pool.forEachSource(a.baseAddress!) { _, source in expected.append(y[source]) }
            }
            XCTAssertEqual(gathered.map(\.bitPattern), expected.map(\.bitPattern), "\(height)×\(width)")

            let out = (0..<q).map { _ in [Float(-1), 0, -0.0, 0.5][Int.random(in: 0..<4, using: &rng)] }
            let g = (0..<q).map { _ in [Float(-0.0), 0, 1e-30, -3, 0.25][Int.random(in: 0..<5, using: &rng)] }
            var sg: Float = 0, sgy: Float = 0
            for k in 0..<q where out[k] > 0 { sg += g[k]; sgy += g[k] * gathered[k] }
            let (lanes, laneProducts) = VectorKernels.liveSums(g: g, out: out, y: gathered, q)
            XCTAssertEqual(lanes.bitPattern, sg.bitPattern, "\(height)×\(width)")
            XCTAssertEqual(laneProducts.bitPattern, sgy.bitPattern, "\(height)×\(width)")

            var scattered = [Float](repeating: .nan, count: height * width)
            var plane = [Float](repeating: 0, count: height * width)
            argmax.withUnsafeBufferPointer { a in
                pool.scatterLiveGradient(g, out: out, a.baseAddress!, into: &scattered)
                pool.forEachSource(a.baseAddress!) { k, source in if out[k] > 0 { plane[source] = g[k] } }
            }
            XCTAssertEqual(scattered.map(\.bitPattern), plane.map(\.bitPattern), "\(height)×\(width)")
        }
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

extension MaxPooling {
    /// The definition the lane paths are checked against: `body(o, source)` for every output position `o` in
    /// order, with `source` the input-plane offset of its arg-max.
    func forEachSource(_ argmax: UnsafePointer<UInt8>, _ body: (Int, Int) -> Void) {
        for py in 0..<outputHeight {
            for px in 0..<outputWidth {
                let o = py * outputWidth + px
                body(o, 2 * py * width + offset(ofCode: argmax[o], column: px))
            }
        }
    }
}
