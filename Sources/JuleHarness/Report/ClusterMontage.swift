import Foundation
import JuleCluster
import JuleData

/// A picture of a clustering (`jule show`): one row per cluster, largest first (ties by cluster id), each row a few
/// of the cluster's images, with its id, size and class composition written to the left, e.g. `#7 144: 3x72 6x72`
/// (cluster 7 holds 144 images: 72 of class 3 and 72 of class 6, most first); with class names, `#7 144: cat:72 dog:72`.
///
/// Two bars between the text and the images mark trouble, each filled from the bottom of a grey track in proportion:
/// **red**, the share of the cluster's images that are not of its main (most frequent) class; **orange**, the share of
/// its main class that lies in other clusters. Both are full from one half on (two classes joined evenly, a class
/// split evenly), and at least a pixel high whenever the cluster holds another class or part of a split class, so a
/// few strays show as marks and a merged pair as a full bar. A dataset without classes (all labels equal, e.g. an
/// unlabelled import) gets sizes only and no bars.
///
/// Which images: for each cluster a generator `SeededGenerator(seed).split(stream: cluster)` first picks one image of
/// each class in the cluster (most frequent class first, while slots are left), so that an intruder shows, then
/// fills the row with images drawn without replacement from the rest; the row lists them by class (in that order),
/// then by index. Same seed, same labels → same picture, whichever clusters are shown.
///
/// Images are scaled to a common height (area averaging when shrinking, bilinear when enlarging: `ImageResizer`).
public struct ClusterMontage: Sendable {
    public struct Options: Sendable {
        /// Images per row (fewer when a cluster is smaller).
        public var perRow: Int
        public var seed: UInt64
        /// Only clusters that are mixed or hold part of a split class.
        public var onlyMixed: Bool
        /// Common image height in pixels; nil keeps the dataset's.
        public var imageHeight: Int?
        /// First line of the picture; nil: the dataset's name.
        public var title: String?
        /// Class names by id (an imported folder's class folders); nil: classes are written as their ids.
        public var classNames: [String]?

        public init(perRow: Int = 12, seed: UInt64 = 0, onlyMixed: Bool = false, imageHeight: Int? = nil, title: String? = nil) {
            self.perRow = perRow; self.seed = seed; self.onlyMixed = onlyMixed; self.imageHeight = imageHeight; self.title = title
        }

        /// The defaults for `clusters` clusters of `nativeHeight`-pixel images, chosen to keep the PNG small (a few
        /// hundred kB): 12 images per row at most 32 pixels high, or 6 at most 24 pixels high from 50 clusters on.
        public static func automatic(clusters: Int, nativeHeight: Int) -> Options {
            let many = clusters >= manyClusters
            return Options(perRow: many ? 6 : 12, imageHeight: min(nativeHeight, many ? 24 : 32))
        }

        /// From this many clusters on, `automatic` shows fewer and smaller images.
        public static let manyClusters = 50

        /// Largest `imageHeight`: four times the largest registered images (STL-10's 96 px) and room for imported
        /// photographs; beyond it every thumbnail costs megabytes and the picture minutes.
        public static let maxImageHeight = 1024
        /// Largest `perRow`: more images than any screen shows in a row at one pixel each.
        public static let maxPerRow = 1000

        /// Why `perRow` or `imageHeight` is out of bounds, naming the option as `jule show` spells it; nil if fine.
        public static func sizeProblem(perRow: Int?, imageHeight: Int?) -> String? {
            if let perRow, !(1...maxPerRow).contains(perRow) { return "--per-row \(perRow) is not in 1…\(maxPerRow)" }
            if let imageHeight, !(1...maxImageHeight).contains(imageHeight) {
                return "--height \(imageHeight) is not in 1…\(maxImageHeight) (pixels)"
            }
            return nil
        }
    }

    /// Largest picture, in pixels: 300 MB of RGB while drawing, and seconds (not minutes) to encode.
    public static let maxPixels = 100_000_000
    /// Largest width or height: libpng refuses a larger one (`PNG_USER_WIDTH_MAX`, "Invalid IHDR data").
    public static let maxSide = 1_000_000

    /// One cluster's row.
    public struct Row: Sendable, Equatable {
        public let cluster: Int
        public let size: Int
        /// The classes in the cluster, most frequent first; empty for a dataset without classes.
        public let classes: [ClusterComposition.Share]
        /// Holds images of more than one class (red bar).
        public let mixed: Bool
        /// Holds part of a class that lies in more than one cluster (orange bar).
        public let holdsSplitClass: Bool
        /// Share of the cluster's images not of its main class (the red bar's fill; 0 when not mixed).
        public let otherShare: Double
        /// Share of the main class's images in other clusters (the orange bar's fill).
        public let mainElsewhereShare: Double
        /// Indices of the images shown, in the order drawn.
        public let samples: [Int]
    }

