import XCTest
@testable import JuleData
import _JuleTestSupport

/// Findings of a new user's trial of the dataset layer: decoder settings in the cache stamp, registry ranges,
/// imports beside registry names, and messages that name what was looked for.
final class DatasetStoreTrialTests: MirrorAndCacheTestCase {
    func store(_ registry: DatasetRegistry, network: Bool = false) -> DatasetStore {
        DatasetStore(registry: registry, cacheDirectory: cache, mirror: mirror, quiet: true, allowNetwork: network)
    }

    /// Three 2×3 images stored N×P with column-major pixels, as `pixelOrder: columnMajor` reads them.
    func matRegistry(pixelOrder: String) throws -> DatasetRegistry {
        var values = [Double](repeating: 0, count: 18)
        for n in 0..<3 { for r in 0..<2 { for c in 0..<3 { values[n + 3 * (2 * c + r)] = Double(60 * n + 10 * r + c) } } }
        let mat = Fixtures.matFile([Fixtures.matMatrix(name: "X", dims: [3, 6], values: values),
                                    Fixtures.matMatrix(name: "Y", dims: [3, 1], values: [1, 2, 1])], compress: false)
        try Fixtures.write(mat, "faces/faces.mat", under: mirror)
        let parameters = DecoderParameters(images: "X", labels: "Y", sampleAxis: 0, pixelOrder: pixelOrder, height: 2,
                                           width: 3, labelMapping: "minusOne")
        return try Fixtures.registry(name: "Faces", classes: 2, count: 3, shape: [1, 2, 3], decoder: "mat", parameters: parameters,
                                     files: [SourceFile(role: "mat", path: "faces/faces.mat", sha256: Digest.sha256(mat))])
    }

    func testChangedDecoderSettingsMakeTheCacheStale() throws {
        let columns = try matRegistry(pixelOrder: "columnMajor")
        let built = try store(columns).fetch("Faces")
        XCTAssertEqual(built.dataset.pixels, [0, 1, 2, 10, 11, 12, 60, 61, 62, 70, 71, 72, 120, 121, 122, 130, 131, 132])
        XCTAssertEqual(try store(columns).fetch("Faces").action, .cached)

        // The same file read row by row: other data, so the cache built column by column is stale.
        let rows = try matRegistry(pixelOrder: "rowMajor")
        guard case .failure(let error) = store(rows).validateCache(try rows.entry(named: "Faces")) else {
            return XCTFail("a cache built with other decoder settings passed")
        }
        XCTAssertEqual("\(error)", "\(built.cacheURL.path): cache unusable: built with other decoder settings of source 'mirror' than the registry's (stale); rebuild it: jule data fetch Faces")
        let rebuilt = try store(rows).fetch("Faces")
        guard case .built(_, _, _?) = rebuilt.action else { return XCTFail("not rebuilt: \(rebuilt.action)") }
        XCTAssertNotEqual(rebuilt.dataset.pixels, built.dataset.pixels)
        XCTAssertEqual(try DatasetCache.readStamp(at: rebuilt.cacheURL).settingsDigest,
                       DatasetStore.settingsDigest(try rows.entry(named: "Faces").sources[0]))
    }

