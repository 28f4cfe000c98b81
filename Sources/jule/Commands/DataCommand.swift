import ArgumentParser

extension Jule {
    /// `jule data …`: the dataset registry, fetching, verification and the HDF5 cache.
    struct DataCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "data",
            abstract: "List, fetch, inspect, verify and import datasets.",
            subcommands: [List.self, Fetch.self, Info.self, Verify.self, Import.self, Remove.self])
    }
}
