import XCTest
@testable import JuleHarness

/// The progress bar's share: the plain elapsed share while the estimate holds, never lower when it grows.
final class ProgressShareTests: XCTestCase {
    func testPlainShareWhileTheEstimateHolds() {
        var share = ProgressShare()
        XCTAssertEqual(share.update(elapsed: 10, left: 30), 0.25, accuracy: 1e-12)
        XCTAssertEqual(share.update(elapsed: 20, left: 20), 0.5, accuracy: 1e-12)
        XCTAssertEqual(share.update(elapsed: 40, left: 0), 1, accuracy: 1e-12)
    }

    /// The new-user trial's bar went from 89 % ("about 0 s left") to 67 % when a period stopped early and one more
    /// period was added. Now it holds, then fills the rest in step with the new work left.
    func testGrowingEstimateHoldsThenFillsTheRest() {
        var share = ProgressShare()
        XCTAssertEqual(share.update(elapsed: 8, left: 1), 8.0 / 9, accuracy: 1e-12)
        XCTAssertEqual(share.update(elapsed: 9, left: 4.5), 8.0 / 9, accuracy: 1e-12, "held, not 67 %")
        // Half of the new work done since the re-base: half of the empty part filled.
        XCTAssertEqual(share.update(elapsed: 11, left: 2), 8.0 / 9 + (1.0 / 9) / 2, accuracy: 1e-12)
        XCTAssertEqual(share.update(elapsed: 13, left: 0), 1, accuracy: 1e-12, "full only when nothing is left")
    }

    /// A replay of a run whose second period merges less than ⌈η·n⌉ (the estimate then adds a period) and whose
    /// first timed clustering call is slower than the epoch pace assumed before it: the plain share goes back, the
    /// bar's does not.
    func testReplayOfARunWhoseEstimateGrowsNeverGoesBack() {
        var share = ProgressShare(), shares: [Double] = [], plain: [Double] = []
        replayRun { elapsed, left in
            plain.append(elapsed / (elapsed + left))
            shares.append(share.update(elapsed: elapsed, left: left))
        }
        XCTAssertTrue(zip(plain, plain.dropFirst()).contains { $1 < $0 }, "the replay must make the estimate grow: \(plain)")
        for (a, b) in zip(shares, shares.dropFirst()) { XCTAssertGreaterThanOrEqual(b, a, "\(shares)") }
        XCTAssertEqual(shares.last ?? 0, 1, accuracy: 1e-12)
    }

    /// Feeds a `TimeLeftEstimate` the events of a small run, 198 → 19 → 5 (stopped early; 3 estimated) → 3 clusters
    /// at two one-second epochs per period, and reports (elapsed, left) after each event that has an estimate.
    private func replayRun(_ report: (Double, Double) -> Void) {
        let schedule = RunSchedule(epochsPerPeriod: 2, maxEpochs: 1000, unrollingRate: 0.9, target: 3,
                                   rerunClustering: false, labelled: true)
        func clustered(_ period: Int, _ clusters: Int) -> RunEvent {
            .clustered(PeriodRecord(phase: "SF", period: period, scores: ClusteringScores(nmi: 0.5, acc: 0.5, ari: 0.5, clusters: clusters),
                                    loss: nil, epochs: 2 * period, merges: 0, neighbourCount: 20, seconds: 1))
        }
        let start = Date(timeIntervalSince1970: 1_000_000)
        var estimate = TimeLeftEstimate(), t = 0.0, epoch = 0
        func observe(_ event: RunEvent) {
            estimate.observe(event, at: start + t)
            if let left = estimate.secondsLeft { report(t, left) }
        }
        observe(.schedule(schedule))
        observe(clustered(0, 198))
        for (period, clusters) in [(1, 19), (2, 5), (3, 3)] {
            for _ in 0..<2 {
                t += 1; epoch += 1
                observe(.epoch(period: period, epoch: epoch, loss: 0.1, triplets: 100, seconds: 1))
            }
            t += period == 1 ? 3 : 0.5   // the first timed call is slower than an epoch
            observe(clustered(period, clusters))
        }
    }

    /// The bar's phase after a clustering call: the next training period while SF goes on, never once n* was reached
    /// in this period (the trial's bar showed "training period 4" after period 3 had ended SF).
    func testPhaseAfterTheLastSFPeriodIsNotTraining() {
        let schedule = RunSchedule(epochsPerPeriod: 2, maxEpochs: 10, unrollingRate: 0.9, target: 3, rerunClustering: true, labelled: true)
        func sf(_ period: Int, clusters: Int, epochs: Int) -> PeriodRecord {
            PeriodRecord(phase: "SF", period: period, scores: ClusteringScores(nmi: 0, acc: 0, ari: 0, clusters: clusters), loss: nil,
                         epochs: epochs, merges: 0, neighbourCount: 20, seconds: 1)
        }
        XCTAssertEqual(schedule.phase(after: sf(2, clusters: 9, epochs: 4)), "training period 3")
        XCTAssertEqual(schedule.phase(after: sf(3, clusters: 3, epochs: 6)), "final embeddings for JULE-RC")
        XCTAssertEqual(schedule.phase(after: sf(5, clusters: 9, epochs: 10)), "final embeddings for JULE-RC", "the epoch cap")
        var noRC = schedule
        noRC.rerunClustering = false
        XCTAssertEqual(noRC.phase(after: sf(3, clusters: 3, epochs: 6)), "final embeddings")
    }
}
