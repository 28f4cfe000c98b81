/// Cluster-level Graph Degree Linkage affinities over a sparse sample graph (§3.2), with merges (§3.7).
///
/// For clusters X ≠ Y and a sample m, with c(m) its cluster:
///
///     in_X(m)  = Σ_{p ∈ X} W[p, m]          out_X(m) = Σ_{q ∈ X} W[m, q]
///     D(X → Y) = Σ_{m ∈ Y} in_X(m) · out_X(m)            (= 1ᵀ W_{X,Y} W_{Y,X} 1)
///     A(X, Y)  = D(X → Y) / |X|² + D(Y → X) / |Y|²        (symmetric)
///
/// Only positive entries are stored, per cluster, in both directions, so the work is O(N·K·in-degree) and no
/// cluster×cluster matrix exists. Every D(X → Y) is accumulated over m ∈ Y in ascending sample order, with the
/// per-sample sums taken over each sample's edges in their stored order. The exact merge update follows the same
/// order, so after any sequence of merges the stored values are *bitwise* equal to a recomputation from scratch
/// (which makes the merge order independent of the update path).
///
/// With `single` precision every sum, product and quotient is rounded to float after each operation (float
/// arithmetic exactly, §15.1): products of weights below ~1e-23 become 0, and a cluster whose terms all vanish is
/// isolated, as in the references.
struct AffinityGraph {
    let graph: SampleGraph
    let single: Bool
    /// Sample → cluster slot. A slot keeps its number for the whole call; merged-away slots are empty.
    private(set) var clusterOf: [Int32]
    /// Slot → its samples, ascending.
    private(set) var members: [[Int32]]
    private(set) var liveCount: Int
    /// outgoing[X][Y] = D(X → Y) and incoming[Y][X] = D(X → Y), positive entries only.
    private(set) var outgoing: [[Int32: Double]]
    private(set) var incoming: [[Int32: Double]]
    /// affinity[X][Y] = A(X, Y) > 0, stored for both X and Y.
    private(set) var affinity: [[Int32: Double]]

    // Scratch indexed by cluster slot (per-sample sums) and by sample (touched sets), reused across calls.
    private var inSum: [Double], outSum: [Double], stamp: [Int], touched: [Int32]
    private var sampleStamp: [Int], stampCounter = 0

    /// - Parameter labels: cluster slot of every sample, 0..<clusterCount; empty slots count as merged away.
    init(graph: SampleGraph, labels: [Int], clusterCount: Int, precision: AffinityPrecision = .double) {
        precondition(labels.count == graph.count, "labels must have one entry per sample")
        self.graph = graph
        single = precision == .single
        clusterOf = labels.map { Int32($0) }
        members = Array(repeating: [], count: clusterCount)
        for (i, c) in labels.enumerated() { members[c].append(Int32(i)) }
        liveCount = members.reduce(0) { $0 + ($1.isEmpty ? 0 : 1) }
        outgoing = Array(repeating: [:], count: clusterCount)
        incoming = Array(repeating: [:], count: clusterCount)
        affinity = Array(repeating: [:], count: clusterCount)
        inSum = [Double](repeating: 0, count: clusterCount)
        outSum = [Double](repeating: 0, count: clusterCount)
        stamp = [Int](repeating: -1, count: clusterCount)
        touched = []
        sampleStamp = [Int](repeating: -1, count: graph.count)
        computeAll()
    }

    func size(_ x: Int) -> Int { members[x].count }
    func isLive(_ x: Int) -> Bool { !members[x].isEmpty }
    /// True when cluster x has no positive D in either direction (§3.4's "isolated").
    func isIsolated(_ x: Int) -> Bool { outgoing[x].isEmpty && incoming[x].isEmpty }
    /// True when other clusters reach x (some D(Y → x) > 0) but no path x → m → x leaves it (every D(x → Y) = 0):
    /// x's affinities are then D(Y → x)/|Y|² alone.
    func isOneWay(_ x: Int) -> Bool { outgoing[x].isEmpty && !incoming[x].isEmpty }
    func directed(_ x: Int, _ y: Int) -> Double { outgoing[x][Int32(y)] ?? 0 }
    /// The partner of highest affinity (ties: lowest slot; independent of dictionary order), nil if none.
    func strongestPartner(of x: Int) -> Int? {
        var best: (slot: Int32, value: Double)?
        for (y, v) in affinity[x] where best == nil || v > best!.value || (v == best!.value && y < best!.slot) {
            best = (y, v)
        }
        return best.map { Int($0.slot) }
    }

    /// A result in the graph's precision.
    @inline(__always) private func r(_ value: Double) -> Double { single ? Double(Float(value)) : value }

    // MARK: - From scratch

    private mutating func computeAll() {
        for m in 0..<graph.count { accumulate(sample: m, only: nil) }
        for x in 0..<members.count { refreshAffinities(of: x) }
    }

    /// Adds sample m's terms in_X(m)·out_X(m) to D(X → c(m)) for every X ≠ c(m) (or only for X = `only`).
    private mutating func accumulate(sample m: Int, only: Int32?) {
        let k = graph.neighbourCount
        let y = clusterOf[m]
        touched.removeAll(keepingCapacity: true)
        stampCounter += 1
        for r in 0..<k {
            let x = clusterOf[Int(graph.outIndices[m * k + r])]
            if let only, x != only { continue }
            if stamp[Int(x)] != stampCounter {
                stamp[Int(x)] = stampCounter; inSum[Int(x)] = 0; outSum[Int(x)] = 0; touched.append(x)
            }
            outSum[Int(x)] = self.r(outSum[Int(x)] + graph.outWeights[m * k + r])
        }
        for e in graph.inOffsets[m]..<graph.inOffsets[m + 1] {
            let x = clusterOf[Int(graph.inSources[e])]
            // Only clusters that m also points to can contribute.
            if stamp[Int(x)] == stampCounter { inSum[Int(x)] = r(inSum[Int(x)] + graph.inWeights[e]) }
        }
        for x in touched where x != y {
            let product = r(inSum[Int(x)] * outSum[Int(x)])
            if product > 0 {
                let sum = r((outgoing[Int(x)][y] ?? 0) + product)
                outgoing[Int(x)][y] = sum
                incoming[Int(y)][x] = sum
            }
        }
    }

