import Foundation

extension SweepDirectory {
    /// What writing `manifest` over this directory's manifest would leave behind: the cells of the current manifest
    /// that the new one does not plan, and how many of them have a folder under `cells/` (a run, finished or not).
    /// Nil when there is no manifest yet or every planned cell stays planned (the same sweep file, or one that only
    /// adds cells). Such cells would stay on disk, outside every status and run, while `jule report` still reads them.
    public func cellsDropped(by manifest: SweepManifest) throws -> (dropped: [SweepCell], withFolders: Int)? {
        guard FileManager.default.fileExists(atPath: self.manifest.path) else { return nil }
        let current = try SweepManifest.load(from: self.manifest)
        let kept = Set(manifest.cells.map(\.id))
        let dropped = current.cells.filter { !kept.contains($0.id) }
        guard !dropped.isEmpty else { return nil }
        let withFolders = dropped.filter { FileManager.default.fileExists(atPath: run($0).url.path) }.count
        return (dropped, withFolders)
    }

    /// A cell folder whose lock a live process holds (a `jule sweep run` or `sweep cell` at work), as its id and
    /// "pid N" ("pid N on HOST" for another host's); nil when none is.
    public func runningCell() throws -> (id: String, holder: String)? {
        let cells = url.appendingPathComponent("cells")
        let ids = ((try? FileManager.default.contentsOfDirectory(atPath: cells.path)) ?? []).sorted()
        for id in ids {
            guard let holder = CellLock.holder(at: cells.appendingPathComponent("\(id)/lock")) else { continue }
            return (id, CellLock.describe(holder: holder).who)
        }
        return nil
    }
}

extension SweepDirectory {
    /// The `record.json` files under `cells/` whose folder is no cell of `manifest` (left by a re-plan with --force),
    /// runs moved aside not included; sorted by path. `jule sweep status` and `jule report` name them.
    public func unplannedRecords(of manifest: SweepManifest) -> [URL] {
        let cells = url.appendingPathComponent("cells")
        let planned = Set(manifest.cells.map(\.id))
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cells.path)) ?? []
        return names.sorted().filter { !planned.contains($0) && !RunDirectory.isMovedAside($0) }
            .map { cells.appendingPathComponent($0).appendingPathComponent("record.json") }
            .filter { FileManager.default.fileExists(atPath: $0.path) }
    }
}
