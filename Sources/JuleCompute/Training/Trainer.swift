import Foundation
import JuleData

/// Weighted-triplet SGD on a `Network` (§4): epochs of shuffled mini-batches, triplets from pseudo-labels.
///
/// Randomness: epoch e draws its permutation and all its triplets from `SeededGenerator(seed).split(stream: e)`,
/// so a trainer restored from a checkpoint (which records the epoch count) continues bit-identically.
public final class Trainer {
    public let network: Network
    public let configuration: TrainingConfiguration
    public let seed: UInt64
    /// Global batch counter t of the "inv" policy; never reset across periods (§4.5).
    public private(set) var iteration: Int
    /// Completed calls of `trainEpoch`.
    public private(set) var epochsCompleted: Int
    /// The run whose final model this is: saved in the checkpoint's header, read back by `loadCheckpoint`.
    public var origin: CheckpointOrigin?
    var optimizer: SGDOptimizer
    private let loss: WeightedTripletLoss
    private let batchImages = FloatBuffer()
    private let embeddingGradient = FloatBuffer()

    public init(network: Network, configuration: TrainingConfiguration = TrainingConfiguration(), seed: UInt64) {
        do { try configuration.validate() } catch { preconditionFailure("\(error)") }
        self.network = network
        self.configuration = configuration
        self.seed = seed
        iteration = 0
        epochsCompleted = 0
        optimizer = SGDOptimizer(parameterCount: network.parameterCount)
        loss = WeightedTripletLoss(gamma: Float(configuration.tripletGamma), margin: Float(configuration.margin),
                                   gradientMode: configuration.gradient, scale: Float(configuration.effectiveLossScale),
                                   positiveScale: Float(configuration.effectivePositiveGradientScale))
        network.batchNormMomentum = configuration.effectiveBatchNormMomentum
    }

    /// One epoch of weighted-triplet SGD: a random permutation of the `count` images (N×C×H×W floats,
    /// pixel/255), or index order when `shuffleBatches` is off (Caffe), cut into batches of `batchSize` (the last
    /// one may be smaller), triplets from `labels`.
    public func trainEpoch(images: [Float], count: Int, labels: [Int]) -> EpochStatistics {
        let size = network.spec.inputSize
        precondition(images.count == count * size, "trainEpoch: \(images.count) floats for \(count) images of \(size)")
        precondition(labels.count == count, "trainEpoch: \(labels.count) labels for \(count) images")
        var rng = SeededGenerator(seed: seed).split(stream: UInt64(epochsCompleted))
        let order = epochOrder(count: count, using: &rng)
        let batchSize = configuration.batchSize
        batchImages.reserve(min(batchSize, count) * size)
        var weightedLoss = 0.0, triplets = 0, batches = 0
        images.withBasePointer { source in
            var start = 0
            while start < count {
                let n = min(batchSize, count - start)
                var batchLabels = [Int](repeating: 0, count: n)
                for k in 0..<n {
                    let index = order[start + k]
                    (batchImages.pointer + k * size).update(from: source + index * size, count: size)
                    batchLabels[k] = labels[index]
                }
                let batchTriplets = sampleTriplets(batchLabels, using: &rng)
                let result = step(batchImages.pointer, count: n, triplets: batchTriplets)
                weightedLoss += result.loss * Double(result.triplets)
                triplets += result.triplets
                batches += 1
                start += n
            }
        }
        epochsCompleted += 1
        return EpochStatistics(meanLoss: triplets > 0 ? weightedLoss / Double(triplets) : 0, triplets: triplets,
                               batches: batches)
    }

    /// One training step on one given batch (`images` n×C×H×W, `labels` n), with triplets sampled from a stream
    /// keyed by the current iteration. For benchmarks and tests; epochs go through `trainEpoch`.
    public func trainStep(images: [Float], labels: [Int]) -> StepStatistics {
        precondition(images.count == labels.count * network.spec.inputSize, "trainStep: image and label counts differ")
        var rng = SeededGenerator(seed: seed).split(stream: 0x8000_0000_0000_0000 | UInt64(iteration))
        let triplets = sampleTriplets(labels, using: &rng)
        return trainStep(images: images, count: labels.count, triplets: triplets)
    }

