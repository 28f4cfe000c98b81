// Shapes: N batch, F inputs, D outputs. W is D×F (row-major), b has D entries.

/// The fully connected layer of the head (§2): `h = x·Wᵀ + b`.
///
/// Gradients: `∂L/∂W += (∂L/∂h)ᵀ·x`, `∂L/∂b += Σ_n ∂L/∂h`, `∂L/∂x = (∂L/∂h)·W`. Rows of the batch (and rows
/// of W for the weight gradient) are split over the workers in fixed shares; nothing is reduced across
/// workers, so results are independent of the worker count.
struct Linear {
    let inputs: Int, outputs: Int
    let weightOffset: Int
    var biasOffset: Int { weightOffset + inputs * outputs }
    var parameterCount: Int { inputs * outputs + outputs }

    /// h (N×D) = x (N×F) · Wᵀ + b.
    func forward(_ x: UnsafePointer<Float>, count n: Int, _ h: UnsafeMutablePointer<Float>,
                 parameters: UnsafePointer<Float>, backend: ComputeBackend) {
        let weights = parameters + weightOffset, bias = parameters + biasOffset
        backend.forEachWorker { w in
            let rows = backend.workerRange(w, of: n)
            guard !rows.isEmpty else { return }
            for r in rows { (h + r * outputs).update(from: bias, count: outputs) }
            backend.gemm(transposeA: false, transposeB: true, m: rows.count, n: outputs, k: inputs, alpha: 1,
                         a: x + rows.lowerBound * inputs, lda: inputs, b: weights, ldb: inputs, beta: 1,
                         c: h + rows.lowerBound * outputs, ldc: outputs)
        }
    }

    /// Adds ∂L/∂W and ∂L/∂b into `gradients`; overwrites `dx` (N×F) with ∂L/∂x when given.
    func backward(_ x: UnsafePointer<Float>, count n: Int, outputGradient dh: UnsafePointer<Float>,
                  inputGradient dx: UnsafeMutablePointer<Float>?, parameters: UnsafePointer<Float>,
                  gradients: UnsafeMutablePointer<Float>, backend: ComputeBackend) {
        let weights = parameters + weightOffset
        for r in 0..<n { VectorKernels.add(dh + r * outputs, into: gradients + biasOffset, outputs) }
        backend.forEachWorker { w in
            let rows = backend.workerRange(w, of: outputs)
            if !rows.isEmpty {
                // dW[rows, :] += dh[:, rows]ᵀ · x
                backend.gemm(transposeA: true, transposeB: false, m: rows.count, n: inputs, k: n, alpha: 1,
                             a: dh + rows.lowerBound, lda: outputs, b: x, ldb: inputs, beta: 1,
                             c: gradients + weightOffset + rows.lowerBound * inputs, ldc: inputs)
            }
            if let dx {
                let batchRows = backend.workerRange(w, of: n)
                if !batchRows.isEmpty {
                    backend.gemm(transposeA: false, transposeB: false, m: batchRows.count, n: inputs, k: outputs,
                                 alpha: 1, a: dh + batchRows.lowerBound * outputs, lda: outputs, b: weights,
                                 ldb: inputs, beta: 0, c: dx + batchRows.lowerBound * inputs, ldc: inputs)
                }
            }
        }
    }
}
