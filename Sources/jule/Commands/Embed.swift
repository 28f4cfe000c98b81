import ArgumentParser
import Foundation
import JuleCompute
import JuleData
import JuleHarness

extension Jule {
    struct Embed: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Map new images to embeddings with a trained JULE network, and each to its nearest learned cluster.")

        @Option(name: .customLong("run"), help: "Run directory of a finished `jule train --out DIR` (model.ckpt, centroids.h5).") var runPath: String?
        @Option(help: "Model checkpoint (default: <run>/model.ckpt).") var model: String?
        @Option(help: "Images: a folder (class sub-folders optional), an image archive, one PNG or JPEG file, or a JULE-layout .h5 (a dataset cache: its image names are kept). Colour images are made grey for a grey network (a warning counts them).") var images: String
        @Option(help: "Write the embeddings and assignments to this HDF5 file (embeddings, cluster, cosine); its folder must exist.") var out: String?
        @Flag(help: "Print a header and one line per image: index, file name, cluster, cosine (tab-separated); for a run on labelled image files also the cluster's most frequent class in the run and its share (from its clusters.tsv).") var list = false
        @Flag(help: "Resize images (or an .h5's) of another size to the network's input (otherwise they are an error).") var resize = false
        @Flag(help: "Folders and archives: leave out image files that cannot be decoded (named in a warning) instead of failing.")
        var skipUnreadable = false
        @Flag(help: "Portable mode (the package's own GEMM: the same bits on any x86-64 with AVX2 and FMA). Default: as the --run's record says (a portable run embeds portably), else the machine's fastest kernel.")
        var portable = false
        @Option(help: "The 5×5 convolutions: winograd4x4, winograd or im2col (they differ in the last bits). Default: the --run's record's, else winograd4x4.")
        var convolution: ConvolutionAlgorithm?

        func validate() throws {
            guard runPath != nil || model != nil else { throw ValidationError("give --run DIR or --model FILE") }
            // Without either the embeddings would be computed and thrown away.
            guard out != nil || list else { throw ValidationError("give --out FILE.h5 or --list (or both): nothing would be written or shown") }
            // The clusters are the run's centroids: a model alone gives embeddings, which --list does not print.
            guard runPath != nil || out != nil else {
                throw ValidationError("--list without --run shows no clusters (they are the run's centroids.h5): give --run DIR, "
                    + "or --out FILE.h5 for the embeddings")
            }
        }

