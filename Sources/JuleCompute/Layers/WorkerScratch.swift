/// Per-worker scratch memory: im2col matrices and their gradients, and one block's maps for the images of one
/// matrix product, so workers never share writes and memory stays O(workers), not O(batch).
final class WorkerScratch {
    let col = FloatBuffer()          // K×(t·P) im2col matrices of t images, side by side
    let dcol = FloatBuffer()         // K×(t·P)
    let planes = FloatBuffer()       // F×(t·P): product output, ReLU map before pooling; dL/dy (backward)
    let transformed = FloatBuffer()  // Winograd: n² × C×(t·T) transformed inputs (or n² × F×(t·T′) of dL/dy)
    let products = FloatBuffer()     // Winograd: n² × F×(t·T) products (or transformed dL/dy, or n² × C×(t·T′))
    let rows = FloatBuffer()         // Winograd: one map split into its column phases
}
