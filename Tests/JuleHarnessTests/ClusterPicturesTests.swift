import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif
import JuleData
import _JuleTestSupport
@testable import JuleHarness

/// `jule show` and the report's cluster pictures: the montage read back through the project's PNG decoder, the
/// confusion matrix's order and counts, and the report section (median run, missing dataset).
final class ClusterPicturesTests: XCTestCase {
    /// Grey level of every pixel of every image of class k, so that a pixel tells which class it was drawn from.
    static func grey(_ k: Int) -> UInt8 { UInt8(40 + 80 * k) }

    /// Three classes of constant-grey 1×8×10 images: class 0 (12 images) all in cluster 5; class 1 (10) split, 8 in
    /// cluster 7 and 2 in cluster 9; class 2 (6) all in cluster 9. So cluster 5 is clean, cluster 7 holds part of a
    /// split class, and cluster 9 is mixed and holds part of a split class.
    static func fixture() -> (dataset: Dataset, predicted: [Int]) {
        var labels: [Int32] = [], predicted: [Int] = []
        for _ in 0..<12 { labels.append(0); predicted.append(5) }
        for i in 0..<10 { labels.append(1); predicted.append(i < 8 ? 7 : 9) }
        for _ in 0..<6 { labels.append(2); predicted.append(9) }
        // Interleave the samples so that cluster membership is not a contiguous index range.
        let order = (0..<labels.count).sorted { ($0 * 5) % labels.count < ($1 * 5) % labels.count }
        labels = order.map { labels[$0] }
        predicted = order.map { predicted[$0] }
        let pixels = labels.flatMap { [UInt8](repeating: grey(Int($0)), count: 8 * 10) }
        let dataset = Dataset(name: "toy", count: labels.count, channels: 1, height: 8, width: 10, pixels: pixels, labels: labels)
        return (dataset, predicted)
    }

