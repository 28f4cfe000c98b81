import Foundation
import JuleData

/// The checkpoint file format (version 2), little-endian:
///
///     offset 0   8 bytes   magic "JULECKPT"
///     offset 8   UInt32    format version (2)
///     offset 12  UInt32    header length L in bytes
///     offset 16  L bytes   header, UTF-8 JSON of `Header` (spec, configuration, seed, iteration, epochs,
///                          momentum flag, array sizes, payload sha256; a final model also its run, `origin`)
///     then                 Float32 × parameterCount          parameters (layout: `Network`)
///                          Float32 × parameterCount          SGD velocity
///                          Float32 × runningStatisticsCount  BN running means and variances
///
/// The file size must match exactly, and the payload (everything after the header) its sha256 in the header: a
/// damaged weight is otherwise a valid Float32, and a resume from it would finish silently with another model.
/// Version 1 (no checksum) is still read, unchecked as before. Writes go to a temporary file that is then renamed
/// over the target.
struct CheckpointFile {
    static let magic = Array("JULECKPT".utf8)
    static let version: UInt32 = 2
    /// Versions this build reads: 1 lacks `payloadSHA256`.
    static let readableVersions: ClosedRange<UInt32> = 1...2

    struct Header: Codable {
        var spec: NetworkSpec
        var configuration: TrainingConfiguration
        var seed: UInt64
        var iteration: Int
        var epochsCompleted: Int
        var hasVelocity: Bool
        var parameterCount: Int
        var runningStatisticsCount: Int
        /// sha256 of the payload (lowercase hex); nil only in version-1 files. Set by `write`.
        var payloadSHA256: String? = nil
        /// The run a final model belongs to; nil in trainer checkpoints and older models (`CheckpointOrigin`).
        var origin: CheckpointOrigin? = nil
    }

    var header: Header
    var parameters: [Float]
    var velocity: [Float]
    var runningStatistics: [Float]

    func write(to url: URL) throws {
        var data = Data(Self.magic)
        func appendUInt32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        var payload = Data()
        for values in [parameters, velocity, runningStatistics] {
            let bits = values.map { $0.bitPattern.littleEndian }
            bits.withUnsafeBytes { payload.append(contentsOf: $0) }
        }
        var header = header
        header.payloadSHA256 = Digest.sha256(payload)
        let json: Data
        // Sorted keys: Foundation's key order is not fixed, and same-seed checkpoints must be byte-identical.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { json = try encoder.encode(header) } catch {
            throw ComputeError.checkpointWriteFailed(path: url.path, reason: "header encoding: \(error)")
        }
        appendUInt32(Self.version)
        appendUInt32(UInt32(json.count))
        data.append(json)
        data.append(payload)
        do { try AtomicFile.write(data, to: url) } catch DataError.io(_, let reason) {
            throw ComputeError.checkpointWriteFailed(path: url.path, reason: reason)
        }
    }

    static func read(from url: URL) throws -> CheckpointFile {
        func fail(_ reason: String) -> ComputeError { .checkpointUnreadable(path: url.path, reason: reason) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw fail(FileErrorText.cause(error)) }
        let bytes = [UInt8](data)
        guard bytes.count >= 16, Array(bytes[0..<8]) == magic else { throw fail("bad magic (expected JULECKPT)") }
        func uint32(at offset: Int) -> UInt32 {
            UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                | UInt32(bytes[offset + 3]) << 24
        }
        let version = uint32(at: 8)
        guard Self.readableVersions.contains(version) else {
            throw fail("format version \(version), this build reads \(Self.readableVersions.lowerBound)…\(Self.readableVersions.upperBound)")
        }
        let headerLength = Int(uint32(at: 12))
        guard 16 + headerLength <= bytes.count else { throw fail("truncated header") }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: Data(bytes[16..<(16 + headerLength)])) } catch {
            throw fail("header: \(error)")
        }
        // checkedSizes() before anything else looks at the spec: `isValid` and `Network` trap on hostile values.
        guard header.parameterCount >= 0, header.runningStatisticsCount >= 0, header.iteration >= 0,
              header.epochsCompleted >= 0, let sizes = header.spec.checkedSizes(), header.spec.isValid else {
            throw fail("header values out of range")
        }
        // The counts come from the file: multiplied out without overflow, and matched against the spec's network
        // before anything is allocated for it.
        let (twice, overflow1) = header.parameterCount.multipliedReportingOverflow(by: 2)
        let (floats, overflow2) = twice.addingReportingOverflow(header.runningStatisticsCount)
        let (arrays, overflow3) = floats.multipliedReportingOverflow(by: 4)
        guard !overflow1, !overflow2, !overflow3, arrays <= bytes.count else {
            throw fail("header claims \(header.parameterCount) parameters and \(header.runningStatisticsCount) statistics, more than the file holds")
        }
        guard bytes.count == 16 + headerLength + arrays else {
            throw fail("size \(bytes.count) bytes, expected \(16 + headerLength + arrays)")
        }
        guard sizes.parameters == header.parameterCount, sizes.runningStatistics == header.runningStatisticsCount else {
            throw fail("array sizes do not match the network spec")
        }
        var offset = 16 + headerLength
        if version >= 2 {
            guard let expected = header.payloadSHA256 else { throw fail("header has no payload checksum (format version \(version))") }
            let actual = bytes[offset...].withUnsafeBytes { Digest.hex(.sha256, of: $0) }
            guard actual == expected else {
                throw fail("checksum mismatch: payload sha256 \(actual.prefix(12))…, header says \(expected.prefix(12))…")
            }
        }
        func floatsArray(_ count: Int) -> [Float] {
            var out = [Float](repeating: 0, count: count)
            for k in 0..<count { out[k] = Float(bitPattern: uint32(at: offset + 4 * k)) }
            offset += 4 * count
            return out
        }
        let parameters = floatsArray(header.parameterCount)
        let velocity = floatsArray(header.parameterCount)
        let running = floatsArray(header.runningStatisticsCount)
        return CheckpointFile(header: header, parameters: parameters, velocity: velocity, runningStatistics: running)
    }
}
