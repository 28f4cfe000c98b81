import Foundation
import JuleData

/// The files of a sweep: `manifest.json` and one run directory per cell under `cells/<cell-id>/`.
/// Every cell writes only inside its own directory, so cells never contend for a file.
public struct SweepDirectory: Sendable {
    public let url: URL
    public init(_ url: URL) { self.url = url }

    public var manifest: URL { url.appendingPathComponent("manifest.json") }
    public func run(_ cell: SweepCell) -> RunDirectory { RunDirectory(url.appendingPathComponent("cells/\(cell.id)")) }
    public func lock(_ cell: SweepCell) -> URL { run(cell).url.appendingPathComponent("lock") }
    func failure(_ cell: SweepCell) -> URL { run(cell).url.appendingPathComponent("failed.txt") }
    func log(_ cell: SweepCell) -> URL { run(cell).url.appendingPathComponent("cell.log") }
}

/// Where a cell stands.
public enum CellState: String, Codable, Sendable, CaseIterable {
    /// Finished with the cell's configuration (on the data the dataset's cache holds now, where that can be told).
    case done
    /// Finished, but on other data than the dataset's cache holds now (`DatasetMatch.otherData`: re-imported or
    /// changed since): not done, `jule sweep run` redoes it and moves the old run aside.
    case stale
    /// A `record.json` that cannot be read (truncated, not JSON, wrong fields): not done; `jule sweep run` moves it
    /// aside like a stale run and redoes the cell.
    case unreadable = "unreadable record"
    /// Finished, but one of its files does not hold what its record says (`RunDirectory.damage(of:)`: a model.ckpt
    /// failing its sha256, a label file that does not read or has other counts): not done, as `jule train` would not
    /// call it complete; `jule sweep run` moves it aside and redoes the cell. A missing file is not damage (committed
    /// cells have no model.ckpt).
    case damaged
    case running, failed, pending
}

extension SweepDirectory {
    /// A cell is done when its record exists and was made with the cell's configuration, and, given `digests`, on the
    /// data its dataset's cache holds now (stale otherwise; a record too old to tell counts as done); running while a
    /// live process holds its lock; damaged when a file of its finished run is (`damage(of:)`); unreadable when its record cannot be read; failed when its last attempt left
    /// `failed.txt`; pending otherwise.
    public func state(of cell: SweepCell, digests: DatasetDigests? = nil) -> CellState {
        if let record = finishedRecord(of: cell) {
            if run(cell).damage(of: record) != nil { return CellLock.holder(at: lock(cell)) != nil ? .running : .damaged }
            guard let digests, case .otherData? = try? digests.match(record) else { return .done }
            return CellLock.holder(at: lock(cell)) != nil ? .running : .stale
        }
        if CellLock.holder(at: lock(cell)) != nil { return .running }
        if unreadableRecordReason(of: cell) != nil { return .unreadable }
        if FileManager.default.fileExists(atPath: failure(cell).path) { return .failed }
        return .pending
    }

    /// The record of the cell's finished run, when there is one made with the cell's configuration.
    public func finishedRecord(of cell: SweepCell) -> RunRecord? {
        guard let data = try? Data(contentsOf: run(cell).record),
              let record = try? JSONDecoder().decode(RunRecord.self, from: data),
              record.configurationHash == cell.configurationHash else { return nil }
        return record
    }

    /// The first damaged file of the cell's finished run and what is wrong with it; nil without a finished run or damage.
    public func damage(of cell: SweepCell) -> (file: URL, problem: String)? {
        finishedRecord(of: cell).flatMap { run(cell).damage(of: $0) }
    }

    /// How the cell's finished run stands against its dataset's cache now; nil without a finished run or a cache.
    public func dataMatch(of cell: SweepCell, digests: DatasetDigests) -> DatasetMatch? {
        finishedRecord(of: cell).flatMap { try? digests.match($0) }
    }

    /// Why the cell's `record.json` cannot be read (one line naming the file), or nil when it is absent or readable.
    public func unreadableRecordReason(of cell: SweepCell) -> String? {
        let url = run(cell).record
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do { _ = try JSONCoding.decode(RunRecord.self, from: url); return nil } catch { return "\(error)" }
    }

    /// Where a cell's output went, newest first: the Slurm task logs in the sweep's `slurm/` folder whose task is this
    /// cell (`cell-JOB_TASK.out`, or `cell-JOB_FIRST+TASK.out` for a later part of a split array), then the
    /// `cell.log` that `jule sweep run` appends to.
    public func logs(of cell: SweepCell) -> [URL] {
        let slurm = url.appendingPathComponent("slurm")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: slurm.path)) ?? []
        let tasks = names.filter { Self.slurmLogCell($0) == cell.index }.map { slurm.appendingPathComponent($0) }
        func modified(_ url: URL) -> Date { (try? url.resourceValues(forKeys: [.contentModificationDateKey]))?.contentModificationDate ?? .distantPast }
        let local = FileManager.default.fileExists(atPath: log(cell).path) ? [log(cell)] : []
        return tasks.sorted { modified($0) > modified($1) } + local
    }

    /// The cell index a Slurm task log's name stands for (`SlurmScripts.Part.logName`), or nil for any other file.
    static func slurmLogCell(_ name: String) -> Int? {
        guard name.hasPrefix("cell-"), name.hasSuffix(".out"),
              let task = name.dropFirst(5).dropLast(4).split(separator: "_").last,
              name.dropFirst(5).dropLast(4).split(separator: "_").count == 2 else { return nil }
        let parts = task.split(separator: "+", omittingEmptySubsequences: false).map { Int($0) }
        guard !parts.isEmpty, parts.count <= 2, parts.allSatisfy({ ($0 ?? -1) >= 0 }) else { return nil }
        return parts.reduce(0) { $0 + $1! }
    }

    public func failureReason(of cell: SweepCell) -> String? {
        (try? String(contentsOf: failure(cell), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
