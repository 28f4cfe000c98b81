/// Turns stored label values into 0-based class ids (`DecoderParameters.labelMapping`).
///
/// - identity: the value itself (already 0-based, e.g. MNIST digits).
/// - minusOne: value − 1 (1-based MATLAB ids: CMU-PIE 1..68, UMist 1..20).
/// - mod10: value mod 10 (USPS: stored 1..10 for digits 1..9 then 0, so 10 becomes digit 0).
/// - rank: sorted distinct values → 0..K−1 (what JULE's loader does with any label set, §1.2).
enum LabelMapping {
    static func apply(_ name: String, to values: [Double], file: String) throws -> [Int32] {
        for value in values where value != value.rounded() || !value.isFinite {
            throw DataError.malformedFile(file: file, reason: "label \(value) is not an integer")
        }
        // Class ids are Int32: a stored label beyond ±2⁵³ (where doubles stop being exact integers) is corrupt,
        // and converting it to Int64 would trap.
        for value in values where abs(value) > 9_007_199_254_740_992 {
            throw DataError.malformedFile(file: file, reason: "label \(value) is out of range")
        }
        let integers = values.map { Int64($0) }
        let mapped: [Int64]
        switch name {
        case "identity": mapped = integers
        case "minusOne": mapped = integers.map { $0 - 1 }
        case "mod10": mapped = integers.map { (($0 % 10) + 10) % 10 }
        case "rank":
            let order = Dictionary(uniqueKeysWithValues: Set(integers).sorted().enumerated().map { ($1, Int64($0)) })
            mapped = integers.map { order[$0] ?? 0 }
        default:
            throw DataError.invalidRequest("unknown label mapping '\(name)'")
        }
        if let bad = mapped.first(where: { $0 < 0 || $0 > Int64(Int32.max) }) {
            throw DataError.malformedFile(file: file, reason: "label maps to \(bad) under '\(name)', outside 0...")
        }
        return mapped.map { Int32($0) }
    }
}
