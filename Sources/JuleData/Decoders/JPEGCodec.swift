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
        // libjpeg converts CMYK and YCCK JPEGs to CMYK only; RGB and grey come from `cmykToRGB` below.
        let cmyk = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        let format = cmyk ? TJPF_CMYK : channels == 1 ? TJPF_GRAY : TJPF_RGB
        var pixels = [UInt8](repeating: 0, count: Int(width) * Int(height) * (cmyk ? 4 : channels))
        let status = pixels.withUnsafeMutableBufferPointer {
            tjDecompress2(handle, source.baseAddress, UInt(bytes.count), $0.baseAddress, width, 0, height,
                          Int32(format.rawValue), 0)
        }
        // A warning (e.g. premature end of data) still fails: a truncated file must not enter a cache.
        guard status == 0 else {
            throw DataError.malformedFile(file: file, reason: "broken JPEG (\(String(cString: tjGetErrorStr2(handle))))")
        }
        return (cmyk ? cmykToRGB(pixels, grey: channels == 1) : pixels, Int(height), Int(width))
    }

    /// Interleaved CMYK as a CMYK JPEG stores it → RGB, or grey (`grey`). Photoshop, which writes nearly every CMYK
    /// JPEG (Pillow writes them the same way), stores the inks inverted: 255 is no ink. With stored values c, m, y, k
    ///
    ///     R = c·k / 255,   G = m·k / 255,   B = y·k / 255   (rounded)
    ///     grey = (299 R + 587 G + 114 B) / 1000             (rounded, as `DecodedImages.grey()`)
    ///
    /// the uncalibrated conversion libjpeg-turbo's own tests use; a faithful one would need the file's ICC profile.
    static func cmykToRGB(_ cmyk: [UInt8], grey: Bool) -> [UInt8] {
        let count = cmyk.count / 4
        var out = [UInt8](repeating: 0, count: count * (grey ? 1 : 3))
        for p in 0..<count {
            let k = Int(cmyk[4 * p + 3])
            let r = (Int(cmyk[4 * p]) * k + 127) / 255, g = (Int(cmyk[4 * p + 1]) * k + 127) / 255
            let b = (Int(cmyk[4 * p + 2]) * k + 127) / 255
            if grey {
                out[p] = UInt8((299 * r + 587 * g + 114 * b + 500) / 1000)
            } else {
                out[3 * p] = UInt8(r); out[3 * p + 1] = UInt8(g); out[3 * p + 2] = UInt8(b)
            }
        }
        return out
    }

    /// Width and height from the header alone (nothing decoded); nil when the header does not read.
    static func size(_ bytes: UnsafeRawBufferPointer) -> ImageSize? {
        guard bytes.count > 0, let handle = tjInitDecompress() else { return nil }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        guard tjDecompressHeader3(handle, bytes.bindMemory(to: UInt8.self).baseAddress, UInt(bytes.count), &width, &height,
                                  &subsampling, &colorspace) == 0, width > 0, height > 0 else { return nil }
        return ImageSize(height: Int(height), width: Int(width))
    }

    /// Encodes row-major H×W×C bytes as JPEG (tests and fixtures); 4 channels are CMYK, written as a YCCK JPEG.
    public static func encode(_ pixels: [UInt8], height: Int, width: Int, channels: Int, quality: Int = 95) throws -> Data {
        precondition(pixels.count == height * width * channels && [1, 3, 4].contains(channels), "JPEG encode shape")
        guard let handle = tjInitCompress() else { throw DataError.invalidRequest("TurboJPEG initialisation failed") }
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let format = channels == 1 ? TJPF_GRAY : channels == 4 ? TJPF_CMYK : TJPF_RGB
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
