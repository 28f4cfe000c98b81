import XCTest
@testable import JuleCluster

final class NearestNeighboursTests: XCTestCase {
    func testMatchesBruteForceOnRandomData() {
        // 1,300 rows → 3 blocks of 512: off-diagonal tiles, a partial block and the bye of an odd block count.
        let n = 1300, d = 13, k = 9
        let x = TestData.uniform(count: n, dimension: d, seed: 1)
        let nn = NearestNeighbours.compute(features: x, count: n, dimension: d, neighbourCount: k)
        let reference = TestData.bruteForceKNN(x, count: n, dimension: d, k: k)
        XCTAssertEqual(nn.indices, reference.indices)
        XCTAssertEqual(nn.squaredDistances, reference.distances)
    }

    func testTiesAndDuplicatesMatchBruteForce() {
        // Integer grid points: many equal distances (ties must go to the lower index) and exact duplicates
        // (distance 0 to another sample; the sample itself must still be excluded).
        let n = 700, d = 4, k = 12
        let x = TestData.tiedWithDuplicates(count: n, dimension: d, seed: 2)
        let nn = NearestNeighbours.compute(features: x, count: n, dimension: d, neighbourCount: k)
        let reference = TestData.bruteForceKNN(x, count: n, dimension: d, k: k)
        XCTAssertEqual(nn.indices, reference.indices)
        XCTAssertEqual(nn.squaredDistances, reference.distances)
        for i in 0..<n { XCTAssertFalse(nn.indices[(i * k)..<(i * k + k)].contains(Int32(i)), "row \(i) lists itself") }
        XCTAssertGreaterThan(nn.bruteForceRows, 0, "tied cut-offs must go through the certified fallback")
        XCTAssertTrue(nn.squaredDistances.contains(0), "the data must contain duplicates")
    }

    /// Another single-precision GEMM (here a naive product summing in reverse order, so its rounding differs from
    /// OpenBLAS's) gives the same exact neighbours: the re-check in Double absorbs float rounding.
    func testTheMatrixProductChangesOnlySpeed() {
        let n = 900, d = 11, k = 7
        let x = TestData.tiedWithDuplicates(count: n, dimension: d, seed: 3)
        let coarse = MatrixProduct(name: "naive-reversed") { m, n, kk, alpha, a, b, c in
            for i in 0..<m {
                for j in 0..<n {
                    var dot: Float = 0
                    for t in (0..<kk).reversed() { dot += a[i * kk + t] * b[j * kk + t] }
                    c[i * n + j] = alpha * dot
                }
            }
        }
        let nn = NearestNeighbours.compute(features: x, count: n, dimension: d, neighbourCount: k, product: coarse)
        let reference = TestData.bruteForceKNN(x, count: n, dimension: d, k: k)
        XCTAssertEqual(nn.indices, reference.indices)
        XCTAssertEqual(nn.squaredDistances, reference.distances)
    }

    func testWorkerCountDoesNotChangeTheResult() {
        let n = 1100, d = 7, k = 5
        let x = TestData.uniform(count: n, dimension: d, seed: 3)
        let one = NearestNeighbours.compute(features: x, count: n, dimension: d, neighbourCount: k, workers: 1)
        let two = NearestNeighbours.compute(features: x, count: n, dimension: d, neighbourCount: k, workers: 2)
        XCTAssertEqual(one.indices, two.indices)
        XCTAssertEqual(one.squaredDistances, two.squaredDistances)
    }

    func testZeroColumnsAndTinyInputs() {
        // Columns that are zero everywhere are dropped internally; the result must not change.
        var x = TestData.uniform(count: 40, dimension: 6, seed: 4)
        for i in 0..<40 { x[i * 6 + 2] = 0; x[i * 6 + 5] = 0 }
        let nn = NearestNeighbours.compute(features: x, count: 40, dimension: 6, neighbourCount: 39)
        let reference = TestData.bruteForceKNN(x, count: 40, dimension: 6, k: 39)
        XCTAssertEqual(nn.indices, reference.indices)
        let two = NearestNeighbours.compute(features: [0, 1], count: 2, dimension: 1, neighbourCount: 1)
        XCTAssertEqual(two.indices, [1, 0])
        XCTAssertEqual(two.squaredDistances, [1, 1])
    }

    func testTournamentRoundsCoverEveryPairOnce() {
        for blocks in 1...9 {
            let rounds = NearestNeighbours.tournamentRounds(blocks: blocks)
            var seen = Set<[Int]>()
            for round in rounds {
                var used = Set<Int>()
                for (a, b) in round {
                    XCTAssertTrue(a <= b)
                    XCTAssertTrue(seen.insert([a, b]).inserted, "pair \(a),\(b) twice")
                    XCTAssertTrue(used.insert(a).inserted && (a == b || used.insert(b).inserted), "block twice in a round")
                }
            }
            XCTAssertEqual(seen.count, blocks * (blocks + 1) / 2)
        }
    }

    func testTruncationIsTheSmallerKNN() {
        let x = TestData.uniform(count: 200, dimension: 5, seed: 5)
        let big = NearestNeighbours.compute(features: x, count: 200, dimension: 5, neighbourCount: 10)
        let small = NearestNeighbours.compute(features: x, count: 200, dimension: 5, neighbourCount: 4)
        XCTAssertEqual(big.truncated(to: 4).indices, small.indices)
    }
}
