import CHDF5
import CHDF5Guard
import Foundation

/// A small wrapper over the HDF5 C library (serial flavour): create or open a file, write and read n-dimensional
/// numeric datasets (chunked and deflate-compressed on request), and string or numeric attributes.
///
/// Dataset and attribute names may contain `/` (intermediate groups are created on write). Every call takes a
/// process-wide lock because the serial HDF5 library is not thread-safe; files written here read back with h5py
/// and Torch's `hdf5` package (plain datasets, native little-endian types, variable-length UTF-8 strings).
public final class HDF5File {
    /// The file on disk.
    public let url: URL
    private var fileID: hid_t

    private static let lock = NSRecursiveLock()
    /// HDF5's type "constants" are only valid after `H5open`; errors are reported as Swift errors, not on stderr.
    private static let initialised: Bool = {
        let status = H5open()
        jule_H5_silence_errors()
        return status >= 0
    }()

    private init(url: URL, fileID: hid_t) {
        self.url = url
        self.fileID = fileID
    }

    deinit { close() }

    /// Creates (or truncates) the file at `url`.
    public static func create(at url: URL) throws -> HDF5File {
        try locked(url.path) {
            guard initialised else { throw DataError.hdf5(file: url.path, operation: "library initialisation") }
            let id = H5Fcreate(url.path, jule_H5F_ACC_TRUNC(), jule_H5P_DEFAULT(), jule_H5P_DEFAULT())
            guard id >= 0 else { throw DataError.hdf5(file: url.path, operation: "create") }
            return HDF5File(url: url, fileID: id)
        }
    }

