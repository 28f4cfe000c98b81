import ArgumentParser
import Foundation
import JuleData

extension Jule.DataCommand {
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a dataset's registry entry, sources, claims and cache.")
        @OptionGroup var data: DataOptions
        @Argument(help: "Dataset name.") var name: String

        func run() throws {
            let store = try data.makeStore()
            let entry = try store.entry(named: name)
            print("\(entry.name): \(TableField.escaped(entry.description))")
            print("  images \(entry.count), \(entry.classes > 1 ? "classes \(entry.classes)" : "unlabelled"), CxHxW \(entry.shape.map(String.init).joined(separator: "x"))")
            print("  network \(entry.network), eta \(entry.eta), epochs/period \(entry.epochsPerPeriod)")
            print("  labels: \(entry.labelMapping)")
            if let homepage = entry.homepage { print("  homepage: \(homepage)") }
            for note in entry.protocolNotes { print("  protocol: \(note)") }
            for deviation in entry.deviations { print("  deviation: \(deviation)") }
            for claim in entry.claims {
                print("  claim: \(claim.metric) \(claim.variant) \(String(format: "%.3f", claim.value)) (\(claim.source))")
            }
            for set in entry.sources {
                let yields = [set.count.map { "\($0) images" }, set.classes.map { "\($0) classes" }].compactMap { $0 }
                print("  source \(set.id): decoder \(set.decoder)\(yields.isEmpty ? "" : " (yields " + yields.joined(separator: ", ") + ")")")
                if let note = set.note { print("    \(note)") }
                for file in set.files {
                    var digest = file.recordedDigest.map { $0.kind + " " + $0.value } ?? ""
                    if let manifest = file.manifest { digest += " (per-file sha256 in \(manifest))" }
                    print("    \(file.role): \(file.path) [\(digest)]")
                    for url in file.urls ?? [] { print("      \(url)") }
                }
            }
            print("  available from: \(DataDisplay.availability(store, entry))")
            let url = store.cacheURL(for: entry.name)
            guard FileManager.default.fileExists(atPath: url.path) else {
                print("  cache: none (\(url.path))")
                return
            }
            switch store.validateCache(entry) {
            case .success(let dataset):
                print("  cache: \(url.path), valid: \(dataset.count) images, \(DataDisplay.classes(dataset.classCount)), \(dataset.channels)x\(dataset.height)x\(dataset.width)")
                let counts = dataset.countsPerClass
                if counts.count <= 1 {
                    print("  images per class: unlabelled (all \(dataset.count) images have one label)")
                } else if let names = entry.classNames, names.count == counts.count {
                    print("  images per class: \(zip(names, counts).map { "\(TableField.escaped($0)): \($1)" }.joined(separator: ", "))")
                } else {
                    print("  images per class: \(counts.map(String.init).joined(separator: " "))")
                }
            case .failure(let error):
                print("  cache: \(error)")
            }
        }
    }
}
