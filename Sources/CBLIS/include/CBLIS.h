#ifndef JULE_CBLIS_H
#define JULE_CBLIS_H
// BLIS (Debian's libblis4), loaded at run time with dlopen(RTLD_LOCAL) so that its BLAS/CBLAS compatibility
// symbols (cblas_sgemm, sgemm_, ...) never interpose on OpenBLAS's in the same process. Only BLIS's typed API
// (bli_sgemm) is called, through a pointer typed by BLIS's own header.

/// Loads BLIS once (thread-safe) and sets it to one thread; returns 1 when BLIS is usable, 0 otherwise
/// (library not installed, or the package was built without blis.h).
int jule_blis_available(void);

/// 1 when this package was compiled with BLIS's header (blis.h), which jule_blis_available() needs; 0 otherwise.
int jule_blis_built_in(void);

/// 1 when libblis.so.4 can be opened now, whether or not this build can use it: with jule_blis_built_in() it tells
/// a build made before libblis-serial-dev was installed from a machine without BLIS.
int jule_blis_library_present(void);

/// The sub-configuration BLIS selected for this processor at load time ("haswell", "skx", "zen3", "generic", ...),
/// or "" when BLIS is not available.
const char *jule_blis_arch(void);

/// BLIS's version string, or "" when BLIS is not available.
const char *jule_blis_version(void);

/// Row-major C ← α·op(A)·op(B) + β·C through bli_sgemm with general strides; op(A) m×k, op(B) k×n.
/// Precondition: jule_blis_available() returned 1.
void jule_blis_sgemm(int transpose_a, int transpose_b, long m, long n, long k, float alpha,
                     const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

#endif
