import Foundation

/// Layouts that import without an error but not as the user meant: each gives one warning line naming what it saw.
extension ImageTreeDecoder.Listing {
    /// The class folders' depth below the root: 0, or the wrapper's components (`unwrapped()`).
    private static func depth(of wrapper: String?) -> Int { wrapper.map { $0.split(separator: "/").count } ?? 0 }

    /// "class folder empty/ holds no image (.jpg, .jpeg, .png): 3 classes, not 4"; nil when every class folder has one.
    /// An archive shows an empty folder only as a folder member. macOS's `__MACOSX` is not a class folder.
    func emptyClassFoldersWarning(wrapper: String?) -> String? {
        let depth = Self.depth(of: wrapper), prefix = wrapper ?? ""
        let classes = Set(items.compactMap(\.classKey))
        guard !classes.isEmpty else { return nil }
        let empty = folders.filter { folder in
            guard folder.hasPrefix(prefix) else { return false }
            let parts = folder.split(separator: "/")
            return parts.count == depth + 1 && parts.last != "__MACOSX" && !classes.contains(String(parts[depth]))
        }
        guard !empty.isEmpty else { return nil }
        let named = empty.prefix(3).map { $0 + "/" }.joined(separator: ", ") + (empty.count > 3 ? ", …" : "")
        let folder = empty.count == 1 ? "class folder \(named) holds" : "\(empty.count) class folders (\(named)) hold"
        return "\(folder) no image (.jpg, .jpeg, .png), even in sub-folders: \(classes.count) classes, not \(classes.count + empty.count)"
    }

    /// Class folders whose images all lie in their sub-folders (`splits/train/cat/…`): those sub-folders do not become
    /// classes, so a folder of splits imports with the splits as classes. Nil when some class holds images directly.
    func nestedClassesWarning(wrapper: String?, root: String) -> String? {
        let depth = Self.depth(of: wrapper)
        var direct = Set<String>(), inner: [String: Set<String>] = [:]
        for item in items {
            guard let key = item.classKey else { continue }
            let parts = item.name.split(separator: "/")
            if parts.count == depth + 2 { direct.insert(key) } else { inner[key, default: []].insert(String(parts[depth + 1])) }
        }
        let nested = inner.keys.filter { !direct.contains($0) }.sorted()
        guard !nested.isEmpty, direct.isEmpty else { return nil }
        let first = nested[0], sub = inner[first, default: []].sorted()
        let named = nested.prefix(3).joined(separator: ", ") + (nested.count > 3 ? ", …" : "")
        let subs = sub.prefix(3).map { "\(first)/\($0)" }.joined(separator: ", ") + (sub.count > 3 ? ", …" : "")
        let split = nested.first { $0.lowercased().hasPrefix("train") } ?? first
        let path = (root as NSString).appendingPathComponent((wrapper ?? "") + split)
        return "the classes are \(named), whose images all lie one folder deeper (\(subs)); sub-folders do not become "
            + "classes: if \(named) are splits (train, test, …), import one of them (--from \(path))"
    }

    /// "2 images are the same file as another one, reached through a link (b/sib/0.png is a/0.png, …): each is imported
    /// twice, under both classes; remove the link"; nil when every image is its own file.
    func sameFilesWarning(wrapper: String?) -> String? {
        guard let first = sameFiles.first else { return nil }
        let depth = Self.depth(of: wrapper)
        let classes = { (name: String) in name.split(separator: "/").dropFirst(depth).first.map(String.init) ?? "" }
        let across = sameFiles.contains { classes($0.name) != classes($0.first) }
        let count = sameFiles.count == 1 ? "1 image is" : "\(sameFiles.count) images are"
        return "\(count) the same file as another one, reached through a link (\(first.name) is \(first.first)"
            + (sameFiles.count > 1 ? ", …" : "") + "): imported twice" + (across ? ", under two classes" : "")
            + "; remove the link, or copy the files"
    }
}
