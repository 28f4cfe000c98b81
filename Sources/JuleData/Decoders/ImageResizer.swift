/// Resizes interleaved H×W×C bytes with area averaging (box filter) when shrinking and bilinear interpolation
/// when enlarging, per axis. Used to bring image trees to a dataset's protocol size, and by `jule show` for thumbnails.
///
/// Shrinking: output pixel (y, x) is the mean of the input over [y·sy, (y+1)·sy) × [x·sx, (x+1)·sx), sy = H/H',
/// with fractional edge pixels weighted by their overlap. Enlarging: bilinear with pixel centres aligned
/// ((y + ½)·sy − ½), edges clamped.
public enum ImageResizer {
    public static func resize(_ pixels: [UInt8], height: Int, width: Int, channels: Int,
                       toHeight newHeight: Int, toWidth newWidth: Int) -> [UInt8] {
        if height == newHeight && width == newWidth { return pixels }
        let rowWeights = weights(from: height, to: newHeight)
        let columnWeights = weights(from: width, to: newWidth)
        // Separable: rows first into a float buffer (newHeight × width × C), then columns.
        var intermediate = [Float](repeating: 0, count: newHeight * width * channels)
        for y in 0..<newHeight {
            for (source, weight) in rowWeights[y] {
                let base = source * width * channels, out = y * width * channels
                for i in 0..<(width * channels) { intermediate[out + i] += weight * Float(pixels[base + i]) }
            }
        }
        var output = [UInt8](repeating: 0, count: newHeight * newWidth * channels)
        for y in 0..<newHeight {
            for x in 0..<newWidth {
                for ch in 0..<channels {
                    var sum: Float = 0
                    for (source, weight) in columnWeights[x] { sum += weight * intermediate[(y * width + source) * channels + ch] }
                    output[(y * newWidth + x) * channels + ch] = UInt8(max(0, min(255, sum.rounded())))
                }
            }
        }
        return output
    }

    /// For each output index, the (input index, weight) pairs; weights sum to 1.
    static func weights(from size: Int, to newSize: Int) -> [[(Int, Float)]] {
        let scale = Double(size) / Double(newSize)
        return (0..<newSize).map { o in
            if scale > 1 {
                let start = Double(o) * scale, end = Double(o + 1) * scale
                var list: [(Int, Float)] = []
                var i = Int(start)
                while Double(i) < end && i < size {
                    let overlap = min(end, Double(i + 1)) - max(start, Double(i))
                    if overlap > 0 { list.append((i, Float(overlap / scale))) }
                    i += 1
                }
                return list
            }
            let centre = (Double(o) + 0.5) * scale - 0.5
            let lower = max(0, min(size - 1, Int(centre.rounded(.down))))
            let upper = min(size - 1, lower + 1)
            let fraction = Float(max(0, min(1, centre - Double(lower))))
            return lower == upper ? [(lower, Float(1))] : [(lower, 1 - fraction), (upper, fraction)]
        }
    }

    /// Interleaved H×W×C to planar C×H×W.
    static func planar(_ interleaved: [UInt8], height: Int, width: Int, channels: Int) -> [UInt8] {
        if channels == 1 { return interleaved }
        var output = [UInt8](repeating: 0, count: interleaved.count)
        let plane = height * width
        for p in 0..<plane {
            for ch in 0..<channels { output[ch * plane + p] = interleaved[p * channels + ch] }
        }
        return output
    }
}
