import Foundation
import JuleCluster
import JuleCompute
import JuleData

/// Every field of a `RunConfiguration` checked once, before any work starts (at `--set`, sweep plan, resume and run
/// time alike), so that no value a user can write reaches a `precondition` in the engine or fails after an hour of
/// training. Each error names the field by its `--set` path, the value, and the allowed range.
extension RunConfiguration {
    /// One field out of range: path, value, allowed range.
    struct FieldCheck {
        var problems: [String] = []

        mutating func require(_ ok: Bool, _ path: String, _ value: Any, _ allowed: String) {
            if !ok && problems.isEmpty { problems.append("\(path) = \(value): must be \(allowed)") }
        }

        func check() throws {
            if let first = problems.first { throw HarnessError.invalidConfiguration(first) }
        }
    }

    public func validate() throws {
        var c = FieldCheck()
        c.require(epochsPerPeriod >= 1, "epochsPerPeriod", epochsPerPeriod, "an integer ≥ 1")
        c.require(maxEpochs >= 1, "maxEpochs", maxEpochs, "an integer ≥ 1")
        if let k = clusters { c.require(k >= 1, "clusters", k, "an integer ≥ 1 (n*)") }
        if let k = classLimit { c.require(k >= 2, "classLimit", k, "an integer ≥ 2") }
        Self.check(network: network, into: &c)
        Self.check(training: training, into: &c)
        Self.check(clustering: clustering, into: &c)
        try c.check()
    }

    /// The checks that need the dataset's registry entry but not its images, so that `jule sweep plan` refuses a cell
    /// that could only fail when it runs: an unlabelled dataset needs `clusters`; n* must leave a merge to make
    /// (fewer clusters than images; the runner checks the exact count again once a `classLimit` has picked the
    /// images); `classLimit` at most the dataset's classes.
    public func checkFits(_ entry: DatasetEntry) throws {
        if entry.classes == 1 && clusters == nil {
            throw HarnessError.invalidConfiguration("\(entry.name) is unlabelled (no classes): give the number of clusters n* (clusters = K, in a sweep file's overrides or datasetOverrides)")
        }
        // The default n* is the class count; under a class limit the subset's images are counted only at run time.
        if clusters != nil || classLimit == nil {
            try Self.checkClusterTarget(clusters ?? entry.classes, images: entry.count, of: entry.name,
                                        isDefault: clusters == nil)
        }
        if let limit = classLimit, entry.classes > 1, limit > entry.classes {
            throw HarnessError.invalidConfiguration("classLimit = \(limit): \(entry.name) has \(entry.classes) classes (allowed: 2…\(entry.classes))")
        }
    }

    /// n* must leave at least one merge to make: 1 ≤ n* < N. The one rule behind `checkFits` (sweep plan, train
    /// before data loads) and the runner (once a class limit has picked the images). `scope` names the images ("USPS",
    /// "USPS's first 2 classes"); `isDefault` says that n* is the number of classes, which the user did not type.
    static func checkClusterTarget(_ target: Int, images: Int, of scope: String, isDefault: Bool) throws {
        guard target < 1 || target >= images else { return }
        let source = isDefault ? " (the default n*, one cluster per class)" : ""
        guard images >= 2 else {
            throw HarnessError.invalidConfiguration("clusters = \(target)\(source): \(scope) has \(images) image\(images == 1 ? "" : "s"), nothing to cluster; import at least 2")
        }
        throw HarnessError.invalidConfiguration("clusters = \(target)\(source): must be in 1…\(images - 1) for the \(images) images of \(scope); give --clusters K with K < \(images) (clusters = K in a sweep)")
    }

    private static func positive(_ x: Double) -> Bool { x > 0 && x.isFinite }
    private static func nonNegative(_ x: Double) -> Bool { x >= 0 && x.isFinite }

