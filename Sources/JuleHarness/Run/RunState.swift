import Foundation
import JuleData

/// What a run has completed so far, saved after every clustering call of the SF phase (§5) next to the
/// trainer checkpoint, so that an interrupted `jule train` continues from the last completed period.
struct RunState: Codable {
    static let currentSchema = 1
    var schema = RunState.currentSchema
    var configurationHash: String
    var period: Int
    var epochs: Int
    var labels: [Int]
    var neighbourCount: Int
    var initialClusters: Int
    var trajectory: [PeriodRecord]
    var timings: [String: Double]
    var startedAt: String
}

/// The files of a run's output directory.
public struct RunDirectory: Sendable {
    public let url: URL
    public init(_ url: URL) { self.url = url }

    public var record: URL { url.appendingPathComponent("record.json") }
    public var checkpointDirectory: URL { url.appendingPathComponent("checkpoint") }
    var state: URL { checkpointDirectory.appendingPathComponent("state.json") }
    var trainerCheckpoint: URL { checkpointDirectory.appendingPathComponent("trainer.ckpt") }
    /// The final network and optimiser, for `jule embed` and for continuing to train.
    public var model: URL { url.appendingPathComponent("model.ckpt") }
    /// Centroids of the final clusters in eval-mode embedding space, for `jule embed`.
    public var centroids: URL { url.appendingPathComponent("centroids.h5") }
    public var sfLabels: URL { url.appendingPathComponent("labels-sf.txt") }
    public var rcLabels: URL { url.appendingPathComponent("labels-rc.txt") }
    public var embeddings: URL { url.appendingPathComponent("embeddings.h5") }
    public var log: URL { url.appendingPathComponent("run.log") }
}
