/// What a setting takes, read from the Swift type of the property at its path: so a refused value is answered with
/// the choices of every enum-valued setting, or the range of a whole number, without a table kept by hand.
struct SettingKind {
    /// "a whole number in 0…2⁶⁴−1", "a choice (one of gdl, average)", … (after "not ").
    let allowed: String

    /// The kind of the setting at dotted `path` of `configuration`, or nil when the path leads through a group that
    /// is unset (`compute` of most configurations) or to a type that is none of these.
    init?(at path: String, in configuration: RunConfiguration) {
        var value: Any = configuration
        var type: Any.Type = RunConfiguration.self
        for name in path.split(separator: ".") {
            guard let child = Mirror(reflecting: value).children.first(where: { $0.label == String(name) }) else { return nil }
            type = Swift.type(of: child.value)
            value = child.value
            // An optional's wrapped type: a nil `precision` is still an `AffinityPrecision?`.
            if let optional = type as? any OptionalSetting.Type {
                type = optional.wrappedType
                guard let wrapped = Mirror(reflecting: value).children.first?.value else {
                    if name != path.split(separator: ".").last { return nil }
                    break
                }
                value = wrapped
            }
        }
        if type == UInt64.self { allowed = "a whole number in 0…2⁶⁴−1" }
        else if type == Int.self { allowed = "a whole number" }
        else if let choice = type as? any (CaseIterable & RawRepresentable).Type { allowed = "a choice (one of \(Self.names(choice)))" }
        else { return nil }
    }

    private static func names<T: CaseIterable & RawRepresentable>(_ type: T.Type) -> String {
        T.allCases.map { "\($0.rawValue)" }.joined(separator: ", ")
    }
}

/// `Optional`, whatever it wraps: lets `SettingKind` see the type inside.
private protocol OptionalSetting { static var wrappedType: Any.Type { get } }
extension Optional: OptionalSetting { fileprivate static var wrappedType: Any.Type { Wrapped.self } }
