// The portable GEMM (see CPortableGemm.h for the definition every path computes).
//
// Structure: the classic packed GEMM. n in blocks of NC columns; k in slices of KC; for each slice op(B) is packed
// into KC×NR column panels (zero-padded on the right) and, per block of MC rows, op(A) into KC×MR row strips
// (pre-multiplied by α when α ≠ 1); a register micro-kernel then updates an R×NR tile of C (R ≤ MR rows, masked
// loads and stores for the last columns) with one fused multiply–add per k step per element. The first slice of a
// β = 0 product starts its accumulators at +0; every other slice loads the tile from C, so an element's value after
// slice s is exactly the chain of the definition up to the end of that slice. Nothing else touches C, which is why
// the blocking (and the 8- or 16-wide registers) cannot change a result.
//
// Small products (the Winograd transforms' 50×50 by 50×~128) spend as long packing as multiplying, so both vector
// paths also have kernels that read an operand where it lies (strided): op(A) when few column panels would reuse its packed
// copy, a row-major B when its k-slice fits in cache. Packing only moves floats, so reading them in place feeds each
// fused multiply–add the same two values in the same order: the same bits (the tests compare both ways).
//
// Own code, written for this package (no BLIS/OpenBLAS source).
#pragma STDC FP_CONTRACT OFF

#include "CPortableGemm.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#define JULE_X86 1
#else
#define JULE_X86 0   // other processors: the scalar reference only (the same bits, slowly)
#endif
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// MARK: - Processor support

static int supported_isas = 0;   // bit (1 << isa)
static pthread_once_t detect_once = PTHREAD_ONCE_INIT;

#if JULE_X86
static uint64_t read_xcr0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

static void detect(void) {
    int mask = 1 << JULE_PORTABLE_SCALAR;
    unsigned a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        const int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
        const uint64_t xcr0 = osxsave ? read_xcr0() : 0;
        const int ymm_state = (xcr0 & 0x6) == 0x6, zmm_state = ymm_state && (xcr0 & 0xE0) == 0xE0;
        if (__get_cpuid_max(0, 0) >= 7) {
            __cpuid_count(7, 0, a, b, c, d);
            const int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1;
            if (avx && fma && avx2 && ymm_state) mask |= 1 << JULE_PORTABLE_AVX2;
            if (avx && fma && avx2 && avx512f && zmm_state) mask |= 1 << JULE_PORTABLE_AVX512;
        }
    }
    supported_isas = mask;
}
#else
static void detect(void) { supported_isas = 1 << JULE_PORTABLE_SCALAR; }
#endif

int jule_portable_supported(int isa) {
    pthread_once(&detect_once, detect);
    return isa >= JULE_PORTABLE_SCALAR && isa <= JULE_PORTABLE_AVX512 && ((supported_isas >> isa) & 1);
}

int jule_portable_widest(void) {
    if (jule_portable_supported(JULE_PORTABLE_AVX512)) return JULE_PORTABLE_AVX512;
    if (jule_portable_supported(JULE_PORTABLE_AVX2)) return JULE_PORTABLE_AVX2;
    return JULE_PORTABLE_SCALAR;
}

static int has_fma(void) { return jule_portable_supported(JULE_PORTABLE_AVX2); }

// MARK: - Reference: one element at a time

// The definition, literally: row i of C, then for each k every element of the row takes one FMA. The loops are
// kept scalar so that this path shares no code with the vector kernels (it is what they are checked against).
#define REFERENCE_BODY(FMA)                                                                                        \
    for (long i = 0; i < m; i++) {                                                                                 \
        float *row = c + i * ldc;                                                                                  \
        if (beta_zero) {                                                                                           \
            _Pragma("clang loop vectorize(disable)")                                                               \
            for (long j = 0; j < n; j++) row[j] = 0.0f;                                                            \
        }                                                                                                          \
        for (long p = 0; p < k; p++) {                                                                             \
            float ap = ta ? a[p * lda + i] : a[i * lda + p];                                                       \
            if (alpha != 1.0f) ap = alpha * ap;                                                                    \
            if (tb) {                                                                                              \
                const float *bp = b + p;                                                                           \
                _Pragma("clang loop vectorize(disable) interleave(disable)")                                      \
                for (long j = 0; j < n; j++) row[j] = FMA(ap, bp[j * ldb], row[j]);                                \
            } else {                                                                                               \
                const float *bp = b + p * ldb;                                                                     \
                _Pragma("clang loop vectorize(disable) interleave(disable)")                                      \
                for (long j = 0; j < n; j++) row[j] = FMA(ap, bp[j], row[j]);                                      \
            }                                                                                                      \
        }                                                                                                          \
    }