    func testMontageRowsHoldTheirClustersImagesAndBars() throws {
        let (dataset, predicted) = Self.fixture()
        for height in [nil, 16] as [Int?] {
            let montage = try ClusterMontage(dataset: dataset, predicted: predicted,
                                             options: .init(perRow: 4, seed: 3, imageHeight: height))
            XCTAssertEqual(montage.rows.map(\.cluster), [5, 7, 9])       // by size, ties by id
            XCTAssertEqual(montage.rows.map(\.size), [12, 8, 8])
            XCTAssertEqual(montage.rows.map(\.mixed), [false, false, true])
            XCTAssertEqual(montage.rows.map(\.holdsSplitClass), [false, true, true])
            XCTAssertEqual(montage.rows.map(\.otherShare), [0, 0, 0.25])
            XCTAssertEqual(montage.rows.map(\.mainElsewhereShare), [0, 0.2, 0])
            XCTAssertEqual(montage.labelLines(for: montage.rows[2]), ["#9 8: 2x6 1x2"])
            for row in montage.rows {
                XCTAssertEqual(row.samples.count, 4)
                XCTAssertTrue(row.samples.allSatisfy { predicted[$0] == row.cluster })
            }
            let layout = montage.layout
            XCTAssertEqual(layout.imageHeight, height ?? 8)
            XCTAssertEqual(layout.imageWidth, height == nil ? 10 : 20)

            let png = try montage.png()
            let decoded = try png.withUnsafeBytes { try PNGCodec.decode($0, channels: 3, file: "montage") }
            XCTAssertEqual(decoded.width, layout.width)
            XCTAssertEqual(decoded.height, layout.height)
            func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(decoded.pixels[(y * decoded.width + x) * 3..<(y * decoded.width + x) * 3 + 3]) }

            let classGreys: [Int: Set<UInt8>] = [5: [Self.grey(0)], 7: [Self.grey(1)], 9: [Self.grey(1), Self.grey(2)]]
            for (index, row) in montage.rows.enumerated() {
                let top = layout.rowTop(index)
                var seen: Set<UInt8> = []
                for slot in 0..<row.samples.count {
                    let expected = Self.grey(Int(dataset.labels[row.samples[slot]]))
                    for y in top..<(top + layout.imageHeight) {
                        for x in layout.imageLeft(slot)..<(layout.imageLeft(slot) + layout.imageWidth) {
                            XCTAssertEqual(pixel(x, y), [expected, expected, expected], "row \(index) slot \(slot) at (\(x), \(y))")
                        }
                    }
                    seen.insert(expected)
                }
                // Every image of the row comes from the cluster; the mixed one shows both of its classes.
                XCTAssertEqual(seen, classGreys[row.cluster], "cluster \(row.cluster)")
                let red = [RGBCanvas.red.red, RGBCanvas.red.green, RGBCanvas.red.blue]
                let orange = [RGBCanvas.orange.red, RGBCanvas.orange.green, RGBCanvas.orange.blue]
                let track = [RGBCanvas.track.red, RGBCanvas.track.green, RGBCanvas.track.blue]
                // Each bar is filled from the bottom: its lowest pixel is coloured exactly when the cluster is flagged,
                // and the filled height is the share doubled (cluster 7: 2 of its class's 10 images elsewhere, 40% of
                // the row; cluster 9: 2 of its 8 of another class, 50%, and its main class whole but the cluster
                // holding part of a split class, the 1-pixel minimum).
                let bottom = top + layout.rowHeight - 1
                XCTAssertEqual(pixel(layout.mixedMarkerX, bottom) == red, row.mixed, "red bar of cluster \(row.cluster)")
                XCTAssertEqual(pixel(layout.splitMarkerX, bottom) == orange, row.holdsSplitClass,
                               "orange bar of cluster \(row.cluster)")
                func filled(_ x: Int, _ colour: [UInt8]) -> Int {
                    (top..<(top + layout.rowHeight)).filter { pixel(x, $0) == colour }.count
                }
                let expected: [Int: (red: Int, orange: Int)] = [
                    5: (0, 0), 7: (0, Int((0.4 * Double(layout.rowHeight)).rounded())),
                    9: (Int((0.5 * Double(layout.rowHeight)).rounded()), 1)]
                XCTAssertEqual(filled(layout.mixedMarkerX, red), expected[row.cluster]!.red, "cluster \(row.cluster)")
                XCTAssertEqual(filled(layout.splitMarkerX, orange), expected[row.cluster]!.orange, "cluster \(row.cluster)")
                XCTAssertEqual(filled(layout.mixedMarkerX, track) + filled(layout.mixedMarkerX, red), layout.rowHeight)
            }
        }
    }

    func testSamplesAreSeededAndShowEveryClassFirst() throws {
        let (dataset, predicted) = Self.fixture()
        let a = try ClusterMontage(dataset: dataset, predicted: predicted, options: .init(perRow: 3, seed: 11))
        let b = try ClusterMontage(dataset: dataset, predicted: predicted, options: .init(perRow: 3, seed: 11))
        XCTAssertEqual(a.rows, b.rows)
        let seeds = try (0..<8).map { seed in
            try ClusterMontage(dataset: dataset, predicted: predicted, options: .init(perRow: 3, seed: UInt64(seed))).rows[0].samples
        }
        XCTAssertGreaterThan(Set(seeds).count, 1, "the seed changes the images picked")
        // Cluster 9 (6 of class 2, 2 of class 1), 3 slots: one of each class is guaranteed, most frequent class first.
        for samples in try (0..<8).map({ seed in
            try ClusterMontage(dataset: dataset, predicted: predicted, options: .init(perRow: 3, seed: UInt64(seed))).rows[2].samples
        }) {
            let classes = samples.map { dataset.labels[$0] }
            XCTAssertEqual(classes.first, 2)
            XCTAssertEqual(classes.last, 1)
            XCTAssertEqual(Set(samples).count, 3)
        }
        // A row of a small cluster holds all of it.
        let wide = try ClusterMontage(dataset: dataset, predicted: predicted, options: .init(perRow: 20))
        XCTAssertEqual(wide.rows.map(\.samples.count), [12, 8, 8])
    }

    func testOnlyMixedAndUnlabelledData() throws {
        let (dataset, predicted) = Self.fixture()
        let mixed = try ClusterMontage(dataset: dataset, predicted: predicted, options: .init(onlyMixed: true))
        XCTAssertEqual(mixed.rows.map(\.cluster), [7, 9])
        XCTAssertEqual(mixed.clusterCount, 3)

        let unlabelled = Dataset(name: "plain", count: dataset.count, channels: 1, height: 8, width: 10, pixels: dataset.pixels,
                                 labels: [Int32](repeating: 0, count: dataset.count))
        let plain = try ClusterMontage(dataset: unlabelled, predicted: predicted, options: .init())
        XCTAssertFalse(plain.labelled)
        XCTAssertEqual(plain.rows.map(\.mixed), [false, false, false])
        XCTAssertEqual(plain.rows.map(\.holdsSplitClass), [false, false, false])
        XCTAssertEqual(plain.labelLines(for: plain.rows[0]), ["#5 12"])
        XCTAssertThrowsError(try ClusterMontage(dataset: unlabelled, predicted: predicted, options: .init(onlyMixed: true)))
        XCTAssertThrowsError(try ClusterMontage(dataset: dataset, predicted: Array(predicted.dropLast()), options: .init()))
    }

    func testLabelsWrapAndSayHowManyClassesAreLeftOut() {
        XCTAssertEqual(ClusterMontage.wrap(head: "#3 144:", items: ["3x72", "6x72"], columns: 24, maxLines: 1),
                       ["#3 144: 3x72 6x72"])
        XCTAssertEqual(ClusterMontage.wrap(head: "#3 144:", items: ["3x72", "6x70", "5x2"], columns: 12, maxLines: 3),
                       ["#3 144: 3x72", "6x70 5x2"])
        XCTAssertEqual(ClusterMontage.wrap(head: "#3 144:", items: ["3x72", "6x70", "5x1", "8x1", "9x1"], columns: 12, maxLines: 2),
                       ["#3 144: 3x72", "6x70 +3 more"])
        XCTAssertEqual(ClusterMontage.wrap(head: "#3 144:", items: ["3x72", "6x72"], columns: 12, maxLines: 1),
                       ["#3 144:"])
    }

    func testFontCoversPrintableASCII() {
        for code in 32...126 {
            let rows = BitmapFont.rows(of: Character(UnicodeScalar(UInt8(code))))
            XCTAssertEqual(rows.count, 7, "glyph \(code)")
            XCTAssertTrue(rows.allSatisfy { $0 < 32 }, "glyph \(code) wider than 5 columns")
            XCTAssertEqual(rows.contains { $0 != 0 }, code != 32, "glyph \(code) blank or not")
        }
        XCTAssertEqual(BitmapFont.width(of: "144:"), 23)
    }

    /// Outside ASCII: accented letters lose their accents (precomposed or not), `…` has a glyph, and anything else is a
    /// hollow box, never a '?' that reads as part of the name (`∑ünï` was drawn `??n?`).
    func testCharactersOutsideASCIIAreDrawnRecognisably() {
        XCTAssertEqual(BitmapFont.rows(of: "ü"), BitmapFont.rows(of: "u"))
        XCTAssertEqual(BitmapFont.rows(of: "u\u{308}"), BitmapFont.rows(of: "u"))
        XCTAssertEqual(BitmapFont.rows(of: "É"), BitmapFont.rows(of: "E"))
        let box = BitmapFont.rows(of: "∑")
        XCTAssertNotEqual(box, BitmapFont.rows(of: "?"))
        for other in ["ß", "猫", "😀", "\t", "\r\n"] as [Character] { XCTAssertEqual(BitmapFont.rows(of: other), box, "\(other)") }
        XCTAssertNotEqual(BitmapFont.rows(of: BitmapFont.ellipsis), box)
        XCTAssertEqual(BitmapFont.clipped("abcdef", toColumns: 4), "abc…")
        XCTAssertEqual(BitmapFont.clipped("abcd", toColumns: 4), "abcd")
    }

    /// A class name longer than the label column ends in '…' and keeps its count; nothing is drawn right of the column
    /// but the bars and images (a 200-character name used to run into the images).
    func testLongClassNamesAreClippedToTheLabelColumn() throws {
        let (dataset, predicted) = Self.fixture()
        let white = Dataset(name: "toy", count: dataset.count, channels: 1, height: 8, width: 10,
                            pixels: [UInt8](repeating: 255, count: dataset.pixels.count), labels: dataset.labels)
        var options = ClusterMontage.Options(perRow: 4, imageHeight: 32, title: "t")
        options.classNames = [String(repeating: "x", count: 200), "∑ünï", String(repeating: "y", count: 30)]
        let montage = try ClusterMontage(dataset: white, predicted: predicted, options: options)
        XCTAssertEqual(montage.labelLines(for: montage.rows[0]), ["#5 12:", String(repeating: "x", count: 20) + "…:12"])
        XCTAssertEqual(montage.labelLines(for: montage.rows[2]), ["#9 8:", String(repeating: "y", count: 21) + "…:6", "∑ünï:2"])
        let canvas = montage.render(), layout = montage.layout
        for index in montage.rows.indices {
            for y in layout.rowTop(index)..<(layout.rowTop(index) + layout.rowHeight) {
                // The images are white: anything else right of the bars is text.
                for x in layout.imagesX..<layout.width {
                    let c = canvas.colour(x: x, y: y)
                    XCTAssertEqual([c.red, c.green, c.blue], [255, 255, 255], "text at (\(x), \(y))")
                }
            }
        }
    }

    /// Sizes are bounded before anything is allocated: the options themselves, then the planned picture (a tall
    /// thumbnail of a wide image, or many rows of tall ones), which libpng (1,000,000 a side) or memory would refuse.
    func testMontageSizeIsCheckedBeforeDrawing() throws {
        let (dataset, predicted) = Self.fixture()
        XCTAssertNil(ClusterMontage.Options.sizeProblem(perRow: 1000, imageHeight: 1024))
        XCTAssertEqual(ClusterMontage.Options.sizeProblem(perRow: 100_000, imageHeight: nil), "--per-row 100000 is not in 1…1000")
        XCTAssertEqual(ClusterMontage.Options.sizeProblem(perRow: nil, imageHeight: 20_000), "--height 20000 is not in 1…1024 (pixels)")
        XCTAssertThrowsError(try ClusterMontage(dataset: dataset, predicted: predicted, options: .init(imageHeight: 100_000)))
        XCTAssertThrowsError(try ClusterMontage(dataset: dataset, predicted: predicted, options: .init(perRow: 0)))

        let wide = Dataset(name: "wide", count: 2, channels: 1, height: 1, width: 2000, pixels: [UInt8](repeating: 9, count: 4000),
                           labels: [0, 1])
        XCTAssertThrowsError(try ClusterMontage(dataset: wide, predicted: [0, 1], options: .init(perRow: 2, imageHeight: 1024))) { error in
            XCTAssertTrue("\(error)".hasPrefix("the montage would be "), "\(error)")
            XCTAssertTrue("\(error)".contains("1000000 a side"), "\(error)")
        }
        let many = Dataset(name: "many", count: 400, channels: 1, height: 8, width: 8, pixels: [UInt8](repeating: 9, count: 400 * 64),
                           labels: (0..<400).map { Int32($0 % 2) })
        XCTAssertThrowsError(try ClusterMontage(dataset: many, predicted: Array(0..<400), options: .init(perRow: 12, imageHeight: 1024))) { error in
            XCTAssertTrue("\(error)".contains("400 rows of 1024x1024 images"), "\(error)")
        }
        XCTAssertNoThrow(try ClusterMontage(dataset: many, predicted: Array(0..<400), options: .init(perRow: 12, imageHeight: 24)))
    }

    /// The montage is as wide as its fullest row: `--per-row 1000` on clusters of at most 12 images draws 12 columns
    /// (it used to size the picture for 1000, a PNG mostly blank and refused as too large at a larger height).
    func testMontageIsAsWideAsItsFullestRow() throws {
        let (dataset, predicted) = Self.fixture()
        func width(_ perRow: Int) throws -> Int {
            try ClusterMontage(dataset: dataset, predicted: predicted, options: .init(perRow: perRow, seed: 1, imageHeight: 32)).layout.width
        }
        XCTAssertEqual(try width(1000), try width(12))
        XCTAssertLessThan(try width(4), try width(12))
        let montage = try ClusterMontage(dataset: dataset, predicted: predicted, options: .init(perRow: 1000, seed: 1, imageHeight: 1024))
        XCTAssertEqual(montage.rows.map(\.samples.count), [12, 8, 8])
        XCTAssertLessThan(montage.layout.width, 12 * (montage.layout.imageWidth + montage.layout.imageGap) + 1000)
    }

    /// With class names (an imported folder's), rows name the classes and the matrix's columns carry the names.
    func testClassNamesLabelRowsAndColumns() throws {
        let (dataset, predicted) = Self.fixture()
        var options = ClusterMontage.Options(perRow: 4, seed: 3)
        options.classNames = ["cat", "dog", "a <b>"]
        let montage = try ClusterMontage(dataset: dataset, predicted: predicted, options: options)
        XCTAssertEqual(montage.labelLines(for: montage.rows[2]), ["#9 8: a <b>:6 dog:2"])
        let svg = ConfusionMatrixChart.svg(truth: dataset.labels.map(Int.init), predicted: predicted, title: "t",
                                           classNames: options.classNames)
        XCTAssertNotNil(try? XMLDocument(xmlString: svg), "not well-formed XML")
        for name in ["cat", "dog", "a &lt;b&gt;"] { XCTAssertTrue(svg.contains("rotate(-45)\" font-size=\"11.0\">\(name)</text>"), name) }
    }

    func testConfusionMatrixFollowsTheMatchingAndWritesCounts() throws {
        // Clusters 30, 10, 20 mostly hold classes 2, 0, 1; cluster 40 is a small extra one (class 0's rest).
        var truth: [Int] = [], predicted: [Int] = []
        func add(_ cls: Int, _ cluster: Int, _ n: Int) { truth += Array(repeating: cls, count: n); predicted += Array(repeating: cluster, count: n) }
        add(2, 30, 9); add(1, 30, 3)
        add(0, 10, 7)
        add(1, 20, 8); add(2, 20, 1)
        add(0, 40, 2)
        XCTAssertEqual(ConfusionMatrixChart.clusterOrder(truth: truth, predicted: predicted), [10, 20, 30, 40])
        let svg = ConfusionMatrixChart.svg(truth: truth, predicted: predicted, title: "toy <matrix>")
        XCTAssertTrue(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        XCTAssertNotNil(try? XMLDocument(xmlString: svg), "not well-formed XML")
        XCTAssertTrue(svg.contains("toy &lt;matrix&gt;"))
        // Counts are the texts filled black or white (cells); labels carry no fill.
        let cellText = try NSRegularExpression(pattern: "fill=\"(?:white|black)\">([0-9]+)</text>")
        let counts = cellText.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).compactMap { match in
            Range(match.range(at: 1), in: svg).flatMap { Int(svg[$0]) }
        }
        XCTAssertEqual(counts.sorted(), [1, 2, 3, 7, 8, 9])
        XCTAssertEqual(svg.components(separatedBy: "class=\"matched\"").count - 1, 3)
        // Row labels appear in matching order.
        let positions = ["#10 (7)", "#20 (9)", "#30 (12)", "#40 (2)"].map { svg.range(of: $0)?.lowerBound }
        XCTAssertFalse(positions.contains(nil))
        XCTAssertEqual(positions.compactMap { $0 }, positions.compactMap { $0 }.sorted())
    }

    /// Counts of thousands (a USPS class in its cluster) are written in a smaller font, not left out; a legend
    /// line starts at the left edge so that it fits the narrowest picture.
    func testLargeCountsAreWrittenAndTheLegendFits() throws {
        var truth: [Int] = [], predicted: [Int] = []
        for (cls, n) in [(0, 1_234), (1, 27_791), (2, 5)] {
            truth += Array(repeating: cls, count: n); predicted += Array(repeating: cls, count: n)
        }
        let svg = ConfusionMatrixChart.svg(truth: truth, predicted: predicted, title: "large")
        let cellText = try NSRegularExpression(pattern: "font-size=\"([0-9.]+)\" fill=\"(?:white|black)\">([0-9]+)</text>")
        let written = cellText.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).compactMap { match -> (Double, Int)? in
            guard let size = Range(match.range(at: 1), in: svg), let count = Range(match.range(at: 2), in: svg) else { return nil }
            return (Double(svg[size]) ?? 0, Int(svg[count]) ?? 0)
        }
        XCTAssertEqual(written.map(\.1).sorted(), [5, 1_234, 27_791])
        XCTAssertTrue(written.allSatisfy { $0.0 >= 6 && Double(String($0.1).count) * $0.0 * 0.62 <= 26 }, "\(written)")
        XCTAssertTrue(svg.contains("<text x=\"14\" y=") && svg.contains("(the one ACC scores)"))
        XCTAssertTrue(svg.contains("width=\"560.0\""))
    }

    func testMedianRunIsTheLowerMiddleByRCNMI() throws {
        let registry = try HarnessFixtures.registry()
        let url = URL(fileURLWithPath: "/nonexistent/record.json")
        let files = try [0.90, 0.80, 0.95, 0.85].enumerated().map { seed, nmi in
            (url: url, record: try HarnessFixtures.record(dataset: "USPS", seed: UInt64(seed + 1), sfNMI: 0.8, rcNMI: nmi, registry: registry))
        }
        XCTAssertEqual(ClusterPictures.medianRun(files)?.record.rc?.nmi, 0.85)
        XCTAssertEqual(ClusterPictures.medianRun(Array(files.prefix(3)))?.record.rc?.nmi, 0.90)
        XCTAssertNil(ClusterPictures.medianRun([]))
    }

    /// The report draws the median run of a dataset it can load and leaves a note for one it cannot.
    func testReportEmbedsPicturesAndNotesAMissingDataset() throws {
        let registry = try HarnessFixtures.registry()
        let directory = try makeTemporaryDirectory()
        let images = HarnessFixtures.syntheticDataset(classes: 4, perClass: 30)
        // Seed s puts every s-th image of class 0 into class 1's cluster.
        var files = try writeUSPSRuns(in: directory, registry: registry) { seed in
            images.labels.enumerated().map { i, l in l == 0 && i % (4 * seed) == 0 ? 1 : Int(l) }
        }
        let other = try HarnessFixtures.record(dataset: "MNIST-test", seed: 1, sfNMI: 0.8, rcNMI: 0.9, registry: registry)
        let otherFolder = directory.appendingPathComponent("runs/\(other.runID)")
        try AtomicFile.writeJSON(other, to: otherFolder.appendingPathComponent("record.json"))
        try AtomicFile.write("0\n", to: otherFolder.appendingPathComponent("labels-rc.txt"))
        files.append((otherFolder.appendingPathComponent("record.json"), other))

        let rows = try ResultsAggregator(registry: registry).rows(from: files.map(\.record))
        var writer = ReportWriter(rows: rows, records: files.map(\.record), tolerance: 0.01)
        var pictures = ClusterPictures(files: files) { name in
            guard name == "USPS" else { throw DataError.notAvailableOffline(dataset: name, detail: "no mirror given") }
            return images
        }
        pictures.classNames = { $0 == "USPS" ? ["zero", "one", "two", "three"] : nil }   // as an imported folder's
        writer.clusterPictures = pictures
        let out = directory.appendingPathComponent("results")
        let written = try writer.write(to: out)
        let readme = try String(contentsOf: out.appendingPathComponent("README.md"), encoding: .utf8)
        let median = try XCTUnwrap(files.first { $0.record.rc?.nmi == 0.85 }).record
        XCTAssertTrue(readme.contains("### Cluster pictures"))
        XCTAssertTrue(readme.contains("**USPS**: run `\(median.runID)`, seed 3"), readme)
        XCTAssertTrue(readme.contains("![USPS: clusters of the median run](plots/USPS-montage.png)"))
        XCTAssertTrue(readme.contains("![USPS: confusion matrix of the median run](plots/USPS-confusion.svg)"))
        XCTAssertTrue(readme.contains("**MNIST-test**: no picture (dataset not available"), readme)
        let montageURL = out.appendingPathComponent("plots/USPS-montage.png")
        XCTAssertTrue(written.contains(montageURL))
        let png = try Data(contentsOf: montageURL)
        XCTAssertLessThan(png.count, 300_000)
        let decoded = try png.withUnsafeBytes { try PNGCodec.decode($0, channels: 3, file: montageURL.path) }
        XCTAssertGreaterThan(decoded.width * decoded.height, 0)
        let svg = try String(contentsOf: out.appendingPathComponent("plots/USPS-confusion.svg"), encoding: .utf8)
        XCTAssertNotNil(try? XMLDocument(xmlString: svg))
        XCTAssertTrue(svg.contains(">three</text>"), "the class names label the columns")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("plots/MNIST-test-montage.png").path))
    }

    /// Runs made on other data than the loader gives now (`isOnCurrentData` false) are not drawn: the median is taken
    /// among the others, and a dataset left with none gets a note saying why.
    func testRunsOnOtherDataAreNotDrawn() throws {
        let registry = try HarnessFixtures.registry()
        let directory = try makeTemporaryDirectory()
        let images = HarnessFixtures.syntheticDataset(classes: 4, perClass: 30)
        let files = try writeUSPSRuns(in: directory, registry: registry) { _ in images.labels.map { Int($0) } }
        let runs = [(dataset: "USPS", runIDs: files.map(\.record.runID), setting: String?.none)]
        var pictures = ClusterPictures(files: files) { _ in images }
        pictures.isOnCurrentData = { $0.record.seed != 3 }   // the median of all three
        let drawn = try pictures.write(into: directory.appendingPathComponent("some"), runs: runs)
        XCTAssertTrue(drawn.markdown.contains("**USPS**: run `\(files[0].record.runID)`, seed 1, RC NMI 0.800, the median of 2 runs"),
                      drawn.markdown)
        pictures.isOnCurrentData = { _ in false }
        let none = try pictures.write(into: directory.appendingPathComponent("none"), runs: runs)
        XCTAssertTrue(none.markdown.contains("**USPS**: no picture (its 3 runs were made on other data than the cache holds now"),
                      none.markdown)
        XCTAssertEqual(none.written, [])
    }

    /// A `--classes K` run's labels are for the first K classes' images: the pictures are drawn on those (as `jule show`
    /// draws them), titled as a subset, not refused for a label count that differs from the whole dataset's.
    func testClassSubsetRunIsDrawnOnItsImages() throws {
        let registry = try HarnessFixtures.registry()
        let directory = try makeTemporaryDirectory()
        let images = HarnessFixtures.syntheticDataset(classes: 4, perClass: 30)
        var record = try HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.8, rcNMI: 0.85, registry: registry)
        record.configuration.classLimit = 2
        let folder = directory.appendingPathComponent("runs/subset")
        try AtomicFile.writeJSON(record, to: folder.appendingPathComponent("record.json"))
        let subset = images.firstClasses(2)
        XCTAssertEqual(subset.count, 60)
        try AtomicFile.write(subset.labels.map { String($0) }.joined(separator: "\n") + "\n", to: folder.appendingPathComponent("labels-rc.txt"))
        let pictures = ClusterPictures(files: [(folder.appendingPathComponent("record.json"), record)]) { _ in images }
        let drawn = try pictures.write(into: directory.appendingPathComponent("out"), runs: [(dataset: "USPS", runIDs: [record.runID], setting: "classLimit=2")])
        XCTAssertFalse(drawn.markdown.contains("no picture"), drawn.markdown)
        XCTAssertEqual(drawn.written.map(\.lastPathComponent).sorted(), ["USPS-confusion.svg", "USPS-montage.png"])
        let svg = try String(contentsOf: directory.appendingPathComponent("out/plots/USPS-confusion.svg"), encoding: .utf8)
        XCTAssertTrue(svg.contains("USPS (first 2 classes): clusters × classes"), svg)
    }

    /// A dataset with runs of other settings only is pictured from its first setting, the caption naming it (a
    /// user's quick runs with overrides; an earlier trial saw an empty section, a later one no picture at all); with no
    /// runs at all there is no section.
    func testDatasetWithoutDefaultRunsIsPicturedFromItsSetting() throws {
        let registry = try HarnessFixtures.registry()
        let directory = try makeTemporaryDirectory()
        let record = try HarnessFixtures.record(dataset: "USPS", seed: 1, sfNMI: 0.8, rcNMI: 0.85,
                                                overrides: ["epochsPerPeriod": .number(2)], registry: registry)
        let file = directory.appendingPathComponent("runs/\(record.runID)/record.json")
        try AtomicFile.writeJSON(record, to: file)
        let rows = try ResultsAggregator(registry: registry).rows(from: [record])
        var writer = ReportWriter(rows: rows, records: [record], tolerance: 0.01)
        writer.clusterPictures = ClusterPictures(files: [(file, record)]) { name in
            throw DataError.notAvailableOffline(dataset: name, detail: "not loaded for a note")
        }
        let out = directory.appendingPathComponent("results")
        let written = try writer.write(to: out)
        let readme = try String(contentsOf: out.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("### Cluster pictures"), readme)
        // Tried for the setting's run (which has no label file here), instead of a note that it is not the default's.
        XCTAssertTrue(readme.contains("**USPS**: no picture (no run with JULE-RC labels)"), readme)
        XCTAssertFalse(readme.contains("no finished run with the default setting"), readme)
        XCTAssertFalse(written.contains { $0.lastPathComponent.hasSuffix("-montage.png") })

        let none = try ClusterPictures(files: []) { _ in throw DataError.notAvailableOffline(dataset: "x", detail: "") }
            .write(into: directory.appendingPathComponent("none"), runs: [])
        XCTAssertEqual(none.markdown, "", "no runs: no section")
    }

    /// An unlabelled dataset (an imported flat folder, every run setting `clusters`) is drawn too: there is no NMI to
    /// take a median by, so the run of the lowest seed, a montage of sizes only and no confusion matrix; the caption
    /// says why that run. It has no NMI-per-period plot. (The trial saw a note "no picture" instead.)
    func testUnlabelledDatasetIsDrawnFromItsLowestSeed() throws {
        let base = try HarnessFixtures.registry()
        let flat = DatasetEntry(name: "flat", description: "imported", classes: 1, count: 60, shape: [1, 16, 16],
                                network: "design-rule", eta: 0.9, epochsPerPeriod: 20, claims: [], homepage: nil, sources: [],
                                labelMapping: "rank", protocolNotes: ["user import"], deviations: [])
        let registry = try DatasetRegistry(datasets: base.datasets + [flat])
        let synthetic = HarnessFixtures.syntheticDataset(classes: 3, perClass: 20)
        let images = Dataset(name: "flat", count: synthetic.count, channels: 1, height: 16, width: 16, pixels: synthetic.pixels,
                             labels: [Int32](repeating: 0, count: synthetic.count))
        let directory = try makeTemporaryDirectory()
        // Seeds 3, 1, 2 (not in seed order): seed 1's run puts everything in 3 clusters, the others in 2.
        let files = try [UInt64(3), 1, 2].map { seed -> ResultsAggregator.RecordFile in
            var record = try HarnessFixtures.record(dataset: "flat", seed: seed, sfNMI: 0, rcNMI: 0,
                                                    overrides: ["clusters": .number(seed == 1 ? 3 : 2)], registry: registry)
            record.sf = nil
            record.rc = nil
            record.unlabelled = true
            let folder = directory.appendingPathComponent("runs/\(record.runID)")
            try AtomicFile.writeJSON(record, to: folder.appendingPathComponent("record.json"))
            let labels = (0..<images.count).map { $0 % (seed == 1 ? 3 : 2) }
            try AtomicFile.write(labels.map(String.init).joined(separator: "\n") + "\n", to: folder.appendingPathComponent("labels-rc.txt"))
            return (folder.appendingPathComponent("record.json"), record)
        }
        let records = files.map(\.record)
        let rows = try ResultsAggregator(registry: registry).rows(from: records)
        var writer = ReportWriter(rows: rows, records: records, tolerance: 0.01)
        writer.clusterPictures = ClusterPictures(files: files) { _ in images }
        let out = directory.appendingPathComponent("results")
        let written = try writer.write(to: out)
        let readme = try String(contentsOf: out.appendingPathComponent("README.md"), encoding: .utf8)
        let first = try XCTUnwrap(records.first { $0.seed == 1 })
        // Two settings, both setting `clusters`: the one with more runs (seeds 2 and 3) is drawn, from its lowest seed.
        let two = try XCTUnwrap(rows.first { $0.dataset == "flat" && $0.seeds.count == 2 })
        let second = try XCTUnwrap(records.first { $0.seed == 2 })
        XCTAssertTrue(readme.contains("**flat** *(runs of `\(two.setting)`: no finished default-setting run of flat)*: run "
                                      + "`\(second.runID)`, seed 2, RC, the lowest seed of 2 runs (unlabelled: no NMI to pick a "
                                      + "median by); montage: 2 clusters"), readme)
        XCTAssertTrue(readme.contains("![flat: clusters of the run of seed 2](plots/flat-montage.png)"), readme)
        XCTAssertFalse(readme.contains("no picture"), readme)
        XCTAssertFalse(readme.contains("flat-confusion.svg"), readme)
        XCTAssertEqual(written.filter { $0.path.contains("/plots/flat") }.map(\.lastPathComponent), ["flat-montage.png"])
        let png = try Data(contentsOf: out.appendingPathComponent("plots/flat-montage.png"))
        XCTAssertGreaterThan(try png.withUnsafeBytes { try PNGCodec.decode($0, channels: 3, file: "flat") }.width, 0)
        XCTAssertFalse(written.contains { $0.lastPathComponent.hasPrefix("nmi-per-period-") })

        // One setting: its lowest seed, whatever order the records came in.
        let pictures = ClusterPictures(files: files.reversed()) { _ in images }
        let alone = try pictures.write(into: directory.appendingPathComponent("alone"),
                                       runs: [(dataset: "flat", runIDs: records.map(\.runID), setting: "some")])
        XCTAssertTrue(alone.markdown.contains("run `\(first.runID)`, seed 1, RC, the lowest seed of 3 runs (unlabelled: "),
                      alone.markdown)
        XCTAssertEqual(ClusterPictures.lowestSeedRun(files)?.record.seed, 1)
        XCTAssertNil(ClusterPictures.lowestSeedRun([]))
    }

    /// Without default-setting runs, the pictures and the NMI-per-period plot show the same setting: one keeping the
    /// dataset's cluster count before one that changes it, though that one has more runs and comes first by label
    /// (the trial drew `clusters=4` runs of a 5-class set).
    func testPicturesAndPerPeriodPlotShowTheSettingThatKeepsTheClusterCount() throws {
        let registry = try HarnessFixtures.registry()
        let directory = try makeTemporaryDirectory()
        let images = HarnessFixtures.syntheticDataset(classes: 4, perClass: 30)
        let settings: [(seed: UInt64, overrides: [String: JSONValue])] = [
            (1, ["epochsPerPeriod": .number(5)]),
            (1, ["clusters": .number(3), "epochsPerPeriod": .number(3)]),
            (2, ["clusters": .number(3), "epochsPerPeriod": .number(3)]),
        ]
        let files = try settings.map { seed, overrides -> ResultsAggregator.RecordFile in
            let record = try HarnessFixtures.record(dataset: "USPS", seed: seed, sfNMI: 0.8, rcNMI: 0.85, overrides: overrides,
                                                    registry: registry)
            let folder = directory.appendingPathComponent("runs/\(record.runID)")
            try AtomicFile.writeJSON(record, to: folder.appendingPathComponent("record.json"))
            try AtomicFile.write(images.labels.map { String($0) }.joined(separator: "\n") + "\n",
                                 to: folder.appendingPathComponent("labels-rc.txt"))
            return (folder.appendingPathComponent("record.json"), record)
        }
        let records = files.map(\.record)
        let rows = try ResultsAggregator(registry: registry).rows(from: records)
        let profile = RunProfile.default.rawValue
        XCTAssertEqual(rows.map(\.setting), ["\(profile) clusters=3 epochsPerPeriod=3", "\(profile) epochsPerPeriod=5"])
        var writer = ReportWriter(rows: rows, records: records, tolerance: 0.01)
        writer.clusterPictures = ClusterPictures(files: files) { _ in images }
        let out = directory.appendingPathComponent("results")
        _ = try writer.write(to: out)
        let readme = try String(contentsOf: out.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("**USPS** *(runs of `\(profile) epochsPerPeriod=5`: no finished default-setting run of USPS)*: "
                                      + "run `\(records[0].runID)`, seed 1, RC NMI 0.850, the median of 1 run;"), readme)
        let plot = try String(contentsOf: out.appendingPathComponent("plots/nmi-per-period-USPS.svg"), encoding: .utf8)
        XCTAssertTrue(plot.contains("USPS, \(profile) epochsPerPeriod=5: NMI after each clustering call"), plot)
    }

    /// A montage too large for the budget is made smaller until it fits.
    func testFittedMontageShrinksUnderTheBudget() throws {
        let images = HarnessFixtures.syntheticDataset(classes: 4, perClass: 30)
        let predicted = images.labels.map(Int.init)
        let roomy = try ClusterPictures.fittedMontage(dataset: images, predicted: predicted, title: "t", maximumBytes: 1 << 30)
        XCTAssertEqual(roomy.montage.options.perRow, 12)
        let tight = try ClusterPictures.fittedMontage(dataset: images, predicted: predicted, title: "t",
                                                      maximumBytes: roomy.png.count - 1)
        XCTAssertLessThan(tight.png.count, roomy.png.count)
        XCTAssertLessThan(tight.montage.options.perRow, 12)
    }

    /// Three USPS run folders (seeds 1–3, RC NMI 0.80, 0.90, 0.85) under `directory/runs`, each with its record and
    /// the RC labels `labels(seed)`.
    private func writeUSPSRuns(in directory: URL, registry: DatasetRegistry,
                               labels: (Int) -> [Int]) throws -> [ResultsAggregator.RecordFile] {
        try [(1, 0.80), (2, 0.90), (3, 0.85)].map { seed, nmi in
            let record = try HarnessFixtures.record(dataset: "USPS", seed: UInt64(seed), sfNMI: 0.8, rcNMI: nmi, registry: registry)
            let folder = directory.appendingPathComponent("runs/\(record.runID)")
            try AtomicFile.writeJSON(record, to: folder.appendingPathComponent("record.json"))
            try AtomicFile.write(labels(seed).map(String.init).joined(separator: "\n") + "\n",
                                 to: folder.appendingPathComponent("labels-rc.txt"))
            return (folder.appendingPathComponent("record.json"), record)
        }
    }
}
