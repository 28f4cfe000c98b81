import XCTest
@testable import JuleCluster

final class NearestNeighbourComponentsTests: XCTestCase {
    /// Direct chain walk without a cap (§3.3), written independently of the library.
    private func chainWalk(_ next: [Int]) -> [Int] {
        var label = [Int](repeating: -1, count: next.count)
        var fresh = 0
        for s in next.indices where label[s] < 0 {
            var path = [Int](), onPath = Set<Int>()
            var node = s
            while label[node] < 0 && !onPath.contains(node) { path.append(node); onPath.insert(node); node = next[node] }
            let l: Int
            if label[node] >= 0 { l = label[node] } else { l = fresh; fresh += 1 }
            for p in path { label[p] = l }
        }
        return label
    }

    /// Same partition up to renaming.
    private func samePartition(_ a: [Int], _ b: [Int]) -> Bool {
        var ab = [Int: Int](), ba = [Int: Int]()
        for (x, y) in zip(a, b) {
            if let m = ab[x], m != y { return false }
            if let m = ba[y], m != x { return false }
            ab[x] = y; ba[y] = x
        }
        return true
    }

    func testUnionFindEqualsChainWalkOnRandomData() {
        for seed in 0..<5 {
            let n = 400, d = 5
            let x = seed % 2 == 0 ? TestData.uniform(count: n, dimension: d, seed: UInt64(20 + seed))
                                  : TestData.tiedWithDuplicates(count: n, dimension: d, seed: UInt64(20 + seed))
            let nn = NearestNeighbours.compute(features: x, count: n, dimension: d, neighbourCount: 1)
            let next = nn.indices.map { Int($0) }
            let uf = NearestNeighbourComponents.unionFind(next: next)
            let walk = chainWalk(next)
            XCTAssertTrue(samePartition(uf, walk), "seed \(seed)")
            XCTAssertEqual(NearestNeighbourComponents.chainWalk(next: next, cap: nil), uf)
            // Canonical numbering: labels appear in order of first sample.
            var seen = -1
            for l in uf where l > seen { XCTAssertEqual(l, seen + 1); seen = l }
            XCTAssertGreaterThan(seen + 1, 1)
            XCTAssertLessThanOrEqual(seen + 1, n / 2)
        }
    }

    func testChainCapSplitsLongChains() {
        // 0 → 1 → 2 → … → 9 → 8 (a single component of 10 samples).
        var next = Array(1...9) + [8]
        XCTAssertEqual(Set(NearestNeighbourComponents.unionFind(next: next)), [0])
        let capped = NearestNeighbourComponents.chainWalk(next: next, cap: 3)
        XCTAssertEqual(capped, [0, 0, 0, 1, 1, 1, 2, 2, 2, 2])
        next = [1, 0, 3, 2]
        XCTAssertEqual(NearestNeighbourComponents.chainWalk(next: next, cap: 51), [0, 0, 1, 1])
    }
}
