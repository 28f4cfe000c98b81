import Foundation
import XCTest
@testable import JuleCluster

final class SampleGraphTests: XCTestCase {
    func testWeightsFollowTheFormulaAndTransposeMatches() {
        let n = 150, d = 6, k = 7
        let x = TestData.uniform(count: n, dimension: d, seed: 11)
        let nn = NearestNeighbours.compute(features: x, count: n, dimension: d, neighbourCount: k)
        let g = SampleGraph(neighbours: nn)
        let sigma2 = nn.squaredDistances.reduce(0, +) / Double(n * k)
        XCTAssertEqual(g.sigmaSquared, sigma2, accuracy: 1e-15)
        let w = g.denseWeights()
        for i in 0..<n {
            XCTAssertEqual(w[i * n + i], 0)
            for r in 0..<k {
                let j = Int(nn.indices[i * k + r])
                XCTAssertEqual(w[i * n + j], exp(-nn.squaredDistances[i * k + r] / sigma2), accuracy: 1e-15)
            }
        }
        // The in-edge lists are exactly the transpose.
        var fromTranspose = [Double](repeating: 0, count: n * n)
        for m in 0..<n {
            for e in g.inOffsets[m]..<g.inOffsets[m + 1] { fromTranspose[Int(g.inSources[e]) * n + m] = g.inWeights[e] }
        }
        XCTAssertEqual(fromTranspose, w)
        XCTAssertEqual(w.filter { $0 != 0 }.count, n * k)
    }

    func testCallerWeightsLandInBothDirections() {
        let n = 40, d = 3, k = 4
        let x = TestData.uniform(count: n, dimension: d, seed: 5)
        let nn = NearestNeighbours.compute(features: x, count: n, dimension: d, neighbourCount: k)
        let weights = (0..<(n * k)).map { Double($0 % 7 + 1) / 8 }
        let g = SampleGraph(neighbours: nn, weights: weights, sigmaSquared: 2)
        XCTAssertEqual(g.outWeights, weights)
        XCTAssertEqual(g.sigmaSquared, 2)
        let w = g.denseWeights()
        for i in 0..<n { for r in 0..<k { XCTAssertEqual(w[i * n + Int(nn.indices[i * k + r])], weights[i * k + r]) } }
        var fromTranspose = [Double](repeating: 0, count: n * n)
        for m in 0..<n {
            for e in g.inOffsets[m]..<g.inOffsets[m + 1] { fromTranspose[Int(g.inSources[e]) * n + m] = g.inWeights[e] }
        }
        XCTAssertEqual(fromTranspose, w)
    }
}
