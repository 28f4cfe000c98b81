import XCTest
@testable import JuleData

final class IDXDecoderTests: XCTestCase {
    func testRawAndGzipFilesConcatenateInOrder() throws {
        let first = Fixtures.bytes(2 * 4 * 3, seed: 2), second = Fixtures.bytes(1 * 4 * 3, seed: 3)
        let images = [("a", Fixtures.idx(dims: [2, 4, 3], values: first)),
                      ("b", try Fixtures.gzip(Fixtures.idx(dims: [1, 4, 3], values: second)))]
        let labels = [("a", Fixtures.idx(dims: [2], values: [7, 2])), ("b", try Fixtures.gzip(Fixtures.idx(dims: [1], values: [0])))]
        let decoded = try IDXDecoder.decode(images: images.map { (name: $0.0, bytes: $0.1) },
                                            labels: labels.map { (name: $0.0, bytes: $0.1) })
        XCTAssertEqual(decoded.count, 3)
        XCTAssertEqual([decoded.height, decoded.width], [4, 3])
        XCTAssertEqual(decoded.pixels, first + second)
        XCTAssertEqual(decoded.labels, [7, 2, 0])
    }

    func testCorruptFilesAreRejectedWithTheirName() throws {
        let good = Fixtures.idx(dims: [2, 2, 2], values: [1, 2, 3, 4, 5, 6, 7, 8])
        var badMagic = good
        badMagic[3] = 1
        let truncated = good.prefix(good.count - 1)
        let gz = try Fixtures.gzip(good)
        let brokenGzip = gz.prefix(gz.count / 2)
        let cases: [(Data, String)] = [
            (badMagic, "bad IDX magic 0x00000801, expected 0x00000803"),
            (Data(truncated), "7 data bytes, header says 8"),
            (Data([0, 0]), "shorter than an IDX header"),
            (Data(brokenGzip), "compressed stream truncated"),
        ]
        for (data, message) in cases {
            XCTAssertThrowsError(try IDXDecoder.decode(images: [(name: "imgs.idx", bytes: data)],
                                                       labels: [(name: "labels.idx", bytes: Fixtures.idx(dims: [2], values: [0, 1]))])) { error in
                XCTAssertTrue("\(error)".hasPrefix("imgs.idx: ") && "\(error)".contains(message), "\(error)")
            }
        }
        XCTAssertThrowsError(try IDXDecoder.decode(images: [(name: "imgs.idx", bytes: good)],
                                                   labels: [(name: "labels.idx", bytes: Fixtures.idx(dims: [3], values: [0, 1, 2]))])) { error in
            XCTAssertEqual("\(error)", "labels.idx: 3 labels for 2 images in imgs.idx")
        }
    }
}
