/// Per-worker scratch memory: im2col matrices and their gradients, and one block's maps for the images of one
/// matrix product, so workers never share writes and memory stays O(workers), not O(batch).
final class WorkerScratch {
    let col = FloatBuffer()          // K×(t·P) im2col matrices of t images, side by side
    let dcol = FloatBuffer()         // K×(t·P)
    let planes = FloatBuffer()       // F×(t·P): product output, ReLU map before pooling; dL/dy (backward)
}
