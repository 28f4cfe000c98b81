/// How a run computes (`RunConfiguration.compute`; absent in records made before it existed, which used the
/// fastest kernel of their machine).
public struct ComputeConfiguration: Codable, Sendable, Equatable {
    /// Portable mode: the package's own GEMM with a fixed accumulation order (`CPUBackend.GemmKernel.portable`) and
    /// `PortableMath`, so every floating-point result of the run — record, labels, embeddings — is the same bits on
    /// any x86-64 machine, Intel or AMD, with or without AVX-512. False: the fastest kernel of the machine (BLIS,
    /// OpenBLAS), whose results differ between processors far beyond rounding (the merges amplify the last bit).
    public var portable: Bool
    /// How the 5×5 convolutions are computed (`compute.convolution`). Nil — every record made before Winograd
    /// existed, and every sweep file that asks for im2col — is im2col, so those hashes do not change.
    public var convolution: ConvolutionAlgorithm?

    public init(portable: Bool = false, convolution: ConvolutionAlgorithm? = nil) {
        self.portable = portable
        self.convolution = convolution
    }

    /// A missing `portable` reads as false, so a group written with other (future or misspelled) keys decodes and the
    /// override check can name the unknown key.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        portable = try container.decodeIfPresent(Bool.self, forKey: .portable) ?? false
        convolution = try container.decodeIfPresent(ConvolutionAlgorithm.self, forKey: .convolution)
    }
}
