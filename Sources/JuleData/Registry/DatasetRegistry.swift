import Foundation

/// The dataset registry: `datasets.json` decoded and checked against its schema.
///
/// Schema (version 1): `{ "schemaVersion": 1, "datasets": [DatasetEntry…] }`. `load(from:)` rejects unknown
/// decoders, missing decoder parameters, unverifiable source files, malformed digests, bad shapes and claims, and
/// duplicate names, each with one line naming the entry and the field.
public struct DatasetRegistry: Sendable {
    public static let schemaVersion = 1
    /// Decoders `DatasetStore` knows, with the parameters each needs.
    static let decoderRequirements: [String: [String]] = [
        "idx": [],
        "mat": ["images", "labels", "sampleAxis", "pixelOrder", "height", "width", "labelMapping"],
        "png-folder": ["filePattern", "channels", "height", "width"],
        "png-zip": ["filePattern", "channels", "height", "width"],
        "cifar": ["labelBytes", "labelIndex", "members"],
        "stl10": ["members"],
        "image-tree": ["channels", "height", "width"],
        "jule-h5": [],
    ]
    static let labelMappings: Set<String> = ["identity", "minusOne", "mod10", "rank"]

    public let datasets: [DatasetEntry]
    /// The file this registry was read from (nil when built in memory).
    public let url: URL?

    /// A registry from entries already in memory (validated like a file).
    public init(datasets: [DatasetEntry], url: URL? = nil) throws {
        try Self.validate(datasets, file: url?.path ?? "registry")
        self.datasets = datasets
        self.url = url
    }

    private struct File: Codable {
        let schemaVersion: Int
        let datasets: [DatasetEntry]
    }

