// Shapes: one H×W plane in, Hp×Wp = ceil(H/2)×ceil(W/2) out.

/// 2×2, stride-2 max pooling in ceil mode (§2): `out[py, px] = max` over the window rows `2py, 2py+1` and
/// columns `2px, 2px+1` that lie inside the map (edge windows are partial). Ties go to the first element in
/// row-major window order, as in Torch and PyTorch. The arg-max is kept as `2·dy + dx` in one byte.
struct MaxPooling {
    let height: Int, width: Int
    var outputHeight: Int { (height + 1) / 2 }
    var outputWidth: Int { (width + 1) / 2 }
    var outputPositions: Int { outputHeight * outputWidth }

    /// Pools one plane `x` into `out`, recording arg-max offsets in `argmax`.
    func forward(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ argmax: UnsafeMutablePointer<UInt8>) {
        let hp = outputHeight, wp = outputWidth
        let fullRows = height / 2, fullCols = width / 2
        for py in 0..<hp {
            let r0 = x + 2 * py * width
            let hasSecondRow = py < fullRows
            let r1 = hasSecondRow ? r0 + width : r0
            let o = out + py * wp, a = argmax + py * wp
            for px in 0..<fullCols {
                let c = 2 * px
                var best = r0[c], index: UInt8 = 0
                if r0[c + 1] > best { best = r0[c + 1]; index = 1 }
                if hasSecondRow {
                    if r1[c] > best { best = r1[c]; index = 2 }
                    if r1[c + 1] > best { best = r1[c + 1]; index = 3 }
                }
                o[px] = best
                a[px] = index
            }
            if fullCols < wp {  // odd width: last window is one column wide
                let c = 2 * fullCols
                var best = r0[c], index: UInt8 = 0
                if hasSecondRow && r1[c] > best { best = r1[c]; index = 2 }
                o[fullCols] = best
                a[fullCols] = index
            }
        }
    }

    /// Calls `body(o, source)` for every output position `o` in order, with `source` the input-plane offset of
    /// its arg-max (`argmax[o]`). Walks rows and columns, avoiding a division per position.
    @inline(__always)
    func forEachSource(_ argmax: UnsafePointer<UInt8>, _ body: (Int, Int) -> Void) {
        let wp = outputWidth
        var o = 0
        for py in 0..<outputHeight {
            let rowBase = 2 * py * width
            for px in 0..<wp {
                let code = Int(argmax[o])
                body(o, rowBase + (code >> 1) * width + 2 * px + (code & 1))
                o += 1
            }
        }
    }
}
