import ArgumentParser
import Foundation
import JuleData

extension Jule.DataCommand {
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove datasets from the cache: an imported one entirely (entry and data), a registry one's cache file (fetch builds it again).",
            discussion: "Run directories and sweeps that used the dataset are left alone; a run of a removed import cannot be re-run or shown until it is imported again.")
        @OptionGroup var data: DataOptions
        @Argument(help: "Dataset names.") var names: [String]

        func validate() throws {
            if names.isEmpty { throw ValidationError("name at least one dataset (jule data list shows them)") }
        }

        func run() throws {
            try CommandErrors.exitOnFailure {
                let store = try data.makeStore()
                // Every name is looked up before anything is removed: a typo in the third name removes nothing.
                // A name both imported and in the registry is known too: removing the import is how that conflict ends.
                for name in names where store.importConflict(name) == nil { _ = try store.entry(named: name) }
                for name in names {
                    let removal = try store.remove(name)
                    let file = removal.cacheFile.map { "deleted \($0.path)" } ?? "no cache file"
                    print("\(removal.name): " + (removal.droppedImport ? "import removed; \(file)" : "\(file) (jule data fetch \(removal.name) builds it again)"))
                }
            }
        }
    }
}