    private mutating func refreshAffinities(of x: Int) {
        var keys = Set(outgoing[x].keys)
        keys.formUnion(incoming[x].keys)
        let sx = Double(size(x))
        for y32 in keys {
            let y = Int(y32)
            let sy = Double(size(y))
            let dxy = outgoing[x][y32] ?? 0, dyx = incoming[x][y32] ?? 0
            let a = r(r(dxy / r(sx * sx)) + r(dyx / r(sy * sy)))
            guard a > 0 else {
                affinity[x][y32] = nil
                affinity[y][Int32(x)] = nil
                continue
            }
            affinity[x][y32] = a
            affinity[y][Int32(x)] = a
        }
    }

    // MARK: - Merges

    /// Merges slot `b` into slot `a` (a < b by convention of the callers, not required) and updates D and A.
    ///
    /// Exact mode recomputes D(X → a∪b) over a∪b's samples and D(a∪b → Y) over the samples adjacent to a∪b
    /// (§3.7 "exact sparse update"): O(|a∪b|·K·in-degree). Fast mode is Torch's approximation (§3.7.2):
    /// D(a∪b → Y) ≈ D(a → Y) + D(b → Y), dropping the cross terms, and D(X → a∪b) = D(X → a) + D(X → b).
    /// Returns the clusters whose affinity entries changed (former partners of a or b, new partners of a∪b, a).
    @discardableResult
    mutating func merge(_ a: Int, _ b: Int, exact: Bool) -> [Int] {
        precondition(a != b && isLive(a) && isLive(b), "merge needs two distinct live clusters")
        let a32 = Int32(a), b32 = Int32(b)
        var affected = Set(affinity[a].keys)
        affected.formUnion(affinity[b].keys)

        // Drop every affinity entry of a and b; they are rebuilt below.
        for y in affinity[a].keys { affinity[Int(y)][a32] = nil }
        for y in affinity[b].keys { affinity[Int(y)][b32] = nil }
        affinity[a] = [:]; affinity[b] = [:]

        // Membership.
        for s in members[b] { clusterOf[Int(s)] = a32 }
        members[a] = Self.mergeSorted(members[a], members[b])
        members[b] = []
        liveCount -= 1

        if exact {
            detach(a); detach(b)
            // Incoming side: D(X → a∪b) over m ∈ a∪b in ascending order.
            for m in members[a] { accumulate(sample: Int(m), only: nil) }
            // Outgoing side: D(a∪b → Y) over samples m ∉ a∪b adjacent to a∪b, ascending.
            let k = graph.neighbourCount
            stampCounter += 1
            var adjacent = [Int32]()
            for p in members[a] {
                let pi = Int(p)
                for r in 0..<k {
                    let m = graph.outIndices[pi * k + r]
                    if clusterOf[Int(m)] != a32 && sampleStamp[Int(m)] != stampCounter {
                        sampleStamp[Int(m)] = stampCounter; adjacent.append(m)
                    }
                }
                for e in graph.inOffsets[pi]..<graph.inOffsets[pi + 1] {
                    let m = graph.inSources[e]
                    if clusterOf[Int(m)] != a32 && sampleStamp[Int(m)] != stampCounter {
                        sampleStamp[Int(m)] = stampCounter; adjacent.append(m)
                    }
                }
            }
            adjacent.sort()
            for m in adjacent { accumulate(sample: Int(m), only: a32) }
        } else {
            // Row and column addition (Torch's fast mode); the a–b entries become internal and vanish.
            var row = outgoing[a]
            for (y, v) in outgoing[b] { row[y] = r((row[y] ?? 0) + v) }
            var column = incoming[a]
            for (x, v) in incoming[b] { column[x] = r((column[x] ?? 0) + v) }
            detach(a); detach(b)
            row[a32] = nil; row[b32] = nil; column[a32] = nil; column[b32] = nil
            for (y, v) in row { outgoing[a][y] = v; incoming[Int(y)][a32] = v }
            for (x, v) in column { incoming[a][x] = v; outgoing[Int(x)][a32] = v }
        }
        refreshAffinities(of: a)
        affected.formUnion(affinity[a].keys)
        affected.remove(b32)
        affected.insert(a32)
        return affected.map { Int($0) }.sorted()
    }

    /// Removes every D entry with x on either side.
    private mutating func detach(_ x: Int) {
        let x32 = Int32(x)
        for y in outgoing[x].keys { incoming[Int(y)][x32] = nil }
        for y in incoming[x].keys { outgoing[Int(y)][x32] = nil }
        outgoing[x] = [:]; incoming[x] = [:]
    }

    private static func mergeSorted(_ u: [Int32], _ v: [Int32]) -> [Int32] {
        var out = [Int32](); out.reserveCapacity(u.count + v.count)
        var i = 0, j = 0
        while i < u.count && j < v.count {
            if u[i] < v[j] { out.append(u[i]); i += 1 } else { out.append(v[j]); j += 1 }
        }
        out.append(contentsOf: u[i...]); out.append(contentsOf: v[j...])
        return out
    }
}
