import Foundation

// Shapes: N batch, C input channels, F filters, P = Ho·Wo convolution outputs, Q pooled outputs per map
// (Q = P without pooling). Stored per batch: y (N×F×P, convolution output), out (N×F×Q), argmax (N×F×Q).

/// One CBR-P block (§2): convolution → batch normalisation → ReLU → optional 2×2 ceil-mode max pooling,
/// computed image by image on fixed worker shares of the batch.
///
/// Batch normalisation (train mode), per channel f over the M = N·P values of the batch:
///
///     μ = (1/M) Σ y,   σ² = (1/M) Σ (y − μ)²,   x̂ = (y − μ)/√(σ² + ε),   z = γ·x̂ + β,   r = max(0, z)
///
/// Running averages with weight w on the new batch (`momentum`; Torch 0.1, Caffe 0.95, §15.5):
/// `μ_r ← (1 − w)·μ_r + w·μ`, `σ²_r ← (1 − w)·σ²_r + w·σ²·M/(M−1)`. Eval mode uses `μ_r, σ²_r`.
/// Backward, with g = ∂L/∂z (zero where z ≤ 0, and off the pooling arg-max):
///
///     ∂L/∂β = Σ g,   ∂L/∂γ = Σ g·x̂,   ∂L/∂y = (γ/√(σ² + ε))·(g − Σg/M − x̂·Σ(g·x̂)/M)
///
/// Per-image means and squared deviations are combined in image order (Chan et al.), and weight gradients are
/// accumulated per fixed chunk of images and summed in chunk order, so no result depends on the worker count. Only y, the block output and the arg-max are stored; the normalised values and
/// the im2col matrices are recomputed in the backward pass, which keeps memory to about two output maps.
final class ConvBlock {
    static let epsilon = 1e-5
    /// Weight of the new batch in the running averages; set by the network's owner (the trainer).
    var momentum = 0.1
    /// How the convolution is computed; set by the network's owner (`Network.convolutionAlgorithm`).
    var algorithm = ConvolutionAlgorithm.im2col {
        didSet {
            winograd = WinogradLayer(algorithm, convolution)
        }
    }
    /// The Winograd geometry when this block uses it, else nil (im2col).
    private(set) var winograd: WinogradLayer?
    /// Winograd: the transformed weights U (n² × F×C) of the forward pass, and U′ (n² × C×F) of the data gradient.
    private let transformedWeights = FloatBuffer()
    private let transformedGradientWeights = FloatBuffer()
    /// Winograd: ∂L/∂U of each chunk (n² × F×C), turned into that chunk's weight gradient when it ends.
    private let chunkTransformedGradients = FloatBuffer()

    let spec: ConvBlockSpec
    let convolution: Convolution
    let pooling: MaxPooling?
    /// Offsets into the network's flat parameter vector: weights F×K, bias F, γ F, β F.
    let weightOffset: Int, biasOffset: Int, gammaOffset: Int, betaOffset: Int
    /// Offsets into the running-statistics vector: mean F, variance F.
    let runningMeanOffset: Int, runningVarianceOffset: Int

    let y = FloatBuffer()
    let out = FloatBuffer()
    let argmax = ByteBuffer()
    /// Per image and channel: (mean, Σ squared deviation) in the forward pass, (Σg, Σg·x̂) in the backward pass.
    private var imageStatistics: [Double] = []
    /// Batch statistics used by the last forward pass.
    private(set) var mean: [Float]
    private(set) var invStd: [Float]
    private(set) var batchCount = 0

    init(spec: ConvBlockSpec, inputChannels: Int, height: Int, width: Int, parameterOffset: Int, runningOffset: Int) {
        self.spec = spec
        convolution = Convolution(inputChannels: inputChannels, height: height, width: width,
                                  filters: spec.filters, kernel: spec.kernel, padding: spec.padding)
        pooling = spec.pool ? MaxPooling(height: convolution.outputHeight, width: convolution.outputWidth) : nil
        weightOffset = parameterOffset
        biasOffset = weightOffset + convolution.weightCount
        gammaOffset = biasOffset + spec.filters
        betaOffset = gammaOffset + spec.filters
        runningMeanOffset = runningOffset
        runningVarianceOffset = runningOffset + spec.filters
        mean = Array(repeating: 0, count: spec.filters)
        invStd = Array(repeating: 1, count: spec.filters)
    }

