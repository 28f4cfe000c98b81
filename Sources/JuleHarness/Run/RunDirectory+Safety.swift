import Foundation
import JuleData

/// Checks and moves that keep a run directory from losing a finished run or failing late.
extension RunDirectory {
    /// Creates the directory if needed and checks that it can be written, before any data is loaded.
    public func checkWritable() throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw HarnessError.unwritableDirectory(url, reason: "a file, not a folder (a run's files go into a folder)")
        }
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw HarnessError.unwritableDirectory(url, reason: FileErrorText.cause(error))
        }
        guard access(url.path, W_OK | X_OK) == 0 else {
            throw HarnessError.unwritableDirectory(url, reason: String(cString: strerror(errno)).lowercased())
        }
    }

    /// Refuses a folder that holds files of its own (`--out ~/photos`): the run's files would land among them, and a
    /// later `--force` would move them aside with the run. A run folder (a record or a checkpoint) is what re-running
    /// resumes or replaces, so it passes; so do hidden files (temporary files, `.DS_Store`) and empty ones (a log the
    /// shell opened for this very command, `2> DIR/train.log`, is empty when this runs).
    public func checkHoldsNoOtherFiles() throws {
        let fileManager = FileManager.default
        guard !fileManager.fileExists(atPath: record.path), !fileManager.fileExists(atPath: checkpointDirectory.path),
              let more = Self.otherFiles(in: url, besides: Self.runFileNames) else { return }
        throw HarnessError.unwritableDirectory(url, reason: "it holds files that are not a run's (\(more)), which the run's "
            + "files would land among; choose a new or empty folder")
    }

    /// The entries of `folder` other than `own`, hidden files and empty files, as "a.txt" or "a.txt and 2 more";
    /// nil when there are none (or the folder does not exist yet).
    static func otherFiles(in folder: URL, besides own: Set<String>) -> String? {
        let fileManager = FileManager.default
        guard let names = try? fileManager.contentsOfDirectory(atPath: folder.path) else { return nil }
        let others = names.filter { name in
            guard !name.hasPrefix("."), !own.contains(name) else { return false }
            let attributes = try? fileManager.attributesOfItem(atPath: folder.appendingPathComponent(name).path)
            let emptyFile = attributes?[.type] as? FileAttributeType == .typeRegular && (attributes?[.size] as? NSNumber)?.intValue == 0
            return !emptyFile
        }.sorted()
        guard let first = others.first else { return nil }
        return others.count == 1 ? first : "\(first) and \(others.count - 1) more"
    }

    /// What a run (or a sweep cell) writes into its folder; anything else was there before.
    static var runFileNames: Set<String> { Set(runFiles.keys) }

    /// Each file a run (or a sweep cell) writes into its folder, with what it is to the run ("its model").
    static var runFiles: [String: String] {
        let run = RunDirectory(URL(fileURLWithPath: "/"))
        return Dictionary(uniqueKeysWithValues: [
            (run.record, "its record"), (run.checkpointDirectory, "its checkpoint"), (run.model, "its model"),
            (run.centroids, "its centroids"), (run.sfLabels, "its JULE-SF labels"), (run.rcLabels, "its JULE-RC labels"),
            (run.clusterTable, "its cluster table"), (run.embeddings, "its embeddings"), (run.log, "its log"),
        ].map { ($0.lastPathComponent, $1) } + [("lock", "its lock"), ("failed.txt", "its failure note"), ("cell.log", "its cell log")])
    }

    /// The run folder that `file` belongs to, and what the file is to that run, when `file` is one of a run folder's
    /// own files (`runFiles`, or anything in its checkpoint folder); nil otherwise. A run folder is one that holds a
    /// record or a checkpoint. Symbolic links in the folders are followed, so another spelling of the same folder
    /// is caught too. A file an output option would write there (`jule embed --out`) would replace the run's.
    public static func runOwning(file: URL) -> (run: URL, role: String)? {
        let folder = file.deletingLastPathComponent().resolvingSymlinksInPath()
        let name = file.lastPathComponent
        if let role = runFiles[name], RunDirectory(folder).isRunFolder { return (folder, role) }
        let parent = RunDirectory(folder.deletingLastPathComponent())
        if folder.lastPathComponent == parent.checkpointDirectory.lastPathComponent, parent.isRunFolder {
            return (parent.url, "its checkpoint")
        }
        return nil
    }

    /// Whether this folder holds a run, finished (a record) or not (a checkpoint).
    var isRunFolder: Bool {
        FileManager.default.fileExists(atPath: record.path) || FileManager.default.fileExists(atPath: checkpointDirectory.path)
    }

    /// Whether a folder called `name` holds a run moved aside by `moveAside` (reports do not count it).
    public static func isMovedAside(_ name: String) -> Bool { name.contains(movedAsideMark) }

    static let movedAsideMark = ".replaced-"

    /// Renames this directory to a sibling `<name>.replaced-<runID>` (or with a numeric suffix when taken) and
    /// leaves an empty directory in its place; returns where the old run went. Files named in `keeping` stay (a sweep
    /// cell's lock and log, which the processes running it hold open), and so does the folder's lock always (the
    /// process moving the run aside is the one holding it): the rest is moved into the new sibling, the record first,
    /// so that an interruption leaves the run's record aside and no record in its place.
    public func moveAside(runID: String, keeping kept: Set<String> = []) throws -> URL {
        let fileManager = FileManager.default
        var kept = kept
        if fileManager.fileExists(atPath: lock.path) { kept.insert(lock.lastPathComponent) }
        let parent = url.deletingLastPathComponent()
        var target = parent.appendingPathComponent("\(url.lastPathComponent)\(Self.movedAsideMark)\(runID)")
        var n = 2
        while fileManager.fileExists(atPath: target.path) {
            target = parent.appendingPathComponent("\(url.lastPathComponent)\(Self.movedAsideMark)\(runID)-\(n)")
            n += 1
        }
        do {
            if kept.isEmpty {
                try fileManager.moveItem(at: url, to: target)
                try fileManager.createDirectory(at: url, withIntermediateDirectories: true)
            } else {
                try fileManager.createDirectory(at: target, withIntermediateDirectories: true)
                let names = try fileManager.contentsOfDirectory(atPath: url.path).filter { !kept.contains($0) }
                    .sorted { ($0 == record.lastPathComponent ? 0 : 1, $0) < ($1 == record.lastPathComponent ? 0 : 1, $1) }
                for name in names {
                    try fileManager.moveItem(at: url.appendingPathComponent(name), to: target.appendingPathComponent(name))
                }
            }
        } catch {
            throw HarnessError.unwritableDirectory(url, reason: "cannot move the old run aside to \(target.path) (\(FileErrorText.cause(error)))")
        }
        return target
    }
}
