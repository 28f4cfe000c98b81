/// Per-worker scratch memory: one image's im2col matrix and its gradient, one block's output gradient, and a
/// private gradient accumulator, so workers never share writes and memory stays O(workers), not O(batch).
final class WorkerScratch {
    let col = FloatBuffer()          // K×(t·P) im2col, or (t·P)×K im2row, of t images
    let dcol = FloatBuffer()         // K×(t·P)
    let planes = FloatBuffer()       // F×(t·P): product output, ReLU map before pooling; dL/dy (backward)
    let gradient = FloatBuffer()     // one block's weights then biases, F·K + F
}
