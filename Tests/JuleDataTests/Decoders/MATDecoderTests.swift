import XCTest
@testable import JuleData

final class MATDecoderTests: XCTestCase {
    /// Three 2×3 images; image n has pixel (r, c) = 100n + 10r + c.
    static let images: [[UInt8]] = (0..<3).map { (n: Int) -> [UInt8] in
        var image: [UInt8] = []
        for r in 0..<2 { for c in 0..<3 { image.append(UInt8(100 * n + 10 * r + c)) } }
        return image
    }

    /// Column-major N×P matrix (sample axis 0) with pixels in `order`.
    static func samplesByRows(columnMajorPixels: Bool) -> [Double] {
        var values = [Double](repeating: 0, count: 3 * 6)
        for n in 0..<3 { for r in 0..<2 { for c in 0..<3 {
            let p = columnMajorPixels ? 2 * c + r : 3 * r + c
            values[n + 3 * p] = Double(images[n][3 * r + c])
        } } }
        return values
    }

    func testEveryLayoutStoredTypeAndCompression() throws {
        let expected = Self.images.flatMap { $0 }
        for compress in [false, true] {
            for storedType: UInt32 in [2, 4, 9] {
                // N×P, rowMajor pixels (USPS fea layout) and labels 1-based.
                let rows = Fixtures.matFile([
                    Fixtures.matMatrix(name: "fea", dims: [3, 6], values: Self.samplesByRows(columnMajorPixels: false), storedType: storedType),
                    Fixtures.matMatrix(name: "gnd", dims: [3, 1], values: [1, 2, 3], storedType: storedType),
                ], compress: compress)
                let p1 = DecoderParameters(images: "fea", labels: "gnd", sampleAxis: 0, pixelOrder: "rowMajor", height: 2, width: 3, labelMapping: "minusOne")
                let a = try MATDecoder.decode(rows, parameters: p1, file: "rows.mat")
                XCTAssertEqual(a.pixels, expected, "compress \(compress) type \(storedType)")
                XCTAssertEqual(a.labels, [0, 1, 2])
                // N×P, columnMajor pixels (CMU-PIE / UMist layout).
                let columns = Fixtures.matFile([
                    Fixtures.matMatrix(name: "X", dims: [3, 6], values: Self.samplesByRows(columnMajorPixels: true), storedType: storedType),
                    Fixtures.matMatrix(name: "Y", dims: [1, 3], values: [10, 1, 10], storedType: storedType),
                ], compress: compress)
                let p2 = DecoderParameters(images: "X", labels: "Y", sampleAxis: 0, pixelOrder: "columnMajor", height: 2, width: 3, labelMapping: "mod10")
                let b = try MATDecoder.decode(columns, parameters: p2, file: "columns.mat")
                XCTAssertEqual(b.pixels, expected)
                XCTAssertEqual(b.labels, [0, 1, 0])
            }
        }
        // H×W×N (UMist 112×92×380 layout): p = r + H·c, sample stride H·W.
        var cube = [Double](repeating: 0, count: 18)
        for n in 0..<3 { for r in 0..<2 { for c in 0..<3 { cube[r + 2 * c + 6 * n] = Double(Self.images[n][3 * r + c]) } } }
        let file = Fixtures.matFile([Fixtures.matMatrix(name: "x", dims: [2, 3, 3], values: cube),
                                     Fixtures.matMatrix(name: "label", dims: [3, 1], values: [5, 3, 5])], compress: true)
        let p3 = DecoderParameters(images: "x", labels: "label", sampleAxis: 2, pixelOrder: "columnMajor", height: 2, width: 3, labelMapping: "rank")
        let c = try MATDecoder.decode(file, parameters: p3, file: "cube.mat")
        XCTAssertEqual(c.pixels, expected)
        XCTAssertEqual(c.labels, [1, 0, 1])
    }

    func testCorruptMATFilesAreRejected() throws {
        let parameters = DecoderParameters(images: "fea", labels: "gnd", sampleAxis: 0, pixelOrder: "rowMajor", height: 2, width: 3, labelMapping: "minusOne")
        let good = Fixtures.matFile([
            Fixtures.matMatrix(name: "fea", dims: [3, 6], values: Self.samplesByRows(columnMajorPixels: false)),
            Fixtures.matMatrix(name: "gnd", dims: [3, 1], values: [1, 2, 3]),
        ], compress: false)
        var badMark = good
        badMark[126] = 0x41
        var badDims = good
        badDims[128 + 8 + 16 + 8] = 7  // first dimension 3 → 7: value count no longer matches
        let compressed = Fixtures.matFile([Fixtures.matMatrix(name: "fea", dims: [3, 6], values: Self.samplesByRows(columnMajorPixels: false))], compress: true)
        var corruptStream = compressed
        for i in 140..<150 { corruptStream[i] ^= 0xFF }
        let noLabels = Fixtures.matFile([Fixtures.matMatrix(name: "fea", dims: [3, 6], values: Self.samplesByRows(columnMajorPixels: false))], compress: false)
        let cases: [(Data, String)] = [
            (Data(good.prefix(100)), "shorter than the 128-byte MAT header"),
            (badMark, "bad MAT-file endian mark"),
            (Data(good.prefix(good.count - 20)), "runs past the end"),
            (badDims, "values for dimensions 7x6"),
            (corruptStream, "corrupt compressed data"),
            (Data(compressed.prefix(compressed.count - 10)), "runs past the end"),
            (noLabels, "missing variable 'gnd'"),
        ]
        for (data, message) in cases {
            XCTAssertThrowsError(try MATDecoder.decode(data, parameters: parameters, file: "x.mat")) { error in
                XCTAssertTrue("\(error)".hasPrefix("x.mat: ") && "\(error)".contains(message), "\(error) should contain \(message)")
            }
        }
        let outOfRange = Fixtures.matFile([
            Fixtures.matMatrix(name: "fea", dims: [3, 6], values: [Double](repeating: 300, count: 18), storedType: 9),
            Fixtures.matMatrix(name: "gnd", dims: [3, 1], values: [1, 2, 3]),
        ], compress: false)
        XCTAssertThrowsError(try MATDecoder.decode(outOfRange, parameters: parameters, file: "x.mat")) { error in
            XCTAssertEqual("\(error)", "x.mat: 'fea' holds 300.0, outside 0...255")
        }
    }
}
