import Foundation
import JuleData
import XCTest
@testable import JuleCompute

/// The training switches that the reference profiles set (§15): each one changes what the engine computes.
final class ReferenceSwitchTests: XCTestCase {
    private let labels = [0, 0, 1, 1, 1, 2, 0, 2]   // groups of 3, 3, 2 in a batch of 8

    func testOrderedPairsGiveEveryMemberAsAnchor() {
        var rng = SeededGenerator(seed: 1)
        let unordered = TripletSampler.sample(labels: labels, negativesPerPair: 10, pairs: .unordered, using: &rng)
        rng = SeededGenerator(seed: 1)
        let ordered = TripletSampler.sample(labels: labels, negativesPerPair: 10, pairs: .ordered, using: &rng)
        // num_neg = min(10, 3 − 1) = 2; pairs: 3 + 3 + 1 unordered, twice as many ordered.
        XCTAssertEqual(unordered.count, 7 * 2)
        XCTAssertEqual(ordered.count, 14 * 2)
        let orderedPairs = Set(ordered.map { [$0.anchor, $0.positive] })
        XCTAssertTrue(orderedPairs.contains([0, 1]) && orderedPairs.contains([1, 0]))
        for t in ordered {
            XCTAssertEqual(labels[Int(t.anchor)], labels[Int(t.positive)])
            XCTAssertNotEqual(labels[Int(t.anchor)], labels[Int(t.negative)])
        }
    }

    /// The unordered path draws exactly as before the switch existed (records of the first sweep stay reproducible).
    func testUnorderedDefaultIsUnchanged() {
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        XCTAssertEqual(TripletSampler.sample(labels: labels, negativesPerPair: 20, using: &a),
                       TripletSampler.sample(labels: labels, negativesPerPair: 20, pairs: .unordered, caffeQuirk: false, using: &b))
    }

    /// Caffe's quirk: a pair whose first draw lands in its own cluster gets no negatives, so over many batches some
    /// pairs are missing and the rest keep all their (distinct, other-cluster) negatives.
    func testCaffeQuirkDropsSomePairs() {
        var rng = SeededGenerator(seed: 3)
        var full = 0, quirky = 0
        for _ in 0..<200 {
            let plain = TripletSampler.sample(labels: labels, negativesPerPair: 10, pairs: .ordered, using: &rng)
            let quirk = TripletSampler.sample(labels: labels, negativesPerPair: 10, pairs: .ordered, caffeQuirk: true, using: &rng)
            full += plain.count; quirky += quirk.count
            for t in quirk { XCTAssertNotEqual(labels[Int(t.anchor)], labels[Int(t.negative)]) }
            var perPair: [[Int32]: Set<Int32>] = [:]
            for t in quirk { perPair[[t.anchor, t.positive], default: []].insert(t.negative) }
            for negatives in perPair.values { XCTAssertEqual(negatives.count, 2) }
        }
        // P(first draw in own cluster) is 3/8 or 2/8 here: roughly a third of the pairs vanish.
        XCTAssertLessThan(quirky, full * 8 / 10)
        XCTAssertGreaterThan(quirky, full * 5 / 10)
    }

    func testLossScaleScalesLossAndGradient() {
        var rng = SeededGenerator(seed: 4)
        let d = 6, n = 8
        var e = (0..<(n * d)).map { _ in Float(rng.nextGaussian()) }
        for i in 0..<n {
            let norm = (0..<d).map { e[i * d + $0] * e[i * d + $0] }.reduce(0, +).squareRoot()
            for j in 0..<d { e[i * d + j] /= norm }
        }
        let triplets = TripletSampler.sample(labels: labels, negativesPerPair: 10, pairs: .ordered, using: &rng)
        let mean = WeightedTripletLoss(gamma: 1, margin: 0.1).lossAndGradient(embeddings: e, count: n, dimension: d, triplets: triplets)
        let half = WeightedTripletLoss(gamma: 1, margin: 0.1, scale: 0.5).lossAndGradient(embeddings: e, count: n, dimension: d,
                                                                                       triplets: triplets)
        XCTAssertGreaterThan(mean.loss, 0)
        XCTAssertEqual(half.loss, mean.loss / 2, accuracy: 1e-12)
        for (h, m) in zip(half.gradient, mean.gradient) { XCTAssertEqual(h, m / 2, accuracy: 1e-7) }
    }

