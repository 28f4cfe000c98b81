import JuleData
import _JuleTestSupport
import XCTest
@testable import JuleCompute

/// Finite-difference checks: analytic Float gradients of `Network` + `WeightedTripletLoss` against central
/// differences of the double-precision `ReferenceNetwork` (h = 1e-5), every parameter.
final class GradientCheckTests: XCTestCase {
    private func randomImages(_ count: Int, _ rng: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in rng.nextFloat() }
    }

    /// Compares for one spec; returns the worst relative error for reporting.
    @discardableResult
    private func check(spec: NetworkSpec, count n: Int, labels: [Int], gamma: Float = 2, seed: UInt64 = 7,
                       workers: Int = 2, algorithm: ConvolutionAlgorithm = .im2col,
                       file: StaticString = #filePath, line: UInt = #line) -> Double {
        let network = Network(spec: spec, seed: seed, backend: CPUBackend(workers: workers))
        network.convolutionAlgorithm = algorithm
        // Larger weights than the N(0, 0.01²) init so the check is not dominated by tiny values.
        var rng = SeededGenerator(seed: seed ^ 0xABCD)
        network.parameters = network.parameters.map { $0 == 0 ? Float(0.1 * rng.nextGaussian()) : $0 * 20 }
        let images = randomImages(n * spec.inputSize, &rng)
        var tripletRNG = SeededGenerator(seed: 3)
        let triplets = TripletSampler.sample(labels: labels, negativesPerPair: 3, using: &tripletRNG)
        XCTAssertFalse(triplets.isEmpty, file: file, line: line)
        let loss = WeightedTripletLoss(gamma: gamma, margin: 0.5)

        let analytic: [Float] = images.withUnsafeBufferPointer { input in
            let e = network.forward(input.baseAddress!, count: n, mode: .train)
            let d = spec.embeddingDimension
            var g = [Float](repeating: 0, count: n * d)
            _ = g.withUnsafeMutableBufferPointer {
                loss.evaluate(e, count: n, dimension: d, triplets: triplets, gradient: $0.baseAddress!)
            }
            g.withUnsafeBufferPointer { network.backward(embeddingGradient: $0.baseAddress!) }
            return network.gradients
        }

        var reference = ReferenceNetwork(spec: spec, parameters: network.parameters.map(Double.init))
        let x = images.map(Double.init)
        func value(_ r: ReferenceNetwork) -> Double {
            ReferenceNetwork.tripletLoss(r.forward(x, count: n), dimension: spec.embeddingDimension,
                                         triplets: triplets, gamma: Double(gamma), margin: 0.5)
        }
        // The forward passes agree as well.
        let e32 = network.embed(images, count: n, batchSize: n, batchNorm: .train)
        let e64 = reference.forward(x, count: n)
        XCTAssertLessThan(maxAbsDifference(e32.map(Double.init), e64), 1e-4, "forward", file: file, line: line)

        let h = 1e-5
        var worst = 0.0
        let scale = analytic.map { abs(Double($0)) }.max() ?? 1
        for j in 0..<network.parameterCount {
            let saved = reference.parameters[j]
            reference.parameters[j] = saved + h
            let plus = value(reference)
            reference.parameters[j] = saved - h
            let minus = value(reference)
            reference.parameters[j] = saved
            let numeric = (plus - minus) / (2 * h)
            let error = abs(numeric - Double(analytic[j])) / max(scale, 1e-3)
            worst = max(worst, error)
            XCTAssertLessThan(error, 2e-3, "parameter \(j): numeric \(numeric) analytic \(analytic[j])", file: file, line: line)
        }
        return worst
    }

    func testHeadOnlyLinearAndL2Normalisation() {
        let spec = NetworkSpec(inputChannels: 2, inputHeight: 3, inputWidth: 3, blocks: [], embeddingDimension: 5)
        check(spec: spec, count: 8, labels: [0, 0, 1, 1, 2, 2, 0, 1])
    }

    func testConvolutionBatchNormReLUPoolingBlockOddSizes() {
        // 2 channels in, kernel 3, no padding, 9×7 → 7×5 → ceil pool 4×3 (partial edge windows).
        let spec = NetworkSpec(inputChannels: 2, inputHeight: 9, inputWidth: 7,
                               blocks: [ConvBlockSpec(filters: 3, kernel: 3, padding: 0, pool: true)], embeddingDimension: 4)
        check(spec: spec, count: 6, labels: [0, 1, 0, 1, 2, 2])
    }

    func testTwoBlocksPaddedAndUnpooledWithInputGradient() {
        // Block 1: kernel 5, pad 2 (UMist/YTF style); block 2: no pooling (MNIST style), whose input gradient
        // (col2im) feeds block 1's parameter gradients.
        let spec = NetworkSpec(inputChannels: 1, inputHeight: 8, inputWidth: 8, blocks: [
            ConvBlockSpec(filters: 3, kernel: 5, padding: 2, pool: true),
            ConvBlockSpec(filters: 2, kernel: 3, padding: 0, pool: false),
        ], embeddingDimension: 3)
        check(spec: spec, count: 6, labels: [0, 0, 1, 1, 2, 2])
    }

    /// The same checks with one image per matrix product (the path large maps such as COIL-20's take).
    func testOneImagePerProduct() {
        let saved = ConvBlock.targetColumns
        ConvBlock.targetColumns = 1
        defer { ConvBlock.targetColumns = saved }
        let spec = NetworkSpec(inputChannels: 1, inputHeight: 8, inputWidth: 8, blocks: [
            ConvBlockSpec(filters: 3, kernel: 5, padding: 2, pool: true),
            ConvBlockSpec(filters: 2, kernel: 3, padding: 0, pool: false),
        ], embeddingDimension: 3)
        check(spec: spec, count: 6, labels: [0, 0, 1, 1, 2, 2])
    }

    /// Winograd in both blocks (8 and 9 input channels), odd output sizes, padding 2 and 0, and the second block's
    /// data gradient feeding the first block's parameters.
    private let winogradSpec = NetworkSpec(inputChannels: 8, inputHeight: 9, inputWidth: 7, blocks: [
        ConvBlockSpec(filters: 9, kernel: 5, padding: 2, pool: true),
        ConvBlockSpec(filters: 2, kernel: 5, padding: 2, pool: false),
    ], embeddingDimension: 3)

    func testWinogradBlocksAgainstFiniteDifferences() {
        check(spec: winogradSpec, count: 6, labels: [0, 0, 1, 1, 2, 2], algorithm: .winograd)
    }

    func testWinograd4x4BlocksAgainstFiniteDifferences() {
        check(spec: winogradSpec, count: 6, labels: [0, 0, 1, 1, 2, 2], algorithm: .winograd4x4)
    }

    func testSingleWorkerAndGammaOne() {
        let spec = NetworkSpec(inputChannels: 1, inputHeight: 6, inputWidth: 6,
                               blocks: [ConvBlockSpec(filters: 2, kernel: 3, padding: 1, pool: true)], embeddingDimension: 3)
        check(spec: spec, count: 5, labels: [0, 0, 1, 1, 1], gamma: 1, workers: 1)
    }

    func testTripletLossGradientAgainstDoubleFiniteDifferences() {
        var rng = SeededGenerator(seed: 11)
        let n = 10, d = 6
        let e = (0..<(n * d)).map { _ in Float(rng.nextGaussian()) * 0.4 }
        let labels = [0, 0, 0, 1, 1, 1, 2, 2, 3, 3]
        var sampler = SeededGenerator(seed: 5)
        let triplets = TripletSampler.sample(labels: labels, negativesPerPair: 20, using: &sampler)
        let loss = WeightedTripletLoss(gamma: 2, margin: 0.2)
        let (value, gradient) = loss.lossAndGradient(embeddings: e, count: n, dimension: d, triplets: triplets)
        var x = e.map(Double.init)
        let reference = ReferenceNetwork.tripletLoss(x, dimension: d, triplets: triplets, gamma: 2, margin: 0.2)
        XCTAssertEqual(value, reference, accuracy: 1e-5)
        XCTAssertGreaterThan(value, 0)
        for j in x.indices {
            let saved = x[j]
            x[j] = saved + 1e-6
            let plus = ReferenceNetwork.tripletLoss(x, dimension: d, triplets: triplets, gamma: 2, margin: 0.2)
            x[j] = saved - 1e-6
            let minus = ReferenceNetwork.tripletLoss(x, dimension: d, triplets: triplets, gamma: 2, margin: 0.2)
            x[j] = saved
            XCTAssertEqual(Double(gradient[j]), (plus - minus) / 2e-6, accuracy: 1e-4, "embedding entry \(j)")
        }
    }

    /// §4.4 / §13: with γ = 1 the Torch bug leaves gradients parallel to the positive and negative outputs,
    /// which the L2-normalisation backward removes; only anchors keep a gradient.
    func testTorchAnchorOnlyModeLeavesOnlyAnchorGradientsAtGammaOne() {
        var rng = SeededGenerator(seed: 2)
        let d = 5
        var h = (0..<(3 * d)).map { _ in Float(rng.nextGaussian()) }
        var e = [Float](repeating: 0, count: 3 * d), norms = [Float](repeating: 0, count: 3)
        L2Normalization.forward(h, rows: 3, dimension: d, &e, norms: &norms)
        // Make the triplet active: negative close to the anchor.
        let triplets = [Triplet(anchor: 0, positive: 1, negative: 2)]
        let loss = WeightedTripletLoss(gamma: 1, margin: 10, gradientMode: .torchAnchorOnly)
        let (_, de) = loss.lossAndGradient(embeddings: e, count: 3, dimension: d, triplets: triplets)
        L2Normalization.backward(e, norms: norms, rows: 3, dimension: d, outputGradient: de, &h)
        let anchor = h[0..<d].map { abs($0) }.max()!
        let others = h[d...].map { abs($0) }.max()!
        XCTAssertGreaterThan(anchor, 1e-2)
        XCTAssertLessThan(others, 1e-6)
        // The correct mode gives all three a gradient.
        let (_, correct) = WeightedTripletLoss(gamma: 1, margin: 10).lossAndGradient(embeddings: e, count: 3,
                                                                                     dimension: d, triplets: triplets)
        L2Normalization.backward(e, norms: norms, rows: 3, dimension: d, outputGradient: correct, &h)
        XCTAssertGreaterThan(h[d...].map { abs($0) }.max()!, 1e-2)
    }
}
