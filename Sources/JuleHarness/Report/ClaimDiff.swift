import Foundation

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
    }

    /// Claimed metrics of the dataset-default rows (ablations are reported, never judged).
    public var lines: [Line] {
        rows.filter(\.isDefault).flatMap { row in
            row.comparisons.compactMap { c in
                guard let claimed = c.claimed, let verdict = c.verdict else { return nil }
                return Line(dataset: row.dataset, variant: c.variant, metric: c.metric, measured: c.measured,
                            claimed: claimed, verdict: verdict)
            }
        }
    }

    public var failures: [Line] { lines.filter { $0.verdict == .below } }

    public func text() -> String {
        var out = String(format: "%-14@ %-3@ %-4@ %18@ %8@ %8@  %@\n", "dataset" as NSString, "var" as NSString, "met" as NSString,
                         "measured" as NSString, "claimed" as NSString, "diff" as NSString, "verdict" as NSString)
        for l in lines {
            let measured = l.measured.count > 1 ? String(format: "%.3f ± %.3f", l.measured.mean, l.measured.std)
                                                : String(format: "%.3f", l.measured.mean)
            out += String(format: "%-14@ %-3@ %-4@ %18@ %8.3f %+8.3f  %@ (n=%d)\n", l.dataset as NSString, l.variant as NSString,
                          l.metric as NSString, measured as NSString, l.claimed, l.measured.mean - l.claimed,
                          l.verdict.rawValue as NSString, l.measured.count)
        }
        let failed = failures.count
        out += failed == 0 ? "all \(lines.count) claimed numbers reproduced within \(tolerance) or above\n"
                           : "\(failed) of \(lines.count) claimed numbers below their claim by more than \(tolerance)\n"
        return out
    }
}
