import Foundation

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
        // Seconds are the machine's, not the run's result.
        func untimed(_ t: [PeriodRecord]) -> [PeriodRecord] { t.map { var p = $0; p.seconds = 0; return p } }
        let (ta, tb) = (untimed(a.trajectory), untimed(b.trajectory))
        let call = zip(ta, tb).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? (ta.count == tb.count ? nil : min(ta.count, tb.count))
        items.append(Item(name: "trajectory (\(ta.count) clustering calls)", same: call == nil,
                          detail: call.map { i in
                              i < min(ta.count, tb.count)
                                  ? "first difference at call \(i + 1) (\(ta[i].phase) \(ta[i].period)): " + Self.fields(ta[i], tb[i])
                                  : "\(ta.count) calls recorded, \(tb.count) in the re-run"
                          } ?? ""))
        let manager = FileManager.default
        for name in Self.files {
            let x = original.appendingPathComponent(name), y = rerun.appendingPathComponent(name)
            guard manager.fileExists(atPath: x.path), manager.fileExists(atPath: y.path) else { continue }
            let dx = try Data(contentsOf: x), dy = try Data(contentsOf: y)
            if dx == dy { items.append(Item(name: name, same: true, detail: "")); continue }
            items.append(Item(name: name, same: false, detail: Self.firstDifference(dx, dy, text: name.hasSuffix(".txt"))))
        }
        self.items = items
    }

    /// The fields of two clustering calls that differ, as `name recorded → re-run`.
    static func fields(_ a: PeriodRecord, _ b: PeriodRecord) -> String {
        func flat(_ p: PeriodRecord) -> [String: String] {
            guard let data = try? JSONEncoder().encode(p),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
            var out: [String: String] = [:]
            for (key, value) in object {
                if let nested = value as? [String: Any] {
                    for (k, v) in nested { out["\(key).\(k)"] = "\(v)" }
                } else {
                    out[key] = "\(value)"
                }
            }
            return out
        }
        let x = flat(a), y = flat(b)
        return Set(x.keys).union(y.keys).sorted().filter { x[$0] != y[$0] }
            .map { "\($0) \(x[$0] ?? "none") → \(y[$0] ?? "none")" }.joined(separator: ", ")
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
