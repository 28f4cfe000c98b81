#include "CBLIS.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if __has_include(<blis.h>)
#include <blis.h>
#define JULE_HAVE_BLIS 1
#else
#define JULE_HAVE_BLIS 0
#endif

int jule_blis_built_in(void) { return JULE_HAVE_BLIS; }

int jule_blis_library_present(void) {
    void *handle = dlopen("libblis.so.4", RTLD_LAZY | RTLD_LOCAL);
    if (handle == NULL) return 0;
    dlclose(handle);   // balanced with this dlopen; load() keeps its own reference
    return 1;
}

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

/// Whether the processor (and the OS) support the AVX-512 subsets BLIS's "skx" kernels use.
static int has_avx512_for_skx(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2");
#else
    return 0;
#endif
}

/// BLIS 0.9 takes its AVX-512 "skx" sub-configuration only when the brand string tells it the core has two
/// AVX-512 FMA units; a virtual CPU named just "Intel(R) Xeon(R) Processor" gets the AVX2 "haswell" kernels,
/// at about half the measured sgemm speed (bench/CNN/README.md). So where the processor reports the AVX-512
/// subsets skx needs, ask for it, through the only switch BLIS 0.9 has: BLIS_ARCH_TYPE, read once when BLIS
/// initialises (the first call in load). The variable is removed again right after. A user's own BLIS_ARCH_TYPE wins,
/// and JULE_BLIS_ARCH=native keeps BLIS's own choice. The choice depends only on what the CPU reports, never on
/// timing, so results stay reproducible on a given machine.
///
/// Returns 1 when it set BLIS_ARCH_TYPE (to be removed again once BLIS has read it).
static int choose_sub_configuration(void) {
    const char *mode = getenv("JULE_BLIS_ARCH");
    if (getenv("BLIS_ARCH_TYPE") != NULL || (mode != NULL && strcmp(mode, "native") == 0)) return 0;
    if (!has_avx512_for_skx()) return 0;
    char id[16];
    snprintf(id, sizeof id, "%d", (int)BLIS_ARCH_SKX);
    return setenv("BLIS_ARCH_TYPE", id, 1) == 0;
}

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
    int changed = choose_sub_configuration();
    // One BLIS thread: the callers parallelise over images with their own workers. (This first call
    // initialises BLIS, which reads BLIS_ARCH_TYPE.)
    set_threads(1);
    arch = name(query());
    if (changed) unsetenv("BLIS_ARCH_TYPE");
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
