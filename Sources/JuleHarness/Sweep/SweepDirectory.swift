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
    case done, running, failed, pending
}

extension SweepDirectory {
    /// A cell is done when its record exists and was made with the cell's configuration; running while a live
    /// process holds its lock; failed when its last attempt left `failed.txt`; pending otherwise.
    public func state(of cell: SweepCell) -> CellState {
        let record = run(cell).record
        if let data = try? Data(contentsOf: record),
           let done = try? JSONDecoder().decode(RunRecord.self, from: data), done.configurationHash == cell.configurationHash {
            return .done
        }
        if CellLock.holder(at: lock(cell)) != nil { return .running }
        if FileManager.default.fileExists(atPath: failure(cell).path) { return .failed }
        return .pending
    }

    public func failureReason(of cell: SweepCell) -> String? {
        (try? String(contentsOf: failure(cell), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