    /// Where things are drawn, in pixels.
    public struct Layout: Sendable, Equatable {
        public let width: Int, height: Int, margin: Int
        public let imageWidth: Int, imageHeight: Int
        public let textScale: Int
        /// Top of the first row (below the header lines).
        public let rowsTop: Int
        public let rowHeight: Int, rowGap: Int
        public let labelX: Int, labelColumns: Int
        /// Left edges of the red and the orange bar; each is `markerWidth` wide and spans the row.
        public let mixedMarkerX: Int, splitMarkerX: Int, markerWidth: Int
        public let imagesX: Int, imageGap: Int

        /// Top edge of row `index`.
        public func rowTop(_ index: Int) -> Int { rowsTop + index * (rowHeight + rowGap) }
        /// Left edge of the `slot`-th image of a row.
        public func imageLeft(_ slot: Int) -> Int { imagesX + slot * (imageWidth + imageGap) }
    }

    public let dataset: Dataset
    public let options: Options
    /// Whether the dataset has more than one class (composition and bars are drawn only then).
    public let labelled: Bool
    public let clusterCount: Int
    /// The rows drawn, top to bottom.
    public let rows: [Row]
    public let layout: Layout

    /// Plans the picture of `predicted` (one cluster label per image of `dataset`, any integers).
    public init(dataset: Dataset, predicted: [Int], options: Options) throws {
        guard predicted.count == dataset.count else {
            throw HarnessError.invalidConfiguration("\(predicted.count) cluster labels for the \(dataset.count) images of \(dataset.name)")
        }
        if let problem = Options.sizeProblem(perRow: options.perRow, imageHeight: options.imageHeight) {
            throw HarnessError.invalidConfiguration(problem)
        }
        self.dataset = dataset
        self.options = options
        let truth = dataset.labels.map(Int.init)
        labelled = Set(truth).count > 1
        if options.onlyMixed && !labelled {
            throw HarnessError.invalidConfiguration("\(dataset.name) has no classes, so no cluster is mixed: leave out --only-mixed")
        }
        let composition = ClusterComposition(truth: truth, predicted: predicted)
        clusterCount = composition.clusters.count
        let splitClasses = Set(composition.classes.filter { $0.clusters.count > 1 }.map(\.label))
        let classSizes = Dictionary(uniqueKeysWithValues: composition.classes.map { ($0.label, $0.size) })
        var members: [Int: [Int]] = [:]
        for (index, cluster) in predicted.enumerated() { members[cluster, default: []].append(index) }

        var rows: [Row] = []
        for cluster in composition.clusters {
            let mixed = labelled && cluster.classes.count > 1
            let split = labelled && cluster.classes.contains { splitClasses.contains($0.label) }
            if options.onlyMixed && !mixed && !split { continue }
            let samples = Self.pick(members[cluster.label] ?? [], truth: truth, classOrder: cluster.classes.map(\.label),
                                    count: options.perRow, seed: options.seed, cluster: cluster.label)
            var other = 0.0, elsewhere = 0.0
            if labelled, let main = cluster.classes.first {
                other = Double(cluster.size - main.count) / Double(cluster.size)
                let classSize = classSizes[main.label] ?? main.count
                elsewhere = Double(classSize - main.count) / Double(classSize)
            }
            rows.append(Row(cluster: cluster.label, size: cluster.size, classes: labelled ? cluster.classes : [],
                            mixed: mixed, holdsSplitClass: split, otherShare: other, mainElsewhereShare: elsewhere,
                            samples: samples))
        }
        self.rows = rows
        var header = Self.headerLines(dataset: dataset, options: options, rows: rows.count, clusters: clusterCount)
        if labelled { header.append(Self.legend) }
        // As wide as the fullest row: `--per-row 1000` on clusters of 20 images draws 20 columns, not 1000.
        let columns = max(1, min(options.perRow, rows.map(\.samples.count).max() ?? 0))
        layout = Self.layout(dataset: dataset, imagesPerRow: columns, rows: rows.count, imageHeight: options.imageHeight, header: header)
        // Checked on the plan, before the canvas is allocated: a tall thumbnail of a wide image, many images per row or
        // many clusters multiply, and libpng refuses a side above `maxSide` only after all the drawing.
        if layout.width > Self.maxSide || layout.height > Self.maxSide || layout.width * layout.height > Self.maxPixels {
            throw HarnessError.pictureTooLarge(width: layout.width, height: layout.height, maxPixels: Self.maxPixels,
                                               maxSide: Self.maxSide, rows: rows.count, imageWidth: layout.imageWidth,
                                               imageHeight: layout.imageHeight)
        }
    }

