import Foundation
import JuleCluster

/// `jule diff`: every measured number of the default settings against its claim, and whether any falls
/// below its claim by more than the tolerance (the command then exits non-zero).
public struct ClaimDiff {
    public let rows: [ResultRow]
    public let tolerance: Double

    public init(rows: [ResultRow], tolerance: Double) {
        self.rows = rows
        self.tolerance = tolerance
    }

    public struct Line: Sendable {
        public var dataset, variant, metric: String
        public var measured: Summary
        public var claimed: Double
        public var verdict: Verdict
        /// Seeds planned for this setting (0 when unknown).
        public var planned: Int = 0
        /// Counted seeds whose record is edited or whose run files are damaged (`ResultRow.unverifiedSeeds`).
        public var unverified: [UInt64] = []
    }

    /// Claimed metrics of the dataset-default rows (ablations are reported, never judged).
    public var lines: [Line] {
        rows.filter(\.isDefault).flatMap { row in
            row.comparisons.compactMap { c in
                guard let claimed = c.claimed, let verdict = c.verdict else { return nil }
                return Line(dataset: row.dataset, variant: c.variant, metric: c.metric, measured: c.measured,
                            claimed: claimed, verdict: verdict, planned: row.plannedSeeds.count,
                            unverified: row.unverifiedSeeds ?? [])
            }
        }
    }

    public var failures: [Line] { lines.filter { $0.verdict == .below } }

    /// Claimed numbers of planned default runs that have not finished: (dataset, claim, planned seeds, failed seeds).
    public var notRun: [(dataset: String, claim: PendingClaim, planned: Int, failed: Int)] {
        rows.filter { $0.isDefault && !$0.hasRuns }.flatMap { row in
            row.pendingClaims.map { (row.dataset, $0, row.plannedSeeds.count, row.failedSeeds.count) }
        }
    }

    public func text() -> String {
        func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, width - s.count))
            return right ? fill + s : s + fill
        }
        let tolerance = ToleranceText.of(self.tolerance)
        guard !lines.isEmpty || !notRun.isEmpty else {
            // Settings without claims (an import, an ablation) whose every planned run failed: said, not left silent.
            let failed = rows.filter { !$0.hasRuns && $0.everyPlannedSeedFailed }
                .map { "failed: every planned run of \($0.dataset) (\($0.setting)) failed (\($0.failedSeeds.count) of \($0.plannedSeeds.count) seeds)\n" }
            return "nothing measured: no finished run with a dataset's default settings and a claim\n" + failed.joined()
        }
        var out = pad("dataset", 12) + " " + pad("variant", 7) + " " + pad("metric", 6) + " " + pad("measured", 15, right: true)
            + " " + pad("claimed", 8, right: true) + " " + pad("diff", 7, right: true) + "  verdict\n"
        for l in lines {
            let measured = l.measured.count > 1 ? "\(ScoreText.fixed(l.measured.mean)) ± \(ScoreText.fixed(l.measured.std))"
                                                : ScoreText.fixed(l.measured.mean)
            out += pad(l.dataset, 12) + " " + pad(l.variant, 7) + " " + pad(l.metric, 6) + " " + pad(measured, 15, right: true)
                + " " + pad(String(format: "%.3f", l.claimed), 8, right: true)
                + " " + pad(ScoreText.difference(l.measured.mean - l.claimed, tolerance: self.tolerance), 7, right: true)
                + "  \(l.verdict.rawValue) (n=\(l.measured.count)\(l.planned > l.measured.count ? " of \(l.planned)" : ""))"
                + (l.unverified.isEmpty ? "" : "; unverified: seed\(l.unverified.count > 1 ? "s" : "") "
                    + l.unverified.map(String.init).joined(separator: ", ")) + "\n"
        }
        // As the report's table: "failed" when every planned seed failed, "not run" otherwise (with how many failed).
        for (dataset, claim, planned, failed) in notRun {
            let everyFailed = failed > 0 && failed >= planned
            let why = everyFailed ? "failed (\(failed) of \(planned) planned seeds)"
                : "not measured (0 of \(planned) planned seeds\(failed > 0 ? ", \(failed) failed" : ""))"
            out += pad(dataset, 12) + " " + pad(claim.variant, 7) + " " + pad(claim.metric, 6)
                + " " + pad(everyFailed ? "failed" : "not run", 15, right: true)
                + " " + pad(String(format: "%.3f", claim.claimed), 8, right: true) + " " + pad("–", 7, right: true)
                + "  \(why)\n"
        }
        let failedClaims = notRun.filter { $0.failed > 0 && $0.failed >= $0.planned }.count
        let unfinished = notRun.count - failedClaims
        var pending = ""
        if failedClaims > 0 { pending += "\(failedClaims) claimed numbers not measured: every planned run of their dataset failed (jule sweep status names why)\n" }
        if unfinished > 0 { pending += "\(unfinished) claimed numbers not measured yet: their planned runs have not finished\n" }
        if lines.isEmpty {
            return out + "nothing measured: none of the \(notRun.count) claimed numbers has a finished run\n" + pending
        }
        let failed = failures.count, unverified = lines.filter { !$0.unverified.isEmpty }.count
        if failed > 0 { out += "\(failed) of \(lines.count) measured claimed numbers below their claim by more than \(tolerance)\n" }
        // An edited or damaged record's number proves nothing, whatever its verdict: never "all reproduced" then, and
        // the last line says why the diff fails.
        if failed == 0 && unverified == 0 {
            out += "all \(lines.count) measured claimed numbers reproduced within \(tolerance) or above\n"
        }
        out += "below: claimed − measured > \(tolerance), above: measured − claimed > \(tolerance), on the difference rounded to 9 decimals\n"
        out += pending
        if unverified > 0 {
            out += "the diff fails: \(unverified) of \(lines.count) measured claimed numbers unverified (a counted record edited "
                + "or its run's files damaged; the warnings name them)\n"
        }
        return out
    }
}