    func testCachesStampedWithoutSettingsPassOnlyWithTheShippedSettings() throws {
        // MNIST-test's mirror source as shipped: the canonical encoding is pinned by its digest, which the frozen
        // list holds (every digest there was computed by this encoding from datasets.json at the time).
        let mnist = try Fixtures.registry(name: "MNIST-test", classes: 2, count: 4, shape: [1, 28, 28], decoder: "idx", parameters: DecoderParameters(), files: [
            SourceFile(role: "images", path: "MNIST/t10k-images.idx3-ubyte", sha256: String(repeating: "0", count: 64)),
            SourceFile(role: "labels", path: "MNIST/t10k-labels.idx1-ubyte", sha256: String(repeating: "1", count: 64)),
        ]).entry(named: "MNIST-test")
        XCTAssertEqual(DatasetStore.settingsDigest(mnist.sources[0]), "d87f81980138f925a801c608e2ce06bdd96116949ded37f38c58e3a52fa2cac2")
        XCTAssertEqual(DatasetStore.shippedSettingsDigests.count, 16)

        // A stamp without the field: accepted for shipped settings, stale for any other.
        let legacy = CacheStamp(name: mnist.name, source: mnist.sources[0].id, decoder: "idx", decoderVersion: DatasetStore.decoderVersion,
                                sourceDigests: DatasetStore.recordedDigests(mnist.sources[0]))
        XCTAssertEqual(try DatasetStore.stampedSource(legacy, of: mnist, file: "c.h5"), mnist.sources[0])
        let faces = try matRegistry(pixelOrder: "rowMajor").entry(named: "Faces")
        let old = CacheStamp(name: "Faces", source: "mirror", decoder: "mat", decoderVersion: DatasetStore.decoderVersion,
                             sourceDigests: DatasetStore.recordedDigests(faces.sources[0]))
        XCTAssertThrowsError(try DatasetStore.stampedSource(old, of: faces, file: "c.h5")) { error in
            XCTAssertTrue("\(error)".contains("other decoder settings"), "\(error)")
        }
    }

    func testDecoderSettingsOutOfRangeAreRegistryErrors() throws {
        let archive = SourceFile(role: "archive", path: "c/c.tar.gz", sha256: String(repeating: "0", count: 64))
        func problem(_ parameters: DecoderParameters, decoder: String = "cifar") -> String {
            do {
                _ = try Fixtures.registry(name: "C", classes: 2, count: 4, shape: [3, 32, 32], decoder: decoder,
                                          parameters: parameters, files: [archive])
                return "accepted"
            } catch { return "\(error)" }
        }
        let prefix = "registry: invalid registry: dataset 'C' source 'mirror': "
        XCTAssertEqual(problem(DecoderParameters(labelBytes: 2, labelIndex: 5, members: ["a"])), prefix + "labelIndex 5 not in 0..<2 (labelBytes)")
        XCTAssertEqual(problem(DecoderParameters(labelBytes: 2, labelIndex: -1, members: ["a"])), prefix + "labelIndex -1 not in 0..<2 (labelBytes)")
        XCTAssertEqual(problem(DecoderParameters(labelBytes: 0, labelIndex: 0, members: ["a"])), prefix + "labelBytes 0 < 1")
        XCTAssertEqual(problem(DecoderParameters(labelBytes: 1, labelIndex: 0, members: [])), prefix + "members is empty")
        XCTAssertEqual(problem(DecoderParameters(members: ["x", "y", "z"]), decoder: "stl10"), prefix + "stl10 members must be (X, y) pairs, got 3")
        XCTAssertEqual(problem(DecoderParameters(filePattern: ".*", channels: 4, height: 8, width: 8), decoder: "png-zip"), prefix + "channels 4 (1 or 3)")
        XCTAssertEqual(problem(DecoderParameters(images: "X", labels: "Y", sampleAxis: 3, pixelOrder: "rowMajor", height: 2, width: 3, labelMapping: "identity"), decoder: "mat"), prefix + "sampleAxis 3 not in 0...2")
        XCTAssertEqual(problem(DecoderParameters(labelBytes: 2, labelIndex: 1, members: ["a"])), "accepted")
        // The decoder itself throws rather than traps.
        XCTAssertThrowsError(try CIFARDecoder.decode(members: [("m", Data(count: 3074))], labelBytes: 2, labelIndex: 5))
    }

