import Foundation

/// Minimal, dependency-free SVG charts for the results folder: a line chart (NMI per period) and a grouped
/// bar chart with error bars and claim markers (measured vs claimed).
public enum SVGChart {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var dashed: Bool
        public init(name: String, points: [(x: Double, y: Double)], dashed: Bool = false) {
            self.name = name; self.points = points; self.dashed = dashed
        }
    }

    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    public static func lines(title: String, xLabel: String, yLabel: String, series: [Series],
                             yRange: ClosedRange<Double> = 0...1) -> String {
        let (w, h, left, right, top, bottom) = (640.0, 400.0, 60.0, 150.0, 40.0, 50.0)
        let xs = series.flatMap { $0.points.map(\.x) }
        let xMin = xs.min() ?? 0, xMax = max(xs.max() ?? 1, xMin + 1)
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * (w - left - right) }
        func py(_ y: Double) -> Double {
            top + (1 - (min(max(y, yRange.lowerBound), yRange.upperBound) - yRange.lowerBound)
                / (yRange.upperBound - yRange.lowerBound)) * (h - top - bottom)
        }
        var svg = header(w, h, title)
        svg += axes(left: left, right: w - right, top: top, bottom: h - bottom, xLabel: xLabel, yLabel: yLabel)
        for t in stride(from: yRange.lowerBound, through: yRange.upperBound + 1e-9, by: (yRange.upperBound - yRange.lowerBound) / 5) {
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(py(t)))\" x2=\"\(f(w - right))\" y2=\"\(f(py(t)))\" stroke=\"#ddd\"/>\n"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\" font-size=\"11\">\(String(format: "%.1f", t))</text>\n"
        }
        for t in Set(xs.map { $0.rounded() }).sorted() {
            svg += "<text x=\"\(f(px(t)))\" y=\"\(f(h - bottom + 16))\" text-anchor=\"middle\" font-size=\"11\">\(Int(t))</text>\n"
        }
        for (i, s) in series.enumerated() {
            let color = palette[i % palette.count]
            let path = s.points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\"\(s.dashed ? " stroke-dasharray=\"5,3\"" : "") points=\"\(path)\"/>\n"
            for p in s.points { svg += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"2.5\" fill=\"\(color)\"/>\n" }
            let ly = top + 14 + Double(i) * 16
            svg += "<line x1=\"\(f(w - right + 10))\" y1=\"\(f(ly - 4))\" x2=\"\(f(w - right + 28))\" y2=\"\(f(ly - 4))\" stroke=\"\(color)\" stroke-width=\"2\"\(s.dashed ? " stroke-dasharray=\"5,3\"" : "")/>\n"
            svg += "<text x=\"\(f(w - right + 32))\" y=\"\(f(ly))\" font-size=\"11\">\(escape(s.name))</text>\n"
        }
        return svg + "</svg>\n"
    }

    public struct Bar: Sendable {
        public var label: String
        /// One bar per value, with its own claim marker (dashed line across the bar) where a claim exists.
        public var values: [(name: String, mean: Double, std: Double, claim: Double?)]
        public init(label: String, values: [(name: String, mean: Double, std: Double, claim: Double?)]) {
            self.label = label; self.values = values
        }
    }

    public static func bars(title: String, yLabel: String, groups: [Bar], yRange: ClosedRange<Double> = 0...1) -> String {
        let w = max(640.0, 90.0 * Double(groups.count) + 200), h = 420.0
        let (left, right, top, bottom) = (60.0, 150.0, 40.0, 70.0)
        let groupWidth = (w - left - right) / Double(max(groups.count, 1))
        func py(_ y: Double) -> Double {
            top + (1 - (min(max(y, yRange.lowerBound), yRange.upperBound) - yRange.lowerBound)
                / (yRange.upperBound - yRange.lowerBound)) * (h - top - bottom)
        }
        var svg = header(w, h, title)
        svg += axes(left: left, right: w - right, top: top, bottom: h - bottom, xLabel: "", yLabel: yLabel)
        for t in stride(from: yRange.lowerBound, through: yRange.upperBound + 1e-9, by: (yRange.upperBound - yRange.lowerBound) / 5) {
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(py(t)))\" x2=\"\(f(w - right))\" y2=\"\(f(py(t)))\" stroke=\"#ddd\"/>\n"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\" font-size=\"11\">\(String(format: "%.1f", t))</text>\n"
        }
        var names: [String] = []
        for (g, group) in groups.enumerated() {
            let x0 = left + Double(g) * groupWidth
            let barWidth = groupWidth * 0.7 / Double(max(group.values.count, 1))
            for (b, value) in group.values.enumerated() {
                if !names.contains(value.name) { names.append(value.name) }
                let color = palette[(names.firstIndex(of: value.name) ?? 0) % palette.count]
                let x = x0 + groupWidth * 0.15 + Double(b) * barWidth
                svg += "<rect x=\"\(f(x))\" y=\"\(f(py(value.mean)))\" width=\"\(f(barWidth * 0.9))\" height=\"\(f(py(yRange.lowerBound) - py(value.mean)))\" fill=\"\(color)\"/>\n"
                let cx = x + barWidth * 0.45
                svg += "<line x1=\"\(f(cx))\" y1=\"\(f(py(value.mean - value.std)))\" x2=\"\(f(cx))\" y2=\"\(f(py(value.mean + value.std)))\" stroke=\"#000\"/>\n"
                if let claim = value.claim {
                    svg += "<line x1=\"\(f(x - barWidth * 0.05))\" y1=\"\(f(py(claim)))\" x2=\"\(f(x + barWidth * 0.95))\" y2=\"\(f(py(claim)))\" stroke=\"#000\" stroke-width=\"2\" stroke-dasharray=\"4,2\"/>\n"
                }
            }
            svg += "<text transform=\"translate(\(f(x0 + groupWidth / 2)),\(f(h - bottom + 12))) rotate(30)\" font-size=\"11\">\(escape(group.label))</text>\n"
        }
        for (i, name) in names.enumerated() {
            let ly = top + 14 + Double(i) * 16
            svg += "<rect x=\"\(f(w - right + 10))\" y=\"\(f(ly - 10))\" width=\"12\" height=\"10\" fill=\"\(palette[i % palette.count])\"/>\n"
            svg += "<text x=\"\(f(w - right + 28))\" y=\"\(f(ly))\" font-size=\"11\">\(escape(name))</text>\n"
        }
        // The claim's legend only where a bar has a claim (an imported dataset has none).
        guard groups.contains(where: { $0.values.contains { $0.claim != nil } }) else { return svg + "</svg>\n" }
        let ly = top + 14 + Double(names.count) * 16
        svg += "<line x1=\"\(f(w - right + 10))\" y1=\"\(f(ly - 4))\" x2=\"\(f(w - right + 24))\" y2=\"\(f(ly - 4))\" stroke=\"#000\" stroke-width=\"2\" stroke-dasharray=\"4,2\"/>\n"
        svg += "<text x=\"\(f(w - right + 28))\" y=\"\(f(ly))\" font-size=\"11\">claimed</text>\n"
        return svg + "</svg>\n"
    }

    /// One row of a dot chart: a dot per value (a run), a tick at their mean.
    public struct DotRow: Sendable {
        public var label: String
        public var values: [Double]
        public init(label: String, values: [Double]) { self.label = label; self.values = values }
    }

    /// A horizontal dot chart: one row per entry (top first), its values as dots, their mean as a vertical tick, and a
    /// dashed vertical line at `reference` (the claim) when given. The x axis runs from the lowest value (or the
    /// reference), rounded down to a tenth, to 1.
    public static func dots(title: String, xLabel: String, rows: [DotRow], reference: Double?, referenceName: String) -> String {
        // Labels of at most 90 characters (longer ones end in "…"), about 6 px each at 11 px.
        func label(_ text: String) -> String { text.count > 90 ? String(text.prefix(89)) + "…" : text }
        let labelWidth = 16.0 + 6.0 * Double(rows.map { label($0.label).count }.max() ?? 0)
        let (left, right, top, bottom) = (labelWidth, 30.0, 40.0, 56.0)
        let w = max(640.0, left + 420 + right), rowHeight = 22.0, h = top + rowHeight * Double(max(rows.count, 1)) + bottom
        let lowest = (rows.flatMap(\.values) + (reference.map { [$0] } ?? [])).min() ?? 0
        let xMin = max(0, min(0.9, (lowest * 10).rounded(.down) / 10)), xMax = 1.0
        func px(_ x: Double) -> Double { left + (min(max(x, xMin), xMax) - xMin) / (xMax - xMin) * (w - left - right) }
        let plotBottom = h - bottom
        var svg = header(w, h, title)
        svg += axes(left: left, right: w - right, top: top, bottom: plotBottom, xLabel: xLabel, yLabel: "")
        let step = (xMax - xMin) > 0.5 ? 0.1 : 0.05
        for t in stride(from: xMin, through: xMax + 1e-9, by: step) {
            svg += "<line x1=\"\(f(px(t)))\" y1=\"\(f(top))\" x2=\"\(f(px(t)))\" y2=\"\(f(plotBottom))\" stroke=\"#eee\"/>\n"
            svg += "<text x=\"\(f(px(t)))\" y=\"\(f(plotBottom + 16))\" text-anchor=\"middle\" font-size=\"11\">\(String(format: "%.2f", t))</text>\n"
        }
        if let reference {
            svg += "<line x1=\"\(f(px(reference)))\" y1=\"\(f(top - 6))\" x2=\"\(f(px(reference)))\" y2=\"\(f(plotBottom))\" stroke=\"#000\" "
            svg += "stroke-width=\"1.5\" stroke-dasharray=\"5,3\"/>\n"
            svg += "<text x=\"\(f(px(reference)))\" y=\"\(f(top - 10))\" text-anchor=\"middle\" font-size=\"11\">\(escape(referenceName))</text>\n"
        }
        for (i, row) in rows.enumerated() {
            let y = top + rowHeight * (Double(i) + 0.5)
            let color = palette[i % palette.count]
            svg += "<text x=\"\(f(left - 8))\" y=\"\(f(y + 4))\" text-anchor=\"end\" font-size=\"11\">\(escape(label(row.label)))</text>\n"
            for value in row.values {
                svg += "<circle cx=\"\(f(px(value)))\" cy=\"\(f(y))\" r=\"4\" fill=\"\(color)\" fill-opacity=\"0.7\"/>\n"
            }
            guard !row.values.isEmpty else { continue }
            let mean = row.values.reduce(0, +) / Double(row.values.count)
            svg += "<line x1=\"\(f(px(mean)))\" y1=\"\(f(y - 8))\" x2=\"\(f(px(mean)))\" y2=\"\(f(y + 8))\" stroke=\"#000\" stroke-width=\"2\"/>\n"
        }
        return svg + "</svg>\n"
    }

    private static func header(_ w: Double, _ h: Double, _ title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(w))\" height=\"\(f(h))\" viewBox=\"0 0 \(f(w)) \(f(h))\" font-family=\"sans-serif\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
            + "<text x=\"\(f(w / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">\(escape(title))</text>\n"
    }

    private static func axes(left: Double, right: Double, top: Double, bottom: Double, xLabel: String, yLabel: String) -> String {
        "<line x1=\"\(f(left))\" y1=\"\(f(bottom))\" x2=\"\(f(right))\" y2=\"\(f(bottom))\" stroke=\"#000\"/>\n"
            + "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(bottom))\" stroke=\"#000\"/>\n"
            + "<text x=\"\(f((left + right) / 2))\" y=\"\(f(bottom + 34))\" text-anchor=\"middle\" font-size=\"12\">\(escape(xLabel))</text>\n"
            + "<text transform=\"translate(16,\(f((top + bottom) / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">\(escape(yLabel))</text>\n"
    }

    static func f(_ x: Double) -> String { String(format: "%.1f", x) }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
