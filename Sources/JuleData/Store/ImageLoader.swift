import Foundation

/// Images for inference (`jule embed`): a folder of images (with or without class sub-folders), an image archive,
/// or an `.h5` in JULE's layout, decoded at a network's input size without touching the cache.
public enum ImageLoader {
    public static func load(_ path: URL, channels: Int, height: Int, width: Int) throws -> Dataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
            throw DataError.io(file: path.path, reason: "no such file or folder")
        }
        let name = path.lastPathComponent.lowercased()
        let dataset: Dataset
        if name.hasSuffix(".h5") || name.hasSuffix(".hdf5") {
            dataset = try JULEH5Decoder.decode(at: path).dataset(named: path.lastPathComponent)
        } else {
            let items = isDirectory.boolValue ? try ImageTreeDecoder.items(inFolder: path, pattern: nil)
                                              : try ImageTreeDecoder.items(inArchive: path, pattern: nil)
            guard !items.isEmpty else {
                throw DataError.missingMember(container: path.path, member: "image files (.jpg, .jpeg, .png)")
            }
            dataset = try ImageSetDecoder.decode(items, channels: channels, height: height, width: width,
                                                 verify: { _ in }, progress: nil).dataset(named: path.lastPathComponent)
        }
        guard dataset.channels == channels, dataset.height == height, dataset.width == width else {
            throw DataError.unexpectedContent(dataset: path.path, reason: "holds \(dataset.channels)x\(dataset.height)x\(dataset.width) images, the network takes \(channels)x\(height)x\(width)")
        }
        return dataset
    }
}
