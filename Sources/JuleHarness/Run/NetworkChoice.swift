import Foundation
import JuleCompute
import JuleData

/// Which network a dataset trains: a `NetworkSpec` preset named in its registry entry (or with `--network`), or the
/// design rule (§2) for its image size. A name that is neither is an error, never a silent fall-back to the rule.
public enum NetworkChoice {
    /// The registry's spelling of "no preset: use the design rule".
    public static let designRule = "design-rule"

    /// Every accepted name, for help texts and errors.
    public static var names: String { ([designRule] + NetworkSpec.presetNames).joined(separator: ", ") }

    /// The network called `name` for images of `shape` ([C, H, W]); `owner` names where the name came from
    /// (e.g. "dataset 'USPS'", "--network") in errors.
    public static func resolve(_ name: String, shape: [Int], owner: String) throws -> NetworkSpec {
        guard shape.count == 3, shape.allSatisfy({ $0 >= 1 }) else {
            throw HarnessError.invalidConfiguration("\(owner): shape \(shape) is not [C, H, W] with positive sizes")
        }
        if name.caseInsensitiveCompare(designRule) == .orderedSame {
            return NetworkSpec.designRule(channels: shape[0], height: shape[1], width: shape[2])
        }
        guard let preset = NetworkSpec.preset(name) else {
            throw HarnessError.invalidConfiguration("\(owner): network '\(name)' is not a preset (one of \(names))")
        }
        let input = [preset.inputChannels, preset.inputHeight, preset.inputWidth]
        guard input == shape else {
            throw HarnessError.invalidConfiguration(
                "\(owner): network '\(name)' takes \(input.map(String.init).joined(separator: "×")) images, the dataset's are "
                + shape.map(String.init).joined(separator: "×") + " (use design-rule, or a preset of that size)")
        }
        return preset
    }

    /// Why `name`, given with `option`, names no network: checked before anything is read (a usage error, exit 64),
    /// where `resolve` needs the dataset's shape. Nil for a preset or the design rule, in any letter case.
    public static func nameProblem(_ name: String, option: String) -> String? {
        if name.caseInsensitiveCompare(designRule) == .orderedSame || NetworkSpec.preset(name) != nil { return nil }
        return "\(option): network '\(name)' is not a preset (one of \(names))"   // as `resolve` says it
    }

    /// Checks every entry's network name against the presets, at load: a typo is reported before any work starts.
    public static func check(_ registry: DatasetRegistry) throws {
        for entry in registry.datasets {
            do { _ = try resolve(entry.network, shape: entry.shape, owner: "dataset '\(entry.name)'") } catch {
                throw DataError.invalidRegistry(file: registry.url?.path ?? "registry", reason: "\(error)".replacingOccurrences(of: "invalid configuration: ", with: ""))
            }
        }
    }
}

extension JSONValue {
    /// Any encodable value as a JSON value (e.g. a network spec as a `network` override).
    public init<T: Encodable>(encoding value: T) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }
}

