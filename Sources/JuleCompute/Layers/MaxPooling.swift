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
            // Eight windows at a time: the same comparisons in the same order, as lane selects instead of
            // branches (a ReLU map's maxima are unpredictable, so the scalar loop mispredicted often).
            var px = 0
            while px + 8 <= fullCols {
                let top = UnsafeRawPointer(r0 + 2 * px).loadUnaligned(as: SIMD16<Float>.self)
                var best = top.evenHalf, index = SIMD8<Int32>(repeating: 0)
                let right = top.oddHalf
                var take = right .> best
                best.replace(with: right, where: take)
                index.replace(with: 1, where: take)
                if hasSecondRow {
                    let bottom = UnsafeRawPointer(r1 + 2 * px).loadUnaligned(as: SIMD16<Float>.self)
                    let left1 = bottom.evenHalf, right1 = bottom.oddHalf
                    take = left1 .> best
                    best.replace(with: left1, where: take)
                    index.replace(with: 2, where: take)
                    take = right1 .> best
                    best.replace(with: right1, where: take)
                    index.replace(with: 3, where: take)
                }
                UnsafeMutableRawPointer(o + px).storeBytes(of: best, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(a + px).storeBytes(of: SIMD8<UInt8>(truncatingIfNeeded: index),
                                                           as: SIMD8<UInt8>.self)
                px += 8
            }
            for px in px..<fullCols {
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

    /// dst[o] = x[source(o)] for every output position o: the input value each window's arg-max points at (x is
    /// a plane of the pooling's input size). Eight windows at a time as lane selects, the edge windows one by one.
    func gatherSources(_ x: UnsafePointer<Float>, _ argmax: UnsafePointer<UInt8>, into dst: UnsafeMutablePointer<Float>) {
        let wp = outputWidth, fullRows = height / 2, fullCols = width / 2
        for py in 0..<outputHeight {
            let r0 = x + 2 * py * width
            let r1 = py < fullRows ? r0 + width : r0  // a last one-row window only has codes 0 and 1
            let a = argmax + py * wp, o = dst + py * wp
            var px = 0
            while px + 8 <= fullCols {
                let top = UnsafeRawPointer(r0 + 2 * px).loadUnaligned(as: SIMD16<Float>.self)
                let bottom = UnsafeRawPointer(r1 + 2 * px).loadUnaligned(as: SIMD16<Float>.self)
                let code = Self.laneCodes(a + px)
                var v = top.evenHalf
                v.replace(with: top.oddHalf, where: code .== 1)
                v.replace(with: bottom.evenHalf, where: code .== 2)
                v.replace(with: bottom.oddHalf, where: code .== 3)
                UnsafeMutableRawPointer(o + px).storeBytes(of: v, as: SIMD8<Float>.self)
                px += 8
            }
            for px in px..<wp { o[px] = r0[offset(ofCode: a[px], column: px)] }
        }
    }

    /// The pooling backward pass with a ReLU before it: writes the whole input-size plane `dst`, with
    /// `dst[source(o)] = out[o] > 0 ? g[o] : 0` and 0 at every position no window's arg-max points at. Eight full
    /// windows at a time as lane selects (both window rows written whole), the edge windows one by one.
    func scatterLiveGradient(_ g: UnsafePointer<Float>, out: UnsafePointer<Float>, _ argmax: UnsafePointer<UInt8>,
                             into dst: UnsafeMutablePointer<Float>) {
        dst.update(repeating: 0, count: height * width)
        let wp = outputWidth, fullRows = height / 2, fullCols = width / 2
        let zero = SIMD8<Float>(repeating: 0)
        for py in 0..<outputHeight {
            let r0 = dst + 2 * py * width
            let hasSecondRow = py < fullRows
            let a = argmax + py * wp, gRow = g + py * wp, outRow = out + py * wp
            var px = 0
            while hasSecondRow && px + 8 <= fullCols {
                let code = Self.laneCodes(a + px)
                let live = UnsafeRawPointer(outRow + px).loadUnaligned(as: SIMD8<Float>.self) .> zero
                let v = zero.replacing(with: UnsafeRawPointer(gRow + px).loadUnaligned(as: SIMD8<Float>.self),
                                       where: live)
                var top = SIMD16<Float>(), bottom = SIMD16<Float>()
                top.evenHalf = zero.replacing(with: v, where: code .== 0)
                top.oddHalf = zero.replacing(with: v, where: code .== 1)
                bottom.evenHalf = zero.replacing(with: v, where: code .== 2)
                bottom.oddHalf = zero.replacing(with: v, where: code .== 3)
                UnsafeMutableRawPointer(r0 + 2 * px).storeBytes(of: top, as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(r0 + width + 2 * px).storeBytes(of: bottom, as: SIMD16<Float>.self)
                px += 8
            }
            for px in px..<wp { r0[offset(ofCode: a[px], column: px)] = outRow[px] > 0 ? gRow[px] : 0 }
        }
    }

    /// Input-plane offset of arg-max `code` (2·dy + dx) in window column `px`, from the window's top row.
    @inline(__always)
    func offset(ofCode code: UInt8, column px: Int) -> Int { Int(code >> 1) * width + 2 * px + Int(code & 1) }

    /// The arg-max codes of eight windows, as floats: selects under a float comparison's mask compile to blends,
    /// under an integer comparison's to a lane loop (measured).
    @inline(__always)
    private static func laneCodes(_ argmax: UnsafePointer<UInt8>) -> SIMD8<Float> {
        SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: UnsafeRawPointer(argmax).loadUnaligned(as: SIMD8<UInt8>.self)))
    }
}
