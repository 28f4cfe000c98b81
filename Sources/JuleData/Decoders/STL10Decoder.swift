import Foundation

/// STL-10 binary: `*_X.bin` holds N images of 3×96×96 bytes, each channel plane column-major (byte c·96 + r of a
/// plane is row r, column c); `*_y.bin` holds N labels 1..10. Output is row-major C×H×W with labels 0..9.
enum STL10Decoder {
    static let side = 96
    static let imageBytes = 3 * 96 * 96

    /// `pairs`: (images member, labels member), concatenated in order (train then test).
    static func decode(pairs: [(images: (name: String, bytes: Data), labels: (name: String, bytes: Data))]) throws -> DecodedImages {
        var pixels: [UInt8] = []
        var labels: [Int32] = []
        for pair in pairs {
            let images = pair.images, labelFile = pair.labels
            guard images.bytes.count % imageBytes == 0, !images.bytes.isEmpty else {
                throw DataError.malformedFile(file: images.name, reason: "\(images.bytes.count) bytes is not a whole number of \(imageBytes)-byte images")
            }
            let count = images.bytes.count / imageBytes
            guard labelFile.bytes.count == count else {
                throw DataError.malformedFile(file: labelFile.name, reason: "\(labelFile.bytes.count) labels for \(count) images in \(images.name)")
            }
            for (i, value) in labelFile.bytes.enumerated() {
                guard (1...10).contains(value) else {
                    throw DataError.malformedFile(file: labelFile.name, reason: "label \(value) at index \(i) outside 1...10")
                }
                labels.append(Int32(value) - 1)
            }
            let start = pixels.count
            pixels.append(contentsOf: repeatElement(0, count: count * imageBytes))
            images.bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                pixels.withUnsafeMutableBufferPointer { out in
                    let plane = side * side
                    for n in 0..<count {
                        for ch in 0..<3 {
                            let base = n * imageBytes + ch * plane
                            for c in 0..<side {
                                for r in 0..<side { out[start + base + r * side + c] = raw[base + c * side + r] }
                            }
                        }
                    }
                }
            }
        }
        return DecodedImages(count: labels.count, channels: 3, height: side, width: side, pixels: pixels, labels: labels)
    }
}
