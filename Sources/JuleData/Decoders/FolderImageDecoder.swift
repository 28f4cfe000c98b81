import Foundation

/// A folder of image files (COIL-20 / COIL-100 PNGs) whose names carry the class, verified file by file against a
/// manifest or as a whole against a tree digest (see `SourceFile`).
enum FolderImageDecoder {
    /// `expectedCount`: the images the registry expects; a folder with other than that many files is named with
    /// the files it lacks before its digest is compared.
    static func decode(folder: URL, file: SourceFile, parameters: DecoderParameters, mirror: URL?, dataset: String,
                       expectedCount: Int? = nil, progress: ProgressReporter?) throws -> DecodedImages {
        guard let pattern = parameters.filePattern, let channels = parameters.channels,
              let height = parameters.height, let width = parameters.width else {
            throw DataError.invalidRequest("\(dataset): png-folder parameters incomplete")
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw DataError.io(file: folder.path, reason: "cannot list folder (\(error.localizedDescription))")
        }
        let items = try ImageItem.matching(names, pattern: pattern, content: { .file(folder.appendingPathComponent($0)) },
                                           location: { folder.appendingPathComponent($0).path })
        guard !items.isEmpty else {
            throw DataError.missingMember(container: folder.path, member: "files matching \(pattern)")
        }
        var verifier = try FolderVerifier(file: file, folder: folder, mirror: mirror, dataset: dataset)
        verifier.expectedCount = expectedCount
        verifier.unevenClasses = unevenClasses(items)
        return try ImageSetDecoder.decode(items, channels: channels, height: height, width: width,
                                          verify: verifier.verify, progress: progress)
    }

    /// "class 7 has 71 files, most have 72" for the classes whose file count differs from the most common one,
    /// or nil: where the registry records no file names (a tree digest), the place to look for a missing file.
    static func unevenClasses(_ items: [ImageItem]) -> String? {
        let perClass = Dictionary(grouping: items.compactMap(\.classKey), by: { $0 }).mapValues(\.count)
        let counts = Dictionary(grouping: perClass.values, by: { $0 }).mapValues(\.count)
        guard let usual = counts.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key })?.key else { return nil }
        let odd = perClass.filter { $0.value != usual }.sorted { ImageItem.compareKeys($0.key, $1.key) == .orderedAscending }
        guard !odd.isEmpty, odd.count < perClass.count else { return nil }
        let listed = odd.prefix(3).map { "class \($0.key) has \($0.value) file\($0.value == 1 ? "" : "s")" }.joined(separator: ", ")
        return listed + (odd.count > 3 ? " (\(odd.count) classes in all)" : "") + ", most have \(usual)"
    }
}

/// Checks a folder's files: each against a manifest ("sha256  size  name" lines), or all together against a tree
/// digest: sha256 of the concatenated "sha256  name\n" lines sorted by name.
struct FolderVerifier {
    let dataset: String
    let folder: URL
    let manifest: [String: String]?
    let treeSHA256: String?
    /// How many files the folder should hold (the registry's image count), when known.
    var expectedCount: Int? = nil
    /// `FolderImageDecoder.unevenClasses` of the folder: said with a wrong count where no manifest names the files.
    var unevenClasses: String? = nil

    init(file: SourceFile, folder: URL, mirror: URL?, dataset: String) throws {
        self.dataset = dataset
        self.folder = folder
        self.treeSHA256 = file.treeSHA256
        if let manifestPath = file.manifest, let manifestSHA256 = file.manifestSHA256 {
            // The manifest sits beside the folder: in the mirror, or relative to the folder's parent for downloads.
            let candidates = [mirror?.appendingPathComponent(manifestPath),
                              folder.deletingLastPathComponent().appendingPathComponent((manifestPath as NSString).lastPathComponent)]
            guard let url = candidates.compactMap({ $0 }).first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
                throw DataError.missingMember(container: folder.deletingLastPathComponent().path, member: manifestPath)
            }
            let data = try DatasetStore.readVerified(SourceFile(role: "manifest", path: manifestPath, sha256: manifestSHA256),
                                                     at: url, dataset: dataset)
            var entries: [String: String] = [:]
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count >= 2 else { continue }
                entries[String(fields[fields.count - 1])] = String(fields[0])
            }
            manifest = entries
        } else {
            manifest = nil
        }
    }

    func verify(_ digests: [(name: String, sha256: String)]) throws {
        if let manifest {
            for (name, actual) in digests {
                let base = (name as NSString).lastPathComponent
                guard let expected = manifest[base] else {
                    throw DataError.checksumMismatch(dataset: dataset, file: folder.appendingPathComponent(name).path,
                                                     algorithm: "sha256", expected: "(not in manifest)", actual: actual)
                }
                guard expected == actual else {
                    throw DataError.checksumMismatch(dataset: dataset, file: folder.appendingPathComponent(name).path,
                                                     algorithm: "sha256", expected: expected, actual: actual)
                }
            }
        }
        if let expectedCount, digests.count != expectedCount {
            // Said before the tree digest, which cannot tell a missing file from a changed one.
            var reason = "\(digests.count) image files, registry expects \(expectedCount)"
            if let manifest {
                let present = Set(digests.map { ($0.name as NSString).lastPathComponent })
                let absent = manifest.keys.filter { !present.contains($0) }.sorted { ImageItem.compareKeys($0, $1) == .orderedAscending }
                let listed = absent.prefix(5).joined(separator: ", ") + (absent.count > 5 ? ", …" : "")
                // A source short of its manifest by design (COIL-100's mirror: 102 of 7200) says how many it may lack.
                let allowed = manifest.count > expectedCount ? ", \(manifest.count - expectedCount) may be" : ""
                reason += "; \(absent.count) of the manifest's \(manifest.count) files are absent\(allowed) (\(listed))"
            } else {
                reason += " (files \(digests.count < expectedCount ? "missing" : "added"); the registry records one digest for the whole folder, not its files' names)"
                if let unevenClasses { reason += "; \(unevenClasses)" }
            }
            throw DataError.unexpectedContent(dataset: dataset, reason: "\(folder.path): \(reason)")
        }
        if let treeSHA256 {
            let actual = Self.treeDigest(digests)
            guard actual == treeSHA256 else {
                // A tree digest cannot say which file changed; a file that no longer decodes can be named.
                throw DataError.checksumMismatch(dataset: dataset, file: folder.path + undecodable(digests.map(\.name)),
                                                 algorithm: "tree-sha256", expected: treeSHA256, actual: actual)
            }
        }
    }

    /// " (corrupt: a.png, b.png)" for the files under `folder` that are not readable PNG or JPEG images, or "".
    private func undecodable(_ names: [String]) -> String {
        let bad = names.sorted().filter { name in
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)) else { return true }
            return (try? data.withUnsafeBytes { try ImageSetDecoder.decodeImage($0, channels: 1, location: name) }) == nil
        }
        guard !bad.isEmpty else { return "" }
        return " (corrupt: " + bad.prefix(5).joined(separator: ", ") + (bad.count > 5 ? ", … \(bad.count) in all" : "") + ")"
    }

    /// sha256 of "sha256  name\n" lines sorted by name (byte order).
    static func treeDigest(_ digests: [(name: String, sha256: String)]) -> String {
        let lines = digests.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
            .map { "\($0.sha256)  \($0.name)\n" }.joined()
        return Digest.sha256(Data(lines.utf8))
    }
}
