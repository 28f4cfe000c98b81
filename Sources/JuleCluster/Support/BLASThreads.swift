import COpenBLAS

/// Runs `body` with OpenBLAS limited to `threads` threads and restores the previous setting afterwards.
///
/// The clustering code parallelises over blocks with Dispatch workers, each calling single-threaded sgemm; letting
/// OpenBLAS spawn its own threads on top would oversubscribe the cores. OpenBLAS's thread count is process-wide, so
/// callers must not run other BLAS work concurrently with different expectations.
func withBLASThreads<R>(_ threads: Int, _ body: () throws -> R) rethrows -> R {
    let previous = Int(openblas_get_num_threads())
    if previous != threads { openblas_set_num_threads(Int32(threads)) }
    defer { if previous != threads { openblas_set_num_threads(Int32(previous)) } }
    return try body()
}
