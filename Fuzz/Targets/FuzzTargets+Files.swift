import Foundation
import JuleCluster
import JuleCompute
import JuleData
@_spi(Fuzzing) import JuleHarness

/// Targets for the project's own files: label files, the registry, sweep files and manifests, run records,
/// checkpoints and run states (what `jule eval`, `sweep`, `report`, `diff` and a resumed `train` read).
extension FuzzTargets {
    static let fileTargets: [FuzzTarget] = [labels, registry, sweep, manifest, record, checkpoint, runState]

    /// Plain-text label files (`jule eval --pred`, `labels-sf.txt`), read from a file as `LabelFile.read` does.
    static let labels = FuzzTarget(
        name: "labels", summary: "label files (one integer per line) via LabelFile.read",
        maxLength: 4096, dictionary: ["\\x0d\\x0a", "-", "+", "9223372036854775807", "\\xef\\xbb\\xbf"]
    ) { data in
        guard let url = ScratchFile.write(data, named: "fuzz-labels.txt") else { return }
        if let labels = FuzzCheck.parse(file: url.path, { try LabelFile.read(url) }) {
            FuzzCheck.expect(!labels.isEmpty, "an accepted label file has labels")
        }
    }

    /// `datasets.json` as every command loads it, then each entry's run configuration (what `train` and
    /// `sweep plan` derive from it).
    static let registry = FuzzTarget(
        name: "registry", summary: "datasets.json via DatasetRegistry.load, then each entry's default RunConfiguration",
        maxLength: 40000, dictionary: FuzzDictionary.registry
    ) { data in
        guard let url = ScratchFile.write(data, named: "fuzz-datasets.json") else { return }
        guard let registry = FuzzCheck.parse(file: url.path, { try DatasetRegistry.load(from: url) }) else { return }
        for entry in registry.datasets {
            _ = FuzzCheck.parseContent(of: url.path) { try RunConfiguration.defaults(for: entry, seed: 1) }
        }
    }

    /// Sweep files (`jule sweep plan`): load, then plan against the project's registry.
    static let sweep = FuzzTarget(
        name: "sweep", summary: "sweep files via SweepSpecification.load and SweepManifest.plan",
        maxLength: 4096, dictionary: FuzzDictionary.sweep
    ) { data in
        guard let url = ScratchFile.write(data, named: "fuzz-sweep.json") else { return }
        guard let spec = FuzzCheck.parse(file: url.path, { try SweepSpecification.load(from: url) }) else { return }
        let registry = FuzzEnvironment.registry
        if let manifest = FuzzCheck.parseContent(of: url.path, { try SweepManifest.plan(spec, registry: registry) }) {
            FuzzCheck.expect(Set(manifest.cells.map(\.id)).count == manifest.cells.count, "cell ids are unique")
        }
    }

    /// Sweep manifests (`manifest.json`): load, then what `sweep cell` and `sweep status` do with a cell before
    /// training (validate and hash its configuration).
    static let manifest = FuzzTarget(
        name: "manifest", summary: "sweep manifests via SweepManifest.load, then each cell's configuration",
        maxLength: 16384, dictionary: FuzzDictionary.configuration
    ) { data in
        guard let url = ScratchFile.write(data, named: "fuzz-manifest.json") else { return }
        guard let manifest = FuzzCheck.parse(file: url.path, { try SweepManifest.load(from: url) }) else { return }
        for cell in manifest.cells {
            _ = FuzzCheck.parseContent(of: url.path) {
                try cell.configuration.validate()
                return try cell.configuration.hash()
            }
        }
    }

    /// Run records (`record.json`): decode, then aggregate as `jule report` and `jule diff` do.
    static let record = FuzzTarget(
        name: "record", summary: "run records (record.json) via JSONCoding and ResultsAggregator.rows",
        maxLength: 16384, dictionary: FuzzDictionary.configuration
    ) { data in
        guard let url = ScratchFile.write(data, named: "fuzz-record.json") else { return }
        guard let record = FuzzCheck.parse(file: url.path, { try JSONCoding.decode(RunRecord.self, from: url) }) else { return }
        let aggregator = ResultsAggregator(registry: FuzzEnvironment.registry)
        _ = FuzzCheck.parseContent(of: url.path) { try aggregator.rows(from: [record]) }
    }

    /// Trainer checkpoints (`JULECKPT`): `Trainer.loadCheckpoint`, which reads the file and rebuilds the network.
    static let checkpoint = FuzzTarget(
        name: "checkpoint", summary: "JULECKPT checkpoints via Trainer.loadCheckpoint (header, arrays, network rebuild)",
        maxLength: 65536, dictionary: ["JULECKPT", "\\x01\\x00\\x00\\x00"] + FuzzDictionary.checkpoint
    ) { data in
        guard let url = ScratchFile.write(data, named: "fuzz.ckpt") else { return }
        if let trainer = FuzzCheck.parse(file: url.path, { try Trainer.loadCheckpoint(from: url, backend: FuzzEnvironment.backend) }) {
            FuzzCheck.expect(trainer.network.parameters.count == trainer.network.parameterCount, "parameters restored")
        }
    }

    /// A run's `checkpoint/state.json`, as a resumed `jule train` reads it.
    static let runState = FuzzTarget(
        name: "run-state", summary: "run states (checkpoint/state.json) as a resumed jule train reads them",
        maxLength: 4096, dictionary: ["configurationHash", "period", "epochs", "labels", "neighbourCount", "trainerFile",
                                      "periodProgress", "trajectory", "timings", "startedAt", "schema", "target"]
    ) { data in
        guard let url = ScratchFile.write(data, named: "fuzz-state.json") else { return }
        _ = FuzzCheck.parse(file: url.path) { try HarnessParsers.runState(at: url) }
    }
}

/// Shared state of the harness targets: one compute backend (single worker) and the registry sweep files and
/// records are checked against (the repository's `datasets.json`).
public enum FuzzEnvironment {
    static let backend: ComputeBackend = CPUBackend(workers: 1)

    public static let registry: DatasetRegistry = {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }   // Fuzz/Targets/<file> → repository root
        let url = root.appendingPathComponent("datasets.json")
        do { return try DatasetRegistry.load(from: url) } catch {
            fatalError("the fuzz targets need the repository's datasets.json at \(url.path): \(error)")
        }
    }()
}
