import Foundation

/// Scores as text with a fixed number of decimals, the one way every table, report and log line prints them.
///
/// A score that rounds to zero prints as `0.000`, never `-0.000`: ARI is negative for worse-than-chance partitions,
/// and a value such as −0.0001 (or an exact −0.0) would otherwise show a sign that the digits cannot back up.
/// With `signed`, positive values and zero get a `+` (differences such as measured − claimed).
public enum ScoreText {
    public static func fixed(_ value: Double, decimals: Int = 3, signed: Bool = false) -> String {
        let text = String(format: signed ? "%+.\(decimals)f" : "%.\(decimals)f", value)
        guard text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) else { return text }
        return (signed ? "+" : "") + text.dropFirst()
    }

    /// A difference measured − claimed, signed, beside a verdict taken at `tolerance`. The verdict compares the
    /// difference rounded to 9 decimals, so where 3 decimals would print it as ±tolerance itself (`+0.010 above` at 0.01), up to
    /// 6 are used, enough to show which side of the tolerance it lies on (`+0.0104`, `+0.0096`).
    public static func difference(_ value: Double, tolerance: Double) -> String {
        for decimals in 3..<6 where fixed(abs(value), decimals: decimals) != fixed(tolerance, decimals: decimals) {
            return fixed(value, decimals: decimals, signed: true)
        }
        return fixed(value, decimals: 6, signed: true)
    }
}