    /// Reads and validates `datasets.json`.
    public static func load(from url: URL) throws -> DatasetRegistry {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataError.io(file: url.path, reason: "cannot read (\(FileErrorText.cause(error)))")
        }
        // Strict: a misspelt key is an error, not a silently ignored field.
        let file: File
        do { file = try StrictJSON.decode(File.self, from: data) } catch {
            throw DataError.invalidRegistry(file: url.path, reason: "\(error)")
        }
        guard file.schemaVersion == schemaVersion else {
            throw DataError.invalidRegistry(file: url.path,
                                            reason: "schemaVersion \(file.schemaVersion), this build reads \(schemaVersion)")
        }
        return try DatasetRegistry(datasets: file.datasets, url: url)
    }

    /// Writes the registry as `datasets.json` (schema version 1, sorted keys, atomically).
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do { data = try encoder.encode(File(schemaVersion: Self.schemaVersion, datasets: datasets)) } catch {
            throw DataError.io(file: url.path, reason: "cannot encode registry (\(error))")
        }
        try AtomicFile.write(data, to: url)
    }

    /// Finds `datasets.json`: `$JULE_REGISTRY`, then `./datasets.json`, then beside the executable's file (links
    /// resolved, wherever `PATH` found it: `ExecutablePath`) and up to four directories above it (a build under
    /// `.build/release/` finds the repository's copy).
    public static func locate() throws -> URL {
        var searched: [String] = []
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["JULE_REGISTRY"], !path.isEmpty {
            let url = URL(fileURLWithPath: path)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw DataError.io(file: url.path, reason: "JULE_REGISTRY points to a missing file")
            }
            return url
        }
        let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("datasets.json")
        searched.append(current.path)
        if FileManager.default.fileExists(atPath: current.path) { return current }
        var directory = ExecutablePath.current.deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = directory.appendingPathComponent("datasets.json")
            // The current folder may be the executable's or one above it, and above "/" is "/" again: each place once.
            if !searched.contains(candidate.path) {
                searched.append(candidate.path)
                if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            }
            guard directory.path != "/" else { break }
            directory.deleteLastPathComponent()
        }
        throw DataError.registryNotFound(searched: searched)
    }

    /// The entry called `name`, compared case-insensitively.
    public func entry(named name: String) throws -> DatasetEntry {
        if let entry = datasets.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) { return entry }
        throw DataError.unknownDataset(name: name, known: datasets.map(\.name))
    }

    /// This registry plus `extra` entries (e.g. user-imported datasets); names must stay unique.
    public func adding(_ extra: [DatasetEntry]) throws -> DatasetRegistry {
        try DatasetRegistry(datasets: datasets + extra, url: url)
    }

    // MARK: Validation

    static func validate(_ datasets: [DatasetEntry], file: String) throws {
        func fail(_ reason: String) -> DataError { .invalidRegistry(file: file, reason: reason) }
        guard !datasets.isEmpty else { throw fail("no datasets") }
        var seen = Set<String>()
        for entry in datasets {
            let at = "dataset '\(entry.name)'"
            guard !entry.name.isEmpty, entry.name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw fail("\(at): name must be non-empty letters, digits, '-', '_' or '.'")
            }
            guard seen.insert(entry.name.lowercased()).inserted else { throw fail("\(at): duplicate name") }
            guard entry.classes >= 1 else { throw fail("\(at): classes \(entry.classes) < 1") }
            guard entry.count >= entry.classes else { throw fail("\(at): count \(entry.count) < classes") }
            guard entry.shape.count == 3, entry.shape.allSatisfy({ $0 >= 1 }) else {
                throw fail("\(at): shape \(entry.shape) is not [C, H, W] with positive sizes")
            }
            guard [1, 3].contains(entry.shape[0]) else { throw fail("\(at): \(entry.shape[0]) channels (1 or 3)") }
            guard !entry.network.isEmpty else { throw fail("\(at): empty network") }
            guard entry.eta > 0, entry.eta <= 1 else { throw fail("\(at): eta \(entry.eta) not in (0, 1]") }
            guard entry.epochsPerPeriod >= 1 else { throw fail("\(at): epochsPerPeriod \(entry.epochsPerPeriod) < 1") }
            if let names = entry.classNames {
                guard names.count == entry.classes else {
                    throw fail("\(at): \(names.count) classNames for \(entry.classes) classes")
                }
                guard !names.contains(where: \.isEmpty) else { throw fail("\(at): an empty class name") }
            }
            for claim in entry.claims {
                guard Claim.metrics.contains(claim.metric) else { throw fail("\(at): claim metric '\(claim.metric)'") }
                guard Claim.variants.contains(claim.variant) else { throw fail("\(at): claim variant '\(claim.variant)'") }
                guard (-1...1).contains(claim.value) else { throw fail("\(at): claim value \(claim.value) not in [-1, 1]") }
                guard !claim.source.isEmpty else { throw fail("\(at): claim without source") }
            }
            var sourceIDs = Set<String>()
            for source in entry.sources {
                let sat = "\(at) source '\(source.id)'"
                guard sourceIDs.insert(source.id).inserted else { throw fail("\(sat): duplicate id") }
                guard let required = decoderRequirements[source.decoder] else {
                    throw fail("\(sat): unknown decoder '\(source.decoder)' (known: \(decoderRequirements.keys.sorted().joined(separator: ", ")))")
                }
                let present = try presentParameters(source.parameters)
                for name in required where !present.contains(name) {
                    throw fail("\(sat): decoder '\(source.decoder)' needs parameter '\(name)'")
                }
                if let mapping = source.parameters.labelMapping, !labelMappings.contains(mapping) {
                    throw fail("\(sat): labelMapping '\(mapping)' (known: \(labelMappings.sorted().joined(separator: ", ")))")
                }
                if let problem = rangeProblem(source.parameters, decoder: source.decoder) { throw fail("\(sat): \(problem)") }
                if let order = source.parameters.pixelOrder, order != "rowMajor", order != "columnMajor" {
                    throw fail("\(sat): pixelOrder '\(order)' (rowMajor or columnMajor)")
                }
                if let pattern = source.parameters.filePattern {
                    do { _ = try NSRegularExpression(pattern: pattern) } catch {
                        throw fail("\(sat): filePattern '\(pattern)' is not a regular expression")
                    }
                }
                if let shape = source.shape, shape.count != 3 || !shape.allSatisfy({ $0 >= 1 }) {
                    throw fail("\(sat): shape \(shape) is not [C, H, W]")
                }
                guard !source.files.isEmpty else { throw fail("\(sat): no files") }
                for file in source.files {
                    let fat = "\(sat) file '\(file.path)'"
                    guard !file.path.isEmpty, !file.path.hasPrefix("/"), !file.path.split(separator: "/").contains("..") else {
                        throw fail("\(fat): path must be relative, without '..'")
                    }
                    guard file.isVerifiable else { throw fail("\(fat): no sha256/md5 (or folder digest) to verify it") }
                    for (digest, length, label) in [(file.sha256, 64, "sha256"), (file.md5, 32, "md5"),
                                                    (file.manifestSHA256, 64, "manifestSHA256"),
                                                    (file.treeSHA256, 64, "treeSHA256")] {
                        if let digest, digest.count != length || !digest.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) {
                            throw fail("\(fat): \(label) '\(digest)' is not \(length) lowercase hex digits")
                        }
                    }
                    for url in file.urls ?? [] where URL(string: url)?.scheme == nil {
                        throw fail("\(fat): URL '\(url)' has no scheme")
                    }
                }
            }
        }
    }

    /// Why a decoder parameter is out of the range its decoder reads (which would trap or read out of bounds), or nil.
    static func rangeProblem(_ p: DecoderParameters, decoder: String) -> String? {
        if let labelBytes = p.labelBytes, labelBytes < 1 { return "labelBytes \(labelBytes) < 1" }
        if let labelIndex = p.labelIndex, !(0..<(p.labelBytes ?? 1)).contains(labelIndex) {
            return "labelIndex \(labelIndex) not in 0..<\(p.labelBytes ?? 1) (labelBytes)"
        }
        if let axis = p.sampleAxis, !(0...2).contains(axis) { return "sampleAxis \(axis) not in 0...2" }
        for (name, value) in [("height", p.height), ("width", p.width)] {
            if let value, value < 1 { return "\(name) \(value) < 1" }
        }
        if let channels = p.channels, channels != 1, channels != 3 { return "channels \(channels) (1 or 3)" }
        if let members = p.members {
            if members.isEmpty { return "members is empty" }
            if let empty = members.firstIndex(where: \.isEmpty) { return "members[\(empty)] is empty" }
            if decoder == "stl10", members.count % 2 != 0 { return "stl10 members must be (X, y) pairs, got \(members.count)" }
        }
        return nil
    }

    /// Names of the parameters that are set (via the encoder, so the list follows the struct).
    private static func presentParameters(_ parameters: DecoderParameters) throws -> Set<String> {
        let data = try JSONEncoder().encode(parameters)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return Set(object.keys)
    }
}
