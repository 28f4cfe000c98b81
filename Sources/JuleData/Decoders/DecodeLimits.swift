/// Upper bounds on what a decoder allocates for one input, checked against what a file *claims* (header dimensions,
/// declared member sizes) before anything of that size is allocated, and against what decompression actually
/// produces while it runs. A hostile or corrupt file (an IDX header of 10⁹ images, a MAT array of 2⁴⁰ elements, a
/// PNG of 100000×100000, a zip or tar bomb) is refused with one line naming the file, the claim and the limit.
///
/// The defaults are far above every dataset in the registry (the largest source file, STL-10's `train_X.bin`, is
/// 138 MB; the largest decoded dataset, Tiny-ImageNet, 1.2 GB) and below what the 24 GiB machines this project runs
/// on can hold a few times over.
public struct DecodeLimits: Sendable, Equatable {
    /// Largest single decoded array, decompressed stream or archive member, in bytes.
    public var maxBytes: Int
    /// Largest sum of the members read from one archive, in bytes.
    public var maxArchiveBytes: Int
    /// Largest image (PNG or JPEG), in pixels (width × height).
    public var maxImagePixels: Int

    public init(maxBytes: Int, maxArchiveBytes: Int, maxImagePixels: Int) {
        self.maxBytes = maxBytes
        self.maxArchiveBytes = maxArchiveBytes
        self.maxImagePixels = maxImagePixels
    }

    /// 4 GiB per array, stream or member; 16 GiB per archive; 2²⁷ pixels (134 megapixels) per image.
    public static let standard = DecodeLimits(maxBytes: 4 << 30, maxArchiveBytes: 16 << 30, maxImagePixels: 1 << 27)

    /// The limits every decoder uses unless given others: `standard`, lowered by the fuzz targets (so that
    /// libFuzzer's `-malloc_limit_mb` flags any allocation a file's claim could force). Set it once, at start-up.
    nonisolated(unsafe) public static var current = standard

    /// The product of `factors`, or nil when it overflows `Int` (a header's dimensions multiplied out).
    public static func product(_ factors: [Int]) -> Int? {
        var result = 1
        for factor in factors {
            guard factor >= 0 else { return nil }
            let (value, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            result = value
        }
        return result
    }

    /// Human-readable byte count for messages ("4 GiB", "784 GB" style: binary units, one decimal).
    static func describe(bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) B" : "\((value * 10).rounded() / 10) \(units[unit])"
    }
}