    var parameterCount: Int { convolution.weightCount + 3 * spec.filters }
    var runningCount: Int { 2 * spec.filters }
    /// Q, outputs per map.
    var outputPositions: Int { pooling?.outputPositions ?? convolution.outputPositions }
    var outputSize: Int { spec.filters * outputPositions }
    var outputHeight: Int { pooling?.outputHeight ?? convolution.outputHeight }
    var outputWidth: Int { pooling?.outputWidth ?? convolution.outputWidth }

    /// Images whose convolutions share one matrix product: small maps are batched side by side
    /// (`K × (t·P)` im2col matrices of about `targetColumns` columns) so the product is not dominated by
    /// packing the weights once per image.
    /// (A variable so tests can force one image per product.)
    nonisolated(unsafe) static var targetColumns = 4096
    var imagesPerProduct: Int { max(1, Self.targetColumns / convolution.outputPositions) }

    /// The batch is cut into at most `taskCount` fixed chunks of consecutive images; workers take chunks as
    /// they become free, and everything a chunk accumulates (weight and bias gradients) goes to that chunk's
    /// own buffer, summed in chunk order. The result is therefore independent of the worker count and of
    /// scheduling.
    static let taskCount = 10

    /// Chunk `task` of a batch of `n` images.
    func chunk(_ task: Int, of n: Int) -> Range<Int> {
        let size = (n + Self.taskCount - 1) / Self.taskCount
        return min(n, task * size)..<min(n, (task + 1) * size)
    }

    func chunkCount(_ n: Int) -> Int {
        let size = (n + Self.taskCount - 1) / Self.taskCount
        return size == 0 ? 0 : (n + size - 1) / size
    }

    private var chunkGradients: [Float] = []

    func reserveScratch(_ scratch: WorkerScratch) {
        let c = convolution
        let columns = imagesPerProduct * c.outputPositions
        scratch.planes.reserve(max(spec.filters * columns, c.outputSize))
        if let winograd {
            let gradient = winograd.inputGradientGeometry
            let channels = max(c.inputChannels, spec.filters)
            let columns = max(winograd.blockCapacity, gradient.blockCapacity)
            scratch.transformed.reserve(winograd.positions * channels * columns)
            scratch.products.reserve(winograd.positions * channels * columns + WinogradLayer.readSlack)
            scratch.rows.reserve(max(winograd.scratchCapacity, gradient.scratchCapacity))
        } else {
            scratch.col.reserve(c.patchSize * columns)
            scratch.dcol.reserve(c.patchSize * columns)
        }
    }

