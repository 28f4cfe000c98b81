import Foundation

/// `jule data import`: a user's own dataset (an image folder with class sub-folders or none, an image archive, or an
/// `.h5` in JULE's layout) decoded into the cache. A name the registry knows (FRGC, YTF, ImageNet-10, …) is checked
/// against the registry's shape (image trees are resized to it); a new name is registered in
/// `<cache>/imported.json` with the shape found, network "design-rule" and η 0.9.
extension DatasetStore {
    /// Source id recorded in the cache stamp of imported datasets.
    public static let importSource = "import"

    /// `<cache>/imported.json`: the registry of user-imported datasets.
    public var importedRegistryURL: URL { cacheDirectory.appendingPathComponent("imported.json") }

    /// Entries imported by the user (empty when there are none).
    public func importedEntries() throws -> [DatasetEntry] {
        guard FileManager.default.fileExists(atPath: importedRegistryURL.path) else { return [] }
        return try DatasetRegistry.load(from: importedRegistryURL).datasets
    }

    /// The registry's entries followed by the imported ones.
    public func allEntries() throws -> [DatasetEntry] {
        let registered = Set(registry.datasets.map { $0.name.lowercased() })
        return registry.datasets + (try importedEntries()).filter { !registered.contains($0.name.lowercased()) }
    }

    /// An entry of the registry or of the imported datasets, by case-insensitive name.
    public func entry(named name: String) throws -> DatasetEntry {
        if let entry = try? registry.entry(named: name) { return entry }
        if let entry = try importedEntries().first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) {
            return entry
        }
        throw DataError.unknownDataset(name: name, known: try allEntries().map(\.name))
    }

    /// Decodes `path` into the cache as dataset `name`. `channels`, `height`, `width` set the size of images from a
    /// folder or archive for a new name (default: 3 channels, the first image's size).
    @discardableResult
    public func importDataset(_ name: String, from path: URL, channels: Int? = nil, height: Int? = nil,
                              width: Int? = nil) throws -> FetchOutcome {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
            throw DataError.io(file: path.path, reason: "no such file or folder")
        }
        let registered = try? registry.entry(named: name)
        let canonicalName = registered?.name ?? name
        let reporter = progress(canonicalName)
        let lowercased = path.lastPathComponent.lowercased()
        let decoded: DecodedImages
        let decoder: String
        var digest = ""
        if isDirectory.boolValue || [".zip", ".tar", ".tgz", ".tar.gz", ".tar.bz2", ".tar.xz"].contains(where: { lowercased.hasSuffix($0) }) {
            let items = isDirectory.boolValue ? try ImageTreeDecoder.items(inFolder: path, pattern: nil)
                                              : try ImageTreeDecoder.items(inArchive: path, pattern: nil)
            guard let firstItem = items.first else {
                throw DataError.missingMember(container: path.path, member: "image files (.jpg, .jpeg, .png)")
            }
            var shape = registered?.shape ?? [channels ?? 3, height ?? 0, width ?? 0]
            if shape[1] == 0 || shape[2] == 0 {
                let bytes: Data
                switch firstItem.content {
                case .bytes(let data): bytes = data
                case .file(let url):
                    do { bytes = try Data(contentsOf: url) } catch { throw DataError.io(file: url.path, reason: "cannot read") }
                }
                let size = try bytes.withUnsafeBytes { try ImageSetDecoder.decodeImage($0, channels: shape[0], location: firstItem.location) }
                shape = [shape[0], height ?? size.height, width ?? size.width]
            }
            decoded = try ImageSetDecoder.decode(items, channels: shape[0], height: shape[1], width: shape[2], verify: { digests in
                digest = "tree-sha256:" + FolderVerifier.treeDigest(digests)
            }, progress: reporter)
            decoder = "image-tree"
        } else if lowercased.hasSuffix(".h5") || lowercased.hasSuffix(".hdf5") {
            digest = "sha256:" + (try Digest.hex(.sha256, ofFile: path))
            decoded = try JULEH5Decoder.decode(at: path)
            decoder = "jule-h5"
        } else {
            throw DataError.invalidRequest("\(path.path): import reads a folder of images, an image archive (.zip, .tar, .tar.gz) or an .h5 file in JULE's layout")
        }
        let dataset = decoded.dataset(named: canonicalName)
        if let registered {
            guard registered.shape == [dataset.channels, dataset.height, dataset.width] else {
                throw DataError.unexpectedContent(dataset: canonicalName, reason: "\(path.path) holds \(dataset.channels)x\(dataset.height)x\(dataset.width) images, registry expects \(registered.shape.map(String.init).joined(separator: "x"))")
            }
            if dataset.count != registered.count || dataset.classCount != registered.classes {
                reporter?.note("imported \(dataset.count) images / \(dataset.classCount) classes; the paper's \(canonicalName) has \(registered.count) / \(registered.classes)")
            }
        }
        let stamp = CacheStamp(name: canonicalName, source: Self.importSource, decoder: decoder,
                               decoderVersion: Self.decoderVersion, sourceDigests: ["\(path.path)  \(digest)"])
        let url = cacheURL(for: canonicalName)
        try DatasetCache.write(dataset, stamp: stamp, to: url)
        if registered == nil {
            let entry = DatasetEntry(
                name: canonicalName, description: "imported from \(path.path)", classes: dataset.classCount,
                count: dataset.count, shape: [dataset.channels, dataset.height, dataset.width], network: "design-rule",
                eta: 0.9, epochsPerPeriod: 20, claims: [], homepage: nil, sources: [], labelMapping: "rank (\(decoder))",
                protocolNotes: ["user import"], deviations: [])
            let others = try importedEntries().filter { $0.name.caseInsensitiveCompare(canonicalName) != .orderedSame }
            try DatasetRegistry(datasets: others + [entry], url: importedRegistryURL).write(to: importedRegistryURL)
        }
        return FetchOutcome(dataset: dataset, action: .built(source: Self.importSource, origin: path.path, replaced: nil), cacheURL: url)
    }
}
