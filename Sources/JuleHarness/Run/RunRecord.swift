import Foundation

/// The clustering quality of one labelling against the ground truth (§6).
public struct ClusteringScores: Codable, Sendable, Equatable {
    public var nmi: Double
    public var acc: Double
    public var ari: Double
    public var clusters: Int

    public init(nmi: Double, acc: Double, ari: Double, clusters: Int) {
        self.nmi = nmi; self.acc = acc; self.ari = ari; self.clusters = clusters
    }

    /// The value of a metric by its name in `datasets.json` claims ("NMI", "ACC", "ARI").
    public func value(of metric: String) -> Double? {
        switch metric.uppercased() {
        case "NMI": return nmi
        case "ACC": return acc
        case "ARI": return ari
        default: return nil
        }
    }
}

/// One clustering call of a run: the initial components (period 0), an SF period or an RC round.
public struct PeriodRecord: Codable, Sendable, Equatable {
    public var phase: String        // "SF" or "RC"
    public var period: Int
    public var scores: ClusteringScores
    /// Mean triplet loss over the epochs trained just before this clustering call (nil for period 0 and RC).
    public var loss: Double?
    /// Epochs trained so far in the run (global counter).
    public var epochs: Int
    public var merges: Int
    public var neighbourCount: Int
    public var seconds: Double
    /// Isolated clusters merged into their nearest centroid before the merges (§3.4); nil in older records.
    public var premerges: Int?
    /// One-way clusters merged before the merges (`clustering.rcOneWayMerge`, RC only); nil when that is off.
    public var oneWayMerges: Int?
    /// True when the period ran out of positive affinities before its budget (§3.5: K_s doubles); nil in older records.
    public var stoppedOnZeroAffinity: Bool?
}

/// Where and with what a run was made.
public struct MachineInfo: Codable, Sendable, Equatable {
    public var host: String
    public var cores: Int
    public var memoryGiB: Double
    public var blas: String
    public var blasThreads: Int
    /// The CNN's GEMM kernel ("blis", "simd", "openBLAS", "portable") and its compute workers.
    public var gemmKernel: String?
    public var computeWorkers: Int?
    public var os: String
    /// The processor's model name (nil in records written before it was recorded): timings are only comparable
    /// on the same processor, and the machines lent to this project are not always the same kind.
    public var cpu: String?
    /// The instruction set of the portable kernel ("avx2", "avx512", "scalar"; nil outside portable mode): speed
    /// only, the results are the same bits whichever.
    public var portableKernel: String?

    public init(host: String, cores: Int, memoryGiB: Double, blas: String, blasThreads: Int, gemmKernel: String? = nil,
                computeWorkers: Int? = nil, os: String, cpu: String? = nil, portableKernel: String? = nil) {
        self.host = host; self.cores = cores; self.memoryGiB = memoryGiB; self.blas = blas
        self.blasThreads = blasThreads; self.gemmKernel = gemmKernel; self.computeWorkers = computeWorkers
        self.os = os; self.cpu = cpu; self.portableKernel = portableKernel
    }

    /// The GEMM kernel in a few words: "blis skx", "blis zen3", "openBLAS", "portable avx512", … (BLIS's
    /// sub-configuration read from the `blas` description).
    public var kernelSummary: String {
        guard let kernel = gemmKernel else { return "–" }
        if kernel == "portable" { return portableKernel.map { "portable \($0)" } ?? kernel }
        guard kernel == "blis", let range = blas.range(of: "; BLIS ") else { return kernel }
        let words = blas[range.upperBound...].split(separator: " ")
        return words.count > 1 ? "blis \(words[words.count - 1])" : kernel
    }
}

/// The record of one finished run, written atomically as JSON. Reports and diffs read only these.
public struct RunRecord: Codable, Sendable {
    public static let currentSchema = 1
    public var schema: Int
    public var runID: String
    public var dataset: String
    /// The content digest of the dataset's cache that was trained on (sha256 of its pixels and labels, the cache's
    /// `contentSHA256`): the same for the same data whatever the cache file's bytes (records before it: the file's).
    public var datasetSHA256: String
    public var images: Int
    public var configuration: RunConfiguration
    public var configurationHash: String
    public var seed: UInt64
    public var codeVersion: String
    public var machine: MachineInfo
    public var startedAt: String
    public var finishedAt: String
    /// Seconds per phase: "raw-clustering", "training", "feature-extraction", "clustering", "rc", "total".
    public var timings: [String: Double]
    public var peakMemoryMiB: Double
    public var initialClusters: Int
    public var sf: ClusteringScores?
    public var rc: ClusteringScores?
    public var trajectory: [PeriodRecord]
    /// True when the run resumed from a checkpoint (saved after every epoch and every SF clustering call).
    public var resumed: Bool
    /// True for a run on an unlabelled dataset (one class): `sf` and `rc` are nil and the trajectory's metrics are 0;
    /// the cluster counts are in the trajectory. Nil (absent) for labelled data.
    public var unlabelled: Bool? = nil
    /// For a dataset imported with `jule data import`: the path it was imported from, so that a command meeting the
    /// run after the import was removed can say how to import it again. Nil for registry datasets and older records.
    public var importedFrom: String? = nil

    /// "portable" for a portable run (the same bits on any machine, whichever portable kernel ran it), else the GEMM
    /// kernel that made it ("blis skx", "openBLAS", …; "–" for records that do not say).
    public var computeMode: String {
        let mode = configuration.isPortable ? "portable" : machine.kernelSummary
        return configuration.convolutionAlgorithm == .im2col ? mode : "\(mode), \(configuration.convolutionAlgorithm.rawValue)"
    }

    /// Whether `datasetSHA256` is the data's content digest, and so comparable with today's cache. Content digests
    /// came with the builds that embed their version (`BuildInfo`: code version "0.2.0+abc123def456"); a record with a
    /// bare commit ("a76b288") holds the sha256 of the cache file's bytes, which a rebuild of the same data changes,
    /// so a mismatch there cannot tell changed data from a rebuilt cache. A pinned `$JULE_CODE_VERSION` without the
    /// "VERSION+" form reads as old too: such a record is never refused, only warned about.
    public var storesContentDigest: Bool {
        guard let plus = codeVersion.firstIndex(of: "+") else { return false }
        let version = codeVersion[..<plus]
        return version.contains(".") && version.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
    }

    /// The number of final clusters of a variant ("SF", "RC"): from its scores, or for an unlabelled run (no scores)
    /// from the last clustering call of that phase in the trajectory. Nil when the run has no such variant.
    public func finalClusters(variant: String) -> Int? {
        scores(variant: variant)?.clusters
            ?? trajectory.last { $0.phase == variant.uppercased() && unlabelled == true }?.scores.clusters
    }

    public func scores(variant: String) -> ClusteringScores? {
        switch variant.uppercased() {
        case "SF": return sf
        case "RC": return rc
        default: return nil
        }
    }
}