    /// Opens an existing file, read-only unless `writable`.
    public static func open(at url: URL, writable: Bool = false) throws -> HDF5File {
        try locked(url.path) {
            guard initialised else { throw DataError.hdf5(file: url.path, operation: "library initialisation") }
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw DataError.io(file: url.path, reason: "no such file")
            }
            guard H5Fis_hdf5(url.path) > 0 else {
                throw DataError.malformedFile(file: url.path, reason: "not an HDF5 file")
            }
            let flags = writable ? jule_H5F_ACC_RDWR() : jule_H5F_ACC_RDONLY()
            let id = H5Fopen(url.path, flags, jule_H5P_DEFAULT())
            guard id >= 0 else { throw DataError.hdf5(file: url.path, operation: "open") }
            return HDF5File(url: url, fileID: id)
        }
    }

    /// Writes a new file atomically: `body` fills a temporary file beside `url`, which then replaces `url`.
    /// On any error the temporary file is removed and `url` is left as it was.
    public static func writeAtomically(to url: URL, _ body: (HDF5File) throws -> Void) throws {
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw DataError.io(file: directory.path, reason: "cannot create directory (\(error.localizedDescription))")
        }
        // The writer's pid in the name lets a later run tell a killed writer's leftover from a live one's file.
        let temporary = AtomicFile.temporaryURL(for: url)
        do {
            let file = try create(at: temporary)
            try body(file)
            try file.flushAndClose()
            try AtomicFile.replace(url, with: temporary)
        } catch {
            // HDF5 reports "write failed"; a full disk is said as such (errno is still the failed write's).
            let full = errno == ENOSPC || errno == EDQUOT
            try? FileManager.default.removeItem(at: temporary)
            if full { throw DataError.io(file: url.path, reason: "no space left on the device (\(error))") }
            throw error
        }
    }

    /// Closes the file; later calls fail. Called by `deinit` too.
    public func close() {
        Self.locked(url.path) {
            if fileID >= 0 { H5Fclose(fileID) }
            fileID = -1
        }
    }

    /// Flushes and closes, reporting a failure (which `close()` cannot).
    public func flushAndClose() throws {
        try Self.locked(url.path) {
            guard fileID >= 0 else { return }
            let flushed = H5Fflush(fileID, H5F_SCOPE_GLOBAL)
            let closed = H5Fclose(fileID)
            fileID = -1
            guard flushed >= 0, closed >= 0 else { throw DataError.hdf5(file: url.path, operation: "flush/close") }
        }
    }

    // MARK: Datasets

    /// Writes `values` as an n-dimensional dataset of `shape` (row-major; `[]` for a scalar).
    ///
    /// With `compressionLevel` (zlib 1...9) the dataset is chunked (`chunkShape`, or about 1 MiB chunks along the
    /// first axis) and deflate-compressed; with nil it is stored contiguously.
    public func write<T: HDF5Scalar>(_ values: [T], shape: [Int], to name: String,
                                     chunkShape: [Int]? = nil, compressionLevel: Int? = 4) throws {
        precondition(shape.reduce(1, *) == values.count, "\(name): \(values.count) values for shape \(shape)")
        precondition(compressionLevel.map { (0...9).contains($0) } ?? true, "deflate level must be 0...9")
        try Self.locked(url.path) {
            try checkOpen()
            var dims = shape.map { hsize_t($0) }
            let space = shape.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(dims.count), &dims, nil)
            guard space >= 0 else { throw DataError.hdf5(file: url.path, operation: "dataspace for '\(name)'") }
            defer { H5Sclose(space) }
            let dcpl = H5Pcreate(H5P_CLS_DATASET_CREATE_ID_g)
            defer { H5Pclose(dcpl) }
            // No modification times in the object header: the same values give the same file bytes.
            H5Pset_obj_track_times(dcpl, false)
            if let level = compressionLevel, !shape.isEmpty, !values.isEmpty {
                let chunk = chunkShape ?? Self.defaultChunk(shape: shape, elementSize: MemoryLayout<T>.stride)
                precondition(chunk.count == shape.count, "\(name): chunk rank \(chunk.count) for rank \(shape.count)")
                var chunkDims = zip(chunk, shape).map { hsize_t(max(1, min($0, $1))) }
                guard H5Pset_chunk(dcpl, Int32(chunkDims.count), &chunkDims) >= 0,
                      H5Pset_deflate(dcpl, UInt32(level)) >= 0 else {
                    throw DataError.hdf5(file: url.path, operation: "chunk/deflate settings for '\(name)'")
                }
            }
            let lcpl = H5Pcreate(H5P_CLS_LINK_CREATE_ID_g)
            defer { H5Pclose(lcpl) }
            H5Pset_create_intermediate_group(lcpl, 1)
            if try exists(name) { H5Ldelete(fileID, name, jule_H5P_DEFAULT()) }
            let dataset = H5Dcreate2(fileID, name, T.hdf5MemoryType, space, lcpl, dcpl, jule_H5P_DEFAULT())
            guard dataset >= 0 else { throw DataError.hdf5(file: url.path, operation: "create dataset '\(name)'") }
            defer { H5Dclose(dataset) }
            if let level = compressionLevel, !values.isEmpty, !shape.isEmpty,
               let chunk = chunkShape ?? Optional(Self.defaultChunk(shape: shape, elementSize: MemoryLayout<T>.stride)),
               zip(chunk.dropFirst(), shape.dropFirst()).allSatisfy({ $0 >= $1 }) {
                try writeChunksInParallel(values, shape: shape, rows: max(1, min(chunk[0], shape[0])), level: level,
                                          dataset: dataset, name: name)
                return
            }
            let status = values.withUnsafeBytes { buffer in
                H5Dwrite(dataset, T.hdf5MemoryType, jule_H5S_ALL(), jule_H5S_ALL(), jule_H5P_DEFAULT(), buffer.baseAddress)
            }
            guard status >= 0 else { throw DataError.hdf5(file: url.path, operation: "write dataset '\(name)'") }
        }
    }

    /// Reads a whole dataset converted to `T`, with its shape. A dataset whose shape claims more than
    /// `DecodeLimits.current.maxBytes` (HDF5 lets a small file declare any extent) is refused before allocating.
    public func read<T: HDF5Scalar>(_ name: String, as type: T.Type = T.self) throws -> (values: [T], shape: [Int]) {
        try withDataset(name) { dataset in
            let shape = try datasetShape(dataset, name: name)
            let limit = DecodeLimits.current.maxBytes
            guard let count = DecodeLimits.product(shape), count <= limit / MemoryLayout<T>.stride else {
                throw DataError.malformedFile(file: url.path, reason: "dataset '\(name)' claims shape \(shape), above the \(DecodeLimits.describe(bytes: limit)) limit")
            }
            try checkNumericType(dataset, name: name)
            if let values = try readChunksInParallel(dataset, shape: shape, as: T.self, name: name) { return (values, shape) }
            var failed = false
            let values = [T](unsafeUninitializedCapacity: count) { buffer, initialised in
                if count > 0 {
                    let status = H5Dread(dataset, T.hdf5MemoryType, jule_H5S_ALL(), jule_H5S_ALL(), jule_H5P_DEFAULT(),
                                         UnsafeMutableRawPointer(buffer.baseAddress))
                    failed = status < 0
                }
                // On failure the bytes are garbage but initialised memory of a trivial type; the array is dropped.
                initialised = count
            }
            guard !failed else { throw DataError.hdf5(file: url.path, operation: "read dataset '\(name)'") }
            return (values, shape)
        }
    }

    /// The shape of a dataset (`[]` for a scalar).
    public func shape(of name: String) throws -> [Int] {
        try withDataset(name) { dataset in
            try datasetShape(dataset, name: name)
        }
    }

    /// Whether an object (dataset or group) exists at `name`; checks each path component in turn.
    public func exists(_ name: String) throws -> Bool {
        try Self.locked(url.path) {
            try checkOpen()
            var path = ""
            for component in name.split(separator: "/") {
                path += (path.isEmpty ? "" : "/") + component
                if H5Lexists(fileID, path, jule_H5P_DEFAULT()) <= 0 { return false }
            }
            return true
        }
    }

    /// Names of the objects directly under the group `group` (root by default), sorted.
    public func objectNames(in group: String = "/") throws -> [String] {
        try Self.locked(url.path) {
            try checkOpen()
            final class Names { var list: [String] = [] }
            let names = Names()
            let status = withExtendedLifetime(names) {
                H5Literate_by_name(fileID, group, H5_INDEX_NAME, H5_ITER_INC, nil, { _, name, _, data in
                    if let name, let data {
                        Unmanaged<Names>.fromOpaque(data).takeUnretainedValue().list.append(String(cString: name))
                    }
                    return 0
                }, Unmanaged.passUnretained(names).toOpaque(), jule_H5P_DEFAULT())
            }
            guard status >= 0 else { throw DataError.hdf5(file: url.path, operation: "list group '\(group)'") }
            return names.list.sorted()
        }
    }

    // MARK: Attributes

    /// Sets (or replaces) a variable-length UTF-8 string attribute on `object` (root by default).
    public func setAttribute(_ name: String, to value: String, on object: String = "/") throws {
        try withAttributeTarget(object) { target in
            let type = H5Tcopy(jule_H5T_C_S1())
            defer { H5Tclose(type) }
            H5Tset_size(type, jule_H5T_VARIABLE())
            H5Tset_cset(type, H5T_CSET_UTF8)
            let attribute = try createAttribute(name, on: target, type: type)
            defer { H5Aclose(attribute) }
            let status = value.withCString { cString -> herr_t in
                var pointer: UnsafePointer<CChar>? = cString
                return withUnsafePointer(to: &pointer) { H5Awrite(attribute, type, $0) }
            }
            guard status >= 0 else { throw DataError.hdf5(file: url.path, operation: "write attribute '\(name)'") }
        }
    }

    /// Sets (or replaces) a scalar float64 attribute.
    public func setAttribute(_ name: String, to value: Double, on object: String = "/") throws {
        try setNumericAttribute(name, value, on: object)
    }

    /// Sets (or replaces) a scalar int64 attribute.
    public func setAttribute(_ name: String, to value: Int, on object: String = "/") throws {
        try setNumericAttribute(name, Int64(value), on: object)
    }

    /// A string attribute, or nil when absent. Reads variable- and fixed-length strings.
    public func stringAttribute(_ name: String, on object: String = "/") throws -> String? {
        try withAttribute(name, on: object) { attribute, fileType -> String in
            guard H5Tget_class(fileType) == H5T_STRING else {
                throw DataError.malformedFile(file: url.path, reason: "attribute '\(name)' is not a string")
            }
            // One value: H5Aread writes every element of the attribute's dataspace into the buffer below, which
            // holds one (fuzz finding: a corrupt dataspace of millions of strings overran it).
            let space = H5Aget_space(attribute)
            defer { H5Sclose(space) }
            guard H5Sget_simple_extent_npoints(space) == 1 else {
                throw DataError.malformedFile(file: url.path, reason: "attribute '\(name)' is not a single string")
            }
            // A fixed-length string longer than the file could hold is corrupt (it sizes the buffer below).
            guard H5Tis_variable_str(fileType) > 0 || H5Tget_size(fileType) <= DecodeLimits.current.maxBytes else {
                throw DataError.malformedFile(file: url.path, reason: "attribute '\(name)' claims \(H5Tget_size(fileType)) bytes")
            }
            if H5Tis_variable_str(fileType) > 0 {
                let memoryType = H5Tcopy(jule_H5T_C_S1())
                defer { H5Tclose(memoryType) }
                H5Tset_size(memoryType, jule_H5T_VARIABLE())
                H5Tset_cset(memoryType, H5Tget_cset(fileType))
                var pointer: UnsafeMutablePointer<CChar>? = nil
                guard H5Aread(attribute, memoryType, &pointer) >= 0 else {
                    throw DataError.hdf5(file: url.path, operation: "read attribute '\(name)'")
                }
                defer { if let pointer { H5free_memory(pointer) } }
                return pointer.map { String(cString: $0) } ?? ""
            }
            let size = H5Tget_size(fileType)
            let memoryType = H5Tcopy(jule_H5T_C_S1())
            defer { H5Tclose(memoryType) }
            H5Tset_size(memoryType, size + 1)
            var bytes = [CChar](repeating: 0, count: size + 1)
            guard H5Aread(attribute, memoryType, &bytes) >= 0 else {
                throw DataError.hdf5(file: url.path, operation: "read attribute '\(name)'")
            }
            return String(cString: bytes)
        }
    }

    /// A numeric scalar attribute converted to Double, or nil when absent.
    public func doubleAttribute(_ name: String, on object: String = "/") throws -> Double? {
        try numericAttribute(name, on: object, as: Double.self)
    }

    /// A numeric scalar attribute converted to Int, or nil when absent.
    public func intAttribute(_ name: String, on object: String = "/") throws -> Int? {
        try numericAttribute(name, on: object, as: Int64.self).map(Int.init)
    }

    // MARK: Internals

    /// Runs `body` under the library lock, with the fault guard (`CHDF5Guard`) naming `path`: a crash inside
    /// libhdf5 on a corrupt file becomes one line naming the file and exit status 1.
    private static func locked<R>(_ path: String, _ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        jule_h5guard_install()
        MessageText.oneLine(path).withCString { jule_h5guard_enter($0) }
        defer { jule_h5guard_leave() }
        return try body()
    }

    private func checkOpen() throws {
        guard fileID >= 0 else { throw DataError.hdf5(file: url.path, operation: "use after close") }
    }

    /// About 1 MiB per chunk along the first axis, whole extent along the others.
    private static func defaultChunk(shape: [Int], elementSize: Int) -> [Int] {
        let rowBytes = max(1, shape.dropFirst().reduce(1, *) * elementSize)
        let rows = max(1, min(shape[0], (1 << 20) / rowBytes))
        return [rows] + shape.dropFirst()
    }

    private func datasetShape(_ dataset: hid_t, name: String) throws -> [Int] {
        let space = H5Dget_space(dataset)
        guard space >= 0 else { throw DataError.hdf5(file: url.path, operation: "dataspace of '\(name)'") }
        defer { H5Sclose(space) }
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0 else { throw DataError.hdf5(file: url.path, operation: "rank of '\(name)'") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        if rank > 0 { H5Sget_simple_extent_dims(space, &dims, nil) }
        return dims.map { Int($0) }
    }

    /// Refuses a dataset whose stored element is not an integer or floating-point number of 1–8 bytes before
    /// `H5Dread` sees it: libhdf5 1.10 sizes its conversion and fill buffers from the stored type, so a corrupt
    /// type size (fuzzing found 1–4 GB) would be allocated before any error.
    private func checkNumericType(_ dataset: hid_t, name: String) throws {
        let fileType = H5Dget_type(dataset)
        guard fileType >= 0 else { throw DataError.hdf5(file: url.path, operation: "type of '\(name)'") }
        defer { H5Tclose(fileType) }
        let typeClass = H5Tget_class(fileType)
        let size = H5Tget_size(fileType)
        guard typeClass == H5T_INTEGER || typeClass == H5T_FLOAT else {
            throw DataError.malformedFile(file: url.path, reason: "dataset '\(name)' does not store numbers (HDF5 type class \(typeClass.rawValue))")
        }
        guard (1...8).contains(size) else {
            throw DataError.malformedFile(file: url.path, reason: "dataset '\(name)' stores \(size)-byte numbers")
        }
    }

    /// Opens existing dataset `name` for `body`, under the library lock.
    private func withDataset<R>(_ name: String, _ body: (_ dataset: hid_t) throws -> R) throws -> R {
        try Self.locked(url.path) {
            try checkOpen()
            guard try exists(name) else { throw DataError.missingMember(container: url.path, member: "dataset '\(name)'") }
            let dataset = H5Dopen2(fileID, name, jule_H5P_DEFAULT())
            guard dataset >= 0 else { throw DataError.hdf5(file: url.path, operation: "open dataset '\(name)'") }
            defer { H5Dclose(dataset) }
            return try body(dataset)
        }
    }

    /// Opens attribute `name` of `object` and its stored type for `body`; nil when the attribute does not exist.
    private func withAttribute<R>(_ name: String, on object: String, _ body: (_ attribute: hid_t, _ fileType: hid_t) throws -> R) throws -> R? {
        try withAttributeTarget(object) { target -> R? in
            guard H5Aexists(target, name) > 0 else { return nil }
            let attribute = H5Aopen(target, name, jule_H5P_DEFAULT())
            guard attribute >= 0 else { throw DataError.hdf5(file: url.path, operation: "open attribute '\(name)'") }
            defer { H5Aclose(attribute) }
            let fileType = H5Aget_type(attribute)
            defer { H5Tclose(fileType) }
            return try body(attribute, fileType)
        }
    }

    private func withAttributeTarget<R>(_ object: String, _ body: (hid_t) throws -> R) throws -> R {
        try Self.locked(url.path) {
            try checkOpen()
            let target = H5Oopen(fileID, object, jule_H5P_DEFAULT())
            guard target >= 0 else { throw DataError.hdf5(file: url.path, operation: "open object '\(object)'") }
            defer { H5Oclose(target) }
            return try body(target)
        }
    }

    private func createAttribute(_ name: String, on target: hid_t, type: hid_t) throws -> hid_t {
        if H5Aexists(target, name) > 0 { H5Adelete(target, name) }
        let space = H5Screate(H5S_SCALAR)
        defer { H5Sclose(space) }
        let attribute = H5Acreate2(target, name, type, space, jule_H5P_DEFAULT(), jule_H5P_DEFAULT())
        guard attribute >= 0 else { throw DataError.hdf5(file: url.path, operation: "create attribute '\(name)'") }
        return attribute
    }

    private func setNumericAttribute<T: HDF5Scalar>(_ name: String, _ value: T, on object: String) throws {
        try withAttributeTarget(object) { target in
            let attribute = try createAttribute(name, on: target, type: T.hdf5MemoryType)
            defer { H5Aclose(attribute) }
            var copy = value
            guard H5Awrite(attribute, T.hdf5MemoryType, &copy) >= 0 else {
                throw DataError.hdf5(file: url.path, operation: "write attribute '\(name)'")
            }
        }
    }

    private func numericAttribute<T: HDF5Scalar & Numeric>(_ name: String, on object: String, as type: T.Type) throws -> T? {
        try withAttribute(name, on: object) { attribute, fileType -> T in
            let typeClass = H5Tget_class(fileType)
            guard typeClass == H5T_INTEGER || typeClass == H5T_FLOAT else {
                throw DataError.malformedFile(file: url.path, reason: "attribute '\(name)' is not numeric")
            }
            let space = H5Aget_space(attribute)
            defer { H5Sclose(space) }
            guard H5Sget_simple_extent_npoints(space) == 1 else {
                throw DataError.malformedFile(file: url.path, reason: "attribute '\(name)' is not a scalar")
            }
            var value: T = 0
            guard H5Aread(attribute, T.hdf5MemoryType, &value) >= 0 else {
                throw DataError.hdf5(file: url.path, operation: "read attribute '\(name)'")
            }
            return value
        }
    }
}
