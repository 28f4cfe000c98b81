import Foundation

/// CIFAR-10/100 binary records: `labelBytes` label bytes (CIFAR-100: coarse, fine) followed by 3072 pixel bytes,
/// 1024 red, 1024 green, 1024 blue, each a row-major 32×32 plane, so the pixels are already C×H×W.
enum CIFARDecoder {
    static let imageBytes = 3 * 32 * 32

    static func decode(members: [(name: String, bytes: Data)], labelBytes: Int, labelIndex: Int) throws -> DecodedImages {
        // The registry checks these at load (`DatasetRegistry.rangeProblem`); a bad pair here would read out of bounds.
        guard labelBytes >= 1, (0..<labelBytes).contains(labelIndex) else {
            throw DataError.invalidRequest("cifar decoder: labelIndex \(labelIndex) not in 0..<\(labelBytes) (labelBytes)")
        }
        let record = labelBytes + imageBytes
        var pixels: [UInt8] = []
        var labels: [Int32] = []
        for member in members {
            guard member.bytes.count % record == 0, !member.bytes.isEmpty else {
                throw DataError.malformedFile(file: member.name, reason: "\(member.bytes.count) bytes is not a whole number of \(record)-byte records")
            }
            let count = member.bytes.count / record
            pixels.reserveCapacity(pixels.count + count * imageBytes)
            member.bytes.withUnsafeBytes { raw in
                for i in 0..<count {
                    let base = i * record
                    labels.append(Int32(raw[base + labelIndex]))
                    pixels.append(contentsOf: raw[(base + labelBytes)..<(base + record)])
                }
            }
        }
        return DecodedImages(count: labels.count, channels: 3, height: 32, width: 32, pixels: pixels, labels: labels)
    }
}
