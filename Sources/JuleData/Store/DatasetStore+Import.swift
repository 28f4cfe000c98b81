import Foundation

/// `jule data import`: a user's own dataset decoded into the cache. Formats:
///
/// - an image folder (class sub-folders, or none, or one folder holding them) or an image archive (.zip, .tar,
///   .tar.gz/.tgz, .tar.bz2, .tar.xz) of PNG/JPEG files;
/// - an `.h5` in JULE's layout (`data` N×C×H×W, `labels` N);
/// - MNIST-style IDX files, raw or gzip: images (N×H×W, or N×H×W×C) plus a labels file (`labels`, or found beside
///   the images by the MNIST naming, `…-images-idx3-ubyte` → `…-labels-idx1-ubyte`);
/// - NumPy: an `.npz` (arrays chosen by `imagesKey`/`labelsKey`, else by name — images/x/data/X, labels/y/targets/Y —
///   else by shape) or an `.npy` of images with an `.npy` of labels (`labels`, or beside it: its name's partner, else `labels.npy` or
///   `y.npy`, `npyLabels`).
///
/// Without labels (or with `unlabelled`), every image gets label 0: the dataset is unlabelled, so runs on it give
/// clusters and embeddings but no metrics. Grey images stay one channel unless `channels` asks for 3 (an image tree
/// is grey when every pixel of every image has R = G = B).
///
/// A registry name without a source of its own (FRGC, YTF, ImageNet-10, …) is checked against the registry's shape
/// (image trees are resized to it), image count and class count; a registry name with one (USPS, MNIST-test, …) is refused (`checkImportName`); a
/// new name is registered in `<cache>/imported.json` with the shape found, its network (the design rule unless
/// `network` names a preset), η of its family (0.2 faces, 0.9 others), 20 epochs per period and no claims. Image
/// trees keep each image's file name (`Dataset.names`).
extension DatasetStore {
    /// Source id recorded in the cache stamp of imported datasets.
    public static let importSource = "import"

    /// What `importDataset` may be told besides the path.
    public struct ImportOptions: Sendable {
        /// Labels file for IDX or `.npy` images.
        public var labels: URL?
        /// 1 or 3; nil keeps what the files hold (grey images stay 1 channel).
        public var channels: Int?
        /// Resize image trees to this size, both or neither (default: the most common size among the images).
        public var height: Int?
        public var width: Int?
        /// Network preset name or "design-rule" for a new name (the caller checks it against the presets).
        public var network: String?
        /// η for a new name: 0.2 for faces, 0.9 otherwise (§8.4).
        public var faces: Bool
        /// `.npz` member names of the images and labels arrays.
        public var imagesKey: String?
        public var labelsKey: String?
        /// Ignore any labels: an unlabelled dataset.
        public var unlabelled: Bool
        /// Image folders and archives: leave out files that cannot be decoded (named in a warning) instead of failing.
        public var skipUnreadable: Bool

        public init(labels: URL? = nil, channels: Int? = nil, height: Int? = nil, width: Int? = nil,
                    network: String? = nil, faces: Bool = false, imagesKey: String? = nil, labelsKey: String? = nil,
                    unlabelled: Bool = false, skipUnreadable: Bool = false) {
            self.labels = labels; self.channels = channels; self.height = height; self.width = width
            self.network = network; self.faces = faces; self.imagesKey = imagesKey; self.labelsKey = labelsKey
            self.unlabelled = unlabelled; self.skipUnreadable = skipUnreadable
        }

        /// Why a resize size cannot be used: one side without the other (the other would silently come from the
        /// images, giving a non-square size nobody asked for). Nil when both or neither are given.
        /// The largest --height or --width an import resizes to.
        public static let maximumSide = 1024

        public static func sizeProblem(height: Int?, width: Int?) -> String? {
            switch (height, width) {
            case let (height?, nil): return "--height \(height) without --width: give both, or neither for the most common size"
            case let (nil, width?): return "--width \(width) without --height: give both, or neither for the most common size"
            case let (height?, width?) where !(1...maximumSide).contains(height) || !(1...maximumSide).contains(width):
                // A typo such as 100000 would otherwise end in a failed allocation (a trap), not an error line.
                return "--height \(height) --width \(width): each must be in 1…\(maximumSide) (JULE's networks take small images)"
            default: return nil
            }
        }
    }

    /// `<cache>/imported.json`: the registry of user-imported datasets.
    public var importedRegistryURL: URL { cacheDirectory.appendingPathComponent("imported.json") }

    /// Entries imported by the user (empty when there are none).
    public func importedEntries() throws -> [DatasetEntry] {
        guard FileManager.default.fileExists(atPath: importedRegistryURL.path) else { return [] }
        // Builds before 2026-12-03 left a registry of no datasets behind when the last import was removed (a
        // registry file must hold one): that is no imports, not an invalid cache.
        if let data = try? Data(contentsOf: importedRegistryURL),
           let file = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
           let datasets = file["datasets"] as? [Any], datasets.isEmpty {
            return []
        }
        return try DatasetRegistry.load(from: importedRegistryURL).datasets
    }

