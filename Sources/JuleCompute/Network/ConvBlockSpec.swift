/// One "CBR-P" block of §2: `Conv(5×5, stride 1, pad p, filters maps)` → `BatchNorm` → `ReLU` → optional
/// `MaxPool(2×2, stride 2, ceil mode)`.
public struct ConvBlockSpec: Codable, Sendable, Equatable {
    /// Output maps of the convolution (50 in every JULE network).
    public var filters: Int
    /// Square kernel side (5 in every JULE network).
    public var kernel: Int
    /// Zero padding on every side (0, or 2 for UMist and YTF).
    public var padding: Int
    /// Whether a 2×2 ceil-mode max pooling follows the ReLU.
    public var pool: Bool

    public init(filters: Int = 50, kernel: Int = 5, padding: Int = 0, pool: Bool = true) {
        precondition(filters > 0 && kernel > 0 && padding >= 0, "invalid block \(filters)/\(kernel)/\(padding)")
        self.filters = filters
        self.kernel = kernel
        self.padding = padding
        self.pool = pool
    }

    /// Spatial size after the convolution: `in + 2p − k + 1` (stride 1).
    public func convolutionOutput(_ size: Int) -> Int { size + 2 * padding - kernel + 1 }

    /// Spatial size after the whole block: the convolution output, halved with ceiling when pooling.
    public func output(_ size: Int) -> Int {
        let c = convolutionOutput(size)
        return pool ? (c + 1) / 2 : c
    }
}
