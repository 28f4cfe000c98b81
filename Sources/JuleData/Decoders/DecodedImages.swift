/// The output of a decoder before it becomes a `Dataset`: N×C×H×W bytes and N 0-based labels.
struct DecodedImages {
    var count: Int
    var channels: Int
    var height: Int
    var width: Int
    var pixels: [UInt8]
    var labels: [Int32]
    /// Image files of another size than `height`×`width`, resized to it: (height, width) → count. Empty for formats
    /// that store one size.
    var resizedFrom: [ImageSize: Int] = [:]
    /// The name of each label (rank order), for formats that have names: an image tree's class folders.
    var classNames: [String]? = nil
    /// Image files left out because they could not be decoded ("path (reason)"), when that was asked for.
    var skipped: [String] = []

    func dataset(named name: String) -> Dataset {
        Dataset(name: name, count: count, channels: channels, height: height, width: width, pixels: pixels, labels: labels)
    }
}

/// An image's height and width, as found in its file.
struct ImageSize: Hashable, Comparable, CustomStringConvertible {
    var height: Int
    var width: Int
    static func < (a: ImageSize, b: ImageSize) -> Bool { (a.height, a.width) < (b.height, b.width) }
    var description: String { "\(height)x\(width)" }
}
