import ArgumentParser
import Foundation
import JuleCluster

extension Jule {
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score predicted cluster labels against the truth: NMI, ACC (Hungarian), ARI, purity.",
            discussion: "Both files hold one integer label per line, in the same sample order; label values are arbitrary.")

        enum Format: String, ExpressibleByArgument, CaseIterable { case json, table }

        @Option(help: ArgumentHelp("Ground-truth labels, one integer per line.", valueName: "file")) var truth: String
        @Option(name: .customLong("pred"), help: ArgumentHelp("Predicted labels, one integer per line.", valueName: "file"))
        var predicted: String
        @Option(help: "Output format.") var format: Format = .json

        func run() throws {
            try CommandErrors.exitOnFailure {
                let pair = try LabelFile.readPair(truth: URL(fileURLWithPath: truth),
                                                  predicted: URL(fileURLWithPath: predicted))
                let evaluation = ClusterEvaluation(truth: pair.truth, predicted: pair.predicted)
                print(format == .json ? try evaluation.json() : evaluation.table())
            }
        }
    }
}
