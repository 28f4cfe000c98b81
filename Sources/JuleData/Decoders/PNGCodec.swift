import CPNG
import Foundation

/// PNG decoding and encoding through libpng's simplified API (`png_image_*`), which converts any PNG
/// (palette, 16-bit, alpha) to 8-bit grey or RGB.
public enum PNGCodec {
    /// Decodes PNG bytes to row-major H×W×C (`channels` 1 = grey, 3 = RGB, interleaved). An image larger than
    /// `limits.maxImagePixels` is refused from its header, before the pixels are allocated.
    public static func decode(_ bytes: UnsafeRawBufferPointer, channels: Int, file: String,
                              limits: DecodeLimits = .current) throws -> (pixels: [UInt8], height: Int, width: Int) {
        precondition(channels == 1 || channels == 3, "PNG decode to 1 or 3 channels")
        var image = png_image()
        image.version = jule_PNG_IMAGE_VERSION()
        guard png_image_begin_read_from_memory(&image, bytes.baseAddress, bytes.count) != 0 else {
            throw DataError.malformedFile(file: file, reason: "broken PNG (\(message(of: image)))")
        }
        defer { png_image_free(&image) }
        image.format = channels == 1 ? jule_PNG_FORMAT_GRAY() : jule_PNG_FORMAT_RGB()
        let height = Int(image.height), width = Int(image.width)
        guard let pixelCount = DecodeLimits.product([height, width]), pixelCount <= limits.maxImagePixels else {
            throw DataError.malformedFile(file: file, reason: "PNG of \(width)x\(height) pixels, above the limit of \(limits.maxImagePixels) pixels per image")
        }
        var pixels = [UInt8](repeating: 0, count: height * width * channels)
        let ok = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
        guard ok != 0 else { throw DataError.malformedFile(file: file, reason: "broken PNG (\(message(of: image)))") }
        return (pixels, height, width)
    }

    /// Width and height from the header alone (nothing decoded); nil when the header does not read.
    static func size(_ bytes: UnsafeRawBufferPointer) -> ImageSize? {
        var image = png_image()
        image.version = jule_PNG_IMAGE_VERSION()
        guard png_image_begin_read_from_memory(&image, bytes.baseAddress, bytes.count) != 0 else { return nil }
        defer { png_image_free(&image) }
        guard image.height > 0, image.width > 0 else { return nil }
        return ImageSize(height: Int(image.height), width: Int(image.width))
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
