import Foundation

/// Decodes a list of image files (PNG or JPEG) into a dataset of fixed C×H×W: reads and verifies every file first,
/// then decodes on all cores, resizing images of another size (`ImageResizer`) and converting to planar C×H×W.
/// Labels are the rank of each item's class key among the keys present (0-based), or 0 for unlabeled items.
enum ImageSetDecoder {
    /// The size every image is resized to.
    enum TargetSize {
        case fixed(ImageSize)
        /// The size most images have, read from their headers; a tie goes to the size met first in item order.
        case mostCommon
    }

    /// `verify` receives every (name, sha256) pair before anything is decoded and throws on a mismatch.
    static func decode(_ items: [ImageItem], channels: Int, height: Int, width: Int,
                       verify: ([(name: String, sha256: String)]) throws -> Void,
                       progress: ProgressReporter?, skipUnreadable: Bool = false) throws -> DecodedImages {
        try decode(items, channels: channels, size: .fixed(ImageSize(height: height, width: width)), verify: verify,
                   progress: progress, skipUnreadable: skipUnreadable)
    }

    /// Files that cannot be read or decoded are all named in one error (the first with its reason, then how many
    /// more and which); with `skipUnreadable` they are left out instead and listed in `DecodedImages.skipped`.
    /// `verify` sees the files that could be read, and is not called when unreadable files will fail the decode.
    static func decode(_ items: [ImageItem], channels: Int, size target: TargetSize,
                       verify: ([(name: String, sha256: String)]) throws -> Void,
                       progress: ProgressReporter?, skipUnreadable: Bool = false) throws -> DecodedImages {
        let count = items.count
        var contents = [Data](repeating: Data(), count: count)
        var digests = [String](repeating: "", count: count)
        let failures = Collected<(index: Int, error: Error)>()
        let oriented = Collected<(index: Int, value: Int)>()
        try contents.withUnsafeMutableBufferPointer { contentBuffer in
            try digests.withUnsafeMutableBufferPointer { digestBuffer in
                try parallelForEach(count) { i in
                    do { contentBuffer[i] = try items[i].contents() } catch {
                        failures.append((i, error))
                        return
                    }
                    digestBuffer[i] = Digest.sha256(contentBuffer[i])
                    if let value = contentBuffer[i].withUnsafeBytes(JPEGOrientation.read), value != 1 { oriented.append((i, value)) }
                }
            }
        }
        let unread = Set(failures.values.map(\.index))
        if unread.isEmpty || skipUnreadable {
            try verify((0..<count).filter { !unread.contains($0) }.map { (items[$0].name, digests[$0]) })
        }
        let size: ImageSize
        switch target {
        case .fixed(let fixed): size = fixed
        case .mostCommon: size = mostCommonSize(contents, skipping: unread) ?? ImageSize(height: 1, width: 1)
        }
        let height = size.height, width = size.width
        progress?.update(phase: "decode", done: 0, total: count)

        let imageSize = channels * height * width
        var pixels = [UInt8](repeating: 0, count: count * imageSize)
        let done = ManagedCounter()
        let otherSizes = Collected<ImageSize>()
        try pixels.withUnsafeMutableBufferPointer { target in
            try parallelForEach(count) { i in
                guard !unread.contains(i) else { return }
                let image: [UInt8]
                do {
                    image = try contents[i].withUnsafeBytes { bytes -> [UInt8] in
                        let decoded = try decodeImage(bytes, channels: channels, location: items[i].location)
                        if decoded.height != height || decoded.width != width {
                            otherSizes.append(ImageSize(height: decoded.height, width: decoded.width))
                        }
                        let resized = ImageResizer.resize(decoded.pixels, height: decoded.height, width: decoded.width,
                                                          channels: channels, toHeight: height, toWidth: width)
                        return ImageResizer.planar(resized, height: height, width: width, channels: channels)
                    }
                } catch {
                    failures.append((i, error))
                    return
                }
                precondition(image.count == imageSize, "decoded image size")
                for j in 0..<imageSize { target[i * imageSize + j] = image[j] }
                let finished = done.increment()
                if finished % 500 == 0 { progress?.update(phase: "decode", done: finished, total: count) }
            }
        }
        progress?.update(phase: "decode", done: count, total: count)
        let failed = failures.values.sorted { $0.index < $1.index }
        var kept = items, skipped: [String] = []
        if let first = failed.first {
            let others = failed.dropFirst().map { items[$0.index].location }
            guard skipUnreadable else {
                if others.isEmpty {
                    guard count > 1 else { throw first.error }
                    throw DataError.malformedFile(file: items[first.index].location, reason: "\(Self.reason(first.error)); --skip-unreadable imports the other \(count - 1) file\(count == 2 ? "" : "s")")
                }
                let listed = others.prefix(5).joined(separator: ", ") + (others.count > 5 ? ", …" : "")
                throw DataError.malformedFile(file: items[first.index].location, reason: "\(Self.reason(first.error)); and \(others.count) more of the \(count) files cannot be decoded (\(listed)); --skip-unreadable imports the others")
            }
            let bad = Set(failed.map(\.index))
            let good = (0..<count).filter { !bad.contains($0) }
            var compact = [UInt8](repeating: 0, count: good.count * imageSize)
            for (n, i) in good.enumerated() {
                compact.replaceSubrange(n * imageSize..<(n + 1) * imageSize, with: pixels[i * imageSize..<(i + 1) * imageSize])
            }
            pixels = compact
            kept = good.map { items[$0] }
            skipped = failed.map { "\(items[$0.index].location) (\(Self.reason($0.error)))" }
        }
        let keys = Set(kept.compactMap(\.classKey)).sorted { compare($0, $1) }
        let rank = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, Int32($0)) })
        let labels = kept.map { $0.classKey.flatMap { rank[$0] } ?? 0 }
        var images = DecodedImages(count: kept.count, channels: channels, height: height, width: width, pixels: pixels,
                                   labels: labels, resizedFrom: otherSizes.values.reduce(into: [:]) { $0[$1, default: 0] += 1 },
                                   classNames: keys.isEmpty ? nil : keys)
        images.skipped = skipped
        images.names = kept.map(\.name)
        images.oriented = oriented.values.sorted { $0.index < $1.index }.map { (items[$0.index].location, $0.value) }
        return images
    }

    /// The most frequent size among the files' headers (ties: the earliest file's), nil when no header reads.
    /// Headers only: a folder of large photos is not decoded twice.
    private static func mostCommonSize(_ contents: [Data], skipping: Set<Int>) -> ImageSize? {
        var sizes = [ImageSize?](repeating: nil, count: contents.count)
        sizes.withUnsafeMutableBufferPointer { buffer in
            try? parallelForEach(contents.count) { i in
                guard !skipping.contains(i) else { return }
                buffer[i] = contents[i].withUnsafeBytes { imageSize($0) }
            }
        }
        var counts: [ImageSize: (count: Int, first: Int)] = [:]
        for (i, size) in sizes.enumerated() {
            guard let size else { continue }
            counts[size, default: (0, i)].count += 1
        }
        return counts.max { a, b in a.value.count != b.value.count ? a.value.count < b.value.count : a.value.first > b.value.first }?.key
    }

    /// An image's size from its header (PNG by signature, JPEG by SOI marker), nil when it does not read.
    static func imageSize(_ bytes: UnsafeRawBufferPointer) -> ImageSize? {
        if bytes.count >= 8, bytes[0] == 0x89, bytes[1] == 0x50, bytes[2] == 0x4E, bytes[3] == 0x47 {
            return PNGCodec.size(bytes)
        }
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF {
            return JPEGCodec.size(bytes)
        }
        return nil
    }

    /// An error's reason without the file name it starts with (the caller names the file).
    static func reason(_ error: Error) -> String {
        switch error {
        case let DataError.malformedFile(_, reason), let DataError.io(_, reason): return reason
        default: return "\(error)"
        }
    }

    private static func compare(_ a: String, _ b: String) -> Bool { ImageItem.compareKeys(a, b) == .orderedAscending }

    /// PNG (by signature) or JPEG (by SOI marker).
    static func decodeImage(_ bytes: UnsafeRawBufferPointer, channels: Int, location: String) throws -> (pixels: [UInt8], height: Int, width: Int) {
        if bytes.count >= 8, bytes[0] == 0x89, bytes[1] == 0x50, bytes[2] == 0x4E, bytes[3] == 0x47 {
            return try PNGCodec.decode(bytes, channels: channels, file: location)
        }
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF {
            return try JPEGCodec.decode(bytes, channels: channels, file: location)
        }
        if bytes.isEmpty { throw DataError.malformedFile(file: location, reason: "empty file") }
        throw DataError.malformedFile(file: location, reason: "neither PNG nor JPEG (unknown signature)")
    }
}

/// Values appended from parallel workers, in no particular order.
final class Collected<Element>: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [Element] = []
    func append(_ value: Element) {
        lock.lock()
        defer { lock.unlock() }
        list.append(value)
    }
    var values: [Element] {
        lock.lock()
        defer { lock.unlock() }
        return list
    }
}

/// A thread-safe counter for progress from parallel workers.
final class ManagedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