    /// An import whose name the registry gained later: fetch refuses to overwrite its cache and names the way out;
    /// `remove` drops the import, after which the registry's dataset is fetched.
    func testARegistryNameBesideAnImportIsAnError() throws {
        let images = Fixtures.idx(dims: [4, 5, 5], values: Fixtures.bytes(100, seed: 9))
        let labels = Fixtures.idx(dims: [4], values: [1, 0, 1, 0])
        try Fixtures.write(images, "digits/images.idx", under: mirror)
        try Fixtures.write(labels, "digits/labels.idx", under: mirror)
        let withName = try Fixtures.registry(name: "splits", classes: 2, count: 4, shape: [1, 5, 5], decoder: "idx", parameters: DecoderParameters(), files: [
            SourceFile(role: "images", path: "digits/images.idx", sha256: Digest.sha256(images)),
            SourceFile(role: "labels", path: "digits/labels.idx", sha256: Digest.sha256(labels)),
        ])
        let without = try Fixtures.registry(name: "other", classes: 2, count: 4, shape: [1, 5, 5], decoder: "idx", parameters: DecoderParameters(),
                                            files: withName.datasets[0].sources[0].files)
        let folder = mirror.appendingPathComponent("png")
        try OwnDataFixtures(perClass: 3).writeFolder(folder)
        let imported = try store(without).importDataset("splits", from: folder)
        let before = try Data(contentsOf: imported.cacheURL)

        let expected = "splits is both a registry dataset and a dataset imported from \(folder.path) (\(cache.appendingPathComponent("imported.json").path)); nothing is read or overwritten. Drop the import with: jule data remove splits (to keep it, first: jule data import my-splits --from \(folder.path))"
        XCTAssertThrowsError(try store(withName).fetch("splits")) { XCTAssertEqual("\($0)", expected) }
        XCTAssertThrowsError(try store(withName).fetch("splits", force: true)) { XCTAssertEqual("\($0)", expected) }
        guard case .failure(let error) = store(withName).validateCache(withName.datasets[0]) else { return XCTFail("conflict passed") }
        XCTAssertEqual("\(error)", expected)
        XCTAssertEqual(try Data(contentsOf: imported.cacheURL), before)

        let removal = try store(withName).remove("splits")
        XCTAssertTrue(removal.droppedImport)
        XCTAssertEqual(try store(withName).importedEntries().map(\.name), [])
        guard case .built = try store(withName).fetch("splits").action else { return XCTFail("not built from the registry") }
    }

    /// A two-file IDX registry "Digits" with a downloadable source whose files live under `digits/` (URL: port 9,
    /// which refuses connections).
    func idxRegistry(downloadable: Bool = true) throws -> (DatasetRegistry, images: Data, labels: Data) {
        let images = Fixtures.idx(dims: [4, 5, 5], values: Fixtures.bytes(100, seed: 9))
        let labels = Fixtures.idx(dims: [4], values: [1, 0, 1, 0])
        let urls = downloadable ? ["http://127.0.0.1:9/never.idx"] : nil
        let registry = try Fixtures.registry(name: "Digits", classes: 2, count: 4, shape: [1, 5, 5], decoder: "idx", parameters: DecoderParameters(), files: [
            SourceFile(role: "images", path: "digits/images.idx", urls: urls, sha256: Digest.sha256(images)),
            SourceFile(role: "labels", path: "digits/labels.idx", urls: urls, sha256: Digest.sha256(labels)),
        ])
        return (registry, images, labels)
    }

