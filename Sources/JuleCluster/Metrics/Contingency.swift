/// The contingency table of two labelings of the same N samples.
///
/// Rows are the distinct `truth` labels, columns the distinct `predicted` labels (each in ascending label order);
/// `counts[i][j]` = |{s : truth[s] = uᵢ and predicted[s] = vⱼ}|. Labels may be any integers.
struct Contingency {
    let total: Int
    let rows: Int, columns: Int
    /// rows×columns, row-major.
    let counts: [Int]
    let rowSums: [Int]
    let columnSums: [Int]

    init(truth: [Int], predicted: [Int]) {
        precondition(truth.count == predicted.count, "truth and predicted must have the same length")
        let u = Array(Set(truth)).sorted(), v = Array(Set(predicted)).sorted()
        var ui = [Int: Int](), vi = [Int: Int]()
        for (i, l) in u.enumerated() { ui[l] = i }
        for (j, l) in v.enumerated() { vi[l] = j }
        total = truth.count
        rows = u.count
        columns = v.count
        var c = [Int](repeating: 0, count: u.count * v.count)
        var rs = [Int](repeating: 0, count: u.count), cs = [Int](repeating: 0, count: v.count)
        for s in truth.indices {
            let i = ui[truth[s], default: 0], j = vi[predicted[s], default: 0]
            c[i * v.count + j] += 1
            rs[i] += 1
            cs[j] += 1
        }
        counts = c
        rowSums = rs
        columnSums = cs
    }

    subscript(i: Int, j: Int) -> Int { counts[i * columns + j] }
}
