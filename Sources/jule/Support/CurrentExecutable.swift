import Foundation

/// The path of the running `jule` binary, so workers and Slurm tasks run the same build.
enum CurrentExecutable {
    static func url() throws -> URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    }
}
