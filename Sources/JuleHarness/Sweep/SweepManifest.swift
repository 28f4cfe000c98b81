import Foundation
import JuleCompute
import JuleData

/// One run of a sweep: a dataset, a seed and the fully resolved configuration, with a stable id.
public struct SweepCell: Codable, Sendable, Equatable {
    public var index: Int
    /// `<dataset>-s<seed>-<first 8 hex digits of the configuration hash>`: stable across re-plans.
    public var id: String
    public var dataset: String
    public var seed: UInt64
    public var configurationHash: String
    public var overrides: [String: JSONValue]
    public var configuration: RunConfiguration

    public static func == (a: SweepCell, b: SweepCell) -> Bool { a.id == b.id && a.index == b.index }
}

/// The plan of a sweep (written by `jule sweep plan`): every cell, in a fixed order, and where records go.
/// Cells are identified by id, so a re-plan that keeps a cell's configuration keeps its finished record.
public struct SweepManifest: Codable, Sendable {
    public static let currentSchema = 1
    public var schema: Int
    public var name: String
    public var cells: [SweepCell]

    public static func plan(_ spec: SweepSpecification, registry: DatasetRegistry) throws -> SweepManifest {
        var cells: [SweepCell] = []
        let profile = try spec.profile.map(RunProfile.init(named:)) ?? .default
        // Which override set made each computation (dataset, seed and configuration without its `overrides`
        // bookkeeping), to name the two sets behind one: `{}` and `{"epochsPerPeriod": 20}` (the default) differ in
        // what they list, and so in hash and cell id, but not in what they compute.
        var origins: [String: (set: Int, id: String)] = [:]
        // Names match without regard to case: "coil-20" and "COIL-20" are one dataset, listed twice.
        var listedAs: [String: String] = [:]
        for name in spec.datasets {
            let entry = try registry.entry(named: name)
            if let other = listedAs.updateValue(name, forKey: entry.name) {
                throw HarnessError.invalidConfiguration(
                    "\"datasets\" lists \(entry.name) twice (\"\(other)\" and \"\(name)\"); list each dataset once")
            }
            for (set, overrides) in (spec.overrides ?? [[:]]).enumerated() {
                var merged: [String: JSONValue] = spec.portable == true ? ["compute.portable": .bool(true)] : [:]
                // im2col is what a configuration without the key means, so it adds nothing (old hashes stay).
                let convolution = spec.convolution ?? .defaultChoice
                if convolution != .im2col { merged["compute.convolution"] = .string(convolution.rawValue) }
                merged.merge(spec.datasetOverrides?[name] ?? [:]) { _, datasetValue in datasetValue }
                merged.merge(overrides) { _, cellValue in cellValue }
                for seed in spec.seeds {
                    let configuration = try RunConfiguration.defaults(for: entry, seed: seed, profile: profile)
                        .applying(overrides: merged)
                    try configuration.checkFits(entry)
                    let hash = try configuration.hash()
                    let id = "\(entry.name)-s\(seed)-\(hash.prefix(8))"
                    var computed = configuration
                    computed.overrides = nil
                    let key = "\(entry.name)-s\(seed)-\(try computed.hash())"
                    if let first = origins[key] {
                        let cells = first.id == id ? "cell \(id)" : "cells \(first.id) and \(id), which differ only in the overrides they list"
                        throw HarnessError.invalidConfiguration(
                            "override sets \(first.set + 1) and \(set + 1) (of \"overrides\", counting from 1) give \(entry.name) "
                            + "the same configuration (\(cells)): each set must change something the others do not")
                    }
                    origins[key] = (set, id)
                    cells.append(SweepCell(index: cells.count, id: id,
                                           dataset: entry.name, seed: seed, configurationHash: hash,
                                           overrides: merged, configuration: configuration))
                }
            }
        }
        return SweepManifest(schema: currentSchema, name: spec.name, cells: cells)
    }

    public static func load(from url: URL) throws -> SweepManifest {
        let manifest = try JSONCoding.decode(SweepManifest.self, from: url)
        guard manifest.schema == currentSchema else {
            throw HarnessError.manifestMismatch(url, reason: "schema \(manifest.schema), expected \(currentSchema)")
        }
        for (i, cell) in manifest.cells.enumerated() where cell.index != i {
            throw HarnessError.manifestMismatch(url, reason: "cell \(cell.id) has index \(cell.index) at position \(i)")
        }
        return manifest
    }

    /// Which compute mode the cells use, in words (`jule sweep plan` prints it; `make reproduce` shows it).
    public var computeSummary: String {
        let portable = cells.filter(\.configuration.isPortable).count
        let fastest = "the fastest GEMM kernel of the machine that runs each cell (results differ between machines)"
        let modes: String
        if portable == 0 {
            modes = "every cell with \(fastest)"
        } else if portable == cells.count {
            modes = "every cell in portable mode (the same bits on any x86-64 with AVX2 and FMA)"
        } else {
            modes = "\(portable) cells in portable mode, \(cells.count - portable) with \(fastest)"
        }
        let algorithms = Set(cells.map(\.configuration.convolutionAlgorithm))
        let convolution = algorithms.sorted { $0.rawValue < $1.rawValue }.map { algorithm in
            let name = algorithm.isWinograd ? "\(algorithm.rawValue) (Winograd) convolutions" : "im2col convolutions"
            let count = cells.filter { $0.configuration.convolutionAlgorithm == algorithm }.count
            return algorithms.count == 1 ? name : "\(count) cells with \(name)"
        }.joined(separator: ", ")
        return "\(modes); \(convolution)"
    }

    public func cell(at index: Int) throws -> SweepCell {
        guard cells.indices.contains(index) else { throw HarnessError.cellIndexOutOfRange(index: index, count: cells.count) }
        return cells[index]
    }
}
