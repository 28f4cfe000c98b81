import XCTest
@testable import JuleHarness

/// The progress line's "about … left": from the events of a fresh run and of one resumed part-way through a period.
final class TimeLeftEstimateTests: XCTestCase {
    // COIL-100's shape: 2,200 initial clusters, η 0.9, n* 99: two periods (2,200 → 220 → 99) of 20 epochs.
    let schedule = RunSchedule(epochsPerPeriod: 20, maxEpochs: 1000, unrollingRate: 0.9, target: 99,
                               rerunClustering: true, labelled: true)
    let start = Date(timeIntervalSince1970: 1_000_000)

    func sf(_ period: Int, clusters: Int) -> RunEvent {
        .clustered(PeriodRecord(phase: "SF", period: period, scores: ClusteringScores(nmi: 0.5, acc: 0.5, ari: 0.5, clusters: clusters),
                                loss: nil, epochs: 20 * period, merges: 0, neighbourCount: 20, seconds: 1))
    }

    func testFreshRunCountsEveryPeriodLeft() {
        var estimate = TimeLeftEstimate()
        estimate.observe(.schedule(schedule), at: start)
        estimate.observe(sf(0, clusters: 2200), at: start)
        XCTAssertNil(estimate.secondsLeft, "no pace before the first epoch")
        estimate.observe(.epoch(period: 1, epoch: 1, loss: 0.1, triplets: 100, seconds: 100), at: start + 100)
        // 39 epochs at 100 s, two clustering calls and the RC call at the epoch pace (no call timed yet).
        XCTAssertEqual(estimate.secondsLeft!, 39 * 100 + 3 * 100, accuracy: 1e-9)
        for e in 2...20 {
            estimate.observe(.epoch(period: 1, epoch: e, loss: 0.1, triplets: 100, seconds: 100), at: start + Double(100 * e))
        }
        estimate.observe(sf(1, clusters: 220), at: start + 2000 + 50)   // a 50 s clustering call
        XCTAssertEqual(estimate.secondsLeft!, 20 * 100 + 2 * 50, accuracy: 1e-9)
    }

    /// A run resumed 9 epochs into period 1 (no clustering event before its first epoch) still has 31 epochs and two
    /// periods to go; it used to count from zero clusters and promise minutes.
    func testResumedRunCountsFromItsCheckpoint() {
        var resumed = schedule
        resumed.resumed = RunSchedule.Resume(clusters: 2200, epochs: 9, epochsIntoPeriod: 9)
        var estimate = TimeLeftEstimate()
        estimate.observe(.started(dataset: "COIL-100", images: 7098, target: 99, resumedFromPeriod: 0), at: start)
        estimate.observe(.schedule(resumed), at: start)
        estimate.observe(.epoch(period: 1, epoch: 10, loss: 0.1, triplets: 100, seconds: 100), at: start + 100)
        XCTAssertEqual(estimate.secondsLeft!, 30 * 100 + 3 * 100, accuracy: 1e-9)
    }

    /// The epoch cap bounds the epochs left.
    func testEpochCapBoundsTheEstimate() {
        var capped = schedule
        capped.maxEpochs = 25
        var estimate = TimeLeftEstimate()
        estimate.observe(.schedule(capped), at: start)
        estimate.observe(sf(0, clusters: 2200), at: start)
        estimate.observe(.epoch(period: 1, epoch: 1, loss: 0.1, triplets: 100, seconds: 10), at: start + 10)
        XCTAssertEqual(estimate.secondsLeft!, 24 * 10 + 3 * 10, accuracy: 1e-9)
    }
}
