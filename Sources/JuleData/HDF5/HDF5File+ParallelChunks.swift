import CHDF5
import CZlib
import Dispatch
import Foundation

/// Deflate on all cores: HDF5's own filter pipeline compresses one chunk at a time on the calling thread, which
/// dominates caching of the larger sets (zlib runs at tens of MB/s here). For datasets chunked along the first
/// axis only, chunks are (de)compressed in parallel with zlib and moved with `H5Dwrite_chunk`/`H5Dread_chunk`.
/// The bytes on disk are exactly what the deflate filter would store (a zlib stream per full-size chunk, edge
/// chunks zero-padded), so h5py and any HDF5 reader see an ordinary deflate-compressed dataset.
extension HDF5File {
    /// Compresses and writes every chunk of `values` (shape `shape`, `rows` per chunk) into the open `dataset`.
    func writeChunksInParallel<T: HDF5Scalar>(_ values: [T], shape: [Int], rows: Int, level: Int, dataset: hid_t, name: String) throws {
        let rowBytes = shape.dropFirst().reduce(1, *) * MemoryLayout<T>.stride
        let chunkBytes = rows * rowBytes
        let chunkCount = (shape[0] + rows - 1) / rows
        var compressed = [[UInt8]](repeating: [], count: chunkCount)
        var failed = false
        values.withUnsafeBytes { raw in
            compressed.withUnsafeMutableBufferPointer { output in
                Niceness.concurrentPerform(iterations: chunkCount) { k in
                    let start = k * chunkBytes
                    let end = min(start + chunkBytes, raw.count)
                    var padded: [UInt8] = []
                    var source = UnsafeRawBufferPointer(rebasing: raw[start..<end])
                    if end - start < chunkBytes {
                        padded = [UInt8](repeating: 0, count: chunkBytes)
                        padded.withUnsafeMutableBytes { $0.copyMemory(from: source) }
                    }
                    var size = compressBound(uLong(chunkBytes))
                    var buffer = [UInt8](repeating: 0, count: Int(size))
                    let status: Int32 = padded.withUnsafeBytes { paddedBytes in
                        if !padded.isEmpty { source = paddedBytes }
                        return compress2(&buffer, &size, source.bindMemory(to: Bytef.self).baseAddress, uLong(chunkBytes), Int32(level))
                    }
                    if status != Z_OK { failed = true }
                    buffer.removeSubrange(Int(size)...)
                    output[k] = buffer
                }
            }
        }
        guard !failed else { throw DataError.hdf5(file: url.path, operation: "compress chunks of '\(name)'") }
        for k in 0..<chunkCount {
            var offset = [hsize_t(k * rows)] + [hsize_t](repeating: 0, count: shape.count - 1)
            let status = compressed[k].withUnsafeBytes {
                H5Dwrite_chunk(dataset, jule_H5P_DEFAULT(), 0, &offset, $0.count, $0.baseAddress)
            }
            guard status >= 0 else { throw DataError.hdf5(file: url.path, operation: "write chunk \(k) of '\(name)'") }
        }
    }

    /// Reads a deflate-only dataset chunked along the first axis whose file type is `T`'s, inflating chunks in
    /// parallel; nil when the dataset does not have that layout (the caller then uses `H5Dread`). The caller has
    /// checked that the whole shape fits the size limit; chunks larger than the dataset are left to `H5Dread`.
    func readChunksInParallel<T: HDF5Scalar>(_ dataset: hid_t, shape: [Int], as type: T.Type, name: String) throws -> [T]? {
        guard !shape.isEmpty, shape.reduce(1, *) > 0 else { return nil }
        let fileType = H5Dget_type(dataset)
        defer { H5Tclose(fileType) }
        guard H5Tequal(fileType, T.hdf5MemoryType) > 0 else { return nil }
        let plist = H5Dget_create_plist(dataset)
        defer { H5Pclose(plist) }
        guard H5Pget_layout(plist) == H5D_CHUNKED, H5Pget_nfilters(plist) == 1 else { return nil }
        var flags: UInt32 = 0, elements = 8, config: UInt32 = 0
        var parameters = [UInt32](repeating: 0, count: 8)
        guard H5Pget_filter2(plist, 0, &flags, &elements, &parameters, 0, nil, &config) == H5Z_FILTER_DEFLATE else { return nil }
        var chunk = [hsize_t](repeating: 0, count: shape.count)
        guard H5Pget_chunk(plist, Int32(shape.count), &chunk) == Int32(shape.count),
              zip(chunk.dropFirst(), shape.dropFirst()).allSatisfy({ Int($0) == $1 }) else { return nil }
        let rows = Int(chunk[0])
        guard rows >= 1, rows <= shape[0] else { return nil }
        let rowBytes = shape.dropFirst().reduce(1, *) * MemoryLayout<T>.stride
        let chunkBytes = rows * rowBytes
        let chunkCount = (shape[0] + rows - 1) / rows
        var stored = [[UInt8]](repeating: [], count: chunkCount)
        var masks = [UInt32](repeating: 0, count: chunkCount)
        for k in 0..<chunkCount {
            var offset = [hsize_t(k * rows)] + [hsize_t](repeating: 0, count: shape.count - 1)
            var size: hsize_t = 0
            guard H5Dget_chunk_storage_size(dataset, &offset, &size) >= 0 else {
                throw DataError.hdf5(file: url.path, operation: "chunk \(k) size of '\(name)'")
            }
            guard size > 0 else { continue }  // never written: fill value 0
            // A stored chunk is at most deflate's worst case for the chunk (zlib: about 0.1% over, plus a header).
            guard Int(size) <= chunkBytes + chunkBytes / 100 + 1024 else {
                throw DataError.malformedFile(file: url.path, reason: "chunk \(k) of '\(name)' stores \(size) bytes for \(chunkBytes) (corrupt)")
            }
            var buffer = [UInt8](repeating: 0, count: Int(size))
            guard H5Dread_chunk(dataset, jule_H5P_DEFAULT(), &offset, &masks[k], &buffer) >= 0 else {
                throw DataError.hdf5(file: url.path, operation: "read chunk \(k) of '\(name)'")
            }
            stored[k] = buffer
        }
        let count = shape.reduce(1, *)
        let totalBytes = count * MemoryLayout<T>.stride
        var failure: Int? = nil
        let lock = NSLock()
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialised in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            raw.initializeMemory(as: UInt8.self, repeating: 0)
            Niceness.concurrentPerform(iterations: chunkCount) { k in
                guard !stored[k].isEmpty else { return }
                let start = k * chunkBytes
                let valid = min(chunkBytes, totalBytes - start)
                var inflated = [UInt8](repeating: 0, count: chunkBytes)
                var size = uLong(chunkBytes)
                let ok: Bool
                if masks[k] & 1 != 0 {
                    // The deflate filter was skipped for this chunk: stored raw.
                    ok = stored[k].count == chunkBytes
                    if ok { inflated = stored[k] }
                } else {
                    ok = stored[k].withUnsafeBytes { source in
                        uncompress(&inflated, &size, source.bindMemory(to: Bytef.self).baseAddress, uLong(source.count))
                    } == Z_OK && Int(size) == chunkBytes
                }
                guard ok else {
                    lock.lock()
                    failure = k
                    lock.unlock()
                    return
                }
                inflated.withUnsafeBytes { source in
                    UnsafeMutableRawBufferPointer(rebasing: raw[start..<(start + valid)])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[0..<valid]))
                }
            }
            initialised = count
        }
        if let failure { throw DataError.malformedFile(file: url.path, reason: "chunk \(failure) of '\(name)' does not inflate (corrupt)") }
        return values
    }
}
