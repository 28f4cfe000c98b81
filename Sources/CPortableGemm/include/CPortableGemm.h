#ifndef JULE_CPORTABLEGEMM_H
#define JULE_CPORTABLEGEMM_H
// The portable GEMM: single-precision C ← α·op(A)·op(B) + β·C whose every element is the same bits on any x86-64
// processor, whichever instruction set computes it. Each element is one chain of fused multiply–adds in ascending k:
//
//     c⁰ = 0 (β = 0),  C (β = 1),  fl(β·C) otherwise
//     cᵏ⁺¹ = fma(ã[i,k], op(B)[k,j], cᵏ),   ã = op(A) when α = 1, else fl(α·op(A))
//     C[i,j] ← c^K
//
// The vector kernels vectorise over j (8 or 16 outputs per register) and over a few rows i; they never split or
// reorder the sum over k, so the register width, the blocking, the tile an element falls in (edge tiles included)
// and the number of rows a caller passes (worker shares of a batch) cannot change a bit of the result.

/// Instruction sets of the kernel. All give bit-identical results.
enum {
    JULE_PORTABLE_SCALAR = 1,   ///< one element at a time (libm fmaf where the processor has no FMA)
    JULE_PORTABLE_AVX2 = 2,     ///< AVX2 + FMA, 6×16 register tiles
    JULE_PORTABLE_AVX512 = 3,   ///< AVX-512F, 10×32 register tiles
};

/// 1 when this processor (and its operating system) can run `isa`, else 0.
int jule_portable_supported(int isa);

/// The widest instruction set this processor runs (JULE_PORTABLE_AVX512, _AVX2 or _SCALAR).
int jule_portable_widest(void);

/// Row-major C ← α·op(A)·op(B) + β·C, op(A) m×k, op(B) k×n, as defined above. Single-threaded; callable from several
/// threads at once (each thread packs into its own buffers). Precondition: jule_portable_supported(isa).
void jule_portable_sgemm(int isa, int transpose_a, int transpose_b, long m, long n, long k, float alpha,
                         const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

#endif
