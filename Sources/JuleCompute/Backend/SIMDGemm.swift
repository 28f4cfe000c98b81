#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A single-threaded, cache-blocked single-precision GEMM written with `SIMD16<Float>` (two AVX2 registers
/// under the package's haswell target), for machines where OpenBLAS falls back to its generic SSE3
/// ("Prescott") kernels because it does not recognise the processor (Debian's 0.3.21 on recent Xeons).
///
///     C ← α·op(A)·op(B) + β·C,   op(A) m×k, op(B) k×n, row-major
///
/// Blocking: k in slices of `kc`, n in blocks of `nc` packed into k×16 column panels (zero-padded), then a
/// 6×16 register micro-kernel over 6-row strips of A (rows past m read a zero row). Summation order is fixed
/// (k ascending within a slice, slices ascending), so results are deterministic.
enum SIMDGemm {
    typealias V = SIMD16<Float>
    static let kc = 256
    static let nc = 1024
    static let mr = 6

    /// Scratch for the packed B block and the A strip, one per thread (`current`).
    final class Workspace {
        let packedB = UnsafeMutablePointer<Float>.allocate(capacity: kc * nc)
        let packedA = UnsafeMutablePointer<Float>.allocate(capacity: kc * mr)
        deinit { packedB.deallocate(); packedA.deallocate() }

        private static let key: pthread_key_t = {
            var key = pthread_key_t()
            pthread_key_create(&key) { pointer in
                #if canImport(Glibc)
                guard let pointer else { return }
                #endif
                Unmanaged<Workspace>.fromOpaque(pointer).release()
            }
            return key
        }()

        /// The calling thread's workspace, created on first use.
        static var current: Workspace {
            if let pointer = pthread_getspecific(key) { return Unmanaged<Workspace>.fromOpaque(pointer).takeUnretainedValue() }
            let workspace = Workspace()
            pthread_setspecific(key, Unmanaged.passRetained(workspace).toOpaque())
            return workspace
        }
    }

    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, workspace: Workspace = .current) {
        // β = 0 is handled by the first k slice storing instead of accumulating (no zeroing pass over C),
        // except when k = 0 leaves nothing to store.
        if beta != 1 && !(beta == 0 && k > 0) {
            for i in 0..<m {
                let row = c + i * ldc
                if beta == 0 { row.update(repeating: 0, count: n) } else { for j in 0..<n { row[j] *= beta } }
            }
        }
        guard k > 0, m > 0, n > 0 else { return }
        let pb = workspace.packedB, pa = workspace.packedA
        var j0 = 0
        while j0 < n {
            let nb = min(nc, n - j0)
            let panels = (nb + 15) / 16
            var k0 = 0
            while k0 < k {
                let kb = min(kc, k - k0)
                // Pack B[k0..<k0+kb, j0..<j0+nb] into panels of kb×16.
                for panel in 0..<panels {
                    let dst = pb + panel * kb * 16
                    let jStart = j0 + panel * 16, width = min(16, n - jStart)
                    if !transposeB {
                        for kk in 0..<kb {
                            let src = b + (k0 + kk) * ldb + jStart
                            let d = dst + kk * 16
                            if width == 16 {
                                d.update(from: src, count: 16)
                            } else {
                                d.update(from: src, count: width)
                                (d + width).update(repeating: 0, count: 16 - width)
                            }
                        }
                    } else {
                        // op(B)[kk][j] = B[j][kk]
                        for j in 0..<16 {
                            if j < width {
                                let src = b + (jStart + j) * ldb + k0
                                for kk in 0..<kb { dst[kk * 16 + j] = src[kk] }
                            } else {
                                for kk in 0..<kb { dst[kk * 16 + j] = 0 }
                            }
                        }
                    }
                }
                var i0 = 0
                while i0 < m {
                    let rows = min(mr, m - i0)
                    // Pack the A strip k-major: pa[kk*6 + r] = op(A)[i0 + r][k0 + kk] (zero past m).
                    if transposeA {
                        for kk in 0..<kb {
                            let src = a + (k0 + kk) * lda + i0
                            for r in 0..<mr { pa[kk * mr + r] = r < rows ? src[r] : 0 }
                        }
                    } else {
                        for r in 0..<mr {
                            if r < rows {
                                let src = a + (i0 + r) * lda + k0
                                for kk in 0..<kb { pa[kk * mr + r] = src[kk] }
                            } else {
                                for kk in 0..<kb { pa[kk * mr + r] = 0 }
                            }
                        }
                    }
                    for panel in 0..<panels {
                        let jStart = j0 + panel * 16
                        kernel(kb: kb, a: pa, b: pb + panel * kb * 16, c: c + i0 * ldc + jStart, ldc: ldc,
                               rows: rows, width: min(16, n - jStart), alpha: alpha, overwrite: beta == 0 && k0 == 0)
                    }
                    i0 += mr
                }
                k0 += kb
            }
            j0 += nb
        }
    }

    /// C[0..<rows, 0..<width] (+)= α · (6×kb strip) · (kb×16 panel); `overwrite` stores instead of adding.
    @inline(__always)
    static func kernel(kb: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                       ldc: Int, rows: Int, width: Int, alpha: Float, overwrite: Bool) {
        var c0 = V(repeating: 0), c1 = V(repeating: 0), c2 = V(repeating: 0)
        var c3 = V(repeating: 0), c4 = V(repeating: 0), c5 = V(repeating: 0)
        var ap = a, bp = b
        for _ in 0..<kb {
            let bv = UnsafeRawPointer(bp).loadUnaligned(as: V.self)
            c0.addProduct(V(repeating: ap[0]), bv)
            c1.addProduct(V(repeating: ap[1]), bv)
            c2.addProduct(V(repeating: ap[2]), bv)
            c3.addProduct(V(repeating: ap[3]), bv)
            c4.addProduct(V(repeating: ap[4]), bv)
            c5.addProduct(V(repeating: ap[5]), bv)
            ap += 6
            bp += 16
        }
        let av = V(repeating: alpha)
        let acc = (c0 * av, c1 * av, c2 * av, c3 * av, c4 * av, c5 * av)
        if width == 16 {
            func add(_ v: V, _ row: Int) {
                let p = c + row * ldc
                let sum = overwrite ? v : UnsafeRawPointer(p).loadUnaligned(as: V.self) + v
                UnsafeMutableRawPointer(p).storeBytes(of: sum, as: V.self)
            }
            if rows > 0 { add(acc.0, 0) }
            if rows > 1 { add(acc.1, 1) }
            if rows > 2 { add(acc.2, 2) }
            if rows > 3 { add(acc.3, 3) }
            if rows > 4 { add(acc.4, 4) }
            if rows > 5 { add(acc.5, 5) }
        } else {
            let all = [acc.0, acc.1, acc.2, acc.3, acc.4, acc.5]
            for r in 0..<rows {
                for j in 0..<width { c[r * ldc + j] = (overwrite ? 0 : c[r * ldc + j]) + all[r][j] }
            }
        }
    }
}
