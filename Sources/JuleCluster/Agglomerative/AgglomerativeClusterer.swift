import Collections
import Foundation
import JuleData

/// JULE's forward pass (§3): k-NN graph, 1-NN components, and periods of GDL merges with the local-contrast
/// criterion, with a priority queue of scores and exact sparse affinity updates.
public struct AgglomerativeClusterer: Sendable {
    public let configuration: ClusteringConfiguration
    /// The GEMM of the k-NN search (speed only; see `MatrixProduct`).
    public let product: MatrixProduct
    /// The exponential of W (`.portable` in portable runs, so the weights do not depend on the C library).
    public let functions: MathFunctions

    public init(configuration: ClusteringConfiguration = ClusteringConfiguration(), product: MatrixProduct = .openBLAS,
                functions: MathFunctions = .system) {
        self.configuration = configuration
        self.product = product
        self.functions = functions
    }

    /// §3.1: exact K-NN of `features` (N×dimension), K clamped to N − 1.
    public func nearestNeighbours(features: [Float], count: Int, dimension: Int, neighbourCount: Int) -> NearestNeighbours {
        NearestNeighbours.compute(features: features, count: count, dimension: dimension,
                                  neighbourCount: min(neighbourCount, count - 1), workers: configuration.workers,
                                  product: product)
    }

    /// §3.3: connected components of the 1-NN graph of `features` (N×dimension, row-major).
    public func initialClusters(features: [Float], count: Int, dimension: Int) -> [Int] {
        if count < 2 { return [Int](repeating: 0, count: count) }
        return initialClusters(neighbours: nearestNeighbours(features: features, count: count, dimension: dimension,
                                                             neighbourCount: 1))
    }

    /// §3.3 from an existing k-NN result (its first neighbour of each row).
    public func initialClusters(neighbours: NearestNeighbours) -> [Int] {
        let k = neighbours.neighbourCount
        let next = (0..<neighbours.count).map { Int(neighbours.indices[$0 * k]) }
        if let cap = configuration.chainCap { return NearestNeighbourComponents.chainWalk(next: next, cap: cap) }
        return NearestNeighbourComponents.unionFind(next: next)
    }

    /// §3.2–3.7: one period: k-NN graph + W on `features`, then T = min(⌈η·n⌉, n − n*) merges from `labels`.
    public func mergePeriod(features: [Float], count: Int, dimension: Int, labels: [Int], target: Int,
                            neighbourCount: Int) throws -> PeriodResult {
        try validate(count: count, target: target, neighbourCount: neighbourCount)
        precondition(labels.count == count, "labels must have one entry per sample")
        if count == 1 { return PeriodResult(labels: [0], clusters: 1, merges: 0, neighbourCount: neighbourCount, startClusters: 1) }
        let nn = nearestNeighbours(features: features, count: count, dimension: dimension,
                                   neighbourCount: neighbourCount)
        return try mergePeriod(graph: sampleGraph(nn), features: features, dimension: dimension,
                               labels: labels, target: target)
    }

    /// W of §3.1 on a k-NN result, in the configured precision.
    func sampleGraph(_ neighbours: NearestNeighbours) -> SampleGraph {
        SampleGraph(neighbours: neighbours, precision: configuration.effectivePrecision, functions: functions)
    }

    /// Initial clusters, then periods until `target` clusters (JULE-RC, and the raw-pixel baseline).
    ///
    /// The features do not change between periods here, so the k-NN graph is computed once per K_s and reused
    /// (identical to recomputing it each period, §3.1). Returns the initial components unchanged if there are
    /// already no more than `target` of them. `neighbourCount` is the K_s to start with (default: the
    /// configuration's; JULE-RC passes the SF periods' doubled K_s when `keepDoubledNeighbours` is on). This is
    /// the only path that applies `rcOneWayMerge` (SF's periods come through `mergePeriod` directly).
    public func cluster(features: [Float], count: Int, dimension: Int, target: Int, neighbourCount: Int? = nil,
                        onPeriod: ((PeriodResult) -> Void)? = nil) throws -> [Int] {
        let start = neighbourCount ?? configuration.neighbourCount
        try validate(count: count, target: target, neighbourCount: start)
        if count == 1 { return [0] }
        var k = min(start, count - 1)
        var nn = nearestNeighbours(features: features, count: count, dimension: dimension, neighbourCount: k)
        var labels = initialClusters(neighbours: nn)
        var clusters = (labels.max() ?? -1) + 1
        var graph = sampleGraph(nn)
        while clusters > target {
            let result = try mergePeriod(graph: graph, features: features, dimension: dimension,
                                         labels: labels, target: target,
                                         absorbOneWay: configuration.effectiveRCOneWayMerge)
            onPeriod?(result)
            labels = result.labels
            clusters = result.clusters
            if result.neighbourCount != k {
                k = result.neighbourCount
                nn = nearestNeighbours(features: features, count: count, dimension: dimension, neighbourCount: k)
                graph = sampleGraph(nn)
            }
        }
        return labels
    }

