import Foundation
import JuleData
import JuleCompute
@testable import JuleHarness

/// Shared fixtures: the repository's registry and fabricated run records.
enum HarnessFixtures {
    static var repositoryRoot: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }

    static func registry() throws -> DatasetRegistry {
        try DatasetRegistry.load(from: repositoryRoot.appendingPathComponent("datasets.json"))
    }

    /// A record with the dataset's default configuration and the given final scores.
    static func record(dataset: String, seed: UInt64, sfNMI: Double, rcNMI: Double, acc: Double = 0.9,
                       overrides: [String: JSONValue] = [:], registry: DatasetRegistry) throws -> RunRecord {
        let configuration = try RunConfiguration.defaults(for: try registry.entry(named: dataset), seed: seed)
            .applying(overrides: overrides)
        let hash = try configuration.hash()
        let sf = ClusteringScores(nmi: sfNMI, acc: acc, ari: 0.8, clusters: 20)
        let rc = ClusteringScores(nmi: rcNMI, acc: acc, ari: 0.85, clusters: 20)
        let trajectory = [
            PeriodRecord(phase: "SF", period: 0, scores: ClusteringScores(nmi: 0.7, acc: 0.3, ari: 0.1, clusters: 150),
                         loss: nil, epochs: 0, merges: 0, neighbourCount: 20, seconds: 1),
            PeriodRecord(phase: "SF", period: 1, scores: sf, loss: 0.1, epochs: 20, merges: 130, neighbourCount: 20, seconds: 60),
            PeriodRecord(phase: "RC", period: 0, scores: ClusteringScores(nmi: 0.8, acc: 0.4, ari: 0.2, clusters: 120),
                         loss: nil, epochs: 20, merges: 0, neighbourCount: 20, seconds: 1),
            PeriodRecord(phase: "RC", period: 1, scores: rc, loss: nil, epochs: 20, merges: 100, neighbourCount: 20, seconds: 1),
        ]
        return RunRecord(schema: RunRecord.currentSchema, runID: "\(dataset)-s\(seed)-\(hash.prefix(8))", dataset: dataset,
                         datasetSHA256: String(repeating: "0", count: 64), images: 1440, configuration: configuration,
                         configurationHash: hash, seed: seed, codeVersion: "test",
                         machine: MachineInfo(host: "test", cores: 2, memoryGiB: 24, blas: "OpenBLAS", blasThreads: 1,
                                              gemmKernel: "blis", computeWorkers: 2, os: "Linux"),
                         startedAt: "2026-01-01T00:00:00Z", finishedAt: "2026-01-01T00:10:00Z",
                         timings: ["total": 600], peakMemoryMiB: 500, initialClusters: 150, sf: sf, rc: rc,
                         trajectory: trajectory, resumed: false)
    }

    /// A small synthetic image set in the USPS format (1×16×16): `classes` bar/blob patterns with noise, so that
    /// the USPS network preset applies and a JULE run takes seconds.
    static func syntheticDataset(classes: Int = 4, perClass: Int = 30, seed: UInt64 = 5) -> Dataset {
        var rng = SeededGenerator(seed: seed)
        var pixels: [UInt8] = []
        var labels: [Int32] = []
        for n in 0..<(classes * perClass) {
            let c = n % classes
            for r in 0..<16 {
                for col in 0..<16 {
                    // Class c: a bright band whose orientation and position depend on c.
                    let onBand = c % 2 == 0 ? abs(r - (3 + 3 * (c / 2))) <= 1 : abs(col - (3 + 3 * (c / 2))) <= 1
                    let base = onBand ? 200.0 : 30.0
                    let value = base + 25 * rng.nextGaussian()
                    pixels.append(UInt8(max(0, min(255, value))))
                }
            }
            labels.append(Int32(c))
        }
        return Dataset(name: "USPS", count: classes * perClass, channels: 1, height: 16, width: 16, pixels: pixels, labels: labels)
    }

    /// `dataset` restricted to its first `classLimit` classes, each image box-averaged by `factor` in H and W.
    static func downsampled(_ dataset: Dataset, factor: Int, classLimit: Int) -> Dataset {
        let h = dataset.height / factor, w = dataset.width / factor, c = dataset.channels
        var pixels: [UInt8] = [], labels: [Int32] = []
        for n in 0..<dataset.count where dataset.labels[n] < classLimit {
            for ch in 0..<c {
                for y in 0..<h {
                    for x in 0..<w {
                        var sum = 0
                        for dy in 0..<factor {
                            for dx in 0..<factor {
                                sum += Int(dataset.pixels[((n * c + ch) * dataset.height + y * factor + dy) * dataset.width + x * factor + dx])
                            }
                        }
                        pixels.append(UInt8(sum / (factor * factor)))
                    }
                }
            }
            labels.append(dataset.labels[n])
        }
        return Dataset(name: dataset.name, count: labels.count, channels: c, height: h, width: w, pixels: pixels, labels: labels)
    }
}
