import Foundation

/// Decoding of the project's hand-written JSON files (the registry, sweep files) where a misspelt key is an error,
/// not silently ignored as `JSONDecoder` does, and every failure is one line: a syntax error with its line and
/// column, a type error with its JSON path, an unknown key with its path and the keys allowed there.
///
/// Unknown keys are found by walking the parsed JSON beside the decoded value (`Mirror`): at a struct, every key
/// must be one of its stored properties (the synthesised coding keys); dictionaries and free-form values
/// (`[String: …]`, enums with payloads) take any key.
public enum StrictJSON {
    /// Why a file did not decode, in one line (without the file name, which the caller adds).
    public struct Failure: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        if let problem = trailingComma(in: data) { throw Failure(reason: problem) }
        let value: T
        do { value = try JSONDecoder().decode(type, from: data) } catch let error as DecodingError {
            throw Failure(reason: describe(error, in: data))
        }
        if let tree = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
           let problem = unknownKey(in: tree, value: value, path: []) {
            throw Failure(reason: problem)
        }
        return value
    }

    /// One line for a decoding error: a syntax error with line and column, or the JSON path and what was expected.
    public static func describe(_ error: DecodingError, in data: Data? = nil) -> String {
        switch error {
        case let .keyNotFound(key, ctx): return "missing field '\(key.stringValue)' at \(path(ctx.codingPath))"
        case let .typeMismatch(type, ctx): return "wrong type at \(path(ctx.codingPath)): expected \(typeName(type))"
        case let .valueNotFound(type, ctx): return "missing value at \(path(ctx.codingPath)): expected \(typeName(type))"
        case let .dataCorrupted(ctx):
            if ctx.codingPath.isEmpty, let data {
                let problem = syntaxError(ctx, data: data)
                return problem.hasPrefix("a number") ? problem : "not valid JSON: " + problem
            }
            return "invalid value at \(path(ctx.codingPath)): \(ctx.debugDescription)"
        @unknown default: return "invalid JSON"
        }
    }

    static func path(_ keys: [CodingKey]) -> String {
        keys.isEmpty ? "top level" : keys.enumerated().map { i, key in
            key.intValue.map { "[\($0)]" } ?? (i == 0 ? key.stringValue : ".\(key.stringValue)")
        }.joined()
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is UInt64.Type, is Int32.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return name
        }
    }

    /// "invalid value at line 3, column 7": Foundation's parser gives the byte offset of a syntax error
    /// ("around character 25"); this turns it into a line and column.
    private static func syntaxError(_ ctx: DecodingError.Context, data: Data) -> String {
        do { _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            var message = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "syntax error"
            if let range = message.range(of: #"around character \d+"#, options: .regularExpression),
               let offset = Int(message[range].split(separator: " ").last ?? "") {
                message.replaceSubrange(range, with: "at " + lineAndColumn(of: offset, in: data))
            }
            if message.hasSuffix(".") { message.removeLast() }
            return message.prefix(1).lowercased() + message.dropFirst()
        }
        // Well-formed JSON that still failed: Foundation reports a number that does not fit its field (a negative or
        // fractional value where a whole number ≥ 0 is expected) this way, without saying where.
        return "a number does not fit its field (a negative or fractional value where a whole number ≥ 0 is expected)"
    }

    /// A comma before `}` or `]` (`[1, 2,]`): Foundation's parser takes it, but JSON (RFC 8259) and other tools
    /// that read these hand-written files do not, so it is refused as a syntax error, with its line and column.
    public static func trailingComma(in data: Data) -> String? {
        var inString = false, escaped = false, comma: Int?
        for (offset, byte) in data.enumerated() {
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                continue
            }
            switch byte {
            case 0x2C: comma = offset
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case 0x7D, 0x5D:
                if let comma {
                    return "not valid JSON: a comma before '\(byte == 0x7D ? "}" : "]")' at \(lineAndColumn(of: comma, in: data)) (remove it)"
                }
            default:
                inString = byte == 0x22
                comma = nil
            }
        }
        return nil
    }

    /// "line L, column C" (1-based) of a byte offset.
    public static func lineAndColumn(of offset: Int, in data: Data) -> String {
        var line = 1, column = 1
        for byte in data.prefix(offset) {
            if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return "line \(line), column \(column)"
    }

    /// The first key of `tree` that `value`'s type does not have, as "unknown key 'k' at PATH (allowed: …)".
    private static func unknownKey(in tree: Any, value: Any, path: [String]) -> String? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return nil }
            return unknownKey(in: tree, value: wrapped, path: path)
        }
        let at = path.isEmpty ? "top level" : path.joined()
        switch (tree, mirror.displayStyle) {
        case let (object as [String: Any], .struct?), let (object as [String: Any], .class?):
            let fields = Dictionary(mirror.children.compactMap { child in child.label.map { ($0, child.value) } },
                                    uniquingKeysWith: { a, _ in a })
            for key in object.keys.sorted() {
                guard let field = fields[key] else {
                    return "unknown key '\(key)' at \(at) (allowed: \(fields.keys.sorted().joined(separator: ", ")))"
                }
                if let problem = unknownKey(in: object[key] as Any, value: field, path: path + [path.isEmpty ? key : ".\(key)"]) {
                    return problem
                }
            }
        case let (object as [String: Any], .dictionary?):
            for child in mirror.children {
                let pair = Mirror(reflecting: child.value).children.map(\.value)
                guard pair.count == 2, let key = pair[0] as? String, let sub = object[key] else { continue }
                if let problem = unknownKey(in: sub, value: pair[1], path: path + ["[\"\(key)\"]"]) { return problem }
            }
        case let (array as [Any], .collection?):
            for (i, element) in zip(array.indices, mirror.children.map(\.value)) {
                if let problem = unknownKey(in: array[i], value: element, path: path + ["[\(i)]"]) { return problem }
            }
        default:
            break
        }
        return nil
    }
}
