import Foundation
import XCTest
import JuleCluster
import JuleCompute
import JuleData
@testable import JuleHarness
import _JuleTestSupport

/// The golden test of portable mode: a short seeded run on real USPS digits (the mirror, through the project's store)
/// whose label files, final embeddings and scores must hash to the digests below on every x86-64 machine with AVX2
/// and FMA, Intel or AMD, with or without AVX-512. Sessions land on both families, so this test checks portability
/// over time; within one run it also checks every portable kernel this processor runs (the AVX-512, AVX2 and scalar
/// paths, through `JULE_PORTABLE_KERNEL`) and 1, 2 or 3 compute workers (`JULE_THREADS`) against the same digests.
///
/// The digests were produced on an AMD EPYC (family 25 model 17, Zen 4, which has AVX-512) by the avx512 kernel and
/// reproduced there by the avx2 and scalar kernels and with 1 and 2 workers. If a deliberate change of the
/// computation (the GEMM's definition, PortableMath, the training or clustering code) changes them, update them and
/// say so in the commit; if they fail on another machine without such a change, portable mode is broken.
final class PortableRunGoldenTests: XCTestCase {
    struct Digests: Equatable, CustomStringConvertible {
        var sfLabels: String, rcLabels: String, embeddings: String, results: String
        var description: String { "sf \(sfLabels)\nrc \(rcLabels)\nembeddings \(embeddings)\nresults \(results)" }
    }

    static let golden = Digests(
        sfLabels: "1c9b803ef4a26aa27e08e6e77754cb8c08efa131c2e24128c33c0487c7e4cd39",
        rcLabels: "a4a340df1b1c0c6e1ee218c1a1387fe4e710991acbd6ad1617c3116954b969af",
        embeddings: "90dcc02a30ce3467567510d2c70c222372f23c088e8a4c5b886752c064c6ab1b",
        results: "4acfcb3cc3732896f8be9818dc87a288b5c2f48dfddee9ca0da16869a5f10517")

    /// USPS digits 0, 1 and 2, the first 150 images of each: 450 images, so a run takes about a second.
    static func subset(_ usps: Dataset) -> Dataset {
        var pixels: [UInt8] = [], labels: [Int32] = [], taken = [0, 0, 0]
        let size = usps.imageSize
        for i in 0..<usps.count where usps.labels[i] < 3 && taken[Int(usps.labels[i])] < 150 {
            taken[Int(usps.labels[i])] += 1
            pixels.append(contentsOf: usps.pixels[(i * size)..<((i + 1) * size)])
            labels.append(usps.labels[i])
        }
        return Dataset(name: usps.name, count: labels.count, channels: usps.channels, height: usps.height,
                       width: usps.width, pixels: pixels, labels: labels)
    }

    /// The port profile (named: the digests must not move with the default), 2 epochs per period, at most 4 epochs
    /// (two SF periods), then RC; portable mode.
    static func configuration() throws -> RunConfiguration {
        try RunConfiguration.defaults(for: HarnessFixtures.registry().entry(named: "USPS"), seed: 7, profile: .port)
            .applying(overrides: ["epochsPerPeriod": .number(2), "maxEpochs": .number(4), "compute.portable": .bool(true)])
    }

    /// Runs with `JULE_PORTABLE_KERNEL` and `JULE_THREADS` set as given (nil: unset), restoring them afterwards.
    func run(_ dataset: Dataset, kernel: PortableKernel?, threads: Int) throws -> (Digests, RunRecord) {
        let saved: [(String, String?)] = [PortableKernel.environmentVariable, "JULE_THREADS"].map { name in
            (name, ProcessInfo.processInfo.environment[name])
        }
        defer { for (name, value) in saved { if let value { setenv(name, value, 1) } else { unsetenv(name) } } }
        if let kernel { setenv(PortableKernel.environmentVariable, kernel.rawValue, 1) } else {
            unsetenv(PortableKernel.environmentVariable)
        }
        setenv("JULE_THREADS", "\(threads)", 1)

        let directory = try makeTemporaryDirectory()
        let record = try JuleRunner(configuration: Self.configuration(), dataset: dataset, datasetSHA256: "golden",
                                    outputDirectory: directory, saveEmbeddings: true).run()
        let run = RunDirectory(directory)
        let (embeddings, _) = try EmbeddingFile.readEmbeddings(from: run.embeddings, count: dataset.count)
        let embeddingBytes = embeddings.withUnsafeBytes { Data($0) }   // little-endian Float32, as on every x86-64
        let digests = Digests(sfLabels: try Digest.hex(.sha256, ofFile: run.sfLabels),
                              rcLabels: try Digest.hex(.sha256, ofFile: run.rcLabels),
                              embeddings: Digest.sha256(embeddingBytes),
                              results: Digest.sha256(Data(Self.results(record).utf8)))
        return (digests, record)
    }

    /// Every number of the record that the computation produced, as exact bit patterns (timings and the machine left
    /// out), one field per line: independent of how JSON prints doubles and of fields added to records later.
    static func results(_ record: RunRecord) -> String {
        func bits(_ x: Double?) -> String { x.map { String($0.bitPattern, radix: 16) } ?? "-" }
        func scores(_ s: ClusteringScores?) -> String {
            guard let s else { return "-" }
            return "\(bits(s.nmi)) \(bits(s.acc)) \(bits(s.ari)) \(s.clusters)"
        }
        var lines = ["initial \(record.initialClusters)", "sf \(scores(record.sf))", "rc \(scores(record.rc))"]
        for p in record.trajectory {
            lines.append("\(p.phase) \(p.period) \(scores(p.scores)) loss \(bits(p.loss)) epochs \(p.epochs) merges \(p.merges) "
                         + "K \(p.neighbourCount) premerges \(p.premerges.map(String.init) ?? "-")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func testPortableRunMatchesTheGoldenDigestsWithEveryKernelAndWorkerCount() throws {
        guard let mirror = datasetMirror() else { throw XCTSkip("dataset mirror absent: ../shared/datasets not found") }
        let store = DatasetStore(registry: try HarnessFixtures.registry(), cacheDirectory: try makeTemporaryDirectory(),
                                 mirror: mirror, quiet: true, allowNetwork: false)
        let dataset = Self.subset(try store.load("USPS"))
        XCTAssertEqual(dataset.count, 450)

        let (digests, record) = try run(dataset, kernel: nil, threads: 2)
        print("portable golden run, \(record.machine.kernelSummary) on \(record.machine.cpu ?? "?"):\n\(digests)\n"
              + "\(Self.results(record))")
        XCTAssertEqual(record.machine.gemmKernel, "portable")
        XCTAssertEqual(record.machine.portableKernel, PortableKernel.widest.rawValue)
        XCTAssertEqual(record.trajectory.filter { $0.phase == "SF" }.count, 3, "initial clusters and two SF periods")
        XCTAssertEqual(digests, Self.golden, "portable-mode results differ from the golden digests")

        for threads in [1, 3] {
            let (other, _) = try run(dataset, kernel: nil, threads: threads)
            XCTAssertEqual(other, digests, "\(threads) workers vs 2")
        }
        for kernel in PortableKernel.allCases where kernel.isSupported && kernel != PortableKernel.widest {
            let (forced, forcedRecord) = try run(dataset, kernel: kernel, threads: 2)
            XCTAssertEqual(forcedRecord.machine.portableKernel, kernel.rawValue)
            XCTAssertEqual(forced, digests, "\(kernel) kernel vs \(PortableKernel.widest)")
        }
    }
}
