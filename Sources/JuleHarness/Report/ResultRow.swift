import Foundation

/// Mean and sample standard deviation of a list of values.
public struct Summary: Codable, Sendable, Equatable {
    public var mean: Double
    public var std: Double
    public var count: Int

    public init(_ values: [Double]) {
        count = values.count
        mean = values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        if values.count > 1 {
            let m = mean
            std = (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
        } else {
            std = 0
        }
    }
}

/// How a measured mean compares with the paper's claim, at a tolerance.
public enum Verdict: String, Codable, Sendable {
    case reproduced, below, above

    /// The difference is compared rounded to 9 decimals: 0.932 − 0.922 is 0.010000000000000009 in binary floating
    /// point, which is no more than a tolerance of 0.01 (scores are printed to 3 decimals, 6 in the CSV files).
    public init(measured: Double, claimed: Double, tolerance: Double) {
        let difference = Self.rounded(measured - claimed), tolerance = Self.rounded(tolerance)
        if difference < -tolerance { self = .below }
        else if difference > tolerance { self = .above }
        else { self = .reproduced }
    }

    static func rounded(_ x: Double) -> Double { (x * 1e9).rounded() / 1e9 }
}

/// A tolerance as the user would write it: "0.01", "0", "0.005" (not "0.0" or "1e-05").
public enum ToleranceText {
    public static func of(_ tolerance: Double) -> String {
        var text = String(format: "%.9f", tolerance)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}

/// One measured metric of one variant against its claim (if the paper or a later paper gives one).
public struct MetricComparison: Codable, Sendable {
    public var variant: String          // "SF" | "RC"
    public var metric: String           // "NMI" | "ACC" | "ARI"
    public var measured: Summary
    public var claimed: Double?
    public var claimSource: String?
    public var difference: Double?
    public var verdict: Verdict?
}

/// The aggregate over seeds of one dataset under one setting (the dataset's defaults, or an ablation).
public struct ResultRow: Codable, Sendable {
    public var dataset: String
    /// "default", or the run's profile followed by the settings that differ from it (e.g. "port epochsPerPeriod=5").
    public var setting: String
    public var seeds: [UInt64]
    public var images: Int
    public var comparisons: [MetricComparison]
    public var seconds: Summary
    public var peakMemoryMiB: Double
    public var notes: [String]
    public var runIDs: [String]
    /// Seeds planned for this setting in the sweeps found beside the records, finished ones included (so a superset
    /// of `seeds`); empty when the records come from outside any sweep.
    public var plannedSeeds: [UInt64] = []
    /// Planned seeds whose sweep cell failed (its `failed.txt`) and has no record.
    public var failedSeeds: [UInt64] = []
    /// The claims of a planned setting with no finished run yet (then `comparisons` is empty).
    public var pendingClaims: [PendingClaim] = []
    /// Seeds whose final partition collapsed, per variant ("SF", "RC"): see `PartitionSizes.isCollapsed`.
    public var collapsedSeeds: [String: [UInt64]]?
    /// Seeds whose record.json scores disagree with their trajectory or label files (`RecordedScores`): edited by hand
    /// or damaged. They still count, marked, so that the row never changes silently.
    public var unverifiedSeeds: [UInt64]?
    /// Counted seeds whose run was made on other data than the dataset's cache holds now (re-imported or changed
    /// since: stale, `DatasetMatch.otherData`); nil when none.
    public var staleSeeds: [UInt64]?
    /// For a dataset without labels (`RunRecord.unlabelled`): each variant's final cluster count per seed, in seed
    /// order; there are no scores to compare. Nil for labelled data.
    public var unlabelledClusters: [String: [Int]]?

    public var isDefault: Bool { setting == "default" }
    public var hasRuns: Bool { !seeds.isEmpty }

    /// "5", or "2 of 5" while planned seeds are still missing.
    public var seedsText: String {
        plannedSeeds.count > seeds.count ? "\(seeds.count) of \(plannedSeeds.count)" : "\(seeds.count)"
    }

    /// `seedsText`, with how many of the counted runs are stale: "3 (3 stale)".
    public var seedsTextMarkingStale: String {
        guard let stale = staleSeeds, !stale.isEmpty else { return seedsText }
        return "\(seedsText) (\(stale.count) stale)"
    }

    /// True when every planned seed failed (and none has a run).
    public var everyPlannedSeedFailed: Bool { !failedSeeds.isEmpty && failedSeeds.count >= plannedSeeds.count }

    /// What a row without runs shows instead of numbers: "failed" when every planned seed failed, "not run yet"
    /// otherwise (with how many failed, if some did).
    public var unfinishedText: String {
        if everyPlannedSeedFailed { return "failed" }
        return failedSeeds.isEmpty ? "not run yet" : "not run yet (\(failedSeeds.count) failed)"
    }

    /// "3 clusters", or "3–5 clusters" when the seeds ended differently; nil for a variant the runs lack.
    public func unlabelledClustersText(_ variant: String) -> String? {
        guard let counts = unlabelledClusters?[variant], let low = counts.min(), let high = counts.max() else { return nil }
        return (low == high ? "\(low)" : "\(low)–\(high)") + " cluster" + (high == 1 ? "" : "s")
    }

    public func comparison(_ variant: String, _ metric: String) -> MetricComparison? {
        comparisons.first { $0.variant == variant && $0.metric == metric }
    }
}

/// A claimed number whose planned runs have not finished.
public struct PendingClaim: Codable, Sendable, Equatable {
    public var variant: String
    public var metric: String
    public var claimed: Double
    public var claimSource: String?
}
