import Foundation

/// Images for inference (`jule embed`): a folder of images (with or without class sub-folders), an image archive,
/// or an `.h5` in JULE's layout, decoded at a network's input size without touching the cache.
public enum ImageLoader {
    /// Loaded images with the name of each (its path relative to the folder or archive, or "#i" for an `.h5`) and how
    /// many had another size than the network's and were resized.
    public struct Loaded: Sendable {
        public let dataset: Dataset
        public let names: [String]
        public let resized: Int
        /// "40x40" and so on: the sizes found that differ from the network's, most frequent first.
        public let otherSizes: [String]
    }

    /// Loads and, when `resize`, resizes images of another size to `height`×`width`; without it, images of another
    /// size are an error naming the first one (nothing is resized silently).
    public static func load(_ path: URL, channels: Int, height: Int, width: Int, resize: Bool = true) throws -> Loaded {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
            throw DataError.io(file: path.path, reason: "no such file or folder")
        }
        let name = path.lastPathComponent.lowercased()
        if name.hasSuffix(".h5") || name.hasSuffix(".hdf5") {
            let dataset = try JULEH5Decoder.decode(at: path).dataset(named: path.lastPathComponent)
            guard dataset.channels == channels, dataset.height == height, dataset.width == width else {
                throw DataError.unexpectedContent(dataset: path.path, reason: "holds \(dataset.channels)x\(dataset.height)x\(dataset.width) images, the network takes \(channels)x\(height)x\(width)")
            }
            return Loaded(dataset: dataset, names: (0..<dataset.count).map { "#\($0)" }, resized: 0, otherSizes: [])
        }
        let items = isDirectory.boolValue ? try ImageTreeDecoder.items(inFolder: path, pattern: nil)
                                          : try ImageTreeDecoder.items(inArchive: path, pattern: nil)
        guard !items.isEmpty else {
            throw DataError.missingMember(container: path.path, member: "image files (.jpg, .jpeg, .png)")
        }
        // Each image's own size first, so that a resize is never silent.
        var sizes: [String: Int] = [:]
        var resized = 0
        for item in items {
            let bytes = try item.contents()
            let size = try bytes.withUnsafeBytes { try ImageSetDecoder.decodeImage($0, channels: channels, location: item.location) }
            guard size.height != height || size.width != width else { continue }
            if !resize {
                throw DataError.unexpectedContent(dataset: item.location, reason: "is \(size.height)x\(size.width), the network takes \(height)x\(width); add --resize to resize such images")
            }
            resized += 1
            sizes["\(size.height)x\(size.width)", default: 0] += 1
        }
        let dataset = try ImageSetDecoder.decode(items, channels: channels, height: height, width: width,
                                                 verify: { _ in }, progress: nil).dataset(named: path.lastPathComponent)
        let others = sizes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        return Loaded(dataset: dataset, names: items.map(\.name), resized: resized, otherSizes: others)
    }
}
