import Foundation
import JuleCompute
import JuleData

/// A finished run against a re-run of its recorded configuration (`jule check`): the recorded outcome (initial
/// clusters, SF and RC scores, every clustering call of the trajectory; timings and machine excluded) and the bytes of
/// every output file that either run directory holds. A file only the re-run holds is listed as not compared (a clean
/// clone has no `model.ckpt`: it is gitignored), so that "identical" never covers a file nobody looked at.
public struct RunComparison: Sendable {
    public enum Status: Sendable, Equatable {
        case same
        /// Where they differ.
        case differs(String)
        /// Why the file was not compared (it is not in the recorded run's folder).
        case notCompared(String)
    }

    public struct Item: Sendable, Equatable {
        public let name: String
        public let status: Status
        public var same: Bool { status == .same }
        public var differs: Bool { if case .differs = status { true } else { false } }

        init(name: String, same: Bool, detail: String) {
            self.name = name
            status = same ? .same : .differs(detail)
        }

        init(name: String, status: Status) {
            self.name = name
            self.status = status
        }

        /// The name without its parenthesis ("trajectory"), for the verdict line.
        public var shortName: String { name.components(separatedBy: " (").first ?? name }

        /// "same", "DIFFERS, <where>" or "<why>, not compared".
        public var summary: String {
            switch status {
            case .same: "same"
            case .differs(let detail): "DIFFERS, \(detail)"
            case .notCompared(let reason): "\(reason), not compared"
            }
        }
    }

    /// The output files compared when both directories have them.
    public static let files = ["labels-sf.txt", "labels-rc.txt", "clusters.tsv", "centroids.h5", "embeddings.h5", "model.ckpt"]
    /// Why an output file of the re-run was not compared: the recorded run's folder lacks it.
    public static let notInRunFolder = "not in the run folder"
    /// Why the recorded run's clusters.tsv was not compared: the dataset as cached now has no file names.
    public static let noFileNames = "the re-run wrote none (the dataset as imported now has no file names; "
        + "import it again from its image files to compare it)"

    public let items: [Item]
    /// Nothing that was compared differs (files that were not compared are listed in `notCompared`).
    public var identical: Bool { !items.contains(where: \.differs) }
    /// The items compared and found the same, in order.
    public var same: [Item] { items.filter(\.same) }
    /// The items that were not compared, in order.
    public var notCompared: [Item] { items.filter { if case .notCompared = $0.status { true } else { false } } }

    public init(original: URL, rerun: URL) throws {
        let a = try JSONCoding.decode(RunRecord.self, from: original.appendingPathComponent("record.json"))
        let b = try JSONCoding.decode(RunRecord.self, from: rerun.appendingPathComponent("record.json"))
        var items: [Item] = []
        func scores(_ r: RunRecord) -> String {
            [("SF", r.sf), ("RC", r.rc)].compactMap { name, s in
                s.map { "\(name) NMI \($0.nmi) ACC \($0.acc) ARI \($0.ari) clusters \($0.clusters)" }
            }.joined(separator: ", ")
        }
        let sameScores = a.sf == b.sf && a.rc == b.rc && a.initialClusters == b.initialClusters
        items.append(Item(name: "scores", same: sameScores,
                          detail: sameScores ? "" : "recorded \(scores(a)); re-run \(scores(b))"))
        // Seconds are the machine's, not the run's result; fields the recorded run's code did not write yet are skipped.
        let (ta, tb) = (a.trajectory, b.trajectory)
        let differences = zip(ta, tb).map(Self.fields)
        let detail: String
        if let i = differences.firstIndex(where: { !$0.isEmpty }) {
            detail = "first difference at call \(i + 1) (\(ta[i].phase) \(ta[i].period)): " + differences[i]
        } else if ta.count != tb.count {
            detail = "\(ta.count) calls recorded, \(tb.count) in the re-run"
        } else {
            detail = ""
        }
        items.append(Item(name: "trajectory (\(ta.count) clustering calls)", same: detail.isEmpty, detail: detail))
        let manager = FileManager.default
        for name in Self.files {
            let x = original.appendingPathComponent(name), y = rerun.appendingPathComponent(name)
            let (inOriginal, inRerun) = (manager.fileExists(atPath: x.path), manager.fileExists(atPath: y.path))
            switch (inOriginal, inRerun) {
            case (false, false): continue  // not an output of this kind of run (no RC, no --save-embeddings)
            case (false, true): items.append(Item(name: name, status: .notCompared(Self.notInRunFolder))); continue
            case (true, false) where name == "clusters.tsv":
                // The table names each image's file; a dataset imported since from a format without file names (its
                // pixels and labels are the same, or the run would be stale) gives the re-run none to write.
                items.append(Item(name: name, status: .notCompared(Self.noFileNames))); continue
            case (true, false): items.append(Item(name: name, same: false, detail: "the re-run wrote no such file")); continue
            case (true, true): break
            }
            let dx = try Data(contentsOf: x), dy = try Data(contentsOf: y)
            if dx == dy { items.append(Item(name: name, same: true, detail: "")); continue }
            if name.hasSuffix(".h5"), let values = try? Self.compareValues(x, y) {
                // Another HDF5 library version may lay out the same values differently: the values decide.
                items.append(Item(name: name, same: values.isEmpty, detail: values.isEmpty ? "" : values))
                continue
            }
            // A model an older build wrote differs in its format version and header checksum alone: the state it
            // holds decides (a file that does not read falls through to the bytes).
            if name.hasSuffix(".ckpt"), let content = Result(catching: { try CheckpointContent.difference(x, y) }).success {
                items.append(Item(name: name, same: content == nil, detail: content ?? ""))
                continue
            }
            items.append(Item(name: name, same: false, detail: Self.firstDifference(dx, dy, text: name.hasSuffix(".txt") || name.hasSuffix(".tsv"))))
        }
        self.items = items
    }

