import XCTest
@testable import JuleData
import _JuleTestSupport

final class HDF5FileTests: XCTestCase {
    func testRoundTripOfEveryTypeWithShapesAndAttributes() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("round.h5")
        let bytes = Fixtures.bytes(2 * 3 * 4 * 5, seed: 1)
        let ints: [Int32] = [-7, 0, 3, Int32.max, Int32.min, 42]
        let floats: [Float] = [0.5, -1.25, .pi, 1e-20]
        let doubles: [Double] = (0..<12).map { Double($0) / 7 }
        try HDF5File.writeAtomically(to: url) { file in
            try file.write(bytes, shape: [2, 3, 4, 5], to: "data", chunkShape: [1, 3, 4, 5], compressionLevel: 6)
            try file.write(ints, shape: [6], to: "labels", compressionLevel: nil)
            try file.write(floats, shape: [2, 2], to: "group/nested/floats")
            try file.write(doubles, shape: [3, 4], to: "doubles", compressionLevel: 9)
            try file.setAttribute("text", to: "héllo, wörld")
            try file.setAttribute("count", to: 70_000)
            try file.setAttribute("rate", to: 0.9)
            try file.setAttribute("unit", to: "px", on: "doubles")
        }
        let file = try HDF5File.open(at: url)
        let data = try file.read("data", as: UInt8.self)
        XCTAssertEqual(data.values, bytes)
        XCTAssertEqual(data.shape, [2, 3, 4, 5])
        XCTAssertEqual(try file.read("labels", as: Int32.self).values, ints)
        XCTAssertEqual(try file.read("group/nested/floats", as: Float.self).values, floats)
        XCTAssertEqual(try file.read("doubles", as: Double.self).values, doubles)
        XCTAssertEqual(try file.read("labels", as: Double.self).values, ints.map(Double.init), "numeric conversion on read")
        XCTAssertEqual(try file.shape(of: "doubles"), [3, 4])
        XCTAssertEqual(try file.stringAttribute("text"), "héllo, wörld")
        XCTAssertEqual(try file.intAttribute("count"), 70_000)
        XCTAssertEqual(try file.doubleAttribute("rate"), 0.9)
        XCTAssertEqual(try file.stringAttribute("unit", on: "doubles"), "px")
        XCTAssertNil(try file.stringAttribute("absent"))
        XCTAssertEqual(try file.objectNames(), ["data", "doubles", "group", "labels"])
        XCTAssertTrue(try file.exists("group/nested/floats"))
        XCTAssertFalse(try file.exists("group/missing"))
        XCTAssertThrowsError(try file.read("missing", as: UInt8.self)) { error in
            XCTAssertTrue("\(error)".contains("missing"), "\(error)")
        }
        XCTAssertThrowsError(try file.stringAttribute("count")) { error in
            XCTAssertTrue("\(error)".contains("not a string"), "\(error)")
        }
    }

    func testFailedAtomicWriteLeavesNothingBehind() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("partial.h5")
        XCTAssertThrowsError(try HDF5File.writeAtomically(to: url) { file in
            try file.write([UInt8](repeating: 1, count: 10), shape: [10], to: "data")
            throw DataError.invalidRequest("interrupted")
        })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
    }

    func testOpeningGarbageNamesTheFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try Fixtures.write(Data("not hdf5 at all".utf8), "junk.h5", under: directory)
        XCTAssertThrowsError(try HDF5File.open(at: url)) { error in
            XCTAssertEqual("\(error)", "\(url.path): not an HDF5 file")
        }
    }

    /// A file cut short keeps its HDF5 signature, so the library fails later, on open or on a read: the message says
    /// what that almost always means instead of only which call failed.
    func testTruncatedFileIsCalledTruncatedOrDamaged() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("cut.h5")
        try HDF5File.writeAtomically(to: url) { file in
            try file.write(Fixtures.bytes(100_000, seed: 2), shape: [100_000], to: "data", compressionLevel: nil)
        }
        let whole = try Data(contentsOf: url)
        try whole.prefix(whole.count / 2).write(to: url)
        XCTAssertThrowsError(try HDF5File.open(at: url).read("data", as: UInt8.self)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("\(url.path): HDF5 ") && text.hasSuffix(" failed (the file may be truncated or damaged)"), text)
        }
    }
}