    /// Caffe's compiled layer scales the anchor–positive gradient terms by its sigma, not the loss.
    func testPositiveGradientScaleChangesOnlyThePositiveTerms() {
        let d = 4
        let e: [Float] = [1, 0, 0, 0,  0.8, 0.6, 0, 0,  0.9, 0, 0.436, 0]   // anchor, positive, a close negative
        let triplet = [Triplet(anchor: 0, positive: 1, negative: 2)]
        let plain = WeightedTripletLoss(gamma: 1, margin: 0.1, scale: 0.5)
        let caffe = WeightedTripletLoss(gamma: 1, margin: 0.1, scale: 0.5, positiveScale: 0.1)
        let a = plain.lossAndGradient(embeddings: e, count: 3, dimension: d, triplets: triplet)
        let b = caffe.lossAndGradient(embeddings: e, count: 3, dimension: d, triplets: triplet)
        XCTAssertGreaterThan(a.loss, 0)
        XCTAssertEqual(a.loss, b.loss)
        for j in 0..<d {
            // Caffe: anchor σ(a − p) − (a − n), positive σ(p − a), negative (a − n), each / N_t.
            XCTAssertEqual(b.gradient[j], 0.1 * (e[j] - e[d + j]) - (e[j] - e[2 * d + j]), accuracy: 1e-6)
            XCTAssertEqual(b.gradient[d + j], 0.1 * (e[d + j] - e[j]), accuracy: 1e-6)
            XCTAssertEqual(b.gradient[2 * d + j], a.gradient[2 * d + j])
        }
    }

    private let spec = NetworkSpec(inputChannels: 1, inputHeight: 8, inputWidth: 8,
                                   blocks: [ConvBlockSpec(filters: 4, kernel: 3, padding: 0, pool: true)],
                                   embeddingDimension: 8)

    /// Caffe's BN weight reaches the network: after one train-mode batch from zero running means, the running
    /// mean is w·μ_batch, so the ratio of the two settings' running means is 0.95 / 0.1.
    func testBatchNormMomentumReachesTheNetwork() {
        var rng = SeededGenerator(seed: 5)
        let images = (0..<(10 * 64)).map { _ in rng.nextFloat() }
        func runningMean(_ w: Double?) -> [Float] {
            var c = TrainingConfiguration(); c.batchNormMomentum = w
            let trainer = Trainer(network: Network(spec: spec, seed: 1), configuration: c, seed: 1)
            _ = trainer.trainStep(images: images, count: 10, triplets: [])
            return Array(trainer.network.runningStatistics[0..<4])
        }
        let torch = runningMean(nil), caffe = runningMean(0.95)
        for (t, c) in zip(torch, caffe) where abs(t) > 1e-6 { XCTAssertEqual(Double(c / t), 9.5, accuracy: 1e-3) }
        XCTAssertTrue(torch.contains { abs($0) > 1e-6 })
    }

    func testUnshuffledEpochsKeepIndexOrder() {
        var c = TrainingConfiguration()
        let shuffled = Trainer(network: Network(spec: spec, seed: 1), configuration: c, seed: 1)
        c.shuffleBatches = false
        let inOrder = Trainer(network: Network(spec: spec, seed: 1), configuration: c, seed: 1)
        var rng = SeededGenerator(seed: 2)
        XCTAssertEqual(inOrder.epochOrder(count: 50, using: &rng), Array(0..<50))
        rng = SeededGenerator(seed: 2)
        let permutation = shuffled.epochOrder(count: 50, using: &rng)
        XCTAssertNotEqual(permutation, Array(0..<50))
        XCTAssertEqual(permutation.sorted(), Array(0..<50))
    }

    /// Records and checkpoints written before the switches existed decode with them unset (the old behaviour).
    func testOldConfigurationsDecodeWithoutTheNewKeys() throws {
        let old = Data(#"{"learningRate":0.01,"lrGamma":0.0001,"lrPower":0.75,"momentum":0.9,"dampening":0.9,"momentumStyle":"torch","weightDecay":5e-05,"batchSize":100,"tripletGamma":2,"margin":0.2,"negativesPerPair":20,"gradient":"correct","skipEmptyBatches":false}"#.utf8)
        let c = try JSONDecoder().decode(TrainingConfiguration.self, from: old)
        XCTAssertNil(c.pairs); XCTAssertNil(c.batchNormMomentum); XCTAssertNil(c.shuffleBatches)
        XCTAssertEqual(c.effectivePairs, .unordered)
        XCTAssertEqual(c.effectiveBatchNormMomentum, 0.1)
        XCTAssertTrue(c.effectiveShuffle)
        let encoded = try JSONEncoder().encode(c)
        XCTAssertFalse(String(decoding: encoded, as: UTF8.self).contains("pairs"), "unset switches stay out of the hash")
    }
}
