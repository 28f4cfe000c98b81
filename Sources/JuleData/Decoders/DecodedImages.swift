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
    /// Each image's name (path relative to the folder, or archive member name), for formats made of image files.
    var names: [String]? = nil
    /// JPEGs whose EXIF orientation is not upright (location, tag value), in item order: decoded as stored.
    var oriented: [(location: String, value: Int)] = []

    /// One line on the JPEGs of `oriented`, or nil when there are none: how many, one example, and `handled`, what
    /// was done with them (decoded as stored, never turned).
    func orientationNote(_ handled: (_ plural: Bool) -> String) -> String? {
        guard let first = oriented.first else { return nil }
        let count = oriented.count == 1 ? "1 JPEG carries" : "\(oriented.count) JPEGs carry"
        return "\(count) an EXIF orientation (e.g. \(first.location): \(JPEGOrientation.describe(first.value))): "
            + handled(oriented.count > 1)
    }

    /// The dataset; `withNames` keeps `names` (imports: a registry dataset's cache stays without them).
    func dataset(named name: String, withNames: Bool = false) -> Dataset {
        Dataset(name: name, count: count, channels: channels, height: height, width: width, pixels: pixels, labels: labels,
                names: withNames ? names : nil)
    }
}

/// An image's height and width, as found in its file.
struct ImageSize: Hashable, Comparable, CustomStringConvertible {
    var height: Int
    var width: Int
    static func < (a: ImageSize, b: ImageSize) -> Bool { (a.height, a.width) < (b.height, b.width) }
    var description: String { "\(height)x\(width)" }
}
