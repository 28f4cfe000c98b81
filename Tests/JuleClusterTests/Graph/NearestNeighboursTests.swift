import JuleData
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
        let coarse = MatrixProduct(name: "naive-reversed") { m, n, kk, alpha, a, lda, b, ldb, c in
            for i in 0..<m {
                for j in 0..<n {
                    var dot: Float = 0
                    for t in (0..<kk).reversed() { dot += a[i * lda + t] * b[j * ldb + t] }
                    c[i * n + j] = alpha * dot
                }
            }
        }
        let nn = NearestNeighbours.compute(features: x, count: n, dimension: d, neighbourCount: k, product: coarse)
        let reference = TestData.bruteForceKNN(x, count: n, dimension: d, k: k)
        XCTAssertEqual(nn.indices, reference.indices)
        XCTAssertEqual(nn.squaredDistances, reference.distances)
    }

    /// Rows wider than a product slice (1,100 columns: slices of 512, 512 and 76), in 40 groups of near-duplicates
    /// from very tight (spread 10⁻³, far inside the error bound: near-ties, brute-forced rows) to loose, and exact
    /// duplicates, with a GEMM whose every slice is off by the most a
    /// single-precision dot product of that length may be (k·2⁻²⁴·Σ|aᵢbᵢ|, the sign varying by entry): the
    /// neighbours and their distances must still be exactly those of a brute-force search in Double.
    func testWideRowsMatchExactBruteForceWithAWorstCaseProduct() {
        let n = 600, d = 1100
        var rng = SeededGenerator(seed: 7)
        let centres = (0..<(40 * d)).map { _ in Float(rng.nextGaussian()) }
        let spread = (0..<40).map { 1e-3 * pow(1.15, Double($0)) }
        var x = [Float](repeating: 0, count: n * d)
        for i in 0..<n {
            let source = i % 7 == 6 ? (i - 1) * d : -1   // every seventh row duplicates the previous one
            for t in 0..<d {
                x[i * d + t] = source >= 0 ? x[source + t] : centres[(i % 40) * d + t] + Float(spread[i % 40] * rng.nextGaussian())
            }
        }
        let worst = MatrixProduct(name: "worst-case") { m, nn, kk, alpha, a, lda, b, ldb, c in
            for i in 0..<m {
                for j in 0..<nn {
                    var dot = 0.0, magnitude = 0.0
                    for t in 0..<kk {
                        let p = Double(a[i * lda + t]) * Double(b[j * ldb + t])
                        dot += p; magnitude += abs(p)
                    }
                    let sign: Double = (a[i * lda].bitPattern ^ b[j * ldb].bitPattern) & 1 == 0 ? 1 : -1
                    c[i * nn + j] = Float(Double(alpha) * (dot + sign * Double(kk) * 0x1p-24 * magnitude))
                }
            }
        }
        for k in [1, 10] {
            let reference = exactBruteForce(x, count: n, dimension: d, k: k)
            for workers in [1, 2] {
                let nn = NearestNeighbours.compute(features: x, count: n, dimension: d, neighbourCount: k,
                                                   workers: workers, product: worst)
                XCTAssertEqual(nn.indices, reference.indices, "K \(k), \(workers) workers")
                XCTAssertEqual(nn.squaredDistances, reference.distances, "K \(k), \(workers) workers")
            }
            let blas = NearestNeighbours.compute(features: x, count: n, dimension: d, neighbourCount: k)
            XCTAssertEqual(blas.indices, reference.indices, "K \(k), OpenBLAS")
            XCTAssertEqual(blas.squaredDistances, reference.distances, "K \(k), OpenBLAS")
        }
    }

    func testBlocksGiveEveryWorkerTheSameShareOfARound() {
        for count in [600, 1300, 7098, 70000] {
            let size = NearestNeighbours.blockSize(count: count, workers: 2)
            let blocks = (count + size - 1) / size
            XCTAssertLessThanOrEqual(size, NearestNeighbours.maximumBlock)
            XCTAssertEqual(blocks % 4, 0, "N \(count): \(blocks) blocks of \(size)")
        }
        XCTAssertEqual(NearestNeighbours.blockSize(count: 7098, workers: 1), 507)
        XCTAssertEqual(NearestNeighbours.blockSize(count: 300, workers: 2), 300)
    }

    /// Brute-force K-NN with the k-NN's own reference distance (`exactSquaredDistance`, bit for bit).
    private func exactBruteForce(_ x: [Float], count: Int, dimension: Int, k: Int) -> (indices: [Int32], distances: [Double]) {
        var indices = [Int32](), distances = [Double]()
        x.withUnsafeBufferPointer { xb in
            let base = xb.baseAddress!
            for i in 0..<count {
                var order = [(Double, Int)]()
                for j in 0..<count where j != i {
                    order.append((exactSquaredDistance(base + i * dimension, base + j * dimension, dimension: dimension), j))
                }
                order.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                for r in 0..<k { indices.append(Int32(order[r].1)); distances.append(order[r].0) }
            }
        }
        return (indices, distances)
    }

    func testWorkerCountDoesNotChangeTheResult() {
        let n = 1100, d = 7, k = 5
        let x = TestData.uniform(count: n, dimension: d, seed: 3)
        let one = NearestNeighbours.compute(features: x, count: n, dimension: d, neighbourCount: k, workers: 1)
        for workers in [2, 3] {
            let other = NearestNeighbours.compute(features: x, count: n, dimension: d, neighbourCount: k, workers: workers)
            XCTAssertEqual(one.indices, other.indices, "\(workers) workers")
            XCTAssertEqual(one.squaredDistances, other.squaredDistances, "\(workers) workers")
        }
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
