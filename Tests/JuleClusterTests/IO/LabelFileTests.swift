import Foundation
import XCTest
import _JuleTestSupport
@testable import JuleCluster

final class LabelFileTests: XCTestCase {
    func testReadsAndWritesLabels() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("labels.txt")
        try LabelFile.write([3, 0, -2, 17], to: url)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "3\n0\n-2\n17\n")
        XCTAssertEqual(try LabelFile.read(url), [3, 0, -2, 17])
        XCTAssertEqual(try LabelFile.parse(" 1\r\n2\t\r\n3", file: "x"), [1, 2, 3])
    }

    func testBadInputGivesOneLineErrorsNamingFileAndLine() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func write(_ name: String, _ text: String) throws -> URL {
            let url = dir.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url
        }
        let empty = try write("empty.txt", "")
        XCTAssertThrowsError(try LabelFile.read(empty)) { e in
            XCTAssertEqual(e as? ClusterError, .labelFileEmpty(file: empty.path))
            XCTAssertTrue("\(e)".hasPrefix(empty.path))
        }
        let bad = try write("bad.txt", "1\n2\ncat\n4\n")
        XCTAssertThrowsError(try LabelFile.read(bad)) { e in
            XCTAssertEqual(e as? ClusterError, .labelFileBadLine(file: bad.path, line: 3, text: "cat"))
            XCTAssertTrue("\(e)".contains("\(bad.path):3:"))
            XCTAssertFalse("\(e)".contains("\n"))
        }
        XCTAssertThrowsError(try LabelFile.parse("1\n\n2\n", file: "blank")) { e in
            XCTAssertEqual(e as? ClusterError, .labelFileBadLine(file: "blank", line: 2, text: ""))
        }
        XCTAssertThrowsError(try LabelFile.parse("1.5\n", file: "f")) { e in
            XCTAssertEqual(e as? ClusterError, .labelFileBadLine(file: "f", line: 1, text: "1.5"))
        }
        let missing = dir.appendingPathComponent("missing.txt")
        XCTAssertThrowsError(try LabelFile.read(missing)) { e in XCTAssertTrue("\(e)".hasPrefix(missing.path)) }

        let a = try write("a.txt", "1\n2\n3\n"), b = try write("b.txt", "1\n2\n")
        XCTAssertThrowsError(try LabelFile.readPair(truth: a, predicted: b)) { e in
            XCTAssertEqual(e as? ClusterError, .labelCountMismatch(truthFile: a.path, truthCount: 3, predictedFile: b.path, predictedCount: 2))
            XCTAssertFalse("\(e)".contains("\n"))
        }
        XCTAssertEqual(try LabelFile.readPair(truth: a, predicted: a).truth, [1, 2, 3])
    }

    /// The byte-wise reader gives what `parse` gives, or leaves the file to it (nil).
    func testFastReaderAgreesWithParse() throws {
        let texts = ["1\n2\n3\n", "1\n2\n3", " 4 \t\n-5\r\n+6\n  ", "7\n\n8\n", "9\nzz\n", "", "\n", "1\r2\n",
                     "- 3\n", "99999999999999999999\n", "0\n-0\n", "1\n\r"]
        for text in texts {
            let parsed = try? LabelFile.parse(text, file: "x")
            let fast = LabelFile.fastParse(Data(text.utf8))
            if let fast { XCTAssertEqual(fast, parsed, text.debugDescription) }
        }
        XCTAssertEqual(LabelFile.fastParse(Data(" 4 \t\n-5\r\n+6\n  ".utf8)), [4, -5, 6])
        XCTAssertNil(LabelFile.fastParse(Data("9\nzz\n".utf8)))
    }
}
