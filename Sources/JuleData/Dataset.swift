import Foundation

/// A decoded, cached dataset: `count` images of `channels`×`height`×`width` bytes and one 0-based label each.
///
/// Layout (§1.2 of the algorithm doc): `pixels` is N×C×H×W, row-major, values 0...255, in the index order the
/// decoder defines (which is the order JULE's `data4torch.h5` files use: samples as listed by the source).
public struct Dataset: Sendable {
    public let name: String
    public let count: Int, channels: Int, height: Int, width: Int
    /// N×C×H×W, row-major, 0...255.
    public let pixels: [UInt8]
    /// N class ids, 0-based.
    public let labels: [Int32]
    /// N file names, in index order: each image's path relative to the imported folder, or its member name in the
    /// imported archive. Set for image files imported with `jule data import` (the cache's `names` attribute); nil
    /// for the registry's datasets, other import formats and caches written before names were kept.
    public let names: [String]?

    /// Wraps decoded arrays; the shapes must agree (a decoder bug otherwise, hence `precondition`).
    public init(name: String, count: Int, channels: Int, height: Int, width: Int, pixels: [UInt8], labels: [Int32],
                names: [String]? = nil) {
        precondition(pixels.count == count * channels * height * width,
                     "\(name): \(pixels.count) pixels for \(count)×\(channels)×\(height)×\(width)")
        precondition(labels.count == count, "\(name): \(labels.count) labels for \(count) images")
        precondition(names.map { $0.count == count } ?? true, "\(name): \(names?.count ?? 0) names for \(count) images")
        self.name = name
        self.count = count
        self.channels = channels
        self.height = height
        self.width = width
        self.pixels = pixels
        self.labels = labels
        self.names = names
    }

    /// Number of distinct labels (the target cluster count n* of §1.2, JULE.torch #25).
    public var classCount: Int { Set(labels).count }

    /// Bytes per image, C·H·W.
    public var imageSize: Int { channels * height * width }

    /// Images per label, indexed by label (labels are 0-based, so the array has max(label)+1 entries).
    public var countsPerClass: [Int] {
        var counts = [Int](repeating: 0, count: Int(labels.max() ?? -1) + 1)
        for label in labels where label >= 0 { counts[Int(label)] += 1 }
        return counts
    }
}

extension Dataset {
    /// The images of classes 0..<limit only, in order: what a run with `--classes limit` trained on, so that its label
    /// files line up with the images again.
    public func firstClasses(_ limit: Int) -> Dataset {
        let kept = (0..<count).filter { Int(labels[$0]) < limit }
        if kept.count == count { return self }
        var subset = [UInt8]()
        subset.reserveCapacity(kept.count * imageSize)
        for i in kept { subset.append(contentsOf: pixels[(i * imageSize)..<((i + 1) * imageSize)]) }
        return Dataset(name: name, count: kept.count, channels: channels, height: height, width: width, pixels: subset,
                       labels: kept.map { labels[$0] }, names: names.map { names in kept.map { names[$0] } })
    }
}
