import Foundation

/// The HDF5 cache of one dataset, in the layout JULE's Torch loader reads (§1.2):
///
/// - `data`: uint8 N×C×H×W (row-major), chunked along N and deflate-compressed;
/// - `labels`: int32 N, 0-based class ids (a 1-D vector, as JULE.torch #17 requires);
/// - root attributes: `format` ("jule-dataset-cache"), `formatVersion`, `name`, `classes`, `count`, `source`,
///   `decoder`, `decoderVersion`, `sourceDigests` (newline-separated "path  digest"), `decoderSettingsSHA256`
///   (`CacheStamp.settingsDigest`; absent in older files), `contentSHA256`
///   (sha256 of the `data` bytes followed by the little-endian `labels` bytes);
/// - optional root attribute `names`: `Dataset.names`, newline-separated (a line break inside a name is stored as
///   "␤", U+2424), N lines. Outside the content digest, so that a dataset's digest does not depend on it; checked
///   instead by its own optional attribute `namesSHA256` (sha256 of the attribute's UTF-8 text; absent in older files,
///   whose names go unchecked);
/// - optional root attribute `classNames`: an import's class names (class folders), one a line as `names`, so that a
///   dataset imported again from its own cache file keeps them (the registry holds them too; outside every digest).
///
/// A file is only used when all of these check out; anything else is reported as `DataError.cacheUnusable`.
public enum DatasetCache {
    public static let format = "jule-dataset-cache"
    public static let formatVersion = 1

    /// sha256 over the pixel bytes, then the labels as little-endian int32.
    public static func contentDigest(pixels: [UInt8], labels: [Int32]) -> String {
        let littleEndian = labels.map { $0.littleEndian }
        return pixels.withUnsafeBytes { p in littleEndian.withUnsafeBytes { l in Digest.hex(.sha256, ofParts: [p, l]) } }
    }

    /// The `names` attribute's text: one name a line, a line break inside a name as "␤" (also what `jule embed --out`
    /// writes beside its embeddings).
    public static func namesAttribute(_ names: [String]) -> String {
        names.map { $0.replacingOccurrences(of: "\n", with: "\u{2424}") }.joined(separator: "\n")
    }

    /// Writes `dataset` with its stamp atomically to `url`.
    public static func write(_ dataset: Dataset, stamp: CacheStamp, to url: URL, classNames: [String]? = nil,
                             compressionLevel: Int = 1) throws {
        let digest = contentDigest(pixels: dataset.pixels, labels: dataset.labels)
        try HDF5File.writeAtomically(to: url) { file in
            let shape = [dataset.count, dataset.channels, dataset.height, dataset.width]
            // Chunks of whole images, about 1 MiB: fast sequential reads, and h5py can still slice by sample.
            let perChunk = max(1, min(dataset.count, (1 << 20) / max(1, dataset.imageSize)))
            try file.write(dataset.pixels, shape: shape, to: "data",
                           chunkShape: [perChunk, dataset.channels, dataset.height, dataset.width],
                           compressionLevel: compressionLevel)
            try file.write(dataset.labels, shape: [dataset.count], to: "labels", compressionLevel: compressionLevel)
            try file.setAttribute("format", to: format)
            try file.setAttribute("formatVersion", to: formatVersion)
            try file.setAttribute("name", to: stamp.name)
            try file.setAttribute("classes", to: dataset.classCount)
            try file.setAttribute("count", to: dataset.count)
            try file.setAttribute("source", to: stamp.source)
            try file.setAttribute("decoder", to: stamp.decoder)
            try file.setAttribute("decoderVersion", to: stamp.decoderVersion)
            try file.setAttribute("sourceDigests", to: stamp.sourceDigests.joined(separator: "\n"))
            if let settings = stamp.settingsDigest { try file.setAttribute("decoderSettingsSHA256", to: settings) }
            try file.setAttribute("contentSHA256", to: digest)
            if let names = dataset.names {
                let text = Self.namesAttribute(names)
                try file.setAttribute("names", to: text)
                try file.setAttribute("namesSHA256", to: Digest.sha256(Data(text.utf8)))
            }
            if let classNames { try file.setAttribute("classNames", to: Self.namesAttribute(classNames)) }
        }
    }

    /// The stamp of a cache file without reading its arrays (cheap; nil fields make it unusable).
    public static func readStamp(at url: URL) throws -> CacheStamp {
        let file = try openChecked(url)
        return try stamp(of: file)
    }

