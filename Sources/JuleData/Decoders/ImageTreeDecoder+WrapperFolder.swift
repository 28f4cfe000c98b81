import Foundation

extension ImageTreeDecoder.Listing {
    /// The listing with its wrapper folder taken off, and that folder ("shapes/", "home/me/shapes/"), or nil.
    ///
    /// `tar czf shapes.tgz shapes`, Finder's and Windows' "compress" and a folder holding only the folder that was
    /// unpacked all put every image under one top-level folder: taken as it is, that folder would be the only class.
    /// When every image lies under the same top-level folder and some lie in its sub-folders, those sub-folders are
    /// the classes (repeated while it holds: `home/me/shapes/circle/…`). Junk beside the wrapper (`__MACOSX/`, hidden
    /// files, files of other types) holds no image items, so it does not count. A lone folder of images without
    /// sub-folders stays as it is: one class, so an unlabelled set. Images beside the class folders inside the
    /// wrapper have no class, as they would at the top (`looseImagesProblem`). Names stay paths under the root.
    func unwrapped() -> (listing: Self, wrapper: String?) {
        let paths = items.map { $0.name.split(separator: "/") }
        var depth = 0
        while let first = paths.first, first.count > depth + 1,
              paths.allSatisfy({ $0.count > depth + 1 && $0[depth] == first[depth] }),
              paths.contains(where: { $0.count > depth + 2 }) {
            depth += 1
        }
        guard depth > 0, let first = paths.first else { return (self, nil) }
        var copy = self
        copy.items = zip(items, paths).map { item, parts in
            ImageItem(name: item.name, classKey: parts.count > depth + 1 ? String(parts[depth]) : nil,
                      orderKey: item.orderKey, content: item.content, location: item.location)
        }.sorted(by: ImageItem.precedes)
        return (copy, first.prefix(depth).joined(separator: "/") + "/")
    }
}
