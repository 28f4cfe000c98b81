/// The merge criterion of §3.5 evaluated for one cluster from its sparse affinity row.
///
/// With s₁ ≥ s₂ ≥ … the affinities A(C, ·) to the admissible partners (all live clusters for `.paper`, lower slots
/// for `.torch`, higher slots for `.caffe`), padded with zeros for non-linked clusters, and ties ordered by the
/// lower slot:
///
///     paper:  score = s₁ + (λ/(m − 1)) · Σ_{k=2}^{m} (s₁ − s_k),   m = min(K_c, n_live − 1)   (s₁ if m ≤ 1)
///     torch:  score = s₁ + (1/(K_c − 1)) · Σ_{k=2}^{K_c} (s₁ − s_k)  if the period started with n > 100, else s₁
///     caffe:  score = s₁ + w · (1/q) · Σ_{k=1}^{q} (s₁ − s_{k+1}),  q = min(K_c, n_live − 1)  (s₁ if q = 0)
///
/// The partner is the slot holding s₁. For the paper form, m = K_c as long as more than K_c clusters are live;
/// below that the contrast averages over the neighbours that exist (the doc's formula needs K_c − 1 of them).
struct MergeScorer {
    let rule: MergeScore
    let contrastNeighbours: Int
    let lambda: Double
    let lccWeight: Double
    /// Torch's ">100 columns" gate, fixed per period (regular mode never shrinks its matrix, §3.7).
    let torchContrast: Bool
    /// Round the score to float (`AffinityPrecision.single`), so float ties are ties here too.
    var single = false

    /// Whether scores depend on the live count at this count (then every score must be refreshed after a merge).
    func dependsOnLiveCount(_ live: Int) -> Bool {
        rule != .torch && live - 1 < contrastNeighbours
    }

    func score(of c: Int, in graph: AffinityGraph) -> (score: Double, partner: Int)? {
        score(row: graph.affinity[c], of: c, liveCount: graph.liveCount)
    }

    /// The score of cluster `c` whose positive affinities are `row` (slot → A), with `liveCount` live clusters.
    func score(row: [Int32: Double], of c: Int, liveCount: Int) -> (score: Double, partner: Int)? {
        let depth: Int
        switch rule {
        case .paper: depth = max(1, min(contrastNeighbours, liveCount - 1))
        case .torch: depth = max(1, contrastNeighbours)
        case .caffe: depth = min(contrastNeighbours, liveCount - 1) + 1
        }
        // Top `depth` admissible entries, descending by value, ties to the lower slot.
        var top = [(value: Double, slot: Int32)]()
        top.reserveCapacity(depth + 1)
        let c32 = Int32(c)
        for (slot, value) in row {
            switch rule {
            case .paper: break
            case .torch: if slot > c32 { continue }
            case .caffe: if slot < c32 { continue }
            }
            if top.count == depth {
                let last = top[depth - 1]
                if value < last.value || (value == last.value && slot > last.slot) { continue }
                top.removeLast()
            }
            var pos = top.count
            top.append((value, slot))
            while pos > 0 && (top[pos - 1].value < value || (top[pos - 1].value == value && top[pos - 1].slot > slot)) {
                top[pos] = top[pos - 1]; pos -= 1
            }
            top[pos] = (value, slot)
        }
        guard let best = top.first else { return nil }
        let s1 = best.value
        func s(_ k: Int) -> Double { k <= top.count ? top[k - 1].value : 0 }   // 1-based, zero padding
        var score = s1
        switch rule {
        case .paper:
            if depth > 1 {
                var sum = 0.0
                for k in 2...depth { sum += s1 - s(k) }
                score = s1 + lambda / Double(depth - 1) * sum
            }
        case .torch:
            if torchContrast && contrastNeighbours > 1 {
                var sum = 0.0
                for k in 2...contrastNeighbours { sum += s1 - s(k) }
                score = s1 + sum / Double(contrastNeighbours - 1)
            }
        case .caffe:
            let q = depth - 1
            if q > 0 {
                var sum = 0.0
                for k in 1...q { sum += s1 - s(k + 1) }
                score = s1 + lccWeight * (sum / Double(q))
            }
        }
        return (single ? Double(Float(score)) : score, Int(best.slot))
    }
}
