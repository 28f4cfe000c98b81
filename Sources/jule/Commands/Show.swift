import ArgumentParser
import Foundation
import JuleCluster
import JuleData
import JuleHarness

extension Jule {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a run's clusters: a PNG montage (one row per cluster) and, with --confusion, a confusion-matrix SVG.",
            discussion: """
            The montage has one row per cluster, largest first (ties by cluster id), each with up to --per-row images \
            of the cluster picked at random from --seed (one of each class in the cluster first, so that intruders \
            show). Left of each row: the cluster, its size and its classes, most frequent first, e.g. `#7 144: 3x72 \
            6x72` (cluster 7 holds 144 images, 72 of class 3 and 72 of class 6; `+k more` when they do not fit). Two bars between the text and the images fill in proportion, full from one half: \
            red = the share of the cluster not of its main class; orange = the share of its main class in other \
            clusters (at least a pixel whenever there is any). A dataset without classes (all \
            labels equal) gets sizes only. Images are scaled to a common height: area averaging when shrinking, \
            bilinear when enlarging. A run made on other data than the dataset's cache holds now (re-imported or \
            changed since; --run, or --labels naming a run's label file) is refused: its labels describe other images.

            Sizes: by default 12 images per row at most 32 px high, or 6 at most 24 px from 50 clusters on, which \
            keeps most montages under about 300 kB; --only-mixed shows only the clusters with a bar. A montage above \
            100 million pixels or 1,000,000 pixels a side (libpng's limit) is refused before it is drawn.

            Text: a class name longer than the label column is cut with `…`; letters with accents are drawn \
            without them (ü as u), any other character outside ASCII as a hollow box.

            The confusion matrix (--confusion) has clusters as rows in the order of the Hungarian matching to the \
            classes (the matching ACC scores), classes as columns, cells shaded by count, counts written where they fit, matched cells outlined in red.

            Examples: `jule show --run results/sweeps/port/cells/COIL-20-s1-2d6ec449 --out coil20.png --confusion \
            coil20.svg`; a `jule cluster` result: `jule show --dataset USPS --labels usps-labels.txt`.
            """)

        @OptionGroup var data: DataOptions
        @Option(name: .customLong("run"),
                help: ArgumentHelp("A finished run folder: record.json names the dataset, labels-<variant>.txt the clusters.", valueName: "dir"))
        var runFolder: String?
        @Option(help: ArgumentHelp("With --labels, instead of --run: the dataset the labels are for.", valueName: "name"))
        var dataset: String?
        @Option(help: ArgumentHelp("With --dataset: cluster labels, one integer per line (e.g. from jule cluster --out).", valueName: "file"))
        var labels: String?
        @Option(help: "Which of a run's partitions: rc (JULE-RC) or sf (JULE-SF) (default: rc, or sf for a run without RC).")
        var variant: RunLabels.Variant?
        @Option(help: ArgumentHelp("Montage PNG to write (default: <dataset>-<variant>-montage.png here); its folder must exist.", valueName: "file"))
        var out: String?
        @Option(help: "Images per row, 1…\(ClusterMontage.Options.maxPerRow) (default 12; 6 from 50 clusters on).") var perRow: Int?
        @Option(help: "Image height in pixels, 1…\(ClusterMontage.Options.maxImageHeight) (default: the dataset's, at most 32; at most 24 from 50 clusters on).")
        var height: Int?
        @Option(parsing: .unconditional, help: "Seed of the random choice of images (default: 0).", transform: Seed.parse) var seed: UInt64 = 0
        @Flag(help: "Only clusters that hold several classes or part of a split class.") var onlyMixed = false
        @Option(help: ArgumentHelp("Also write the confusion matrix (clusters × classes) as SVG to this file; its folder must exist.", valueName: "file"))
        var confusion: String?

        func validate() throws {
            switch (runFolder, dataset, labels) {
            case (.some, nil, nil), (nil, .some, .some): break
            default: throw ValidationError("give --run <dir>, or --dataset <name> with --labels <file>")
            }
            if let problem = ClusterMontage.Options.sizeProblem(perRow: perRow, imageHeight: height) { throw ValidationError(problem) }
        }

        func run() throws {
            try CommandErrors.exitOnFailure {
                if let runFolder { try RunFolderArgument.checkIsRun(runFolder) }
                if let out { try OutputPath.checkWritable(out, option: "--out", format: "png", cache: data.cacheDirectory) }
                if let confusion { try OutputPath.checkWritable(confusion, option: "--confusion", format: "svg", cache: data.cacheDirectory) }
                let store = try data.makeStore()
                let name: String, predicted: [Int], title: String
                var classLimit: Int?
                var run: (folder: URL, record: RunRecord)?
                // A run made with --no-rc has only its SF partition: that is what it has to show.
                let variant = self.variant ?? runFolder.map { folder -> RunLabels.Variant in
                    let directory = RunDirectory(URL(fileURLWithPath: folder))
                    let manager = FileManager.default
                    guard !manager.fileExists(atPath: directory.rcLabels.path), manager.fileExists(atPath: directory.sfLabels.path) else { return .rc }
                    StandardError.line("note: \(folder) has no JULE-RC partition (a --no-rc run): showing JULE-SF")
                    return .sf
                } ?? .rc
                if let runFolder {
                    let runLabels = try RunLabels(directory: URL(fileURLWithPath: runFolder), variant: variant)
                    run = (URL(fileURLWithPath: runFolder), runLabels.record)
                    name = try store.entry(forRun: URL(fileURLWithPath: runFolder), record: runLabels.record).name
                    predicted = runLabels.labels
                    classLimit = runLabels.record.configuration.classLimit   // a `--classes K` run: its images only
                    let nmi = runLabels.scores.map { " NMI \(ScoreText.fixed($0.nmi))" } ?? ""
                    title = "\(name), seed \(runLabels.record.seed), \(variant.title)\(nmi) (\(runLabels.record.runID))"
                } else {
                    let file = URL(fileURLWithPath: labels!)
                    name = try store.entry(named: dataset!).name
                    predicted = try LabelFile.read(file)
                    classLimit = RunDirectory.classLimit(owning: file, dataset: name)   // a `--classes K` run's labels
                    title = "\(name): \(file.lastPathComponent)"
                }
                var images = try store.load(name)
                // Labels of a run made on other data than the cache holds now would be drawn on the wrong images.
                if let run { try store.requireSameData(run: run.folder, record: run.record) }
                if let labels { try store.requireSameData(forRunOutput: URL(fileURLWithPath: labels), dataset: name) }
                if let classLimit { images = images.firstClasses(classLimit) }
                guard images.count == predicted.count else {
                    throw ClusterError.datasetLabelCountMismatch(dataset: name, images: images.count,
                                                                 predictedFile: labels ?? runFolder ?? "", predictedCount: predicted.count)
                }
                if Set(images.labels).count < 2, onlyMixed || confusion != nil {
                    // Checked before anything is written: without classes nothing is mixed and there is no matrix.
                    let flag = onlyMixed ? "--only-mixed" : "--confusion"
                    StandardError.write("error: \(name) is unlabelled (no classes): leave out \(flag)\n")
                    throw ExitCode.failure
                }
                var options = ClusterMontage.Options.automatic(clusters: Set(predicted).count, nativeHeight: images.height)
                options.perRow = perRow ?? options.perRow
                options.imageHeight = height ?? options.imageHeight
                options.seed = seed
                options.onlyMixed = onlyMixed
                options.title = title
                options.classNames = try store.entry(named: name).classNames
                let montage = try ClusterMontage(dataset: images, predicted: predicted, options: options)
                let png = try montage.png()
                let suffix = runFolder == nil ? "" : "-\(variant.rawValue)"
                let url = URL(fileURLWithPath: out ?? "\(name)\(suffix)-montage.png")
                try AtomicFile.write(png, to: url)
                print("\(url.path): \(montage.rows.count) of \(montage.clusterCount) clusters, \(png.count / 1000) kB")
                if png.count > 300_000 {
                    print("note: over 300 kB; smaller with --height, --per-row or --only-mixed")
                }
                if let confusion {
                    let svg = ConfusionMatrixChart.svg(truth: images.labels.map(Int.init), predicted: predicted, title: title,
                                                       classNames: options.classNames)
                    let svgURL = URL(fileURLWithPath: confusion)
                    try AtomicFile.write(svg, to: svgURL)
                    print(svgURL.path)
                }
            }
        }
    }
}

extension RunLabels.Variant: ExpressibleByArgument {}
