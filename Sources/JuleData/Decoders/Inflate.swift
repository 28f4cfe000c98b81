import CZlib
import Foundation

/// zlib decompression (zlib-wrapped streams for MATLAB's miCOMPRESSED, gzip for MNIST's `.gz` files).
enum Inflate {
    enum Wrapper {
        case zlib, gzip
        var windowBits: Int32 { self == .zlib ? 15 : 15 + 16 }
    }

    /// Decompresses a whole stream. `sizeHint` pre-sizes the output; `file` names the source in errors.
    /// Trailing bytes after the end of the stream are ignored (MATLAB pads compressed elements).
    ///
    /// The output never grows past `limit` bytes (a decompression bomb is refused, not inflated): beyond it the
    /// stream is an error, or with `truncateAtLimit` the first `limit` bytes are returned (a caller that needs only
    /// a header, or knows the size to expect and checks it).
    static func decompress(_ input: UnsafeRawBufferPointer, wrapper: Wrapper, sizeHint: Int = 0,
                           file: String, limit: Int = DecodeLimits.current.maxBytes,
                           truncateAtLimit: Bool = false) throws -> [UInt8] {
        var stream = z_stream()
        guard jule_inflateInit2(&stream, wrapper.windowBits) == Z_OK else {
            throw DataError.malformedFile(file: file, reason: "zlib initialisation failed")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: max(1, min(limit, max(sizeHint, min(input.count, limit / 4) * 4, 1024))))
        var produced = 0
        stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
        var remaining = input.count
        while true {
            if produced == output.count {
                if produced >= limit {
                    if truncateAtLimit { return output }
                    throw DataError.malformedFile(file: file, reason: "compressed data inflates to more than \(DecodeLimits.describe(bytes: limit)), the limit for one stream (a decompression bomb?)")
                }
                output.append(contentsOf: repeatElement(0, count: min(output.count, limit - output.count)))
            }
            // zlib counts in UInt32: feed at most 1 GiB per call.
            let inChunk = min(remaining, 1 << 30)
            stream.avail_in = uInt(inChunk)
            let status: Int32 = output.withUnsafeMutableBufferPointer { buffer in
                let space = min(buffer.count - produced, 1 << 30)
                stream.next_out = buffer.baseAddress.map { $0 + produced }
                stream.avail_out = uInt(space)
                let status = inflate(&stream, Z_NO_FLUSH)
                produced += space - Int(stream.avail_out)
                return status
            }
            remaining -= inChunk - Int(stream.avail_in)
            switch status {
            case Z_STREAM_END:
                output.removeSubrange(produced...)
                return output
            case Z_OK:
                continue
            case Z_BUF_ERROR where remaining == 0 && stream.avail_out > 0:
                throw DataError.malformedFile(file: file, reason: "compressed stream truncated after \(produced) bytes")
            case Z_BUF_ERROR:
                continue
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw DataError.malformedFile(file: file, reason: "corrupt compressed data (\(message))")
            }
        }
    }

    /// Whether `bytes` start with the gzip magic 1f 8b.
    static func isGzip(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }
}
