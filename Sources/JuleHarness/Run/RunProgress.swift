import Foundation
import JuleData

/// How far an unfinished run has come, read from its checkpoint: what `jule sweep status` shows for cells that are
/// running or were interrupted.
public struct RunProgress: Sendable, Equatable {
    /// SF periods completed (clustering calls after training).
    public var periods: Int
    /// Epochs trained so far, over the whole run.
    public var epochs: Int
    /// Epochs of the unfinished period that are done.
    public var epochsIntoPeriod: Int
    /// Clusters after the last completed clustering call (the saved labels).
    public var clusters: Int
    /// Compute seconds spent so far (the sum of the phases).
    public var seconds: Double
    /// When the checkpoint was written.
    public var savedAt: Date

    /// Nil when the directory holds no readable checkpoint state.
    public init?(directory: RunDirectory) {
        guard let state = try? JSONCoding.decode(RunState.self, from: directory.state),
              let attributes = try? FileManager.default.attributesOfItem(atPath: directory.state.path) else { return nil }
        periods = state.period
        epochs = state.epochs
        epochsIntoPeriod = state.periodProgress?.epochs ?? 0
        clusters = JuleRunner.clusterCount(state.labels)
        seconds = state.timings.values.reduce(0, +)
        savedAt = attributes[.modificationDate] as? Date ?? Date(timeIntervalSince1970: 0)
    }

    /// "period 2 (7 epochs in), 27 epochs, 44 clusters, 1234 s computed, saved 3 min ago".
    public func summary(now: Date = Date()) -> String {
        let period = epochsIntoPeriod > 0 ? "period \(periods + 1) (\(epochsIntoPeriod) epochs in)" : "\(periods) periods done"
        let age = max(0, now.timeIntervalSince(savedAt))
        let ago = age < 120 ? "\(Int(age)) s" : age < 7200 ? "\(Int(age / 60)) min" : String(format: "%.1f h", age / 3600)
        return "\(period), \(epochs) epochs, \(clusters) clusters, \(Int(seconds)) s computed, saved \(ago) ago"
    }
}
