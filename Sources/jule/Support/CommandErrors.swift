import ArgumentParser
import Foundation
import JuleData

/// Every command ends a failure the same way: one line on stderr, `error: ` and then the file or value and the
/// fault, and a non-zero exit status — never a stack trace or a Foundation error dump.
enum CommandErrors {
    static func exitOnFailure(_ body: () throws -> Void) throws {
        do { try body() } catch let error as ExitCode { throw error } catch let error as ValidationError {
            throw error
        } catch {
            report(error)
            throw ExitCode.failure
        }
    }

    /// Writes `error: MESSAGE` on stderr.
    static func report(_ error: Error) {
        FileHandle.standardError.write(Data("error: \(message(for: error))\n".utf8))
    }

    /// A Foundation error as "path: cause"; any other error as its description.
    static func message(for error: Error) -> String {
        FileErrorText.isFoundationError(error) ? FileErrorText.describe(error) : "\(error)"
    }
}
