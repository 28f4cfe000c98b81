/// The small interface the layers use for heavy compute: a matrix product and a fixed set of workers.
///
/// Layers split a batch into `workerCount` contiguous, fixed ranges (`workerRange`) and reduce per-worker
/// partial results in worker order, so the result depends on the worker count but never on scheduling.
/// Another backend (oneDNN, a GPU) implements the same two operations.
public protocol ComputeBackend: Sendable {
    /// Number of workers `forEachWorker` runs; partitions of the batch are derived from it.
    var workerCount: Int { get }

    /// Row-major single-precision GEMM: `C ← α·op(A)·op(B) + β·C`, `op(A)` m×k, `op(B)` k×n, `C` m×n.
    func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
              a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
              beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int)

    /// Runs `body(worker)` once for every worker in `0..<workerCount`, concurrently, and returns when all finished.
    func forEachWorker(_ body: (Int) -> Void)
}

extension ComputeBackend {
    /// The fixed, contiguous share of `0..<count` that `worker` processes: `[w·count/W, (w+1)·count/W)`.
    @inline(__always)
    public func workerRange(_ worker: Int, of count: Int) -> Range<Int> {
        (worker * count / workerCount)..<((worker + 1) * count / workerCount)
    }
}
