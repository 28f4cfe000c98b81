import ArgumentParser
import Foundation
import JuleCluster
import JuleData
import JuleHarness

extension Jule {
    struct Cluster: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Raw-pixel clustering baseline: JULE's agglomerative clustering with the CNN off, or k-means.",
            discussion: """
            Pixels are scaled to [0, 1] and each row normalised (§1.2); agglomerative clustering follows §3 with the \
            clustering settings of --profile (default: the port's, README "Decisions") and K_s 20, η 0.9 unless \
            --neighbours, --eta or --set clustering.PATH=VALUE say otherwise. \
            --features embeddings clusters a trained network's embeddings instead (the `embeddings` dataset of \
            `jule embed --out` or `jule train --save-embeddings`), e.g. to try other clustering settings on a \
            finished run's network without training again; the dataset still gives the truth and n*. A run's \
            embeddings.h5 (beside its record.json) is refused when the run was made on other data than the cache \
            holds now (re-imported or changed since); a `--classes K` run's embeddings are clustered against the first K \
            classes, as the run used. Fewer clusters than n* (identical features, n* above N/2, nearest-neighbour ties) get a warning saying why.
            """)

        enum Features: String, ExpressibleByArgument, CaseIterable { case raw, embeddings }

        @OptionGroup var data: DataOptions
        @Argument(help: "Dataset name (see `jule data list`).") var dataset: String
        @Option(help: "Target number of clusters n* (default: the number of distinct labels).") var clusters: Int?
        @Option(help: "Features to cluster.") var features: Features = .raw
        @Option(help: ArgumentHelp("HDF5 file with an N×D float `embeddings` dataset (with --features embeddings).",
                                   valueName: "file")) var embeddings: String?
        @Option(help: "agglomerative | kmeans") var method: BaselineMethod = .agglomerative
        @Option(parsing: .unconditional, help: "Seed (k-means++ seeding; agglomerative clustering is deterministic; default: 1).",
                transform: Seed.parse) var seed: UInt64 = 1
        @Option(help: "K_s, sample neighbours of the k-NN graph (default: 20).") var neighbours: Int?
        @Option(help: "Unrolling rate η in (0, 1] (default: 0.9).") var eta: Double?
        @Option(help: "Settings profile whose clustering switches apply: \(RunProfile.names).")
        var profile: String = RunProfile.default.rawValue
        @Option(name: .customLong("set"), help: "Override a clustering setting, e.g. clustering.isolatedPremerge=true (repeatable).")
        var settings: [String] = []
        @Flag(help: "Portable arithmetic (the package's own GEMM and exp), as a run with compute.portable computes JULE-RC: on a portable run's embeddings this gives its RC labels back on any machine.")
        var portable = false
        @Option(help: "Write the predicted labels to this file (one per line); its folder must exist.") var out: String?
        @Option(help: "Output format of the metrics.") var format: Eval.Format = .table

        func validate() throws {
            if let clusters, clusters < 1 { throw ValidationError("--clusters \(clusters) must be at least 1") }
            if let neighbours, neighbours < 1 { throw ValidationError("--neighbours \(neighbours) must be at least 1") }
            if let eta, !(eta > 0 && eta <= 1) { throw ValidationError("--eta \(eta) is not in (0, 1]") }
            if RunProfile(rawValue: profile) == nil { throw ValidationError("--profile \(profile): not a profile (one of \(RunProfile.names))") }
            if features == .embeddings && embeddings == nil {
                throw ValidationError("--features embeddings needs --embeddings FILE (from jule embed --out or jule train --save-embeddings)")
            }
            if features != .embeddings && embeddings != nil {
                throw ValidationError("--embeddings \(embeddings ?? "") needs --features embeddings (without it the raw pixels are clustered)")
            }
        }

        func run() throws {
            try CommandErrors.exitOnFailure {
                EnvironmentWarnings.report()
                let store = try data.makeStore()
                let entry = try store.entry(named: dataset)
                var overrides = try SettingOverrides.parse(settings)
                if let key = overrides.keys.first(where: { !$0.hasPrefix("clustering.") }) {
                    throw ValidationError("--set \(key): only clustering.* settings apply to `jule cluster`")
                }
                // The baseline's K_s 20 and η 0.9 (not the dataset entry's η) unless the option or a --set gives
                // another; both at once would leave one silently unused.
                for (key, option, value, fallback) in [("clustering.neighbourCount", "--neighbours", neighbours.map(Double.init), 20.0),
                                                       ("clustering.unrollingRate", "--eta", eta, 0.9)] {
                    if value != nil && overrides[key] != nil {
                        throw ValidationError("give \(option) or --set \(key), not both")
                    }
                    if overrides[key] == nil { overrides[key] = .number(value ?? fallback) }
                }
                let defaults = try RunConfiguration.defaults(for: entry, seed: seed, profile: RunProfile(named: profile))
                let full = try CommandErrors.asUsageError {
                    let full = try SettingOverrides.apply(overrides, typed: settings, to: defaults)
                    try full.validate()
                    return full
                }
                var configuration = full.clustering
                if let out { try OutputPath.checkWritable(out, option: "--out", cache: data.cacheDirectory) }
                var images = try store.load(entry.name)
                // A `--classes K` run's embeddings.h5 covers the first K classes' images: the truth and n* are theirs.
                if let embeddings, let limit = RunDirectory.classLimit(owning: URL(fileURLWithPath: embeddings), dataset: entry.name) {
                    images = images.firstClasses(limit)
                }
                // An unlabelled dataset (one class) has no n* of its own and no truth to score against.
                let labelled = images.classCount > 1
                if !labelled && clusters == nil {
                    throw ValidationError("\(entry.name) is unlabelled (no classes): give the number of clusters with --clusters K")
                }
                if let clusters, clusters >= images.count {
                    throw ValidationError("--clusters \(clusters): must be in 1…\(images.count - 1) for \(images.count) images")
                }
                configuration.workers = ComputeThreads.configured ?? 2   // JULE_THREADS, as for training
                let baseline = BaselineClusterer(method: method, configuration: configuration, seed: seed,
                                                product: ComputeThreads.matrixProduct(portable: portable),
                                                functions: portable ? .portable : .system)
                let report: (PeriodResult) -> Void = { period in
                    if !data.quiet {
                        StandardError.write(("period: \(period.startClusters) clusters, "
                            + "\(period.premerges) pre-merges, "
                            + (configuration.effectiveRCOneWayMerge ? "\(period.oneWayMerges) one-way merges, " : "")
                            + "\(period.merges) merges → \(period.clusters)\n"))
                    }
                }
                let result: BaselineClusterer.Result
                if let embeddings {
                    // A run's embeddings scored against a dataset re-imported since would score the wrong images.
                    try store.requireSameData(forRunOutput: URL(fileURLWithPath: embeddings), dataset: entry.name)
                    let (values, dimension) = try EmbeddingFile.readEmbeddings(from: URL(fileURLWithPath: embeddings), count: images.count)
                    result = try baseline.run(features: values, dimension: dimension, truth: images.labels.map { Int($0) },
                                              name: entry.name, clusters: clusters, onPeriod: report)
                    if let shortfall = ClusterShortfall(labels: result.labels, target: result.clusters) {
                        warnFewer(fewerReason(shortfall, result, rows: values, dimension: dimension, feature: "embedding"),
                                  dataset: entry.name)
                    }
                } else {
                    result = try baseline.run(images, clusters: clusters, onPeriod: report)
                    if let shortfall = ClusterShortfall(labels: result.labels, target: result.clusters) {
                        let raw = RawFeatures.make(pixels: images.pixels, count: images.count, dimension: images.imageSize,
                                                   normalisation: configuration.rawNormalisation)
                        warnFewer(fewerReason(shortfall, result, rows: raw, dimension: images.imageSize,
                                              feature: JuleRunner.rawFeatureName), dataset: entry.name)
                    }
                }
                if let out { try LabelFile.write(result.labels, to: URL(fileURLWithPath: out)) }
                // The clusters it ended with, not n*: fewer are possible (the warning above says why).
                let found = Set(result.labels).count
                let ended = found == result.clusters ? "\(found) clusters"
                    : "\(found) cluster\(found == 1 ? "" : "s") (fewer than n* = \(result.clusters), see the warning)"
                let header = String(format: "%@ %@ on %@ features → %@ in %.1f s", entry.name,
                                    method.rawValue, features.rawValue, ended, result.seconds)
                if !labelled {
                    let sizes = Dictionary(grouping: result.labels, by: { $0 }).values.map(\.count).sorted(by: >)
                    if format == .json {
                        print(#"{"clusters": \#(found), "target": \#(result.clusters), "labelled": false, "samples": \#(images.count), "sizes": [\#(sizes.map(String.init).joined(separator: ", "))]}"#)
                    } else {
                        print(header)
                        print("unlabelled dataset: no metrics; cluster sizes \(sizes.map(String.init).joined(separator: " "))")
                    }
                } else if format == .json { print(try result.evaluation.json()) } else { print(header); print(result.evaluation.table()) }
            }
        }

        /// Merging stops at n*: fewer clusters than the header's n* come from the first step, and are said on stderr.
        private func warnFewer(_ explanation: String, dataset: String) {
            StandardError.write("warning: \(dataset): \(method.rawValue) clustering \(explanation)\n")
        }

        /// Why fewer clusters than n*, as measured on the clustered features (`ClusterShortfall`).
        private func fewerReason(_ shortfall: ClusterShortfall, _ result: BaselineClusterer.Result, rows: [Float],
                                 dimension: Int, feature: String) -> String {
            if method == .kmeans {
                return shortfall.explanation(rows: rows, dimension: dimension, feature: feature,
                                             otherwise: "k-means found fewer distinct centres")
            }
            return shortfall.nearestNeighbourExplanation(rows: rows, dimension: dimension, feature: feature,
                                                         firstStep: "the first step, the 1-NN components,",
                                                         initialClusters: result.initialClusters)
        }
    }
}

extension BaselineMethod: ExpressibleByArgument {}
