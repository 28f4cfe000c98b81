import Foundation

/// Where the running executable's file is, symbolic links resolved.
///
/// `CommandLine.arguments[0]` is not it: a shell that finds `jule` on `PATH` passes the bare name, which resolves
/// against the current folder, and a link to the binary names the link. Linux's `/proc/self/exe` names the file the
/// kernel started; elsewhere Foundation's `Bundle.main.executableURL`, and `arguments[0]` only as a last resort.
public enum ExecutablePath {
    public static var current: URL {
        #if os(Linux)
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: target).standardizedFileURL
        }
        #endif
        if let url = Bundle.main.executableURL { return url.resolvingSymlinksInPath().standardizedFileURL }
        return URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().standardizedFileURL
    }
}
