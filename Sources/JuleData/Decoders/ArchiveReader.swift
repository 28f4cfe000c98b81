import CArchive
import Foundation

/// Reads members of zip and tar(.gz/.bz2/.xz) archives through libarchive.
enum ArchiveReader {
    /// What a member is, for the members `body` does not get.
    enum MemberKind: Equatable {
        case regular
        case directory
        /// "a symbolic link", "a device", …
        case other(String)
    }

    /// Calls `body` with the name and full contents of every regular-file member for which `want` is true, in
    /// archive order, and `skipped` with every other member and its kind. Zip and tar (plain or compressed) only:
    /// libarchive's other formats include mtree, which takes almost any text file for an empty archive. A file in
    /// neither format, or a truncated or corrupt archive, throws `DataError.malformedFile` naming the archive.
    ///
    /// Size limits (a zip or tar bomb): a member whose header declares more than `limits.maxBytes` is refused
    /// before it is read; one that inflates past its declared size, past `limits.maxBytes`, or past
    /// `limits.maxArchiveBytes` for all wanted members together is refused as soon as it does.
    static func forEachMember(in url: URL, want: (String) -> Bool, limits: DecodeLimits = .current,
                              skipped: (String, MemberKind) -> Void = { _, _ in },
                              _ body: (String, Data) throws -> Void) throws {
        guard let archive = archive_read_new() else { throw DataError.io(file: url.path, reason: "libarchive initialisation failed") }
        defer { archive_read_free(archive) }
        archive_read_support_filter_all(archive)
        archive_read_support_format_zip(archive)
        archive_read_support_format_tar(archive)
        func failure(_ what: String) -> DataError {
            // libarchive's messages may end in (or contain) newlines; errors here are one line.
            let message = (archive_error_string(archive).map { String(cString: $0) } ?? "unknown error")
                .split(whereSeparator: \.isNewline).joined(separator: " ")
            return .malformedFile(file: url.path, reason: "\(what) (\(message))")
        }
        guard archive_read_open_filename(archive, url.path, 1 << 20) == ARCHIVE_OK else {
            throw failure("not a readable archive")
        }
        var entry: OpaquePointer? = nil
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        while true {
            let status = archive_read_next_header(archive, &entry)
            if status == ARCHIVE_EOF { break }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else { throw failure("corrupt or truncated archive") }
            let name = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
            let kind = Self.kind(archive_entry_filetype(entry))
            guard kind == .regular, want(name) else {
                skipped(name, kind)
                archive_read_data_skip(archive)
                continue
            }
            let declared = archive_entry_size_is_set(entry) != 0 ? Int(archive_entry_size(entry)) : 0
            guard declared <= limits.maxBytes else {
                throw DataError.malformedFile(file: url.path, reason: "member \(name) declares \(declared) bytes, above the \(DecodeLimits.describe(bytes: limits.maxBytes)) limit for one member")
            }
            var contents = Data(capacity: max(declared, 0))
            while true {
                let read = buffer.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
                if read == 0 { break }
                guard read > 0 else { throw failure("cannot read member \(name)") }
                if declared > 0, contents.count + read > declared {
                    throw DataError.malformedFile(file: url.path, reason: "member \(name) has more bytes than its header says (\(declared))")
                }
                guard contents.count + read <= limits.maxBytes else {
                    throw DataError.malformedFile(file: url.path, reason: "member \(name) inflates to more than \(DecodeLimits.describe(bytes: limits.maxBytes)), the limit for one member (an archive bomb?)")
                }
                guard total + read <= limits.maxArchiveBytes else {
                    throw DataError.malformedFile(file: url.path, reason: "members inflate to more than \(DecodeLimits.describe(bytes: limits.maxArchiveBytes)), the limit for one archive (an archive bomb?)")
                }
                total += read
                contents.append(buffer, count: read)
            }
            if declared > 0, contents.count != declared {
                throw DataError.malformedFile(file: url.path, reason: "member \(name) has \(contents.count) bytes, header says \(declared)")
            }
            try body(name, contents)
        }
    }

    /// A member's type from its `AE_IF*` mode bits (macros Swift does not import).
    private static func kind(_ filetype: UInt32) -> MemberKind {
        switch filetype {
        case 0o100000: return .regular
        case 0o040000: return .directory
        case 0o120000: return .other("a symbolic link")
        case 0o010000: return .other("a fifo")
        case 0o140000: return .other("a socket")
        case 0o020000, 0o060000: return .other("a device")
        default: return .other("an entry of type \(String(filetype, radix: 8))")
        }
    }

    /// The named members' contents; a missing one throws `DataError.missingMember`.
    static func members(_ names: [String], in url: URL) throws -> [String: Data] {
        let wanted = Set(names)
        var found: [String: Data] = [:]
        try forEachMember(in: url, want: { wanted.contains(normalise($0)) }) { name, data in found[normalise(name)] = data }
        for name in names where found[name] == nil { throw DataError.missingMember(container: url.path, member: name) }
        return found
    }

    /// Strips a leading "./" that some tar writers add.
    static func normalise(_ name: String) -> String {
        name.hasPrefix("./") ? String(name.dropFirst(2)) : name
    }
}
