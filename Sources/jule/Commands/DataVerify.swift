import ArgumentParser
import Foundation
import JuleData

extension Jule.DataCommand {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every cache (layout, content sha256, registry stamp); non-zero status if one is unusable, or a named one is not cached.")
        @OptionGroup var data: DataOptions
        @Argument(help: "Dataset names (default: every cached dataset).") var names: [String] = []

        func run() throws {
            let store = try data.makeStore()
            let entries = names.isEmpty ? try store.allEntries() : try names.map { try store.entry(named: $0) }
            var bad = 0, checked = 0
            for entry in entries {
                let url = store.cacheURL(for: entry.name)
                guard FileManager.default.fileExists(atPath: url.path) else {
                    // A dataset asked for by name that is not cached cannot be verified: a failure, not a pass.
                    if !names.isEmpty {
                        bad += 1
                        print("\(entry.name): not cached (\(url.path)); fetch it with: jule data fetch \(entry.name)")
                    }
                    continue
                }
                checked += 1
                switch store.validateCache(entry) {
                case .success(let dataset):
                    print("\(entry.name): ok (\(dataset.count) images, \(DataDisplay.classes(dataset.classCount))) \(url.path)")
                case .failure(let error):
                    bad += 1
                    print("\(entry.name): \(error)")
                }
            }
            print("\(checked) cache(s) checked, \(bad) unusable or missing")
            if bad > 0 { throw ExitCode.failure }
        }
    }
}
