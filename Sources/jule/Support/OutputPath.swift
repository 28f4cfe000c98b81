import ArgumentParser
import Foundation
import JuleHarness

/// Output files (`--out FILE`, `--confusion FILE`) are checked before any work starts, so a long command never fails
/// at its last step. The file's folder must already exist: a typo in it (`/nonexistent/x.png`) is an error naming the
/// missing folder, not a tree of new folders. Options that name a folder to write into (`jule train --out DIR`,
/// `jule report --out DIR`, `jule sweep plan --out DIR`) create it instead, as their help says. A file of a run
/// folder (its record, model, labels, …) is refused: written over, the run would still look finished and be wrong.
/// A new file in a run folder is allowed. Nothing in the dataset cache is: its import registry or a dataset's only
/// copy written over would break every command or lose an import.
enum OutputPath {
    /// `format` ("png", "svg", "h5"): the file type the option writes; a name with another extension (`--out x.jpg`)
    /// is refused rather than given PNG bytes under a JPEG name. A name without an extension passes.
    /// `cache`: the dataset cache folder the command uses (`--cache`, `$JULE_CACHE` or the default).
    static func checkWritable(_ path: String, option: String, format: String? = nil, cache: URL) throws {
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
        // Where the file lands, links and `..` resolved (an existing link's target included).
        if let cacheFolder = ResolvedPath.real(cache.path), ResolvedPath.isInside(ResolvedPath.of(url), cacheFolder) {
            throw ValidationError("\(option) \(path): in the dataset cache \(cache.path), whose files (imported.json, "
                + "<dataset>.h5, downloads) jule keeps; choose another path")
        }
        // HDF5 goes by either name.
        let accepted = format == "h5" ? ["h5", "hdf5"] : format.map { [$0] } ?? []
        if let format, !url.pathExtension.isEmpty, !accepted.contains(url.pathExtension.lowercased()) {
            let kind = format == "h5" ? "HDF5" : format.uppercased()
            throw ValidationError("\(option) \(path): writes \(kind); give a name ending in .\(format)")
        }
    }
}
