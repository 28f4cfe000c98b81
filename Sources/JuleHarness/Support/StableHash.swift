import Foundation

/// A short, stable identifier for a value: FNV-1a (64-bit) over its canonical JSON (sorted keys).
///
/// Used for configuration hashes and sweep cell ids, where stability across runs and machines matters and
/// collision resistance against an adversary does not.
public enum StableHash {
    public static func hex<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return hex(bytes: try encoder.encode(value))
    }

    public static func hex(bytes: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let s = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
