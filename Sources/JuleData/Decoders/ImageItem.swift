import Foundation

/// One image file of a folder, archive or tree, with the class key taken from its name or folder.
struct ImageItem {
    enum Content {
        case file(URL)
        case bytes(Data)
        /// Named like an image but not readable as a file (a dangling link, a fifo): it fails like a corrupt image,
        /// with this reason, and is never opened.
        case unreadable(String)
    }
    /// Name as verified and reported (path relative to the folder, or archive member name).
    let name: String
    /// Class key (e.g. the object number of a COIL file, or the class folder); nil for unlabeled images.
    let classKey: String?
    /// Sort key within the class (e.g. the pose number), compared numerically when it is a number.
    let orderKey: String
    let content: Content
    /// Where errors point (the file path, or "archive:member").
    let location: String

    /// The file's bytes; an unreadable item, or a file that cannot be read, throws naming it.
    func contents() throws -> Data {
        switch content {
        case .bytes(let data): return data
        case .file(let url):
            do { return try Data(contentsOf: url) } catch {
                throw DataError.io(file: url.path, reason: "cannot read (\(FileErrorText.cause(error)))")
            }
        case .unreadable(let reason): throw DataError.malformedFile(file: location, reason: reason)
        }
    }
}

extension ImageItem {
    /// Builds items from names (paths relative to the root) matched whole against `pattern`: group 1 is the class
    /// key, group 2 (if any) the order key.
    static func matching(_ names: [String], pattern: String, content: (String) -> Content,
                         location: (String) -> String) throws -> [ImageItem] {
        let regex: NSRegularExpression
        do { regex = try NSRegularExpression(pattern: "^(?:" + pattern + ")$") } catch {
            throw DataError.invalidRequest("file pattern '\(pattern)' is not a regular expression")
        }
        var items: [ImageItem] = []
        for name in names {
            let base = name
            let range = NSRange(base.startIndex..., in: base)
            guard let match = regex.firstMatch(in: base, range: range) else { continue }
            func group(_ i: Int) -> String? {
                guard i < match.numberOfRanges, let r = Range(match.range(at: i), in: base) else { return nil }
                return String(base[r])
            }
            items.append(ImageItem(name: name, classKey: group(1), orderKey: group(2) ?? base,
                                   content: content(name), location: location(name)))
        }
        return items.sorted(by: ImageItem.precedes)
    }

    /// Orders by class key, then order key; keys that are numbers compare numerically (obj2 before obj10).
    static func precedes(_ a: ImageItem, _ b: ImageItem) -> Bool {
        let byClass = compareKeys(a.classKey ?? "", b.classKey ?? "")
        if byClass != .orderedSame { return byClass == .orderedAscending }
        let byOrder = compareKeys(a.orderKey, b.orderKey)
        if byOrder != .orderedSame { return byOrder == .orderedAscending }
        return a.name < b.name
    }

    static func compareKeys(_ a: String, _ b: String) -> ComparisonResult {
        if let x = Int(a), let y = Int(b) { return x < y ? .orderedAscending : (x > y ? .orderedDescending : .orderedSame) }
        return a < b ? .orderedAscending : (a > b ? .orderedDescending : .orderedSame)
    }
}
