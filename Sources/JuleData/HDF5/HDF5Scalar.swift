import CHDF5

/// A numeric element type that `HDF5File` can store and read. HDF5 converts between numeric types on read,
/// so a dataset stored as one type can be read as any other (values out of range are clipped by HDF5).
public protocol HDF5Scalar: BitwiseCopyable {
    /// The native in-memory HDF5 type of `Self`.
    static var hdf5MemoryType: hid_t { get }
}

extension UInt8: HDF5Scalar { public static var hdf5MemoryType: hid_t { jule_H5T_NATIVE_UINT8() } }
extension Int32: HDF5Scalar { public static var hdf5MemoryType: hid_t { jule_H5T_NATIVE_INT32() } }
extension Int64: HDF5Scalar { public static var hdf5MemoryType: hid_t { jule_H5T_NATIVE_INT64() } }
extension Float: HDF5Scalar { public static var hdf5MemoryType: hid_t { jule_H5T_NATIVE_FLOAT() } }
extension Double: HDF5Scalar { public static var hdf5MemoryType: hid_t { jule_H5T_NATIVE_DOUBLE() } }
