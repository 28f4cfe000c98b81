import Foundation

/// Fetches, verifies, decodes and caches datasets (one HDF5 file per dataset, `DatasetCache`).
///
/// `load` returns a verified cache at once; otherwise it takes the first `SourceSet` of the entry whose files are
/// all present in the mirror (or in `<cache>/downloads/`), else downloads the first downloadable one, verifies
/// every file's digest before decoding, checks the decoded count, classes and shape against the registry, and
/// writes the cache atomically. A cache whose stamp or content digest no longer matches is rebuilt.
public struct DatasetStore {
    /// Bumped whenever a decoder's output changes, which invalidates existing caches.
    public static let decoderVersion = 1

    public let registry: DatasetRegistry
    public let cacheDirectory: URL
    public let mirror: URL?
    public let quiet: Bool
    /// Whether canonical URLs may be tried (tests turn it off to stay hermetic).
    public var allowNetwork: Bool
    /// Whether `mirror` is nil because the user turned it off (`--no-mirror`): said instead of "no mirror given".
    public var mirrorTurnedOff = false

    public init(registry: DatasetRegistry, cacheDirectory: URL, mirror: URL?, quiet: Bool, allowNetwork: Bool = true) {
        self.registry = registry
        self.cacheDirectory = cacheDirectory
        self.mirror = mirror
        self.quiet = quiet
        self.allowNetwork = allowNetwork
    }

    /// `$JULE_CACHE`, else `$XDG_CACHE_HOME/jule`, else `$HOME/.cache/jule`, else the account's home (passwd).
    public static var defaultCacheDirectory: URL {
        defaultCacheDirectory(environment: ProcessInfo.processInfo.environment)
    }

    /// As `defaultCacheDirectory` for these variables. `homeDirectoryForCurrentUser` reads passwd on Linux and would
    /// ignore `$HOME`; a relative `XDG_CACHE_HOME` is ignored, as the XDG specification says.
    static func defaultCacheDirectory(environment: [String: String]) -> URL {
        if let path = environment["JULE_CACHE"], !path.isEmpty { return URL(fileURLWithPath: path) }
        if let path = environment["XDG_CACHE_HOME"], path.hasPrefix("/") {
            return URL(fileURLWithPath: path).appendingPathComponent("jule")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".cache/jule")
    }

    /// `$JULE_MIRROR` when set and present.
    public static var defaultMirror: URL? {
        guard let path = ProcessInfo.processInfo.environment["JULE_MIRROR"], !path.isEmpty else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
        return URL(fileURLWithPath: path)
    }

    /// `<cache>/<name>.h5` for a registry entry's name.
    public func cacheURL(for name: String) -> URL {
        cacheDirectory.appendingPathComponent("\(name).h5")
    }

    /// The dataset, from a valid cache or fetched and cached now.
    public func load(_ name: String) throws -> Dataset {
        try fetch(name).dataset
    }

    /// What `fetch` did.
    public enum FetchAction: Sendable, Equatable {
        /// A valid cache already existed.
        case cached
        /// Decoded from the named source set (origin "mirror" or "download"); `replaced` says why an old cache was
        /// rebuilt, when there was one.
        case built(source: String, origin: String, replaced: String?)
    }

    /// The result of `fetch`.
    public struct FetchOutcome: Sendable {
        public let dataset: Dataset
        public let action: FetchAction
        public let cacheURL: URL
    }

