/// The share of a run's work done, as the progress bar shows it: it never goes back, although the estimate of the
/// work left can grow (`TimeLeftEstimate` assumes each period merges ⌈η·n⌉ clusters; a period that stops early on
/// zero affinity, §3.5, adds one more, and the first timed clustering call can be slower than the epoch pace the
/// estimate assumed until then).
///
/// Until the estimate grows, the share is the plain `elapsed / (elapsed + left)`. When it would fall, the bar holds
/// what it showed and re-bases: from then on the part still empty stands for the new estimate of the work left,
///
///     share = s₀ + (1 − s₀) · (t − t₀) / ((t − t₀) + left)
///
/// with `s₀` the share shown and `t₀` the elapsed time at the re-base. So the bar stays honest about the work left
/// (it fills only as that work gets done) and reaches 100 % only when nothing is left; the time-left figure beside it
/// is the estimate itself, never adjusted.
public struct ProgressShare: Sendable {
    /// The share last returned, in [0, 1].
    public private(set) var shown = 0.0
    private var baseShare = 0.0
    private var baseElapsed = 0.0

    public init() {}

    /// The share to show after `elapsed` seconds with about `left` seconds of work still to do.
    public mutating func update(elapsed: Double, left: Double) -> Double {
        let since = max(0, elapsed - baseElapsed), remaining = max(0, left)
        let done = since + remaining > 0 ? since / (since + remaining) : 0
        let share = min(1, baseShare + (1 - baseShare) * done)
        if share < shown {
            // The estimate grew: hold, and let the empty part of the bar stand for the new work left.
            baseShare = shown
            baseElapsed = elapsed
            return shown
        }
        shown = share
        return share
    }
}
