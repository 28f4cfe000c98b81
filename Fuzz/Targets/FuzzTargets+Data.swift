import Foundation
@_spi(Fuzzing) import JuleData

/// Targets for the source-file decoders of `JuleData` (what `jule data fetch` and `jule data import` read).
extension FuzzTargets {
    static let dataTargets: [FuzzTarget] = [idx, mat, matZlib, npy, png, jpeg, cifar, stl10, archive, juleH5, cacheH5]

    /// MNIST IDX, raw or gzip: the input as an images file (rank 3) and as a labels file (rank 1); a `PAIR` input
    /// as an images/labels pair.
    static let idx = FuzzTarget(
        name: "idx", summary: "MNIST IDX files (raw or gzip), single files and images/labels pairs",
        maxLength: 4096, dictionary: ["\\x00\\x00\\x08\\x03", "\\x00\\x00\\x08\\x01", "\\x1f\\x8b\\x08\\x00", "PAIR"]
    ) { data in
        if let (images, labels) = FuzzInput.pair(data) {
            if let decoded = FuzzCheck.parse(file: "fuzz.idx", { try DataParsers.idxPair(images: images, labels: labels, file: "fuzz.idx") }) {
                FuzzCheck.expect(decoded.pixelCount == decoded.count * decoded.height * decoded.width, "IDX pixels match the shape")
                FuzzCheck.expect(decoded.labels.count == decoded.count, "one label per image")
            }
            return
        }
        for rank in [3, 1] {
            if let parsed = FuzzCheck.parse(file: "fuzz.idx", { try DataParsers.idx(data, rank: rank, file: "fuzz.idx") }) {
                FuzzCheck.expect(parsed.dimensions.count == rank, "rank \(rank)")
                FuzzCheck.expect(parsed.dimensions.reduce(1, *) == parsed.bytes, "data bytes match the dimensions")
            }
        }
        // The import path: any rank from the magic.
        if let parsed = FuzzCheck.parse(file: "fuzz.idx", { try DataParsers.idxAnyRank(data, file: "fuzz.idx") }) {
            FuzzCheck.expect(parsed.dimensions.reduce(1, *) == parsed.bytes, "data bytes match the dimensions")
        }
    }

    /// MATLAB v5 files as the `mat` decoder reads them for USPS (`fea`/`gnd`, samples in rows) and the
    /// `DAT`/`labels` copy (samples in columns), 4×4 images.
    static let mat = FuzzTarget(
        name: "mat", summary: "MATLAB v5 .mat files (compressed and not, either byte order) through MATFile and MATDecoder",
        maxLength: 8192, dictionary: ["IM", "MI", "MATLAB 5.0 MAT-file", "fea", "gnd", "DAT", "labels", "\\x0e\\x00\\x00\\x00", "\\x0f\\x00\\x00\\x00"]
    ) { data in
        decodeMAT(data, file: "fuzz.mat")
    }

    /// The inner part of a MAT file's compressed elements: the input is one miMATRIX element (or a `PAIR` of
    /// them), which the target compresses (zlib) into miCOMPRESSED elements of a MAT file, so that mutations reach
    /// the parser behind zlib.
    static let matZlib = FuzzTarget(
        name: "mat-zlib", summary: "MATLAB v5 miMATRIX elements inside miCOMPRESSED (the target compresses the input)",
        maxLength: 8192, dictionary: ["PAIR", "fea", "gnd", "DAT", "labels", "\\x0e\\x00\\x00\\x00", "\\x06\\x00\\x00\\x00\\x08\\x00\\x00\\x00"]
    ) { data in
        let elements = FuzzInput.pair(data).map { [$0.0, $0.1] } ?? [data]
        decodeMAT(FuzzFormats.matFile(elements: elements, compress: true), file: "fuzz-zlib.mat")
    }

