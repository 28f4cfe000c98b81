import Foundation
import JuleData

/// How much compute a sweep still needs, for `jule sweep status`.
///
/// A cell with a checkpoint is projected from its own pace (`RunProgress.remainingSeconds`). A pending cell without
/// one costs what the other seeds of its setting cost: the mean total of the finished ones, or else the mean projected
/// total of the started ones. A setting with neither has no estimate; the sweep says how many such cells there are.
public struct SweepEstimate: Sendable {
    /// Estimated compute seconds left, per cell index; absent for done cells and cells without an estimate.
    public let remaining: [Int: Double]
    /// Cells not done that have no estimate.
    public let unestimated: Int
    public var totalSeconds: Double { remaining.values.reduce(0, +) }

    /// `classes` gives a dataset's n* for checkpoints that predate saving it (nil: unknown); `digests` tells stale
    /// cells (finished on other data), which cost what their own finished run did.
    public init(manifest: SweepManifest, directory: SweepDirectory, digests: DatasetDigests? = nil,
                classes: (String) -> Int? = { _ in nil }) {
        var finished: [String: [Double]] = [:], projected: [String: [Double]] = [:]
        var left: [Int: Double] = [:]
        var waiting: [(index: Int, setting: String)] = []
        for cell in manifest.cells {
            let setting = Self.setting(of: cell)
            let run = directory.run(cell)
            let state = directory.state(of: cell, digests: digests)
            if state == .done || state == .stale || state == .damaged {
                if let record = try? JSONCoding.decode(RunRecord.self, from: run.record), let total = record.timings["total"] {
                    finished[setting, default: []].append(total)
                    // Redone whole: it costs what its finished run did.
                    if state != .done { left[cell.index] = total }
                }
            } else if let progress = RunProgress(directory: run),
                      let target = cell.configuration.clusters ?? progress.target ?? cell.configuration.classLimit ?? classes(cell.dataset),
                      let seconds = progress.remainingSeconds(configuration: cell.configuration, target: target) {
                left[cell.index] = seconds
                projected[setting, default: []].append(progress.seconds + seconds)
            } else {
                waiting.append((cell.index, setting))
            }
        }
        var unestimated = 0
        for (index, setting) in waiting {
            if let costs = finished[setting] ?? projected[setting], !costs.isEmpty {
                left[index] = costs.reduce(0, +) / Double(costs.count)
            } else {
                unestimated += 1
            }
        }
        remaining = left
        self.unestimated = unestimated
    }

    /// Cells that differ only in their seed share a setting.
    private static func setting(of cell: SweepCell) -> String {
        var configuration = cell.configuration
        configuration.seed = 0
        return (try? configuration.hash()) ?? cell.id
    }
}
