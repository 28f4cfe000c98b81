import COpenBLAS

/// The one matrix product the clustering needs, C = α·A·Bᵀ (A m×k, B n×k, C m×n; row-major, leading dimensions
/// lda, ldb and n), called single-threaded from several Dispatch workers at once.
///
/// The k-NN re-checks its candidates exactly in Double with an error bound for single-precision products, so any
/// GEMM of ordinary single-precision accuracy gives the same neighbours: the kernel changes only speed.
/// JuleCluster does not choose a kernel itself: the default is OpenBLAS, and callers that know a faster kernel for
/// this processor (the harness passes the CNN backend's choice, e.g. BLIS where OpenBLAS runs its generic
/// fallback) inject it. The leading dimensions let the k-NN multiply slices of the feature columns in place.
public struct MatrixProduct: Sendable {
    public let name: String
    public let multiply: @Sendable (_ m: Int, _ n: Int, _ k: Int, _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int,
                                    _ b: UnsafePointer<Float>, _ ldb: Int, _ c: UnsafeMutablePointer<Float>) -> Void

    public init(name: String, multiply: @escaping @Sendable (Int, Int, Int, Float, UnsafePointer<Float>, Int,
                                                            UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>) -> Void) {
        self.name = name
        self.multiply = multiply
    }

    public static let openBLAS = MatrixProduct(name: "openBLAS") { m, n, k, alpha, a, lda, b, ldb, c in
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blasint(m), blasint(n), blasint(k), alpha,
                    a, blasint(lda), b, blasint(ldb), 0, c, blasint(n))
    }
}
