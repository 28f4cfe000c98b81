/// How the 5×5 convolutions of a network are computed. Both give the same convolution up to rounding, but not the
/// same bits, so a run records which one it used (`compute.convolution`).
public enum ConvolutionAlgorithm: String, Codable, Sendable, CaseIterable {
    /// im2col + one GEMM per group of images (every block; the only algorithm before Winograd existed).
    case im2col
    /// Winograd F(2×2, 5×5) for the 5×5 blocks over 8 or more channels (`WinogradConvolution`), im2col for the rest
    /// (the first block, whose one or three channels make the transformed maps cost more than they save).
    case winograd

    /// What `jule train` and sweep files use unless told otherwise (a configuration without the key is im2col).
    public static let defaultChoice = ConvolutionAlgorithm.winograd
}
