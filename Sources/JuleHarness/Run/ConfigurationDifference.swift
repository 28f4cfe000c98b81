import Foundation
import JuleCompute

/// The settings in which two configurations differ, each as `path old → new` (`epochsPerPeriod 3 → 2`,
/// `network.blocks[1].channels 50 → 32`): what `jule train` names when it will not resume a checkpoint made with
/// other settings. Paths are those of `--set`; `overrides` (the record of what was changed, not a setting) is left out.
public enum ConfigurationDifference {
    public static func between(_ old: RunConfiguration, _ new: RunConfiguration) -> [String] {
        compare(flat(old, dropping: "overrides"), flat(new, dropping: "overrides"))
    }

    /// What a trainer checkpoint records against a run's configuration: the network, the training settings and the
    /// trainer's seed (derived from the run's seed, `JuleRunner.trainerSeed`). For a checkpoint saved before its state
    /// held the configuration, and for `jule embed --model` against the run whose centroids it would use.
    public static func between(network: NetworkSpec, training: TrainingConfiguration, trainerSeed: UInt64,
                        and new: RunConfiguration) -> [String] {
        var differences = compare(flat(network, prefix: "network"), flat(new.network, prefix: "network"))
            + compare(flat(training, prefix: "training"), flat(new.training, prefix: "training"))
        if trainerSeed != JuleRunner.trainerSeed(for: new) { differences.append("seed (not \(new.seed))") }
        return differences
    }

    private static func compare(_ old: [String: String], _ new: [String: String]) -> [String] {
        Set(old.keys).union(new.keys).sorted().filter { old[$0] != new[$0] }
            .map { "\($0) \(old[$0] ?? "unset") → \(new[$0] ?? "unset")" }
    }

    /// Every leaf of the value's JSON form by its dotted path (array elements as `[i]`).
    private static func flat<T: Encodable>(_ value: T, prefix: String = "", dropping: String? = nil) -> [String: String] {
        guard let tree = try? JSONValue(encoding: value) else { return [:] }
        var leaves: [String: String] = [:]
        func walk(_ node: JSONValue, _ path: String) {
            switch node {
            case let .object(children):
                for (key, child) in children where !(path.isEmpty && key == dropping) {
                    walk(child, path.isEmpty ? key : "\(path).\(key)")
                }
            case let .array(elements):
                for (i, element) in elements.enumerated() { walk(element, "\(path)[\(i)]") }
            default: leaves[path] = node.description
            }
        }
        walk(tree, prefix)
        return leaves
    }
}