    /// The registry's entries followed by the imported ones.
    public func allEntries() throws -> [DatasetEntry] {
        let registered = Set(registry.datasets.map { $0.name.lowercased() })
        return registry.datasets + (try importedEntries()).filter { !registered.contains($0.name.lowercased()) }
    }

    /// The registry plus the imported datasets, as one registry: what every command looks dataset names up in.
    public func combinedRegistry() throws -> DatasetRegistry {
        try DatasetRegistry(datasets: allEntries(), url: registry.url)
    }

    /// An entry of the registry or of the imported datasets, by case-insensitive name; a name in both is an error
    /// (`importConflict`), not silently the registry's.
    public func entry(named name: String) throws -> DatasetEntry {
        if let conflict = importConflict(name) { throw conflict }
        if let entry = try? registry.entry(named: name) { return entry }
        if let entry = try importedEntries().first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) {
            return entry
        }
        let absent = FileManager.default.fileExists(atPath: cacheDirectory.path) ? nil : cacheDirectory.path
        throw DataError.unknownDataset(name: name, known: try allEntries().map(\.name), absentCache: absent)
    }

    /// Why `name` is ambiguous, or nil: a registry dataset and an import in `imported.json` share it (the registry
    /// gained the name after the import, or another registry is in use). Taking the registry's would let `fetch`
    /// overwrite the import's cache with other data, and runs record the import's digest under the registry's name.
    public func importConflict(_ name: String) -> DataError? {
        guard let registered = try? registry.entry(named: name),
              // An unreadable imported.json is reported where imports are used; here it must not block registry names.
              let imported = (try? importedEntries())?.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) else {
            return nil
        }
        let origin = imported.importedFrom ?? "PATH"
        let registryFile = registry.url.map { " (\($0.path))" } ?? ""
        return .invalidRequest("\(registered.name) is both a registry dataset\(registryFile) and a dataset imported from \(origin) (\(importedRegistryURL.path)); nothing is read or overwritten. Drop the import with: jule data remove \(imported.name) (to keep it, first: jule data import my-\(registered.name) --from \(origin))")
    }

    /// Decodes `path` into the cache as dataset `name` (folder/archive image size: `channels`, `height`, `width`).
    @discardableResult
    public func importDataset(_ name: String, from path: URL, channels: Int? = nil, height: Int? = nil,
                              width: Int? = nil) throws -> FetchOutcome {
        try importDataset(name, from: path, options: ImportOptions(channels: channels, height: height, width: width))
    }

    /// Refuses a name `importDataset` would not take: one that is not letters, digits, '-', '_' or '.', or the name of
    /// a registry dataset that has a source of its own (fetched from the mirror or its URL): an import under it would
    /// replace the paper's data under the paper's name, and `jule train` would set the user's scores beside the
    /// paper's claims. Import-only registry names (FRGC, YTF, …) and the user's own names (imported.json) pass.
    ///
    /// Dataset names are compared without letter case everywhere (`entry(named:)`, the registry's duplicate check), so
    /// an import spelled otherwise than an existing dataset (`NOISE` beside `noise`, `frgc` for `FRGC`) is refused: it
    /// would replace that dataset's entry while its cache file, named in the other spelling, stayed behind.
    public func checkImportName(_ name: String) throws {
        if let problem = Self.importNameProblem(name) { throw DataError.invalidRequest(problem) }
        let entry = try? registry.entry(named: name)
        if let entry, !entry.sources.isEmpty {
            throw DataError.invalidRequest("\(entry.name) is a registry dataset with its own source (jule data fetch \(entry.name)); import your images under another name, e.g. jule data import my-\(entry.name) --from PATH")
        }
        let registered = entry.map { ("the registry dataset", $0.name) }
        let imported = try importedEntries().first { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map { ("the imported dataset", $0.name) }
        if let clash = registered ?? imported, clash.1 != name {
            let (kind, existing) = clash
            throw DataError.invalidRequest("dataset name '\(name)' differs only in letter case from \(kind) '\(existing)' (names are compared without case): import under '\(existing)' to replace it, or choose another name")
        }
    }

    /// Why `dataset` is not the registry's `registered` dataset by its counts, or nil: under a registry name it is
    /// shown, trained and judged against the paper's claims as that dataset, so its image and class counts must be the
    /// registry's (a subset, or other images of one shape, go under a name of their own).
    static func countProblem(of dataset: Dataset, registered: DatasetEntry) -> String? {
        guard dataset.count != registered.count || dataset.classCount != registered.classes else { return nil }
        return "\(dataset.count) images in \(dataset.classCount) classes, but the registry's \(registered.name) (the paper's "
            + "data, judged against its claims) has \(registered.count) in \(registered.classes)"
    }

    /// The longest import name, in UTF-8 bytes. The name makes file names: `NAME.h5`, its temporary
    /// `.NAME.h5.<uuid>.p<pid>.tmp` (54 bytes more) and run folders (`NAME-s<seed>-<id>.replaced-<run id>`), each
    /// within the file system's 255 bytes.
    public static let maximumNameBytes = 128

    /// Why `name` cannot name an import, or nil. Names become cache file names (`NAME.h5`), so a leading '.' would
    /// hide the file and '.' or '..' alone are folder names; those look like a path given where the name goes, so the
    /// message shows where the path goes.
    static func importNameProblem(_ name: String) -> String? {
        let allowed = "use letters, digits, '-', '_' or '.'"
        if name.isEmpty { return "dataset name is empty: \(allowed)" }
        let pathLike = name == "." || name == ".." || name.contains("/")
        let usage = "; the name comes first and the folder after --from, e.g. jule data import shapes --from \(name)"
        if let bad = name.first(where: { !($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
            return "dataset name '\(name)': '\(bad)' is not allowed (\(allowed))" + (pathLike ? usage : "")
        }
        if name.hasPrefix(".") {
            return "dataset name '\(name)': must not start with '.' (its cache file would be hidden)" + (pathLike ? usage : "")
        }
        if name.utf8.count > maximumNameBytes {
            return "dataset name '\(name.prefix(20))…' is \(name.utf8.count) bytes long, at most \(maximumNameBytes) (it names the cache file and run folders)"
        }
        return nil
    }

    /// Decodes `path` into the cache as dataset `name`. Warnings (e.g. a single class) go to the progress output and
    /// to `onWarning`, notes (how the labels were read) to the progress output and `onNote`; `checkShape` sees the
    /// decoded [C, H, W] before anything is written (the caller checks that `options.network` fits it) and throws to
    /// refuse the import.
    @discardableResult
    public func importDataset(_ name: String, from path: URL, options: ImportOptions,
                              onWarning: (String) -> Void = { _ in },
                              onNote: (String) -> Void = { _ in },
                              checkShape: ([Int]) throws -> Void = { _ in }) throws -> FetchOutcome {
        try checkImportName(name)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
            throw DataError.io(file: path.path, reason: "no such file or folder")
        }
        if case .unreadable(let reason) = FileKind.of(path.path) { throw DataError.io(file: path.path, reason: reason) }
        if let problem = ImportOptions.sizeProblem(height: options.height, width: options.width) {
            throw DataError.invalidRequest(problem)
        }
        if let labels = options.labels, !FileManager.default.fileExists(atPath: labels.path) {
            throw DataError.io(file: labels.path, reason: "no such labels file")
        }
        try ensureWritableCache()
        removeStaleTemporaries(for: name)
        let registered = try? registry.entry(named: name)
        let canonicalName = registered?.name ?? name
        let reporter = progress(canonicalName)
        func warn(_ message: String) {
            onWarning(message)
            reporter?.warn(message)
        }
        var decoded = try decode(path, isDirectory: isDirectory.boolValue, options: options,
                                 registeredShape: registered?.shape, reporter: reporter)
        if let wrapper = decoded.wrapper, !options.unlabelled {
            let note = "every image is under \(wrapper): its sub-folders are the classes"
            onNote(note)
            reporter?.note(note)
        }
        if !decoded.cycles.isEmpty {
            let listed = decoded.cycles.prefix(3).joined(separator: ", ") + (decoded.cycles.count > 3 ? ", …" : "")
            let links = decoded.cycles.count == 1 ? "1 link that leads" : "\(decoded.cycles.count) links that lead"
            warn("did not follow \(links) back to a folder above (a cycle): \(listed)")
        }
        if let ignored = decoded.ignored { warn("ignored \(ignored): import reads .png, .jpg and .jpeg") }
        if let repeated = decoded.repeated { warn(repeated) }
        decoded.traps.forEach(warn)
        if !decoded.images.skipped.isEmpty {
            let listed = decoded.images.skipped.prefix(5).joined(separator: "; ") + (decoded.images.skipped.count > 5 ? "; …" : "")
            warn("left out \(decoded.images.skipped.count) file\(decoded.images.skipped.count == 1 ? "" : "s") that cannot be decoded: \(listed)")
        }
        if options.unlabelled {
            decoded.images.labels = [Int32](repeating: 0, count: decoded.images.count)
            decoded.images.classNames = nil
        }
        // Channels: grey images (R = G = B everywhere) become one channel unless 3 are asked for; an explicit
        // --channels converts (grey replicated, colour to luma). Image trees were decoded at the right count already.
        switch (registered?.shape[0] ?? options.channels, decoded.images.channels) {
        case (1?, 3): decoded.images = decoded.images.grey()
        case (nil, 3):
            // One pass finds the colour images: none makes the set grey, a few are named.
            let colour = decoded.images.colourImages
            if colour.isEmpty { decoded.images = decoded.images.grey() }
            else if let note = decoded.images.mixedColourNote(colour: colour) { warn(note) }
        case (3?, 1): decoded.images = decoded.images.colour()
        default: break
        }
        let dataset = decoded.images.dataset(named: canonicalName, withNames: true)
        if let registered {
            guard registered.shape == [dataset.channels, dataset.height, dataset.width] else {
                throw DataError.unexpectedContent(dataset: canonicalName, reason: "\(path.path) holds \(dataset.channels)x\(dataset.height)x\(dataset.width) images, registry expects \(registered.shape.map(String.init).joined(separator: "x"))")
            }
            if let problem = Self.countProblem(of: dataset, registered: registered) {
                throw DataError.unexpectedContent(dataset: canonicalName, reason: "\(path.path) holds \(problem); import them "
                    + "under another name, e.g. jule data import my-\(canonicalName) --from \(path.path)")
            }
        }
        guard dataset.count >= 2 else {
            throw DataError.unexpectedContent(dataset: canonicalName, reason: "\(path.path) holds \(dataset.count) image; clustering needs at least 2")
        }
        if registered == nil { try checkShape([dataset.channels, dataset.height, dataset.width]) }
        if let message = Self.resizeNote(decoded.images, origin: decoded.sizeOrigin) { warn(message) }
        if registered == nil, let message = Self.largeSizeNote(height: dataset.height, width: dataset.width,
                                                                imageTree: decoded.decoder == "image-tree", asked: options.height != nil) {
            warn(message)
        }
        if dataset.classCount == 1 && !options.unlabelled {
            // Say which it was: no labels were found at all, or labels that are all the same.
            let why = decoded.noLabels ?? "all \(dataset.count) images have one label"
            warn("\(why): imported as unlabelled (clusters and embeddings, no metrics); give n* with --clusters K when training")
        }
        let stamp = CacheStamp(name: canonicalName, source: Self.importSource, decoder: decoded.decoder,
                               decoderVersion: Self.decoderVersion, sourceDigests: decoded.digests)
        let url = cacheURL(for: canonicalName)
        let labelled = dataset.classCount > 1
        let classNames = labelled ? decoded.images.classNames.flatMap { $0.count == dataset.classCount ? $0 : nil } : nil
        try DatasetCache.write(dataset, stamp: stamp, to: url, classNames: classNames)
        if registered == nil {
            let entry = DatasetEntry(
                name: canonicalName, description: DatasetEntry.importedPrefix + path.path, classes: dataset.classCount,
                count: dataset.count, shape: [dataset.channels, dataset.height, dataset.width],
                network: options.network ?? "design-rule", eta: options.faces ? 0.2 : 0.9, epochsPerPeriod: 20,
                claims: [], homepage: nil, sources: [],
                labelMapping: labelled ? Self.labelMappingText(decoder: decoded.decoder, classes: dataset.classCount) : "none (unlabelled)",
                protocolNotes: [DatasetEntry.importNote], deviations: [],
                classNames: classNames)
            try updateImportedEntries { $0.filter { $0.name.caseInsensitiveCompare(canonicalName) != .orderedSame } + [entry] }
        }
        return FetchOutcome(dataset: dataset, action: .built(source: Self.importSource, origin: path.path, replaced: nil), cacheURL: url)
    }

    /// How an import numbered its classes, as `jule data info` shows it ("labels: …").
    static func labelMappingText(decoder: String, classes: Int) -> String {
        decoder == "image-tree"
            ? "class folders in the import's order (numeric names by value) → 0…\(classes - 1)"
            : "distinct label values in ascending order → 0…\(classes - 1)"
    }

    // MARK: Formats

    private struct Imported {
        var images: DecodedImages
        var decoder: String
        var digests: [String]
        /// Where an image tree's size came from, for the note on resized images ("the most common size", …).
        var sizeOrigin: String? = nil
        /// An image tree's files of other types ("3 files of unsupported types (.bmp 2, .webp 1)").
        var ignored: String? = nil
        /// Why there are no labels, when none were found ("no labels file beside …"); nil when labels were read.
        var noLabels: String? = nil
        /// An image tree's wrapper folder ("shapes/"), whose sub-folders became the classes (`Listing.unwrapped`).
        var wrapper: String? = nil
        /// Links to folders not followed because they lead back to a folder above them.
        var cycles: [String] = []
        /// An archive's repeated member names (`Listing.repeatedSummary`).
        var repeated: String? = nil
        /// Layouts that import, but likely not as meant (`ImageTreeDecoder+Traps`, far-off sizes, EXIF orientation).
        var traps: [String] = []
    }

    private static let archiveSuffixes = [".zip", ".tar", ".tgz", ".tar.gz", ".tar.bz2", ".tar.xz"]
    /// Files only a registry entry's decoder reads (`mat`, `cifar-binary`, `stl10-binary`): the refusal says so.
    private static let registryOnlySuffixes = [".mat", ".bin"]

    private func decode(_ path: URL, isDirectory: Bool, options: ImportOptions, registeredShape: [Int]?,
                        reporter: ProgressReporter?) throws -> Imported {
        let lowercased = path.lastPathComponent.lowercased()
        func digest(_ url: URL) throws -> String { "\(url.path)  sha256:" + (try Digest.hex(.sha256, ofFile: url)) }
        func rejectLabels(_ format: String) throws {
            if options.labels != nil { throw DataError.invalidRequest("--labels goes with IDX and .npy images, not \(format)") }
        }
        if isDirectory || Self.archiveSuffixes.contains(where: { lowercased.hasSuffix($0) }) {
            try rejectLabels("an image folder or archive (class sub-folders are the labels)")
            return try decodeImageTree(path, isDirectory: isDirectory, options: options, registeredShape: registeredShape,
                                       reporter: reporter)
        }
        if lowercased.hasSuffix(".h5") || lowercased.hasSuffix(".hdf5") {
            try rejectLabels(".h5 files (labels are its 'labels' dataset)")
            return Imported(images: try JULEH5Decoder.decode(at: path), decoder: "jule-h5", digests: [try digest(path)])
        }
        if lowercased.hasSuffix(".npz") {
            try rejectLabels(".npz files (use --labels-key)")
            let arrays = try NPYDecoder.parseArchive(at: path)
            let imagesKey = try Self.pick(options.imagesKey, among: arrays, names: ["images", "x", "data", "X", "x_train", "arr_0"],
                                          role: "images", file: path) { $0.shape.count >= 3 }
            let candidates = arrays.filter { $0.key != imagesKey }
            let count = arrays[imagesKey]?.shape.first ?? 0
            let labelsKey = options.unlabelled ? nil : try Self.pickOptional(
                options.labelsKey, among: candidates, names: ["labels", "y", "targets", "Y", "y_train", "arr_1"],
                file: path) { $0.count == count && $0.shape.count <= 2 }
            let images = try Self.images(arrays[imagesKey]!, labels: labelsKey.flatMap { arrays[$0] },
                                         file: "\(path.path):\(imagesKey).npy", labelsFile: "\(path.path):\(labelsKey ?? "").npy")
            return Imported(images: images, decoder: "npz", digests: [try digest(path)],
                            noLabels: labelsKey == nil ? "no labels found in \(path.lastPathComponent) (--labels-key names the array)" : nil)
        }
        if lowercased.hasSuffix(".npy") {
            let labels = options.unlabelled ? nil : try options.labels ?? Self.npyLabels(beside: path)
            if let labels, !labels.lastPathComponent.lowercased().hasSuffix(".npy") {
                throw DataError.invalidRequest("\(labels.path): labels of .npy images must be an .npy file")
            }
            let imageArray = try NPYDecoder.parse(try Self.read(path), file: path.path)
            let labelArray = try labels.map { try NPYDecoder.parse(try Self.read($0), file: $0.path) }
            let images = try Self.images(imageArray, labels: labelArray, file: path.path, labelsFile: labels?.path ?? "")
            return Imported(images: images, decoder: "npy", digests: try ([path] + (labels.map { [$0] } ?? [])).map(digest),
                            noLabels: labels == nil ? "no labels found (no labels.npy or y.npy beside \(path.lastPathComponent); --labels FILE gives one)" : nil)
        }
        if IDXDecoder.looksLikeIDX(path) {
            let labels = options.unlabelled ? nil : options.labels ?? Self.sibling(of: path, [
                ("images-idx3", "labels-idx1"), ("images.idx3", "labels.idx1"), ("images", "labels")])
            let images = try IDXDecoder.decodeImport(images: path, labels: labels)
            return Imported(images: images, decoder: "idx", digests: try ([path] + (labels.map { [$0] } ?? [])).map(digest),
                            noLabels: labels == nil ? Self.noLabelsFile(beside: path) : nil)
        }
        throw DataError.invalidRequest("\(path.path): import reads an image folder or archive (.zip, .tar, .tar.gz or .tgz, .tar.bz2, .tar.xz), a JULE-layout .h5, MNIST-style IDX files (raw or .gz), or NumPy .npz / .npy"
            + (Self.registryOnlySuffixes.contains { lowercased.hasSuffix($0) }
               ? "; a .mat, CIFAR or STL-10 binary file is read through a registry entry and jule data fetch (README: Adding a dataset to the registry)" : ""))
    }

    private func decodeImageTree(_ path: URL, isDirectory: Bool, options: ImportOptions, registeredShape: [Int]?,
                                 reporter: ProgressReporter?) throws -> Imported {
        let (listing, wrapper) = (isDirectory ? try ImageTreeDecoder.listing(inFolder: path, pattern: nil)
                                              : try ImageTreeDecoder.listing(inArchive: path, pattern: nil)).unwrapped()
        guard !listing.items.isEmpty else {
            var others = listing.ignoredSummary.map { " (it holds \($0))" } ?? ""
            if listing.ignored.keys.contains(where: { Self.registryOnlySuffixes.contains("." + $0) }) {
                others += "; .mat, CIFAR and STL-10 binary files are read through a registry entry and jule data fetch "
                    + "(README: Adding a dataset to the registry)"
            }
            throw DataError.missingMember(container: path.path, member: "image files (.jpg, .jpeg, .png)\(others)")
        }
        if !options.unlabelled, let problem = listing.looseImagesProblem { throw problem }
        var traps = options.unlabelled ? [] : [listing.emptyClassFoldersWarning(wrapper: wrapper),
                                               listing.nestedClassesWarning(wrapper: wrapper, root: path.path)].compactMap { $0 }
        if let same = listing.sameFilesWarning(wrapper: wrapper) { traps.append(same) }
        let size: ImageSetDecoder.TargetSize, sizeOrigin: String
        if let shape = registeredShape {
            size = .fixed(ImageSize(height: shape[1], width: shape[2]))
            sizeOrigin = "the registry's size for this dataset"
        } else if let height = options.height, let width = options.width {
            size = .fixed(ImageSize(height: height, width: width))
            sizeOrigin = "as --height and --width ask"
        } else {
            size = .mostCommon
            sizeOrigin = Self.mostCommonOrigin
        }
        // Decoded in colour unless told otherwise; a tree of grey images then becomes one channel.
        let channels = registeredShape?[0] ?? options.channels
        var digest = ""
        var images = try ImageSetDecoder.decode(listing.items, channels: channels ?? 3, size: size,
                                                verify: { digest = "tree-sha256:" + FolderVerifier.treeDigest($0) },
                                                progress: reporter, skipUnreadable: options.skipUnreadable)
        if channels == nil, images.isGrey { images = images.grey() }
        if case .mostCommon = size, let far = Self.farSizeWarning(images) { traps.append(far) }
        if let note = images.orientationNote({ plural in
            "imported as stored, not turned as a viewer shows \(plural ? "them" : "it"); "
                + "to import them upright, rotate the pixels first (e.g. exiftran -ai, mogrify -auto-orient)"
        }) { traps.append(note) }
        let classFolders = listing.items.contains { $0.classKey != nil }
        return Imported(images: images, decoder: "image-tree", digests: ["\(path.path)  \(digest)"], sizeOrigin: sizeOrigin,
                        ignored: listing.ignoredSummary,
                        noLabels: classFolders ? nil : "no class folders in \(path.lastPathComponent) (no labels found)",
                        wrapper: wrapper, cycles: listing.cycles, repeated: listing.repeatedSummary, traps: traps)
    }

    // MARK: Helpers

    static func noLabelsFile(beside images: URL) -> String {
        "no labels found (no labels file beside \(images.lastPathComponent); --labels FILE gives one)"
    }

    /// Says how many images were resized, from which sizes (most frequent first, at most four), and why that size:
    /// "resized 24 of 300 images (height×width 48x48 ×20, 32x32 ×4) to 40x40, the most common size (…)": sizes are
    /// height × width throughout, as C×H×W is.
    static func resizeNote(_ images: DecodedImages, origin: String?) -> String? {
        let resized = images.resizedFrom.values.reduce(0, +)
        guard resized > 0 else { return nil }
        let sizes = images.resizedFrom.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        var found = sizes.prefix(4).map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        if sizes.count > 4 { found += ", \(sizes.count - 4) more sizes" }
        var origin = origin
        // "The most common size" is a choice only the item order made when another size has as many images.
        let kept = images.count - resized
        if origin == mostCommonOrigin, let tie = sizes.first(where: { $0.value == kept }) {
            origin = "the most common size, tied with \(tie.key) (\(kept) images each; the first file's size is taken, "
                + "--height and --width choose another)"
        }
        return "resized \(resized) of \(images.count) images (height×width \(found)) to \(images.height)x\(images.width)"
            + (origin.map { ", \($0)" } ?? "")
    }

    /// Why an image tree's size is what it is, when no size was asked for.
    static let mostCommonOrigin = "the most common size (--height and --width choose another)"

    /// When the most common size is far from some images' (one side scaled by `farSizeFactor` or more), or tiny
    /// (a side under `tinyImageSide`) while others differ: "the most common size, 1x1, shrinks 1 image (2000x3000)
    /// up to 3000-fold on a side: --height and --width choose the size, e.g. --height 64 --width 43". The suggestion
    /// scales the largest image to a long side of 64, as `largeSizeNote` does.
    static func farSizeWarning(_ images: DecodedImages) -> String? {
        let chosen = ImageSize(height: images.height, width: images.width)
        func factor(_ size: ImageSize) -> Double {
            let h = Double(size.height) / Double(chosen.height), w = Double(size.width) / Double(chosen.width)
            return max(h, 1 / h, w, 1 / w)
        }
        guard let farthest = images.resizedFrom.keys.max(by: { factor($0) < factor($1) }) else { return nil }
        let worst = factor(farthest)
        guard worst >= farSizeFactor || min(chosen.height, chosen.width) < tinyImageSide else { return nil }
        let far = images.resizedFrom.filter { factor($0.key) >= min(worst, farSizeFactor) }.values.reduce(0, +)
        let largest = ([chosen] + images.resizedFrom.keys).max { $0.height * $0.width < $1.height * $1.width } ?? chosen
        let scale = min(1, 64 / Double(max(largest.height, largest.width)))
        let h = max(1, Int((Double(largest.height) * scale).rounded())), w = max(1, Int((Double(largest.width) * scale).rounded()))
        let verb = farthest.height * farthest.width > chosen.height * chosen.width ? "shrinks" : "enlarges"
        let head = "the most common size, \(chosen), \(verb) \(far) image\(far == 1 ? "" : "s") (e.g. \(farthest)) up to "
            + String(format: "%.0f", worst) + "-fold on a side: "
        // A suggestion equal to the chosen size would be no advice, and neither is one that fits a few odd images
        // (one photo among thumbnails) by resizing all the others: the odd images are the ones to look at.
        let fewOdd = 2 * far < images.count && min(chosen.height, chosen.width) >= tinyImageSide
        guard !fewOdd, h != chosen.height || w != chosen.width else {
            return head + "check \(far == 1 ? "it" : "them") (not likely images of this set; remove \(far == 1 ? "it" : "them") or import as is)"
        }
        return head + "--height and --width choose the size, e.g. --height \(h) --width \(w)"
    }

    /// A side scaled by this factor or more makes the import warn (`farSizeWarning`); so does a side under `tinyImageSide`.
    static let farSizeFactor = 4.0
    static let tinyImageSide = 8

    /// Either side above this many pixels makes the import warn (`largeSizeNote`).
    static let largeImageSide = 128

    /// "images are 512x512 (the most common size): a training batch of 100 takes about 12.0 GiB …" with the way to
    /// make them smaller, for images above `largeImageSide` on either side; nil otherwise, and nil when
    /// `--height`/`--width` asked for that size (`asked`). Training keeps every block's maps of each image of a
    /// batch (100 by default) for the backward pass, so memory grows with height × width: about 490 bytes per pixel
    /// per image, from a run of the design-rule network on 512×512 images (3.6 GiB peak, batch of 30), so the figure
    /// is rough.
    static func largeSizeNote(height: Int, width: Int, imageTree: Bool, asked: Bool) -> String? {
        guard max(height, width) > largeImageSide, !asked else { return nil }
        let gibibytes = Double(100 * height * width * 490) / Double(1 << 30)
        // The suggestion keeps the aspect ratio with the long side at 64 (or 96), so it is always fewer pixels: a
        // fixed 64×64 would be 20 times a 1×200 image.
        func scaled(_ side: Int) -> String {
            let f = Double(side) / Double(max(height, width))
            let h = max(1, Int((Double(height) * f).rounded())), w = max(1, Int((Double(width) * f).rounded()))
            return "--height \(h) --width \(w)"
        }
        let square = height == width
        let smaller = imageTree ? "\(scaled(64)) (or \(square ? "96" : scaled(96))) makes the network smaller and training faster"
                                : "resize them before importing (--height and --width resize image folders and archives only)"
        return "images are \(height)x\(width)\(imageTree ? " (the most common size)" : ""): a training batch of 100 takes "
            + String(format: "about %.1f GiB", gibibytes) + " at this size; \(smaller)"
    }

    private static func read(_ url: URL) throws -> Data {
        do { return try Data(contentsOf: url) } catch {
            throw DataError.io(file: url.path, reason: "cannot read (\(FileErrorText.cause(error)))")
        }
    }

    /// Images (and labels, mapped by rank) from NumPy arrays.
    private static func images(_ images: NPYDecoder.Array, labels: NPYDecoder.Array?, file: String,
                               labelsFile: String) throws -> DecodedImages {
        let (n, c, h, w, pixels) = try NPYDecoder.images(images, file: file)
        var mapped = [Int32](repeating: 0, count: n)
        if let labels {
            mapped = try LabelMapping.apply("rank", to: try NPYDecoder.labelValues(labels, count: n, file: labelsFile), file: labelsFile)
        }
        return DecodedImages(count: n, channels: c, height: h, width: w, pixels: pixels, labels: mapped)
    }

    /// The `.npz` member for `role`: the one asked for, else the first of `names` present, else the only one that
    /// `fits`; anything else is an error listing the members.
    private static func pick(_ asked: String?, among arrays: [String: NPYDecoder.Array], names: [String], role: String,
                             file: URL, fits: (NPYDecoder.Array) -> Bool) throws -> String {
        let listing = arrays.keys.sorted().map { "\($0) \(arrays[$0]!.shape)" }.joined(separator: ", ")
        if let asked {
            guard arrays[asked] != nil else {
                throw DataError.missingMember(container: file.path, member: "array '\(asked)' (it holds: \(listing))")
            }
            return asked
        }
        if let named = names.first(where: { arrays[$0] != nil }) { return named }
        let fitting = arrays.keys.filter { fits(arrays[$0]!) }
        guard fitting.count == 1 else {
            throw DataError.invalidRequest("\(file.path): cannot tell which array holds the \(role) (it holds: \(listing)); name it with --\(role)-key")
        }
        return fitting[0]
    }

    private static func pickOptional(_ asked: String?, among arrays: [String: NPYDecoder.Array], names: [String],
                                     file: URL, fits: (NPYDecoder.Array) -> Bool) throws -> String? {
        if asked == nil && names.allSatisfy({ arrays[$0] == nil }) && arrays.values.filter(fits).count != 1 { return nil }
        return try pick(asked, among: arrays, names: names, role: "labels", file: file, fits: fits)
    }

    /// A file beside `url` whose name is `url`'s with one of the (from, to) replacements, when it exists.
    /// The labels of an `.npy` of images: the name's partner (`train_images.npy` → `train_labels.npy`, `x.npy` →
    /// `y.npy`), else `labels.npy` or `y.npy` in the same folder; both of those and no partner is ambiguous.
    static func npyLabels(beside images: URL) throws -> URL? {
        if let partner = sibling(of: images, [("images", "labels"), ("x", "y"), ("data", "labels"), ("X", "y")]) { return partner }
        let folder = images.deletingLastPathComponent()
        let found = ["labels.npy", "y.npy"].map { folder.appendingPathComponent($0) }
            .filter { $0.lastPathComponent != images.lastPathComponent && FileManager.default.fileExists(atPath: $0.path) }
        guard found.count < 2 else {
            throw DataError.invalidRequest("\(folder.path): both labels.npy and y.npy beside \(images.lastPathComponent); --labels FILE says which")
        }
        return found.first
    }

    private static func sibling(of url: URL, _ replacements: [(String, String)]) -> URL? {
        let name = url.lastPathComponent
        for (from, to) in replacements {
            guard let range = name.range(of: from) else { continue }
            let candidate = url.deletingLastPathComponent().appendingPathComponent(name.replacingCharacters(in: range, with: to))
            if candidate != url, FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}

extension DecodedImages {
    /// Whether every pixel of a 3-channel set has R = G = B (a grey image stored in colour).
    var isGrey: Bool {
        channels == 3 && !(0..<count).contains(where: isColour)
    }

    /// Whether image `i` of a 3-channel set differs between its channels anywhere.
    func isColour(image i: Int) -> Bool {
        let plane = height * width, base = i * 3 * plane
        return (base..<(base + plane)).contains { pixels[$0] != pixels[$0 + plane] || pixels[$0] != pixels[$0 + 2 * plane] }
    }

    /// The indices of a 3-channel set's colour images (empty for one channel).
    var colourImages: [Int] {
        channels == 3 ? (0..<count).filter(isColour) : []
    }

    /// For a 3-channel set of grey images with some in colour, one line saying so: a few colour images make the whole
    /// set three channels (the grey ones repeated), which a user who thinks of the data as grey should hear, with an
    /// example to find and the flag that makes every image grey. Nil when none or all are in colour.
    /// `colour` is `colourImages`, computed once by the caller.
    func mixedColourNote(colour: [Int]) -> String? {
        guard let first = colour.first, colour.count < count else { return nil }
        let example = names.map { " (e.g. \(MessageText.oneLine($0[first])))" } ?? " (e.g. the one at index \(first))"
        let which = colour.count == 1 ? "1 image is" : "\(colour.count) images are"
        return "\(which) in colour\(example), the other \(count - colour.count) grey: imported as 3 channels, the grey "
            + "images repeated in each; --channels 1 makes every image grey (luma)"
    }

    /// One channel: luma Y = (299 R + 587 G + 114 B) / 1000, rounded (exactly R for a grey image).
    func grey() -> DecodedImages {
        guard channels == 3 else { return self }
        let plane = height * width
        var grey = [UInt8](repeating: 0, count: count * plane)
        for i in 0..<count {
            let base = i * 3 * plane
            for p in 0..<plane {
                let y = 299 * Int(pixels[base + p]) + 587 * Int(pixels[base + plane + p]) + 114 * Int(pixels[base + 2 * plane + p])
                grey[i * plane + p] = UInt8((y + 500) / 1000)
            }
        }
        var copy = self   // everything else (labels, names, notes) stays
        copy.channels = 1
        copy.pixels = grey
        return copy
    }

    /// Three channels, each a copy of the grey one.
    func colour() -> DecodedImages {
        guard channels == 1 else { return self }
        let plane = height * width
        var rgb = [UInt8](repeating: 0, count: count * 3 * plane)
        for i in 0..<count {
            for c in 0..<3 { for p in 0..<plane { rgb[(i * 3 + c) * plane + p] = pixels[i * plane + p] } }
        }
        var copy = self
        copy.channels = 3
        copy.pixels = rgb
        return copy
    }
}

extension DatasetEntry {
    static let importedPrefix = "imported from "
    static let importNote = "user import"

    /// The path an imported dataset was read from (the import writes its description as "imported from PATH");
    /// nil for the registry's datasets.
    public var importedFrom: String? {
        guard protocolNotes.contains(Self.importNote), description.hasPrefix(Self.importedPrefix) else { return nil }
        return String(description.dropFirst(Self.importedPrefix.count))
    }
}
