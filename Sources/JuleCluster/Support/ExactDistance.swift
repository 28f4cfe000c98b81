/// Squared Euclidean distance Σᵢ (xᵢ − yᵢ)² between two Float rows, accumulated in Double.
///
/// Each difference of two Floats and its square are exact in Double, so the only rounding is in the final sum
/// (relative error ≲ dimension · 2⁻⁵³). This is the reference distance of the k-NN graph: the sgemm pass only
/// proposes candidates and this function decides their order (§3.1, "exact k-NN").
@inline(__always)
func exactSquaredDistance(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, dimension: Int) -> Double {
    var acc = SIMD4<Double>()
    var i = 0
    while i + 4 <= dimension {
        let a = SIMD4<Double>(Double(x[i]), Double(x[i + 1]), Double(x[i + 2]), Double(x[i + 3]))
        let b = SIMD4<Double>(Double(y[i]), Double(y[i + 1]), Double(y[i + 2]), Double(y[i + 3]))
        let d = a - b
        acc = acc.addingProduct(d, d)
        i += 4
    }
    var tail = 0.0
    while i < dimension {
        let d = Double(x[i]) - Double(y[i])
        tail += d * d
        i += 1
    }
    return (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// Squared L2 norm of a Float row, accumulated in Double.
@inline(__always)
func exactSquaredNorm(_ x: UnsafePointer<Float>, dimension: Int) -> Double {
    var acc = SIMD4<Double>()
    var i = 0
    while i + 4 <= dimension {
        let a = SIMD4<Double>(Double(x[i]), Double(x[i + 1]), Double(x[i + 2]), Double(x[i + 3]))
        acc = acc.addingProduct(a, a)
        i += 4
    }
    var tail = 0.0
    while i < dimension {
        tail += Double(x[i]) * Double(x[i])
        i += 1
    }
    return (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}
