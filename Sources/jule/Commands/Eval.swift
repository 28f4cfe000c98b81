import ArgumentParser
import Foundation
import JuleCluster
import JuleData
import JuleHarness

extension Jule {
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score predicted cluster labels against the truth: NMI, ACC (Hungarian), ARI, purity.",
            discussion: """
            Label files hold one integer label per line, in the same sample order; label values are arbitrary. The \
            truth is a label file (--truth) or a dataset's own labels (--dataset, read from the cache like `jule \
            train`; an unlabelled dataset gets its cluster sizes, no scores). A run's label file (labels-rc.txt or \
            labels-sf.txt beside its record.json) scored with --dataset is refused when the run was made on other data \
            than the cache holds now (re-imported or changed since); a `--classes K` run's file is scored against the images of \
            the first K classes, as the run used. --composition adds what each cluster holds and \
            where each class went, e.g. \
            `jule eval --dataset COIL-20 --pred results/sweeps/port/cells/COIL-20-s1-2d6ec449/labels-rc.txt --composition`.
            """)

        enum Format: String, ExpressibleByArgument, CaseIterable { case json, table }

        @OptionGroup var data: DataOptions
        @Option(help: ArgumentHelp("Ground-truth labels, one integer per line.", valueName: "file")) var truth: String?
        @Option(help: ArgumentHelp("Take the truth from this dataset's labels instead of a file.", valueName: "name"))
        var dataset: String?
        @Option(name: .customLong("pred"), help: ArgumentHelp("Predicted labels, one integer per line.", valueName: "file"))
        var predicted: String
        @Flag(help: "Also list each cluster's classes and each split class's clusters.") var composition = false
        @Option(help: "Output format.") var format: Format = .json

        func validate() throws {
            if (truth == nil) == (dataset == nil) { throw ValidationError("give exactly one of --truth <file> and --dataset <name>") }
        }

        func run() throws {
            try CommandErrors.exitOnFailure {
                let predictedURL = URL(fileURLWithPath: predicted)
                let pair: (truth: [Int], predicted: [Int])
                var classNames: [String]?
                if let truth {
                    pair = try LabelFile.readPair(truth: URL(fileURLWithPath: truth), predicted: predictedURL)
                } else {
                    let store = try data.makeStore()
                    let entry = try store.entry(named: dataset!)
                    let name = entry.name
                    classNames = entry.classNames
                    var images = try store.load(name)
                    // A `--classes K` run's label file covers the first K classes' images: scored against those.
                    if let limit = RunDirectory.classLimit(owning: predictedURL, dataset: name) { images = images.firstClasses(limit) }
                    let labels = images.labels.map(Int.init)
                    // A run's label file scored against a dataset re-imported since would score the wrong images.
                    try store.requireSameData(forRunOutput: predictedURL, dataset: name)
                    let guess = try LabelFile.read(predictedURL)
                    guard labels.count == guess.count else {
                        throw ClusterError.datasetLabelCountMismatch(dataset: name, images: labels.count,
                                                                     predictedFile: predicted, predictedCount: guess.count)
                    }
                    // Without classes there is nothing to score against: NMI and ARI would be 0 and ACC and purity
                    // the share of the largest cluster, numbers that look like results and mean nothing.
                    if entry.classes == 1 {
                        print(Self.unlabelledSummary(dataset: name, predicted: guess, json: format == .json))
                        return
                    }
                    pair = (labels, guess)
                }
                let evaluation = ClusterEvaluation(truth: pair.truth, predicted: pair.predicted)
                let breakdown = composition ? ClusterComposition(truth: pair.truth, predicted: pair.predicted) : nil
                switch (format, breakdown) {
                case (.json, nil): print(try evaluation.json())
                case (.json, let breakdown?):
                    print(try EvalReport(evaluation: evaluation, composition: breakdown,
                                         wholeClasses: breakdown.wholeClasses.map(\.label), classNames: classNames).json())
                case (.table, nil): print(evaluation.table())
                case (.table, let breakdown?): print(evaluation.table() + "\n\n" + breakdown.table(classNames: classNames))
                }
            }
        }

        /// What `jule eval --dataset` says about an unlabelled dataset: no scores, why, and the cluster sizes.
        private static func unlabelledSummary(dataset: String, predicted: [Int], json: Bool) -> String {
            let sizes = Dictionary(grouping: predicted, by: { $0 }).values.map(\.count).sorted(by: >)
            let list = sizes.map(String.init).joined(separator: json ? ", " : " ")
            if json {
                return #"{"clusters": \#(sizes.count), "labelled": false, "samples": \#(predicted.count), "sizes": [\#(list)]}"#
            }
            return "\(dataset) is unlabelled: no scores (NMI, ACC, ARI and purity need true classes); "
                + "\(predicted.count) images in \(sizes.count) cluster\(sizes.count == 1 ? "" : "s"), sizes \(list)"
        }
    }

    /// `jule eval --composition --format json`: the scores beside the cross-tabulation.
    private struct EvalReport: Encodable {
        let evaluation: ClusterEvaluation
        let composition: ClusterComposition
        /// Classes alone and complete in one cluster (`ClusterComposition.wholeClasses`).
        let wholeClasses: [Int]
        /// The dataset's class names by label (an imported folder's class folders); absent otherwise.
        let classNames: [String]?

        func json() throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        }
    }
}
