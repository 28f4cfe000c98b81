#include "CBLIS.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#if __has_include(<blis.h>)
#include <blis.h>
#define JULE_HAVE_BLIS 1
#else
#define JULE_HAVE_BLIS 0
#endif

#if JULE_HAVE_BLIS
typedef __typeof__(&bli_sgemm) sgemm_fn;
typedef __typeof__(&bli_arch_query_id) arch_query_fn;
typedef __typeof__(&bli_arch_string) arch_string_fn;
typedef __typeof__(&bli_info_get_version_str) version_fn;
typedef __typeof__(&bli_thread_set_num_threads) set_threads_fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static sgemm_fn sgemm;
static const char *arch = "";
static const char *version = "";

static void load(void) {
    // The soname Debian's alternatives point at (serial, pthread or openmp flavour); threads are set to 1 below.
    void *handle = dlopen("libblis.so.4", RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) return;
    sgemm_fn gemm = (sgemm_fn)dlsym(handle, "bli_sgemm");
    arch_query_fn query = (arch_query_fn)dlsym(handle, "bli_arch_query_id");
    arch_string_fn name = (arch_string_fn)dlsym(handle, "bli_arch_string");
    version_fn version_string = (version_fn)dlsym(handle, "bli_info_get_version_str");
    set_threads_fn set_threads = (set_threads_fn)dlsym(handle, "bli_thread_set_num_threads");
    if (gemm == NULL || query == NULL || name == NULL || version_string == NULL || set_threads == NULL) return;
    // One BLIS thread: the callers parallelise over images with their own workers.
    set_threads(1);
    arch = name(query());
    version = version_string();
    sgemm = gemm;
}

int jule_blis_available(void) {
    pthread_once(&once, load);
    return sgemm != NULL;
}

const char *jule_blis_arch(void) {
    pthread_once(&once, load);
    return arch;
}

const char *jule_blis_version(void) {
    pthread_once(&once, load);
    return version;
}

void jule_blis_sgemm(int transpose_a, int transpose_b, long m, long n, long k, float alpha,
                     const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (!jule_blis_available()) {
        fputs("jule_blis_sgemm called but libblis.so.4 could not be loaded\n", stderr);
        abort();
    }
    // Row-major op(A) is A (m×k, row stride lda) or Aᵀ of a stored k×m matrix: BLIS takes the strides of op(A)
    // directly, so no transpose flag is needed.
    inc_t rsa = transpose_a ? 1 : lda, csa = transpose_a ? lda : 1;
    inc_t rsb = transpose_b ? 1 : ldb, csb = transpose_b ? ldb : 1;
    sgemm(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, m, n, k, &alpha, (float *)a, rsa, csa, (float *)b, rsb, csb,
          &beta, c, ldc, 1);
}
#else
int jule_blis_available(void) { return 0; }
const char *jule_blis_arch(void) { return ""; }
const char *jule_blis_version(void) { return ""; }
void jule_blis_sgemm(int transpose_a, int transpose_b, long m, long n, long k, float alpha,
                     const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    (void)transpose_a; (void)transpose_b; (void)m; (void)n; (void)k; (void)alpha; (void)a; (void)lda; (void)b;
    (void)ldb; (void)beta; (void)c; (void)ldc;
    // Programmer error: callers check jule_blis_available() first.
    fputs("jule_blis_sgemm called but this build has no BLIS (blis.h was missing at build time)\n", stderr);
    abort();
}
#endif
