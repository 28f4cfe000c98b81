import XCTest
@testable import JuleCluster

final class MergeScorerTests: XCTestCase {
    func testPaperFormOnAHandMadeRow() {
        // Row of cluster 3: A = 0.9 (slot 1), 0.5 (slot 7), 0.5 (slot 0), 0.2 (slot 9); K_c = 5, λ = 1, 12 live.
        let s = MergeScorer(rule: .paper, contrastNeighbours: 5, lambda: 1, lccWeight: 1, torchContrast: true)
        let row: [Int32: Double] = [1: 0.9, 7: 0.5, 0: 0.5, 9: 0.2]
        // s = 0.9, 0.5, 0.5, 0.2, 0 (padding) → 0.9 + (1/4)·(0.4 + 0.4 + 0.7 + 0.9) = 1.5
        let r = s.score(row: row, of: 3, liveCount: 12)
        XCTAssertEqual(r?.score ?? 0, 1.5, accuracy: 1e-15)
        XCTAssertEqual(r?.partner, 1)
        // λ = 0: plain GDL, the best affinity. Ties go to the lower slot.
        let plain = MergeScorer(rule: .paper, contrastNeighbours: 5, lambda: 0, lccWeight: 1, torchContrast: true)
        XCTAssertEqual(plain.score(row: [7: 0.5, 2: 0.5], of: 3, liveCount: 12)?.partner, 2)
        XCTAssertEqual(plain.score(row: [7: 0.5, 2: 0.5], of: 3, liveCount: 12)?.score, 0.5)
        // All-zero row: no candidate.
        XCTAssertNil(s.score(row: [:], of: 3, liveCount: 12))
        // Three live clusters: m = min(K_c, 2) = 2 → 0.9 + (0.9 − 0.5) = 1.3.
        XCTAssertEqual(s.score(row: [1: 0.9, 7: 0.5], of: 3, liveCount: 3)?.score ?? 0, 1.3, accuracy: 1e-15)
    }

    func testTorchAndCaffeVariants() {
        let row: [Int32: Double] = [1: 0.9, 2: 0.3, 7: 0.8, 9: 0.6]
        // Torch: only lower slots (1, 2) for cluster 5; gate on: 0.9 + (1/4)(0.6 + 0.9 + 0.9 + 0.9) = 1.725.
        let torch = MergeScorer(rule: .torch, contrastNeighbours: 5, lambda: 1, lccWeight: 1, torchContrast: true)
        XCTAssertEqual(torch.score(row: row, of: 5, liveCount: 50)?.score ?? 0, 1.725, accuracy: 1e-15)
        XCTAssertEqual(torch.score(row: row, of: 5, liveCount: 50)?.partner, 1)
        let gated = MergeScorer(rule: .torch, contrastNeighbours: 5, lambda: 1, lccWeight: 1, torchContrast: false)
        XCTAssertEqual(gated.score(row: row, of: 5, liveCount: 50)?.score, 0.9)
        XCTAssertNil(torch.score(row: [7: 0.8], of: 5, liveCount: 50))
        // Caffe: only higher slots (7, 9); q = min(5, 49) = 5 terms: s = 0.8, 0.6, 0, 0, 0, 0
        // → 0.8 + 0.5·(0.2 + 0.8·4)/5 = 1.14.
        let caffe = MergeScorer(rule: .caffe, contrastNeighbours: 5, lambda: 1, lccWeight: 0.5, torchContrast: true)
        XCTAssertEqual(caffe.score(row: row, of: 5, liveCount: 50)?.score ?? 0, 1.14, accuracy: 1e-15)
        XCTAssertEqual(caffe.score(row: row, of: 5, liveCount: 50)?.partner, 7)
    }
}
