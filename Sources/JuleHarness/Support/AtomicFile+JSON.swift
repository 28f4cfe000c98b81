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

    /// Reads `url` as JSON of `type`. `strict` (hand-written files: sweep files) makes an unknown key an error.
    /// Errors are one line: the path, then a syntax error's line and column or the JSON path of a wrong value.
    public static func decode<T: Decodable>(_ type: T.Type, from url: URL, strict: Bool = false) throws -> T {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw HarnessError.unreadableFile(url, reason: FileErrorText.cause(error))
        }
        do { return strict ? try StrictJSON.decode(type, from: data) : try JSONDecoder().decode(type, from: data) }
        catch let error as DecodingError { throw HarnessError.malformedFile(url, reason: StrictJSON.describe(error, in: data)) }
        catch let failure as StrictJSON.Failure { throw HarnessError.malformedFile(url, reason: failure.reason) }
    }

    /// One line for a decoding error: the JSON path and what was expected.
    public static func describe(_ error: DecodingError) -> String { StrictJSON.describe(error) }
}
