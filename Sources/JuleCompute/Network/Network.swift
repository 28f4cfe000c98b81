import JuleData

// Shapes: N batch, C×H×W input, F flatten size, D embedding dimension.

/// A JULE network (§2): CBR-P blocks, `Linear(F → D)` and row-wise L2 normalisation.
///
/// Parameters live in one flat vector (per block: conv weights F×K, conv bias, BN γ, BN β; then the linear
/// weights D×F and bias), running statistics in another (per block: mean, variance), so the optimiser and
/// checkpoints handle them as plain arrays. Initialisation (§2, Torch `NetInit`): conv and linear weights
/// ~ N(0, 0.01²), biases 0, BN γ ~ U(0, 1), β 0, running mean 0, running variance 1.
public final class Network {
    public let spec: NetworkSpec
    public let backend: ComputeBackend
    let blocks: [ConvBlock]
    let linear: Linear
    let parameterStore: FloatBuffer
    let gradientStore: FloatBuffer
    let runningStore: FloatBuffer
    public let parameterCount: Int
    public let runningStatisticsCount: Int
    let scratch: [WorkerScratch]
    /// Weight of a train-mode batch in the BN running averages (Torch 0.1, Caffe 0.95).
    public var batchNormMomentum: Double = 0.1 {
        didSet { for block in blocks { block.momentum = batchNormMomentum } }
    }
    /// How the 5×5 convolutions are computed (`compute.convolution`); the default stays im2col for callers that
    /// do not choose, so their bits do not change.
    public var convolutionAlgorithm: ConvolutionAlgorithm = .im2col {
        didSet {
            for block in blocks { block.algorithm = convolutionAlgorithm }
            for s in scratch { for block in blocks { block.reserveScratch(s) } }
        }
    }

    // Per-batch state of the last forward pass (kept for the backward pass).
    private var lastInput: UnsafePointer<Float>?
    private var lastCount = 0
    private let hidden = FloatBuffer()          // N×D, before normalisation
    private let norms = FloatBuffer()           // N
    private let embeddings = FloatBuffer()      // N×D
    private let hiddenGradient = FloatBuffer()  // N×D
    private let blockOutputGradients: [FloatBuffer]  // block b: N×(F_b·Q_b); the last one is the head's input gradient

    public convenience init(spec: NetworkSpec, seed: UInt64) {
        self.init(spec: spec, seed: seed, backend: CPUBackend())
    }

    public init(spec: NetworkSpec, seed: UInt64, backend: ComputeBackend) {
        precondition(spec.isValid, "invalid network spec \(spec)")
        self.spec = spec
        self.backend = backend
        var blocks: [ConvBlock] = []
        var parameterOffset = 0, runningOffset = 0
        for (index, blockSpec) in spec.blocks.enumerated() {
            let shape = spec.shape(beforeBlock: index)
            let block = ConvBlock(spec: blockSpec, inputChannels: shape.channels, height: shape.height,
                                  width: shape.width, parameterOffset: parameterOffset, runningOffset: runningOffset)
            parameterOffset += block.parameterCount
            runningOffset += block.runningCount
            blocks.append(block)
        }
        self.blocks = blocks
        linear = Linear(inputs: spec.flattenSize, outputs: spec.embeddingDimension, weightOffset: parameterOffset)
        parameterCount = parameterOffset + linear.parameterCount
        runningStatisticsCount = runningOffset
        parameterStore = FloatBuffer(capacity: parameterCount)
        gradientStore = FloatBuffer(capacity: parameterCount)
        runningStore = FloatBuffer(capacity: runningOffset)
        scratch = (0..<backend.workerCount).map { _ in WorkerScratch() }
        blockOutputGradients = blocks.map { _ in FloatBuffer() }
        for s in scratch { for block in blocks { block.reserveScratch(s) } }
        initialise(seed: seed)
    }

    private func initialise(seed: UInt64) {
        var rng = SeededGenerator(seed: seed).split(stream: 0x1417)
        let functions = backend.mathFunctions
        let p = parameterStore.pointer
        p.update(repeating: 0, count: parameterCount)
        for block in blocks {
            for j in 0..<block.convolution.weightCount { p[block.weightOffset + j] = Float(0.01 * rng.nextGaussian(using: functions)) }
            for j in 0..<block.spec.filters { p[block.gammaOffset + j] = rng.nextFloat() }
            runningStore.pointer.advanced(by: block.runningMeanOffset).update(repeating: 0, count: block.spec.filters)
            runningStore.pointer.advanced(by: block.runningVarianceOffset).update(repeating: 1, count: block.spec.filters)
        }
        for j in 0..<(linear.inputs * linear.outputs) { p[linear.weightOffset + j] = Float(0.01 * rng.nextGaussian(using: functions)) }
    }

