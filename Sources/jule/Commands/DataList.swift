import ArgumentParser
import Foundation
import JuleData

extension Jule.DataCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the datasets: size, cache state and where each can come from.")
        @OptionGroup var data: DataOptions

        func run() throws {
            let store = try data.makeStore()
            let rows = try store.allEntries().map { entry -> [String] in
                let megabytes = Double(entry.count * entry.shape.reduce(1, *)) / 1_048_576
                return [entry.name, "\(entry.count)", entry.classes > 1 ? "\(entry.classes)" : "unlabelled", entry.shape.map(String.init).joined(separator: "x"),
                        String(format: "%.1f MB", megabytes), DataDisplay.cacheState(store, entry),
                        DataDisplay.availability(store, entry)]
            }
            DataDisplay.printTable(header: ["dataset", "N", "classes", "CxHxW", "size", "cached", "source"], rows: rows)
        }
    }
}
