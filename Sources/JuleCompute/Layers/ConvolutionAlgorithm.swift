/// How the 5×5 convolutions of a network are computed. All give the same convolution up to rounding, but not the
/// same bits, so a run records which one it used (`compute.convolution`).
public enum ConvolutionAlgorithm: String, Codable, Sendable, CaseIterable {
    /// im2col + one GEMM per group of images (every block; the only algorithm before Winograd existed).
    case im2col
    /// Winograd F(2×2, 5×5) for the 5×5 blocks over 8 or more channels (`WinogradConvolution`), im2col for the rest
    /// (the first block, whose one or three channels make the transformed maps cost more than they save).
    case winograd
    /// Winograd F(4×4, 5×5) for the same blocks: 2.25× fewer multiplications than F(2×2, 5×5), the same rounding.
    case winograd4x4

    /// What `jule train` and sweep files use unless told otherwise (a configuration without the key is im2col).
    public static let defaultChoice = ConvolutionAlgorithm.winograd4x4

    /// Whether it is one of the Winograd algorithms.
    public var isWinograd: Bool { self != .im2col }

    /// An unknown name (a sweep file's `"convolution": "fft"`) is one line listing the allowed ones, not Foundation's
    /// "Cannot initialize ConvolutionAlgorithm from invalid String value".
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let algorithm = ConvolutionAlgorithm(rawValue: name) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription:
                "'\(name)' is not a convolution (one of \(Self.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self = algorithm
    }
}
