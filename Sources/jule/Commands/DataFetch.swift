import ArgumentParser
import Foundation
import JuleData

extension Jule.DataCommand {
    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch, verify, decode and cache datasets (from the mirror, else the canonical URLs).",
            discussion: "With --all, datasets that are not available offline are reported and skipped; any other failure ends with a non-zero status.")
        @OptionGroup var data: DataOptions
        @Argument(help: "Dataset names (see: jule data list).") var names: [String] = []
        @Flag(help: "Every dataset of the registry.") var all = false
        @Flag(help: "Rebuild caches even when valid.") var force = false

        func validate() throws {
            guard all != !names.isEmpty else { throw ValidationError("give dataset names or --all, not both or neither") }
        }

        func run() throws {
            // An interruption removes the download and cache file being written (`TerminationTrap.end`).
            TerminationTrap.install {}
            let store = try data.makeStore()
            let targets = all ? try store.allEntries().map(\.name) : names
            var failures = 0
            for name in targets {
                let start = Date()
                do {
                    let outcome = try store.fetch(name, force: force)
                    let seconds = String(format: "%.1f s", Date().timeIntervalSince(start))
                    let d = outcome.dataset
                    let summary = "\(d.count) images, \(DataDisplay.classes(d.classCount)), \(d.channels)x\(d.height)x\(d.width)"
                    switch outcome.action {
                    case .cached:
                        print("\(d.name): cached, verified (\(summary)) \(outcome.cacheURL.path) [\(seconds)]")
                    case let .built(source, origin, replaced):
                        let note = replaced.map { "; replaced old cache: \($0)" } ?? ""
                        print("\(d.name): built from \(source) (\(origin)): \(summary) → \(outcome.cacheURL.path) [\(seconds)\(note)]")
                    }
                } catch let error as DataError {
                    if case .notAvailableOffline = error, all {
                        print("\(error)")
                        continue
                    }
                    StandardError.write("error: \(error)\n")
                    failures += 1
                }
            }
            if failures > 0 { throw ExitCode.failure }
        }
    }
}
