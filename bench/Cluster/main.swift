import Foundation
import JuleCluster
import JuleData

// bench-cluster: raw-pixel agglomerative clustering of MNIST (JULE with the CNN off, §3) and the k-NN alone.
// Usage: bench-cluster [test|full|knn-test|knn-full|baseline]   (mirror: $JULE_MIRROR or ../shared/datasets)
// `baseline` loads every mirrored dataset through the data layer (DatasetStore) and writes
// results/raw-pixel-baseline.{md,json}.

func mirror() -> URL {
    if let env = ProcessInfo.processInfo.environment["JULE_MIRROR"], !env.isEmpty { return URL(fileURLWithPath: env) }
    return URL(fileURLWithPath: "../shared/datasets")
}

func loadMNIST(full: Bool) throws -> (pixels: [UInt8], labels: [Int], count: Int) {
    let dir = mirror().appendingPathComponent("MNIST")
    let test = try IDXReader.read(dir.appendingPathComponent("t10k-images.idx3-ubyte"))
    let testLabels = try IDXReader.read(dir.appendingPathComponent("t10k-labels.idx1-ubyte"))
    if !full { return (test.bytes, testLabels.bytes.map { Int($0) }, test.dims[0]) }
    let train = try IDXReader.read(dir.appendingPathComponent("train-images.idx3-ubyte"))
    let trainLabels = try IDXReader.read(dir.appendingPathComponent("train-labels.idx1-ubyte"))
    // MNIST-full = train + test (§1.1).
    return (train.bytes + test.bytes, (trainLabels.bytes + testLabels.bytes).map { Int($0) }, train.dims[0] + test.dims[0])
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

func peakRSSMiB() -> Double {
    guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
    for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? .nan
        return kb / 1024
    }
    return .nan
}

let args = CommandLine.arguments.dropFirst()
let mode = args.first ?? "all"
let workers = Int(ProcessInfo.processInfo.environment["BENCH_WORKERS"] ?? "2") ?? 2

func runClustering(full: Bool) throws {
    let name = full ? "MNIST-full" : "MNIST-test"
    let t0 = now()
    let data = try loadMNIST(full: full)
    let features = RawFeatures.make(pixels: data.pixels, count: data.count, dimension: 784, normalisation: .torchRenorm)
    let t1 = now()
    var configuration = ClusteringConfiguration()
    configuration.workers = workers
    let clusterer = AgglomerativeClusterer(configuration: configuration)
    let labels = try clusterer.cluster(features: features, count: data.count, dimension: 784, target: 10) { p in
        print("  period: \(p.startClusters) clusters → pre-merges \(p.premerges), T = \(p.budget), merges \(p.merges) → \(p.clusters)"
              + (p.stoppedOnZeroAffinity ? " (zero affinity; K_s → \(p.neighbourCount))" : ""))
    }
    let t2 = now()
    let nmi = ClusterMetrics.normalizedMutualInformation(truth: data.labels, predicted: labels)
    let acc = ClusterMetrics.accuracy(truth: data.labels, predicted: labels)
    let ari = ClusterMetrics.adjustedRandIndex(truth: data.labels, predicted: labels)
    print(String(format: "%@ raw-pixel agglomerative (K_s 20, K_c 5, η 0.9, %d workers): load %.1f s, cluster %.1f s, "
                 + "peak RSS %.0f MiB, NMI %.4f ACC %.4f ARI %.4f", name, workers, t1 - t0, t2 - t1, peakRSSMiB(), nmi, acc, ari))
}

func runKNN(full: Bool) throws {
    let data = try loadMNIST(full: full)
    let features = RawFeatures.make(pixels: data.pixels, count: data.count, dimension: 784, normalisation: .torchRenorm)
    let t0 = now()
    let nn = NearestNeighbours.compute(features: features, count: data.count, dimension: 784, neighbourCount: 20,
                                       workers: workers)
    let t1 = now()
    print(String(format: "k-NN %@ (K 20, %d workers): %.2f s, brute-force rows %d, peak RSS %.0f MiB",
                 full ? "MNIST-full" : "MNIST-test", workers, t1 - t0, nn.bruteForceRows, peakRSSMiB()))
}

