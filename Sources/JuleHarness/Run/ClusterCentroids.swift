import Foundation
import JuleData

/// The learned clusters of a finished run, for assigning new images (`jule embed`): the unit-normalised mean
/// eval-mode embedding of each final cluster. A new image belongs to the centroid with the largest cosine.
public struct ClusterCentroids: Sendable {
    public let clusters: Int
    public let dimension: Int
    /// clusters × dimension, row-major, each row of unit length.
    public let centroids: [Float]
    /// "RC" or "SF": the labelling the centroids come from.
    public let variant: String

    public init(features: [Float], labels: [Int], dimension: Int, variant: String) {
        let k = (labels.max() ?? -1) + 1
        var sums = [Double](repeating: 0, count: k * dimension)
        for (i, label) in labels.enumerated() {
            for d in 0..<dimension { sums[label * dimension + d] += Double(features[i * dimension + d]) }
        }
        var centroids = [Float](repeating: 0, count: k * dimension)
        for c in 0..<k {
            let row = sums[(c * dimension)..<((c + 1) * dimension)]
            let norm = max(row.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            for d in 0..<dimension { centroids[c * dimension + d] = Float(sums[c * dimension + d] / norm) }
        }
        self.init(clusters: k, dimension: dimension, centroids: centroids, variant: variant)
    }

    init(clusters: Int, dimension: Int, centroids: [Float], variant: String) {
        self.clusters = clusters; self.dimension = dimension; self.centroids = centroids; self.variant = variant
    }

    /// The nearest centroid (largest cosine) of each of `count` embeddings, with that cosine.
    public func assign(_ embeddings: [Float], count: Int) -> [(cluster: Int, cosine: Float)] {
        precondition(embeddings.count == count * dimension, "embeddings are not \(count)×\(dimension)")
        return (0..<count).map { i in
            var best = (cluster: 0, cosine: -Float.infinity)
            for c in 0..<clusters {
                var dot: Float = 0
                for d in 0..<dimension { dot += embeddings[i * dimension + d] * centroids[c * dimension + d] }
                if dot > best.cosine { best = (c, dot) }
            }
            return best
        }
    }

    public func write(to url: URL) throws {
        try HDF5File.writeAtomically(to: url) { file in
            try file.write(centroids, shape: [clusters, dimension], to: "centroids")
            try file.setAttribute("variant", to: variant)
        }
    }

    public static func load(from url: URL) throws -> ClusterCentroids {
        let file = try HDF5File.open(at: url)
        let (values, shape): ([Float], [Int]) = try file.read("centroids")
        guard shape.count == 2, values.count == shape[0] * shape[1] else {
            throw HarnessError.malformedFile(url, reason: "'centroids' has shape \(shape), expected clusters × dimension")
        }
        return ClusterCentroids(clusters: shape[0], dimension: shape[1], centroids: values,
                                variant: try file.stringAttribute("variant") ?? "RC")
    }
}
