import CCrypto
import Foundation

/// SHA-256 and MD5 digests through OpenSSL's EVP interface, as lowercase hex.
public enum Digest {
    public enum Algorithm: String, Sendable { case sha256, md5 }

    /// Digest of a byte buffer.
    public static func hex(_ algorithm: Algorithm, of bytes: UnsafeRawBufferPointer) -> String {
        guard let context = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed (out of memory)") }
        defer { EVP_MD_CTX_free(context) }
        let md = algorithm == .sha256 ? EVP_sha256() : EVP_md5()
        EVP_DigestInit_ex(context, md, nil)
        if bytes.count > 0 { EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) }
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &output, &length)
        return output.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
    }

    /// Digest of several buffers, as if concatenated.
    public static func hex(_ algorithm: Algorithm, ofParts parts: [UnsafeRawBufferPointer]) -> String {
        guard let context = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed (out of memory)") }
        defer { EVP_MD_CTX_free(context) }
        EVP_DigestInit_ex(context, algorithm == .sha256 ? EVP_sha256() : EVP_md5(), nil)
        for part in parts where part.count > 0 { EVP_DigestUpdate(context, part.baseAddress, part.count) }
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &output, &length)
        return output.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
    }

    /// Digest of `data`.
    public static func hex(_ algorithm: Algorithm, of data: Data) -> String {
        data.withUnsafeBytes { hex(algorithm, of: $0) }
    }

    /// Digest of an array of bytes.
    public static func hex(_ algorithm: Algorithm, of bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { hex(algorithm, of: $0) }
    }

    /// SHA-256 of `data`, lowercase hex.
    public static func sha256(_ data: Data) -> String { hex(.sha256, of: data) }

    /// Digest of a file, read in 4 MiB pieces.
    public static func hex(_ algorithm: Algorithm, ofFile url: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw DataError.io(file: url.path, reason: "cannot open for reading")
        }
        defer { try? handle.close() }
        guard let context = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed (out of memory)") }
        defer { EVP_MD_CTX_free(context) }
        EVP_DigestInit_ex(context, algorithm == .sha256 ? EVP_sha256() : EVP_md5(), nil)
        while true {
            let piece: Data
            do { piece = try handle.read(upToCount: 4 << 20) ?? Data() } catch {
                throw DataError.io(file: url.path, reason: "read failed (\(error.localizedDescription))")
            }
            if piece.isEmpty { break }
            piece.withUnsafeBytes { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
        }
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &output, &length)
        return output.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
    }
}
