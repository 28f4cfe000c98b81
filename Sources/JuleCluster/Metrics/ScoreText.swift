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
}