    /// The images shown for one cluster (see the type's documentation).
    static func pick(_ members: [Int], truth: [Int], classOrder: [Int], count: Int, seed: UInt64, cluster: Int) -> [Int] {
        var generator = SeededGenerator(seed: seed).split(stream: UInt64(bitPattern: Int64(cluster)))
        // Bounded draws by modulo: the bias (< n / 2⁶⁴) is irrelevant here, and unlike the standard library's
        // `random(in:using:)` the sequence is fixed by this code, not by the toolchain.
        func draw(_ n: Int) -> Int { Int(generator.next() % UInt64(n)) }
        var byClass: [Int: [Int]] = [:]
        for index in members { byClass[truth[index], default: []].append(index) }
        var chosen: [Int] = []
        for label in classOrder.prefix(count) {
            guard let pool = byClass[label], !pool.isEmpty else { continue }
            chosen.append(pool[draw(pool.count)])
        }
        let taken = Set(chosen)
        var rest = members.filter { !taken.contains($0) }
        // Partial Fisher–Yates: the first k of `rest` become a uniform sample without replacement.
        let k = min(count - chosen.count, rest.count)
        for i in 0..<max(k, 0) {
            rest.swapAt(i, i + draw(rest.count - i))
        }
        chosen += rest.prefix(max(k, 0))
        let rank = Dictionary(uniqueKeysWithValues: classOrder.enumerated().map { ($1, $0) })
        return chosen.sorted { a, b in
            let ra = rank[truth[a]] ?? 0, rb = rank[truth[b]] ?? 0
            return ra != rb ? ra < rb : a < b
        }
    }

    static func layout(dataset: Dataset, imagesPerRow: Int, rows: Int, imageHeight: Int?, header: [String]) -> Layout {
        let imageHeight = imageHeight ?? dataset.height
        let imageWidth = max(1, Int((Double(dataset.width) * Double(imageHeight) / Double(dataset.height)).rounded()))
        let scale = imageHeight >= 64 ? 2 : 1
        let margin = 6 * scale, pitch = linePitch(scale), columns = 24
        let rowHeight = max(imageHeight, BitmapFont.glyphHeight * scale)
        let markerWidth = 3 * scale
        let labelX = margin
        let mixedMarkerX = labelX + columns * BitmapFont.advance * scale + 2 * scale
        let splitMarkerX = mixedMarkerX + markerWidth + scale
        let imagesX = splitMarkerX + markerWidth + 3 * scale
        let imageGap = 2
        let rowsTop = margin + header.count * pitch + 2 * scale
        let rowGap = 3 * scale
        let shownRows = max(rows, 1)    // an empty selection still gets one line saying so
        let imagesRight = imagesX + imagesPerRow * (imageWidth + imageGap) - imageGap
        // Wide enough for the header lines even when the images are few and small.
        let headerWidth = header.map { BitmapFont.width(of: $0, scale: scale) }.max() ?? 0
        let width = max(imagesRight, labelX + headerWidth) + margin
        let height = rowsTop + shownRows * (rowHeight + rowGap) - rowGap + margin
        return Layout(width: width, height: height, margin: margin, imageWidth: imageWidth, imageHeight: imageHeight, textScale: scale,
                      rowsTop: rowsTop, rowHeight: rowHeight, rowGap: rowGap, labelX: labelX, labelColumns: columns,
                      mixedMarkerX: mixedMarkerX, splitMarkerX: splitMarkerX, markerWidth: markerWidth,
                      imagesX: imagesX, imageGap: imageGap)
    }

    static func linePitch(_ scale: Int) -> Int { (BitmapFont.glyphHeight + 2) * scale }

    /// The text left of a row: `#cluster size:` then `class x count` per class, wrapped to the label column; when the
    /// row is too low for all of them the last line ends with `+k more` (k classes not listed).
    func labelLines(for row: Row) -> [String] {
        let head = labelled ? "#\(row.cluster) \(row.size):" : "#\(row.cluster) \(row.size)"
        let columns = layout.labelColumns
        let shares = row.classes.map { share -> String in
            guard let names = options.classNames, names.indices.contains(share.label) else { return "\(share.label)x\(share.count)" }
            // A long name is cut to the label column with an ellipsis, keeping its count.
            let count = ":\(share.count)"
            return BitmapFont.clipped(names[share.label], toColumns: max(1, columns - count.count)) + count
        }
        let scale = layout.textScale
        let maxLines = max(1, (layout.rowHeight + 2 * scale) / Self.linePitch(scale))
        return Self.wrap(head: head, items: shares, columns: columns, maxLines: maxLines)
    }

