import ArgumentParser

/// `--seed`: a whole number in 0…2⁶⁴−1. Parsed unconditionally, so that `--seed -1` gets this message rather
/// than "missing value" (a leading '-' would otherwise read as an option).
enum Seed {
    @Sendable static func parse(_ text: String) throws -> UInt64 {
        guard let seed = UInt64(text) else {
            throw ValidationError("a seed is a whole number in 0…\(UInt64.max)")
        }
        return seed
    }
}
