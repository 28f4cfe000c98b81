import ArgumentParser
import Foundation

/// `--run DIR` of the commands that read a finished run (`jule show`, `jule embed`): a folder that is not there is a
/// usage error naming what was typed (exit 64), before any record or checkpoint reader complains about a file in it.
enum RunFolderArgument {
    static func checkExists(_ path: String, option: String = "--run") throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError("\(option) \(path): no such folder (give the --out DIR of a finished jule train)")
        }
    }

    /// The same, and the folder holds a run's record.json (else: a usage error saying so, as for no folder).
    static func checkIsRun(_ path: String, option: String = "--run") throws {
        try checkExists(path, option: option)
        guard FileManager.default.fileExists(atPath: URL(fileURLWithPath: path).appendingPathComponent("record.json").path) else {
            throw ValidationError("\(option) \(path): no record.json there (not a finished jule train --out DIR)")
        }
    }
}
