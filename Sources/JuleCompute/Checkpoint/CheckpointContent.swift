import Foundation

/// Whether two checkpoint files hold the same training state, whatever their format versions: `jule check` compares
/// a re-run's `model.ckpt` with one an older build wrote, whose bytes differ by the format alone (version 2 added the
/// payload checksum to the header).
public enum CheckpointContent {
    /// nil when both files decode to the same header (the checksum and the run's identity aside: the records compare
    /// those, and an older model has none) and bit-identical arrays; otherwise where
    /// they first differ. Throws when either file does not read.
    public static func difference(_ a: URL, _ b: URL) throws -> String? {
        let x = try CheckpointFile.read(from: a), y = try CheckpointFile.read(from: b)
        if try headerJSON(x.header) != headerJSON(y.header) { return "the checkpoint headers differ (network, training settings, seed or position)" }
        for (name, p, q) in [("parameters", x.parameters, y.parameters), ("velocity", x.velocity, y.velocity),
                             ("running statistics", x.runningStatistics, y.runningStatistics)] {
            if p.count != q.count { return "\(name): \(p.count) values vs \(q.count)" }
            if let i = p.indices.first(where: { p[$0].bitPattern != q[$0].bitPattern }) {
                return "\(name) differ first at element \(i): \(p[i]) vs \(q[i])"
            }
        }
        return nil
    }

    /// Why `url` is not a usable checkpoint (a payload that fails its sha256, a wrong size, a bad header), or nil when
    /// it reads: the check a finished run's `model.ckpt` gets before the run counts as complete (`jule train`,
    /// `jule check`). Reads the file once; a missing file is a problem too.
    public static func problem(at url: URL) -> String? {
        do { _ = try CheckpointFile.read(from: url) } catch ComputeError.checkpointUnreadable(_, let reason) {
            return reason
        } catch {
            return "\(error)"
        }
        return nil
    }

    private static func headerJSON(_ header: CheckpointFile.Header) throws -> Data {
        var header = header
        header.payloadSHA256 = nil
        header.origin = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(header)
    }
}
