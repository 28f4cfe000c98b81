import ArgumentParser
import JuleHarness

/// Parses `PATH=VALUE` settings: numbers (as JSON writes them), true/false and null become JSON scalars, anything
/// else a string.
enum SettingOverrides {
    /// A `--set` setting the configuration refused, named as the user typed it.
    struct Refused: Error, CustomStringConvertible {
        let setting: String
        let reason: String
        var description: String { "--set \(setting): \(reason)" }
    }

    static func parse(_ settings: [String]) throws -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for setting in settings {
            guard let eq = setting.firstIndex(of: "=") else { throw ValidationError("--set \(setting): expected PATH=VALUE") }
            let key = String(setting[..<eq]), raw = String(setting[setting.index(after: eq)...])
            guard !key.isEmpty else { throw ValidationError("--set \(setting): empty PATH") }
            if let number = try number(raw, setting: setting) { out[key] = .number(number) }
            else if raw == "true" || raw == "false" { out[key] = .bool(raw == "true") }
            else if raw == "null" { out[key] = .null }
            else { out[key] = .string(raw) }
        }
        return out
    }

    /// `raw` as a JSON number, nil when it is no number at all (a string then). Swift's `Double` also reads `nan`,
    /// `inf`, `0x10`, `+1`, `.5` and `1e999` (as infinity): these are refused, as is a whole number above 2⁵³, which
    /// a setting (a `Double` in the record) cannot hold exactly.
    static func number(_ raw: String, setting: String) throws -> Double? {
        guard let value = Double(raw) else { return nil }
        guard value.isFinite else { throw ValidationError("--set \(setting): not a finite number") }
        guard isJSONNumber(raw) else {
            throw ValidationError("--set \(setting): not a decimal number (as JSON writes one: 16, 0.5, 1e-3)")
        }
        // From 2⁵³ on, doubles skip whole numbers: 2⁵³ + 1 parses as 2⁵³, and two seeds asked for would be one.
        if value.rounded() == value && abs(value) >= 9_007_199_254_740_992 {
            throw ValidationError("--set \(setting): not exact as a setting (whole numbers below 2⁵³; a larger seed goes in --seed)")
        }
        return value
    }

    /// Whether `text` is a number of JSON's grammar: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
    private static func isJSONNumber(_ text: String) -> Bool {
        var rest = Substring(text)
        func digits() -> Int { let n = rest.prefix(while: { $0.isASCII && $0.isNumber }).count; rest = rest.dropFirst(n); return n }
        if rest.first == "-" { rest = rest.dropFirst() }
        let leadingZero = rest.first == "0"
        let whole = digits()
        guard whole > 0, !(leadingZero && whole > 1) else { return false }
        if rest.first == "." { rest = rest.dropFirst(); guard digits() > 0 else { return false } }
        if rest.first == "e" || rest.first == "E" {
            rest = rest.dropFirst()
            if rest.first == "+" || rest.first == "-" { rest = rest.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return rest.isEmpty
    }

    /// Refuses an option given together with a `--set` of the path it sets (`--epochs-per-period 3 --set
    /// epochsPerPeriod=2`), or of a path inside it (`--network … --set network.blocks…`): one of the two would be
    /// silently unused. `options` are (option, path, whether it was given).
    static func refuseTwice(_ settings: [String], options: [(name: String, path: String, given: Bool)]) throws {
        let paths = try parse(settings).keys.sorted()
        for option in options where option.given {
            if let path = paths.first(where: { $0 == option.path || $0.hasPrefix(option.path + ".") }) {
                throw ValidationError("give \(option.name) or --set \(path), not both")
            }
        }
    }

    /// `base` with `overrides` applied: the `settings` as parsed, plus the command's own (its flags, its default
    /// convolution). A fault in a setting the user typed is named as typed (`--set training.margin=abc: wrong type:
    /// expected a number`), never as the batch it was applied in.
    static func apply(_ overrides: [String: JSONValue], typed settings: [String],
                      to base: RunConfiguration) throws -> RunConfiguration {
        do { return try base.applying(overrides: overrides) } catch let HarnessError.invalidOverride(key, reason) {
            // The last one of a key repeated is the one that counts (`parse`).
            guard let typed = settings.last(where: { $0.hasPrefix(key + "=") }) else {
                throw HarnessError.invalidOverride(key: key, reason: reason)
            }
            throw Refused(setting: typed, reason: reason)
        }
    }
}