/// S-GAC's GDL numbers (doc §11.2): NMI / ACC of GDL on raw pixels by the GDL author.
let gdlReference: [String: (Double, Double)] = ["MNIST-full": (0.910, 0.964), "MNIST-test": (0.864, 0.933), "USPS": (0.860, 0.922)]

func runBaselines() throws {
    let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    let registry = try DatasetRegistry.load(from: root.appendingPathComponent("datasets.json"))
    let store = DatasetStore(registry: registry, cacheDirectory: DatasetStore.defaultCacheDirectory,
                             mirror: mirror(), quiet: true, allowNetwork: false)
    var configuration = ClusteringConfiguration()
    configuration.workers = workers
    var rows = [[String: Any]]()
    var table = ["| dataset | N | n* | initial clusters | NMI | ACC | ARI | time (s) | S-GAC GDL NMI / ACC |",
                 "|---|---|---|---|---|---|---|---|---|"]
    for name in ["MNIST-test", "MNIST-full", "USPS", "COIL-20", "COIL-100", "CMU-PIE", "UMist"] {
        let dataset = try store.load(name)
        let result = try RawPixelBaseline(method: .agglomerative, configuration: configuration).run(dataset)
        let e = result.evaluation
        let gdl = gdlReference[name].map { String(format: "%.3f / %.3f", $0.0, $0.1) } ?? "—"
        print(String(format: "%@: N %d → %d clusters, NMI %.4f ACC %.4f ARI %.4f, %.1f s", name, dataset.count,
                     result.clusters, e.nmi, e.accuracy, e.adjustedRandIndex, result.seconds))
        table.append(String(format: "| %@ | %d | %d | %d | %.3f | %.3f | %.3f | %.1f | %@ |", name, dataset.count,
                            result.clusters, result.initialClusters ?? 0, e.nmi, e.accuracy, e.adjustedRandIndex,
                            result.seconds, gdl))
        rows.append(["dataset": name, "count": dataset.count, "clusters": result.clusters,
                     "initialClusters": result.initialClusters ?? 0, "nmi": e.nmi, "nmiArithmetic": e.nmiArithmetic,
                     "acc": e.accuracy, "ari": e.adjustedRandIndex, "purity": e.purity, "seconds": result.seconds])
    }
    let command = "swift build -c release --product bench-cluster && .build/release/bench-cluster baseline"
    let settings = "K_s 20, K_c 5, λ 1, η 0.9, paper merge score, exact affinity updates, isolated pre-merge on, "
        + "torch renorm of pixels/255, \(workers) Dispatch workers × 1 OpenBLAS thread"
    let results = root.appendingPathComponent("results")
    try FileManager.default.createDirectory(at: results, withIntermediateDirectories: true)
    let json: [String: Any] = ["command": command, "settings": settings, "machine": "2 cores (shared), OpenBLAS core as detected",
                               "results": rows]
    try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
        .write(to: results.appendingPathComponent("raw-pixel-baseline.json"), options: .atomic)
    let markdown = """
    # Raw-pixel baseline: JULE's agglomerative clustering with the CNN off

    Command: `\(command)` (the same `RawPixelBaseline` code path as `jule cluster DATASET --features raw`).
    Settings: \(settings). Datasets loaded through `DatasetStore` from the mirror.
    Times are wall-clock on the shared 2-core machine (other builds were running), features + clustering.

    \(table.joined(separator: "\n"))

    S-GAC's numbers (doc §11.2) are GDL re-run by its author with its own settings, not this code; they are the
    reference point for an `updateCNN = false` run. Measured here, not tuned: any gap is reported as is.

    """
    try Data(markdown.utf8).write(to: results.appendingPathComponent("raw-pixel-baseline.md"), options: .atomic)
}

do {
    switch mode {
    case "baseline": try runBaselines()
    case "knn-test": try runKNN(full: false)
    case "knn-full": try runKNN(full: true)
    case "test": try runClustering(full: false)
    case "full": try runClustering(full: true)
    default:
        try runClustering(full: false)
        try runClustering(full: true)
    }
} catch {
    FileHandle.standardError.write(Data("bench-cluster: \(error)\n".utf8))
    exit(1)
}
