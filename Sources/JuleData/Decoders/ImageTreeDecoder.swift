import Foundation

/// Image files (JPEG or PNG) in a folder or archive, labelled by class folder: the class of a file is the first
/// capture group of `filePattern` (matched against its path relative to the root), or without a pattern its
/// top-level folder; files directly in the root are unlabeled (label 0). Images are resized to the protocol size.
enum ImageTreeDecoder {
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

    /// The image items of a tree, and the files left aside.
    struct Listing {
        /// Files named like images, sorted; those that are not readable files (a dangling link, a fifo, a link
        /// member of an archive) are `.unreadable` items, so that they fail or are skipped like a corrupt image.
        var items: [ImageItem]
        /// Regular files that are not images, counted by lowercased extension ("" for none); hidden ones not counted.
        var ignored: [String: Int] = [:]
        /// Links to folders that were not followed because they lead back to a folder above them (full paths).
        var cycles: [String] = []
        /// An archive's image members that repeat an earlier member's name: name → copies passed over. A tar may
        /// legitimately hold a later copy of a file (`tar -r`, `tar -u`); as extracting it would, the last one is kept.
        var repeated: [String: Int] = [:]
        /// The folders (paths relative to the root; an archive's folder members), for naming class folders without an image.
        var folders: [String] = []
        /// Image names that reach the same real file as an earlier one through a link (name → the earlier name).
        var sameFiles: [(name: String, first: String)] = []

        /// "18 archive members repeat an earlier member's name (c0/same.png ×10, …)", most repeated first; nil when none.
        var repeatedSummary: String? {
            let total = repeated.values.reduce(0, +)
            guard total > 0 else { return nil }
            let names = repeated.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            let listed = names.prefix(3).map { "\($0.key) ×\($0.value + 1)" }.joined(separator: ", ") + (names.count > 3 ? ", …" : "")
            let members = total == 1 ? "1 archive member repeats" : "\(total) archive members repeat"
            return "\(members) an earlier member's name (\(listed)): kept the last copy of each, as extracting the archive would"
        }

        /// Images directly in the root of a tree that has class folders: they have no class, and would silently
        /// count as the first one. Nil when there are none, or when no image has a class (an unlabelled tree).
        var looseImagesProblem: DataError? {
            let loose = items.filter { $0.classKey == nil }
            guard let first = loose.first, loose.count < items.count else { return nil }
            let classes = Set(items.compactMap(\.classKey)).sorted()
            let named = classes.prefix(3).joined(separator: ", ") + (classes.count > 3 ? ", …" : "")
            let others = loose.dropFirst()
            let more = others.isEmpty ? "" : "; and \(others.count) more beside them ("
                + others.prefix(3).map(\.name).joined(separator: ", ") + (others.count > 3 ? ", …" : "") + ")"
            return .malformedFile(file: first.location, reason: "an image beside the class folders (\(named)) has no class: move it into a class folder, or import with --unlabelled\(more)")
        }

        /// "3 files of unsupported types (.bmp 2, .webp 1)", most frequent first; nil when nothing was ignored.
        var ignoredSummary: String? {
            let total = ignored.values.reduce(0, +)
            guard total > 0 else { return nil }
            let counts = ignored.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "\($0.key.isEmpty ? "no extension" : "." + $0.key) \($0.value)" }
            return "\(total) file\(total == 1 ? "" : "s") of unsupported types (\(counts.joined(separator: ", ")))"
        }
    }

    /// Items from a folder tree (recursive, hidden files skipped).
    static func items(inFolder root: URL, pattern: String?) throws -> [ImageItem] {
        try listing(inFolder: root, pattern: pattern).items
    }

    /// Items from an archive's members (contents read now).
    static func items(inArchive archive: URL, pattern: String?) throws -> [ImageItem] {
        try listing(inArchive: archive, pattern: pattern).items
    }

    /// A folder tree (recursive, hidden files and folders skipped; symbolic links to folders followed, except those
    /// that lead back to a folder above them, listed in `cycles`: `FolderWalk`). Each entry's type is checked before
    /// anything opens it (`FileKind`).
    static func listing(inFolder root: URL, pattern: String?) throws -> Listing {
        let walk = try FolderWalk(root: root)
        var names: [String] = []
        var unreadable: [String: String] = [:], ignored: [String: Int] = [:]
        for file in walk.files {
            switch file.kind {
            case .directory: continue
            case .regular where isImage(file.name): names.append(file.name)
            case .regular: ignored[Self.extension(of: file.name), default: 0] += 1
            case .unreadable(let reason) where isImage(file.name):
                names.append(file.name)
                unreadable[file.name] = reason
            case .unreadable: continue
            }
        }
        let items = try items(names: names, pattern: pattern,
                              content: { unreadable[$0].map(ImageItem.Content.unreadable) ?? .file(root.appendingPathComponent($0)) },
                              location: { root.appendingPathComponent($0).path })
        // A link to a sibling folder reaches the same files again (under another class): found by real path.
        var seen: [String: String] = [:], sameFiles: [(name: String, first: String)] = []
        for item in items {
            guard let real = realpath(root.appendingPathComponent(item.name).path, nil) else { continue }
            defer { free(real) }
            let path = String(cString: real)
            if let first = seen[path] { sameFiles.append((item.name, first)) } else { seen[path] = item.name }
        }
        return Listing(items: items, ignored: ignored, cycles: walk.cycles.map { root.appendingPathComponent($0).path },
                       folders: walk.folders, sameFiles: sameFiles)
    }

    /// An archive's members (contents read now). Members named like images that are not regular files (links,
    /// devices) become unreadable items; directories and hidden members are passed over.
    static func listing(inArchive archive: URL, pattern: String?) throws -> Listing {
        var contents: [String: Data] = [:]
        var unreadable: [String: String] = [:], ignored: [String: Int] = [:], repeated: [String: Int] = [:]
        var folders: [String] = []
        try ArchiveReader.forEachMember(in: archive, want: { isImage($0) }, skipped: { member, kind in
            let name = ArchiveReader.normalise(member)
            switch kind {
            case .directory:
                let folder = name.hasSuffix("/") ? String(name.dropLast()) : name
                if !folder.isEmpty, !isHidden(folder) { folders.append(folder) }
            case .regular where !isHidden(name): ignored[Self.extension(of: name), default: 0] += 1
            case .regular: break
            case .other(let what) where isImage(name): unreadable[name] = "\(what) in the archive, not a regular file"
            case .other: break
            }
        }) { name, data in
            let normalised = ArchiveReader.normalise(name)
            if contents.updateValue(data, forKey: normalised) != nil { repeated[normalised, default: 0] += 1 }
        }
        let items = try items(names: Array(contents.keys) + unreadable.keys.filter { contents[$0] == nil }, pattern: pattern,
                              content: { unreadable[$0].map(ImageItem.Content.unreadable) ?? .bytes(contents[$0] ?? Data()) },
                              location: { "\(archive.path):\($0)" })
        return Listing(items: items, ignored: ignored, repeated: repeated, folders: folders)
    }

    static func isImage(_ name: String) -> Bool {
        let base = (name as NSString).lastPathComponent
        return !base.hasPrefix(".") && imageExtensions.contains((name as NSString).pathExtension.lowercased())
    }

    /// A name with a component starting with "." (macOS's `._x.png`, `.git/…`), as a folder listing skips them.
    static func isHidden(_ name: String) -> Bool {
        name.split(separator: "/").contains { $0.hasPrefix(".") }
    }

    private static func `extension`(of name: String) -> String { (name as NSString).pathExtension.lowercased() }

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
