import XCTest
@testable import JuleData
import _JuleTestSupport

/// The data layer's side of issue 19: the NumPy and IDX readers, grey detection, stale temporaries, a corrupt
/// mirror file and the fix its message gives, and strict JSON.
final class OwnDataImportTests: XCTestCase {
    private func store(cache: URL, mirror: URL? = nil) throws -> DatasetStore {
        DatasetStore(registry: try DatasetRegistry.load(from: DatasetRegistryTests.repositoryRegistry), cacheDirectory: cache,
                     mirror: mirror, quiet: true, allowNetwork: false)
    }

    func testNPYReaderHandlesTypesOrdersAndLayouts() throws {
        func bytes<T>(_ values: [T], bigEndian: Bool = false) -> [UInt8] {
            values.flatMap { value -> [UInt8] in
                let raw = withUnsafeBytes(of: value) { Array($0) }
                return bigEndian ? raw.reversed() : raw
            }
        }
        // int16 big-endian, negative values.
        let be = try NPYDecoder.parse(OwnDataFixtures.npy(descr: ">i2", shape: [3], payload: bytes([Int16(-2), 7, 300], bigEndian: true)), file: "a.npy")
        XCTAssertEqual((0..<3).map { be.value(at: $0) }, [-2, 7, 300])
        // Fortran order: a 2×3 matrix stored column by column reads back in C order.
        let f = try NPYDecoder.parse(OwnDataFixtures.npy(descr: "<f8", shape: [2, 3], fortranOrder: true,
                                                          payload: bytes([1.0, 4, 2, 5, 3, 6])), file: "f.npy")
        XCTAssertEqual((0..<6).map { f.value(at: $0) }, [1, 2, 3, 4, 5, 6])
        // (N, H, W, C) colour → planar N×C×H×W; floats in [0, 1] are scaled to bytes.
        let hwc: [Float] = [0, 1, 0.5, /* pixel 1 */ 1, 0, 0]
        let colour = try NPYDecoder.images(try NPYDecoder.parse(OwnDataFixtures.npy(descr: "<f4", shape: [1, 1, 2, 3], payload: bytes(hwc)), file: "c.npy"), file: "c.npy")
        XCTAssertEqual([colour.count, colour.channels, colour.height, colour.width], [1, 3, 1, 2])
        XCTAssertEqual(colour.pixels, [0, 255, 255, 0, 128, 0])
        // Errors name the file and the fault.
        let strings = OwnDataFixtures.npy(descr: "<U5", shape: [1], payload: [UInt8](repeating: 0, count: 20))
        XCTAssertThrowsError(try NPYDecoder.parse(strings, file: "s.npy")) { XCTAssertTrue("\($0)".hasPrefix("s.npy: dtype '<U5' is not supported"), "\($0)") }
        let truncated = OwnDataFixtures.npy(descr: "|u1", shape: [2, 4, 4], payload: [UInt8](repeating: 0, count: 31))
        XCTAssertThrowsError(try NPYDecoder.parse(truncated, file: "t.npy")) { XCTAssertTrue("\($0)".contains("31 data bytes"), "\($0)") }
        XCTAssertThrowsError(try NPYDecoder.parse(Data("PK\u{3}\u{4}xxxxxxxx".utf8), file: "z.npy")) { XCTAssertTrue("\($0)".contains("bad magic"), "\($0)") }
        let wide = try NPYDecoder.parse(OwnDataFixtures.npy(descr: "<i4", shape: [1, 2, 2], payload: bytes([Int32(0), 9, 300, 1])), file: "w.npy")
        XCTAssertThrowsError(try NPYDecoder.images(wide, file: "w.npy")) { XCTAssertTrue("\($0)".contains("0.0…300.0"), "\($0)") }
    }