    /// A bad file under `<cache>/downloads/` (where the README says to put files by hand) is moved aside, not
    /// deleted; offline, the message says what to do instead of "download it anew".
    func testABadFileUnderDownloadsIsKeptAside() throws {
        let (registry, images, _) = try idxRegistry()
        let downloads = cache.appendingPathComponent("downloads")
        try Fixtures.write(images, "digits/images.idx", under: downloads)
        let bad = try Fixtures.write(Fixtures.idx(dims: [4], values: [0, 0, 1, 1]), "digits/labels.idx", under: downloads)
        let offline = DatasetStore(registry: registry, cacheDirectory: cache, mirror: nil, quiet: true, allowNetwork: false)
        XCTAssertThrowsError(try offline.fetch("Digits")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("Digits: \(bad.path): sha256 "), text)
            XCTAssertTrue(text.hasSuffix("; moved it to \(bad.path).bad; put a good copy at \(bad.path), or run without --offline to download it"), text)
            XCTAssertTrue(text.contains(", expected \(try! registry.entry(named: "Digits").sources[0].files[1].sha256!)"), text)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: bad.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: bad.path + ".bad"))
    }

    /// A truncated file (size recorded in the registry) is named as such, in the mirror and under downloads, and is
    /// set aside like a digest mismatch (its own error case, not a match on a message's text).
    func testATruncatedFileSaysSoAndIsKeptAside() throws {
        let images = Fixtures.idx(dims: [4, 5, 5], values: Fixtures.bytes(100, seed: 9))
        let labels = Fixtures.idx(dims: [4], values: [1, 0, 1, 0])
        let registry = try Fixtures.registry(name: "Digits", classes: 2, count: 4, shape: [1, 5, 5], decoder: "idx", parameters: DecoderParameters(), files: [
            SourceFile(role: "images", path: "digits/images.idx", urls: ["http://127.0.0.1:9/never.idx"], sha256: Digest.sha256(images), bytes: images.count),
            SourceFile(role: "labels", path: "digits/labels.idx", urls: ["http://127.0.0.1:9/never.idx"], sha256: Digest.sha256(labels), bytes: labels.count),
        ])
        let truncated = images.prefix(images.count - 7)
        let downloads = cache.appendingPathComponent("downloads")
        let bad = try Fixtures.write(Data(truncated), "digits/images.idx", under: downloads)
        try Fixtures.write(labels, "digits/labels.idx", under: downloads)
        let offline = DatasetStore(registry: registry, cacheDirectory: cache, mirror: nil, quiet: true, allowNetwork: false)
        XCTAssertThrowsError(try offline.fetch("Digits")) { error in
            XCTAssertEqual("\(error)", "Digits: \(bad.path): \(truncated.count) bytes, expected \(images.count); moved it to \(bad.path).bad; put a good copy at \(bad.path), or run without --offline to download it")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: bad.path + ".bad"))

        let inMirror = try Fixtures.write(Data(truncated), "digits/images.idx", under: mirror)
        try Fixtures.write(labels, "digits/labels.idx", under: mirror)
        XCTAssertThrowsError(try store(registry).fetch("Digits")) { error in
            guard case let DataError.corruptMirrorFile(_, file, detail, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, inMirror.path)
            XCTAssertEqual(detail, "\(truncated.count) bytes, expected \(images.count)")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: inMirror.path), "the mirror is never written")
    }

    /// A damaged import's cache cannot be rebuilt from the registry: the error says what is wrong once (not "FILE:
    /// cache unusable: FILE: cache unusable: …") and gives the import command with the path it was imported from.
    func testADamagedImportNamesItsSourceOnce() throws {
        let folder = mirror.appendingPathComponent("own images")
        try OwnDataFixtures().writeFolder(folder)
        let (registry, _, _) = try idxRegistry()
        let imported = try store(registry).importDataset("own", from: folder)
        try Data("garbage".utf8).write(to: imported.cacheURL)
        XCTAssertThrowsError(try store(registry).fetch("own")) { error in
            let text = "\(error)"
            XCTAssertEqual(text.components(separatedBy: "cache unusable").count, 2, text)
            XCTAssertTrue(text.hasPrefix("\(imported.cacheURL.path): cache unusable: "), text)
            XCTAssertTrue(text.hasSuffix("; import it again: jule data import own --from \(folder.path)"), text)
        }
        // Content that fails its digest under a readable stamp (the trial's case) and a cache deleted by hand: the same advice.
        try FileManager.default.removeItem(at: imported.cacheURL)
        XCTAssertThrowsError(try store(registry).fetch("own")) { error in
            XCTAssertEqual("\(error)", "\(imported.cacheURL.path): cache unusable: missing; import it again: jule data import own --from \(folder.path)")
        }
        _ = try store(registry).importDataset("own", from: folder)
        let file = try HDF5File.open(at: imported.cacheURL, writable: true)
        try file.setAttribute("contentSHA256", to: String(repeating: "0", count: 64))
        try file.flushAndClose()
        XCTAssertThrowsError(try store(registry).fetch("own")) { error in
            let text = "\(error)"
            XCTAssertEqual(text.components(separatedBy: "cache unusable").count, 2, text)
            XCTAssertTrue(text.hasSuffix("; import it again: jule data import own --from \(folder.path)"), text)
        }
    }

    /// "Not available" names each file looked for, where, and what is there instead.
    func testNotAvailableNamesWhatWasLookedFor() throws {
        let (registry, images, _) = try idxRegistry()
        try Fixtures.write(images, "digits/images.idx", under: mirror)
        try FileManager.default.createDirectory(at: mirror.appendingPathComponent("digits/labels.idx"), withIntermediateDirectories: true)
        let downloads = cache.appendingPathComponent("downloads")
        try FileManager.default.createDirectory(at: downloads.appendingPathComponent("digits"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: downloads.appendingPathComponent("digits/labels.idx").path,
                                                   withDestinationPath: "/nonexistent/labels.idx")
        XCTAssertThrowsError(try store(registry).fetch("Digits")) { error in
            XCTAssertEqual("\(error)", "Digits: not available offline (the mirror \(mirror.path) has no copy; looked for digits/labels.idx (a folder, not a file in \(mirror.path)/, a dangling link in \(downloads.path)/) in \(mirror.path)/ and \(downloads.path)/, and network use is off)")
        }
        // A mirror one level too deep: said so, with the folder to give.
        let deep = DatasetStore(registry: registry, cacheDirectory: cache, mirror: mirror.appendingPathComponent("digits"), quiet: true, allowNetwork: false)
        try FileManager.default.removeItem(at: mirror.appendingPathComponent("digits/labels.idx"))
        try Fixtures.write(Fixtures.idx(dims: [4], values: [1, 0, 1, 0]), "digits/labels.idx", under: mirror)
        XCTAssertThrowsError(try deep.fetch("Digits")) { error in
            XCTAssertTrue("\(error)".contains("looked for digits/images.idx (missing), digits/labels.idx (missing"), "\(error)")
            XCTAssertTrue("\(error)".contains("(the mirror looks one level too deep: give \(mirror.path))"), "\(error)")
        }
    }

    /// Three classes of two 4×4 grey PNGs, `obj<c>__<i>.png`, in `coil/imgs` of the mirror.
    func pngFolder() throws -> (folder: URL, digests: [(name: String, sha256: String)]) {
        let folder = mirror.appendingPathComponent("coil/imgs")
        var digests: [(name: String, sha256: String)] = []
        for c in 1...3 { for i in 0..<2 {
            let png = Fixtures.png(width: 4, height: 4, bitDepth: 8, colourType: 0, rows: (0..<4).map { r in (0..<4).map { UInt8(40 * c + 10 * i + r + $0) } })
            let name = "obj\(c)__\(i).png"
            try Fixtures.write(png, "coil/imgs/\(name)", under: mirror)
            digests.append((name, Digest.sha256(png)))
        } }
        return (folder, digests)
    }

    func folderRegistry(_ file: SourceFile) throws -> DatasetRegistry {
        try Fixtures.registry(name: "Coil", classes: 3, count: 6, shape: [1, 4, 4], decoder: "png-folder",
                              parameters: DecoderParameters(filePattern: #"obj(\d+)__(\d+)\.png"#, channels: 1, height: 4, width: 4),
                              files: [file])
    }

    /// A folder source short of a file says how many and, with a manifest, which, before any digest.
    func testAFolderMissingAFileSaysSo() throws {
        let (folder, digests) = try pngFolder()
        let manifest = digests.map { "\($0.sha256)  0  \($0.name)\n" }.joined()
        try Fixtures.write(Data(manifest.utf8), "coil/imgs.manifest.txt", under: mirror)
        let listed = try folderRegistry(SourceFile(role: "folder", path: "coil/imgs", kind: .folder, manifest: "coil/imgs.manifest.txt",
                                                   manifestSHA256: Digest.sha256(Data(manifest.utf8))))
        let tree = try folderRegistry(SourceFile(role: "folder", path: "coil/imgs", kind: .folder, treeSHA256: FolderVerifier.treeDigest(digests)))
        XCTAssertEqual(try store(listed).fetch("Coil").dataset.count, 6)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("obj2__1.png"))
        XCTAssertThrowsError(try store(listed).fetch("Coil", force: true)) { error in
            XCTAssertEqual("\(error)", "Coil: \(folder.path): 5 image files, registry expects 6; 1 of the manifest's 6 files are absent (obj2__1.png)")
        }
        XCTAssertThrowsError(try store(tree).fetch("Coil", force: true)) { error in
            XCTAssertEqual("\(error)", "Coil: \(folder.path): 5 image files, registry expects 6 (files missing; the registry records one digest for the whole folder, not its files' names); class 2 has 1 file, most have 2")
        }
    }

    /// A cache path under a regular file is "not a directory"; a failed download leaves no empty folder; a corrupt
    /// mirror file of a set without URLs is not told to download.
    func testSmallFindings() throws {
        let file = try Fixtures.write(Data("x".utf8), "plain", under: cache)
        let (registry, images, labels) = try idxRegistry()
        // An unknown name with a cache folder that does not exist (a mistyped --cache): said, with the registry's names.
        let nowhere = cache.appendingPathComponent("no-such-cache")
        XCTAssertThrowsError(try DatasetStore(registry: registry, cacheDirectory: nowhere, mirror: nil, quiet: true).entry(named: "shapes")) { error in
            XCTAssertEqual("\(error)", "unknown dataset 'shapes'; known: Digits. Try: jule data list (the cache folder \(nowhere.path), where "
                + "imported datasets are kept, does not exist: is --cache or JULE_CACHE right?)")
        }
        XCTAssertThrowsError(try store(registry).entry(named: "shapes")) { error in
            XCTAssertEqual("\(error)", "unknown dataset 'shapes'; known: Digits. Try: jule data list")
        }
        let under = DatasetStore(registry: registry, cacheDirectory: file.appendingPathComponent("sub"), mirror: mirror, quiet: true, allowNetwork: false)
        XCTAssertThrowsError(try under.fetch("Digits")) { error in
            XCTAssertEqual("\(error)", "\(file.path)/sub: cannot create the cache directory: \(file.path) is a file, not a directory; choose another with --cache DIR or JULE_CACHE")
        }

        XCTAssertThrowsError(try store(registry, network: true).fetch("Digits"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache.appendingPathComponent("downloads").path))

        let (mirrorOnly, _, _) = try idxRegistry(downloadable: false)
        try Fixtures.write(images, "digits/images.idx", under: mirror)
        try Fixtures.write(Fixtures.idx(dims: [4], values: [0, 0, 1, 1]), "digits/labels.idx", under: mirror)
        XCTAssertThrowsError(try store(mirrorOnly).fetch("Digits")) { error in
            XCTAssertTrue("\(error)".hasSuffix("fetch it without the mirror: put a good copy at \(cache.path)/downloads/digits/labels.idx (no URL is recorded for it) and run: jule data fetch Digits --no-mirror"), "\(error)")
            XCTAssertFalse("\(error)".contains("downloads it"), "\(error)")
        }
        _ = labels
    }
}
