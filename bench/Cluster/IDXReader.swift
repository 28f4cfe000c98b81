import Foundation

/// Minimal IDX reader for the benchmark only (MNIST from the mirror); the project's loader lives in JuleData.
enum IDXReader {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func read(_ url: URL) throws -> (dims: [Int], bytes: [UInt8]) {
        let data = try Data(contentsOf: url)
        guard data.count >= 4 else { throw Failure(description: "\(url.path): too short for IDX") }
        let b = [UInt8](data)
        let rank = Int(b[3])
        guard b[0] == 0, b[1] == 0, b[2] == 8, data.count >= 4 + 4 * rank else {
            throw Failure(description: "\(url.path): not an unsigned-byte IDX file")
        }
        var dims = [Int]()
        for r in 0..<rank {
            let o = 4 + 4 * r
            dims.append(Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3]))
        }
        let start = 4 + 4 * rank
        let total = dims.reduce(1, *)
        guard b.count - start == total else { throw Failure(description: "\(url.path): size does not match header") }
        return (dims, Array(b[start...]))
    }
}
