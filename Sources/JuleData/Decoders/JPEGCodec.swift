import CTurboJPEG
import Foundation

/// JPEG decoding through TurboJPEG (errors come back as return codes, unlike libjpeg's longjmp).
public enum JPEGCodec {
    /// Decodes JPEG bytes to row-major H×W×C (`channels` 1 = grey, 3 = RGB, interleaved). An image larger than
    /// `limits.maxImagePixels` is refused from its header, before the pixels are allocated.
    public static func decode(_ bytes: UnsafeRawBufferPointer, channels: Int, file: String,
                              limits: DecodeLimits = .current) throws -> (pixels: [UInt8], height: Int, width: Int) {
        precondition(channels == 1 || channels == 3, "JPEG decode to 1 or 3 channels")
        guard let handle = tjInitDecompress() else { throw DataError.malformedFile(file: file, reason: "TurboJPEG initialisation failed") }
        defer { tjDestroy(handle) }
        let source = bytes.bindMemory(to: UInt8.self)
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        guard bytes.count > 0,
              tjDecompressHeader3(handle, source.baseAddress, UInt(bytes.count), &width, &height, &subsampling, &colorspace) == 0,
              width > 0, height > 0 else {
            throw DataError.malformedFile(file: file, reason: "broken JPEG (\(String(cString: tjGetErrorStr2(handle))))")
        }
        guard Int(width) * Int(height) <= limits.maxImagePixels else {
            throw DataError.malformedFile(file: file, reason: "JPEG of \(width)x\(height) pixels, above the limit of \(limits.maxImagePixels) pixels per image")
        }
        let format = channels == 1 ? TJPF_GRAY : TJPF_RGB
        var pixels = [UInt8](repeating: 0, count: Int(width) * Int(height) * channels)
        let status = pixels.withUnsafeMutableBufferPointer {
            tjDecompress2(handle, source.baseAddress, UInt(bytes.count), $0.baseAddress, width, 0, height,
                          Int32(format.rawValue), 0)
        }
        // A warning (e.g. premature end of data) still fails: a truncated file must not enter a cache.
        guard status == 0 else {
            throw DataError.malformedFile(file: file, reason: "broken JPEG (\(String(cString: tjGetErrorStr2(handle))))")
        }
        return (pixels, Int(height), Int(width))
    }

    /// Encodes row-major H×W×C bytes as JPEG (tests and fixtures).
    public static func encode(_ pixels: [UInt8], height: Int, width: Int, channels: Int, quality: Int = 95) throws -> Data {
        precondition(pixels.count == height * width * channels && (channels == 1 || channels == 3), "JPEG encode shape")
        guard let handle = tjInitCompress() else { throw DataError.invalidRequest("TurboJPEG initialisation failed") }
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let format = channels == 1 ? TJPF_GRAY : TJPF_RGB
        let sampling = channels == 1 ? TJSAMP_GRAY : TJSAMP_444
        let status = pixels.withUnsafeBufferPointer {
            tjCompress2(handle, $0.baseAddress, Int32(width), 0, Int32(height), Int32(format.rawValue), &output, &size,
                        Int32(sampling.rawValue), Int32(quality), 0)
        }
        defer { if let output { tjFree(output) } }
        guard status == 0, let output else { throw DataError.invalidRequest("JPEG encode failed (\(String(cString: tjGetErrorStr2(handle))))") }
        return Data(bytes: output, count: Int(size))
    }
}
