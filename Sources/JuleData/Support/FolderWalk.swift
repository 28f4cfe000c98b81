import Foundation

/// The files of a folder tree, each with its kind (`FileKind`, by `stat`), found by following symbolic links: the
/// root or a class folder may be a link to a folder elsewhere (`circle -> ../shapes/circle`), and a link to a file
/// counts as the file. Hidden entries (names starting with ".") are passed over, folders and all.
///
/// Following links could walk forever: `loop -> ..`, or two links to each other. A folder is identified by device
/// and inode, so a link is not followed when its folder is the root, one of the root's own ancestors, or a folder
/// above it on the path walked; it is listed in `cycles` instead. Every folder reached is then new on its path, so
/// the walk ends (its depth is at most the number of distinct folders).
struct FolderWalk {
    /// A file (anything but a folder) under the root, by path relative to it ("circle/a.png"), sorted by name
    /// within each folder.
    struct File {
        let name: String
        let kind: FileKind
    }

    private struct Identity: Hashable {
        let device: UInt64
        let inode: UInt64

        /// Nil when `path` cannot be stat'ed (it vanished since it was listed).
        init?(_ path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    private(set) var files: [File] = []
    /// Folders not followed because they lead back to a folder above them (paths relative to the root).
    private(set) var cycles: [String] = []
    /// Every folder walked, by path relative to the root, so that an empty one can be named.
    private(set) var folders: [String] = []

    /// Walks `root` (which may itself be a link); a folder that cannot be listed throws naming it.
    init(root: URL) throws {
        let path = root.standardizedFileURL.path
        // The root and its real ancestors: a link to any of them (`up -> ../..`) would come back to the root.
        var ancestors = Set<Identity>()
        var real = root.resolvingSymlinksInPath().standardizedFileURL
        while true {
            if let identity = Identity(real.path) { ancestors.insert(identity) }
            guard real.path != "/", !real.path.isEmpty else { break }
            real.deleteLastPathComponent()
        }
        if let identity = Identity(path) { ancestors.insert(identity) }
        try walk(folder: path, relative: "", above: ancestors)
    }

    private mutating func walk(folder: String, relative: String, above: Set<Identity>) throws {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw DataError.io(file: folder, reason: "cannot list folder (\(FileErrorText.cause(error)))")
        }
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = (folder as NSString).appendingPathComponent(name)
            let inner = relative.isEmpty ? name : relative + "/" + name
            let kind = FileKind.of(path)
            guard kind == .directory else {
                files.append(File(name: inner, kind: kind))
                continue
            }
            guard let identity = Identity(path) else { continue }
            if above.contains(identity) {
                cycles.append(inner)
                continue
            }
            folders.append(inner)
            try walk(folder: path, relative: inner, above: above.union([identity]))
        }
    }
}
