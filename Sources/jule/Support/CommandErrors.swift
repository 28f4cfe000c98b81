import ArgumentParser
import Foundation

/// Every command ends a failure the same way: one line on stderr naming the file or value and the fault,
/// and exit status 1 — never a stack trace.
enum CommandErrors {
    static func exitOnFailure(_ body: () throws -> Void) throws {
        do { try body() } catch let error as ExitCode { throw error } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