    /// One period on a prepared sample graph (see `mergePeriod(features:…)`).
    ///
    /// 1. D and A from scratch (§3.2). 2. If enabled and n > 20·n* (`isolatedPremergeFactor`), every isolated cluster (no positive D in
    /// either direction) merges into the cluster of nearest centroid, the lower slot keeping the union (§3.4).
    /// 2b. With `absorbOneWay`, every one-way cluster (see `AffinityGraph.isOneWay`) merges into its partner of
    /// highest affinity, in slot order, until none is left or n* is reached (an improvement, not a reference step).
    /// 3. T = min(⌈η·n⌉, n − n*) merges (§3.6), each taking the highest score (ties: lowest slot) from a max-heap
    /// with lazy invalidation and refreshing only the clusters whose affinity rows changed (§3.7).
    /// 4. If the heap runs dry (no positive affinity) the period stops; K_s is doubled for the next call or an
    /// error is thrown, per `onZeroAffinity` (§12 #9).
    public func mergePeriod(graph sampleGraph: SampleGraph, features: [Float], dimension: Int, labels: [Int],
                            target: Int, absorbOneWay: Bool = false) throws -> PeriodResult {
        let count = sampleGraph.count
        precondition(labels.count == count && features.count == count * dimension, "shape mismatch")
        // Slots numbered by first appearance, so a surviving (lower) slot always holds the smaller first sample.
        var slotOf = [Int: Int]()
        var slotLabels = [Int](repeating: 0, count: count)
        for (i, l) in labels.enumerated() {
            if let s = slotOf[l] { slotLabels[i] = s } else { let s = slotOf.count; slotOf[l] = s; slotLabels[i] = s }
        }
        let startClusters = slotOf.count
        var graph = AffinityGraph(graph: sampleGraph, labels: slotLabels, clusterCount: startClusters,
                                  precision: configuration.effectivePrecision)
        let exact = configuration.affinityUpdate == .exact

        var premerges = 0
        let premergeFactor = configuration.isolatedPremergeFactor ?? 20
        if configuration.isolatedPremerge && Double(startClusters) > premergeFactor * Double(target) {
            premerges = premergeIsolated(&graph, features: features, dimension: dimension, target: target, exact: exact)
        }
        let oneWayMerges = absorbOneWay ? mergeOneWay(&graph, target: target, exact: exact) : 0

        let n = graph.liveCount
        let budget = max(0, min(Int((configuration.unrollingRate * Double(n)).rounded(.up)), n - target))
        let scorer = MergeScorer(rule: configuration.mergeScore, contrastNeighbours: configuration.contrastNeighbours,
                                 lambda: configuration.lambda, lccWeight: configuration.lccWeight,
                                 torchContrast: startClusters > 100,
                                 single: configuration.effectivePrecision == .single)
        var version = [Int](repeating: 0, count: startClusters)
        var heap = Heap<ScoreEntry>()
        func push(_ c: Int) {
            version[c] += 1
            if let s = scorer.score(of: c, in: graph) {
                heap.insert(ScoreEntry(score: s.score, cluster: c, partner: s.partner, version: version[c]))
            }
        }
        func rescoreAll() {
            heap = Heap()
            for c in 0..<startClusters where graph.isLive(c) { push(c) }
        }
        var merges = 0
        var zeroAffinity = false
        if budget > 0 { rescoreAll() }
        while merges < budget {
            guard let top = heap.popMax() else { zeroAffinity = true; break }
            guard graph.isLive(top.cluster) && version[top.cluster] == top.version else { continue }
            let a = min(top.cluster, top.partner), b = max(top.cluster, top.partner)
            let affected = graph.merge(a, b, exact: exact)
            version[b] += 1
            merges += 1
            if scorer.dependsOnLiveCount(graph.liveCount) {
                rescoreAll()
            } else {
                for z in affected { push(z) }
                // Keep stale entries from dominating memory.
                if heap.count > 8 * graph.liveCount + 1024 { rescoreAll() }
            }
        }

        // The one place for §3.5's zero-score rule, used by SF (JuleRunner) and RC (`cluster`) alike: stop the period
        // and double K_s (Caffe) or fail (Torch). A period that changed nothing with K_s already N − 1 can never
        // progress, so it fails under either policy instead of looping.
        var nextK = sampleGraph.neighbourCount
        if zeroAffinity {
            let stuck = merges == 0 && premerges == 0 && sampleGraph.neighbourCount >= count - 1
            switch configuration.onZeroAffinity {
            case .error:
                throw ClusterError.noPositiveAffinity(clusters: graph.liveCount, target: target,
                                                      neighbourCount: sampleGraph.neighbourCount)
            case .doubleNeighbours where stuck:
                throw ClusterError.noPositiveAffinity(clusters: graph.liveCount, target: target,
                                                      neighbourCount: sampleGraph.neighbourCount)
            case .doubleNeighbours:
                nextK = min(2 * sampleGraph.neighbourCount, count - 1)
            }
        }
        // Output labels: live slots in ascending order → 0..<clusters.
        var compact = [Int](repeating: -1, count: startClusters)
        var next = 0
        for c in 0..<startClusters where graph.isLive(c) { compact[c] = next; next += 1 }
        let out = graph.clusterOf.map { compact[Int($0)] }
        return PeriodResult(labels: out, clusters: graph.liveCount, merges: merges, neighbourCount: nextK,
                            startClusters: startClusters, premerges: premerges, oneWayMerges: oneWayMerges, budget: budget,
                            stoppedOnZeroAffinity: zeroAffinity)
    }

