import Foundation
import JuleData

/// Errors of the harness layer. Each description is one line naming the file or value and what is wrong.
public enum HarnessError: Error, CustomStringConvertible {
    case invalidConfiguration(String)
    case invalidOverride(key: String, reason: String)
    case unreadableFile(URL, reason: String)
    case malformedFile(URL, reason: String)
    case manifestMismatch(URL, reason: String)
    case cellIndexOutOfRange(index: Int, count: Int)
    case cellFailed(id: String, reason: String)
    case noRecords(URL)
    case resumeMismatch(URL, reason: String)
    case phaseFailed(phase: String, underlying: Error)
    case interrupted(period: Int)
    case unwritableDirectory(URL, reason: String)
    /// A finished run of another configuration: the settings that differ (`ConfigurationDifference`), recorded → asked.
    case finishedRunExists(URL, runID: String, differences: [String])
    /// A finished run (`runID`) or a checkpoint (`runID` nil) in a run directory made on other data: the content
    /// digests it recorded and the cache's now.
    case otherData(URL, runID: String?, recorded: String, current: String)
    /// A finished run that a command would read beside today's data (show, eval, check), made on other data than the
    /// cached dataset holds now: the content digests it recorded and the cache's now (`DatasetMatch`).
    case runOnOtherData(URL, runID: String, dataset: String, recorded: String, current: String)
    /// An unfinished run (a checkpoint) in a run directory made with other settings than the command gives: how far it
    /// got and the settings that differ (`ConfigurationDifference`).
    case checkpointOfOtherConfiguration(URL, progress: String, differences: [String])
    /// A finished run (`record.json` in the directory) whose imported dataset is no longer in the cache: the cache
    /// folder and, when the record says, the path it was imported from.
    case runDatasetMissing(URL, dataset: String, cache: URL, importedFrom: String?)
    /// A sweep cell's dataset that is neither in the registry nor imported in this cache (removed since the plan, or
    /// another cache): said as such, not as an unknown name followed by every known one.
    case sweepDatasetMissing(dataset: String, cache: URL)
    /// A run folder whose lock (`RunDirectory.lock`) a live process holds: "host pid" as `CellLock.holder` gives it.
    case runDirectoryBusy(URL, holder: String)
    /// A file of a finished run that does not hold what its record says (`RunDirectory.damage(of:)`): the file, what
    /// is wrong with it, and what that means for the command ("nothing to compare against").
    case damagedRun(URL, problem: String, consequence: String)
    /// A montage (`ClusterMontage`) whose planned size is above its limits: refused before the canvas is allocated.
    case pictureTooLarge(width: Int, height: Int, maxPixels: Int, maxSide: Int, rows: Int, imageWidth: Int, imageHeight: Int)

    /// One line: text quoted from an input (a JSON key, a file's line) is escaped (`MessageText.oneLine`).
    public var description: String { MessageText.oneLine(text) }

    private var text: String {
        switch self {
        case let .invalidConfiguration(why): return "invalid configuration: \(why)"
        case let .pictureTooLarge(width, height, maxPixels, maxSide, rows, imageWidth, imageHeight):
            return "the montage would be \(width)x\(height) pixels (\(rows) rows of \(imageWidth)x\(imageHeight) images), above "
                + "the limit of \(maxPixels / 1_000_000) million pixels and \(maxSide) a side: "
                + "choose a smaller --height or --per-row, or --only-mixed"
        case let .invalidOverride(key, why): return "override '\(key)': \(why)"
        case let .unreadableFile(url, why): return "\(url.path): cannot read: \(why)"
        case let .malformedFile(url, why): return "\(url.path): \(why)"
        case let .manifestMismatch(url, why): return "\(url.path): \(why). Re-plan with: jule sweep plan"
        case let .cellIndexOutOfRange(i, n): return "cell index \(i) out of range: the manifest has \(n) cells (0...\(max(n - 1, 0)))"
        case let .cellFailed(id, why): return "cell \(id) failed: \(why)"
        case let .noRecords(url): return "\(url.path): no run records found (--records names the folder to search). Run: jule sweep run or jule train --out DIR"
        case let .resumeMismatch(url, why): return "\(url.path): \(why)"
        case let .phaseFailed(phase, error):
            return "\(phase): " + (FileErrorText.isFoundationError(error) ? FileErrorText.describe(error) : "\(error)")
        case let .interrupted(period): return "interrupted after period \(period); run again to resume"
        case let .unwritableDirectory(url, why): return "\(url.path): cannot write there: \(why)"
        case let .finishedRunExists(url, runID, differences):
            let named = differences.isEmpty ? "another configuration" : "other settings (\(differences.joined(separator: ", ")))"
            return "\(url.path) holds the finished run \(runID), made with \(named); not overwritten. "
                + "Choose another --out, or add --force to replace it (the old run is moved aside, not deleted)"
        case let .otherData(url, runID, recorded, current):
            let digests = "dataset digest \(recorded.prefix(12))…, now \(current.prefix(12))…"
            guard let runID else {
                return "\(url.path): its checkpoint was saved on other data (\(digests)); not resumed. "
                    + "Add --force to start over on the current data (the checkpoint is discarded; for a sweep cell, "
                    + "delete \(url.appendingPathComponent("checkpoint").path))"
            }
            return "\(url.path) holds the finished run \(runID), made on other data (\(digests)); not reused. "
                + "Add --force to run it again on the current data (the old run is moved aside, not deleted)"
        case let .runOnOtherData(url, runID, dataset, recorded, current):
            return "\(url.path): run \(runID) was made on other \(dataset) data than the cache holds now (dataset digest "
                + "\(recorded.prefix(12))…, now \(current.prefix(12))…: re-imported or changed since); its labels and scores "
                + "describe the old images, so it is not used. Re-import the data it was made on, or make the run again on the current data (the same "
                + "jule train … --out \(url.path) --force, or jule sweep run for a sweep cell)"
        case let .checkpointOfOtherConfiguration(url, progress, differences):
            return "\(url.path) holds an unfinished run (\(progress)) made with other settings (\(differences.joined(separator: ", "))); "
                + "not resumed. Run it with its own settings to resume, choose another --out, or add --force to start "
                + "over (the unfinished run is moved aside, not deleted)"
        case let .runDatasetMissing(url, dataset, cache, source):
            // As the user gave it (`runs/x`, not the absolute path).
            return "run \(url.relativePath) used imported dataset \(dataset), which is not in the cache \(cache.path); re-import it "
                + "(jule data import \(dataset) --from \(source ?? "PATH")\(source == nil ? ", the images it was imported from" : ""))"
        case let .sweepDatasetMissing(dataset, cache):
            return "dataset \(dataset) is neither in the registry nor imported in the cache \(cache.path) (removed since "
                + "the sweep was planned, or another cache); import it again (jule data import \(dataset) --from PATH) or give "
                + "the cache it was imported into (--cache or JULE_CACHE)"
        case let .damagedRun(url, problem, consequence):
            // As the user gave it (`runs/x/model.ckpt`, not the absolute path).
            return "\(url.relativePath): \(problem); \(consequence)"
        case let .runDirectoryBusy(url, holder):
            let (who, elsewhere) = CellLock.describe(holder: holder)
            // A process on another host cannot be checked from here: if it is gone, only the user can say so.
            let gone = elsewhere ? "; if that process is gone, remove \(url.appendingPathComponent("lock").relativePath) and run again" : ""
            return "another jule train or jule check --out (\(who)) is writing \(url.relativePath)\(gone)"
        }
    }
}
