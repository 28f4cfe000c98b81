import Foundation

/// The run a final model (`model.ckpt`) belongs to, as its `record.json` names it: what `jule embed --run --model`
/// compares, since the network, training settings and seed in the header do not tell two runs on other data (or
/// with another schedule, `epochsPerPeriod`, RC) apart. Nil in a trainer checkpoint and in a model written before
/// this field existed; a reader that does not know it ignores it, so the format version stays 2.
public struct CheckpointOrigin: Codable, Sendable, Equatable {
    public var runID: String
    public var configurationHash: String
    /// The dataset's content digest (`RunRecord.datasetSHA256`).
    public var datasetSHA256: String

    public init(runID: String, configurationHash: String, datasetSHA256: String) {
        self.runID = runID
        self.configurationHash = configurationHash
        self.datasetSHA256 = datasetSHA256
    }
}
