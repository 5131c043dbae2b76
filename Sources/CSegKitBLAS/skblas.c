#include "CSegKitBLAS.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
typedef void (*ssyevr_fn)(const char *, const char *, const char *, const int *, float *, const int *, const float *,
                          const float *, const int *, const int *, const float *, int *, float *, float *, const int *,
                          int *, float *, const int *, int *, const int *, int *, size_t, size_t, size_t);
typedef void (*spotrf_fn)(const char *, const int *, float *, const int *, int *, size_t);
typedef void (*spotrs_fn)(const char *, const int *, const int *, const float *, const int *, float *, const int *,
                          int *, size_t);
typedef void (*threads_fn)(int);
typedef char *(*corename_fn)(void);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static sgemm_fn p_sgemm;
static ssyevr_fn p_ssyevr;
static spotrf_fn p_spotrf;
static spotrs_fn p_spotrs;
static corename_fn p_corename;
static const char *load_error = "OpenBLAS not loaded yet";

/* CBLAS enum values (cblas.h): row-major 101, no-trans 111, trans 112. */
enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

static int has_flag(const char *flags, const char *name) {
    size_t n = strlen(name);
    for (const char *p = flags; (p = strstr(p, name)) != NULL; p += n) {
        if ((p == flags || p[-1] == ' ' || p[-1] == '\t') && (p[n] == ' ' || p[n] == '\n' || p[n] == 0)) return 1;
    }
    return 0;
}

static void choose_core(void) {
    if (getenv("OPENBLAS_CORETYPE")) return;
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[8192];
    const char *core = NULL;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "flags", 5) != 0) continue;
        if (has_flag(line, "avx512f") && has_flag(line, "avx512bw") && has_flag(line, "avx512dq") && has_flag(line, "avx512vl"))
            core = "SkylakeX";
        else if (has_flag(line, "avx2") && has_flag(line, "fma"))
            core = "Haswell";
        break;
    }
    fclose(f);
    if (core) setenv("OPENBLAS_CORETYPE", core, 0);
}

static void load(void) {
    choose_core();
    const char *names[] = {"libopenblas.so.0", "libopenblas.so", NULL};
    void *handle = NULL;
    for (int i = 0; names[i] && !handle; i++) handle = dlopen(names[i], RTLD_NOW | RTLD_GLOBAL);
    if (!handle) {
        load_error = "cannot load libopenblas.so.0 (install libopenblas-dev or run scripts/bootstrap)";
        return;
    }
    p_sgemm = (sgemm_fn)dlsym(handle, "cblas_sgemm");
    p_ssyevr = (ssyevr_fn)dlsym(handle, "ssyevr_");
    p_spotrf = (spotrf_fn)dlsym(handle, "spotrf_");
    p_spotrs = (spotrs_fn)dlsym(handle, "spotrs_");
    p_corename = (corename_fn)dlsym(handle, "openblas_get_corename");
    threads_fn set_threads = (threads_fn)dlsym(handle, "openblas_set_num_threads");
    if (!p_sgemm || !p_ssyevr || !p_spotrf || !p_spotrs) {
        load_error = "libopenblas.so.0 lacks cblas_sgemm or LAPACK symbols";
        return;
    }
    /* SegKit splits work across its own threads; OpenBLAS's would compete with them. */
    if (set_threads) set_threads(1);
    load_error = NULL;
}

static int ready(void) {
    pthread_once(&once, load);
    if (load_error) {
        fprintf(stderr, "segkit: %s\n", load_error);
        abort();
    }
    return 1;
}

void skblas_sgemm(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda, const float *b,
                  int ldb, float beta, float *c, int ldc) {
    ready();
    p_sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void skblas_ssyevr(const char *jobz, const char *range, const char *uplo, const int *n, float *a, const int *lda,
                   const float *vl, const float *vu, const int *il, const int *iu, const float *abstol, int *m, float *w,
                   float *z, const int *ldz, int *isuppz, float *work, const int *lwork, int *iwork, const int *liwork,
                   int *info) {
    ready();
    p_ssyevr(jobz, range, uplo, n, a, lda, vl, vu, il, iu, abstol, m, w, z, ldz, isuppz, work, lwork, iwork, liwork, info,
             1, 1, 1);
}

void skblas_spotrf(const char *uplo, const int *n, float *a, const int *lda, int *info) {
    ready();
    p_spotrf(uplo, n, a, lda, info, 1);
}

void skblas_spotrs(const char *uplo, const int *n, const int *nrhs, const float *a, const int *lda, float *b,
                   const int *ldb, int *info) {
    ready();
    p_spotrs(uplo, n, nrhs, a, lda, b, ldb, info, 1);
}

const char *skblas_core_name(void) {
    pthread_once(&once, load);
    return p_corename ? p_corename() : "unavailable";
}

const char *skblas_load_error(void) {
    pthread_once(&once, load);
    return load_error;
}
