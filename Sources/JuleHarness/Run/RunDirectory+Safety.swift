import Foundation
import JuleData

/// Checks and moves that keep a run directory from losing a finished run or failing late.
extension RunDirectory {
    /// Creates the directory if needed and checks that it can be written, before any data is loaded.
    public func checkWritable() throws {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw HarnessError.unwritableDirectory(url, reason: FileErrorText.cause(error))
        }
        guard access(url.path, W_OK | X_OK) == 0 else {
            throw HarnessError.unwritableDirectory(url, reason: String(cString: strerror(errno)).lowercased())
        }
    }

    /// Renames this directory to a sibling `<name>.replaced-<runID>` (or with a numeric suffix when taken) and
    /// leaves an empty directory in its place; returns where the old run went.
    func moveAside(runID: String) throws -> URL {
        let fileManager = FileManager.default
        let parent = url.deletingLastPathComponent()
        var target = parent.appendingPathComponent("\(url.lastPathComponent).replaced-\(runID)")
        var n = 2
        while fileManager.fileExists(atPath: target.path) {
            target = parent.appendingPathComponent("\(url.lastPathComponent).replaced-\(runID)-\(n)")
            n += 1
        }
        do {
            try fileManager.moveItem(at: url, to: target)
            try fileManager.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw HarnessError.unwritableDirectory(url, reason: "cannot move the old run aside to \(target.path) (\(FileErrorText.cause(error)))")
        }
        return target
    }
}
