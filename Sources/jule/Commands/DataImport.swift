import ArgumentParser
import Foundation
import JuleData
import JuleHarness

extension Jule.DataCommand {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import your own images as a dataset that every command takes (train, cluster, sweep, report).",
            discussion: """
            Formats: an image folder (one sub-folder per class, or none: unlabelled) or an image archive (.zip, \
            .tar, .tar.gz or .tgz, .tar.bz2, .tar.xz) of PNG/JPEG files (when every image lies under one folder, \
            as in an archive of shapes/ made by tar or Finder, its sub-folders are the classes; links to folders \
            are followed); an .h5 in JULE's layout (data N×C×H×W, labels N); MNIST-style IDX files, raw or .gz \
            (images N×H×W, labels from --labels or the MNIST-named file beside them); NumPy: an \
            .npz (arrays named images/x/data and labels/y/targets, or --images-key/--labels-key) or an .npy of \
            images (N×H×W, N×H×W×C or N×C×H×W) with an .npy of labels (--labels, or beside it: the name's partner, \
            train_images.npy → train_labels.npy, x.npy → y.npy, else labels.npy or y.npy; both of those is an error). \
            A .mat file or CIFAR/STL-10 binaries are read through a registry entry and `jule data fetch` (README: \
            Adding a dataset to the registry).

            Without labels the dataset is unlabelled: `jule train NAME --clusters K` gives clusters and embeddings \
            but no metrics. Grey images stay one channel (--channels 3 to keep colour). A new name trains with the \
            design-rule network for its size (or --network PRESET), η 0.9 (0.2 with --faces), 20 epochs per period, \
            and has no claims. Examples:
              jule data import digits --from train-images-idx3-ubyte.gz
              jule data import shapes --from shapes.npz
              jule data import photos --from ~/photos --height 64 --width 64
            """)
        @OptionGroup var data: DataOptions
        @Argument(help: "Dataset name: a new one, or an import-only registry name (e.g. FRGC, YTF, ImageNet-10; the images must have its shape, image count and class count).") var name: String
        @Option(help: ArgumentHelp("Folder, archive, .h5, IDX, .npz or .npy file to import.", valueName: "path")) var from: String
        @Option(help: ArgumentHelp("Labels file for IDX or .npy images.", valueName: "path")) var labels: String?
        @Flag(help: "Ignore any labels: import as unlabelled.") var unlabelled = false
        @Option(help: "Channels (1 or 3; default: as the images are, grey images staying 1).") var channels: Int?
        @Option(help: "Height to resize folder/archive images to, with --width (default: the most common size).") var height: Int?
        @Option(help: "Width to resize folder/archive images to, with --height (default: the most common size).") var width: Int?
        @Option(help: ArgumentHelp("Network for a new name: \(NetworkChoice.names) (default: design-rule).", valueName: "name"))
        var network: String?
        @Flag(help: "A face dataset: η 0.2 instead of 0.9 (§8.4).") var faces = false
        @Option(help: ArgumentHelp(".npz member holding the images.", valueName: "name")) var imagesKey: String?
        @Option(help: ArgumentHelp(".npz member holding the labels.", valueName: "name")) var labelsKey: String?
        @Flag(help: "Folders and archives: leave out image files that cannot be decoded (named in a warning) instead of failing.")
        var skipUnreadable = false

        func validate() throws {
            if let channels, channels != 1, channels != 3 { throw ValidationError("--channels \(channels): must be 1 or 3") }
            if let height, height < 1 { throw ValidationError("--height \(height): must be at least 1") }
            if let width, width < 1 { throw ValidationError("--width \(width): must be at least 1") }
            if let problem = DatasetStore.ImportOptions.sizeProblem(height: height, width: width) { throw ValidationError(problem) }
            // Checked against the images' shape after decoding; the name is checked now.
            if let network, let problem = NetworkChoice.nameProblem(network, option: "--network") { throw ValidationError(problem) }
            if unlabelled && (labels != nil || labelsKey != nil) {
                throw ValidationError("--unlabelled excludes --labels and --labels-key")
            }
        }

        func run() throws {
            try CommandErrors.exitOnFailure {
                // An interruption removes the cache file being written (`TerminationTrap.end`).
                TerminationTrap.install {}
                let store = try data.makeStore()
                // The name is the command line's (exit 64): its characters, length, and a clash in letter case.
                do { try store.checkImportName(name) } catch DataError.invalidRequest(let why) { throw ValidationError(MessageText.oneLine(why)) }
                if let registered = try? store.registry.entry(named: name), network != nil || faces {
                    throw ValidationError("\(registered.name) is in the registry: its network and η come from there (leave out --network and --faces)")
                }
                let options = DatasetStore.ImportOptions(
                    labels: labels.map { URL(fileURLWithPath: $0) }, channels: channels, height: height, width: width,
                    network: network, faces: faces, imagesKey: imagesKey, labelsKey: labelsKey, unlabelled: unlabelled,
                    skipUnreadable: skipUnreadable)
                var warnings: [String] = []
                let outcome = try store.importDataset(name, from: URL(fileURLWithPath: from), options: options,
                                                      onWarning: { warnings.append($0) },
                                                      checkShape: { shape in
                    _ = try NetworkChoice.resolve(network ?? NetworkChoice.designRule, shape: shape, owner: "--network")
                })
                let d = outcome.dataset
                let classes = DataDisplay.classes(d.classCount)
                print("\(d.name): imported \(d.count) images, \(classes), \(d.channels)x\(d.height)x\(d.width) → \(outcome.cacheURL.path)")
                if data.quiet { for warning in warnings { StandardError.write("warning: \(d.name): \(warning)\n") } }
                // Unlabelled, or one class per image: the default n* (the class count) is not a target train accepts.
                let clusters = d.classCount > 1 && d.classCount < d.count ? "" : " --clusters K"
                // Named as the user invoked it (`.build/release/jule` before it is on PATH): the hint runs as printed.
                let jule = CommandLine.arguments.first.flatMap { $0.contains("/") ? $0 : nil } ?? "jule"
                print("next: \(jule) train \(d.name)\(clusters) --out runs/\(d.name)")
            }
        }
    }
}