    /// A copy of the flat parameter vector (layout in the type's documentation).
    public var parameters: [Float] {
        get { Array(UnsafeBufferPointer(start: parameterStore.pointer, count: parameterCount)) }
        set {
            precondition(newValue.count == parameterCount, "expected \(parameterCount) parameters, got \(newValue.count)")
            newValue.withBasePointer { parameterStore.pointer.update(from: $0, count: parameterCount) }
        }
    }

    /// A copy of the BN running statistics (per block: F means, then F variances).
    public var runningStatistics: [Float] {
        get { Array(UnsafeBufferPointer(start: runningStore.pointer, count: runningStatisticsCount)) }
        set {
            precondition(newValue.count == runningStatisticsCount,
                         "expected \(runningStatisticsCount) running statistics, got \(newValue.count)")
            newValue.withBasePointer { runningStore.pointer.update(from: $0, count: runningStatisticsCount) }
        }
    }

    /// A copy of the gradient of the last `backward` (same layout as `parameters`).
    public var gradients: [Float] { Array(UnsafeBufferPointer(start: gradientStore.pointer, count: parameterCount)) }

    /// Embeddings for `count` images (N×C×H×W floats, pixel/255), in index-ordered batches of `batchSize`;
    /// returns N×embeddingDimension unit rows. In `.train` mode each batch is normalised with its own statistics
    /// and moves the BN running averages (as the reference's SF extraction does, §2); `.eval` uses them.
    public func embed(_ images: [Float], count: Int, batchSize: Int = 100, batchNorm: BatchNormMode = .eval) -> [Float] {
        precondition(images.count == count * spec.inputSize,
                     "embed: \(images.count) floats for \(count) images of \(spec.inputSize)")
        precondition(batchSize > 0, "embed: batch size must be positive")
        let d = spec.embeddingDimension
        var result = [Float](repeating: 0, count: count * d)
        images.withBasePointer { source in
            result.withMutableBasePointer { target in
                var start = 0
                while start < count {
                    let n = min(batchSize, count - start)
                    let e = forward(source + start * spec.inputSize, count: n, mode: batchNorm)
                    (target + start * d).update(from: e, count: n * d)
                    start += n
                }
            }
        }
        lastInput = nil
        return result
    }

    /// Forward pass of a batch; returns a pointer to its N×D embeddings, valid until the next forward pass.
    /// `input` must stay alive until `backward` has run.
    func forward(_ input: UnsafePointer<Float>, count n: Int, mode: BatchNormMode) -> UnsafePointer<Float> {
        var x = input
        for block in blocks {
            block.forward(input: x, count: n, mode: mode, parameters: parameterStore.pointer,
                          running: runningStore.pointer, backend: backend, scratch: scratch)
            x = UnsafePointer(block.out.pointer)
        }
        let d = spec.embeddingDimension
        hidden.reserve(n * d)
        norms.reserve(n)
        embeddings.reserve(n * d)
        linear.forward(x, count: n, hidden.pointer, parameters: parameterStore.pointer, backend: backend)
        L2Normalization.forward(hidden.pointer, rows: n, dimension: d, embeddings.pointer, norms: norms.pointer)
        lastInput = input
        lastCount = n
        return UnsafePointer(embeddings.pointer)
    }

    /// Backward pass of the last (train-mode) forward pass, given ∂L/∂embeddings (N×D). Overwrites the gradient.
    func backward(embeddingGradient: UnsafePointer<Float>) {
        guard let input = lastInput else { preconditionFailure("backward without a forward pass") }
        let n = lastCount, d = spec.embeddingDimension
        gradientStore.zero(parameterCount)
        hiddenGradient.reserve(n * d)
        L2Normalization.backward(embeddings.pointer, norms: norms.pointer, rows: n, dimension: d,
                                 outputGradient: embeddingGradient, hiddenGradient.pointer)
        for (b, block) in blocks.enumerated() { blockOutputGradients[b].reserve(n * block.outputSize) }
        let headInput = blocks.last.map { UnsafePointer($0.out.pointer) } ?? input
        linear.backward(headInput, count: n, outputGradient: hiddenGradient.pointer,
                        inputGradient: blocks.isEmpty ? nil : blockOutputGradients[blocks.count - 1].pointer,
                        parameters: parameterStore.pointer, gradients: gradientStore.pointer, backend: backend)
        for b in stride(from: blocks.count - 1, through: 0, by: -1) {
            let blockInput = b == 0 ? input : UnsafePointer(blocks[b - 1].out.pointer)
            blocks[b].backward(outputGradient: blockOutputGradients[b].pointer, input: blockInput,
                               inputGradient: b == 0 ? nil : blockOutputGradients[b - 1].pointer,
                               parameters: parameterStore.pointer, gradients: gradientStore.pointer,
                               backend: backend, scratch: scratch)
        }
    }

    /// Raw access for the optimiser.
    var parameterPointer: UnsafeMutablePointer<Float> { parameterStore.pointer }
    var gradientPointer: UnsafeMutablePointer<Float> { gradientStore.pointer }
}
