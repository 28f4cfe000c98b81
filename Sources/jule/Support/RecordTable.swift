import Foundation
import JuleCluster
import JuleData
import JuleHarness

/// The SF/RC table printed at the end of `jule train`, beside the claims of datasets.json ("no claim" for a
/// dataset without any: an import, a class subset); an unlabelled run shows its cluster counts only.
enum RecordTable {
    static func text(_ record: RunRecord, claims: [Claim]) -> String {
        var out = "\n\(record.dataset), seed \(record.seed), \(record.images) images, \(record.initialClusters) initial clusters, "
        out += String(format: "%.0f s, peak %.0f MiB\n", record.timings["total"] ?? 0, record.peakMemoryMiB)
        if record.unlabelled == true {
            let final = { (phase: String) in record.trajectory.last { $0.phase == phase }?.scores.clusters }
            out += "unlabelled dataset: no metrics\n"
            if let sf = final("SF") { out += "JULE-SF  \(sf) clusters\n" }
            if let rc = final("RC") { out += "JULE-RC  \(rc) clusters\n" }
            return out
        }
        // Fixed-width columns, padded by characters (the claim column holds "(0.913)", "(  –  )" or "no claim").
        let widths = [7, 5, 9, 5, 9, 5]
        func line(_ cells: [String]) -> String {
            zip(cells, widths + [0]).map { cell, width in cell + String(repeating: " ", count: max(0, width - cell.count)) }
                .joined(separator: "  ") + "\n"
        }
        out += line(["variant", "NMI", "(claimed)", "ACC", "(claimed)", "ARI", "clusters"])
        for (variant, scores) in [("JULE-SF", record.sf), ("JULE-RC", record.rc)] {
            guard let s = scores else { continue }
            let v = String(variant.suffix(2))
            func claim(_ metric: String) -> String {
                if claims.isEmpty { return "no claim" }
                return claims.first { $0.metric.uppercased() == metric && $0.variant.uppercased() == v }
                    .map { String(format: "(%.3f)", $0.value) } ?? "(  –  )"
            }
            let number = { (x: Double) in ScoreText.fixed(x) }
            out += line([variant, number(s.nmi), claim("NMI"), number(s.acc), claim("ACC"), number(s.ari), String(s.clusters)])
        }
        return out
    }
}