    static func wrap(head: String, items: [String], columns: Int, maxLines: Int) -> [String] {
        func greedy(_ tokens: [String]) -> [String] {
            var lines: [String] = [], line = ""
            for token in tokens.map({ BitmapFont.clipped($0, toColumns: columns) }) {
                if line.isEmpty { line = token } else if line.count + 1 + token.count <= columns { line += " " + token } else {
                    lines.append(line); line = token
                }
            }
            if !line.isEmpty { lines.append(line) }
            return lines
        }
        let all = greedy([head] + items)
        if all.count <= maxLines { return all }
        for shown in stride(from: items.count - 1, through: 0, by: -1) {
            let lines = greedy([head] + items.prefix(shown) + ["+\(items.count - shown) more"])
            if lines.count <= maxLines { return lines }
        }
        return Array(greedy([head]).prefix(maxLines))
    }

    /// Header: the title and what is shown; a dataset with classes adds `legend` below them.
    static func headerLines(dataset: Dataset, options: Options, rows: Int, clusters: Int) -> [String] {
        let images = rows == 0 ? "" : ", up to \(options.perRow) random images each (sampling seed \(options.seed))"
        let selection = options.onlyMixed ? "\(rows) mixed or split of \(clusters) clusters" : "\(rows) clusters"
        return [options.title ?? dataset.name, "\(dataset.count) images; \(selection)\(images)"]
    }

    /// The legend line; `render` draws a colour swatch in place of each '#'.
    static let legend = "bars, full from 1/2: # other classes in the cluster  # its main class elsewhere"

    /// Pixels of a bar's fill for `share` (full from one half on), at least 1 when `flagged`.
    static func barHeight(share: Double, flagged: Bool, rowHeight: Int) -> Int {
        guard flagged else { return 0 }
        return min(rowHeight, max(1, Int((2 * share * Double(rowHeight)).rounded())))
    }

    /// Draws the picture.
    public func render() -> RGBCanvas {
        let l = layout, scale = l.textScale, pitch = Self.linePitch(scale)
        var canvas = RGBCanvas(width: l.width, height: l.height)
        var y = l.margin
        for line in Self.headerLines(dataset: dataset, options: options, rows: rows.count, clusters: clusterCount) {
            canvas.draw(text: line, x: l.labelX, y: y, scale: scale)
            y += pitch
        }
        if labelled {
            // The legend, the swatches red then orange where it has '#'.
            var swatches = [RGBCanvas.red, RGBCanvas.orange][...]
            var x = l.labelX
            for character in Self.legend {
                if character == "#", let colour = swatches.popFirst() {
                    canvas.fill(x: x, y: y, width: BitmapFont.glyphWidth * scale, height: BitmapFont.glyphHeight * scale, colour: colour)
                    x += BitmapFont.advance * scale
                } else {
                    x = canvas.draw(text: String(character), x: x, y: y, scale: scale)
                }
            }
        }
        if rows.isEmpty {
            canvas.draw(text: "no cluster is mixed or holds part of a split class", x: l.labelX, y: l.rowsTop, scale: scale)
        }
        for (index, row) in rows.enumerated() {
            let top = l.rowTop(index)
            for (k, line) in labelLines(for: row).enumerated() {
                canvas.draw(text: line, x: l.labelX, y: top + k * pitch, scale: scale)
            }
            if labelled {
                for (x, share, flagged, colour) in [(l.mixedMarkerX, row.otherShare, row.mixed, RGBCanvas.red),
                                                    (l.splitMarkerX, row.mainElsewhereShare, row.holdsSplitClass, RGBCanvas.orange)] {
                    let filled = Self.barHeight(share: share, flagged: flagged, rowHeight: l.rowHeight)
                    canvas.fill(x: x, y: top, width: l.markerWidth, height: l.rowHeight - filled, colour: RGBCanvas.track)
                    canvas.fill(x: x, y: top + l.rowHeight - filled, width: l.markerWidth, height: filled, colour: colour)
                }
            }
            for (slot, sample) in row.samples.enumerated() {
                canvas.draw(image: thumbnail(sample), height: l.imageHeight, width: l.imageWidth, channels: dataset.channels,
                            x: l.imageLeft(slot), y: top)
            }
        }
        return canvas
    }

    /// Image `index` as interleaved H×W×C bytes at the layout's size.
    func thumbnail(_ index: Int) -> [UInt8] {
        let c = dataset.channels, h = dataset.height, w = dataset.width, plane = h * w
        let start = index * dataset.imageSize
        var interleaved = [UInt8](repeating: 0, count: dataset.imageSize)
        // The dataset is planar C×H×W; images are drawn and resized interleaved H×W×C.
        for ch in 0..<c {
            for p in 0..<plane { interleaved[p * c + ch] = dataset.pixels[start + ch * plane + p] }
        }
        return ImageResizer.resize(interleaved, height: h, width: w, channels: c,
                                   toHeight: layout.imageHeight, toWidth: layout.imageWidth)
    }

    /// The picture as PNG bytes.
    public func png() throws -> Data { try render().png() }
}
