import Foundation

extension SweepDirectory {
    /// A finished cell needs no checkpoints any more; a kill between writing its record and removing them leaves
    /// them behind (issue 20, fault injection: 4.6 MB per USPS cell, kept forever). Called for every cell found done.
    func removeLeftoverCheckpoints(of cell: SweepCell) {
        let checkpoints = run(cell).checkpointDirectory
        if FileManager.default.fileExists(atPath: checkpoints.path) { try? FileManager.default.removeItem(at: checkpoints) }
    }
}