    func testImportsFromIDXAndNumPyAgreeAndGreyStaysOneChannel() throws {
        let root = try makeTemporaryDirectory()
        let data = OwnDataFixtures(perClass: 4)
        let store = try store(cache: root.appendingPathComponent("cache"))
        let idx = try store.importDataset("from-idx", from: try data.writeIDX(in: root.appendingPathComponent("idx"))).dataset
        try data.writeNPZ(root.appendingPathComponent("set.npz"))
        let npz = try store.importDataset("from-npz", from: root.appendingPathComponent("set.npz")).dataset
        let npy = try store.importDataset("from-npy", from: try data.writeNPYPair(in: root.appendingPathComponent("npy"))).dataset
        try data.writeFolder(root.appendingPathComponent("png"))
        let png = try store.importDataset("from-png", from: root.appendingPathComponent("png")).dataset
        for dataset in [idx, npz, npy, png] {
            XCTAssertEqual([dataset.count, dataset.channels, dataset.height, dataset.width], [12, 1, 16, 16], dataset.name)
            XCTAssertEqual(dataset.classCount, 3, dataset.name)
        }
        XCTAssertEqual(idx.pixels, data.pixels)
        XCTAssertEqual(npz.pixels, data.pixels)
        XCTAssertEqual(npy.pixels, data.pixels)
        XCTAssertEqual(idx.labels, npz.labels)
        // A new name is registered with the design rule, η 0.9 and no claims.
        let entry = try store.entry(named: "from-npz")
        XCTAssertEqual([entry.network, "\(entry.eta)", "\(entry.claims.count)"], ["design-rule", "0.9", "0"])
        // Asked for colour, grey images are replicated into three channels.
        let colour = try store.importDataset("colour", from: root.appendingPathComponent("set.npz"),
                                             options: .init(channels: 3)).dataset
        XCTAssertEqual(colour.channels, 3)
        XCTAssertEqual(Array(colour.pixels[0..<256]), Array(colour.pixels[256..<512]))
        // Unlabelled on request, with the labels file present.
        var warnings: [String] = []
        let unlabelled = try store.importDataset("none", from: root.appendingPathComponent("set.npz"),
                                                 options: .init(unlabelled: true), onWarning: { warnings.append($0) }).dataset
        XCTAssertEqual(unlabelled.classCount, 1)
        XCTAssertEqual(warnings, [], "no warning when unlabelled was asked for")
        // The network check sees the shape before anything is written.
        XCTAssertThrowsError(try store.importDataset("refused", from: root.appendingPathComponent("set.npz"), options: .init(),
                                                     checkShape: { _ in throw DataError.invalidRequest("no") }))
        XCTAssertThrowsError(try store.entry(named: "refused"))
    }

    /// Images of other sizes are resized to the dataset's size, and the import says how many, from which sizes, and
    /// where the size came from; a folder of one size says nothing.
    func testResizedImagesAreCountedInAWarning() throws {
        let root = try makeTemporaryDirectory()
        let data = OwnDataFixtures(perClass: 4)
        let folder = root.appendingPathComponent("png")
        try data.writeFolder(folder)
        let store = try store(cache: root.appendingPathComponent("cache"))
        var warnings: [String] = []
        _ = try store.importDataset("same", from: folder, options: .init(), onWarning: { warnings.append($0) })
        XCTAssertEqual(warnings, [])
        // Two images of another size in class 2 (sorted after class-0/0.png, whose 16×16 sets the size).
        let other = try PNGCodec.encode([UInt8](repeating: 90, count: 20 * 12), height: 20, width: 12, channels: 1)
        for name in ["class-2/x1.png", "class-2/x2.png"] { try other.write(to: folder.appendingPathComponent(name)) }
        let mixed = try store.importDataset("mixed", from: folder, options: .init(), onWarning: { warnings.append($0) }).dataset
        XCTAssertEqual([mixed.count, mixed.height, mixed.width], [14, 16, 16])
        XCTAssertEqual(warnings, ["2 of 14 images are not 16x16 (20x12: 2) and were resized to 16x16: the size of the first image, class-0/0.png (--height and --width choose another)"])
        warnings = []
        _ = try store.importDataset("small", from: folder, options: .init(height: 8, width: 8), onWarning: { warnings.append($0) })
        XCTAssertEqual(warnings, ["14 of 14 images are not 8x8 (16x16: 12, 20x12: 2) and were resized to 8x8: as --height and --width ask"])
    }

