/// Initial over-clustering (§3.3): connected components of the 1-NN graph i → next[i].
///
/// Labels are 0..<c, numbered by the smallest sample index of each component (so the labelling is canonical).
public enum NearestNeighbourComponents {
    /// Union-find over the edges i — next[i] (port default, §12 #7: no cap).
    public static func unionFind(next: [Int]) -> [Int] {
        var sets = UnionFind(count: next.count)
        for i in next.indices { sets.union(i, next[i]) }
        var label = [Int](repeating: -1, count: next.count)
        var rootLabel = [Int](repeating: -1, count: next.count)
        var c = 0
        for i in next.indices {
            let r = sets.find(i)
            if rootLabel[r] < 0 { rootLabel[r] = c; c += 1 }
            label[i] = rootLabel[r]
        }
        return label
    }

    /// Torch's chain walk (§3.3): from each unlabelled sample follow NN links, marking the path; stop at a
    /// labelled sample (inherit its label) or at a sample already on the path (new label). With `cap`, a walk
    /// stops after `cap` steps and the path takes the label of the next node, or a new label if it is unlabelled
    /// (Torch uses 51); this can split a chain into several clusters. Labels are then renumbered canonically.
    public static func chainWalk(next: [Int], cap: Int?) -> [Int] {
        let n = next.count
        var label = [Int](repeating: -1, count: n)
        var onPath = [Bool](repeating: false, count: n)
        var path = [Int]()
        var fresh = 0
        for start in 0..<n where label[start] < 0 {
            path.removeAll(keepingCapacity: true)
            var node = start
            var assigned = -1
            while true {
                if label[node] >= 0 { assigned = label[node]; break }
                if onPath[node] { assigned = fresh; fresh += 1; break }
                if let cap, path.count >= cap {
                    assigned = fresh; fresh += 1
                    break
                }
                onPath[node] = true
                path.append(node)
                node = next[node]
            }
            for p in path { label[p] = assigned; onPath[p] = false }
        }
        // Canonical numbering by smallest member.
        var map = [Int](repeating: -1, count: fresh)
        var c = 0
        for i in 0..<n {
            if map[label[i]] < 0 { map[label[i]] = c; c += 1 }
            label[i] = map[label[i]]
        }
        return label
    }
}