#if JULE_X86
__attribute__((target("fma")))
#endif
static void reference_fma(int ta, int tb, long m, long n, long k, float alpha, const float *a, long lda,
                          const float *b, long ldb, int beta_zero, float *c, long ldc) {
    REFERENCE_BODY(__builtin_fmaf)
}

// Without the FMA instruction, libm's fmaf (correctly rounded by definition, IEEE 754 fusedMultiplyAdd).
static void reference_libm(int ta, int tb, long m, long n, long k, float alpha, const float *a, long lda,
                           const float *b, long ldb, int beta_zero, float *c, long ldc) {
    REFERENCE_BODY(fmaf)
}

static void reference(int ta, int tb, long m, long n, long k, float alpha, const float *a, long lda,
                      const float *b, long ldb, int beta_zero, float *c, long ldc) {
    if (has_fma()) reference_fma(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta_zero, c, ldc);
    else reference_libm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta_zero, c, ldc);
}

#if JULE_X86
// MARK: - Micro-kernels

// kernel(kc, a, b, c, ldc, load, cols): C[0..<R, 0..<cols] of a tile ← (load ? C : +0) followed by kc FMA steps
// with the packed strip a (kc×MR, row r at a[p·MR + r]) and the packed panel b (kc×NR, zero-padded).
typedef void (*kernel_fn)(long kc, const float *a, const float *b, float *c, long ldc, int load, int cols);
// The same with the operands where they lie: row r of step p of a at a[r·a_rs + p·a_ps], step p of b at b[p·b_ps]
// (NR readable floats there, so never the last, partial panel of a matrix).
typedef void (*strided_fn)(long kc, const float *a, long a_rs, long a_ps, const float *b, long b_ps, float *c,
                           long ldc, int load, int cols);

#define AVX2_TARGET __attribute__((target("avx2,fma")))
#define AVX512_TARGET __attribute__((target("avx512f,avx2,fma")))

// AVX2: MR 6, NR 16 (two 8-wide registers per row; 12 accumulators).
enum { AVX2_MR = 6, AVX2_NR = 16 };

static inline __attribute__((always_inline)) AVX2_TARGET void
avx2_tile(const int rows, long kc, const float *a, long a_rs, long a_ps, const float *b, long b_ps, float *c, long ldc,
          int load, int cols) {
    __m256 lo[AVX2_MR], hi[AVX2_MR];
    const int full = cols == AVX2_NR;
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i mask_lo = _mm256_cmpgt_epi32(_mm256_set1_epi32(cols), lane);
    const __m256i mask_hi = _mm256_cmpgt_epi32(_mm256_set1_epi32(cols - 8), lane);
    for (int r = 0; r < rows; r++) {
        float *row = c + r * ldc;
        if (!load) {
            lo[r] = _mm256_setzero_ps();
            hi[r] = _mm256_setzero_ps();
        } else if (full) {
            lo[r] = _mm256_loadu_ps(row);
            hi[r] = _mm256_loadu_ps(row + 8);
        } else {
            lo[r] = _mm256_maskload_ps(row, mask_lo);
            hi[r] = _mm256_maskload_ps(row + 8, mask_hi);
        }
    }
    for (long p = 0; p < kc; p++) {
        const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
        for (int r = 0; r < rows; r++) {
            const __m256 ar = _mm256_broadcast_ss(a + r * a_rs);
            lo[r] = _mm256_fmadd_ps(ar, b0, lo[r]);
            hi[r] = _mm256_fmadd_ps(ar, b1, hi[r]);
        }
        a += a_ps;
        b += b_ps;
    }
    for (int r = 0; r < rows; r++) {
        float *row = c + r * ldc;
        if (full) {
            _mm256_storeu_ps(row, lo[r]);
            _mm256_storeu_ps(row + 8, hi[r]);
        } else {
            _mm256_maskstore_ps(row, mask_lo, lo[r]);
            _mm256_maskstore_ps(row + 8, mask_hi, hi[r]);
        }
    }
}

