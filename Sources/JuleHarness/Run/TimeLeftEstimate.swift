import Foundation

/// The time a run still needs, from its events: the epochs left at this process's pace, one clustering call per
/// period left at the pace of the calls so far, and JULE-RC about as long as one call. A resumed run starts part-way
/// through a period with the cluster count of its checkpoint (`RunSchedule.resumed`), so the estimate counts
/// from there rather than from zero clusters (which would leave no periods and only minutes "left").
public struct TimeLeftEstimate: Sendable {
    private var schedule: RunSchedule?
    private var clusters = 0
    private var epochs = 0, epochsIntoPeriod = 0
    /// Epochs trained by this process (not counting a checkpoint's).
    public private(set) var epochsThisProcess = 0
    private var trainingSeconds = 0.0
    private var clusteringSeconds: [Double] = []
    private var lastEpochAt: Date?

    public init() {}

    /// Takes in one event; `now` is when it arrived (the clustering pace is the time from the last epoch to the call).
    public mutating func observe(_ event: RunEvent, at now: Date = Date()) {
        switch event {
        case let .schedule(s):
            schedule = s
            if let resumed = s.resumed {
                clusters = resumed.clusters
                epochs = resumed.epochs
                epochsIntoPeriod = resumed.epochsIntoPeriod
            }
        case let .epoch(_, epoch, _, _, seconds):
            epochs = epoch
            epochsThisProcess += 1
            epochsIntoPeriod += 1
            trainingSeconds += seconds
            lastEpochAt = now
        case let .clustered(p):
            if p.phase == "SF", p.period > 0, let last = lastEpochAt {
                clusteringSeconds.append(now.timeIntervalSince(last))
            }
            clusters = p.scores.clusters
            epochsIntoPeriod = 0
        case .started, .note, .notice, .finished:
            break
        }
    }

    /// Seconds left; nil until the first epoch of this process gives a pace.
    public var secondsLeft: Double? {
        guard let s = schedule, epochsThisProcess > 0 else { return nil }
        let periodsLeft = s.periodsLeft(from: clusters)
        let epochsLeft = min(max(0, periodsLeft * s.epochsPerPeriod - epochsIntoPeriod), max(0, s.maxEpochs - epochs))
        let perEpoch = trainingSeconds / Double(epochsThisProcess)
        let perClustering = clusteringSeconds.isEmpty ? perEpoch : clusteringSeconds.reduce(0, +) / Double(clusteringSeconds.count)
        return Double(epochsLeft) * perEpoch + Double(periodsLeft) * perClustering + (s.rerunClustering ? perClustering : 0)
    }
}
