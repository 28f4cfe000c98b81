import Foundation
import JuleData

// JuleData's `AtomicFile` (temporary file, then rename) does the writing; the harness adds text and JSON.
extension AtomicFile {
    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// Encodes `value` as pretty, key-sorted JSON (stable bytes for identical values) and writes it atomically.
    public static func writeJSON<T: Encodable>(_ value: T, to url: URL) throws {
        try write(try JSONCoding.encode(value), to: url)
    }
}

/// The project's JSON conventions: sorted keys and pretty printing, so equal values give equal bytes.
public enum JSONCoding {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    public static func decode<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw HarnessError.unreadableFile(url, reason: (error as NSError).localizedDescription)
        }
        do { return try JSONDecoder().decode(type, from: data) } catch let error as DecodingError {
            throw HarnessError.malformedFile(url, reason: describe(error))
        }
    }

    /// One line for a decoding error: the JSON path and what was expected.
    public static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.isEmpty ? "top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case let .keyNotFound(key, ctx): return "missing key '\(key.stringValue)' at \(path(ctx.codingPath))"
        case let .typeMismatch(type, ctx): return "wrong type at \(path(ctx.codingPath)): expected \(type)"
        case let .valueNotFound(type, ctx): return "missing value at \(path(ctx.codingPath)): expected \(type)"
        case let .dataCorrupted(ctx): return "invalid JSON at \(path(ctx.codingPath)): \(ctx.debugDescription)"
        @unknown default: return "invalid JSON"
        }
    }
}
