/// Exact maximum-weight assignment (Hungarian / Kuhn–Munkres with potentials, O(n²·m)).
///
/// For a non-negative n×m weight matrix with n ≤ m it finds an injective map rows → columns maximising
/// Σᵢ weight[i][σ(i)], by minimising the cost −weight with dual potentials u, v (Jonker–Volgenant style
/// shortest augmenting paths). Integer arithmetic, so the optimum is exact.
enum LinearAssignment {
    /// - Returns: for each row, its assigned column.
    static func maximise(weights: [Int], rows n: Int, columns m: Int) -> [Int] {
        precondition(n <= m && weights.count == n * m, "LinearAssignment needs rows ≤ columns")
        if n == 0 { return [] }
        let infinity = Int.max / 4
        // 1-based arrays as in the classical formulation; column 0 is a virtual start.
        var u = [Int](repeating: 0, count: n + 1), v = [Int](repeating: 0, count: m + 1)
        var p = [Int](repeating: 0, count: m + 1), way = [Int](repeating: 0, count: m + 1)
        var minv = [Int](repeating: 0, count: m + 1)
        var used = [Bool](repeating: false, count: m + 1)
        for i in 1...n {
            p[0] = i
            var j0 = 0
            for j in 0...m { minv[j] = infinity; used[j] = false }
            repeat {
                used[j0] = true
                let i0 = p[j0]
                var delta = infinity, j1 = 0
                for j in 1...m where !used[j] {
                    let cur = -weights[(i0 - 1) * m + (j - 1)] - u[i0] - v[j]
                    if cur < minv[j] { minv[j] = cur; way[j] = j0 }
                    if minv[j] < delta { delta = minv[j]; j1 = j }
                }
                for j in 0...m {
                    if used[j] { u[p[j]] += delta; v[j] -= delta } else { minv[j] -= delta }
                }
                j0 = j1
            } while p[j0] != 0
            repeat {
                let j1 = way[j0]
                p[j0] = p[j1]
                j0 = j1
            } while j0 != 0
        }
        var assignment = [Int](repeating: -1, count: n)
        for j in 1...m where p[j] != 0 { assignment[p[j] - 1] = j - 1 }
        return assignment
    }
}
