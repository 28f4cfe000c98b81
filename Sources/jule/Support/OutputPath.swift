import ArgumentParser
import Foundation

/// Output files are checked before any work starts: the folder they go into must exist (or be creatable) and be
/// writable, so a long command never fails at its last step.
enum OutputPath {
    static func checkWritable(_ path: String, option: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw ValidationError("\(option) \(path): cannot create \(folder.path) (\(CommandErrors.message(for: error)))")
        }
        guard access(folder.path, W_OK | X_OK) == 0 else {
            throw ValidationError("\(option) \(path): \(folder.path) is not writable (\(String(cString: strerror(errno)).lowercased()))")
        }
    }
}
