import Foundation
import JuleData

/// An RGB raster to draw pictures into (`jule show`): rectangles, dataset images and 5×7 text, then PNG bytes
/// through libpng (`PNGCodec`). Pixels are row-major H×W×3; everything drawn is clipped to the canvas.
public struct RGBCanvas: Sendable {
    public typealias Colour = (red: UInt8, green: UInt8, blue: UInt8)

    public static let white: Colour = (255, 255, 255)
    public static let black: Colour = (0, 0, 0)
    public static let grey: Colour = (200, 200, 200)
    /// Marks a cluster that holds several classes.
    public static let red: Colour = (214, 39, 40)
    /// Marks a cluster that holds part of a class split over several clusters.
    public static let orange: Colour = (255, 127, 14)
    /// The empty part of a bar, so that its fill reads as a share of the row.
    public static let track: Colour = (232, 232, 232)

    public let width: Int, height: Int
    /// H×W×3, row-major.
    public private(set) var pixels: [UInt8]

    public init(width: Int, height: Int, background: Colour = RGBCanvas.white) {
        precondition(width > 0 && height > 0, "canvas \(width)×\(height)")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(x: 0, y: 0, width: width, height: height, colour: background)
    }

    /// The colour at (x, y).
    public func colour(x: Int, y: Int) -> Colour {
        let i = (y * width + x) * 3
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }

    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, colour: Colour) {
        let x0 = max(0, x), x1 = min(width, x + w), y0 = max(0, y), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            for column in x0..<x1 {
                let i = (row * width + column) * 3
                pixels[i] = colour.red; pixels[i + 1] = colour.green; pixels[i + 2] = colour.blue
            }
        }
    }

    /// Copies an image given as interleaved H×W×C bytes (C 1 = grey, 3 = RGB) with its top-left corner at (x, y).
    public mutating func draw(image: [UInt8], height h: Int, width w: Int, channels: Int, x: Int, y: Int) {
        precondition(image.count == h * w * channels && (channels == 1 || channels == 3), "image shape")
        for row in 0..<h where (0..<height).contains(y + row) {
            for column in 0..<w where (0..<width).contains(x + column) {
                let source = (row * w + column) * channels, target = ((y + row) * width + x + column) * 3
                for ch in 0..<3 { pixels[target + ch] = image[source + (channels == 3 ? ch : 0)] }
            }
        }
    }

    /// Draws `text` with its top-left corner at (x, y), each font pixel a `scale`×`scale` square. Returns the x
    /// after the last glyph.
    @discardableResult
    public mutating func draw(text: String, x: Int, y: Int, scale: Int = 1, colour: Colour = RGBCanvas.black) -> Int {
        var left = x
        for character in text {
            for (r, bits) in BitmapFont.rows(of: character).enumerated() {
                for c in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(c)) != 0 {
                    fill(x: left + c * scale, y: y + r * scale, width: scale, height: scale, colour: colour)
                }
            }
            left += BitmapFont.advance * scale
        }
        return left
    }

    /// The canvas as PNG bytes (8-bit RGB).
    public func png() throws -> Data {
        try PNGCodec.encode(pixels, height: height, width: width, channels: 3)
    }
}