// Packed operands (strides fixed, so the compiler folds them), and operands read in place (strides at run time).
#define AVX2_KERNEL(R)                                                                                             \
    static AVX2_TARGET void avx2_kernel_##R(long kc, const float *a, const float *b, float *c, long ldc, int load,  \
                                            int cols) {                                                            \
        avx2_tile(R, kc, a, 1, AVX2_MR, b, AVX2_NR, c, ldc, load, cols);                                          \
    }                                                                                                              \
    static AVX2_TARGET void avx2_strided_##R(long kc, const float *a, long a_rs, long a_ps, const float *b,         \
                                             long b_ps, float *c, long ldc, int load, int cols) {                  \
        avx2_tile(R, kc, a, a_rs, a_ps, b, b_ps, c, ldc, load, cols);                                              \
    }
AVX2_KERNEL(1) AVX2_KERNEL(2) AVX2_KERNEL(3) AVX2_KERNEL(4) AVX2_KERNEL(5) AVX2_KERNEL(6)

// AVX-512: MR 10, NR 32 (two 16-wide registers per row; 20 accumulators). 10 rows divide the networks' 50 filters
// and their 1250-row patch matrices exactly.
enum { AVX512_MR = 10, AVX512_NR = 32 };

static inline __attribute__((always_inline)) AVX512_TARGET void
avx512_tile(const int rows, long kc, const float *a, long a_rs, long a_ps, const float *b, long b_ps, float *c,
            long ldc, int load, int cols) {
    __m512 lo[AVX512_MR], hi[AVX512_MR];
    const int full = cols == AVX512_NR;
    const __mmask16 mask_lo = cols >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << cols) - 1);
    const __mmask16 mask_hi = cols >= 32 ? (__mmask16)0xFFFF : cols > 16 ? (__mmask16)((1u << (cols - 16)) - 1) : 0;
    for (int r = 0; r < rows; r++) {
        float *row = c + r * ldc;
        if (!load) {
            lo[r] = _mm512_setzero_ps();
            hi[r] = _mm512_setzero_ps();
        } else if (full) {
            lo[r] = _mm512_loadu_ps(row);
            hi[r] = _mm512_loadu_ps(row + 16);
        } else {
            lo[r] = _mm512_maskz_loadu_ps(mask_lo, row);
            hi[r] = _mm512_maskz_loadu_ps(mask_hi, row + 16);
        }
    }
    for (long p = 0; p < kc; p++) {
        const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
        for (int r = 0; r < rows; r++) {
            const __m512 ar = _mm512_set1_ps(a[r * a_rs]);
            lo[r] = _mm512_fmadd_ps(ar, b0, lo[r]);
            hi[r] = _mm512_fmadd_ps(ar, b1, hi[r]);
        }
        a += a_ps;
        b += b_ps;
    }
    for (int r = 0; r < rows; r++) {
        float *row = c + r * ldc;
        if (full) {
            _mm512_storeu_ps(row, lo[r]);
            _mm512_storeu_ps(row + 16, hi[r]);
        } else {
            _mm512_mask_storeu_ps(row, mask_lo, lo[r]);
            _mm512_mask_storeu_ps(row + 16, mask_hi, hi[r]);
        }
    }
}

#define AVX512_KERNEL(R)                                                                                           \
    static AVX512_TARGET void avx512_kernel_##R(long kc, const float *a, const float *b, float *c, long ldc,        \
                                                int load, int cols) {                                              \
        avx512_tile(R, kc, a, 1, AVX512_MR, b, AVX512_NR, c, ldc, load, cols);                                    \
    }                                                                                                              \
    static AVX512_TARGET void avx512_strided_##R(long kc, const float *a, long a_rs, long a_ps, const float *b,     \
                                                 long b_ps, float *c, long ldc, int load, int cols) {              \
        avx512_tile(R, kc, a, a_rs, a_ps, b, b_ps, c, ldc, load, cols);                                            \
    }
AVX512_KERNEL(1) AVX512_KERNEL(2) AVX512_KERNEL(3) AVX512_KERNEL(4) AVX512_KERNEL(5)
AVX512_KERNEL(6) AVX512_KERNEL(7) AVX512_KERNEL(8) AVX512_KERNEL(9) AVX512_KERNEL(10)

// MARK: - Blocking

typedef struct {
    int mr, nr;
    long kc, mc, nc;
    kernel_fn kernel[AVX512_MR + 1];     // by row count 1...mr
    strided_fn strided[AVX512_MR + 1];   // the same with operands read in place
} kernel_set;

// KC·NR·4 bytes of B panel stay in L1 while a block's strips stream past; MC·KC·4 bytes of A stay in L2;
// KC·NC·4 bytes of B in L3.
static const kernel_set avx2_set = {
    AVX2_MR, AVX2_NR, 256, 144, 4080,
    {0, avx2_kernel_1, avx2_kernel_2, avx2_kernel_3, avx2_kernel_4, avx2_kernel_5, avx2_kernel_6},
    {0, avx2_strided_1, avx2_strided_2, avx2_strided_3, avx2_strided_4, avx2_strided_5, avx2_strided_6},
};