    private static func decodeMAT(_ data: Data, file: String) {
        let layouts: [(images: String, labels: String, axis: Int, order: String, mapping: String)] = [
            ("fea", "gnd", 0, "rowMajor", "minusOne"), ("DAT", "labels", 1, "columnMajor", "mod10"),
        ]
        for layout in layouts {
            if let decoded = FuzzCheck.parse(file: file, {
                try DataParsers.mat(data, images: layout.images, labels: layout.labels, sampleAxis: layout.axis,
                                    pixelOrder: layout.order, height: 4, width: 4, labelMapping: layout.mapping, file: file)
            }) {
                FuzzCheck.expect(decoded.pixelCount == decoded.count * 16, "MAT pixels match 4x4 images")
                FuzzCheck.expect(decoded.labels.allSatisfy { $0 >= 0 }, "labels are 0-based")
            }
        }
    }

    /// NumPy `.npy` arrays and `.npz` archives (`jule data import`): parsed, then as images and as labels.
    static let npy = FuzzTarget(
        name: "npy", summary: "NumPy .npy arrays and .npz archives via NPYDecoder (jule data import), as images and labels",
        maxLength: 8192, dictionary: ["\\x93NUMPY", "'descr'", "'fortran_order'", "'shape'", "True", "False", "<u1", "<f4", ">i8", "|b1", "PK\\x03\\x04"]
    ) { data in
        let isZip = data.starts(with: [0x50, 0x4B])
        let url = isZip ? ScratchFile.write(data, named: "fuzz.npz") : nil
        if isZip && url == nil { return }
        let file = url?.path ?? "fuzz.npy"
        if let counts = FuzzCheck.parse(file: file, { try DataParsers.npy(data, file: file, archiveURL: url) }) {
            FuzzCheck.expect(counts.allSatisfy { $0 >= 0 }, "counts")
        }
    }

    /// PNG through libpng's simplified API, to grey and RGB, resized to 8×8 and made planar.
    static let png = FuzzTarget(
        name: "png", summary: "PNG images via PNGCodec (libpng), grey and RGB, then resize and planar",
        maxLength: 16384, dictionary: ["\\x89PNG\\x0d\\x0a\\x1a\\x0a", "IHDR", "IDAT", "IEND", "PLTE", "tRNS", "gAMA"]
    ) { data in
        decodeImage(data, file: "fuzz.png")
    }

    /// JPEG through TurboJPEG, to grey and RGB, resized to 8×8 and made planar.
    static let jpeg = FuzzTarget(
        name: "jpeg", summary: "JPEG images via JPEGCodec (TurboJPEG), grey and RGB, then resize and planar",
        maxLength: 16384, dictionary: ["\\xff\\xd8\\xff", "\\xff\\xc0", "\\xff\\xc2", "\\xff\\xc4", "\\xff\\xda", "\\xff\\xd9", "\\xff\\xdb"]
    ) { data in
        decodeImage(data, file: "fuzz.jpg")
    }

    private static func decodeImage(_ data: Data, file: String) {
        for channels in [1, 3] {
            data.withUnsafeBytes { bytes in
                if let image = FuzzCheck.parse(file: file, { try DataParsers.image(bytes, channels: channels, height: 8, width: 8, file: file) }) {
                    FuzzCheck.expect(image.pixels.count == channels * 64, "resized planar image is \(channels)x8x8")
                    FuzzCheck.expect(image.sourceHeight > 0 && image.sourceWidth > 0, "decoded image is not empty")
                }
            }
        }
    }

    /// CIFAR-10/100 record files; the first byte picks the record layout (1 or 2 label bytes, which one).
    static let cifar = FuzzTarget(
        name: "cifar", summary: "CIFAR-10/100 binary record files (1 or 2 label bytes)",
        maxLength: 8 * 3074, dictionary: []
    ) { data in
        guard let first = data.first else { return }
        let labelBytes = 1 + Int(first & 1)
        let labelIndex = Int(first >> 1 & 1) % labelBytes
        if let decoded = FuzzCheck.parse(file: "fuzz_batch.bin", {
            try DataParsers.cifar(data.dropFirst(), labelBytes: labelBytes, labelIndex: labelIndex, file: "fuzz_batch.bin")
        }) {
            FuzzCheck.expect(decoded.pixelCount == decoded.count * 3072, "CIFAR pixels match 3x32x32 images")
        }
    }