    /// Reads and fully checks a cache file: layout, stamp and content digest.
    public static func read(at url: URL) throws -> (dataset: Dataset, stamp: CacheStamp) {
        let file = try openChecked(url)
        let stamp = try stamp(of: file)
        func unusable(_ reason: String) -> DataError { .cacheUnusable(file: url.path, reason: reason) }
        let data: (values: [UInt8], shape: [Int])
        let labels: (values: [Int32], shape: [Int])
        do {
            data = try file.read("data", as: UInt8.self)
            labels = try file.read("labels", as: Int32.self)
        } catch {
            throw unusable("cannot read arrays (\(error))")
        }
        guard data.shape.count == 4 else { throw unusable("data has shape \(data.shape), expected N×C×H×W") }
        guard labels.shape == [data.shape[0]] else { throw unusable("labels shape \(labels.shape) for \(data.shape[0]) images") }
        guard let expected = try file.stringAttribute("contentSHA256") else { throw unusable("no contentSHA256 attribute") }
        let actual = contentDigest(pixels: data.values, labels: labels.values)
        guard actual == expected else { throw unusable("content sha256 \(actual) differs from the recorded \(expected) (corrupt)") }
        guard labels.values.allSatisfy({ $0 >= 0 }) else { throw unusable("negative label") }
        // Class ids are 0..<K with K ≤ N: a larger id is corrupt (and would size per-class tables by it).
        guard labels.values.allSatisfy({ Int($0) < max(1, data.shape[0]) }) else {
            throw unusable("label id \(labels.values.max() ?? 0) for \(data.shape[0]) images (corrupt)")
        }
        let names = try Self.names(in: file, count: data.shape[0], fail: unusable)
        let dataset = Dataset(name: stamp.name, count: data.shape[0], channels: data.shape[1], height: data.shape[2],
                              width: data.shape[3], pixels: data.values, labels: labels.values, names: names)
        return (dataset, stamp)
    }

    /// The `names` attribute of an open cache file, checked against `namesSHA256` and the image count; nil when
    /// absent. `fail` makes the error for a damaged one.
    static func names(in file: HDF5File, count: Int, fail: (String) -> DataError) throws -> [String]? {
        let names: [String]?
        do {
            let text = try file.stringAttribute("names")
            if let text, let recorded = try file.stringAttribute("namesSHA256"), Digest.sha256(Data(text.utf8)) != recorded {
                throw fail("the names attribute differs from its recorded sha256 (corrupt)")
            }
            names = text.map { $0.components(separatedBy: "\n") }
        } catch let error as DataError {
            throw error
        } catch {
            throw fail("cannot read the names attribute (\(error))")
        }
        if let names, names.count != count { throw fail("\(names.count) names for \(count) images") }
        return names
    }

    /// The `classNames` attribute of an open cache file when it names `classes` classes, else nil.
    static func classNames(in file: HDF5File, classes: Int) -> [String]? {
        guard let text = try? file.stringAttribute("classNames") else { return nil }
        let names = text.components(separatedBy: "\n")
        return names.count == classes ? names : nil
    }

    /// Whether an open HDF5 file is a jule dataset cache (its `format` attribute), whatever its version.
    static func isCache(_ file: HDF5File) -> Bool {
        (try? file.stringAttribute("format")) == format
    }

    private static func openChecked(_ url: URL) throws -> HDF5File {
        let file: HDF5File
        do { file = try HDF5File.open(at: url) } catch {
            throw DataError.cacheUnusable(file: url.path, reason: "\(error)")
        }
        let found = try? file.stringAttribute("format")
        guard found == format else {
            throw DataError.cacheUnusable(file: url.path, reason: "not a jule dataset cache (format attribute \(found.map { "'\($0)'" } ?? "missing"))")
        }
        let version = try? file.intAttribute("formatVersion")
        guard version == formatVersion else {
            throw DataError.cacheUnusable(file: url.path, reason: "cache format version \(version.map(String.init) ?? "missing"), this build writes \(formatVersion)")
        }
        return file
    }

    private static func stamp(of file: HDF5File) throws -> CacheStamp {
        func string(_ name: String) throws -> String {
            guard let value = try file.stringAttribute(name) else {
                throw DataError.cacheUnusable(file: file.url.path, reason: "missing attribute '\(name)'")
            }
            return value
        }
        guard let version = try file.intAttribute("decoderVersion") else {
            throw DataError.cacheUnusable(file: file.url.path, reason: "missing attribute 'decoderVersion'")
        }
        let digests = try string("sourceDigests")
        return CacheStamp(name: try string("name"), source: try string("source"), decoder: try string("decoder"),
                          decoderVersion: version,
                          sourceDigests: digests.isEmpty ? [] : digests.components(separatedBy: "\n"),
                          settingsDigest: try file.stringAttribute("decoderSettingsSHA256"))
    }
}