static const kernel_set avx512_set = {
    AVX512_MR, AVX512_NR, 256, 240, 4096,
    {0, avx512_kernel_1, avx512_kernel_2, avx512_kernel_3, avx512_kernel_4, avx512_kernel_5, avx512_kernel_6,
     avx512_kernel_7, avx512_kernel_8, avx512_kernel_9, avx512_kernel_10},
    {0, avx512_strided_1, avx512_strided_2, avx512_strided_3, avx512_strided_4, avx512_strided_5, avx512_strided_6,
     avx512_strided_7, avx512_strided_8, avx512_strided_9, avx512_strided_10},
};

// MARK: - Per-thread packing buffers

typedef struct {
    float *a, *b;
    size_t a_capacity, b_capacity;   // floats
} workspace;

static pthread_key_t workspace_key;
static pthread_once_t workspace_once = PTHREAD_ONCE_INIT;
static int workspace_key_ok = 0;

static void workspace_free(void *pointer) {
    workspace *w = pointer;
    free(w->a);
    free(w->b);
    free(w);
}

static void workspace_init(void) { workspace_key_ok = pthread_key_create(&workspace_key, workspace_free) == 0; }

/// Room for `count` floats, 64-byte aligned; NULL when memory is exhausted.
static float *reserve(float **buffer, size_t *capacity, size_t count) {
    if (*capacity >= count) return *buffer;
    free(*buffer);
    *capacity = 0;
    *buffer = aligned_alloc(64, (count * sizeof(float) + 63) / 64 * 64);
    if (*buffer) *capacity = count;
    return *buffer;
}

static workspace *current_workspace(void) {
    pthread_once(&workspace_once, workspace_init);
    if (!workspace_key_ok) return NULL;
    workspace *w = pthread_getspecific(workspace_key);
    if (w) return w;
    w = calloc(1, sizeof(workspace));
    if (w && pthread_setspecific(workspace_key, w) != 0) {
        free(w);
        return NULL;
    }
    return w;
}

// MARK: - Packing

// Packing moves data only (the α product aside, an ordinary float multiply), so it may use any instructions; it runs
// only on the vector paths, which all have AVX2.

