import Foundation
import JuleCluster
import JuleData
import JuleHarness

// bench-cluster: raw-pixel agglomerative clustering of MNIST (JULE with the CNN off, §3) and the k-NN alone.
// Usage: bench-cluster [test|full|knn-test|knn-full|baseline]   (mirror: $JULE_MIRROR or ../shared/datasets)
//        bench-cluster knn DATASET [K]   the k-NN of a dataset's raw pixels alone (K 1: a run's raw-clustering
//                                        phase); BENCH_PORTABLE=1 uses the portable kernel
//        bench-cluster ablate test|full [key=value …]   one variant of the raw-pixel run (see `runAblation`)
// `baseline` loads every mirrored dataset through the data layer (DatasetStore) and writes
// results/raw-pixel-baseline.{md,json}.

/// The k-NN's GEMM: the same kernel choice as `jule` (BLIS where OpenBLAS runs its generic fallback).
let product = ComputeThreads.matrixProduct()

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
    let clusterer = AgglomerativeClusterer(configuration: configuration, product: product)
    let labels = try clusterer.cluster(features: features, count: data.count, dimension: 784, target: 10) { p in
        print("  period: \(p.startClusters) clusters → pre-merges \(p.premerges), T = \(p.budget), merges \(p.merges) → \(p.clusters)"
              + (p.stoppedOnZeroAffinity ? " (zero affinity; K_s → \(p.neighbourCount))" : ""))
    }
    let t2 = now()
    let nmi = ClusterMetrics.normalizedMutualInformation(truth: data.labels, predicted: labels)
    let acc = ClusterMetrics.accuracy(truth: data.labels, predicted: labels)
    let ari = ClusterMetrics.adjustedRandIndex(truth: data.labels, predicted: labels)
    print("GEMM kernel of the k-NN: \(product.name)")
    print(String(format: "%@ raw-pixel agglomerative (K_s 20, K_c 5, η 0.9, %d workers): load %.1f s, cluster %.1f s, "
                 + "peak RSS %.0f MiB, NMI %.4f ACC %.4f ARI %.4f", name, workers, t1 - t0, t2 - t1, peakRSSMiB(), nmi, acc, ari))
}

func runKNN(full: Bool) throws {
    let data = try loadMNIST(full: full)
    let features = RawFeatures.make(pixels: data.pixels, count: data.count, dimension: 784, normalisation: .torchRenorm)
    let t0 = now()
    let nn = NearestNeighbours.compute(features: features, count: data.count, dimension: 784, neighbourCount: 20,
                                       workers: workers, product: product)
    let t1 = now()
    print(String(format: "k-NN %@ (K 20, %d workers, %@ GEMM): %.2f s, brute-force rows %d, peak RSS %.0f MiB",
                 full ? "MNIST-full" : "MNIST-test", workers, product.name, t1 - t0, nn.bruteForceRows, peakRSSMiB()))
}

