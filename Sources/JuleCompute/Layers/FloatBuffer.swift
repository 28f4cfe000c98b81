/// A growable, uninitialised `Float` buffer reused across steps, so the large activation maps are not
/// reallocated (and page-faulted in) for every batch. Contents are undefined after `reserve` grows it.
final class FloatBuffer {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private(set) var capacity: Int

    init(capacity: Int = 0) {
        self.capacity = max(capacity, 1)
        pointer = .allocate(capacity: self.capacity)
    }

    deinit { pointer.deallocate() }

    /// Makes room for at least `count` elements (discarding the contents when it has to grow).
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        capacity = count
        pointer = .allocate(capacity: count)
    }

    func zero(_ count: Int) {
        precondition(count <= capacity, "zeroing \(count) of \(capacity)")
        pointer.update(repeating: 0, count: count)
    }
}

/// The byte-sized twin of `FloatBuffer`, for pooling arg-max indices.
final class ByteBuffer {
    private(set) var pointer: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int

    init(capacity: Int = 0) {
        self.capacity = max(capacity, 1)
        pointer = .allocate(capacity: self.capacity)
    }

    deinit { pointer.deallocate() }

    func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        capacity = count
        pointer = .allocate(capacity: count)
    }
}
