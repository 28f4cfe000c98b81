import ArgumentParser
import Foundation
import JuleData

// Temporary: replaced by the data layer's DataOptions on merge.
struct DataOptions: ParsableArguments {
    @Option(help: "Cache directory.") var cache: String?
    @Option(help: "Mirror directory.") var mirror: String?
    @Option(help: "Registry file.") var registry: String?
    @Flag(help: "Quiet.") var quiet = false
}
