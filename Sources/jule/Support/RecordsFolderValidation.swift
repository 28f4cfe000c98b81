import ArgumentParser
import Foundation

/// `--records` must name a folder that exists and `--out` one that is not a file: usage errors (exit 64), told before
/// any record is read, rather than "no run records found" or a write error on `FILE/README.md`.
enum RecordsFolderValidation {
    static func validate(records: String, out: String?) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: records, isDirectory: &isFolder) else {
            throw ValidationError("--records \(records): no such folder")
        }
        guard isFolder.boolValue else { throw ValidationError("--records \(records): not a folder") }
        if let out, FileManager.default.fileExists(atPath: out, isDirectory: &isFolder), !isFolder.boolValue {
            throw ValidationError("--out \(out): not a folder (a file of that name exists)")
        }
    }
}
