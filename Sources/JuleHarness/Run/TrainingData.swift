import JuleCluster
import JuleData

/// The images and ground truth of one run: the dataset, optionally restricted to its first classes, as the
/// network's float input (pixel/255, §1.2) and the truth labels used only for evaluation (§6).
struct TrainingData {
    let count: Int
    let dimension: Int
    let pixels: [UInt8]
    let images: [Float]
    let truth: [Int]
    /// Each image's file name (`Dataset.names`, imported image files only), for the run's `clusters.tsv`.
    let names: [String]?
    let classCount: Int
    /// False for an unlabelled dataset (one class): it has clusters but no metrics.
    var labelled: Bool { classCount > 1 }
    /// The logarithm of the NMI: `PortableMath` in portable runs.
    let functions: MathFunctions

    init(dataset: Dataset, classLimit: Int?, functions: MathFunctions = .system) {
        self.functions = functions
        // `jule show` restricts a `--classes K` run's dataset the same way, so its labels line up with these images.
        let data = classLimit.map { dataset.firstClasses($0) } ?? dataset
        self.count = data.count
        self.dimension = data.imageSize
        self.pixels = data.pixels
        self.images = data.pixels.map { Float($0) / 255 }
        self.truth = data.labels.map { Int($0) }
        self.names = data.names
        self.classCount = Set(truth).count
    }

    /// NMI (geometric), Hungarian ACC and ARI of `labels` against the truth (§6).
    /// Unlabelled data scores 0 (the metrics are undefined; only `clusters` means anything).
    func scores(_ labels: [Int]) -> ClusteringScores {
        guard labelled else { return ClusteringScores(nmi: 0, acc: 0, ari: 0, clusters: Set(labels).count) }
        return ClusteringScores(nmi: ClusterMetrics.normalizedMutualInformation(truth: truth, predicted: labels,
                                                                                functions: functions),
                         acc: ClusterMetrics.accuracy(truth: truth, predicted: labels),
                         ari: ClusterMetrics.adjustedRandIndex(truth: truth, predicted: labels),
                         clusters: Set(labels).count)
    }
}
