import Foundation
import JuleData

/// A finished run against a re-run of its recorded configuration (`jule check`): the recorded outcome (initial
/// clusters, SF and RC scores, every clustering call of the trajectory; timings and machine excluded) and the bytes of
/// every output file that both run directories hold.
public struct RunComparison: Sendable {
    public struct Item: Sendable, Equatable {
        public let name: String
        public let same: Bool
        /// Where they differ (empty when the same).
        public let detail: String
    }

    /// The output files compared when both directories have them.
    public static let files = ["labels-sf.txt", "labels-rc.txt", "centroids.h5", "embeddings.h5", "model.ckpt"]

    public let items: [Item]
    public var identical: Bool { items.allSatisfy(\.same) }

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
            guard manager.fileExists(atPath: x.path), manager.fileExists(atPath: y.path) else { continue }
            let dx = try Data(contentsOf: x), dy = try Data(contentsOf: y)
            if dx == dy { items.append(Item(name: name, same: true, detail: "")); continue }
            if name.hasSuffix(".h5"), let values = try? Self.compareValues(x, y) {
                // Another HDF5 library version may lay out the same values differently: the values decide.
                items.append(Item(name: name, same: values.isEmpty, detail: values.isEmpty ? "" : values))
                continue
            }
            items.append(Item(name: name, same: false, detail: Self.firstDifference(dx, dy, text: name.hasSuffix(".txt"))))
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

    /// "line N" for text (a label file's line N is image N − 1), else "byte N"; or which one is shorter.
    static func firstDifference(_ x: Data, _ y: Data, text: Bool) -> String {
        let index = zip(x, y).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(x.count, y.count)
        if text {
            let line = x.prefix(index).reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            return "first difference at line \(line)"
        }
        return index < min(x.count, y.count) ? "first difference at byte \(index)" : "sizes \(x.count) and \(y.count) bytes"
    }
}
