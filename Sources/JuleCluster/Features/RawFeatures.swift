/// §1.2: raw-pixel features for the first clustering (and the raw-pixel baseline).
public enum RawFeatures {
    /// Flattens `pixels` (N×dimension bytes, 0...255) to x = pixel/255 and normalises each row:
    ///
    ///     torchRenorm:  x ← x / (‖x‖₂ + 1e-7)  if ‖x‖₂ > 1, else unchanged   (Torch renorm(2, 1, 1))
    ///     l2:           x ← x / (‖x‖₂ + 1e-8)                                 (Caffe)
    ///
    /// Returns N×dimension Float, row-major. Norms are accumulated in Double, in pixel order.
    public static func make(pixels: [UInt8], count: Int, dimension: Int, normalisation: RawNormalisation) -> [Float] {
        precondition(pixels.count == count * dimension, "pixels must be N×dimension")
        // pixel/255 for each of the 256 values: the same Doubles as dividing each time, without 2 divisions a pixel.
        let unit = (0...255).map { Double($0) / 255 }
        var out = [Float](repeating: 0, count: count * dimension)
        unit.withUnsafeBufferPointer { table in
        pixels.withUnsafeBufferPointer { source in
        out.withUnsafeMutableBufferPointer { target in
            guard let v = table.baseAddress, let p = source.baseAddress, let o = target.baseAddress else { return }
            for i in 0..<count {
                let row = p + i * dimension, outRow = o + i * dimension
                var norm2 = 0.0
                for t in 0..<dimension {
                    let x = v[Int(row[t])]
                    norm2 += x * x
                }
                let norm = norm2.squareRoot()
                let scale: Double
                switch normalisation {
                case .torchRenorm: scale = norm > 1 ? 1 / (norm + 1e-7) : 1
                case .l2: scale = 1 / (norm + 1e-8)
                }
                for t in 0..<dimension { outRow[t] = Float(v[Int(row[t])] * scale) }
            }
        }}}
        return out
    }
}