    /// The fields of two clustering calls that differ, as `name recorded → re-run`: every stored field but the seconds
    /// (nested ones as `scores.nmi`), numbers in Swift's shortest exact form; a field the recorded run does not have
    /// (written before it existed) is not compared.
    static func fields(_ a: PeriodRecord, _ b: PeriodRecord) -> String {
        func flat(_ value: Any, _ path: String, _ out: inout [String: String]) {
            let mirror = Mirror(reflecting: value)
            switch mirror.displayStyle {
            case .optional?: if let wrapped = mirror.children.first?.value { flat(wrapped, path, &out) }
            case .struct?:
                for child in mirror.children {
                    guard let label = child.label else { continue }
                    flat(child.value, path.isEmpty ? label : "\(path).\(label)", &out)
                }
            default: out[path] = String(describing: value)
            }
        }
        var x: [String: String] = [:], y: [String: String] = [:]
        flat(a, "", &x)
        flat(b, "", &y)
        return x.keys.sorted().filter { $0 != "seconds" && x[$0] != y[$0] }
            .map { "\($0) \(x[$0] ?? "none") → \(y[$0] ?? "none")" }.joined(separator: ", ")
    }

    /// Compares every dataset of two HDF5 files by value (exactly; float32 widens to double without rounding):
    /// empty when all are the same, else what differs.
    static func compareValues(_ x: URL, _ y: URL) throws -> String {
        let fx = try HDF5File.open(at: x), fy = try HDF5File.open(at: y)
        defer { fx.close(); fy.close() }
        let names = try fx.objectNames(), others = try fy.objectNames()
        guard names == others else { return "datasets \(names) against \(others)" }
        var problems: [String] = []
        for name in names {
            let (vx, sx) = try fx.read(name, as: Double.self), (vy, sy) = try fy.read(name, as: Double.self)
            guard sx == sy else { problems.append("'\(name)' shape \(sx) against \(sy)"); continue }
            let differing = zip(vx, vy).filter { $0.bitPattern != $1.bitPattern }
            if differing.isEmpty { continue }
            let largest = differing.map { abs($0 - $1) }.max() ?? 0
            problems.append("'\(name)': \(differing.count) of \(vx.count) values differ (largest by \(largest))")
        }
        return problems.joined(separator: "; ")
    }

    /// "line N" for text (a label file's line N is image N − 1, `clusters.tsv`'s image N − 2), else "byte N"; or
    /// which one is shorter.
    static func firstDifference(_ x: Data, _ y: Data, text: Bool) -> String {
        let index = zip(x, y).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(x.count, y.count)
        if text {
            let line = x.prefix(index).reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            return "first difference at line \(line)"
        }
        return index < min(x.count, y.count) ? "first difference at byte \(index)" : "sizes \(x.count) and \(y.count) bytes"
    }
}

private extension Result {
    var success: Success? { if case let .success(value) = self { return value } else { return nil } }
}