    /// Forward pass of `count` images `input` (N×C×H×W); the result is in `out` (N×F×Q).
    func forward(input: UnsafePointer<Float>, count n: Int, mode: BatchNormMode,
                 parameters: UnsafePointer<Float>, running: UnsafeMutablePointer<Float>,
                 backend: ComputeBackend, scratch: [WorkerScratch]) {
        let c = convolution, f = spec.filters, p = c.outputPositions, q = outputPositions
        batchCount = n
        y.reserve(n * c.outputSize)
        out.reserve(n * f * q)
        if pooling != nil { argmax.reserve(n * f * q) }
        if imageStatistics.count < 2 * n * f { imageStatistics = Array(repeating: 0, count: 2 * n * f) }
        let yp = y.pointer, weights = parameters + weightOffset, bias = parameters + biasOffset
        let computeStatistics = mode == .train

        if let winograd {
            transformedWeights.reserve(winograd.positions * f * c.inputChannels)
            winograd.transformWeights(weights, into: transformedWeights.pointer)
        }
        let transformedWeights = transformedWeights.pointer

        imageStatistics.withMutableBasePointer { stats in
            // 1. Convolution, bias, and per-image channel statistics.
            let perProduct = imagesPerProduct
            backend.forEachTask(chunkCount(n)) { task, w in
                let s = scratch[w]
                let range = chunk(task, of: n)
                var first = range.lowerBound
                while first < range.upperBound {
                    let t = min(perProduct, range.upperBound - first), columns = t * p
                    if let winograd {
                        winograd.correlate(images: t, input: { input + (first + $0) * c.inputSize },
                                           inputChannelStride: c.height * c.width, weights: transformedWeights,
                                           output: { yp + (first + $0) * c.outputSize }, outputChannelStride: p,
                                           scratch: s, backend: backend)
                    } else if t == 1 {
                        c.im2col(input + first * c.inputSize, s.col.pointer)
                        backend.gemm(transposeA: false, transposeB: false, m: f, n: p, k: c.patchSize, alpha: 1,
                                     a: weights, lda: c.patchSize, b: s.col.pointer, ldb: p, beta: 0,
                                     c: yp + first * c.outputSize, ldc: p)
                    } else {
                        for j in 0..<t {
                            c.im2col(input + (first + j) * c.inputSize, s.col.pointer + j * p, rowStride: columns)
                        }
                        // F × (t·P) product, then each image's maps to their place in y.
                        backend.gemm(transposeA: false, transposeB: false, m: f, n: columns, k: c.patchSize, alpha: 1,
                                     a: weights, lda: c.patchSize, b: s.col.pointer, ldb: columns, beta: 0,
                                     c: s.planes.pointer, ldc: columns)
                        for j in 0..<t {
                            for ch in 0..<f {
                                (yp + (first + j) * c.outputSize + ch * p).update(from: s.planes.pointer + ch * columns + j * p,
                                                                                 count: p)
                            }
                        }
                    }
                    first += t
                }
                for i in range {
                    let yi = yp + i * c.outputSize
                    for ch in 0..<f {
                        let plane = yi + ch * p
                        let total = VectorKernels.addAndSum(plane, p, bias[ch])
                        if computeStatistics {
                            let m = total / Float(p)
                            stats[2 * (i * f + ch)] = Double(m)
                            stats[2 * (i * f + ch) + 1] = Double(VectorKernels.sumSquaredDeviations(plane, p, mean: m))
                        }
                    }
                }
            }
            // 2. Batch statistics in image order, running averages.
            for ch in 0..<f {
                let meanValue: Double, variance: Double
                if computeStatistics {
                    var sumMeans = 0.0
                    for i in 0..<n { sumMeans += stats[2 * (i * f + ch)] }
                    meanValue = sumMeans / Double(n)
                    var squares = 0.0
                    for i in 0..<n {
                        let d = stats[2 * (i * f + ch)] - meanValue
                        squares += stats[2 * (i * f + ch) + 1] + Double(p) * d * d
                    }
                    let m = Double(n * p)
                    variance = squares / m
                    let unbiased = m > 1 ? squares / (m - 1) : variance
                    let rm = running + runningMeanOffset + ch, rv = running + runningVarianceOffset + ch
                    rm.pointee = Float((1 - momentum) * Double(rm.pointee) + momentum * meanValue)
                    rv.pointee = Float((1 - momentum) * Double(rv.pointee) + momentum * unbiased)
                } else {
                    meanValue = Double(running[runningMeanOffset + ch])
                    variance = Double(running[runningVarianceOffset + ch])
                }
                mean[ch] = Float(meanValue)
                invStd[ch] = Float(1 / (variance + Self.epsilon).squareRoot())
            }
        }

        // 3. Normalise, shift, ReLU, pool.
        let outp = out.pointer, am = argmax.pointer
        mean.withBasePointer { mu in
            invStd.withBasePointer { inv in
                backend.forEachTask(chunkCount(n)) { task, w in
                    let s = scratch[w]
                    for i in chunk(task, of: n) {
                        for ch in 0..<f {
                            let scale = parameters[gammaOffset + ch] * inv[ch]
                            let shift = parameters[betaOffset + ch] - mu[ch] * scale
                            let src = yp + i * c.outputSize + ch * p
                            let dst = outp + (i * f + ch) * q
                            if let pooling {
                                VectorKernels.affineReLU(src, s.planes.pointer, p, scale: scale, shift: shift)
                                pooling.forward(s.planes.pointer, dst, am + (i * f + ch) * q)
                            } else {
                                VectorKernels.affineReLU(src, dst, p, scale: scale, shift: shift)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Backward pass after `forward` in train mode. `outputGradient` is ∂L/∂out (N×F×Q); `input` is the
    /// forward input. Adds the parameter gradients into `gradients` (same layout as the parameters) and, when
    /// `inputGradient` is given, overwrites it with ∂L/∂input (N×C×H×W).
    func backward(outputGradient: UnsafePointer<Float>, input: UnsafePointer<Float>,
                  inputGradient: UnsafeMutablePointer<Float>?, parameters: UnsafePointer<Float>,
                  gradients: UnsafeMutablePointer<Float>, backend: ComputeBackend, scratch: [WorkerScratch]) {
        let c = convolution, f = spec.filters, p = c.outputPositions, q = outputPositions, n = batchCount
        let yp = y.pointer, outp = out.pointer, am = argmax.pointer
        let weights = parameters + weightOffset
        let m = Float(n * p)

        let chunks = chunkCount(n)
        if chunkGradients.count < chunks * (c.weightCount + f) {
            chunkGradients = Array(repeating: 0, count: chunks * (c.weightCount + f))
        }
        let transformedCount = (winograd?.positions ?? 0) * f * c.inputChannels
        if let winograd {
            chunkTransformedGradients.reserve(chunks * transformedCount)
            if inputGradient != nil {
                transformedGradientWeights.reserve(transformedCount)
                winograd.transformWeightsForInputGradient(weights, into: transformedGradientWeights.pointer)
            }
        }
        let chunkTransformed = chunkTransformedGradients.pointer, gradientWeights = transformedGradientWeights.pointer
        chunkGradients.withMutableBasePointer { chunkGradient in
        imageStatistics.withMutableBasePointer { stats in
            mean.withBasePointer { mu in
                invStd.withBasePointer { inv in

                    /// g = ∂L/∂z for one map of image i, written densely into `g` (P values).
                    func gradientPlane(_ i: Int, _ ch: Int, _ g: UnsafeMutablePointer<Float>) {
                        let d = outputGradient + (i * f + ch) * q, o = outp + (i * f + ch) * q
                        if let pooling {
                            pooling.scatterLiveGradient(d, out: o, am + (i * f + ch) * q, into: g)
                        } else {
                            for k in 0..<p { g[k] = o[k] > 0 ? d[k] : 0 }
                        }
                    }

                    // 1. Per image and channel: Σg and Σg·x̂ (g is sparse under pooling: the sums run over the
                    //    output positions, with y read at each window's arg-max).
                    backend.forEachTask(chunkCount(n)) { task, w in
                        let sources = scratch[w].planes.pointer
                        for i in chunk(task, of: n) {
                            for ch in 0..<f {
                                let d = outputGradient + (i * f + ch) * q, o = outp + (i * f + ch) * q
                                var yc = UnsafePointer(yp + i * c.outputSize + ch * p)
                                if let pooling {
                                    pooling.gatherSources(yc, am + (i * f + ch) * q, into: sources)
                                    yc = UnsafePointer(sources)
                                }
                                let (sg, sgy) = VectorKernels.liveSums(g: d, out: o, y: yc, q)
                                // Σ g·x̂ = s·(Σ g·y − μ·Σ g)
                                stats[2 * (i * f + ch)] = Double(sg)
                                stats[2 * (i * f + ch) + 1] = Double(inv[ch]) * (Double(sgy) - Double(mu[ch]) * Double(sg))
                            }
                        }
                    }
                    // 2. Batch sums in image order: ∂L/∂β, ∂L/∂γ.
                    var sumG = [Float](repeating: 0, count: f), sumGX = [Float](repeating: 0, count: f)
                    for ch in 0..<f {
                        var a = 0.0, b = 0.0
                        for i in 0..<n { a += stats[2 * (i * f + ch)]; b += stats[2 * (i * f + ch) + 1] }
                        sumG[ch] = Float(a)
                        sumGX[ch] = Float(b)
                        gradients[betaOffset + ch] += Float(a)
                        gradients[gammaOffset + ch] += Float(b)
                    }
                    // 3. ∂L/∂y per image, then the convolution's weight, bias and input gradients.
                    let perProduct = imagesPerProduct
                    let gradientSize = c.weightCount + f
                    backend.forEachTask(chunks) { task, w in
                        let s = scratch[w]
                        let dW = chunkGradient + task * gradientSize, dBias = dW + c.weightCount
                        dW.update(repeating: 0, count: gradientSize)
                        let dU = chunkTransformed + task * transformedCount
                        if winograd != nil { dU.update(repeating: 0, count: transformedCount) }
                        let range = chunk(task, of: n)
                        var first = range.lowerBound
                        while first < range.upperBound {
                            // dy of t images side by side (F × t·P), their im2col matrices side by side (K × t·P).
                            let t = min(perProduct, range.upperBound - first), columns = t * p
                            let dy = s.planes.pointer
                            for j in 0..<t {
                                let i = first + j
                                for ch in 0..<f {
                                    let g = dy + ch * columns + j * p
                                    gradientPlane(i, ch, g)
                                    let k = parameters[gammaOffset + ch] * inv[ch]
                                    VectorKernels.batchNormInputGradient(
                                        g: g, y: yp + i * c.outputSize + ch * p, out: g, p, k: k, a: sumG[ch] / m,
                                        mean: mu[ch], invStd: inv[ch], b: sumGX[ch] / m)
                                    dBias[ch] += VectorKernels.sum(g, p)
                                }
                            }
                            if let winograd {
                                // ∂L/∂U from the inputs and ∂L/∂y; ∂L/∂x as the correlation of ∂L/∂y with the rotated
                                // kernels (U′), the forward algorithm in the data-gradient geometry.
                                let images = first
                                winograd.accumulateTransformedGradient(
                                    images: t, input: { input + (images + $0) * c.inputSize },
                                    inputChannelStride: c.height * c.width, outputGradient: { UnsafePointer(dy + $0 * p) },
                                    outputGradientChannelStride: columns, into: dU, scratch: s, backend: backend)
                                if let inputGradient {
                                    winograd.inputGradientGeometry.correlate(
                                        images: t, input: { UnsafePointer(dy + $0 * p) }, inputChannelStride: columns,
                                        weights: gradientWeights, output: { inputGradient + (images + $0) * c.inputSize },
                                        outputChannelStride: c.height * c.width, scratch: s, backend: backend)
                                }
                                first += t
                                continue
                            }
                            for j in 0..<t {
                                c.im2col(input + (first + j) * c.inputSize, s.col.pointer + j * p, rowStride: columns)
                            }
                            // dW += dy · colᵀ: the GEMM reads col transposed while packing (measured as fast as writing
                            // the patches out row by row first, and one gather routine serves both passes).
                            backend.gemm(transposeA: false, transposeB: true, m: f, n: c.patchSize, k: columns, alpha: 1,
                                         a: dy, lda: columns, b: s.col.pointer, ldb: columns, beta: 1, c: dW,
                                         ldc: c.patchSize)
                            if let inputGradient {
                                backend.gemm(transposeA: true, transposeB: false, m: c.patchSize, n: columns, k: f,
                                             alpha: 1, a: weights, lda: c.patchSize, b: dy, ldb: columns, beta: 0,
                                             c: s.dcol.pointer, ldc: columns)
                                for j in 0..<t {
                                    c.col2im(s.dcol.pointer + j * p, inputGradient + (first + j) * c.inputSize,
                                             rowStride: columns)
                                }
                            }
                            first += t
                        }
                        winograd?.accumulateWeightGradient(dU, into: dW)
                    }
                }
            }
        }
        // 4. Chunk partial gradients, reduced in chunk order.
        for task in 0..<chunks {
            VectorKernels.add(chunkGradient + task * (c.weightCount + f), into: gradients + weightOffset, c.weightCount + f)
        }
        }
    }
}
