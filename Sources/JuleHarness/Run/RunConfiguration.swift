import Foundation
import JuleCluster
import JuleCompute
import JuleData

/// Everything that determines a JULE run: written verbatim into its record, hashed into its id, and read back
/// when a run resumes. Defaults follow §8 and §12 of the algorithm doc; per-dataset values come from
/// `datasets.json` (network, η, epochs per period).
public struct RunConfiguration: Codable, Sendable {
    public var dataset: String
    public var seed: UInt64
    /// n*: the target number of clusters (§12 #15). Nil → the number of distinct labels.
    public var clusters: Int?
    /// Use only the images of the first `classLimit` classes (quick runs, tests); nil = all.
    public var classLimit: Int?
    public var network: NetworkSpec
    public var epochsPerPeriod: Int
    /// Total epoch cap (`-epoch_max`, §4.6).
    public var maxEpochs: Int
    /// BN mode for the features of the SF periods (§2: train mode, as the reference; §12 #5).
    public var featureBatchNorm: BatchNormMode
    /// Run JULE-RC after SF (§5).
    public var rerunClustering: Bool
    public var training: TrainingConfiguration
    public var clustering: ClusteringConfiguration
    /// The `RunProfile` the run started from (nil: made before profiles existed, with the first sweep's defaults).
    public var profile: String?
    /// The settings changed on top of the profile and the dataset's values (`--set`, CLI flags, sweep overrides),
    /// exactly as given; nil when none.
    public var overrides: [String: JSONValue]?
    /// How the run computes (`compute.portable`, `jule train --portable`). Nil — every record made before it existed,
    /// and every run that does not ask — is the fastest kernel of the machine, so those hashes do not change.
    public var compute: ComputeConfiguration?

    /// Whether the run is in portable mode (bit-identical results on any x86-64 with AVX2 and FMA).
    public var isPortable: Bool { compute?.portable ?? false }

    /// How the run's 5×5 convolutions are computed (im2col when the configuration does not say).
    public var convolutionAlgorithm: ConvolutionAlgorithm { compute?.convolution ?? .im2col }

    /// The epoch cap unless a run sets `maxEpochs` (`jule train --help` shows it).
    public static let defaultMaxEpochs = 1000

    public init(dataset: String, seed: UInt64, clusters: Int? = nil, classLimit: Int? = nil,
                network: NetworkSpec, epochsPerPeriod: Int = 20, maxEpochs: Int = defaultMaxEpochs,
                featureBatchNorm: BatchNormMode = .train, rerunClustering: Bool = true,
                training: TrainingConfiguration = TrainingConfiguration(),
                clustering: ClusteringConfiguration = ClusteringConfiguration()) {
        self.dataset = dataset
        self.seed = seed
        self.clusters = clusters
        self.classLimit = classLimit
        self.network = network
        self.epochsPerPeriod = epochsPerPeriod
        self.maxEpochs = maxEpochs
        self.featureBatchNorm = featureBatchNorm
        self.rerunClustering = rerunClustering
        self.training = training
        self.clustering = clustering
    }

    /// The settings of `profile` for a registered dataset: its network preset (or the design rule), η and epochs
    /// per period, then every switch the profile fixes.
    public static func defaults(for entry: DatasetEntry, seed: UInt64,
                                profile: RunProfile = .default) throws -> RunConfiguration {
        let network = try NetworkChoice.resolve(entry.network, shape: entry.shape, owner: "dataset '\(entry.name)'")
        var clustering = ClusteringConfiguration()
        clustering.unrollingRate = entry.eta
        var configuration = RunConfiguration(dataset: entry.name, seed: seed, network: network,
                                             epochsPerPeriod: entry.epochsPerPeriod, clustering: clustering)
        profile.apply(to: &configuration)
        return configuration
    }

    /// The profile this configuration started from (records without one were made with the first sweep's).
    public var runProfile: RunProfile? { RunProfile(rawValue: profile ?? RunProfile.firstSweep.rawValue) }

