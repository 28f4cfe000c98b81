import XCTest
import JuleData

final class SeededGeneratorTests: XCTestCase {
    func testSameSeedSameSequence() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let xa = (0..<100).map { _ in a.next() }, xb = (0..<100).map { _ in b.next() }
        let xc = (0..<100).map { _ in c.next() }
        XCTAssertEqual(xa, xb)
        XCTAssertNotEqual(xa, xc)
    }

    func testUniformAndGaussianMoments() {
        var g = SeededGenerator(seed: 7)
        let n = 200_000
        var sum = 0.0, sumSq = 0.0, uSum = 0.0
        for _ in 0..<n {
            let z = g.nextGaussian(); sum += z; sumSq += z * z
            let u = g.nextFloat(); XCTAssert(u >= 0 && u < 1); uSum += Double(u)
        }
        XCTAssertEqual(sum / Double(n), 0, accuracy: 0.01)
        XCTAssertEqual(sumSq / Double(n), 1, accuracy: 0.01)
        XCTAssertEqual(uSum / Double(n), 0.5, accuracy: 0.005)
    }

    func testSplitStreamsDiffer() {
        let g = SeededGenerator(seed: 1)
        var a = g.split(stream: 1), b = g.split(stream: 2), a2 = g.split(stream: 1)
        XCTAssertEqual(a.next(), a2.next())
        XCTAssertNotEqual(a.next(), b.next())
    }
}
