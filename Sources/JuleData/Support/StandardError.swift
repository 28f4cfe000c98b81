import Foundation

/// The one way the tool writes to stderr. Through stdio, whose errors are ignored: Foundation's
/// `FileHandle.write(_:)` traps on a failed write (a crash dump and SIGILL), which a closed stderr (`2>&-`, EBADF)
/// or a reader gone while SIGPIPE is trapped (EPIPE) would turn every warning or error line into.
public enum StandardError {
    /// Writes `text` as it is (no line break added).
    public static func write(_ text: String) {
        _ = fputs(text, stderr)
    }

    /// Writes `line` and a line break.
    public static func line(_ line: String) {
        write(line + "\n")
    }
}
