import Foundation
import XCTest
@testable import JuleData

/// PNG decoding keeps the stored values: 16-bit samples scaled by 255/65535, no gamma conversion, alpha dropped,
/// colour to grey as PIL's luma. (libpng's simplified reader, used before, turned a 16-bit 128·257 into 192 and
/// applied gAMA chunks.)
final class PNGCodecTests: XCTestCase {
    private func decode(_ data: Data, channels: Int) throws -> [UInt8] {
        try data.withUnsafeBytes { try PNGCodec.decode($0, channels: channels, file: "test.png").pixels }
    }

    func testSixteenBitGreyIsScaledNotGammaEncoded() throws {
        let values: [UInt16] = [0, 257, 128 * 257, 65535, 300, 65000]
        let row = values.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        let png = Fixtures.png(width: values.count, height: 1, bitDepth: 16, colourType: 0, rows: [row])
        let expected = values.map { UInt8((Double($0) * 255 / 65535).rounded()) }
        XCTAssertEqual(try decode(png, channels: 1), expected)
        XCTAssertEqual(try decode(png, channels: 3), expected.flatMap { [$0, $0, $0] })
    }

    func testGammaChunkIsIgnored() throws {
        let row: [UInt8] = [0, 40, 128, 200, 255]
        let gammaOne: [UInt8] = [0, 1, 0x86, 0xA0]  // gAMA 1.0 (100000)
        let png = Fixtures.png(width: row.count, height: 1, bitDepth: 8, colourType: 0, rows: [row],
                               extra: [("gAMA", gammaOne)])
        XCTAssertEqual(try decode(png, channels: 1), row)
    }

    func testAlphaIsDroppedAndColourBecomesLuma() throws {
        // RGBA 8-bit: two pixels, the second half transparent.
        let row: [UInt8] = [200, 100, 50, 255, 10, 20, 30, 128]
        let png = Fixtures.png(width: 2, height: 1, bitDepth: 8, colourType: 6, rows: [row])
        XCTAssertEqual(try decode(png, channels: 3), [200, 100, 50, 10, 20, 30])
        // PIL: L = (19595 R + 38470 G + 7471 B + 32768) >> 16.
        let luma = { (r: Int, g: Int, b: Int) in UInt8((19595 * r + 38470 * g + 7471 * b + 32768) >> 16) }
        XCTAssertEqual(try decode(png, channels: 1), [luma(200, 100, 50), luma(10, 20, 30)])
    }

    func testPaletteWithTransparencyAndOneBitGreyExpand() throws {
        let palette = Fixtures.png(width: 3, height: 1, bitDepth: 8, colourType: 3, rows: [[2, 0, 1]],
                                   extra: [("PLTE", [255, 0, 0, 0, 255, 0, 0, 0, 255]), ("tRNS", [0, 128])])
        XCTAssertEqual(try decode(palette, channels: 3), [0, 0, 255, 255, 0, 0, 0, 255, 0])
        // 1-bit grey, 10 pixels: 1011001110 → 0/255.
        let bits = Fixtures.png(width: 10, height: 1, bitDepth: 1, colourType: 0, rows: [[0b1011_0011, 0b1000_0000]])
        XCTAssertEqual(try decode(bits, channels: 1), [255, 0, 255, 255, 0, 0, 255, 255, 255, 0])
    }

    func testTruncatedAndCorruptFilesGiveOneLine() throws {
        let good = Fixtures.png(width: 4, height: 4, bitDepth: 8, colourType: 0, rows: Array(repeating: [1, 2, 3, 4], count: 4))
        XCTAssertEqual(try decode(good, channels: 1), Array(repeating: [1, 2, 3, 4], count: 4).flatMap { $0 })
        for broken in [good.prefix(40), good.prefix(8), Data("not a png".utf8)] {
            XCTAssertThrowsError(try decode(Data(broken), channels: 1)) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains("test.png") && text.contains("broken PNG"), text)
                XCTAssertFalse(text.contains("\n"), text)
            }
        }
        var flipped = good
        flipped[flipped.count - 20] ^= 0xFF  // inside IDAT: a CRC error on a critical chunk
        XCTAssertThrowsError(try decode(flipped, channels: 1))
    }
}
