/// A growable, uninitialised buffer reused across steps, so the large activation maps (and the pooling arg-max
/// indices) are not reallocated and page-faulted in for every batch. Contents are undefined after `reserve` grows it.
final class ScratchBuffer<Element> {
    private(set) var pointer: UnsafeMutablePointer<Element>
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
}

extension ScratchBuffer where Element: Numeric {
    func zero(_ count: Int) {
        precondition(count <= capacity, "zeroing \(count) of \(capacity)")
        pointer.update(repeating: 0, count: count)
    }
}

typealias FloatBuffer = ScratchBuffer<Float>
typealias ByteBuffer = ScratchBuffer<UInt8>