    /// An image folder's class folders name the classes (in label order) in the imported entry; formats without
    /// names, and unlabelled imports, have none; the registry refuses names that do not match the classes.
    func testClassFoldersNameTheClasses() throws {
        let root = try makeTemporaryDirectory()
        let data = OwnDataFixtures(perClass: 2)
        try data.writeFolder(root.appendingPathComponent("png"))
        try data.writeNPZ(root.appendingPathComponent("set.npz"))
        let store = try store(cache: root.appendingPathComponent("cache"))
        try store.importDataset("named", from: root.appendingPathComponent("png"))
        XCTAssertEqual(try store.entry(named: "named").classNames, ["class-0", "class-1", "class-2"])
        try store.importDataset("plain", from: root.appendingPathComponent("set.npz"))
        XCTAssertNil(try store.entry(named: "plain").classNames)
        try store.importDataset("none", from: root.appendingPathComponent("png"), options: .init(unlabelled: true))
        XCTAssertNil(try store.entry(named: "none").classNames)
        let entry = try store.entry(named: "named")
        let wrong = DatasetEntry(name: "wrong", description: "", classes: 3, count: 6, shape: entry.shape, network: entry.network,
                                 eta: 0.9, epochsPerPeriod: 20, claims: [], homepage: nil, sources: [], labelMapping: "rank",
                                 protocolNotes: [], deviations: [], classNames: ["a", "b"])
        XCTAssertThrowsError(try DatasetRegistry(datasets: [wrong])) { XCTAssertTrue("\($0)".contains("2 classNames for 3 classes"), "\($0)") }
    }

