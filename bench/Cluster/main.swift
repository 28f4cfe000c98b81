import Foundation
import JuleCluster

// bench-cluster: raw-pixel agglomerative clustering of MNIST (JULE with the CNN off, §3) and the k-NN alone.
// Usage: bench-cluster [test|full|knn-test|knn-full] ...   (mirror: $JULE_MIRROR or ../shared/datasets)

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

do {
    switch mode {
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
