/// Parameters of a source's decoder (`datasets.json` → `sources[].parameters`). Each decoder reads the fields it
/// needs and ignores the rest; `DatasetRegistry` checks that the needed ones are present.
public struct DecoderParameters: Codable, Sendable, Equatable {
    // MATLAB .mat
    /// Variable holding the images (`fea`, `X`, `DAT`, …).
    public var images: String?
    /// Variable holding the labels (`gnd`, `Y`, …).
    public var labels: String?
    /// Which axis of the image matrix indexes samples (0 = rows, 1 = columns, 2 = third axis).
    public var sampleAxis: Int?
    /// How the H·W values of one image are ordered within the matrix: "rowMajor" (index W·r + c, row by row)
    /// or "columnMajor" (index H·c + r, MATLAB's column order).
    public var pixelOrder: String?

    // Image files (PNG/JPEG folders and archives)
    /// Regular expression on file names; its first capture group is the class key (e.g. `obj(\d+)__(\d+)\.png`).
    public var filePattern: String?
    /// Channel count, height and width of the decoded images (images of another size are resized).
    public var channels: Int?
    public var height: Int?
    public var width: Int?

    // CIFAR
    /// Label bytes per record (1 for CIFAR-10, 2 for CIFAR-100) and which of them is the label.
    public var labelBytes: Int?
    public var labelIndex: Int?
    /// Archive members, in order (record files for CIFAR; X/y pairs for STL-10).
    public var members: [String]?

    /// How stored labels become 0-based class ids: "identity", "minusOne", "mod10" (USPS: 10 is digit 0) or
    /// "rank" (sorted distinct values → 0..K−1, as JULE's loader does).
    public var labelMapping: String?

    public init(images: String? = nil, labels: String? = nil, sampleAxis: Int? = nil, pixelOrder: String? = nil,
                filePattern: String? = nil, channels: Int? = nil, height: Int? = nil, width: Int? = nil,
                labelBytes: Int? = nil, labelIndex: Int? = nil, members: [String]? = nil, labelMapping: String? = nil) {
        self.images = images
        self.labels = labels
        self.sampleAxis = sampleAxis
        self.pixelOrder = pixelOrder
        self.filePattern = filePattern
        self.channels = channels
        self.height = height
        self.width = width
        self.labelBytes = labelBytes
        self.labelIndex = labelIndex
        self.members = members
        self.labelMapping = labelMapping
    }
}
