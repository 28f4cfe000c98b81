import Foundation
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
        out += "variant   NMI    (claimed)   ACC    (claimed)   ARI    clusters\n"
        for (variant, scores) in [("JULE-SF", record.sf), ("JULE-RC", record.rc)] {
            guard let s = scores else { continue }
            let v = String(variant.suffix(2))
            func claim(_ metric: String) -> String {
                if claims.isEmpty { return "no claim" }
                return claims.first { $0.metric.uppercased() == metric && $0.variant.uppercased() == v }
                    .map { String(format: "(%.3f)  ", $0.value) } ?? "(  –  )  "
            }
            out += String(format: "%@  %.3f  %@  %.3f  %@  %.3f  %d\n", variant, s.nmi, claim("NMI"), s.acc, claim("ACC"), s.ari, s.clusters)
        }
        return out
    }
}
