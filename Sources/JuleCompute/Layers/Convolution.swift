// Shapes: C input channels, H×W input map, F filters, k×k kernel, p padding, Ho×Wo = (H+2p−k+1)×(W+2p−k+1).
// K = C·k·k rows of the im2col matrix, P = Ho·Wo columns.

/// Geometry and per-image kernels of a stride-1 2-D convolution computed as im2col + GEMM.
///
///     y[f, o] = b[f] + Σ_{c,u,v} W[f, c, u, v] · x[c, oy+u−p, ox+v−p]     (x = 0 outside the map)
///
/// In matrix form `Y (F×P) = W (F×K) · col (K×P)`, with `col[(c,u,v), (oy,ox)] = x[c, oy+u−p, ox+v−p]`.
/// Gradients: `dW += dY · colᵀ`, `db += Σ_o dY`, `dcol = Wᵀ · dY`, and `dx = col2im(dcol)`.
struct Convolution {
    let inputChannels: Int, height: Int, width: Int
    let filters: Int, kernel: Int, padding: Int
    let outputHeight: Int, outputWidth: Int

    init(inputChannels: Int, height: Int, width: Int, filters: Int, kernel: Int, padding: Int) {
        self.inputChannels = inputChannels
        self.height = height
        self.width = width
        self.filters = filters
        self.kernel = kernel
        self.padding = padding
        outputHeight = height + 2 * padding - kernel + 1
        outputWidth = width + 2 * padding - kernel + 1
        precondition(outputHeight > 0 && outputWidth > 0, "convolution output is empty")
    }

    /// K, rows of the im2col matrix.
    var patchSize: Int { inputChannels * kernel * kernel }
    /// P, output positions per map.
    var outputPositions: Int { outputHeight * outputWidth }
    var inputSize: Int { inputChannels * height * width }
    var outputSize: Int { filters * outputPositions }
    var weightCount: Int { filters * patchSize }

    /// Writes the K×P im2col matrix of one image `x` (C×H×W) into `col`, rows `rowStride` apart (default P;
    /// larger when several images share one matrix side by side).
    func im2col(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, rowStride: Int? = nil) {
        let stride = rowStride ?? outputPositions
        let ho = outputHeight, wo = outputWidth, p = padding
        var row = col
        for c in 0..<inputChannels {
            let plane = x + c * height * width
            for u in 0..<kernel {
                for v in 0..<kernel {
                    // Valid output columns for this v: 0 ≤ ox + v − p < W.
                    let lo = max(0, p - v), hi = min(wo, width + p - v)
                    for oy in 0..<ho {
                        let dst = row + oy * wo
                        let iy = oy + u - p
                        if iy < 0 || iy >= height || lo >= hi {
                            dst.update(repeating: 0, count: wo)
                            continue
                        }
                        if lo > 0 { dst.update(repeating: 0, count: lo) }
                        VectorKernels.copy(plane + iy * width + (lo + v - p), to: dst + lo, hi - lo)
                        if hi < wo { dst.advanced(by: hi).update(repeating: 0, count: wo - hi) }
                    }
                    row += stride
                }
            }
        }
    }

    /// Overwrites `dx` (C×H×W) with col2im(`dcol`): every im2col entry's gradient added back to its pixel.
    /// Rows of `dcol` are `rowStride` apart (default P).
    func col2im(_ dcol: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, rowStride: Int? = nil) {
        let stride = rowStride ?? outputPositions
        dx.update(repeating: 0, count: inputSize)
        let ho = outputHeight, wo = outputWidth, p = padding
        var row = dcol
        for c in 0..<inputChannels {
            let plane = dx + c * height * width
            for u in 0..<kernel {
                for v in 0..<kernel {
                    let lo = max(0, p - v), hi = min(wo, width + p - v)
                    if lo < hi {
                        for oy in 0..<ho {
                            let iy = oy + u - p
                            if iy < 0 || iy >= height { continue }
                            VectorKernels.add(row + oy * wo + lo, into: plane + iy * width + (lo + v - p), hi - lo)
                        }
                    }
                    row += stride
                }
            }
        }
    }
}
