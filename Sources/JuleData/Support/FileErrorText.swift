import Foundation

/// Plain one-line text for Foundation's file and JSON errors, which print as dumps otherwise
/// (`Error Domain=NSCocoaErrorDomain Code=513 "…" UserInfo={…}`): the path, when the error names one, and the cause
/// in a few words, from the underlying POSIX error where there is one.
public enum FileErrorText {
    /// "permission denied", "no such file or directory", "no space left on device", … for a Foundation error; the
    /// error's own description for any other error.
    public static func cause(_ error: Error) -> String {
        guard isFoundationError(error) else { return "\(error)" }
        let ns = error as NSError
        if let posix = posixCode(ns) { return String(cString: strerror(posix)).lowercased() }
        guard ns.domain == NSCocoaErrorDomain else { return ns.localizedDescription }
        switch CocoaError.Code(rawValue: ns.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or directory"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        case .fileWriteOutOfSpace: return "no space left on device"
        case .fileWriteVolumeReadOnly: return "read-only file system"
        case .fileWriteFileExists: return "file exists"
        case .fileReadCorruptFile, .propertyListReadCorrupt: return "not valid JSON" + (jsonLocation(ns).map { " (\($0))" } ?? "")
        case .fileReadTooLarge: return "file too large"
        case .fileReadInapplicableStringEncoding: return "not valid UTF-8 text"
        default: return "I/O error (code \(ns.code))"
        }
    }

    /// "PATH: cause", with the path the error names (or `path` when given).
    public static func describe(_ error: Error, path: String? = nil) -> String {
        let ns = error as NSError
        let named = path ?? (ns.userInfo[NSFilePathErrorKey] as? String)
            ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
        return named.map { "\($0): \(cause(error))" } ?? cause(error)
    }

    /// Whether `error` is one of Foundation's (its description would be a dump).
    public static func isFoundationError(_ error: Error) -> Bool {
        let domain = (error as NSError).domain
        return domain == NSCocoaErrorDomain || domain == NSPOSIXErrorDomain
    }

    private static func posixCode(_ error: NSError) -> Int32? {
        if error.domain == NSPOSIXErrorDomain { return Int32(error.code) }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError { return posixCode(underlying) }
        return nil
    }

    /// "line 3, column 7" from a JSON parser's message, when it gives one.
    private static func jsonLocation(_ error: NSError) -> String? {
        let text = (error.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ""
        guard let range = text.range(of: #"line \d+, column \d+"#, options: .regularExpression) else { return nil }
        return String(text[range])
    }
}