    /// §3.4: scan slots once in order; an isolated live cluster merges with the live cluster of nearest centroid
    /// (squared Euclidean, ties to the lower slot). Stops at `target` clusters.
    private func premergeIsolated(_ graph: inout AffinityGraph, features: [Float], dimension: Int, target: Int,
                                  exact: Bool) -> Int {
        let slots = graph.members.count
        guard (0..<slots).contains(where: { graph.isIsolated($0) }) else { return 0 }
        // Centroid sums in Double (slot × dimension).
        var sums = [Double](repeating: 0, count: slots * dimension)
        for c in 0..<slots {
            for s in graph.members[c] {
                let base = Int(s) * dimension
                for t in 0..<dimension { sums[c * dimension + t] += Double(features[base + t]) }
            }
        }
        var merged = 0
        var centroid = [Double](repeating: 0, count: dimension)
        for i in 0..<slots where graph.isLive(i) && graph.isIsolated(i) {
            if graph.liveCount <= max(target, 1) { break }
            let si = Double(graph.size(i))
            for t in 0..<dimension { centroid[t] = sums[i * dimension + t] / si }
            var best = -1, bestDistance = Double.infinity
            for j in 0..<slots where j != i && graph.isLive(j) {
                let sj = Double(graph.size(j))
                var d = 0.0
                for t in 0..<dimension {
                    let diff = centroid[t] - sums[j * dimension + t] / sj
                    d += diff * diff
                }
                if d < bestDistance { bestDistance = d; best = j }
            }
            guard best >= 0 else { break }
            let a = min(i, best), b = max(i, best)
            graph.merge(a, b, exact: exact)
            for t in 0..<dimension { sums[a * dimension + t] += sums[b * dimension + t] }
            merged += 1
        }
        return merged
    }

    /// Step 2b: scans in slot order until one finds nothing, since a union can be one-way again (when the part it
    /// absorbed was its only reciprocal partner). Stops at `target`.
    private func mergeOneWay(_ graph: inout AffinityGraph, target: Int, exact: Bool) -> Int {
        var merged = 0
        var changed = true
        while changed {
            changed = false
            for x in 0..<graph.members.count where graph.isLive(x) && graph.isOneWay(x) {
                if graph.liveCount <= max(target, 1) { return merged }
                guard let y = graph.strongestPartner(of: x) else { continue }
                graph.merge(min(x, y), max(x, y), exact: exact)
                merged += 1
                changed = true
            }
        }
        return merged
    }

    private func validate(count: Int, target: Int, neighbourCount: Int) throws {
        guard count >= 1 else { throw ClusterError.invalidParameter(name: "sample count", value: "\(count)", expected: "≥ 1") }
        guard target >= 1 && target <= count else {
            throw ClusterError.invalidParameter(name: "target clusters", value: "\(target)", expected: "1...\(count)")
        }
        guard neighbourCount >= 1 else {
            throw ClusterError.invalidParameter(name: "neighbour count K_s", value: "\(neighbourCount)", expected: "≥ 1")
        }
        let c = configuration
        guard c.contrastNeighbours >= 1 else {
            throw ClusterError.invalidParameter(name: "contrast neighbours K_c", value: "\(c.contrastNeighbours)", expected: "≥ 1")
        }
        guard c.unrollingRate > 0 && c.unrollingRate <= 1 else {
            throw ClusterError.invalidParameter(name: "unrolling rate η", value: "\(c.unrollingRate)", expected: "(0, 1]")
        }
        guard c.lambda >= 0 && c.lambda.isFinite else {
            throw ClusterError.invalidParameter(name: "lambda", value: "\(c.lambda)", expected: "a finite value ≥ 0")
        }
        if let cap = c.chainCap, cap < 1 {
            throw ClusterError.invalidParameter(name: "chain cap", value: "\(cap)", expected: "≥ 1 or none")
        }
        if let factor = c.isolatedPremergeFactor, !(factor >= 0 && factor.isFinite) {
            throw ClusterError.invalidParameter(name: "isolated pre-merge factor", value: "\(factor)",
                                                expected: "a finite value ≥ 0 or none")
        }
    }
}
