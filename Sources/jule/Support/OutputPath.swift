import ArgumentParser
import Foundation
import JuleHarness

/// Output files (`--out FILE`, `--confusion FILE`) are checked before any work starts, so a long command never fails
/// at its last step. The file's folder must already exist: a typo in it (`/nonexistent/x.png`) is an error naming the
/// missing folder, not a tree of new folders. Options that name a folder to write into (`jule train --out DIR`,
/// `jule report --out DIR`, `jule sweep plan --out DIR`) create it instead, as their help says. A file of a run
/// folder (its record, model, labels, …) is refused: written over, the run would still look finished and be wrong.
/// A new file in a run folder is allowed.
enum OutputPath {
    /// `format` ("png", "svg"): the file type the option writes; a name with another extension (`--out x.jpg`) is
    /// refused rather than given PNG bytes under a JPEG name. A name without an extension passes.
    static func checkWritable(_ path: String, option: String, format: String? = nil) throws {
        let url = URL(fileURLWithPath: path)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw ValidationError("\(option) \(path): is a folder; give a file name in it")
        }
        let folder = url.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError("\(option) \(path): no folder \(folder.path) (create it first)")
        }
        guard access(folder.path, W_OK | X_OK) == 0 else {
            throw ValidationError("\(option) \(path): \(folder.path) is not writable (\(String(cString: strerror(errno)).lowercased()))")
        }
        if let (run, role) = RunDirectory.runOwning(file: url) {
            // The folder as typed when that is the run's, else where the links led.
            let typed = (path as NSString).deletingLastPathComponent
            let shown = URL(fileURLWithPath: typed.isEmpty ? "." : typed).standardizedFileURL.path == run.standardizedFileURL.path
                ? (typed.isEmpty ? "." : typed) : run.path
            throw ValidationError("\(option) \(path): a file of the run in \(shown) (\(role)); choose another path")
        }
        if let format, !url.pathExtension.isEmpty, url.pathExtension.lowercased() != format {
            throw ValidationError("\(option) \(path): writes \(format.uppercased()); give a name ending in .\(format)")
        }
    }
}
