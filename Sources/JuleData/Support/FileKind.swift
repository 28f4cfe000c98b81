import Foundation

/// What a path is, found with `stat` (symbolic links followed) and never by opening it: opening a fifo for reading
/// blocks until a writer comes, so a fifo named `x.png` would hang an import.
enum FileKind: Equatable {
    case regular
    case directory
    /// Anything that cannot be read as a file's bytes, with the reason in a few words.
    case unreadable(String)

    static func of(_ path: String) -> FileKind {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let cause = String(cString: strerror(errno)).lowercased()
            if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                return .unreadable("symbolic link to \(target), which cannot be followed (\(cause))")
            }
            return .unreadable("cannot read (\(cause))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFIFO: return .unreadable("a fifo (named pipe), not a regular file")
        case S_IFSOCK: return .unreadable("a socket, not a regular file")
        case S_IFCHR, S_IFBLK: return .unreadable("a device, not a regular file")
        default: return .unreadable("not a regular file")
        }
    }
}