        func run() throws {
            try CommandErrors.exitOnFailure {
                EnvironmentWarnings.report()
                let runDirectory = runPath.map { RunDirectory(URL(fileURLWithPath: $0)) }
                guard let modelURL = model.map({ URL(fileURLWithPath: $0) }) ?? runDirectory?.model else { return }
                // Named before anything loads, as what the user typed, not as a checkpoint reader's complaint.
                if let runPath, let runDirectory {
                    try RunFolderArgument.checkExists(runPath)
                    if model == nil, !FileManager.default.fileExists(atPath: runDirectory.model.path) {
                        throw ValidationError("--run \(runPath): no model.ckpt there (not a finished jule train --out DIR; or give --model FILE)")
                    }
                }
                // embed reads no dataset and has no --cache: the cache in use is $JULE_CACHE's or the default.
                if let out { try OutputPath.checkWritable(out, option: "--out", format: "h5", cache: DatasetStore.defaultCacheDirectory) }
                // A portable run's network embeds in portable mode too, so its embeddings match on every machine.
                // The run's convolution algorithm likewise (Winograd and im2col differ in the last bits). A model
                // without its run cannot tell: --portable and --convolution say it.
                // A record that is there but does not read (truncated, empty) is refused, as `jule show` refuses it:
                // ignored, the run's portable mode and convolution would be silently lost.
                let record = try runDirectory.flatMap { directory in
                    FileManager.default.fileExists(atPath: directory.record.path)
                        ? try JSONCoding.decode(RunRecord.self, from: directory.record) : nil
                }
                let configuration = record?.configuration
                let portable = self.portable || (configuration?.isPortable ?? false)
                let trainer = try Trainer.loadCheckpoint(from: modelURL, backend: ComputeThreads.backend(portable: portable))
                if let model, let runPath, let record {
                    // The run's centroids only mean something for its own network: same spec, training and seed, and
                    // (a model that names its run) the same configuration and data.
                    let differences = ConfigurationDifference.between(network: trainer.network.spec, training: trainer.configuration,
                                                                      trainerSeed: trainer.seed, and: record.configuration)
                    let (mine, theirs) = (trainer.network.spec, record.configuration.network)
                    let input = { (n: NetworkSpec) in "\(n.inputChannels)x\(n.inputHeight)x\(n.inputWidth)" }
                    var listed: String?
                    if input(mine) != input(theirs) {
                        // Another input size says it all.
                        listed = "it takes \(input(mine)) images, the run's network \(input(theirs))"
                    } else if !differences.isEmpty {
                        listed = differences.prefix(3).joined(separator: ", ") + (differences.count > 3 ? ", and \(differences.count - 3) more" : "")
                    } else if let origin = trainer.origin {
                        // Settings outside the header (dataset, schedule, RC) show in the configuration hash.
                        var other: [String] = []
                        if origin.configurationHash != record.configurationHash {
                            other.append("configuration \(origin.configurationHash.prefix(8)), the run's \(record.configurationHash.prefix(8))")
                        }
                        if origin.datasetSHA256 != record.datasetSHA256 {
                            other.append("dataset digest \(origin.datasetSHA256.prefix(12))…, the run's \(record.datasetSHA256.prefix(12))…")
                        }
                        if !other.isEmpty { listed = "it is the model of run \(origin.runID) (\(other.joined(separator: "; ")))" }
                    }
                    let ownModel = runDirectory.map { $0.model.resolvingSymlinksInPath() == modelURL.resolvingSymlinksInPath() } ?? false
                    // An older build's model names no run: the run's own model.ckpt, when there, tells instead.
                    var unchecked = false
                    if listed == nil, trainer.origin == nil, !ownModel, let own = runDirectory?.model {
                        // The run's own model unreadable (damaged) tells nothing either: as if it were not there.
                        do {
                            if let difference = try CheckpointContent.difference(modelURL, own) {
                                listed = "it names no run (an older build's) and is not the run's own \(runPath)/model.ckpt (\(difference))"
                            }
                        } catch {
                            unchecked = true
                        }
                    }
                    if let listed {
                        throw ValidationError("--model \(model) is not the model of run \(runPath) (\(record.runID)): \(listed); "
                            + "its centroids would score another network's embeddings. Give that model's own run folder, or --model alone (embeddings only)")
                    }
                    if unchecked {
                        // Neither the model nor the run's folder tells: only the header's settings were compared.
                        StandardError.line("warning: --model \(model) does not name its run (written by an older build) and \(runPath) has no "
                            + "readable model.ckpt to compare it with: only its network, training settings and seed were compared with the run's")
                    }
                }
                let network = trainer.network
                network.convolutionAlgorithm = convolution ?? configuration?.convolutionAlgorithm ?? .defaultChoice
                let spec = network.spec
                let loaded = try ImageLoader.load(URL(fileURLWithPath: images), channels: spec.inputChannels,
                                                  height: spec.inputHeight, width: spec.inputWidth, resize: resize,
                                                  skipUnreadable: skipUnreadable)
                let dataset = loaded.dataset
                if loaded.greyed > 0 {
                    StandardError.line("warning: made \(CountText.of(loaded.greyed, "colour image")) (of \(dataset.count)) grey (luma): the network takes one channel")
                }
                if !loaded.skipped.isEmpty {
                    let listed = loaded.skipped.prefix(5).joined(separator: "; ") + (loaded.skipped.count > 5 ? "; …" : "")
                    StandardError.line("warning: left out \(CountText.of(loaded.skipped.count, "file")) that cannot be decoded: \(listed)")
                }
                if let orientation = loaded.orientation { StandardError.line("warning: \(orientation)") }
                if loaded.resized > 0 {
                    StandardError.write("warning: resized \(loaded.resized) of \(dataset.count) images (height×width \(loaded.otherSizes.prefix(3).joined(separator: ", "))) to the network's \(spec.inputHeight)x\(spec.inputWidth)\n")
                }
                let pixels = dataset.pixels.map { Float($0) / 255 }
                let embeddings = network.embed(pixels, count: dataset.count, batchSize: 100, batchNorm: .eval)
                var assignments: [(cluster: Int, cosine: Float)] = []
                if let centroidsURL = runDirectory?.centroids, FileManager.default.fileExists(atPath: centroidsURL.path) {
                    let centroids = try ClusterCentroids.load(from: centroidsURL)
                    guard centroids.dimension == spec.embeddingDimension else {
                        throw HarnessError.malformedFile(centroidsURL, reason: "centroids have dimension \(centroids.dimension), the model \(spec.embeddingDimension)")
                    }
                    assignments = centroids.assign(embeddings, count: dataset.count)
                }
                if let out {
                    try HDF5File.writeAtomically(to: URL(fileURLWithPath: out)) { file in
                        try file.write(embeddings, shape: [dataset.count, spec.embeddingDimension], to: "embeddings")
                        // Row i of every dataset is the image named on line i of this attribute.
                        // Encoded as the dataset cache's `names` attribute (a line break inside a name as ␤).
                        try file.setAttribute("names", to: DatasetCache.namesAttribute(loaded.names))
                        if !assignments.isEmpty {
                            try file.write(assignments.map { Int32($0.cluster) }, shape: [dataset.count], to: "cluster")
                            try file.write(assignments.map(\.cosine), shape: [dataset.count], to: "cosine")
                        }
                    }
                }
                if list {
                    // What the run's cluster mostly held, where the run knows its images' classes. A damaged table
                    // costs the column, not the listing.
                    var classes: ClusterClasses?
                    if !assignments.isEmpty, let table = runDirectory?.clusterTable, FileManager.default.fileExists(atPath: table.path) {
                        do { classes = try ClusterClasses(table: table) } catch {
                            StandardError.line("warning: \(CommandErrors.message(for: error)); the class columns are left out")
                        }
                    }
                    // A header as in clusters.tsv: the table reads into a spreadsheet or pandas with its column names.
                    print(assignments.isEmpty ? "index\tfile" : "index\tfile\tcluster\tcosine" + (classes == nil ? "" : "\tcluster_class\tclass_share"))
                    if assignments.isEmpty {
                        for (i, name) in loaded.names.enumerated() { print("\(i)\t\(TableField.escaped(name))") }
                    }
                    for (i, a) in assignments.enumerated() {
                        var line = "\(i)\t\(TableField.escaped(loaded.names[i]))\t\(a.cluster)\t" + String(format: "%.4f", a.cosine)
                        if let classes {
                            let entry = classes.byCluster[a.cluster]
                            line += "\t" + (entry?.name ?? "") + "\t" + (entry.map { String(format: "%.2f", $0.share) } ?? "")
                        }
                        print(line)
                    }
                }
                var summary = "\(dataset.count) images → \(spec.embeddingDimension)-d embeddings"
                if !assignments.isEmpty {
                    let used = Set(assignments.map(\.cluster)).count
                    summary += ", assigned to \(used) of the run's clusters"
                }
                if let out { summary += "; written to \(out)" }
                // With --list, stdout is the per-image table (for cut, awk, a spreadsheet): the summary goes beside it.
                if list { StandardError.line(summary) } else { print(summary) }
            }
        }
    }
}
