import Foundation
import JuleData

/// What a run has completed so far, saved after every training epoch and every clustering call of the SF phase (§5)
/// next to the trainer checkpoint it names, so that an interrupted `jule train` continues from the last epoch.
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
    /// The trainer checkpoint (in the checkpoint directory) that matches this state; nil in states written before
    /// per-epoch checkpoints, which always used `trainer.ckpt`.
    var trainerFile: String?
    /// Progress inside the unfinished period `period + 1`: epochs done, their losses and its seconds so far.
    /// Nil at a period boundary.
    var periodProgress: PeriodProgress?
    /// The run's n*; nil in states written before it was saved.
    var target: Int?
    /// The content digest of the data the checkpoint was trained on (`RunRecord.datasetSHA256`), so a resume on
    /// other data is refused; nil in states written before it was saved.
    var datasetSHA256: String? = nil
    /// The configuration the checkpoint was made with, so that a resume with other settings can name them; nil in
    /// states written before it was saved (then only the trainer file's network and training settings are known).
    var configuration: RunConfiguration? = nil

    struct PeriodProgress: Codable, Equatable {
        var epochs: Int
        var losses: [Double]
        var seconds: Double
    }
}

/// The files of a run's output directory.
public struct RunDirectory: Sendable {
    public let url: URL
    public init(_ url: URL) { self.url = url }

    public var record: URL { url.appendingPathComponent("record.json") }
    public var checkpointDirectory: URL { url.appendingPathComponent("checkpoint") }
    /// The checkpoint's state: while it exists, the same command resumes the run.
    public var state: URL { checkpointDirectory.appendingPathComponent("state.json") }
    /// Trainer checkpoints are named after their epoch count and completed periods, so a kill between writing the
    /// trainer and the state leaves the previous state with its own trainer file. (The period matters: the SF
    /// feature extraction moves the BN running statistics between the last epoch's checkpoint and the period's.)
    func trainerCheckpoint(named name: String?) -> URL {
        checkpointDirectory.appendingPathComponent(name ?? "trainer.ckpt")
    }
    static func trainerFileName(epochs: Int, periods: Int) -> String { "trainer-e\(epochs)-p\(periods).ckpt" }
    /// The final network and optimiser, for `jule embed` and for continuing to train.
    public var model: URL { url.appendingPathComponent("model.ckpt") }
    /// Centroids of the final clusters in eval-mode embedding space, for `jule embed`.
    public var centroids: URL { url.appendingPathComponent("centroids.h5") }
    public var sfLabels: URL { url.appendingPathComponent("labels-sf.txt") }
    public var rcLabels: URL { url.appendingPathComponent("labels-rc.txt") }
    /// Written for datasets whose images have file names (imported image files): which file went to which cluster.
    public var clusterTable: URL { url.appendingPathComponent("clusters.tsv") }
    public var embeddings: URL { url.appendingPathComponent("embeddings.h5") }
    public var log: URL { url.appendingPathComponent("run.log") }
}
