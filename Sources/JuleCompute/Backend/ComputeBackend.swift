import JuleData

/// The small interface the layers use for heavy compute: a matrix product and a fixed set of workers.
///
/// Layers give each worker disjoint outputs (`workerRange`: rows of a product) or cut a batch into fixed chunks whose
/// partial sums are added in chunk order (`ConvBlock`), so no result depends on the worker count or on scheduling
/// (`PortableRunGoldenTests` runs 1 and 2 workers to the same bytes).
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

    /// The elementary functions the network and trainer use (initialisation, learning rate): `.portable` on a
    /// backend whose results must not depend on the machine.
    var mathFunctions: MathFunctions { get }
}

extension ComputeBackend {
    public var mathFunctions: MathFunctions { .system }
}

extension ComputeBackend {
    /// The fixed, contiguous share of `0..<count` that `worker` processes: `[w·count/W, (w+1)·count/W)`.
    @inline(__always)
    public func workerRange(_ worker: Int, of count: Int) -> Range<Int> {
        (worker * count / workerCount)..<((worker + 1) * count / workerCount)
    }
}

import Foundation

extension ComputeBackend {
    /// Runs `body(task, worker)` for every task in `0..<count`, handing tasks to whichever worker is free
    /// (so a worker slowed by other processes takes fewer). Callers make results independent of which worker
    /// ran a task (per-task outputs, reduced in task order), so they stay deterministic.
    public func forEachTask(_ count: Int, _ body: (_ task: Int, _ worker: Int) -> Void) {
        guard count > 0 else { return }
        if workerCount == 1 || count == 1 {
            for task in 0..<count { body(task, 0) }
            return
        }
        let counter = TaskCounter()
        forEachWorker { worker in
            while let task = counter.next(below: count) { body(task, worker) }
        }
    }
}

/// A locked task counter for `forEachTask`.
final class TaskCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next(below count: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < count else { return nil }
        value += 1
        return value - 1
    }
}