    /// A stable hash of the whole configuration (sorted-key JSON), used for run ids and resume checks.
    public func hash() throws -> String { try StableHash.hex(self) }

    /// Applies `key = value` overrides by JSON path (e.g. `"epochsPerPeriod": 5`, `"clustering.unrollingRate": 0.2`,
    /// `"training.tripletGamma": 1`). Unknown keys and wrong types are errors, never silently ignored.
    /// The overrides are also stored in `overrides` (merged with earlier ones), so a record says what was changed.
    public func applying(overrides: [String: JSONValue]) throws -> RunConfiguration {
        guard !overrides.isEmpty else { return self }
        for key in overrides.keys.sorted() {
            if let why = Self.notASetting(key) { throw HarnessError.invalidOverride(key: key, reason: "not a setting (\(why))") }
        }
        let encoder = JSONEncoder()
        do {
            var updated = try decoding(overrides)
            updated.overrides = (self.overrides ?? [:]).merging(overrides) { _, new in new }
            // The decoder ignores unknown keys: a key that does not survive the round trip names no setting.
            let settings = try JSONSerialization.jsonObject(with: encoder.encode(updated)) as? [String: Any] ?? [:]
            for (key, value) in overrides where value != .null && !Self.contains(settings, path: key) {
                let hint = NearestName.suggestion(for: key, among: Self.paths(settings)).map { " (did you mean \($0)?)" } ?? ""
                throw HarnessError.invalidOverride(key: key, reason: "no such setting\(hint)")
            }
            try updated.validate()
            return updated
        } catch let error as DecodingError {
            throw refusal(of: overrides, error)
        }
    }

    /// Why `key` is a part of the configuration that no override may change, or nil: what the run is of and what it
    /// started from are named elsewhere (a record that said one dataset and trained another would lie).
    private static func notASetting(_ key: String) -> String? {
        func within(_ name: String) -> Bool { key == name || key.hasPrefix(name + ".") }
        if within("dataset") { return "the dataset is the one named to `jule train` or in a sweep's \"datasets\"" }
        if within("profile") || within("overrides") { return "use --profile" }
        return nil
    }

    /// The configuration with `overrides` set in its JSON tree, decoded back.
    private func decoding(_ overrides: [String: JSONValue]) throws -> RunConfiguration {
        guard var tree = try JSONSerialization.jsonObject(with: JSONEncoder().encode(self)) as? [String: Any] else {
            throw HarnessError.invalidConfiguration("configuration does not encode as an object")
        }
        for (key, value) in overrides.sorted(by: { $0.key < $1.key }) {
            try Self.set(&tree, path: key.split(separator: ".").map(String.init), value: value.foundationValue, key: key)
        }
        return try JSONDecoder().decode(RunConfiguration.self, from: JSONSerialization.data(withJSONObject: tree))
    }

    /// The one override at fault in a decoding `error`, named with what its setting allows. The override is the one
    /// the decoder stopped at, not the whole batch: a command adds overrides of its own (`compute.convolution`) that
    /// the user never typed. Foundation names no place for a number that does not fit (-1 or 1.5 for a seed): then
    /// each override is tried alone.
    private func refusal(of overrides: [String: JSONValue], _ error: DecodingError) -> HarnessError {
        let keys = overrides.keys.sorted()
        func holds(_ key: String, _ at: String) -> Bool { at == key || at.hasPrefix(key + ".") || at.hasPrefix(key + "[") }
        var error = error, at = Self.codingPath(of: error)
        var key = keys.first { holds($0, at) }
        if key == nil {
            for candidate in keys {
                do { _ = try decoding([candidate: overrides[candidate] ?? .null]) } catch let alone as DecodingError {
                    key = candidate
                    error = alone
                    at = Self.codingPath(of: alone)
                    break
                } catch { continue }
            }
        }
        guard let key else { return .invalidOverride(key: keys.joined(separator: ", "), reason: JSONCoding.describe(error)) }
        // An unknown choice or a number out of range: what the setting takes, from its type. A wrong type keeps the
        // decoder's "wrong type: expected a number".
        if case .typeMismatch = error {} else if at == key || at.isEmpty, let allowed = SettingKind(at: key, in: self)?.allowed {
            return .invalidOverride(key: key, reason: "not \(allowed)")
        }
        // "wrong type: expected a number" when the key is the place; the place within it otherwise.
        let reason = at == key ? JSONCoding.describe(error).replacingOccurrences(of: " at \(at):", with: ":")
                               : JSONCoding.describe(error)
        return .invalidOverride(key: key, reason: reason)
    }