    /// Makes sure the dataset is cached and valid; `force` rebuilds even a valid cache.
    public func fetch(_ name: String, force: Bool = false) throws -> FetchOutcome {
        let entry = try self.entry(named: name)
        let url = cacheURL(for: entry.name)
        removeStaleTemporaries(for: entry.name)
        var replaced: String? = nil
        if FileManager.default.fileExists(atPath: url.path) {
            if force {
                replaced = "forced"
            } else {
                switch validateCache(entry) {
                case .success(let dataset): return FetchOutcome(dataset: dataset, action: .cached, cacheURL: url)
                case .failure(let error):
                    // The reason alone when the error names this very file (else "FILE: cache unusable: FILE: …").
                    if case let .cacheUnusable(file, reason) = error, file == url.path { replaced = reason } else { replaced = "\(error)" }
                    progress(entry.name)?.note("rebuilding cache: \(error)")
                }
            }
        }
        if entry.sources.isEmpty, !force,
           entry.importedFrom != nil || (try? DatasetCache.readStamp(at: url))?.source == Self.importSource {
            // An imported copy that is gone or failed validation cannot be rebuilt from the registry (its stamp may be
            // unreadable too: imported.json still says where it came from).
            let why = FileManager.default.fileExists(atPath: url.path) ? replaced ?? "invalid" : "missing"
            throw DataError.cacheUnusable(file: url.path, reason: "\(why); import it again: jule data import \(entry.name) --from \(entry.importedFrom ?? "PATH")")
        }
        try ensureWritableCache()
        let resolved = try resolve(entry)
        let dataset: Dataset
        do { dataset = try decode(entry, resolved) } catch let DataError.checksumMismatch(name, file, algorithm, expected, actual) {
            try rejectBadFile(entry, file: file, detail: "\(algorithm) \(actual), expected \(expected)")
            throw DataError.checksumMismatch(dataset: name, file: file, algorithm: algorithm, expected: expected, actual: actual)
        } catch let DataError.wrongSize(file, size, expected) {
            try rejectBadFile(entry, file: file, detail: "\(size) bytes, expected \(expected)")
            throw DataError.wrongSize(file: file, size: size, expected: expected)
        }
        let stamp = CacheStamp(name: entry.name, source: resolved.set.id, decoder: resolved.set.decoder,
                               decoderVersion: Self.decoderVersion, sourceDigests: Self.recordedDigests(resolved.set),
                               settingsDigest: Self.settingsDigest(resolved.set))
        try DatasetCache.write(dataset, stamp: stamp, to: url)
        return FetchOutcome(dataset: dataset,
                            action: .built(source: resolved.set.id, origin: resolved.origin, replaced: replaced),
                            cacheURL: url)
    }

    /// Reads and checks the cache of `entry` against the registry: format, content digest, a source set the entry
    /// still lists with the same recorded digests and decoder settings, the current decoder version, and the
    /// expected shape.
    public func validateCache(_ entry: DatasetEntry) -> Result<Dataset, DataError> {
        let url = cacheURL(for: entry.name)
        do {
            if let conflict = importConflict(entry.name) { throw conflict }
            let (dataset, stamp) = try DatasetCache.read(at: url)
            guard stamp.name == entry.name else { throw DataError.cacheUnusable(file: url.path, reason: "holds '\(stamp.name)'") }
            guard stamp.decoderVersion == Self.decoderVersion else {
                throw DataError.cacheUnusable(file: url.path, reason: "decoder version \(stamp.decoderVersion), current \(Self.decoderVersion) (stale)")
            }
            if stamp.source == Self.importSource {
                // Only names without a source of their own take imports (`checkImportName`); an imported copy under
                // any other (which earlier builds wrote) would pass for the paper's data.
                guard entry.sources.isEmpty else {
                    throw DataError.cacheUnusable(file: url.path, reason: "holds images imported with jule data import, not \(entry.name)'s own data; jule data fetch \(entry.name) rebuilds it")
                }
                // A user's copy: its digests are the user's files, not the registry's; shape must still fit the entry.
                if let registered = try? registry.entry(named: entry.name), registered.shape != [dataset.channels, dataset.height, dataset.width] {
                    throw DataError.cacheUnusable(file: url.path, reason: "imported images are \(dataset.channels)x\(dataset.height)x\(dataset.width), registry expects \(registered.shape.map(String.init).joined(separator: "x"))")
                }
                // An import earlier builds took under a registry name with other counts (a note only then).
                if let registered = try? registry.entry(named: entry.name), let problem = Self.countProblem(of: dataset, registered: registered) {
                    throw DataError.cacheUnusable(file: url.path, reason: "imported \(problem); import them under another name")
                }
                return .success(dataset)
            }
            let set = try Self.stampedSource(stamp, of: entry, file: url.path)
            try checkExpectations(entry, set, dataset, file: url.path)
            return .success(dataset)
        } catch let error as DataError {
            return .failure(error)
        } catch {
            return .failure(.cacheUnusable(file: url.path, reason: "\(error)"))
        }
    }

