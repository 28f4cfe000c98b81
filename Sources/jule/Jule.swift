import ArgumentParser
import Foundation
import JuleBuildInfo
import JuleCompute
import JuleData
import JuleHarness

@main
struct Jule: ParsableCommand {
    /// Parses and runs the command with the project's conventions: stdout line-buffered (so logs and pipes get each
    /// line as it is printed, e.g. `jule sweep run > log`), and every error as one line starting `error: `
    /// (ArgumentParser's usage errors included), with a non-zero exit status.
    static func main() {
        setvbuf(stdout, nil, _IOLBF, 0)
        // Start with no signal blocked whoever started us: Foundation's `Process` passes on the blocked mask of the
        // thread that spawns (a Dispatch worker blocks nearly all), and Ctrl-C or SIGTERM would never end us.
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
        Niceness.applyInherited()   // a sweep cell keeps the niceness its sweep was started with
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success, let unknown = unknownHelpTopic() {   // `jule help trian`: not the top-level help
                StandardError.write("error: \(unknown)\n")
                Foundation.exit(ExitCode.validationFailure.rawValue)
            }
            if code == .success || error is ExitCode {
                exit(withError: error)      // --help, --version, or a command that already reported
            }
            if let unknown = unknownCommand() {   // `jule trian`: ArgumentParser would say "2 unexpected arguments"
                StandardError.write("error: \(unknown)\n")
                Foundation.exit(code.rawValue)
            }
            var text = FileErrorText.isFoundationError(error) || error is DataError ? CommandErrors.message(for: error)
                                                                                     : message(for: error)
            if text.hasPrefix("Error: ") { text = String(text.dropFirst("Error: ".count)) }
            text = NegativeNumberHint.adding(to: text, arguments: Array(CommandLine.arguments.dropFirst()))
            StandardError.write("error: \(text)\n")
            Foundation.exit(code.rawValue)
        }
    }

    /// When the first argument is neither an option nor a command: which, and the closest command.
    static func unknownCommand() -> String? {
        guard let first = CommandLine.arguments.dropFirst().first, !first.hasPrefix("-") else { return nil }
        let names = configuration.subcommands.map { $0._commandName }
        guard !names.contains(first) else { return nil }
        return unknownText(first, among: names)
    }

    /// `jule help A B …` naming a command that does not exist: the same error as `jule A B …` would give.
    /// ArgumentParser answers any `help` topic it cannot find with the top-level help and exit status 0.
    static func unknownHelpTopic() -> String? {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard arguments.first == "help" else { return nil }
        var command: ParsableCommand.Type = Jule.self
        var path: [String] = []
        for name in arguments.dropFirst() where !name.hasPrefix("-") {
            let subcommands = command.configuration.subcommands
            if subcommands.isEmpty { return nil }   // a leaf's help takes no topic; leave it to ArgumentParser
            path.append(name)
            guard let next = subcommands.first(where: { $0._commandName == name }) else {
                return unknownText(path.joined(separator: " "), among: subcommands.map { $0._commandName }, typed: name)
            }
            command = next
        }
        return nil
    }

    /// "unknown command 'trian' (did you mean train?); commands: …"; `typed` is the word compared (the last of a path).
    static func unknownText(_ shown: String, among names: [String], typed: String? = nil) -> String {
        let hint = NearestName.suggestion(for: typed ?? shown, among: names).map { " (did you mean \($0)?)" } ?? ""
        return "unknown command '\(shown)'\(hint); commands: \(names.joined(separator: ", "))"
    }

    static let configuration = CommandConfiguration(
        abstract: "Reproduce JULE (Yang, Parikh, Batra, CVPR 2016): joint unsupervised learning of deep representations and image clusters.",
        subcommands: [
            DataCommand.self,
            Train.self,
            Check.self,
            Embed.self,
            Sweep.self,
            Report.self,
            Diff.self,
            Version.self,
            Cluster.self,
            Eval.self,
            Show.self,
        ])
}

extension Jule {
    struct Version: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the tool's version, the processor and the GEMM kernel runs will use (as run records note them).")
        func run() {
            print("jule-swift \(BuildInfo.version) (commit \(BuildInfo.commit))")
            let machine = MachineInfo.current()
            print("processor: \(machine.cpu ?? "unknown"), \(machine.cores) cores")
            print("GEMM kernel: \(machine.kernelSummary) (\(machine.blas))")
            if let problem = CPUBackend.blisProblem { print("BLIS unused: \(problem)") }
            let portable = PortableKernel.selected
            print("portable mode (--portable): own GEMM, \(portable.kernel.rawValue) kernel (widest here: "
                  + "\(PortableKernel.widest.rawValue)); the same bits on any x86-64 with AVX2 and FMA")
            if let note = portable.note { print("  \(note)") }
            if let threads = ProcessInfo.processInfo.environment["JULE_THREADS"], !threads.isEmpty, ComputeThreads.configured == nil {
                print("  JULE_THREADS=\(threads) is not a whole number ≥ 1; ignored")
            }
        }
    }
}