    /// The image order of an epoch: a Fisher–Yates permutation from the epoch's stream, or index order when
    /// `shuffleBatches` is off (Caffe reads its database in order).
    func epochOrder(count: Int, using rng: inout SeededGenerator) -> [Int] {
        var order = Array(0..<count)
        guard configuration.effectiveShuffle else { return order }
        for j in stride(from: count - 1, to: 0, by: -1) {
            let r = Int(rng.next().multipliedFullWidth(by: UInt64(j + 1)).high)
            order.swapAt(j, r)
        }
        return order
    }

    private func sampleTriplets(_ labels: [Int], using rng: inout SeededGenerator) -> [Triplet] {
        TripletSampler.sample(labels: labels, negativesPerPair: configuration.negativesPerPair,
                              pairs: configuration.effectivePairs, caffeQuirk: configuration.effectiveSamplingQuirk,
                              using: &rng)
    }

    /// One training step on a batch with explicit triplets.
    public func trainStep(images: [Float], count: Int, triplets: [Triplet]) -> StepStatistics {
        precondition(images.count == count * network.spec.inputSize, "trainStep: \(images.count) floats for \(count) images")
        return images.withBasePointer { step($0, count: count, triplets: triplets) }
    }

    /// Forward (train-mode BN), loss, backward, update; the iteration counter advances for every batch.
    func step(_ batch: UnsafePointer<Float>, count n: Int, triplets: [Triplet]) -> StepStatistics {
        let d = network.spec.embeddingDimension
        let embeddings = network.forward(batch, count: n, mode: .train)
        embeddingGradient.reserve(n * d)
        let value = loss.evaluate(embeddings, count: n, dimension: d, triplets: triplets,
                                  gradient: embeddingGradient.pointer)
        let rate = configuration.learningRate(at: iteration, functions: network.backend.mathFunctions)
        if triplets.isEmpty {
            // ∂L/∂θ = 0: weight decay and momentum still move θ unless the batch is skipped (§4.5).
            network.gradientStore.zero(network.parameterCount)
        } else {
            network.backward(embeddingGradient: embeddingGradient.pointer)
        }
        if !(triplets.isEmpty && configuration.skipEmptyBatches) {
            optimizer.step(parameters: network.parameterPointer, gradients: network.gradientPointer,
                           learningRate: rate, configuration: configuration)
        }
        iteration += 1
        return StepStatistics(loss: value, triplets: triplets.count, learningRate: rate)
    }

    /// Writes weights, optimiser state, BN statistics, iteration, epoch count, seed, configuration and `origin`
    /// (format in `CheckpointFile`), atomically.
    public func saveCheckpoint(to url: URL) throws {
        let header = CheckpointFile.Header(
            spec: network.spec, configuration: configuration, seed: seed, iteration: iteration,
            epochsCompleted: epochsCompleted, hasVelocity: optimizer.hasVelocity,
            parameterCount: network.parameterCount, runningStatisticsCount: network.runningStatisticsCount, origin: origin)
        try CheckpointFile(header: header, parameters: network.parameters, velocity: optimizer.velocity,
                           runningStatistics: network.runningStatistics).write(to: url)
    }

    /// Restores a trainer (and its network) that continues exactly where `saveCheckpoint` left off.
    public static func loadCheckpoint(from url: URL) throws -> Trainer {
        try loadCheckpoint(from: url, backend: CPUBackend())
    }

    public static func loadCheckpoint(from url: URL, backend: ComputeBackend) throws -> Trainer {
        let file = try CheckpointFile.read(from: url)
        let h = file.header
        let network = Network(spec: h.spec, seed: h.seed, backend: backend)
        guard network.parameterCount == h.parameterCount,
              network.runningStatisticsCount == h.runningStatisticsCount else {
            throw ComputeError.checkpointUnreadable(path: url.path, reason: "array sizes do not match the network spec")
        }
        do { try h.configuration.validate() } catch {
            throw ComputeError.checkpointUnreadable(path: url.path, reason: "\(error)")
        }
        network.parameters = file.parameters
        network.runningStatistics = file.runningStatistics
        let trainer = Trainer(network: network, configuration: h.configuration, seed: h.seed)
        trainer.iteration = h.iteration
        trainer.epochsCompleted = h.epochsCompleted
        trainer.origin = h.origin
        trainer.optimizer.velocity = file.velocity
        trainer.optimizer.hasVelocity = h.hasVelocity
        return trainer
    }
}
