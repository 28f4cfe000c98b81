import CArchive
import Foundation
import JuleData

/// Writes archives with libarchive, so tests and fuzz seeds need no external tools: zip (deflated members) or tar
/// (pax) with an optional compression filter. Members are plain files, mode 644, time 0 (the same bytes every run),
/// then the `links` (name, target) as symbolic-link members, then the `directories` as folder members.
public enum ArchiveFixture {
    public enum Format: Sendable {
        case zip, tar, tarGz, tarBz2, tarXz
    }

    public static func write(_ members: [(String, Data)], links: [(String, String)] = [], directories: [String] = [],
                             format: Format, to url: URL) throws {
        guard let archive = archive_write_new() else { throw DataError.invalidRequest("archive_write_new") }
        defer { archive_write_free(archive) }
        if format == .zip {
            archive_write_set_format_zip(archive)
        } else {
            archive_write_set_format_pax_restricted(archive)
        }
        switch format {
        case .tarGz: archive_write_add_filter_gzip(archive)
        case .tarBz2: archive_write_add_filter_bzip2(archive)
        case .tarXz: archive_write_add_filter_xz(archive)
        case .zip, .tar: break
        }
        guard archive_write_open_filename(archive, url.path) == ARCHIVE_OK else { throw DataError.invalidRequest("open \(url.path)") }
        for (name, data) in members {
            guard let entry = archive_entry_new() else { throw DataError.invalidRequest("archive_entry_new") }
            archive_entry_set_pathname(entry, name)
            archive_entry_set_size(entry, la_int64_t(data.count))
            archive_entry_set_filetype(entry, 0o100000)
            archive_entry_set_perm(entry, 0o644)
            archive_entry_set_mtime(entry, 0, 0)
            archive_write_header(archive, entry)
            _ = data.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
            archive_entry_free(entry)
        }
        for (name, target) in links {
            guard let entry = archive_entry_new() else { throw DataError.invalidRequest("archive_entry_new") }
            archive_entry_set_pathname(entry, name)
            archive_entry_set_filetype(entry, 0o120000)
            archive_entry_set_symlink(entry, target)
            archive_entry_set_perm(entry, 0o777)
            archive_entry_set_mtime(entry, 0, 0)
            archive_write_header(archive, entry)
            archive_entry_free(entry)
        }
        for name in directories {
            guard let entry = archive_entry_new() else { throw DataError.invalidRequest("archive_entry_new") }
            archive_entry_set_pathname(entry, name)
            archive_entry_set_filetype(entry, 0o040000)
            archive_entry_set_perm(entry, 0o755)
            archive_entry_set_mtime(entry, 0, 0)
            archive_write_header(archive, entry)
            archive_entry_free(entry)
        }
        guard archive_write_close(archive) == ARCHIVE_OK else { throw DataError.invalidRequest("close \(url.path)") }
    }
}
