import Foundation

extension SweepDirectory {
    /// What a sweep folder holds: its manifest, the cells, the Slurm scripts (`jule sweep slurm`) and a report
    /// written beside the records (`jule report --records DIR`, the Slurm report job's default).
    static let sweepFileNames: Set<String> = ["manifest.json", "cells", "slurm", "README.md", "summary.csv",
                                              "summary.json", "runs.md", "runs.csv", "plots"]

    /// Refuses a folder that holds anything but a sweep's own files (`--out ~/photos`, or a `jule train --out` run
    /// folder): the manifest and cells would land among them, as `RunDirectory.checkHoldsNoOtherFiles` refuses for a
    /// run. Hidden and empty files pass, as there.
    public func checkHoldsNoOtherFiles() throws {
        guard let more = RunDirectory.otherFiles(in: url, besides: Self.sweepFileNames) else { return }
        throw HarnessError.unwritableDirectory(url, reason: "it holds files that are not a sweep's (\(more)), which the "
            + "sweep's files would land among; choose a new or empty folder")
    }
}
