import Foundation

/// Decoders whose sources are archives, image trees or HDF5 files: CIFAR and STL-10 (tar.gz), PNGs in a zip
/// (COIL), JPEG/PNG class-folder trees (folder or archive) and JULE's `data4torch.h5`. Every archive or file is
/// verified before it is opened for decoding; trees and zips verified member by member check each member first.
enum ArchiveDecoders {
    static func decode(set: SourceSet, files: [(SourceFile, URL)], dataset: String, mirror: URL?,
                       progress: ProgressReporter?) throws -> DecodedImages {
        let parameters = set.parameters
        func first(_ role: String) throws -> (SourceFile, URL) {
            guard let match = files.first(where: { $0.0.role == role }) else {
                throw DataError.invalidRequest("\(dataset): source '\(set.id)' lists no '\(role)' file")
            }
            return match
        }
        switch set.decoder {
        case "cifar":
            let (file, url) = try first("archive")
            try verifyFile(file, at: url, dataset: dataset, progress: progress)
            let names = parameters.members ?? []
            progress?.note("reading \(names.count) members of \(url.lastPathComponent)")
            let members = try ArchiveReader.members(names, in: url)
            return try CIFARDecoder.decode(members: names.map { ("\(url.path):\($0)", members[$0] ?? Data()) },
                                           labelBytes: parameters.labelBytes ?? 1, labelIndex: parameters.labelIndex ?? 0)
        case "stl10":
            let (file, url) = try first("archive")
            try verifyFile(file, at: url, dataset: dataset, progress: progress)
            let names = parameters.members ?? []
            guard names.count % 2 == 0, !names.isEmpty else {
                throw DataError.invalidRequest("\(dataset): stl10 members must be (X, y) pairs")
            }
            progress?.note("reading \(names.count) members of \(url.lastPathComponent)")
            let members = try ArchiveReader.members(names, in: url)
            let pairs = stride(from: 0, to: names.count, by: 2).map { i in
                (images: (name: "\(url.path):\(names[i])", bytes: members[names[i]] ?? Data()),
                 labels: (name: "\(url.path):\(names[i + 1])", bytes: members[names[i + 1]] ?? Data()))
            }
            return try STL10Decoder.decode(pairs: pairs)
        case "png-zip", "image-tree":
            let (file, url) = try files.first(where: { $0.0.role == "archive" || $0.0.role == "folder" })
                .map { $0 } ?? first("archive")
            guard let channels = parameters.channels, let height = parameters.height, let width = parameters.width else {
                throw DataError.invalidRequest("\(dataset): \(set.decoder) needs channels, height and width")
            }
            let items: [ImageItem]
            let memberCheck = file.treeSHA256 != nil || file.manifest != nil
            if file.isFolder {
                items = try ImageTreeDecoder.items(inFolder: url, pattern: parameters.filePattern)
            } else {
                // A whole-archive digest is checked before libarchive parses anything.
                if file.sha256 != nil || file.md5 != nil { try verifyFile(file, at: url, dataset: dataset, progress: progress) }
                items = try ImageTreeDecoder.items(inArchive: url, pattern: parameters.filePattern)
            }
            guard !items.isEmpty else {
                throw DataError.missingMember(container: url.path, member: "image files\(parameters.filePattern.map { " matching \($0)" } ?? "")")
            }
            let verifier = memberCheck ? try FolderVerifier(file: file, folder: url, mirror: mirror, dataset: dataset) : nil
            return try ImageSetDecoder.decode(items, channels: channels, height: height, width: width, verify: { digests in
                try verifier?.verify(digests.map { ((($0.name as NSString).lastPathComponent), $0.sha256) })
            }, progress: progress)
        case "jule-h5":
            let (file, url) = try first("h5")
            try verifyFile(file, at: url, dataset: dataset, progress: progress)
            return try JULEH5Decoder.decode(at: url)
        default:
            throw DataError.invalidRequest("\(dataset): unknown decoder '\(set.decoder)'")
        }
    }

    /// Streams a file through its recorded digest (sha256 preferred, else md5) and checks its size.
    static func verifyFile(_ file: SourceFile, at url: URL, dataset: String, progress: ProgressReporter?) throws {
        if let bytes = file.bytes {
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? -1
            guard size == bytes else { throw DataError.wrongSize(file: url.path, size: size, expected: bytes) }
        }
        progress?.note("verifying \(url.lastPathComponent)")
        if let sha256 = file.sha256 {
            let actual = try Digest.hex(.sha256, ofFile: url)
            guard actual == sha256 else {
                throw DataError.checksumMismatch(dataset: dataset, file: url.path, algorithm: "sha256", expected: sha256, actual: actual)
            }
        } else if let md5 = file.md5 {
            let actual = try Digest.hex(.md5, ofFile: url)
            guard actual == md5 else {
                throw DataError.checksumMismatch(dataset: dataset, file: url.path, algorithm: "md5", expected: md5, actual: actual)
            }
        }
    }
}
