import Foundation

/// The data layer's parsers as the fuzz targets (`Fuzz/`) and their regression tests call them: every internal
/// decoder reachable from bytes or a file, with the parameters a registry entry would give it. Not API: visible
/// only to `@_spi(Fuzzing) import JuleData`, so the decoders themselves stay internal.
@_spi(Fuzzing)
public enum DataParsers {
    /// `IDXDecoder.parse`: one IDX file (raw or gzip) of the given rank; dimensions and data bytes.
    public static func idx(_ data: Data, rank: Int, file: String) throws -> (dimensions: [Int], bytes: Int) {
        let (dims, bytes) = try IDXDecoder.parse(data, file: file, rank: rank)
        return (dims, bytes.count)
    }

    /// `IDXDecoder.decode`: an images file and a labels file as MNIST pairs them.
    public static func idxPair(images: Data, labels: Data, file: String) throws -> DecodedSummary {
        DecodedSummary(try IDXDecoder.decode(images: [(name: file + "-images", bytes: images)],
                                             labels: [(name: file + "-labels", bytes: labels)]))
    }

    /// `MATFile`, then `MATDecoder` with the parameters of a registry's `mat` source.
    public static func mat(_ data: Data, images: String, labels: String, sampleAxis: Int, pixelOrder: String,
                           height: Int, width: Int, labelMapping: String, file: String) throws -> DecodedSummary {
        var parameters = DecoderParameters()
        parameters.images = images
        parameters.labels = labels
        parameters.sampleAxis = sampleAxis
        parameters.pixelOrder = pixelOrder
        parameters.height = height
        parameters.width = width
        parameters.labelMapping = labelMapping
        return DecodedSummary(try MATDecoder.decode(data, parameters: parameters, file: file))
    }

    /// `CIFARDecoder` on one member of `labelBytes` + 3072-byte records.
    public static func cifar(_ data: Data, labelBytes: Int, labelIndex: Int, file: String) throws -> DecodedSummary {
        DecodedSummary(try CIFARDecoder.decode(members: [(name: file, bytes: data)], labelBytes: labelBytes,
                                               labelIndex: labelIndex))
    }

    /// `STL10Decoder` on one (`*_X.bin`, `*_y.bin`) pair.
    public static func stl10(images: Data, labels: Data, file: String) throws -> DecodedSummary {
        DecodedSummary(try STL10Decoder.decode(pairs: [(images: (name: file + "_X.bin", bytes: images),
                                                        labels: (name: file + "_y.bin", bytes: labels))]))
    }

    /// `ArchiveReader.forEachMember` over every regular member; (name, size) of each.
    public static func archiveMembers(at url: URL) throws -> [(name: String, bytes: Int)] {
        var members: [(name: String, bytes: Int)] = []
        try ArchiveReader.forEachMember(in: url, want: { _ in true }) { name, data in members.append((name, data.count)) }
        return members
    }

    /// An image archive as `jule data import` and the `image-tree` decoder read it: the PNG/JPEG members by class
    /// folder, decoded and resized to `channels`×`height`×`width`.
    public static func imageArchive(at url: URL, channels: Int, height: Int, width: Int) throws -> DecodedSummary {
        let items = try ImageTreeDecoder.items(inArchive: url, pattern: nil)
        return DecodedSummary(try ImageSetDecoder.decode(items, channels: channels, height: height, width: width,
                                                         verify: { _ in }, progress: nil))
    }

    /// One PNG or JPEG (by signature) decoded to `channels`, resized to `height`×`width` and made planar, as the
    /// image-tree decoders do with every file.
    public static func image(_ bytes: UnsafeRawBufferPointer, channels: Int, height: Int, width: Int,
                             file: String) throws -> (sourceHeight: Int, sourceWidth: Int, pixels: [UInt8]) {
        let decoded = try ImageSetDecoder.decodeImage(bytes, channels: channels, location: file)
        let resized = ImageResizer.resize(decoded.pixels, height: decoded.height, width: decoded.width,
                                          channels: channels, toHeight: height, toWidth: width)
        return (decoded.height, decoded.width, ImageResizer.planar(resized, height: height, width: width, channels: channels))
    }

    /// `NPYDecoder` as `jule data import` uses it: a `.npy` array of rank 3 or 4 as images, of rank 1 or 2 as labels
    /// (mapped by rank); an `.npz` (zip) file's arrays the same way. Returns the image or label count per array.
    public static func npy(_ data: Data, file: String, archiveURL: URL?) throws -> [Int] {
        let arrays: [NPYDecoder.Array]
        if let archiveURL { arrays = try NPYDecoder.parseArchive(at: archiveURL).sorted { $0.key < $1.key }.map(\.value) }
        else { arrays = [try NPYDecoder.parse(data, file: file)] }
        var counts: [Int] = []
        for array in arrays {
            if array.shape.count <= 2 {
                // Labels: (N), (N, 1) or (1, N).
                let n = array.shape.count == 2 && array.shape[0] == 1 ? array.shape[1] : array.shape.first ?? 0
                let labels = try NPYDecoder.labelValues(array, count: n, file: file)
                _ = try LabelMapping.apply("rank", to: labels, file: file)
                counts.append(n)
            } else {
                let images = try NPYDecoder.images(array, file: file)
                precondition(images.pixels.count == images.count * images.channels * images.height * images.width, "npy pixels")
                counts.append(images.count)
            }
        }
        return counts
    }

    /// `IDXDecoder.parseAnyRank` (the import path: any rank, raw or gzip).
    public static func idxAnyRank(_ data: Data, file: String) throws -> (dimensions: [Int], bytes: Int) {
        let (dims, bytes) = try IDXDecoder.parseAnyRank(data, file: file)
        return (dims, bytes.count)
    }

    /// `JULEH5Decoder`: JULE's `data4torch.h5`.
    public static func juleH5(at url: URL) throws -> DecodedSummary {
        DecodedSummary(try JULEH5Decoder.decode(at: url))
    }

    /// Shape and labels of a decoder's output (the pixels are checked against the shape here).
    public struct DecodedSummary {
        public let count: Int, channels: Int, height: Int, width: Int
        public let labels: [Int32]
        public let pixelCount: Int

        init(_ decoded: DecodedImages) {
            count = decoded.count
            channels = decoded.channels
            height = decoded.height
            width = decoded.width
            labels = decoded.labels
            pixelCount = decoded.pixels.count
        }
    }
}
