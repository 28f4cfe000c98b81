extension Array {
    /// Runs `body` with a pointer to the first element; for an empty array, with a pointer to an unused
    /// placeholder (callers then read and write nothing). Avoids unwrapping `baseAddress`.
    func withBasePointer<R>(_ body: (UnsafePointer<Element>) throws -> R) rethrows -> R {
        try withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { return try body(base) }
            let placeholder = UnsafeMutablePointer<Element>.allocate(capacity: 1)
            defer { placeholder.deallocate() }
            return try body(placeholder)
        }
    }

    /// Mutable twin of `withBasePointer`.
    mutating func withMutableBasePointer<R>(_ body: (UnsafeMutablePointer<Element>) throws -> R) rethrows -> R {
        try withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress { return try body(base) }
            let placeholder = UnsafeMutablePointer<Element>.allocate(capacity: 1)
            defer { placeholder.deallocate() }
            return try body(placeholder)
        }
    }
}