    /// STL-10 `*_X.bin` / `*_y.bin` pairs (`PAIR` input; a single file is taken as images with no labels).
    static let stl10 = FuzzTarget(
        name: "stl10", summary: "STL-10 binary image/label file pairs",
        maxLength: 4 * 27648 + 16, dictionary: ["PAIR"]
    ) { data in
        let (images, labels) = FuzzInput.pair(data) ?? (data, Data())
        if let decoded = FuzzCheck.parse(file: "fuzz", { try DataParsers.stl10(images: images, labels: labels, file: "fuzz") }) {
            FuzzCheck.expect(decoded.pixelCount == decoded.count * 27648, "STL pixels match 3x96x96 images")
            FuzzCheck.expect(decoded.labels.allSatisfy { (0..<10).contains($0) }, "labels 0..9")
        }
    }

    /// Archives through libarchive (zip, tar, tar.gz, …): every member read, then as an image-tree archive.
    static let archive = FuzzTarget(
        name: "archive", summary: "zip / tar / tar.gz archives via ArchiveReader (libarchive), then as an image-tree import",
        maxLength: 32768, dictionary: ["PK\\x03\\x04", "PK\\x01\\x02", "PK\\x05\\x06", "ustar", "\\x1f\\x8b\\x08", ".png", ".jpg", "a/"]
    ) { data in
        guard let url = ScratchFile.write(data, named: "fuzz.archive") else { return }
        if let members = FuzzCheck.parse(file: url.path, { try DataParsers.archiveMembers(at: url) }) {
            FuzzCheck.expect(members.allSatisfy { $0.bytes >= 0 }, "member sizes")
            if let decoded = FuzzCheck.parse(file: url.path, { try DataParsers.imageArchive(at: url, channels: 1, height: 4, width: 4) }) {
                FuzzCheck.expect(decoded.pixelCount == decoded.count * 16, "image-tree pixels match 1x4x4")
            }
        }
    }

    /// JULE's `data4torch.h5` (the `jule-h5` decoder and `jule data import … --from x.h5`), from the input written
    /// to a file.
    static let juleH5 = FuzzTarget(
        name: "jule-h5", summary: "JULE's data4torch.h5 (HDF5 via libhdf5) through JULEH5Decoder",
        maxLength: 16384, dictionary: ["\\x89HDF\\x0d\\x0a\\x1a\\x0a", "data", "labels", "TREE", "HEAP", "SNOD", "OHDR"]
    ) { data in
        guard let url = ScratchFile.write(data, named: "fuzz-data4torch.h5") else { return }
        if let decoded = FuzzCheck.parse(file: url.path, { try DataParsers.juleH5(at: url) }) {
            FuzzCheck.expect(decoded.pixelCount == decoded.count * decoded.channels * decoded.height * decoded.width,
                             "JULE h5 pixels match the shape")
        }
    }

    /// The dataset cache (`<cache>/<NAME>.h5`) as `jule data fetch` and `verify` read it: stamp, then arrays and
    /// content digest.
    static let cacheH5 = FuzzTarget(
        name: "cache-h5", summary: "the dataset cache (HDF5) via DatasetCache.readStamp and DatasetCache.read",
        maxLength: 16384, dictionary: ["\\x89HDF\\x0d\\x0a\\x1a\\x0a", "jule-dataset-cache", "formatVersion", "contentSHA256", "data", "labels"]
    ) { data in
        guard let url = ScratchFile.write(data, named: "fuzz-cache.h5") else { return }
        _ = FuzzCheck.parse(file: url.path) { try DatasetCache.readStamp(at: url) }
        if let (dataset, _) = FuzzCheck.parse(file: url.path, { try DatasetCache.read(at: url) }) {
            FuzzCheck.expect(dataset.labels.count == dataset.count, "one label per image")
            _ = dataset.countsPerClass
        }
    }
}
