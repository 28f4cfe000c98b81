/// Hyper-parameters of the representation-learning step (§4, defaults from §8.1 and §12 #10–11).
public struct TrainingConfiguration: Codable, Sendable, Equatable {
    /// Base learning rate of the "inv" policy, `lr(t) = learningRate·(1 + lrGamma·t)^(−lrPower)`.
    public var learningRate: Double = 0.01
    public var lrGamma: Double = 1e-4
    public var lrPower: Double = 0.75
    /// Momentum μ.
    public var momentum: Double = 0.9
    /// Torch dampening (0.9 = Torch's default, equal to μ); ignored by `.caffe`.
    public var dampening: Double = 0.9
    public var momentumStyle: MomentumStyle = .torch
    /// Added to the gradient of every parameter, biases and BN γ/β included.
    public var weightDecay: Double = 5e-5
    public var batchSize: Int = 100
    /// γ of the weighted triplet loss (2 = the paper's λ = 1; Torch default 1).
    public var tripletGamma: Double = 2
    public var margin: Double = 0.2
    /// Upper bound on negatives per positive pair; `min(negativesPerPair, c − 1)` are drawn.
    public var negativesPerPair: Int = 20
    public var gradient: TripletGradientMode = .correct
    /// When true, a batch without triplets does not step the optimiser (its forward pass still moves BN statistics).
    public var skipEmptyBatches: Bool = false

    // Settings added after the first sweep (§15). Nil means the behaviour before they existed, so records and
    // checkpoints written earlier decode, hash and label exactly as before; the reference profiles set them all.

    /// Positive pairs per cluster in a batch (nil: `.unordered`, Torch).
    public var pairs: TripletPairs?
    /// Factor on the mean hinge over the batch's triplets (nil: 1; Caffe divides the sum by 2·N_t, i.e. 0.5).
    public var lossScale: Double?
    /// Caffe's sampling quirk (§4.2, pitfall 11): a pair whose first negative draw hits its own cluster gets no
    /// negatives (nil: false).
    public var caffeSamplingQuirk: Bool?
    /// Shuffle the images every epoch (nil: true, Torch); false keeps database (index) order, as Caffe.
    public var shuffleBatches: Bool?
    /// Weight of the new batch in the BN running averages (nil: 0.1, Torch; Caffe 0.95).
    public var batchNormMomentum: Double?
    /// Factor on the anchor–positive terms of the gradient only, not on the hinge (nil: 1, the true gradient).
    /// Caffe's compiled loss scales them by the prototxt's `sigma` (0.1 in its unsupervised MNIST example).
    public var positiveGradientScale: Double?

    public var effectivePairs: TripletPairs { pairs ?? .unordered }
    public var effectiveLossScale: Double { lossScale ?? 1 }
    public var effectiveSamplingQuirk: Bool { caffeSamplingQuirk ?? false }
    public var effectiveShuffle: Bool { shuffleBatches ?? true }
    public var effectiveBatchNormMomentum: Double { batchNormMomentum ?? 0.1 }
    public var effectivePositiveGradientScale: Double { positiveGradientScale ?? 1 }

    public init() {}

    /// Learning rate at global iteration `t` (the "inv" policy), with the C library's `pow` or, in portable
    /// runs, `PortableMath.pow`.
    public func learningRate(at t: Int, functions: MathFunctions = .system) -> Double {
        learningRate * functions.pow(1 + lrGamma * Double(t), -lrPower)
    }

    /// Checks ranges; the description names the offending field.
    public func validate() throws {
        func check(_ ok: Bool, _ field: String, _ value: Any) throws {
            if !ok { throw ComputeError.invalidConfiguration(field: field, value: "\(value)") }
        }
        try check(learningRate > 0, "learningRate", learningRate)
        try check(lrGamma >= 0, "lrGamma", lrGamma)
        try check(lrPower >= 0, "lrPower", lrPower)
        try check((0..<1).contains(momentum), "momentum", momentum)
        try check((0...1).contains(dampening), "dampening", dampening)
        try check(weightDecay >= 0, "weightDecay", weightDecay)
        try check(batchSize >= 2, "batchSize", batchSize)
        try check(tripletGamma > 0, "tripletGamma", tripletGamma)
        try check(margin >= 0, "margin", margin)
        try check(negativesPerPair >= 1, "negativesPerPair", negativesPerPair)
        try check(effectiveLossScale > 0 && effectiveLossScale.isFinite, "lossScale", effectiveLossScale)
        try check(effectivePositiveGradientScale >= 0 && effectivePositiveGradientScale.isFinite,
                  "positiveGradientScale", effectivePositiveGradientScale)
        try check(effectiveBatchNormMomentum > 0 && effectiveBatchNormMomentum <= 1, "batchNormMomentum",
                  effectiveBatchNormMomentum)
    }
}

import Foundation
import JuleData