    /// Whether the mirror (or an earlier download) holds every file of some source set.
    public func localSource(for entry: DatasetEntry) -> SourceSet? {
        entry.sources.first { set in set.files.allSatisfy { localURL(for: $0) != nil } }
    }

    /// The source set a (non-import) cache was built from, if the entry still lists it with the same file digests
    /// and decoder settings; else why the cache is stale, naming the command that rebuilds it.
    public static func stampedSource(_ stamp: CacheStamp, of entry: DatasetEntry, file: String) throws -> SourceSet {
        let rebuild = "rebuild it: jule data fetch \(entry.name)"
        guard let set = entry.sources.first(where: { $0.id == stamp.source }) else {
            throw DataError.cacheUnusable(file: file, reason: "source '\(stamp.source)' is no longer in the registry (stale); \(rebuild)")
        }
        guard stamp.sourceDigests == recordedDigests(set) else {
            throw DataError.cacheUnusable(file: file, reason: "source digests differ from the registry (stale); \(rebuild)")
        }
        let settings = settingsDigest(set)
        // A cache written before stamps recorded the settings was decoded with the settings shipped then: it still
        // fits when the entry has exactly those, so an upgrade does not rebuild every cache of the standard sets
        // (MNIST-full and COIL-100 take minutes); an entry edited since then is rebuilt.
        guard stamp.settingsDigest.map({ $0 == settings }) ?? shippedSettingsDigests.contains(settings) else {
            throw DataError.cacheUnusable(file: file, reason: "built with other decoder settings of source '\(set.id)' than the registry's (stale); \(rebuild)")
        }
        return set
    }

    /// Throws the error for a source file that failed verification in the mirror or under `<cache>/downloads/`,
    /// with the way to a good copy; returns for a file elsewhere.
    private func rejectBadFile(_ entry: DatasetEntry, file: String, detail: String) throws {
        let downloadable = entry.sources.contains { $0.isDownloadable }
        if let mirror, file.hasPrefix(mirror.path + "/") {
            // `--force` would read the same bad copy again: the fix is to go around the mirror.
            let relative = String(file.dropFirst(mirror.path.count + 1))
            let fix = downloadable
                ? "jule data fetch \(entry.name) --no-mirror (downloads it, or uses a good copy placed under \(downloadsDirectory.path)/)"
                : "put a good copy at \(downloadsDirectory.appendingPathComponent(relative).path) (no URL is recorded for it) and run: jule data fetch \(entry.name) --no-mirror"
            throw DataError.corruptMirrorFile(dataset: entry.name, file: file, detail: detail, fix: fix)
        }
        guard file.hasPrefix(downloadsDirectory.path + "/") else { return }
        // The user may have placed it there by hand (the README says to): set aside, never deleted, so that the
        // next fetch does not read it again and nothing the user put there is lost.
        let aside = file + ".bad"
        try? FileManager.default.removeItem(atPath: aside)
        do { try FileManager.default.moveItem(atPath: file, toPath: aside) } catch {
            throw DataError.unexpectedContent(dataset: entry.name, reason: "\(file): \(detail); cannot move it aside (\(FileErrorText.cause(error))): replace it with a good copy")
        }
        let next = allowNetwork && downloadable
            ? "run the same command again to download it anew"
            : "put a good copy at \(file)" + (downloadable ? ", or run without --offline to download it" : "")
        throw DataError.unexpectedContent(dataset: entry.name, reason: "\(file): \(detail); moved it to \(aside); \(next)")
    }

    // MARK: Resolution

    /// sha256 of what decides, besides the files' bytes, what a source set decodes to: its decoder, its parameters
    /// (`pixelOrder`, `members` in order, …) and each file's role, path and kind in order. Canonical JSON (sorted
    /// keys, no whitespace, slashes unescaped) of those values, so key order and layout of `datasets.json` do not
    /// count. The dataset's content digest (what run records cite) is unaffected: it is over the decoded data only.
    static func settingsDigest(_ set: SourceSet) -> String {
        struct Settings: Encodable {
            let decoder: String
            let parameters: DecoderParameters
            let files: [String]
        }
        let settings = Settings(decoder: set.decoder, parameters: set.parameters,
                                files: set.files.map { "\($0.role) \($0.path) \($0.kind?.rawValue ?? "file")" })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings, integers and arrays cannot fail; an empty encoding would still mismatch every stamp.
        return Digest.sha256((try? encoder.encode(settings)) ?? Data())
    }