/// Writes the 8×8 block s (row r at s + r·ld) transposed: row q of the result (column q of s) at d + q·nr.
static inline __attribute__((always_inline)) AVX2_TARGET void transpose8(const float *s, long ld, float *d, long nr) {
    const __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + ld), r2 = _mm256_loadu_ps(s + 2 * ld),
                 r3 = _mm256_loadu_ps(s + 3 * ld), r4 = _mm256_loadu_ps(s + 4 * ld), r5 = _mm256_loadu_ps(s + 5 * ld),
                 r6 = _mm256_loadu_ps(s + 6 * ld), r7 = _mm256_loadu_ps(s + 7 * ld);
    const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1), t2 = _mm256_unpacklo_ps(r2, r3),
                 t3 = _mm256_unpackhi_ps(r2, r3), t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5),
                 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE),
                 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE),
                 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE),
                 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    _mm256_store_ps(d, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_store_ps(d + nr, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_store_ps(d + 2 * nr, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_store_ps(d + 3 * nr, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_store_ps(d + 4 * nr, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_store_ps(d + 5 * nr, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_store_ps(d + 6 * nr, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_store_ps(d + 7 * nr, _mm256_permute2f128_ps(u3, u7, 0x31));
}

// op(B)[0..<kc, 0..<nc] (b at op(B)[pc, jc]) into panels of kc×nr, panel q at dst + q·kc·nr, zero-padded.
static AVX2_TARGET void pack_b(int nr, int tb, long kc, long nc, const float *b, long ldb, float *dst) {
    if (!tb) {
        // Row by row, so B is read as a stream (panel by panel would jump a row of B per step: a cache miss each,
        // since a k-slice of a wide B does not fit in L2); the writes stay within one line of every panel.
        const long full = nc / nr * nr;
        for (long p = 0; p < kc; p++) {
            const float *s = b + p * ldb;
            float *t = dst + p * nr;
            for (long j0 = 0; j0 < full; j0 += nr) {
                for (long j = 0; j < nr; j++) t[j0 * kc + j] = s[j0 + j];
            }
            if (full < nc) {
                float *e = t + full * kc;
                long j = 0;
                for (; j < nc - full; j++) e[j] = s[full + j];
                for (; j < nr; j++) e[j] = 0.0f;
            }
        }
        return;
    }
    // op(B)[p, j] = B[j, p]: 8×8 blocks of B transposed into the panel, scalar copies for the ragged edges.
    for (long j0 = 0; j0 < nc; j0 += nr) {
        const long cols = nc - j0 < nr ? nc - j0 : nr;
        float *d = dst + j0 * kc;
        const long cols8 = cols / 8 * 8, kc8 = kc / 8 * 8;
        for (long j = 0; j < cols8; j += 8) {
            const float *s = b + (j0 + j) * ldb;
            for (long p = 0; p < kc8; p += 8) transpose8(s + p, ldb, d + p * nr + j, nr);
            for (long p = kc8; p < kc; p++) {
                for (long jj = 0; jj < 8; jj++) d[p * nr + j + jj] = s[jj * ldb + p];
            }
        }
        for (long j = cols8; j < cols; j++) {
            const float *s = b + (j0 + j) * ldb;
            for (long p = 0; p < kc; p++) d[p * nr + j] = s[p];
        }
        for (long j = cols; j < nr; j++) {
            for (long p = 0; p < kc; p++) d[p * nr + j] = 0.0f;
        }
    }
}

// op(A)[0..<mc, 0..<kc] (a at op(A)[ic, pc]) into strips of kc×mr, strip s at dst + s·mr·kc, times α when α ≠ 1.
static AVX2_TARGET void pack_a(int mr, int ta, long mc, long kc, const float *a, long lda, float alpha, float *dst) {
    const int scale = alpha != 1.0f;
    for (long i0 = 0; i0 < mc; i0 += mr) {
        const long rows = mc - i0 < mr ? mc - i0 : mr;
        float *d = dst + i0 * kc;
        if (!ta) {
            for (long r = 0; r < rows; r++) {
                const float *s = a + (i0 + r) * lda;
                if (scale) {
                    for (long p = 0; p < kc; p++) d[p * mr + r] = alpha * s[p];
                } else {
                    for (long p = 0; p < kc; p++) d[p * mr + r] = s[p];
                }
            }
        } else {
            // op(A)[i, p] = A[p, i]: the strip's rows are contiguous in each row of A.
            for (long p = 0; p < kc; p++) {
                const float *s = a + p * lda + i0;
                float *t = d + p * mr;
                if (scale) {
                    for (long r = 0; r < rows; r++) t[r] = alpha * s[r];
                } else {
                    for (long r = 0; r < rows; r++) t[r] = s[r];
                }
            }
        }
        for (long r = rows; r < mr; r++) {
            for (long p = 0; p < kc; p++) d[p * mr + r] = 0.0f;
        }
    }
}

#endif

// MARK: - Driver

#if JULE_X86
static long round_up(long x, long step) { return (x + step - 1) / step * step; }

// In-place limits, measured on the 2-core Zen 3 machine (bench/CNN/README.md): a B slice of up to 64 Ki floats
// (256 kB, within L2) and op(A) for products of at most 8 column panels. Rechecked for AVX-512 on Zen 4: 4 to 16
// panels and 32 to 128 Ki floats time the same within noise; 32 panels slows the 1250×3364×50 product by a fifth.
enum { B_IN_PLACE_FLOATS = 64 * 1024, A_IN_PLACE_PANELS = 8 };

// Whether a k-slice of op(B) is read in place rather than packed: only a row-major B (rows of B are the slice's rows)
// whose slice is small enough to stay in cache while every strip of A passes over it; a wide slice is packed, since
// reading it column panel by column panel would jump a row of B per step.
static int reads_b_in_place(const kernel_set *ks, int tb, long kc, long ldb) {
    return ks->strided[1] && !tb && kc * ldb <= B_IN_PLACE_FLOATS;
}

// Whether op(A) is read in place: packing a strip costs about as much as a few passes of the kernel over it in place
// (six rows of A at once instead of one contiguous strip), so it pays only when the strip serves many column panels;
// α ≠ 1 needs the packed α·op(A).
static int reads_a_in_place(const kernel_set *ks, float alpha, long n) {
    return ks->strided[1] && alpha == 1.0f && n <= A_IN_PLACE_PANELS * ks->nr;
}

/// The blocked product; returns 0 (having written nothing) when the packing buffers cannot be allocated.
static int blocked(const kernel_set *ks, int ta, int tb, long m, long n, long k, float alpha, const float *a,
                   long lda, const float *b, long ldb, int beta_zero, float *c, long ldc) {
    workspace *w = current_workspace();
    if (!w) return 0;
    const long kc_max = k < ks->kc ? k : ks->kc;
    const long mc_max = round_up(m < ks->mc ? m : ks->mc, ks->mr);
    const long nc_max = round_up(n < ks->nc ? n : ks->nc, ks->nr);
    float *pa = reserve(&w->a, &w->a_capacity, (size_t)(mc_max * kc_max));
    float *pb = reserve(&w->b, &w->b_capacity, (size_t)(nc_max * kc_max));
    if (!pa || !pb) return 0;
    const int a_in_place = reads_a_in_place(ks, alpha, n);
    const long a_rs = a_in_place ? (ta ? 1 : lda) : 1, a_ps = a_in_place ? (ta ? lda : 1) : ks->mr;
    for (long jc = 0; jc < n; jc += ks->nc) {
        const long nc = n - jc < ks->nc ? n - jc : ks->nc;
        for (long pc = 0; pc < k; pc += ks->kc) {
            const long kc = k - pc < ks->kc ? k - pc : ks->kc;
            const float *bs = tb ? b + jc * ldb + pc : b + pc * ldb + jc;
            const int b_in_place = reads_b_in_place(ks, tb, kc, ldb);
            // In place, only the last, partial panel is packed (to its zero padding), at the start of pb.
            const long full = nc / ks->nr * ks->nr;
            if (!b_in_place) pack_b(ks->nr, tb, kc, nc, bs, ldb, pb);
            else if (full < nc) pack_b(ks->nr, tb, kc, nc - full, bs + full, ldb, pb);
            const int load = !(beta_zero && pc == 0);
            for (long ic = 0; ic < m; ic += ks->mc) {
                const long mc = m - ic < ks->mc ? m - ic : ks->mc;
                const float *as = ta ? a + pc * lda + ic : a + ic * lda + pc;
                if (!a_in_place) pack_a(ks->mr, ta, mc, kc, as, lda, alpha, pa);
                for (long jr = 0; jr < nc; jr += ks->nr) {
                    const int cols = (int)(nc - jr < ks->nr ? nc - jr : ks->nr);
                    const int panel_in_place = b_in_place && jr < full;
                    const float *panel = panel_in_place ? bs + jr : b_in_place ? pb : pb + jr * kc;
                    const long b_ps = panel_in_place ? ldb : ks->nr;
                    float *tile = c + ic * ldc + jc + jr;
                    for (long ir = 0; ir < mc; ir += ks->mr) {
                        const int rows = (int)(mc - ir < ks->mr ? mc - ir : ks->mr);
                        if (a_in_place || panel_in_place) {
                            const float *strip = a_in_place ? as + ir * a_rs : pa + ir * kc;
                            ks->strided[rows](kc, strip, a_rs, a_ps, panel, b_ps, tile + ir * ldc, ldc, load, cols);
                        } else {
                            ks->kernel[rows](kc, pa + ir * kc, panel, tile + ir * ldc, ldc, load, cols);
                        }
                    }
                }
            }
        }
    }
    return 1;
}

#endif

void jule_portable_sgemm(int isa, int transpose_a, int transpose_b, long m, long n, long k, float alpha,
                         const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    const int beta_zero = beta == 0.0f;
    if (!beta_zero && beta != 1.0f) {
        for (long i = 0; i < m; i++) {
            for (long j = 0; j < n; j++) c[i * ldc + j] = beta * c[i * ldc + j];
        }
    }
    if (k <= 0) {
        if (beta_zero) {
            for (long i = 0; i < m; i++) memset(c + i * ldc, 0, (size_t)n * sizeof(float));
        }
        return;
    }
    const int ta = transpose_a != 0, tb = transpose_b != 0;
#if JULE_X86
    const kernel_set *ks = NULL;
    if (isa == JULE_PORTABLE_AVX512 && jule_portable_supported(JULE_PORTABLE_AVX512)) ks = &avx512_set;
    else if (isa == JULE_PORTABLE_AVX2 && jule_portable_supported(JULE_PORTABLE_AVX2)) ks = &avx2_set;
    // The reference also serves when the packing buffers cannot be allocated: the same bits, only slower.
    if (ks && blocked(ks, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta_zero, c, ldc)) return;
#else
    (void)isa;
#endif
    reference(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta_zero, c, ldc);
}
