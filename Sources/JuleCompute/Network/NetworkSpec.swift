/// A declarative description of a JULE network (§2): input shape, a list of CBR-P blocks, and the
/// `Linear(F → embeddingDimension)` → L2-normalisation head.
///
/// Shape trace of a block on an H×W map: convolution `H + 2p − k + 1`, then pooling `ceil(·/2)` when enabled.
/// `F = filters_last · H_last · W_last` (or `C·H·W` when there are no blocks).
public struct NetworkSpec: Codable, Sendable, Equatable {
    public var inputChannels: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var blocks: [ConvBlockSpec]
    /// Size of the L2-normalised embedding (160 in the paper).
    public var embeddingDimension: Int

    public init(inputChannels: Int, inputHeight: Int, inputWidth: Int, blocks: [ConvBlockSpec],
                embeddingDimension: Int = 160) {
        self.inputChannels = inputChannels
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.blocks = blocks
        self.embeddingDimension = embeddingDimension
        precondition(isValid, "network spec has a non-positive map size: \(self)")
    }

    /// Channels × height × width of the input of block `index` (`index == blocks.count`: the flattened head input).
    public func shape(beforeBlock index: Int) -> (channels: Int, height: Int, width: Int) {
        var c = inputChannels, h = inputHeight, w = inputWidth
        for block in blocks.prefix(index) {
            c = block.filters
            h = block.output(h)
            w = block.output(w)
        }
        return (c, h, w)
    }

    /// Input length of the linear layer, `F` in §2.
    public var flattenSize: Int {
        let s = shape(beforeBlock: blocks.count)
        return s.channels * s.height * s.width
    }

    /// Pixels per image, `C·H·W`.
    public var inputSize: Int { inputChannels * inputHeight * inputWidth }

    /// Whether every convolution output and every map along the trace is at least 1×1.
    public var isValid: Bool {
        guard inputChannels > 0, inputHeight > 0, inputWidth > 0, embeddingDimension > 0 else { return false }
        var h = inputHeight, w = inputWidth
        for block in blocks {
            guard block.convolutionOutput(h) >= 1, block.convolutionOutput(w) >= 1 else { return false }
            h = block.output(h)
            w = block.output(w)
        }
        return true
    }

    /// The per-dataset networks of §2 (`models_def/<NAME>.lua`), by name, case-insensitive.
    ///
    /// | name | input | blocks (pad, pool) | F |
    /// |---|---|---|---|
    /// | MNIST (MNIST-test, MNIST-full) | 1×28×28 | (0, pool), (0, no pool) | 3200 |
    /// | USPS | 1×16×16 | (0, pool) | 1800 |
    /// | COIL-20 | 1×128×128 | 4 × (0, pool) | 1250 |
    /// | COIL-100 | 3×128×128 | 4 × (0, pool) | 1250 |
    /// | UMist | 1×112×92 | 3 × (2, pool) | 8400 |
    /// | UMist-32 (the mirror's 32×32 copy, §1.1) | 1×32×32 | 2 × (0, pool) | 1250 |
    /// | FRGC | 3×32×32 | 2 × (0, pool) | 1250 |
    /// | CMU-PIE | 1×32×32 | 2 × (0, pool) | 1250 |
    /// | YTF (pad fix, §12 #13) | 3×55×55 | 2 × (2, pool) | 9800 |
    /// | YTF-pad0 (`--ytf-pad0`) | 3×55×55 | 2 × (0, pool) | 6050 |
    /// | CIFAR (CIFAR-10/100; not in the paper) | 3×32×32 | as FRGC | 1250 |
    /// | STL (STL-10; not in the paper) | 3×96×96 | design rule: 3 × (0, pool) | 4050 |
    public static func preset(_ name: String) -> NetworkSpec? {
        let pooled = ConvBlockSpec(filters: 50, kernel: 5, padding: 0, pool: true)
        let padded = ConvBlockSpec(filters: 50, kernel: 5, padding: 2, pool: true)
        func net(_ c: Int, _ h: Int, _ w: Int, _ blocks: [ConvBlockSpec]) -> NetworkSpec {
            NetworkSpec(inputChannels: c, inputHeight: h, inputWidth: w, blocks: blocks)
        }
        switch name.lowercased() {
        case "mnist", "mnist-test", "mnist-full":
            return net(1, 28, 28, [pooled, ConvBlockSpec(filters: 50, kernel: 5, padding: 0, pool: false)])
        case "usps": return net(1, 16, 16, [pooled])
        case "coil-20", "coil20": return net(1, 128, 128, Array(repeating: pooled, count: 4))
        case "coil-100", "coil100": return net(3, 128, 128, Array(repeating: pooled, count: 4))
        case "umist": return net(1, 112, 92, Array(repeating: padded, count: 3))
        case "umist-32", "umist32": return net(1, 32, 32, [pooled, pooled])
        case "frgc", "frgc-v2.0": return net(3, 32, 32, [pooled, pooled])
        case "cmu-pie", "cmupie", "pie": return net(1, 32, 32, [pooled, pooled])
        case "ytf": return net(3, 55, 55, [padded, padded])
        case "ytf-pad0": return net(3, 55, 55, [pooled, pooled])
        case "cifar", "cifar-10", "cifar-100", "cifar10", "cifar100": return net(3, 32, 32, [pooled, pooled])
        case "stl", "stl-10", "stl10": return designRule(channels: 3, height: 96, width: 96)
        default: return nil
        }
    }

    /// All preset names understood by `preset(_:)` (canonical spelling).
    public static let presetNames = ["MNIST", "USPS", "COIL-20", "COIL-100", "UMist", "UMist-32", "FRGC", "CMU-PIE",
                                     "YTF", "YTF-pad0", "CIFAR", "STL"]

    /// The paper's design rule (§2, [P~]) for an input of any size: 50 maps of 5×5, stride 1, no padding, 2×2
    /// ceil-mode pooling, blocks added while the smaller side of the map still exceeds 10 (so the last map is about
    /// 10×10 or smaller), then `Linear(F → 160)` and L2 normalisation.
    ///
    /// This reproduces the COIL (4 blocks), FRGC/CMU-PIE (2), USPS (1) networks; MNIST's second block without
    /// pooling and the padded UMist/YTF nets are hand-made exceptions kept in `preset(_:)`. An input smaller than
    /// the kernel gets no blocks (the linear layer sees the raw pixels).
    public static func designRule(channels: Int, height: Int, width: Int) -> NetworkSpec {
        let block = ConvBlockSpec(filters: 50, kernel: 5, padding: 0, pool: true)
        var blocks: [ConvBlockSpec] = []
        var h = height, w = width
        while min(h, w) > 10 {
            blocks.append(block)
            h = block.output(h)
            w = block.output(w)
        }
        return NetworkSpec(inputChannels: channels, inputHeight: height, inputWidth: width, blocks: blocks)
    }
}
