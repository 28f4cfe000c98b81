import Foundation
import JuleCluster

/// The confusion matrix of a clustering as SVG: one row per predicted cluster, one column per true class, each cell
/// nᵢⱼ = the images of class j in cluster i.
///
/// Rows follow the Hungarian matching of clusters to classes (`ClassMatching`, the matching ACC scores): the cluster
/// matched to the lowest class first, and so on, then the unmatched clusters largest first (ties by id). Columns are
/// the classes in label order, so matched pairs form the diagonal and are outlined; what lies off it is error.
/// Cells are shaded by count, linearly from white to dark blue at the largest cell, any non-zero cell at least a
/// faint tint; counts are written where the cell is wide enough for them. Empty cells are not drawn, which keeps
/// 100 × 100 matrices small.
public enum ConfusionMatrixChart {
    /// The cluster labels in row order (see the type's documentation).
    public static func clusterOrder(truth: [Int], predicted: [Int]) -> [Int] {
        clusterOrder(ClassMatching(truth: truth, predicted: predicted), predicted: predicted)
    }

    private static func clusterOrder(_ matching: ClassMatching, predicted: [Int]) -> [Int] {
        var sizes: [Int: Int] = [:]
        for label in predicted { sizes[label, default: 0] += 1 }
        let matched = matching.classOfCluster.sorted { $0.value < $1.value }.map(\.key)
        let unmatched = sizes.keys.filter { matching.classOfCluster[$0] == nil }
            .sorted { (sizes[$0] ?? 0, -$0) > (sizes[$1] ?? 0, -$1) }
        return matched + unmatched
    }

    /// `classNames[c]` (where given, e.g. an imported folder's class folders) labels column c instead of its id.
    public static func svg(truth: [Int], predicted: [Int], title: String, classNames: [String]? = nil) -> String {
        precondition(truth.count == predicted.count && !truth.isEmpty, "truth and predicted must have the same, non-zero length")
        let matching = ClassMatching(truth: truth, predicted: predicted)
        let clusters = clusterOrder(matching, predicted: predicted)
        let classes = Array(Set(truth)).sorted()
        let row = Dictionary(uniqueKeysWithValues: clusters.enumerated().map { ($1, $0) })
        let column = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        var counts = [Int](repeating: 0, count: clusters.count * classes.count)
        var sizes = [Int](repeating: 0, count: clusters.count)
        for (t, p) in zip(truth, predicted) {
            let i = row[p] ?? 0
            counts[i * classes.count + (column[t] ?? 0)] += 1
            sizes[i] += 1
        }
        let largest = max(counts.max() ?? 1, 1)

        // Cells of 5–28 px, the matrix at most about 760 px on its longer side.
        let cell = Double(min(28, max(5, 760 / max(clusters.count, classes.count))))
        let labelEvery = cell >= 12 ? 1 : cell >= 7 ? 5 : 10
        let labelFont = min(11, max(7, cell * 0.75))
        // Names stand at 45° above their columns (at most 24 characters), which takes room above the matrix.
        func name(_ label: Int) -> String? {
            guard let classNames, classNames.indices.contains(label) else { return nil }
            return classNames[label].count > 24 ? String(classNames[label].prefix(23)) + "…" : classNames[label]
        }
        let longestName = classes.compactMap { name($0)?.count }.max() ?? 0
        let left = 110.0, top = 70.0 + Double(longestName) * labelFont * 0.45
        let width = max(560, left + cell * Double(classes.count) + 30), height = top + cell * Double(clusters.count) + 62
        let f = SVGChart.f
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" "
        svg += "viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"sans-serif\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"\(f(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">\(SVGChart.escape(title))</text>\n"
        svg += "<text x=\"\(f(left + cell * Double(classes.count) / 2))\" y=\"42\" text-anchor=\"middle\" font-size=\"12\">"
        svg += "class</text>\n"
        svg += "<text transform=\"translate(14,\(f(top + cell * Double(clusters.count) / 2))) rotate(-90)\" "
        svg += "text-anchor=\"middle\" font-size=\"12\">cluster (size), in matching order</text>\n"
        for (j, label) in classes.enumerated() where j % labelEvery == 0 {
            let x = left + (Double(j) + 0.5) * cell
            if let text = name(label) {
                svg += "<text transform=\"translate(\(f(x)),\(f(top - 6))) rotate(-45)\" font-size=\"\(f(labelFont))\">"
                svg += "\(SVGChart.escape(text))</text>\n"
            } else {
                svg += "<text x=\"\(f(x))\" y=\"\(f(top - 6))\" text-anchor=\"middle\" font-size=\"\(f(labelFont))\">\(label)</text>\n"
            }
        }
        for (i, label) in clusters.enumerated() where i % labelEvery == 0 {
            svg += "<text x=\"\(f(left - 4))\" y=\"\(f(top + (Double(i) + 0.5) * cell + labelFont * 0.35))\" "
            svg += "text-anchor=\"end\" font-size=\"\(f(labelFont))\">#\(label) (\(sizes[i]))</text>\n"
        }
        svg += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(cell * Double(classes.count)))\" "
        svg += "height=\"\(f(cell * Double(clusters.count)))\" fill=\"none\" stroke=\"#999\"/>\n"
        for i in clusters.indices {
            for j in classes.indices {
                let n = counts[i * classes.count + j]
                guard n > 0 else { continue }
                let shade = 0.12 + 0.88 * Double(n) / Double(largest)
                let x = left + Double(j) * cell, y = top + Double(i) * cell
                svg += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(cell))\" height=\"\(f(cell))\" fill=\"\(colour(shade))\"/>\n"
                // A count of 4–5 digits (a class of thousands in one cluster, the diagonal of a large set) gets a
                // smaller font rather than no number; under 6 px it is left to the shade.
                let digits = Double(String(n).count)
                let font = (min(11, cell * 0.45, (cell - 2) / (digits * 0.62)) * 10).rounded(.down) / 10   // as written
                if font >= 6 {
                    svg += "<text x=\"\(f(x + cell / 2))\" y=\"\(f(y + cell / 2 + font * 0.35))\" text-anchor=\"middle\" "
                    svg += "font-size=\"\(f(font))\" fill=\"\(shade > 0.55 ? "white" : "black")\">\(n)</text>\n"
                }
            }
        }
        for (i, cluster) in clusters.enumerated() {
            guard let matched = matching.classOfCluster[cluster], let j = column[matched] else { continue }
            svg += "<rect class=\"matched\" x=\"\(f(left + Double(j) * cell))\" y=\"\(f(top + Double(i) * cell))\" "
            svg += "width=\"\(f(cell))\" height=\"\(f(cell))\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.2\"/>\n"
        }
        let legendY = top + cell * Double(clusters.count) + 24
        // From the left edge: the longer line (about 470 px at 11 px) fits the narrowest picture, 560 px.
        svg += "<text x=\"14\" y=\"\(f(legendY))\" font-size=\"11\">shade: images per cell (darkest: \(largest))</text>\n"
        svg += "<text x=\"14\" y=\"\(f(legendY + 16))\" font-size=\"11\">red outline: the Hungarian matching of "
        svg += "clusters to classes (the one ACC scores)</text>\n"
        return svg + "</svg>\n"
    }

    /// White (0) to dark blue (1).
    private static func colour(_ shade: Double) -> String {
        let (r, g, b) = (8.0, 48.0, 107.0)
        func mix(_ dark: Double) -> Int { Int((255 + (dark - 255) * shade).rounded()) }
        return String(format: "#%02x%02x%02x", mix(r), mix(g), mix(b))
    }
}