    /// A decoding error's place as a configuration path ("training.margin", "network.layers[2].kernel").
    private static func codingPath(of error: DecodingError) -> String {
        let keys: [CodingKey]
        switch error {
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context): keys = context.codingPath
        case let .keyNotFound(key, context): keys = context.codingPath + [key]
        @unknown default: keys = []
        }
        return keys.enumerated().map { i, key in
            key.intValue.map { "[\($0)]" } ?? (i == 0 ? key.stringValue : ".\(key.stringValue)")
        }.joined()
    }

    private static func set(_ tree: inout [String: Any], path: [String], value: Any, key: String) throws {
        guard let head = path.first else { return }
        if path.count == 1 {
            tree[head] = value      // unknown names are caught after decoding (nil optionals are absent here)
            return
        }
        // An optional group that is nil (`compute` of most configurations) is absent from the tree: start it empty.
        guard var child = tree[head] as? [String: Any] ?? (tree[head] == nil ? [:] : nil) else {
            throw HarnessError.invalidOverride(key: key, reason: "'\(head)' is not a group of settings")
        }
        try set(&child, path: Array(path.dropFirst()), value: value, key: key)
        tree[head] = child
    }

    /// Every setting's dotted path (settings left unset are absent from the encoded tree, so not listed; `overrides`,
    /// the record of what was changed, is not a setting).
    private static func paths(_ tree: [String: Any], prefix: String = "") -> [String] {
        tree.filter { prefix.isEmpty ? $0.key != "overrides" : true }.flatMap { key, value -> [String] in
            let path = prefix.isEmpty ? key : prefix + "." + key
            if let child = value as? [String: Any] { return paths(child, prefix: path) }
            return [path]
        }
    }

    private static func contains(_ tree: [String: Any], path: String) -> Bool {
        var node: Any = tree
        for part in path.split(separator: ".") {
            guard let dict = node as? [String: Any], let child = dict[String(part)] else { return false }
            node = child
        }
        return true
    }
}

/// A JSON scalar, array or object, for sweep overrides.
public enum JSONValue: Codable, Sendable, Equatable, CustomStringConvertible {
    case number(Double), string(String), bool(Bool), null
    case array([JSONValue]), object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case let .number(d): try c.encode(d)
        case let .string(s): try c.encode(s)
        case let .bool(b): try c.encode(b)
        case .null: try c.encodeNil()
        case let .array(a): try c.encode(a)
        case let .object(o): try c.encode(o)
        }
    }

    var foundationValue: Any {
        switch self {
        case let .number(d): return d == d.rounded() && abs(d) < 1e15 ? NSNumber(value: Int64(d)) : NSNumber(value: d)
        case let .string(s): return s
        case let .bool(b): return b
        case .null: return NSNull()
        case let .array(a): return a.map(\.foundationValue)
        case let .object(o): return o.mapValues(\.foundationValue)
        }
    }

    public var description: String {
        switch self {
        case let .number(d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case let .string(s): return s
        case let .bool(b): return String(b)
        case .null: return "null"
        case let .array(a): return "[" + a.map(\.description).joined(separator: ",") + "]"
        case let .object(o): return "{" + o.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.description)" }.joined(separator: ",") + "}"
        }
    }
}
