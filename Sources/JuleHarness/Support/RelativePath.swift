import Foundation

extension URL {
    /// This location as the report writes it: relative to `base` when inside it, else the absolute standardised path
    /// (so a table's folder column reads the same whether the records sit under the results folder or elsewhere).
    func path(relativeTo base: URL) -> String {
        let root = base.standardizedFileURL.path
        let path = standardizedFileURL.path
        return path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }
}
