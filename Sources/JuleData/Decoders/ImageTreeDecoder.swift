import Foundation

/// Image files (JPEG or PNG) in a folder or archive, labelled by class folder: the class of a file is the first
/// capture group of `filePattern` (matched against its path relative to the root), or without a pattern its
/// top-level folder; files directly in the root are unlabeled (label 0). Images are resized to the protocol size.
enum ImageTreeDecoder {
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

    /// Items from a folder tree (recursive, hidden files skipped).
    static func items(inFolder root: URL, pattern: String?) throws -> [ImageItem] {
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                              options: [.skipsHiddenFiles]) else {
            throw DataError.io(file: root.path, reason: "cannot list folder")
        }
        var names: [String] = []
        let prefix = root.standardizedFileURL.path + "/"
        for case let url as URL in enumerator {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(prefix) else { continue }
            names.append(String(path.dropFirst(prefix.count)))
        }
        return try items(names: names, pattern: pattern, content: { .file(root.appendingPathComponent($0)) },
                         location: { root.appendingPathComponent($0).path })
    }

    /// Items from an archive's members (contents read now).
    static func items(inArchive archive: URL, pattern: String?) throws -> [ImageItem] {
        var contents: [String: Data] = [:]
        try ArchiveReader.forEachMember(in: archive, want: { isImage($0) }) { name, data in
            contents[ArchiveReader.normalise(name)] = data
        }
        return try items(names: Array(contents.keys), pattern: pattern, content: { .bytes(contents[$0] ?? Data()) },
                         location: { "\(archive.path):\($0)" })
    }

    static func isImage(_ name: String) -> Bool {
        let base = (name as NSString).lastPathComponent
        return !base.hasPrefix(".") && imageExtensions.contains((name as NSString).pathExtension.lowercased())
    }

    private static func items(names: [String], pattern: String?, content: (String) -> ImageItem.Content,
                              location: (String) -> String) throws -> [ImageItem] {
        let images = names.filter(isImage)
        if let pattern {
            return try ImageItem.matching(images, pattern: pattern, content: content, location: location)
        }
        return images.map { name -> ImageItem in
            let parts = name.split(separator: "/")
            let classKey = parts.count > 1 ? String(parts[0]) : nil
            return ImageItem(name: name, classKey: classKey, orderKey: name, content: content(name), location: location(name))
        }.sorted(by: ImageItem.precedes)
    }
}
