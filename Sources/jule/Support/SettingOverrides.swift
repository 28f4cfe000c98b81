import ArgumentParser
import JuleHarness

/// Parses `PATH=VALUE` settings: numbers, true/false and null become JSON scalars, anything else a string.
enum SettingOverrides {
    static func parse(_ settings: [String]) throws -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for setting in settings {
            guard let eq = setting.firstIndex(of: "=") else { throw ValidationError("--set \(setting): expected PATH=VALUE") }
            let key = String(setting[..<eq]), raw = String(setting[setting.index(after: eq)...])
            guard !key.isEmpty else { throw ValidationError("--set \(setting): empty PATH") }
            if let d = Double(raw) { out[key] = .number(d) }
            else if raw == "true" || raw == "false" { out[key] = .bool(raw == "true") }
            else if raw == "null" { out[key] = .null }
            else { out[key] = .string(raw) }
        }
        return out
    }
}
