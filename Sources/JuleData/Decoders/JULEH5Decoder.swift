import Foundation

/// JULE's `data4torch.h5` (§1.2): dataset `data` N×C×H×W (or N×H×W, one channel) of any numeric type, and
/// `labels` with N values in any layout (N, N×1, 1×N). Pixels 0...255 are rounded to bytes; data whose values all
/// lie in [0, 1] is taken as scaled by 1/255 and multiplied back. Labels become 0-based by rank (sorted distinct
/// values → 0..K−1), as JULE's loader does. A jule dataset cache (`DatasetCache`) is such a file too; importing one
/// keeps its image and class names, so a dataset imported again from its own cache file loses nothing.
enum JULEH5Decoder {
    static func decode(at url: URL) throws -> DecodedImages {
        let file = try HDF5File.open(at: url)
        let data = try file.read("data", as: Double.self)
        let labels = try file.read("labels", as: Double.self)
        let shape: [Int]
        switch data.shape.count {
        case 4: shape = data.shape
        case 3: shape = [data.shape[0], 1, data.shape[1], data.shape[2]]
        default:
            throw DataError.malformedFile(file: url.path, reason: "'data' has shape \(data.shape), expected N×C×H×W")
        }
        let count = shape[0]
        guard shape[1] > 0, shape[2] > 0, shape[3] > 0 else {
            throw DataError.malformedFile(file: url.path, reason: "'data' has shape \(data.shape), an empty image size")
        }
        guard count > 0 else { throw DataError.malformedFile(file: url.path, reason: "'data' holds no images") }
        guard labels.values.count == count else {
            throw DataError.malformedFile(file: url.path, reason: "'labels' has \(labels.values.count) values (shape \(labels.shape)) for \(count) images")
        }
        // Every value is checked (min/max skip a NaN that is not first, and UInt8(NaN) would trap).
        guard data.values.allSatisfy({ $0 >= 0 && $0 <= 255 }), let high = data.values.max() else {
            throw DataError.malformedFile(file: url.path, reason: "'data' values outside 0...255 (or NaN)")
        }
        let scale: Double = high <= 1 ? 255 : 1
        let pixels = data.values.map { UInt8(($0 * scale).rounded()) }
        let mapped = try LabelMapping.apply("rank", to: labels.values, file: url.path)
        var images = DecodedImages(count: count, channels: shape[1], height: shape[2], width: shape[3], pixels: pixels, labels: mapped)
        if DatasetCache.isCache(file) {
            images.names = try DatasetCache.names(in: file, count: count) {
                DataError.malformedFile(file: url.path, reason: $0)
            }
            images.classNames = DatasetCache.classNames(in: file, classes: Set(mapped).count)
        }
        return images
    }
}
