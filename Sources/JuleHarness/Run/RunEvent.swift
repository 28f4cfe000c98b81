/// What a run reports while it works; the CLI renders these as progress or log lines.
public enum RunEvent: Sendable {
    case started(dataset: String, images: Int, target: Int, resumedFromPeriod: Int?)
    /// Sent right after `started`: what the run will do, for a progress bar's time estimate.
    case schedule(RunSchedule)
    /// Progress detail (resuming, a stale checkpoint dropped); hidden by `--quiet`.
    case note(String)
    /// What the user must see even with `--quiet`: a finished run kept instead of redone, a warning.
    case notice(String)
    case epoch(period: Int, epoch: Int, loss: Double, triplets: Int, seconds: Double)
    case clustered(PeriodRecord)
    case finished(RunRecord)
}

/// The shape of a run's work: epochs per period, the epoch cap, η and n* (so the periods left follow from the
/// current cluster count, `RunProgress.periodsLeft`), and whether the dataset has labels to score against.
public struct RunSchedule: Sendable, Equatable {
    public var epochsPerPeriod: Int
    public var maxEpochs: Int
    public var unrollingRate: Double
    public var target: Int
    public var rerunClustering: Bool
    public var labelled: Bool
    /// Where a run resumed from a checkpoint starts; nil for a fresh run.
    public var resumed: Resume? = nil

    /// A checkpoint's cluster count, its epochs, and the epochs of its unfinished period already trained.
    public struct Resume: Sendable, Equatable {
        public var clusters: Int
        public var epochs: Int
        public var epochsIntoPeriod: Int

        public init(clusters: Int, epochs: Int, epochsIntoPeriod: Int) {
            self.clusters = clusters
            self.epochs = epochs
            self.epochsIntoPeriod = epochsIntoPeriod
        }

        init(_ state: RunState) {
            self.init(clusters: JuleRunner.clusterCount(state.labels), epochs: state.epochs,
                      epochsIntoPeriod: state.periodProgress?.epochs ?? 0)
        }
    }

    /// What runs after this clustering call, for a progress line: the next training period while SF goes on; once
    /// it reached n* (or the epoch cap) the final embeddings for JULE-RC, or for the centroids without RC.
    public func phase(after record: PeriodRecord) -> String {
        if record.phase == "RC" { return "JULE-RC clustering" }
        guard record.scores.clusters <= target || record.epochs >= maxEpochs else { return "training period \(record.period + 1)" }
        return rerunClustering ? "final embeddings for JULE-RC" : "final embeddings"
    }

    /// SF periods still to run from `clusters` clusters: each merges ⌈η·n⌉, at most down to n* (an upper bound).
    public func periodsLeft(from clusters: Int) -> Int {
        var n = clusters, left = 0
        while n > target {
            n -= max(1, min(Int((unrollingRate * Double(n)).rounded(.up)), n - target))
            left += 1
        }
        return left
    }
}
