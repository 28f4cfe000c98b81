import Foundation
import JuleData
import JuleHarness

/// A run record without the fields that differ between two runs of the same configuration on the same machine:
/// clock times (`startedAt`, `finishedAt`, `timings`, each trajectory entry's `seconds`), peak memory, and whether
/// the run was resumed. What remains — configuration, seed, dataset digest, scores, trajectory — must be identical
/// between an interrupted-and-resumed run and an uninterrupted one (the fault-injection driver checks it).
public enum RecordComparison {
    public static func stable(_ url: URL) throws -> Data {
        var record = try JSONCoding.decode(RunRecord.self, from: url)
        record.startedAt = ""
        record.finishedAt = ""
        record.timings = [:]
        record.peakMemoryMiB = 0
        record.resumed = false
        for i in record.trajectory.indices { record.trajectory[i].seconds = 0 }
        return try JSONCoding.encode(record)
    }
}

/// Reads every dataset of an HDF5 file's root group (the fault-injection driver's check of `centroids.h5`).
public enum HDF5Check {
    public static func readAll(_ url: URL) throws {
        let file = try HDF5File.open(at: url)
        for name in try file.objectNames() { _ = try file.read(name, as: Double.self) }
    }
}
