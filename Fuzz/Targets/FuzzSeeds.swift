import _JuleTestSupport
import CTurboJPEG
import Foundation
import JuleCluster
import JuleCompute
import JuleData
@_spi(Fuzzing) import JuleHarness

/// The seed corpora: small, valid files of every format, made by the project's own writers (HDF5 caches,
/// checkpoints, records, label files, manifests) or byte by byte after the format's specification (IDX, MAT, PNG),
/// never copied from the dataset mirror. `jule-fuzz seeds DIR` writes them to `DIR/<target>/`.
public enum FuzzSeeds {
    /// Writes every target's seeds under `directory`; returns the number of files per target.
    @discardableResult
    public static func write(to directory: URL) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for (target, files) in try all() {
            let folder = directory.appendingPathComponent(target)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (name, data) in files { try data.write(to: folder.appendingPathComponent(name)) }
            counts[target] = files.count
        }
        return counts
    }

    /// Seeds by target name: (file name, contents).
    public static func all() throws -> [String: [(String, Data)]] {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("jule-fuzz-seeds-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        return [
            "idx": idx(), "mat": mat(), "mat-zlib": matZlib(), "npy": try npy(in: scratch), "png": png(), "jpeg": try jpeg(), "cifar": cifar(),
            "stl10": stl10(), "archive": try archive(in: scratch), "jule-h5": try juleH5(in: scratch),
            "cache-h5": try cacheH5(in: scratch), "labels": labels(), "registry": try registry(),
            "sweep": try sweep(), "manifest": try manifest(), "record": try record(in: scratch),
            "checkpoint": try checkpoint(in: scratch), "run-state": try runState(in: scratch),
        ]
    }

    /// Deterministic pseudo-random bytes.
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }

    // MARK: Source formats

    static func idx() -> [(String, Data)] {
        let images = FuzzFormats.idx(dimensions: [3, 4, 4], values: bytes(48, seed: 1))
        let labels = FuzzFormats.idx(dimensions: [3], values: [7, 0, 9])
        return [("images.idx3", images), ("labels.idx1", labels),
                ("images.idx3.gz", FuzzFormats.gzip(images)), ("labels.idx1.gz", FuzzFormats.gzip(labels)),
                ("pair.raw", FuzzInput.makePair(images, labels)),
                ("pair.gz", FuzzInput.makePair(FuzzFormats.gzip(images), FuzzFormats.gzip(labels)))]
    }

    /// USPS's two layouts, 3 images of 4×4: `fea` 3×16 (samples in rows) with `gnd` 3×1, and `DAT` 16×3
    /// (samples in columns) with `labels` 1×3.
    static func matElements(storedType: UInt32, bigEndian: Bool) -> (fea: Data, gnd: Data, dat: Data, labels: Data) {
        let pixels = bytes(48, seed: 2).map(Double.init)
        return (FuzzFormats.matMatrix(name: "fea", dimensions: [3, 16], values: pixels, storedType: storedType, bigEndian: bigEndian),
                FuzzFormats.matMatrix(name: "gnd", dimensions: [3, 1], values: [1, 10, 4], bigEndian: bigEndian),
                FuzzFormats.matMatrix(name: "DAT", dimensions: [16, 3], values: pixels, storedType: storedType, bigEndian: bigEndian),
                FuzzFormats.matMatrix(name: "labels", dimensions: [1, 3], values: [10, 2, 5], storedType: 2, bigEndian: bigEndian))
    }

    static func mat() -> [(String, Data)] {
        var seeds: [(String, Data)] = []
        for (storedType, bigEndian, compress) in [(UInt32(2), false, false), (9, false, true), (4, true, false),
                                                  (7, false, false), (9, true, true)] {
            let e = matElements(storedType: storedType, bigEndian: bigEndian)
            let tag = "t\(storedType)-\(bigEndian ? "be" : "le")-\(compress ? "z" : "raw")"
            seeds.append(("fea-gnd-\(tag).mat", FuzzFormats.matFile(elements: [e.fea, e.gnd], compress: compress, bigEndian: bigEndian)))
            seeds.append(("dat-labels-\(tag).mat", FuzzFormats.matFile(elements: [e.dat, e.labels], compress: compress, bigEndian: bigEndian)))
        }
        return seeds
    }

    static func matZlib() -> [(String, Data)] {
        let a = matElements(storedType: 2, bigEndian: false), b = matElements(storedType: 9, bigEndian: false)
        return [("fea-gnd-uint8", FuzzInput.makePair(a.fea, a.gnd)), ("dat-labels-double", FuzzInput.makePair(b.dat, b.labels))]
    }

    /// A `.npy` file as `numpy.save` writes it: magic, version, little-endian header length, the dict literal padded
    /// with spaces to a multiple of 64 bytes (ending in a newline), then the elements.
    static func npyFile(descr: String, shape: [Int], fortran: Bool = false, payload: [UInt8], version: UInt8 = 1) -> Data {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shapeText), }"
        let prefix = version == 1 ? 10 : 12
        while (prefix + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [version, 0])
        let length = header.utf8.count
        data.append(contentsOf: version == 1 ? [UInt8(length & 0xFF), UInt8(length >> 8)]
                                             : [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), 0, 0])
        data.append(contentsOf: Array(header.utf8))
        data.append(contentsOf: payload)
        return data
    }

    static func npy(in scratch: URL) throws -> [(String, Data)] {
        let images = npyFile(descr: "|u1", shape: [3, 4, 4], payload: bytes(48, seed: 400))
        let labels = npyFile(descr: "<i8", shape: [3], payload: [2, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0])
        let floats = npyFile(descr: "<f4", shape: [2, 2, 2, 3], payload: (0..<24).flatMap { i -> [UInt8] in
            withUnsafeBytes(of: (Float(i) / 24).bitPattern.littleEndian) { Array($0) } })
        let fortran = npyFile(descr: ">u2", shape: [2, 1, 3, 2], fortran: true, payload: bytes(24, seed: 401).enumerated().map { $0.offset % 2 == 0 ? 0 : $0.element }, version: 2)
        var seeds: [(String, Data)] = [("images-u1.npy", images), ("labels-i8.npy", labels), ("rgb-f4-nhwc.npy", floats),
                                       ("fortran-u2-v2.npy", fortran)]
        let url = scratch.appendingPathComponent("data.npz")
        try writeArchive([("x.npy", images), ("y.npy", labels)], format: "zip", filter: "", to: url)
        seeds.append(("savez.npz", try Data(contentsOf: url)))
        return seeds
    }

    static func png() -> [(String, Data)] {
        let grey = (0..<4).map { row in (0..<4).map { UInt8(row * 60 + $0 * 5) } }
        let rgb = (0..<3).map { row in bytes(15, seed: UInt64(10 + row)) }
        let grey16 = (0..<3).map { row in bytes(6, seed: UInt64(20 + row)) }
        let paletted = (0..<4).map { row in [UInt8(row * 16 + 1)] }        // 2×4 at 4 bits: one byte per row
        let rgba = (0..<2).map { row in bytes(8, seed: UInt64(30 + row)) }
        let greyAlpha = (0..<2).map { row in bytes(4, seed: UInt64(40 + row)) }
        var seeds: [(String, Data)] = [
            ("grey-4x4.png", FuzzFormats.png(width: 4, height: 4, bitDepth: 8, colorType: 0, rows: grey)),
            ("rgb-5x3.png", FuzzFormats.png(width: 5, height: 3, bitDepth: 8, colorType: 2, rows: rgb)),
            ("grey16-3x3.png", FuzzFormats.png(width: 3, height: 3, bitDepth: 16, colorType: 0, rows: grey16)),
            ("palette4-2x4.png", FuzzFormats.png(width: 2, height: 4, bitDepth: 4, colorType: 3, rows: paletted,
                                                 palette: bytes(48, seed: 5), transparency: [0, 128, 255])),
            ("rgba-2x2.png", FuzzFormats.png(width: 2, height: 2, bitDepth: 8, colorType: 6, rows: rgba)),
            ("grey-alpha-2x2.png", FuzzFormats.png(width: 2, height: 2, bitDepth: 8, colorType: 4, rows: greyAlpha)),
            ("grey-paeth-4x4.png", FuzzFormats.png(width: 4, height: 4, bitDepth: 8, colorType: 0, rows: grey, filter: 4)),
        ]
        // And the project's own encoder (what `jule show` writes).
        if let encoded = try? PNGCodec.encode(bytes(36, seed: 6), height: 3, width: 4, channels: 3) {
            seeds.append(("pngcodec-rgb-3x4.png", encoded))
        }
        return seeds
    }

    static func jpeg() throws -> [(String, Data)] {
        var seeds: [(String, Data)] = [
            ("grey-8x8.jpg", try JPEGCodec.encode(bytes(64, seed: 7), height: 8, width: 8, channels: 1, quality: 90)),
            ("rgb444-8x6.jpg", try JPEGCodec.encode(bytes(144, seed: 8), height: 6, width: 8, channels: 3, quality: 75)),
        ]
        // 4:2:0 and progressive, through TurboJPEG directly.
        for (name, sampling, flags) in [("rgb420-16x16.jpg", TJSAMP_420, Int32(0)), ("rgb-progressive-16x8.jpg", TJSAMP_422, Int32(TJFLAG_PROGRESSIVE))] {
            let height = name.contains("16x16") ? 16 : 8
            let pixels = bytes(16 * height * 3, seed: 9)
            guard let handle = tjInitCompress() else { continue }
            defer { tjDestroy(handle) }
            var output: UnsafeMutablePointer<UInt8>? = nil
            var size: UInt = 0
            let status = pixels.withUnsafeBufferPointer {
                tjCompress2(handle, $0.baseAddress, 16, 0, Int32(height), Int32(TJPF_RGB.rawValue), &output, &size,
                            Int32(sampling.rawValue), 80, flags)
            }
            if status == 0, let output { seeds.append((name, Data(bytes: output, count: Int(size)))) }
            if let output { tjFree(output) }
        }
        return seeds
    }

    static func cifar() -> [(String, Data)] {
        var cifar10 = Data([0])              // selector byte: 1 label byte
        var cifar100 = Data([3])             // 2 label bytes, the second (fine) one
        for i in 0..<2 {
            cifar10.append(UInt8(i * 3)); cifar10.append(contentsOf: bytes(3072, seed: UInt64(50 + i)))
            cifar100.append(contentsOf: [UInt8(i), UInt8(40 + i)]); cifar100.append(contentsOf: bytes(3072, seed: UInt64(60 + i)))
        }
        return [("cifar10-2.bin", cifar10), ("cifar100-2.bin", cifar100)]
    }

    static func stl10() -> [(String, Data)] {
        [("one-pair", FuzzInput.makePair(Data(bytes(27648, seed: 70)), Data([3]))),
         ("two-pair", FuzzInput.makePair(Data(bytes(2 * 27648, seed: 71)), Data([1, 10])))]
    }

    static func archive(in scratch: URL) throws -> [(String, Data)] {
        let grey = FuzzFormats.png(width: 4, height: 4, bitDepth: 8, colorType: 0,
                                   rows: (0..<4).map { r in (0..<4).map { UInt8(r * 40 + $0) } })
        let jpeg = try JPEGCodec.encode(bytes(48, seed: 80), height: 4, width: 4, channels: 3, quality: 80)
        let members: [(String, Data)] = [("cats/a.png", grey), ("dogs/b.jpg", jpeg), ("cats/c.png", grey),
                                         ("README.txt", Data("not an image\n".utf8))]
        var seeds: [(String, Data)] = []
        for (name, format, filter) in [("images.zip", "zip", ""), ("images.tar", "tar", ""), ("images.tar.gz", "tar", "gzip"),
                                       ("images.tar.bz2", "tar", "bzip2"), ("images.tar.xz", "tar", "xz")] {
            let url = scratch.appendingPathComponent(name)
            if (try? writeArchive(members, format: format, filter: filter, to: url)) != nil {
                seeds.append((name, try Data(contentsOf: url)))
            }
        }
        return seeds
    }

    /// An archive through libarchive's writer (`ArchiveFixture`): `format` "zip" or "tar" (pax), `filter` "", "gzip",
    /// "bzip2", "xz".
    public static func writeArchive(_ members: [(String, Data)], format: String, filter: String, to url: URL) throws {
        let formats: [String: ArchiveFixture.Format] = ["": .tar, "gzip": .tarGz, "bzip2": .tarBz2, "xz": .tarXz]
        guard let tar = formats[filter] else { throw DataError.invalidRequest("archive filter \(filter)") }
        try ArchiveFixture.write(members, format: format == "zip" ? .zip : tar, to: url)
    }

    /// JULE's layout: `data` N×C×H×W (float64 in [0, 1], uncompressed; uint8 chunked; N×H×W) and `labels`.
    static func juleH5(in scratch: URL) throws -> [(String, Data)] {
        var seeds: [(String, Data)] = []
        let url = scratch.appendingPathComponent("data4torch.h5")
        let variants: [(String, (HDF5File) throws -> Void)] = [
            ("float64-contiguous.h5", { file in
                try file.write(self.bytes(2 * 16, seed: 90).map { Double($0) / 255 }, shape: [2, 1, 4, 4], to: "data", compressionLevel: nil)
                try file.write([Double(3), 5], shape: [2], to: "labels", compressionLevel: nil)
            }),
            ("uint8-deflate.h5", { file in
                try file.write(self.bytes(2 * 3 * 9, seed: 91), shape: [2, 3, 3, 3], to: "data", compressionLevel: 4)
                try file.write([Int32(1), 2], shape: [2, 1], to: "labels", compressionLevel: nil)
            }),
            ("float32-rank3.h5", { file in
                try file.write(self.bytes(3 * 4, seed: 92).map { Float($0) }, shape: [3, 2, 2], to: "data", compressionLevel: nil)
                try file.write([Float(0), 1, 0], shape: [1, 3], to: "labels", compressionLevel: nil)
            }),
        ]
        for (name, body) in variants {
            try HDF5File.writeAtomically(to: url, body)
            seeds.append((name, try Data(contentsOf: url)))
        }
        return seeds
    }

    static func cacheH5(in scratch: URL) throws -> [(String, Data)] {
        var seeds: [(String, Data)] = []
        let url = scratch.appendingPathComponent("Seed.h5")
        for (name, count, channels, side) in [("grey-3x1x4x4.h5", 3, 1, 4), ("rgb-2x3x2x2.h5", 2, 3, 2)] {
            let dataset = Dataset(name: "Seed", count: count, channels: channels, height: side, width: side,
                                  pixels: bytes(count * channels * side * side, seed: 100), labels: (0..<count).map { Int32($0 % 2) })
            let stamp = CacheStamp(name: "Seed", source: "mirror", decoder: "idx", decoderVersion: DatasetStore.decoderVersion,
                                   sourceDigests: ["Seed/a  sha256:" + String(repeating: "0", count: 64)])
            try DatasetCache.write(dataset, stamp: stamp, to: url)
            seeds.append((name, try Data(contentsOf: url)))
        }
        return seeds
    }

    // MARK: The project's own files

    static func labels() -> [(String, Data)] {
        [("digits.txt", Data("0\n1\n2\n9\n1\n".utf8)), ("crlf.txt", Data("3\r\n1\r\n0\r\n".utf8)),
         ("spaces-negative.txt", Data(" 4\t\n-1\n12 \n".utf8)), ("no-final-newline.txt", Data("5\n6".utf8))]
    }

    static func registry() throws -> [(String, Data)] {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let full = try Data(contentsOf: root.appendingPathComponent("datasets.json"))
        let usps = try FuzzEnvironment.registry.entry(named: "USPS")
        let small = FuzzEnvironment.registry.datasets.filter { ["USPS", "MNIST-test", "COIL-20", "CIFAR-100"].contains($0.name) }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("jule-fuzz-registry-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var seeds: [(String, Data)] = [("datasets.json", full)]
        for (name, entries) in [("usps.json", [usps]), ("four.json", small)] {
            try DatasetRegistry(datasets: entries).write(to: scratch)
            seeds.append((name, try Data(contentsOf: scratch)))
        }
        return seeds
    }

    static func sweep() throws -> [(String, Data)] {
        var paper = SweepSpecification(name: "paper-port", datasets: ["USPS", "UMist", "MNIST-test", "COIL-20"], seeds: [1, 2, 3, 4, 5])
        paper.profile = "port"
        let overrides = SweepSpecification(name: "gamma", datasets: ["USPS", "CMU-PIE"], seeds: [1, 2],
                                           overrides: [[:], ["training.tripletGamma": .number(2)]],
                                           datasetOverrides: ["USPS": ["epochsPerPeriod": .number(5), "clustering.unrollingRate": .number(0.5)]])
        let tiny = SweepSpecification(name: "tiny", datasets: ["USPS"], seeds: [7],
                                      overrides: [["classLimit": .number(2), "epochsPerPeriod": .number(1), "maxEpochs": .number(3)]])
        return try [("paper.json", JSONCoding.encode(paper)), ("overrides.json", JSONCoding.encode(overrides)),
                    ("tiny.json", JSONCoding.encode(tiny))]
    }

    static func manifest() throws -> [(String, Data)] {
        let spec = SweepSpecification(name: "tiny", datasets: ["USPS"], seeds: [1, 2],
                                      overrides: [["classLimit": .number(2), "epochsPerPeriod": .number(1)]])
        let manifest = try SweepManifest.plan(spec, registry: FuzzEnvironment.registry)
        var one = manifest
        one.cells = [manifest.cells[0]]
        return [("two-cells.json", try JSONCoding.encode(manifest)), ("one-cell.json", try JSONCoding.encode(one))]
    }

    /// A real run: 40 synthetic 16×16 images of 2 classes named USPS, 1 epoch per period, into `scratch`; its
    /// `record.json` (and label files for the `labels` target's second look).
    static func record(in scratch: URL) throws -> [(String, Data)] {
        let run = scratch.appendingPathComponent("run")
        let entry = try FuzzEnvironment.registry.entry(named: "USPS")
        var configuration = try RunConfiguration.defaults(for: entry, seed: 3)
        configuration.epochsPerPeriod = 1
        configuration.maxEpochs = 3
        configuration.training.batchSize = 20
        let count = 40
        var pixels: [UInt8] = []
        for i in 0..<count { pixels += bytes(256, seed: UInt64(200 + i)).map { i % 2 == 0 ? $0 / 4 : 192 + $0 / 4 } }
        let dataset = Dataset(name: "USPS", count: count, channels: 1, height: 16, width: 16, pixels: pixels,
                              labels: (0..<count).map { Int32($0 % 2) })
        let runner = JuleRunner(configuration: configuration, dataset: dataset, datasetSHA256: String(repeating: "ab", count: 32),
                                outputDirectory: run)
        _ = try runner.run()
        let directory = RunDirectory(run)
        return [("record-usps.json", try Data(contentsOf: directory.record))]
    }

    /// Checkpoints of a small network (one 3×3 block of 2 maps on 6×6 input, 4-dimensional embedding): fresh,
    /// and after one epoch (with SGD velocity).
    static func checkpoint(in scratch: URL) throws -> [(String, Data)] {
        let spec = NetworkSpec(inputChannels: 1, inputHeight: 6, inputWidth: 6,
                               blocks: [ConvBlockSpec(filters: 2, kernel: 3, padding: 0, pool: true)], embeddingDimension: 4)
        var configuration = TrainingConfiguration()
        configuration.batchSize = 4
        let trainer = Trainer(network: Network(spec: spec, seed: 1, backend: CPUBackend(workers: 1)), configuration: configuration, seed: 2)
        let url = scratch.appendingPathComponent("seed.ckpt")
        try trainer.saveCheckpoint(to: url)
        let fresh = try Data(contentsOf: url)
        let images = bytes(8 * 36, seed: 300).map { Float($0) / 255 }
        _ = trainer.trainEpoch(images: images, count: 8, labels: [0, 0, 1, 1, 0, 1, 0, 1])
        try trainer.saveCheckpoint(to: url)
        return [("fresh.ckpt", fresh), ("one-epoch.ckpt", try Data(contentsOf: url))]
    }

    static func runState(in scratch: URL) throws -> [(String, Data)] {
        let url = scratch.appendingPathComponent("state.json")
        try HarnessParsers.writeRunState(configurationHash: String(repeating: "c", count: 64), period: 1, epochs: 3,
                                         labels: [0, 1, 1, 0, 2], trainerFile: "trainer-e3-p1.ckpt", to: url)
        return [("state.json", try Data(contentsOf: url))]
    }
}
