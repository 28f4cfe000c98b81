import Foundation
import JuleCompute
import JuleData

/// A sweep file: datasets × seeds × override sets. JSON:
///
///     { "name": "paper", "datasets": ["COIL-20", "USPS"], "seeds": [1, 2, 3, 4, 5],
///       "overrides": [{}],                                  // optional: one cell per override set
///       "datasetOverrides": {"COIL-20": {"epochsPerPeriod": 20}},   // optional, per dataset
///       "portable": true,                                   // optional: every cell in portable mode
///       "convolution": "im2col" }                           // optional: the cells' convolution (default winograd4x4)
///
/// Override keys are configuration paths (see `RunConfiguration.applying(overrides:)`).
public struct SweepSpecification: Codable, Sendable {
    public var name: String
    public var datasets: [String]
    public var seeds: [UInt64]
    public var overrides: [[String: JSONValue]]?
    public var datasetOverrides: [String: [String: JSONValue]]?
    /// The `RunProfile` every cell starts from (nil: `RunProfile.default`).
    public var profile: String?
    /// True: every cell runs in portable mode (`compute.portable`: the same bits on any x86-64 with AVX2 and FMA).
    /// Nil or false: the fastest GEMM kernel of whichever machine runs the cell (results differ between machines).
    public var portable: Bool?
    /// How every cell computes its 5×5 convolutions (`compute.convolution`); nil: `ConvolutionAlgorithm.defaultChoice`
    /// (Winograd F(4×4, 5×5)). Sweep files planned before Winograd existed say "im2col", which keeps their cells' hashes.
    public var convolution: ConvolutionAlgorithm?

    public init(name: String, datasets: [String], seeds: [UInt64], overrides: [[String: JSONValue]]? = nil,
                datasetOverrides: [String: [String: JSONValue]]? = nil) {
        self.name = name; self.datasets = datasets; self.seeds = seeds
        self.overrides = overrides; self.datasetOverrides = datasetOverrides
    }

    public static func load(from url: URL) throws -> SweepSpecification {
        // Foundation's decoder does not say which number did not fit a seed (UInt64): checked first, by name.
        if let data = try? Data(contentsOf: url), StrictJSON.trailingComma(in: data) == nil,
           let tree = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let seeds = tree["seeds"] as? [Any] {
            for (i, seed) in seeds.enumerated() {
                guard let number = seed as? NSNumber, !(seed is Bool) else { continue }
                let value = number.doubleValue
                if value < 0 || value.rounded() != value {
                    throw HarnessError.malformedFile(url, reason: "\"seeds\"[\(i)]: \(number) is not a seed (a whole number 0…2⁶⁴−1)")
                }
            }
        }
        let spec = try JSONCoding.decode(SweepSpecification.self, from: url, strict: true)
        // The name becomes a folder (results/sweeps/<name>): a separator or `..` would write outside it.
        if let problem = folderNameProblem(spec.name) {
            throw HarnessError.malformedFile(url, reason: "\"name\": \(problem)")
        }
        guard !spec.datasets.isEmpty else { throw HarnessError.malformedFile(url, reason: "\"datasets\" is empty") }
        var listed = Set<String>()
        if let twice = spec.datasets.first(where: { !listed.insert($0).inserted }) {
            throw HarnessError.malformedFile(url, reason: "\"datasets\" lists \(twice) twice (each dataset once; "
                                             + "several settings of one dataset go in \"overrides\")")
        }
        guard !spec.seeds.isEmpty else { throw HarnessError.malformedFile(url, reason: "\"seeds\" is empty") }
        guard Set(spec.seeds).count == spec.seeds.count else {
            throw HarnessError.malformedFile(url, reason: "\"seeds\" has duplicates")
        }
        if let name = spec.profile, RunProfile(rawValue: name) == nil {
            throw HarnessError.malformedFile(url, reason: "\"profile\": unknown profile '\(name)' (one of \(RunProfile.names))")
        }
        // A cell's seed is one of "seeds" (its id says which): an override of it would run another seed under that id.
        let sets = (spec.overrides ?? []).enumerated().map { ("\"overrides\"[\($0.offset)]", $0.element) }
            + (spec.datasetOverrides ?? [:]).sorted { $0.key < $1.key }.map { ("\"datasetOverrides\".\($0.key)", $0.value) }
        if let (place, _) = sets.first(where: { $0.1.keys.contains("seed") }) {
            throw HarnessError.malformedFile(url, reason: "\(place): seed is not a setting of an override set (list seeds in \"seeds\")")
        }
        if let extra = spec.datasetOverrides?.keys.first(where: { !spec.datasets.contains($0) }) {
            throw HarnessError.malformedFile(url, reason: "\"datasetOverrides\" names \(extra), which is not in \"datasets\"")
        }
        return spec
    }

    /// Why `name` cannot name the sweep's folder, or nil: letters, digits, `-`, `_` and `.` only, and not `.` or `..`.
    static func folderNameProblem(_ name: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        if name.isEmpty { return "empty; give a folder name (letters, digits, '-', '_', '.')" }
        if name == "." || name == ".." || !name.allSatisfy(allowed.contains) {
            return "'\(name)' is not a folder name: use letters, digits, '-', '_' and '.' only (it names results/sweeps/<name>)"
        }
        return nil
    }
}