/// The k-NN of any registry dataset's raw pixels (torch renorm, as a run's first clustering), timed apart from
/// loading and the features, with a checksum of the neighbour lists (indices and distance bits) to compare kernels.
func runDatasetKNN(_ arguments: [String]) throws {
    guard let name = arguments.first else { throw IDXReader.Failure(description: "usage: bench-cluster knn DATASET [K]") }
    let k = arguments.count > 1 ? Int(arguments[1]) ?? 1 : 1
    let portable = ProcessInfo.processInfo.environment["BENCH_PORTABLE"] == "1"
    let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    let registry = try DatasetRegistry.load(from: root.appendingPathComponent("datasets.json"))
    let store = DatasetStore(registry: registry, cacheDirectory: DatasetStore.defaultCacheDirectory,
                             mirror: mirror(), quiet: true, allowNetwork: false)
    let dataset = try store.load(name)
    let dimension = dataset.imageSize
    let t0 = now()
    let features = RawFeatures.make(pixels: dataset.pixels, count: dataset.count, dimension: dimension,
                                    normalisation: .torchRenorm)
    let t1 = now()
    let kernel = ComputeThreads.matrixProduct(portable: portable)
    let nn = NearestNeighbours.compute(features: features, count: dataset.count, dimension: dimension,
                                       neighbourCount: k, workers: workers, product: kernel)
    let t2 = now()
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for (i, d) in zip(nn.indices, nn.squaredDistances) {
        for word in [UInt64(UInt32(bitPattern: i)), d.bitPattern] { hash = (hash ^ word) &* 0x100_0000_01b3 }
    }
    print(String(format: "k-NN %@ (N %d, d %d, K %d, %d workers, %@ GEMM): features %.2f s, k-NN %.2f s, "
                 + "brute-force rows %d, checksum %016llx, peak RSS %.0f MiB", name, dataset.count, dimension, k,
                 workers, kernel.name, t1 - t0, t2 - t1, nn.bruteForceRows, hash, peakRSSMiB()))
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
        let result = try BaselineClusterer(method: .agglomerative, configuration: configuration, product: product).run(dataset)
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

    Command: `\(command)` (the same `BaselineClusterer` code path as `jule cluster DATASET --features raw`).
    Settings: \(settings). Datasets loaded through `DatasetStore` from the mirror.
    Times are wall-clock on the shared 2-core machine (other builds were running), features + clustering.

    \(table.joined(separator: "\n"))

    S-GAC's numbers (doc §11.2) are GDL re-run by its author with its own settings, not this code; they are the
    reference point for an `updateCNN = false` run. Measured here, not tuned: any gap is reported as is.
    S-GAC uses gacluster's graph (centred + L2 pixels, per-sample bandwidth, K = 100 on MNIST-full), not JULE's §3.1
    graph; with that graph this engine gives 0.910 / 0.964 (MNIST-full) and 0.864 / 0.933 (MNIST-test): see
    results/raw-pixel-ablation.md.

    """
    try Data(markdown.utf8).write(to: results.appendingPathComponent("raw-pixel-baseline.md"), options: .atomic)
}

/// One variant of the raw-pixel agglomerative run, for the ablation in results/raw-pixel-ablation.md.
/// Keys (defaults = the port's §12 defaults): n (first n samples), premerge (1|0), lambda, ks, kc, eta,
/// score (paper|torch|caffe), update (exact|fast), norm (renorm|l2|center-l2: pixel mean over the set subtracted,
/// then x/‖x‖ as gacluster's demos do), target, labels (a path: one label per line).
/// Prints the periods, the metrics and the final cluster sizes (largest first).
func runAblation(_ arguments: [String]) throws {
    guard let which = arguments.first, which == "test" || which == "full" else {
        throw IDXReader.Failure(description: "ablate: first argument must be test or full")
    }
    var options = [String: String]()
    for a in arguments.dropFirst() {
        let parts = a.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw IDXReader.Failure(description: "ablate: '\(a)' is not key=value") }
        options[parts[0]] = parts[1]
    }
    func number(_ key: String) throws -> Double? {
        guard let v = options[key] else { return nil }
        guard let d = Double(v) else { throw IDXReader.Failure(description: "ablate: \(key)=\(v) is not a number") }
        return d
    }
    var data = try loadMNIST(full: which == "full")
    if let n = try number("n").map({ Int($0) }), n < data.count {
        data = (Array(data.pixels[0..<(n * 784)]), Array(data.labels[0..<n]), n)
    }
    var c = ClusteringConfiguration()
    c.workers = workers
    if let v = options["premerge"] { c.isolatedPremerge = v == "1" || v == "on" }
    if let v = try number("lambda") { c.lambda = v }
    if let v = try number("ks") { c.neighbourCount = Int(v) }
    if let v = try number("kc") { c.contrastNeighbours = Int(v) }
    if let v = try number("eta") { c.unrollingRate = v }
    if let v = options["score"] {
        guard let s = MergeScore(rawValue: v) else { throw IDXReader.Failure(description: "ablate: score=\(v)") }
        c.mergeScore = s
    }
    if let v = options["update"] {
        guard let u = AffinityUpdate(rawValue: v) else { throw IDXReader.Failure(description: "ablate: update=\(v)") }
        c.affinityUpdate = u
    }
    let target = try number("target").map { Int($0) } ?? 10
    let norm = options["norm"] ?? "renorm"
    let t0 = now()
    var features: [Float]
    switch norm {
    case "renorm": features = RawFeatures.make(pixels: data.pixels, count: data.count, dimension: 784, normalisation: .torchRenorm)
    case "l2": features = RawFeatures.make(pixels: data.pixels, count: data.count, dimension: 784, normalisation: .l2)
    case "center-l2":
        var mean = [Double](repeating: 0, count: 784)
        for i in 0..<data.count { for t in 0..<784 { mean[t] += Double(data.pixels[i * 784 + t]) / 255 } }
        for t in 0..<784 { mean[t] /= Double(data.count) }
        features = [Float](repeating: 0, count: data.count * 784)
        for i in 0..<data.count {
            var norm2 = 0.0
            for t in 0..<784 { let v = Double(data.pixels[i * 784 + t]) / 255 - mean[t]; norm2 += v * v }
            let scale = 1 / max(norm2.squareRoot(), 1e-12)
            for t in 0..<784 { features[i * 784 + t] = Float((Double(data.pixels[i * 784 + t]) / 255 - mean[t]) * scale) }
        }
    default: throw IDXReader.Failure(description: "ablate: norm=\(norm) (renorm|l2|center-l2)")
    }
    print("ablate \(which) n=\(data.count) premerge=\(c.isolatedPremerge) λ=\(c.lambda) K_s=\(c.neighbourCount) "
          + "K_c=\(c.contrastNeighbours) η=\(c.unrollingRate) score=\(c.mergeScore) update=\(c.affinityUpdate) norm=\(norm) graph=\(options["graph"] ?? "jule") target=\(target)")
    let clusterer = AgglomerativeClusterer(configuration: c, product: product)
    let report: (PeriodResult) -> Void = { p in
        print("  period: \(p.startClusters) clusters → pre-merges \(p.premerges), T = \(p.budget), merges \(p.merges) → \(p.clusters)"
              + (p.stoppedOnZeroAffinity ? " (zero affinity; K_s → \(p.neighbourCount))" : ""))
    }
    let graphKind = options["graph"] ?? "jule"
    var labels: [Int]
    var graph: SampleGraph?
    switch graphKind {
    case "jule":
        labels = try clusterer.cluster(features: features, count: data.count, dimension: 784, target: target, onPeriod: report)
    case "gac":
        // gacluster's gac_createdigraph: σᵢ² = d² to the ⌊K/2⌋-th neighbour, W[i,j] = exp(−d²/(2σᵢ²))/σᵢ.
        let k = c.neighbourCount
        let nn = clusterer.nearestNeighbours(features: features, count: data.count, dimension: 784, neighbourCount: k)
        var weights = [Double](repeating: 0, count: data.count * k)
        for i in 0..<data.count {
            let s2 = max(nn.squaredDistances[i * k + k / 2 - 1], 1e-300)
            for r in 0..<k { weights[i * k + r] = exp(-nn.squaredDistances[i * k + r] / (2 * s2)) / s2.squareRoot() }
        }
        let g = SampleGraph(neighbours: nn, weights: weights, sigmaSquared: .nan)
        graph = g
        labels = clusterer.initialClusters(neighbours: nn)
        var clusters = Set(labels).count
        while clusters > target {
            let p = try clusterer.mergePeriod(graph: g, features: features, dimension: 784, labels: labels, target: target)
            report(p)
            if p.merges == 0 && p.premerges == 0 { throw IDXReader.Failure(description: "ablate: gac graph ran out of affinity") }
            labels = p.labels
            clusters = p.clusters
        }
    default: throw IDXReader.Failure(description: "ablate: graph=\(graphKind) (jule|gac)")
    }
    let t1 = now()
    if options["diagnose"] == "1" {
        let g = graph ?? SampleGraph(neighbours: clusterer.nearestNeighbours(features: features, count: data.count,
                                                                             dimension: 784, neighbourCount: c.neighbourCount))
        diagnoseFinalAffinities(graph: g, labels: labels)
    }
    let e = ClusterEvaluation(truth: data.labels, predicted: labels)
    var sizes = [Int: Int]()
    for l in labels { sizes[l, default: 0] += 1 }
    let sorted = sizes.values.sorted(by: >)
    print(String(format: "RESULT NMI %.4f ACC %.4f ARI %.4f time %.1f s peakRSS %.0f MiB", e.nmi, e.accuracy,
                 e.adjustedRandIndex, t1 - t0, peakRSSMiB()))
    print("sizes: " + sorted.prefix(20).map(String.init).joined(separator: " "))
    if let path = options["labels"] {
        try Data(labels.map { "\($0)\n" }.joined().utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// Prints A(X, Y) = D(X→Y)/|X|² + D(Y→X)/|Y|² between the final clusters (doc §3.2), computed from scratch:
/// for the small clusters, their best partner; and the best affinity between two clusters of ≥ 1000 samples.
func diagnoseFinalAffinities(graph: SampleGraph, labels: [Int]) {
    let n = (labels.max() ?? -1) + 1, k = graph.neighbourCount
    var d = [Double](repeating: 0, count: n * n)          // d[x·n + y] = D(x → y)
    var inSum = [Double](repeating: 0, count: n), outSum = [Double](repeating: 0, count: n)
    for m in 0..<graph.count {
        for x in 0..<n { inSum[x] = 0; outSum[x] = 0 }
        for r in 0..<k { outSum[labels[Int(graph.outIndices[m * k + r])]] += graph.outWeights[m * k + r] }
        for e in graph.inOffsets[m]..<graph.inOffsets[m + 1] { inSum[labels[Int(graph.inSources[e])]] += graph.inWeights[e] }
        for x in 0..<n where x != labels[m] { d[x * n + labels[m]] += inSum[x] * outSum[x] }
    }
    var size = [Double](repeating: 0, count: n)
    for l in labels { size[l] += 1 }
    func a(_ x: Int, _ y: Int) -> Double { d[x * n + y] / (size[x] * size[x]) + d[y * n + x] / (size[y] * size[y]) }
    var bigBest = 0.0
    for x in 0..<n where size[x] >= 1000 { for y in 0..<n where y != x && size[y] >= 1000 { bigBest = max(bigBest, a(x, y)) } }
    print(String(format: "diagnose: best A between two clusters of ≥ 1000 samples: %.3e", bigBest))
    for x in 0..<n where size[x] < 1000 {
        var best = 0.0, partner = -1
        for y in 0..<n where y != x && a(x, y) > best { best = a(x, y); partner = y }
        print(String(format: "diagnose: cluster of %d samples: best A %.3e (partner of %d samples), isolated %@", Int(size[x]),
                     best, partner >= 0 ? Int(size[partner]) : 0, best == 0 ? "yes" : "no"))
    }
}

do {
    switch mode {
    case "ablate": try runAblation(Array(args.dropFirst()))
    case "baseline": try runBaselines()
    case "knn": try runDatasetKNN(Array(args.dropFirst()))
    case "knn-test": try runKNN(full: false)
    case "knn-full": try runKNN(full: true)
    case "test": try runClustering(full: false)
    case "full": try runClustering(full: true)
    case "all":
        try runClustering(full: false)
        try runClustering(full: true)
    case "--help", "-h":
        print("usage: bench-cluster [all | test | full | knn-test | knn-full | knn DATASET [WORKERS] | baseline | ablate ARGS…]")
    default:
        FileHandle.standardError.write(Data("bench-cluster: unknown mode '\(mode)'; one of all, test, full, knn-test, knn-full, knn, baseline, ablate (--help)\n".utf8))
        exit(64)
    }
} catch {
    FileHandle.standardError.write(Data("bench-cluster: \(error)\n".utf8))
    exit(1)
}
