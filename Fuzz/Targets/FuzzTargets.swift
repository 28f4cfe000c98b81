import Foundation
import JuleData

/// Every fuzz target, by name. `jule-fuzz` (libFuzzer) runs one of them; `JuleFuzzTests` replays the committed
/// crash inputs of `Fuzz/regressions/<name>/` and the seed corpora through the same functions.
public enum FuzzTargets {
    public static let all: [FuzzTarget] = dataTargets + fileTargets

    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

    /// The decode limits while fuzzing: far below `DecodeLimits.standard`, so that libFuzzer's `-malloc_limit_mb`
    /// (1024 in Fuzz/run.sh) catches any allocation a file's claim forces past them. Inputs are at most 110 kB, so
    /// nothing valid comes near: 256 MiB per array, stream or member, 512 MiB per archive, 2²⁴ pixels per image.
    public static let limits = DecodeLimits(maxBytes: 256 << 20, maxArchiveBytes: 512 << 20, maxImagePixels: 1 << 24)

    /// Call once before running targets (libFuzzer driver, replay tool, regression tests).
    public static func prepare() {
        DecodeLimits.current = limits
    }
}

/// libFuzzer dictionaries (`-dict`) for the JSON targets: the keys of each file, quoted as they appear in JSON.
enum FuzzDictionary {
    static func keys(_ names: [String]) -> [String] { names.map { "\\\"\($0)\\\":" } }

    static let registry = keys([
        "schemaVersion", "datasets", "name", "description", "classes", "count", "shape", "network", "eta",
        "epochsPerPeriod", "claims", "metric", "variant", "value", "source", "homepage", "sources", "id", "decoder",
        "parameters", "files", "role", "path", "sha256", "md5", "bytes", "urls", "kind", "treeSHA256", "manifest",
        "manifestSHA256", "note", "labelMapping", "protocolNotes", "deviations", "images", "labels", "sampleAxis",
        "pixelOrder", "filePattern", "channels", "height", "width", "labelBytes", "labelIndex", "members",
    ]) + ["\\\"idx\\\"", "\\\"mat\\\"", "\\\"png-folder\\\"", "\\\"png-zip\\\"", "\\\"cifar\\\"", "\\\"stl10\\\"",
          "\\\"image-tree\\\"", "\\\"jule-h5\\\"", "\\\"folder\\\"", "\\\"rowMajor\\\"", "\\\"columnMajor\\\"",
          "\\\"minusOne\\\"", "\\\"mod10\\\"", "\\\"rank\\\"", "\\\"identity\\\"", "\\\"NMI\\\"", "\\\"RC\\\"", "\\\"SF\\\""]

    static let sweep = keys(["name", "datasets", "seeds", "overrides", "datasetOverrides", "profile",
                             "epochsPerPeriod", "clustering.unrollingRate", "training.tripletGamma", "maxEpochs",
                             "clusters", "classLimit", "network.blocks", "network.inputChannels", "seed"])
        + ["\\\"USPS\\\"", "\\\"COIL-20\\\"", "\\\"MNIST-test\\\"", "\\\"port\\\"", "\\\"default\\\"", "1e308", "-1",
           "18446744073709551615", "9223372036854775807"]

    static let configuration = keys([
        "schema", "name", "cells", "index", "id", "dataset", "seed", "configurationHash", "overrides", "configuration",
        "clusters", "classLimit", "network", "inputChannels", "inputHeight", "inputWidth", "blocks", "filters",
        "kernel", "padding", "pool", "embeddingDimension", "epochsPerPeriod", "maxEpochs", "featureBatchNorm",
        "rerunClustering", "training", "clustering", "profile", "runID", "datasetSHA256", "images", "codeVersion",
        "machine", "startedAt", "finishedAt", "timings", "peakMemoryMiB", "initialClusters", "sf", "rc", "nmi", "acc",
        "ari", "trajectory", "phase", "period", "scores", "loss", "epochs", "merges", "neighbourCount", "seconds",
        "resumed", "unrollingRate", "batchSize",
    ]) + ["1e308", "-1", "9223372036854775807", "18446744073709551615", "0.5"]

    static let checkpoint = keys(["spec", "configuration", "seed", "iteration", "epochsCompleted", "hasVelocity",
                                  "parameterCount", "runningStatisticsCount", "inputChannels", "inputHeight",
                                  "inputWidth", "blocks", "filters", "kernel", "padding", "pool", "embeddingDimension"])
        + ["9223372036854775807", "-1", "4611686018427387904"]
}
