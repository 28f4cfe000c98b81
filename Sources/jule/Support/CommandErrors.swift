import ArgumentParser
import Foundation
import JuleData
import JuleHarness

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

    /// `body`'s refusal of a setting, a profile or an option's value as a usage error (exit 64): what it checks is the
    /// command line itself, before any data is read (README, "Checked before it starts"). The message stays the same.
    static func asUsageError<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as HarnessError {
            switch error {
            case .invalidConfiguration, .invalidOverride: throw ValidationError("\(error)")
            default: throw error
            }
        } catch let refused as SettingOverrides.Refused { throw ValidationError("\(refused)") }
    }

    /// Writes `error: MESSAGE` on stderr.
    static func report(_ error: Error) {
        StandardError.write("error: \(message(for: error))\n")
    }

    /// A Foundation error as "path: cause"; any other error as its description, an unknown dataset name with the
    /// closest known one ("did you mean COIL-20?").
    static func message(for error: Error) -> String {
        if FileErrorText.isFoundationError(error) { return FileErrorText.describe(error) }
        if case let DataError.unknownDataset(name, known, _) = error, let near = NearestName.suggestion(for: name, among: known) {
            return "\(error)".replacingOccurrences(of: "unknown dataset '\(name)';", with: "unknown dataset '\(name)' (did you mean \(near)?);")
        }
        return "\(error)"
    }
}

/// An error whose one line is composed here (another error's message with what it means for this command).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}