    /// Files that cannot be decoded are named together in one error (the first with its reason, then the others),
    /// even the first file of the folder; `skipUnreadable` imports the rest and names the ones left out.
    func testUnreadableFilesAreListedOrSkipped() throws {
        let root = try makeTemporaryDirectory()
        let data = OwnDataFixtures(perClass: 4)
        let folder = root.appendingPathComponent("png")
        try data.writeFolder(folder)
        try Data().write(to: folder.appendingPathComponent("class-0/0.png"))              // sorted first: empty
        let png = try Data(contentsOf: folder.appendingPathComponent("class-1/1.png"))
        try png.prefix(40).write(to: folder.appendingPathComponent("class-1/1.png"))      // truncated
        let store = try store(cache: root.appendingPathComponent("cache"))
        XCTAssertThrowsError(try store.importDataset("broken", from: folder)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix(folder.appendingPathComponent("class-0/0.png").path + ": "), text)
            XCTAssertTrue(text.contains("and 1 more of the 12 files cannot be decoded (\(folder.appendingPathComponent("class-1/1.png").path))"), text)
            XCTAssertTrue(text.contains("--skip-unreadable"), text)
        }
        XCTAssertThrowsError(try store.entry(named: "broken"), "nothing imported")
        var warnings: [String] = []
        let kept = try store.importDataset("kept", from: folder, options: .init(skipUnreadable: true),
                                           onWarning: { warnings.append($0) }).dataset
        XCTAssertEqual([kept.count, kept.classCount, kept.height], [10, 3, 16])
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue((warnings.first ?? "").hasPrefix("left out 2 files that cannot be decoded: \(folder.appendingPathComponent("class-0/0.png").path) ("), "\(warnings)")
    }

    func testStaleTemporariesOfDeadWritersAreRemoved() throws {
        let cache = try makeTemporaryDirectory()
        let store = try store(cache: cache)
        let dead = ".USPS.h5.\(UUID().uuidString).p999999.tmp", live = ".USPS.h5.\(UUID().uuidString).p\(getpid()).tmp"
        let old = ".USPS.h5.\(UUID().uuidString).tmp", other = ".MNIST-test.h5.\(UUID().uuidString).p999999.tmp"
        for name in [dead, live, old, other] { try Data([0]).write(to: cache.appendingPathComponent(name)) }
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)],
                                              ofItemAtPath: cache.appendingPathComponent(old).path)
        XCTAssertEqual(Set(store.removeStaleTemporaries(for: "USPS")), [dead, old])
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: cache.path)), [live, other])
    }

    /// A run directory's leftovers: a killed writer's `.NAME.<uuid>.p<pid>.tmp` and an old Foundation `.dat.nosync…`
    /// go; a live writer's temporary, a fresh `.dat.nosync…` and ordinary files stay. AtomicFile itself leaves nothing.
    func testAtomicFileWritesLeaveNothingAndStaleTemporariesGo() throws {
        let directory = try makeTemporaryDirectory()
        try AtomicFile.write(Data("a".utf8), to: directory.appendingPathComponent("record.json"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["record.json"])
        let dead = ".labels-sf.txt.\(UUID().uuidString).p999999.tmp", live = ".state.json.\(UUID().uuidString).p\(getpid()).tmp"
        let oldFoundation = ".dat.nosync1116.OfYXIp", freshFoundation = ".dat.nosync2222.AbCdEf"
        for name in [dead, live, oldFoundation, freshFoundation] { try Data([0]).write(to: directory.appendingPathComponent(name)) }
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)],
                                              ofItemAtPath: directory.appendingPathComponent(oldFoundation).path)
        XCTAssertEqual(Set(AtomicFile.removeStaleTemporaries(in: directory)), [dead, oldFoundation])
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: directory.path)),
                       ["record.json", live, freshFoundation])
    }

    /// A writer killed a moment ago is a zombie until reaped; its temporary is stale already (the fault-injection
    /// driver once found one left after a completed sweep).
    func testZombieWritersCountAsGone() throws {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { argv.forEach { free($0) } }
        XCTAssertEqual(posix_spawn(&pid, "/bin/true", nil, nil, argv, nil), 0)
        defer { var status: Int32 = 0; waitpid(pid, &status, 0) }
        var exited = false
        for _ in 0..<200 where !exited {       // until it has exited (not reaped: a zombie)
            usleep(10_000)
            exited = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.contains(") Z") ?? false
        }
        try XCTSkipUnless(exited, "no /proc/<pid>/stat state for the child")
        XCTAssertEqual(kill(pid, 0), 0, "a zombie still answers kill(pid, 0)")
        XCTAssertFalse(AtomicFile.isRunning(pid))
        XCTAssertTrue(AtomicFile.isRunning(getpid()))
        let directory = try makeTemporaryDirectory()
        let name = ".model.ckpt.\(UUID().uuidString).p\(pid).tmp"
        try Data([0]).write(to: directory.appendingPathComponent(name))
        XCTAssertEqual(AtomicFile.removeStaleTemporaries(in: directory), [name])
    }

    /// A corrupt file in the read-only mirror is named, and the command the message gives (--no-mirror: the
    /// mirror skipped, a good copy under <cache>/downloads used) fixes it.
    func testCorruptMirrorFileIsNamedAndTheSuggestedFixWorks() throws {
        let mirror = try makeTemporaryDirectory(), cache = try makeTemporaryDirectory()
        let images = Fixtures.idx(dims: [4, 5, 5], values: Fixtures.bytes(100, seed: 9))
        let labels = Fixtures.idx(dims: [4], values: [1, 0, 1, 0])
        try Fixtures.write(images, "digits/images.idx", under: mirror)
        try Fixtures.write(Fixtures.idx(dims: [4], values: [1, 1, 1, 0]), "digits/labels.idx", under: mirror)
        let registry = try Fixtures.registry(classes: 2, count: 4, shape: [1, 5, 5], decoder: "idx", parameters: DecoderParameters(), files: [
            SourceFile(role: "images", path: "digits/images.idx", sha256: Digest.sha256(images)),
            SourceFile(role: "labels", path: "digits/labels.idx", sha256: Digest.sha256(labels)),
        ])
        let withMirror = DatasetStore(registry: registry, cacheDirectory: cache, mirror: mirror, quiet: true, allowNetwork: false)
        XCTAssertThrowsError(try withMirror.load("Synthetic")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(mirror.appendingPathComponent("digits/labels.idx").path), text)
            XCTAssertTrue(text.contains("jule data fetch Synthetic --no-mirror"), text)
            XCTAssertTrue(text.contains(cache.appendingPathComponent("downloads").path), text)
        }
        try Fixtures.write(images, "digits/images.idx", under: cache.appendingPathComponent("downloads"))
        try Fixtures.write(labels, "digits/labels.idx", under: cache.appendingPathComponent("downloads"))
        let withoutMirror = DatasetStore(registry: registry, cacheDirectory: cache, mirror: nil, quiet: true, allowNetwork: false)
        XCTAssertEqual(try withoutMirror.load("Synthetic").labels, [1, 0, 1, 0])
    }

    /// A folder checked by a tree digest cannot say which file changed; a PNG that no longer decodes is named.
    func testCorruptPNGInAMirrorFolderIsNamed() throws {
        let mirror = try makeTemporaryDirectory(), cache = try makeTemporaryDirectory()
        var digests: [(name: String, sha256: String)] = []
        for k in [1, 2] { for p in [0, 1] {
            let png = try PNGCodec.encode([UInt8](repeating: UInt8(k * 20 + p), count: 64), height: 8, width: 8, channels: 1)
            digests.append(("obj\(k)__\(p).png", Digest.sha256(png)))
            try Fixtures.write(png, "folder/obj\(k)__\(p).png", under: mirror)
        } }
        let broken = mirror.appendingPathComponent("folder/obj2__1.png")
        try Data(try Data(contentsOf: broken).prefix(40)).write(to: broken)
        let parameters = DecoderParameters(filePattern: #"obj(\d+)__(\d+)\.png"#, channels: 1, height: 8, width: 8)
        let registry = try Fixtures.registry(classes: 2, count: 4, shape: [1, 8, 8], decoder: "png-folder", parameters: parameters,
                                             files: [SourceFile(role: "folder", path: "folder", kind: .folder,
                                                                treeSHA256: FolderVerifier.treeDigest(digests))])
        let store = DatasetStore(registry: registry, cacheDirectory: cache, mirror: mirror, quiet: true, allowNetwork: false)
        XCTAssertThrowsError(try store.load("Synthetic")) { error in
            XCTAssertTrue("\(error)".contains("(corrupt: obj2__1.png)"), "\(error)")
            XCTAssertTrue("\(error)".contains("--no-mirror"), "\(error)")
        }
    }

    func testStrictJSONNamesUnknownKeysAndSyntaxPositions() throws {
        struct Inner: Codable { var a: Int; var b: Int? }
        struct Outer: Codable { var name: String; var inner: [Inner]; var free: [String: Int]? }
        let good = Data(#"{"name": "x", "inner": [{"a": 1}], "free": {"anything": 2}}"#.utf8)
        XCTAssertEqual(try StrictJSON.decode(Outer.self, from: good).inner[0].a, 1)
        let typo = Data(#"{"name": "x", "inner": [{"a": 1, "c": 2}]}"#.utf8)
        XCTAssertThrowsError(try StrictJSON.decode(Outer.self, from: typo)) {
            XCTAssertEqual("\($0)", "unknown key 'c' at inner[0] (allowed: a, b)")
        }
        let syntax = Data("{\n  \"name\": \"x\",\n  \"inner\": [}\n}".utf8)
        XCTAssertThrowsError(try StrictJSON.decode(Outer.self, from: syntax)) {
            XCTAssertTrue("\($0)".hasPrefix("not valid JSON: "), "\($0)")
            XCTAssertTrue("\($0)".contains("line 3, column 13"), "\($0)")
        }
        let type = Data(#"{"name": "x", "inner": [{"a": "one"}]}"#.utf8)
        XCTAssertThrowsError(try StrictJSON.decode(Outer.self, from: type)) {
            XCTAssertEqual("\($0)", "wrong type at inner[0].a: expected an integer")
        }
    }
}