    static func check(network n: NetworkSpec, into c: inout FieldCheck) {
        c.require([1, 3].contains(n.inputChannels), "network.inputChannels", n.inputChannels, "1 or 3")
        c.require(n.inputHeight >= 1, "network.inputHeight", n.inputHeight, "an integer ≥ 1")
        c.require(n.inputWidth >= 1, "network.inputWidth", n.inputWidth, "an integer ≥ 1")
        c.require(n.embeddingDimension >= 1, "network.embeddingDimension", n.embeddingDimension, "an integer ≥ 1 (160 in the paper)")
        for (i, block) in n.blocks.enumerated() {
            c.require(block.filters >= 1, "network.blocks[\(i)].filters", block.filters, "an integer ≥ 1")
            c.require(block.kernel >= 1, "network.blocks[\(i)].kernel", block.kernel, "an integer ≥ 1")
            c.require(block.padding >= 0, "network.blocks[\(i)].padding", block.padding, "an integer ≥ 0")
        }
        // Issue 20: bounds before `isValid`, whose arithmetic would overflow (a manifest or a checkpoint header can
        // hold any Int), and a size check after it, so that no accepted network asks for more than 2²⁸ floats in a
        // layer (the fuzzed manifests, sweeps and checkpoints go through here or `checkedSizes`).
        let bound = 1 << 20
        c.require(n.inputHeight <= bound && n.inputWidth <= bound, "network.inputHeight", "\(n.inputHeight)×\(n.inputWidth)", "at most \(bound) on each side")
        c.require(n.embeddingDimension <= bound, "network.embeddingDimension", n.embeddingDimension, "at most \(bound)")
        for (i, block) in n.blocks.enumerated() {
            c.require(block.filters <= bound && block.kernel <= bound && block.padding <= bound, "network.blocks[\(i)]",
                      "\(block.filters) filters, kernel \(block.kernel), padding \(block.padding)", "at most \(bound) each")
        }
        if c.problems.isEmpty && !n.isValid {
            c.require(false, "network.blocks", "\(n.blocks.count) blocks on \(n.inputHeight)×\(n.inputWidth)",
                      "a stack whose maps stay at least 1×1 (fewer blocks, or padding)")
        }
        if c.problems.isEmpty && n.checkedSizes() == nil {
            c.require(false, "network", "\(n.inputChannels)×\(n.inputHeight)×\(n.inputWidth) with \(n.blocks.count) blocks",
                      "layers of at most \(NetworkSpec.maxCheckedElements) elements (maps, im2col, linear)")
        }
    }

    static func check(training t: TrainingConfiguration, into c: inout FieldCheck) {
        c.require(positive(t.learningRate), "training.learningRate", t.learningRate, "a finite number > 0")
        c.require(nonNegative(t.lrGamma), "training.lrGamma", t.lrGamma, "a finite number ≥ 0")
        c.require(nonNegative(t.lrPower), "training.lrPower", t.lrPower, "a finite number ≥ 0")
        c.require(t.momentum >= 0 && t.momentum < 1, "training.momentum", t.momentum, "in [0, 1)")
        c.require(t.dampening >= 0 && t.dampening <= 1, "training.dampening", t.dampening, "in [0, 1]")
        c.require(nonNegative(t.weightDecay), "training.weightDecay", t.weightDecay, "a finite number ≥ 0")
        // A triplet takes two images of one cluster and one of another from the same batch (`TripletSampler`): a
        // batch of 2 never holds one, and the loss would stay 0 without a word.
        c.require(t.batchSize >= 3, "training.batchSize", t.batchSize,
                  "an integer ≥ 3 (a triplet needs two images of one cluster and one of another in the same batch)")
        c.require(positive(t.tripletGamma), "training.tripletGamma", t.tripletGamma, "a finite number > 0")
        c.require(nonNegative(t.margin), "training.margin", t.margin, "a finite number ≥ 0")
        c.require(t.negativesPerPair >= 1, "training.negativesPerPair", t.negativesPerPair, "an integer ≥ 1")
        if let s = t.lossScale { c.require(positive(s), "training.lossScale", s, "a finite number > 0") }
        if let g = t.positiveGradientScale {
            c.require(nonNegative(g), "training.positiveGradientScale", g, "a finite number ≥ 0")
        }
        if let m = t.batchNormMomentum {
            c.require(m > 0 && m <= 1, "training.batchNormMomentum", m, "in (0, 1]")
        }
    }

    static func check(clustering k: ClusteringConfiguration, into c: inout FieldCheck) {
        c.require(k.neighbourCount >= 1, "clustering.neighbourCount", k.neighbourCount, "an integer ≥ 1 (K_s)")
        if let rc = k.rcNeighbourCount {
            c.require(rc >= 1, "clustering.rcNeighbourCount", rc, "an integer ≥ 1 (JULE-RC's K_s)")
        }
        c.require(k.contrastNeighbours >= 1, "clustering.contrastNeighbours", k.contrastNeighbours, "an integer ≥ 1 (K_c)")
        c.require(nonNegative(k.lambda), "clustering.lambda", k.lambda, "a finite number ≥ 0")
        c.require(nonNegative(k.lccWeight), "clustering.lccWeight", k.lccWeight, "a finite number ≥ 0")
        c.require(k.unrollingRate > 0 && k.unrollingRate <= 1, "clustering.unrollingRate", k.unrollingRate, "in (0, 1] (η)")
        if let f = k.isolatedPremergeFactor {
            c.require(nonNegative(f), "clustering.isolatedPremergeFactor", f, "a finite number ≥ 0, or null")
        }
        if let cap = k.chainCap { c.require(cap >= 1, "clustering.chainCap", cap, "an integer ≥ 1, or null") }
        c.require(k.workers >= 1, "clustering.workers", k.workers, "an integer ≥ 1")
    }
}
