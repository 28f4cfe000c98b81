import Foundation

/// A folder that a command is about to create (`jule train --out runs/x`, with `runs` itself possibly new): when the
/// command ends without writing anything into it (refused once the images are counted), it is removed again, so a
/// refusal leaves no empty folders behind.
struct CreatedFolder {
    /// The folder and its ancestors that did not exist, innermost first.
    private let created: [URL]

    /// Nil when `url` already exists: a folder the user made is never removed.
    init?(_ url: URL) {
        var missing: [URL] = []
        var folder = url.standardizedFileURL
        while !FileManager.default.fileExists(atPath: folder.path) && folder.path != "/" {
            missing.append(folder)
            folder = folder.deletingLastPathComponent()
        }
        guard !missing.isEmpty else { return nil }
        created = missing
    }

    /// The folders this command creates, innermost first.
    var folders: [URL] { created }

    /// Removes each created folder that is empty, innermost first; stops at the first that holds something.
    func removeIfEmpty() {
        for folder in created {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path), names.isEmpty else { return }
            try? FileManager.default.removeItem(at: folder)
        }
    }
}
