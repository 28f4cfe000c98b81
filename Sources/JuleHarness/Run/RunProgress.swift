import Foundation
import JuleCluster
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
    /// The run's n*, when the checkpoint records it.
    public var target: Int?
    /// Phase totals so far, the basis of `remainingSeconds`.
    var timings: [String: Double]

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
        target = state.target
        timings = state.timings
    }

    /// SF periods still to train, the unfinished one included: each merges ceil(η·n) clusters, at most down to the
    /// target (§3.8). An upper bound, since isolated pre-merges (§3.6) can take a period further.
    public func periodsLeft(unrollingRate: Double, target: Int) -> Int {
        var n = clusters, left = 0
        while n > target {
            n -= max(1, min(Int((unrollingRate * Double(n)).rounded(.up)), n - target))
            left += 1
        }
        return left
    }

    /// Compute seconds this run still needs, from its own pace so far: the epochs left at its seconds per epoch, each
    /// period's feature extraction and clustering at its average so far, and JULE-RC at about the cost of the initial
    /// raw-pixel clustering plus one extraction. Nil before the first epoch, when there is no pace to go by.
    public func remainingSeconds(configuration: RunConfiguration, target: Int) -> Double? {
        let training = timings["training"] ?? 0
        guard epochs > 0, training > 0 else { return nil }
        let periodsLeft = periodsLeft(unrollingRate: configuration.clustering.unrollingRate, target: target)
        let epochsLeft = min(max(0, periodsLeft * configuration.epochsPerPeriod - epochsIntoPeriod),
                             max(0, configuration.maxEpochs - epochs))
        let extraction = timings["feature-extraction"] ?? 0, clustering = timings["clustering"] ?? 0
        let perPeriod = periods > 0 ? (extraction + clustering) / Double(periods) : 0
        let rc = configuration.rerunClustering ? (timings["raw-clustering"] ?? 0) + (periods > 0 ? extraction / Double(periods) : 0) : 0
        return Double(epochsLeft) * training / Double(epochs) + Double(periodsLeft) * perPeriod + rc
    }

    /// "period 2 (7 epochs in), 27 epochs, 44 clusters, 1234 s computed, saved 3 min ago".
    public func summary(now: Date = Date()) -> String {
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        let period = epochsIntoPeriod > 0 ? "period \(periods + 1) (\(count(epochsIntoPeriod, "epoch")) in)"
                                          : "\(count(periods, "period")) done"
        let age = max(0, now.timeIntervalSince(savedAt))
        return "\(period), \(count(epochs, "epoch")), \(count(clusters, "cluster")), \(Int(seconds)) s computed, "
            + "saved \(Self.duration(age)) ago"
    }

    /// "45 s", "12 min", "2.3 h".
    public static func duration(_ seconds: Double) -> String {
        seconds < 120 ? "\(Int(seconds)) s" : seconds < 7200 ? "\(Int(seconds / 60)) min" : String(format: "%.1f h", seconds / 3600)
    }
}
