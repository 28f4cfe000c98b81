/// The closest of some known names to a mistyped one, for "did you mean …?" in an error line.
public enum NearestName {
    /// The candidate with the smallest edit distance to `name` (ties: the first in sorted order), or, failing a close
    /// one, the only candidate whose last dotted component equals `name`'s (`margin` → `training.margin`). Nil when
    /// nothing is close: at most a third of the longer name's characters may differ.
    public static func suggestion(for name: String, among candidates: [String]) -> String? {
        let typed = Array(name.lowercased())
        var best: (distance: Int, name: String)?
        for candidate in candidates.sorted() {
            let d = distance(typed, Array(candidate.lowercased()))
            if d < (best?.distance ?? .max) { best = (d, candidate) }
        }
        if let best, best.name != name, best.distance * 3 <= max(typed.count, best.name.count) { return best.name }
        let last = name.split(separator: ".").last.map(String.init) ?? name
        let sameLeaf = candidates.filter { $0.split(separator: ".").last.map(String.init) == last }
        return sameLeaf.count == 1 ? sameLeaf[0] : nil
    }

    /// Edit distance counting insertions, deletions, substitutions and swaps of two adjacent characters (optimal
    /// string alignment: `trian` is one edit from `train`), three rows.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count), current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }
}
