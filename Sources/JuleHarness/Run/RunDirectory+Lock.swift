import Foundation

/// One writer per run folder. `jule train --out DIR` holds `DIR/lock` for the whole run: a second process on the
/// same folder would otherwise "resume" from the first one's live checkpoint and both would write the same files.
/// The file is a sweep cell's lock (`CellLock`, same name), so a train on a cell's folder and the cell exclude each
/// other, and a lock left by a dead process is taken over the same way.
extension RunDirectory {
    public var lock: URL { url.appendingPathComponent("lock") }

    /// Takes the folder's lock, or throws naming the live process that holds it.
    public func acquireWriterLock() throws -> CellLock {
        // Twice: a holder that exits between our attempt and the look at its pid leaves a free lock.
        for _ in 0..<2 {
            if let taken = try CellLock.acquire(lock) { return taken }
            if let holder = CellLock.holder(at: lock) { throw HarnessError.runDirectoryBusy(url, holder: holder) }
        }
        throw HarnessError.runDirectoryBusy(url, holder: "?")
    }
}
