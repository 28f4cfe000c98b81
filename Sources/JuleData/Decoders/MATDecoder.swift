import Foundation

/// Image datasets stored as MATLAB matrices (USPS, CMU-PIE, UMist, COIL-20 32×32).
///
/// With N samples of P = H·W pixels, the value of pixel p of sample n sits at column-major index
///
///     sampleAxis 0 (N×P matrix):          n + N·p
///     sampleAxis 1 or 2 (P×N, H×W×N):     p + P·n
///
/// and p is W·r + c (`pixelOrder` rowMajor) or H·c + r (columnMajor) for row r, column c of the image.
/// The output is row-major H×W per image. Values must lie in 0...255 (rounded to the nearest integer).
enum MATDecoder {
    static func decode(_ data: Data, parameters: DecoderParameters, file: String) throws -> DecodedImages {
        guard let imageName = parameters.images, let labelName = parameters.labels, let axis = parameters.sampleAxis,
              let order = parameters.pixelOrder, let height = parameters.height, let width = parameters.width,
              let mapping = parameters.labelMapping else {
            throw DataError.invalidRequest("\(file): mat decoder parameters incomplete")
        }
        let mat = try data.withUnsafeBytes { try MATFile(bytes: $0, file: file) }
        let images = try mat.variable(imageName, file: file)
        let labelVariable = try mat.variable(labelName, file: file)
        guard let values = images.values else {
            throw DataError.malformedFile(file: file, reason: "variable '\(imageName)' is not a numeric matrix")
        }
        guard let labelValues = labelVariable.values else {
            throw DataError.malformedFile(file: file, reason: "variable '\(labelName)' is not a numeric matrix")
        }
        // Registry values: checked here too, since a bad one would trap below (negative index, overflow).
        guard height > 0, width > 0, let pixelsPerImage = DecodeLimits.product([height, width]), axis >= 0 else {
            throw DataError.invalidRequest("\(file): mat decoder parameters out of range (sampleAxis \(axis), \(height)x\(width))")
        }
        let dims = images.dimensions
        guard axis < dims.count else {
            throw DataError.malformedFile(file: file, reason: "'\(imageName)' has \(dims.count) dimensions, sample axis \(axis)")
        }
        let count = dims[axis]
        guard count > 0, DecodeLimits.product([count, pixelsPerImage]) == values.count else {
            throw DataError.malformedFile(file: file, reason: "'\(imageName)' is \(dims.map(String.init).joined(separator: "x")), not \(count) images of \(height)x\(width)")
        }
        guard labelValues.count == count else {
            throw DataError.malformedFile(file: file, reason: "'\(labelName)' has \(labelValues.count) labels for \(count) images")
        }
        let (sampleStride, pixelStride) = axis == 0 ? (1, count) : (pixelsPerImage, 1)
        var pixels = [UInt8](repeating: 0, count: count * pixelsPerImage)
        var outOfRange: Double? = nil
        values.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                for n in 0..<count {
                    for r in 0..<height {
                        for c in 0..<width {
                            let p = order == "rowMajor" ? width * r + c : height * c + r
                            let v = source[n * sampleStride + p * pixelStride]
                            if !(v >= 0 && v <= 255) { outOfRange = v }
                            target[n * pixelsPerImage + r * width + c] = UInt8(max(0, min(255, v.rounded())))
                        }
                    }
                }
            }
        }
        if let bad = outOfRange {
            throw DataError.malformedFile(file: file, reason: "'\(imageName)' holds \(bad), outside 0...255")
        }
        let labels = try LabelMapping.apply(mapping, to: labelValues, file: file)
        return DecodedImages(count: count, channels: 1, height: height, width: width, pixels: pixels, labels: labels)
    }
}
