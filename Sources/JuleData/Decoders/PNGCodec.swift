import CPNG
import CPNGRead
import Foundation

/// PNG decoding through libpng's full API (the C target `CPNGRead`: values as stored, no gamma conversion, 16-bit
/// scaled to 8, alpha dropped, colour to grey as ITU-R 601 luma) and encoding through its simplified API
/// (`png_image_*`). The simplified API is not used to read: it treats 16-bit samples as linear light and applies a
/// file's gAMA chunk, which changes the stored values (a 16-bit 128·257 became 192).
public enum PNGCodec {
    /// Decodes PNG bytes to row-major H×W×C (`channels` 1 = grey, 3 = RGB, interleaved). An image larger than
    /// `limits.maxImagePixels` is refused from its header, before the pixels are allocated.
    public static func decode(_ bytes: UnsafeRawBufferPointer, channels: Int, file: String,
                              limits: DecodeLimits = .current) throws -> (pixels: [UInt8], height: Int, width: Int) {
        precondition(channels == 1 || channels == 3, "PNG decode to 1 or 3 channels")
        var message = [CChar](repeating: 0, count: 256)
        var width: UInt32 = 0, height: UInt32 = 0
        guard jule_png_size(bytes.baseAddress, bytes.count, &width, &height, &message, message.count) == 0 else {
            throw DataError.malformedFile(file: file, reason: "broken PNG (\(text(message)))")
        }
        guard let pixelCount = DecodeLimits.product([Int(height), Int(width)]), pixelCount <= limits.maxImagePixels else {
            throw DataError.malformedFile(file: file, reason: "PNG of \(width)x\(height) pixels, above the limit of \(limits.maxImagePixels) pixels per image")
        }
        var pixels = [UInt8](repeating: 0, count: pixelCount * channels)
        let failed = pixels.withUnsafeMutableBufferPointer {
            jule_png_decode(bytes.baseAddress, bytes.count, Int32(channels), width, height, $0.baseAddress, &message, message.count)
        }
        guard failed == 0 else { throw DataError.malformedFile(file: file, reason: "broken PNG (\(text(message)))") }
        return (pixels, Int(height), Int(width))
    }

    /// Width and height from the header alone (nothing decoded); nil when the header does not read.
    static func size(_ bytes: UnsafeRawBufferPointer) -> ImageSize? {
        var message = [CChar](repeating: 0, count: 256)
        var width: UInt32 = 0, height: UInt32 = 0
        guard jule_png_size(bytes.baseAddress, bytes.count, &width, &height, &message, message.count) == 0,
              width > 0, height > 0 else { return nil }
        return ImageSize(height: Int(height), width: Int(width))
    }

    private static func text(_ message: [CChar]) -> String {
        String(decoding: message.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Encodes row-major H×W×C bytes (1 grey or 3 RGB channels) as PNG.
    public static func encode(_ pixels: [UInt8], height: Int, width: Int, channels: Int) throws -> Data {
        precondition(pixels.count == height * width * channels && (channels == 1 || channels == 3), "PNG encode shape")
        var image = png_image()
        image.version = jule_PNG_IMAGE_VERSION()
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = channels == 1 ? jule_PNG_FORMAT_GRAY() : jule_PNG_FORMAT_RGB()
        var size: png_alloc_size_t = 0
        let sized = pixels.withUnsafeBytes { png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, 0, nil) }
        guard sized != 0, size > 0 else { throw DataError.invalidRequest("PNG encode failed (\(message(of: image)))") }
        var output = [UInt8](repeating: 0, count: Int(size))
        let written = output.withUnsafeMutableBytes { out in
            pixels.withUnsafeBytes { png_image_write_to_memory(&image, out.baseAddress, &size, 0, $0.baseAddress, 0, nil) }
        }
        guard written != 0 else { throw DataError.invalidRequest("PNG encode failed (\(message(of: image)))") }
        return Data(output.prefix(Int(size)))
    }

    private static func message(of image: png_image) -> String {
        var copy = image.message
        return withUnsafeBytes(of: &copy) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }
}
