import Foundation

/// Images for inference (`jule embed`): a folder of images (with or without class sub-folders), an image archive, a
/// single PNG or JPEG file, or an `.h5` in JULE's layout, decoded at a network's input size without touching the cache.
public enum ImageLoader {
    /// Loaded images with the name of each (its path relative to the folder or archive; for an `.h5` its `names`
    /// attribute, as a dataset cache and `jule embed --out` write it, else "#i") and how many had another size than
    /// the network's and were resized.
    public struct Loaded: Sendable {
        public let dataset: Dataset
        public let names: [String]
        public let resized: Int
        /// "40x40" and so on: the sizes found that differ from the network's, most frequent first.
        public let otherSizes: [String]
        /// Colour images (not R = G = B) made grey (luma) for a one-channel network, files and `.h5` alike.
        public var greyed = 0
        /// Files left out because they cannot be decoded ("path (reason)"), with `skipUnreadable`.
        public var skipped: [String] = []
        /// One line on the JPEGs whose EXIF orientation is not upright (embedded as stored, as `jule data import`
        /// imports them), or nil.
        public var orientation: String? = nil
    }

    /// Loads and, when `resize`, resizes images of another size to `height`×`width`; without it, images of another
    /// size are an error naming the first one (nothing is resized silently). A file that cannot be decoded is an
    /// error, or with `skipUnreadable` left out and listed in `skipped` (as `jule data import --skip-unreadable`).
    public static func load(_ path: URL, channels: Int, height: Int, width: Int, resize: Bool = true,
                            skipUnreadable: Bool = false) throws -> Loaded {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
            throw DataError.io(file: path.path, reason: "no such file or folder")
        }
        let name = path.lastPathComponent.lowercased()
        if name.hasSuffix(".h5") || name.hasSuffix(".hdf5") {
            return try loadH5(path, channels: channels, height: height, width: width, resize: resize)
        }
        var items: [ImageItem]
        if isDirectory.boolValue {
            items = try ImageTreeDecoder.items(inFolder: path, pattern: nil)
        } else if ImageTreeDecoder.isImage(path.lastPathComponent) {
            // One image file: a dataset of one, named by its file name.
            items = [ImageItem(name: path.lastPathComponent, classKey: nil, orderKey: path.lastPathComponent,
                               content: .file(path), location: path.path)]
        } else {
            items = try ImageTreeDecoder.items(inArchive: path, pattern: nil)
        }
        guard !items.isEmpty else {
            throw DataError.missingMember(container: path.path, member: "image files (.jpg, .jpeg, .png)")
        }
        // Each image's own size first, so that a resize is never silent; for a grey network in colour, so that a
        // colour image made grey is counted too.
        var sizes: [String: Int] = [:]
        var resized = 0, greyed = 0
        var readable: [ImageItem] = [], skipped: [String] = []
        for item in items {
            let size: (pixels: [UInt8], height: Int, width: Int)
            do {
                let bytes = try item.contents()
                size = try bytes.withUnsafeBytes { try ImageSetDecoder.decodeImage($0, channels: channels == 1 ? 3 : channels, location: item.location) }
            } catch {
                guard skipUnreadable else { throw error }
                skipped.append("\(item.location) (\(ImageSetDecoder.reason(error)))")
                continue
            }
            readable.append(item)
            if channels == 1, Self.isColour(interleaved: size.pixels) { greyed += 1 }
            guard size.height != height || size.width != width else { continue }
            if !resize {
                throw DataError.unexpectedContent(dataset: item.location, reason: "is \(size.height)x\(size.width) (height×width), the network takes \(height)x\(width); add --resize to resize such images")
            }
            resized += 1
            sizes["\(size.height)x\(size.width)", default: 0] += 1
        }
        items = readable
        guard !items.isEmpty else {
            throw DataError.unexpectedContent(dataset: path.path, reason: "none of its \(skipped.count) image files can be decoded (e.g. \(skipped[0]))")
        }
        let decoded = try ImageSetDecoder.decode(items, channels: channels, height: height, width: width,
                                                 verify: { _ in }, progress: nil)
        let others = sizes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        var loaded = Loaded(dataset: decoded.dataset(named: path.lastPathComponent), names: items.map(\.name), resized: resized,
                            otherSizes: others, greyed: greyed)
        loaded.skipped = skipped
        loaded.orientation = decoded.orientationNote { plural in
            "embedded as stored, not turned as a viewer shows \(plural ? "them" : "it") (as jule data import imports images)"
        }
        return loaded
    }

    /// Whether RGB pixels (interleaved) differ between channels anywhere.
    private static func isColour(interleaved rgb: [UInt8]) -> Bool {
        var i = 0
        while i + 2 < rgb.count {
            if rgb[i] != rgb[i + 1] || rgb[i] != rgb[i + 2] { return true }
            i += 3
        }
        return false
    }

    /// An `.h5` of images (`JULEH5Decoder`): its planes resized like image files when asked (each channel on its own,
    /// as `ImageResizer` treats channels independently), its `names` attribute as the images' names when it has one
    /// per image.
    private static func loadH5(_ path: URL, channels: Int, height: Int, width: Int, resize: Bool) throws -> Loaded {
        var images = try JULEH5Decoder.decode(at: path)
        let found = "\(images.height)x\(images.width)"
        // Channels as for image files: colour made grey (luma, counted), grey repeated in three.
        var greyed = 0
        if images.channels == 3, channels == 1 {
            greyed = images.colourImages.count
            images = images.grey()
        } else if images.channels == 1, channels == 3 {
            images = images.colour()
        }
        guard images.channels == channels else {
            throw DataError.unexpectedContent(dataset: path.path, reason: "holds \(images.channels)x\(found) images, the network takes \(channels)x\(height)x\(width) (a resize does not change channels)")
        }
        var resized = 0
        if images.height != height || images.width != width {
            guard resize else {
                throw DataError.unexpectedContent(dataset: path.path, reason: "holds \(found) images, the network takes \(height)x\(width); add --resize to resize them")
            }
            let plane = images.height * images.width
            var pixels = [UInt8]()
            pixels.reserveCapacity(images.count * channels * height * width)
            for p in 0..<(images.count * channels) {
                pixels += ImageResizer.resize(Array(images.pixels[(p * plane)..<((p + 1) * plane)]), height: images.height,
                                              width: images.width, channels: 1, toHeight: height, toWidth: width)
            }
            images.pixels = pixels
            images.height = height
            images.width = width
            resized = images.count
        }
        var names = (0..<images.count).map { "#\($0)" }
        if let file = try? HDF5File.open(at: path) {
            defer { file.close() }
            let lines = (try? file.stringAttribute("names"))?.components(separatedBy: "\n")
            if let lines, lines.count == images.count { names = lines }
        }
        return Loaded(dataset: images.dataset(named: path.lastPathComponent), names: names, resized: resized,
                      otherSizes: resized > 0 ? [found] : [], greyed: greyed)
    }
}