    /// `settingsDigest` of every source set in `datasets.json` as shipped when stamps began to record it (frozen:
    /// caches stamped without the field were decoded with these). Listed, not read from today's registry, since an
    /// edited registry is exactly what must not pass.
    static let shippedSettingsDigests: Set<String> = [
        "d87f81980138f925a801c608e2ce06bdd96116949ded37f38c58e3a52fa2cac2", // MNIST-test mirror-idx
        "3b06d0f990a68726047ff5454d27f7e4e20551e2d74ec8b32a1a5a862c2d5c19", // MNIST-test canonical-gz
        "b93c66582b76cc1c14c3233b6759b35496261680c22672c355fb69b6bd53c61c", // MNIST-full mirror-idx
        "912117470036236a5b8910c338970a3bd78f18a20de0d61f8fc3de5e2158130f", // MNIST-full canonical-gz
        "b294d71eedda535797aeac9dcd4036addfd37c90ea1c38b439f28391c0857f25", // USPS mirror-fea-gnd
        "211a4bec7f44eb92004508830bf85dec4643dc3ef3f2ddf716ab121dd296e215", // USPS mirror-dat-labels
        "d5bf355117a8a28a6fe8323b9fcf71f015adf423e035637ac8edebcba4eaefaa", // COIL-20 mirror-folder
        "9bf9d9ad5efe639b4e0da0ec96f408641d68941ad59a9a9d69df5a57cc6f6634", // COIL-20 canonical-zip
        "bfe77712f08791897f0e211dc61308f94ac9b6e6408da6166bdcda3f84550879", // COIL-100 mirror-folder
        "d80883fd9fe7dcb96e39b2ee40cf68f073b76ae42c5dc88df7ca0b8c014d0fde", // COIL-100 canonical-zip
        "bf0f9e86ae84805a667983391a5b71bc02996a635c0f413658e9fc4e29ffe416", // UMist mirror-32x32
        "4cb7f2217c13bfd51ed704fd09d31a4ef2d4da87cdcea1b5d77f84e7a64052d8", // CMU-PIE mirror-pose27
        "26e4b7d3678fa4482d4ed310095821da510d0a7d2ce10f4e065fe134fd08a3af", // CIFAR-10 canonical-binary
        "ec48c281b5ebd032226a487feda12c0aff066d9de2902f3903cb19dd1217c57e", // CIFAR-100 canonical-binary
        "d3db2ba67c1cdc75e7530fc6a620b587775dc6de91fef1570869f87623264cba", // STL-10 canonical-binary
        "5405255c0d373f1c8f13f683332383b5710b2d8282fb72bb9ac6525984aaf3e3", // Tiny-ImageNet canonical-zip
    ]


    /// The registry's recorded digest of each file, as stored in the cache stamp.
    static func recordedDigests(_ set: SourceSet) -> [String] {
        set.files.map { file in
            let digest = file.recordedDigest.map { $0.kind + ":" + $0.value } ?? "-"
            return file.path + "  " + digest
        }
    }

    private func localURL(for file: SourceFile) -> URL? {
        var candidates: [URL] = []
        if let mirror { candidates.append(mirror.appendingPathComponent(file.path)) }
        candidates.append(downloadsDirectory.appendingPathComponent(file.path))
        for url in candidates {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue == file.isFolder {
                return url
            }
        }
        return nil
    }

    var downloadsDirectory: URL { cacheDirectory.appendingPathComponent("downloads") }

