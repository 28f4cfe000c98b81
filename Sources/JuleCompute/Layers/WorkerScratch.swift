/// Per-worker scratch memory: one image's im2col matrix and its gradient, one block's output gradient, and a
/// private gradient accumulator, so workers never share writes and memory stays O(workers), not O(batch).
final class WorkerScratch {
    let col = FloatBuffer()          // K×P
    let dcol = FloatBuffer()         // K×P
    let planes = FloatBuffer()       // F×P: ReLU output before pooling (forward), dL/dy (backward)
    let gradient = FloatBuffer()     // one block's weights then biases, F·K + F
}
