import Foundation
import JuleData

/// The harness's internal file readers as the fuzz targets (`Fuzz/`) call them. Not API: visible only to
/// `@_spi(Fuzzing) import JuleHarness`.
@_spi(Fuzzing)
public enum HarnessParsers {
    /// A run's `checkpoint/state.json`, read as `JuleRunner` reads it before resuming; its epochs and period.
    public static func runState(at url: URL) throws -> (period: Int, epochs: Int, labels: Int) {
        let state = try JSONCoding.decode(RunState.self, from: url)
        return (state.period, state.epochs, state.labels.count)
    }

    /// Writes a run state (the seed corpus of the `run-state` target).
    public static func writeRunState(configurationHash: String, period: Int, epochs: Int, labels: [Int],
                                     trainerFile: String?, to url: URL) throws {
        var state = RunState(configurationHash: configurationHash, period: period, epochs: epochs, labels: labels,
                             neighbourCount: 20, initialClusters: Set(labels).count, trajectory: [],
                             timings: ["training": 1.5], startedAt: "2026-01-01T00:00:00Z", target: 2)
        state.trainerFile = trainerFile
        state.periodProgress = RunState.PeriodProgress(epochs: 1, losses: [0.25], seconds: 2)
        try AtomicFile.writeJSON(state, to: url)
    }
}
