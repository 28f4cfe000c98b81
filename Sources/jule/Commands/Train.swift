import ArgumentParser
import Foundation
import JuleCompute
import JuleData
import JuleHarness

extension Jule {
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run JULE on a dataset: SF (joint training and merging) then RC (re-clustering on the final network).",
            discussion: """
            Defaults come from the algorithm doc (§8, §12) and the dataset's entry in datasets.json (network, η, \
            epochs per period). Any setting can be changed with --set PATH=VALUE (e.g. --set training.margin=0.5). \
            With --out, the run is checkpointed after every epoch: the same command resumes an interrupted run, \
            and a finished run is not redone; a finished run or an interrupted one (its checkpoint) of another \
            configuration is never overwritten unless --force (the command names the settings that differ; with \
            --force the old run is moved aside to DIR.replaced-<run id>; --force also runs a finished run of the same \
            configuration again). Every setting is checked before data loads. \
            A dataset imported with `jule data import` trains like a registered one: its network from the design \
            rule (or --network), n* from --clusters or its number of labels, no claims; an unlabelled one needs \
            --clusters and gives clusters and embeddings without metrics.
            """)

        @OptionGroup var data: DataOptions
        @Argument(help: "Dataset name (see `jule data list`).") var dataset: String
        // A transformed option's default is not shown by ArgumentParser: the help says it.
        @Option(parsing: .unconditional, help: "Seed for every random choice (0…2⁶⁴−1; default: 1).", transform: Seed.parse)
        var seed: UInt64?
        @Option(help: "Settings profile: \(RunProfile.allCases.map(\.rawValue).joined(separator: ", ")) (see README, Decisions).")
        var profile: String = RunProfile.default.rawValue
        @Option(help: "Target number of clusters n* (default: the number of distinct labels; required for unlabelled data).") var clusters: Int?
        @Option(help: ArgumentHelp("Network preset (\(NetworkChoice.names); default: the dataset's).", valueName: "name"))
        var network: String?
        @Option(help: "Use only the images of the first K classes (quick runs).") var classes: Int?
        @Option(help: "Unrolling rate η in (0, 1] (default: the dataset's, 0.2 faces / 0.9 others).") var eta: Double?
        @Option(help: "CNN epochs per period (default: the dataset's; 20 for every registered and imported dataset).")
        var epochsPerPeriod: Int?
        @Option(help: "Total epoch cap over all periods (default: \(RunConfiguration.defaultMaxEpochs)).") var maxEpochs: Int?
        @Flag(help: "Extract SF features with eval-mode BatchNorm (the reference uses train mode).") var bnEvalFeatures = false
        @Flag(help: "Skip JULE-RC.") var noRc = false
        @Flag(help: "Portable mode (compute.portable): the package's own GEMM and math, so the record, labels and embeddings are the same bits on any x86-64 with AVX2 and FMA (README, Engine).")
        var portable = false
        @Option(help: "How the 5×5 convolutions are computed: winograd4x4 (Winograd F(4×4, 5×5), the default), winograd (F(2×2, 5×5)) or im2col (compute.convolution; README, Engine).")
        var convolution: ConvolutionAlgorithm?
        @Option(name: .customLong("set"), help: "Override a setting by path, e.g. training.margin=0.5 (repeatable).")
        var settings: [String] = []
        @Option(help: "Run directory, created if missing: record.json, labels, model, checkpoints (enables resume).") var out: String?
        @Flag(help: "Also write the final embeddings and labels as HDF5 (embeddings.h5 in --out).") var saveEmbeddings = false
        @Flag(help: "Print the resolved configuration as JSON and exit.") var printConfiguration = false
        @Flag(help: "Replace a finished run in --out, of this or another configuration, or an interrupted one of another configuration (moved aside to DIR.replaced-<run id>).")
        var force = false

        func validate() throws {
            if let eta, !(eta > 0 && eta <= 1) { throw ValidationError("--eta \(eta) is not in (0, 1]") }
            if let clusters, clusters < 1 { throw ValidationError("--clusters \(clusters) must be at least 1") }
            if let classes, classes < 2 { throw ValidationError("--classes \(classes) must be at least 2") }
            if let e = epochsPerPeriod, e < 1 { throw ValidationError("--epochs-per-period \(e) must be at least 1") }
            if let m = maxEpochs, m < 1 { throw ValidationError("--max-epochs \(m) must be at least 1") }
            // The name now (a usage error), its fit to the dataset's shape once the registry is read.
            if let network, let problem = NetworkChoice.nameProblem(network, option: "--network") { throw ValidationError(problem) }
            if RunProfile(rawValue: profile) == nil { throw ValidationError("--profile \(profile): not a profile (one of \(RunProfile.names))") }
            if saveEmbeddings && out == nil { throw ValidationError("--save-embeddings needs --out DIR") }
            if force && out == nil { throw ValidationError("--force goes with --out DIR") }
            for s in settings where !s.contains("=") { throw ValidationError("--set \(s): expected PATH=VALUE") }
            try SettingOverrides.refuseTwice(settings, options: [
                ("--eta", "clustering.unrollingRate", eta != nil), ("--epochs-per-period", "epochsPerPeriod", epochsPerPeriod != nil),
                ("--max-epochs", "maxEpochs", maxEpochs != nil), ("--clusters", "clusters", clusters != nil),
                ("--classes", "classLimit", classes != nil), ("--bn-eval-features", "featureBatchNorm", bnEvalFeatures),
                ("--no-rc", "rerunClustering", noRc), ("--network", "network", network != nil),
                ("--portable", "compute.portable", portable), ("--convolution", "compute.convolution", convolution != nil),
                ("--seed", "seed", seed != nil),
            ])
        }

        func run() throws {
            try CommandErrors.exitOnFailure {
                EnvironmentWarnings.report()
                // Everything is checked before any data is loaded: names, settings, the output directory.
                let store = try data.makeStore()
                let entry = try store.entry(named: dataset)
                if let classes, entry.classes == 1 {
                    throw ValidationError("--classes \(classes): \(entry.name) is unlabelled (no classes), there are no classes to choose from; give --clusters K alone")
                }
                if let classes, classes > entry.classes {
                    throw ValidationError("--classes \(classes): \(entry.name) has \(entry.classes) classes (allowed: 2…\(entry.classes))")
                }
                if entry.classes == 1 && clusters == nil {
                    throw ValidationError("\(entry.name) is unlabelled (no classes): give the number of clusters n* with --clusters K")
                }
                var overrides = try SettingOverrides.parse(settings)
                if let eta { overrides["clustering.unrollingRate"] = .number(eta) }
                if let epochsPerPeriod { overrides["epochsPerPeriod"] = .number(Double(epochsPerPeriod)) }
                if let maxEpochs { overrides["maxEpochs"] = .number(Double(maxEpochs)) }
                if let clusters { overrides["clusters"] = .number(Double(clusters)) }
                if let classes { overrides["classLimit"] = .number(Double(classes)) }
                if bnEvalFeatures { overrides["featureBatchNorm"] = .string("eval") }
                if noRc { overrides["rerunClustering"] = .bool(false) }
                if let network {
                    // The entry's shape is known before any image is read: a preset of another size is a usage error.
                    do {
                        overrides["network"] = try JSONValue(encoding: try NetworkChoice.resolve(network, shape: entry.shape, owner: "--network"))
                    } catch HarnessError.invalidConfiguration(let reason) { throw ValidationError(reason) }
                }
                if portable { overrides["compute.portable"] = .bool(true) }
                // Without --convolution the default is recorded as an override too: every run's hash has it since
                // Winograd became the default, so dropping it would rename every finished run. A --set of it stays
                // (it used to be replaced by the default without a word).
                let algorithm = convolution ?? .defaultChoice
                if algorithm != .im2col && overrides["compute.convolution"] == nil {
                    overrides["compute.convolution"] = .string(algorithm.rawValue)
                }
                // The settings and their ranges are the command line's: refused with exit 64, as the options are.
                let defaults = try RunConfiguration.defaults(for: entry, seed: seed ?? 1, profile: try RunProfile(named: profile))
                let configuration = try CommandErrors.asUsageError {
                    let configuration = try SettingOverrides.apply(overrides, typed: settings, to: defaults)
                    try configuration.validate()
                    return configuration
                }
                // n* against the image count in the entry (a default n* included), before --out is created.
                do { try configuration.checkFits(entry) } catch HarnessError.invalidConfiguration(let reason) {
                    throw ValidationError(reason)
                }
                if printConfiguration {
                    // "overrides" as the user set them (the record also lists the default convolution, see above).
                    var shown = configuration
                    if convolution == nil && !settings.contains(where: { $0.hasPrefix("compute.convolution=") }) {
                        shown.overrides?["compute.convolution"] = nil
                        if shown.overrides?.isEmpty == true { shown.overrides = nil }
                    }
                    print(String(decoding: try JSONCoding.encode(shown), as: UTF8.self), terminator: "")
                    return
                }
                let outURL = out.map { URL(fileURLWithPath: $0) }
                // Declared before the lock, so it runs after the lock's release: a run refused once its images are
                // counted (n* under a class limit) leaves no empty folder.
                let createdFolder = outURL.flatMap(CreatedFolder.init)
                defer { createdFolder?.removeIfEmpty() }
                try outURL.map { try RunDirectory($0).checkHoldsNoOtherFiles() }
                try outURL.map { try RunDirectory($0).checkWritable() }
                // Held until the command ends: one writer per folder. The trap goes in first, so a signal at any
                // moment after the lock is taken releases it (`RunFolderLock`).
                if let outURL, let out {
                    TerminationTrap.installResumeHint(checkpoint: RunDirectory(outURL).state, runDirectory: out)
                    TerminationTrap.pruneOnSignal([RunDirectory(outURL).checkpointDirectory] + (createdFolder?.folders ?? []))
                }
                let lock = try outURL.map { try RunFolderLock.acquire(RunDirectory($0)) }
                defer { lock.map(RunFolderLock.release) }
                let dataset = try store.load(entry.name)
                let sha = try store.cacheSHA256(entry.name)
                let progress = ProgressPrinter(quiet: data.quiet)
                let runner = JuleRunner(configuration: configuration, dataset: dataset, datasetSHA256: sha,
                                        outputDirectory: outURL, saveEmbeddings: saveEmbeddings) { event in
                    progress.handle(event)
                    // SIGPIPE is trapped with --out, so a reader gone (`2>&1 | head -1`) is asked for between events,
                    // and ends the run as a signal does: lock released, the process ended by SIGPIPE.
                    if outURL != nil { TerminationTrap.endIfOutputClosed() }
                }
                runner.replaceFinishedRun = force
                runner.classNames = entry.classNames
                runner.importedFrom = entry.importedFrom
                let record = try runner.run()
                print(RecordTable.text(record, claims: configuration.classLimit == nil ? entry.claims : []))
                if outURL != nil { TerminationTrap.endIfStandardOutputClosed() }
            }
        }
    }
}

extension ConvolutionAlgorithm: ExpressibleByArgument {}