    private func resolve(_ entry: DatasetEntry) throws -> ResolvedSource {
        if let set = localSource(for: entry) {
            let urls = set.files.compactMap(localURL(for:))
            let fromMirror = mirror.map { m in urls.allSatisfy { $0.path.hasPrefix(m.path) } } ?? false
            return ResolvedSource(set: set, urls: urls, origin: fromMirror ? "mirror" : "downloads")
        }
        let downloadable = entry.sources.filter { set in
            set.files.allSatisfy { localURL(for: $0) != nil || !($0.urls ?? []).isEmpty }
        }
        // Nothing to look for: where the images are and how the registry names them is the user's to supply.
        guard !entry.sources.isEmpty else {
            throw DataError.notAvailableOffline(dataset: entry.name, detail: "an import-only dataset: the registry records no "
                + "files to fetch; \(obtainHint(entry))")
        }
        let mirrorNote = (mirror.map { "the mirror \($0.path) has no copy" } ?? (mirrorTurnedOff ? "the mirror is off (--no-mirror)" : "no mirror given (--mirror or JULE_MIRROR)"))
            + "; " + lookedFor(entry)
        guard let set = downloadable.first else {
            throw DataError.notAvailableOffline(dataset: entry.name, detail: "\(mirrorNote), and no downloadable source is recorded; \(obtainHint(entry))")
        }
        guard allowNetwork else {
            throw DataError.notAvailableOffline(dataset: entry.name, detail: "\(mirrorNote), and network use is off")
        }
        var urls: [URL] = []
        for file in set.files {
            if let local = localURL(for: file) { urls.append(local); continue }
            let destination = downloadsDirectory.appendingPathComponent(file.path)
            var lastError: Error? = nil
            for candidate in file.urls ?? [] {
                guard let remote = URL(string: candidate) else { continue }
                do {
                    try Downloader.download(remote, to: destination, label: entry.name, progress: progress(entry.name))
                    lastError = nil
                    break
                } catch {
                    lastError = error
                }
            }
            if let lastError {
                if case let DataError.notAvailableOffline(_, detail) = lastError {
                    throw DataError.notAvailableOffline(dataset: entry.name, detail: "\(mirrorNote); \(detail)")
                }
                throw lastError
            }
            urls.append(destination)
        }
        return ResolvedSource(set: set, urls: urls, origin: "download")
    }

