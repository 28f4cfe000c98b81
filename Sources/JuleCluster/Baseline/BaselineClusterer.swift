import Foundation
import JuleData

/// Clusters fixed features, with no training, by a baseline method (agglomerative or k-means) and evaluates them:
/// a dataset's renormed pixels (§1.2, the paper's raw-pixel baseline) or a trained network's embeddings, which
/// separates the clustering from the training in a diagnosis.
public struct BaselineClusterer: Sendable {
    public struct Result: Codable, Sendable {
        public let dataset: String
        public let method: BaselineMethod
        /// The target n*; `labels` can hold fewer (`ClusterShortfall`).
        public let clusters: Int
        public let labels: [Int]
        public let evaluation: ClusterEvaluation
        /// Wall time of feature construction plus clustering, in seconds.
        public let seconds: Double
        /// Initial 1-NN components (agglomerative only).
        public let initialClusters: Int?
    }

    public let method: BaselineMethod
    public let configuration: ClusteringConfiguration
    public let seed: UInt64
    /// The GEMM of the k-NN (speed only: re-checked exactly) and of k-means (its labels: no re-check).
    public let product: MatrixProduct
    /// The exponential of W and the logarithms of the scores (`.portable` to follow a portable run's arithmetic).
    public let functions: MathFunctions

    public init(method: BaselineMethod = .agglomerative, configuration: ClusteringConfiguration = ClusteringConfiguration(),
                seed: UInt64 = 1, product: MatrixProduct = .openBLAS, functions: MathFunctions = .system) {
        self.method = method
        self.configuration = configuration
        self.seed = seed
        self.product = product
        self.functions = functions
    }

    /// Clusters `dataset` into `clusters` groups (default: its number of classes, §12 #15).
    public func run(_ dataset: Dataset, clusters: Int? = nil, onPeriod: ((PeriodResult) -> Void)? = nil) throws -> Result {
        let start = DispatchTime.now().uptimeNanoseconds
        let features = RawFeatures.make(pixels: dataset.pixels, count: dataset.count, dimension: dataset.imageSize,
                                        normalisation: configuration.rawNormalisation)
        return try run(features: features, dimension: dataset.imageSize, truth: dataset.labels.map { Int($0) },
                       name: dataset.name, clusters: clusters, started: start, onPeriod: onPeriod)
    }

    /// Clusters given features, e.g. a trained network's embeddings (`jule cluster --features embeddings`), with the
    /// same methods, and scores them against `truth`; `count` is `truth.count`.
    public func run(features: [Float], dimension: Int, truth: [Int], name: String, clusters: Int? = nil,
                    onPeriod: ((PeriodResult) -> Void)? = nil) throws -> Result {
        try run(features: features, dimension: dimension, truth: truth, name: name, clusters: clusters,
                started: DispatchTime.now().uptimeNanoseconds, onPeriod: onPeriod)
    }

    private func run(features: [Float], dimension: Int, truth: [Int], name: String, clusters: Int?, started: UInt64,
                     onPeriod: ((PeriodResult) -> Void)?) throws -> Result {
        precondition(features.count == truth.count * dimension, "features must be count × dimension")
        let count = truth.count
        let target = clusters ?? Set(truth).count
        var initial: Int?
        let labels: [Int]
        switch method {
        case .agglomerative:
            labels = try AgglomerativeClusterer(configuration: configuration, product: product, functions: functions).cluster(
                features: features, count: count, dimension: dimension, target: target) { period in
                if initial == nil { initial = period.startClusters }
                onPeriod?(period)
            }
            // No merge period ran: the 1-NN components already were at most n*, and are the result.
            if initial == nil { initial = Set(labels).count }
        case .kmeans:
            labels = try KMeans(clusters: target, seed: seed, product: product).fit(features: features, count: count, dimension: dimension)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) * 1e-9
        let evaluation = ClusterEvaluation(truth: truth, predicted: labels, functions: functions)
        return Result(dataset: name, method: method, clusters: target, labels: labels, evaluation: evaluation,
                      seconds: seconds, initialClusters: initial)
    }
}