    /// What was looked for and not found, per source set: each missing file's path relative to the mirror and to
    /// `<cache>/downloads/`, and what is there instead (a folder, a dangling link); notes a mirror one level too deep.
    func lookedFor(_ entry: DatasetEntry) -> String {
        let places = (mirror.map { ["\($0.path)/"] } ?? []) + ["\(downloadsDirectory.path)/"]
        let sets = entry.sources.map { set -> String in
            let missing = set.files.filter { localURL(for: $0) == nil }.map { file -> String in
                let states = places.map { place -> String in
                    let url = URL(fileURLWithPath: place + file.path)
                    var isDirectory: ObjCBool = false
                    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
                        return isDirectory.boolValue ? "a folder, not a file" : "a file, not a folder"
                    }
                    return (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) != nil ? "a dangling link" : "missing"
                }
                let state = Set(states).count == 1 ? states[0] : zip(places, states).map { "\($1) in \($0)" }.joined(separator: ", ")
                return "\(file.path) (\(state))"
            }
            return missing.joined(separator: ", ")
        }.filter { !$0.isEmpty }
        var text = "looked for \(sets.joined(separator: "; or ")) in \(places.joined(separator: " and "))"
        if let mirror, let first = entry.sources.first?.files.first, let top = first.path.split(separator: "/").first,
           String(top) == mirror.lastPathComponent, first.path.contains("/"),
           FileManager.default.fileExists(atPath: mirror.appendingPathComponent(String(first.path.dropFirst(top.count + 1))).path) {
            text += " (the mirror looks one level too deep: give \(mirror.deletingLastPathComponent().path))"
        }
        return text
    }

    /// How to get a dataset that has no downloadable source. One with sources of its own (USPS, UMist, CMU-PIE) comes
    /// only from a mirror or `<cache>/downloads/`: importing over its name is refused (`checkImportName`). One with
    /// none (FRGC, ImageNet-10, …) is imported.
    func obtainHint(_ entry: DatasetEntry) -> String {
        let homepage = entry.homepage.map { " (from \($0))" } ?? ""
        guard let set = entry.sources.first else {
            return "obtain it\(homepage) and run: jule data import \(entry.name) --from PATH"
        }
        let files = set.files.map(\.path).joined(separator: ", ")
        return "put \(files)\(homepage) into a mirror folder given by --mirror DIR or JULE_MIRROR, or under \(downloadsDirectory.path)/"
    }

    func progress(_ name: String) -> ProgressReporter? {
        quiet ? nil : ProgressReporter(label: name)
    }

    // MARK: Verification and decoding

    /// Reads a single source file and checks its size and digest against the registry before anything decodes it.
    static func readVerified(_ file: SourceFile, at url: URL, dataset: String) throws -> Data {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataError.io(file: url.path, reason: "cannot read (\(FileErrorText.cause(error)))")
        }
        // The size first, as `verifyFile` does: a truncated file says so instead of showing a digest mismatch.
        if let bytes = file.bytes, bytes != data.count {
            throw DataError.wrongSize(file: url.path, size: data.count, expected: bytes)
        }
        if let sha256 = file.sha256 {
            let actual = Digest.sha256(data)
            guard actual == sha256 else {
                throw DataError.checksumMismatch(dataset: dataset, file: url.path, algorithm: "sha256", expected: sha256, actual: actual)
            }
        } else if let md5 = file.md5 {
            let actual = Digest.hex(.md5, of: data)
            guard actual == md5 else {
                throw DataError.checksumMismatch(dataset: dataset, file: url.path, algorithm: "md5", expected: md5, actual: actual)
            }
        }
        return data
    }

    private func decode(_ entry: DatasetEntry, _ resolved: ResolvedSource) throws -> Dataset {
        let set = resolved.set
        let reporter = progress(entry.name)
        reporter?.note("decoding \(set.id) (\(set.decoder)) from \(resolved.origin)")
        let files = Array(zip(set.files, resolved.urls))
        func single(_ role: String) throws -> (SourceFile, URL) {
            guard let match = files.first(where: { $0.0.role == role }) else {
                throw DataError.invalidRequest("\(entry.name): source '\(set.id)' lists no '\(role)' file")
            }
            return match
        }
        let decoded: DecodedImages
        switch set.decoder {
        case "idx":
            let images = try files.filter { $0.0.role == "images" }.map { ($1.path, try Self.readVerified($0, at: $1, dataset: entry.name)) }
            let labels = try files.filter { $0.0.role == "labels" }.map { ($1.path, try Self.readVerified($0, at: $1, dataset: entry.name)) }
            guard images.count == labels.count, !images.isEmpty else {
                throw DataError.invalidRequest("\(entry.name): source '\(set.id)' needs matching 'images' and 'labels' files")
            }
            decoded = try IDXDecoder.decode(images: images.map { (name: $0.0, bytes: $0.1) },
                                            labels: labels.map { (name: $0.0, bytes: $0.1) })
        case "mat":
            let (file, url) = try single("mat")
            decoded = try MATDecoder.decode(try Self.readVerified(file, at: url, dataset: entry.name),
                                            parameters: set.parameters, file: url.path)
        case "png-folder":
            let (file, url) = try single("folder")
            decoded = try FolderImageDecoder.decode(folder: url, file: file, parameters: set.parameters, mirror: mirror,
                                                    dataset: entry.name, expectedCount: set.count ?? entry.count, progress: reporter)
        default:
            decoded = try ArchiveDecoders.decode(set: set, files: files, dataset: entry.name, mirror: mirror, progress: reporter)
        }
        let dataset = decoded.dataset(named: entry.name)
        try checkExpectations(entry, set, dataset, file: resolved.urls.first?.path ?? entry.name)
        return dataset
    }

    /// The decoded data must have the count, classes and shape the registry states for this source.
    private func checkExpectations(_ entry: DatasetEntry, _ set: SourceSet, _ dataset: Dataset, file: String) throws {
        let count = set.count ?? entry.count
        let classes = set.classes ?? entry.classes
        let shape = set.shape ?? entry.shape
        guard dataset.count == count else {
            throw DataError.unexpectedContent(dataset: entry.name, reason: "\(dataset.count) images decoded from \(file), registry expects \(count)")
        }
        guard dataset.classCount == classes, dataset.countsPerClass.count == classes else {
            throw DataError.unexpectedContent(dataset: entry.name, reason: "labels span \(dataset.classCount) classes (max id \(dataset.countsPerClass.count - 1)), registry expects 0..<\(classes)")
        }
        guard [dataset.channels, dataset.height, dataset.width] == shape else {
            throw DataError.unexpectedContent(dataset: entry.name, reason: "images are \(dataset.channels)x\(dataset.height)x\(dataset.width), registry expects \(shape.map(String.init).joined(separator: "x"))")
        }
    }
}
