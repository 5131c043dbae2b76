#ifndef SEGKIT_CSEGKITBLAS_H
#define SEGKIT_CSEGKITBLAS_H
/* SegKit's door to OpenBLAS on Linux. OpenBLAS is loaded at first use with dlopen rather than
   linked, so that its CPU-specific kernels can be chosen before it initialises: OpenBLAS's own
   detection falls back to its slowest generic ("Prescott") kernels on virtual CPUs it does not
   recognise, about 4.8x slower for sgemm on this project's build machine (measured: 29 vs 140
   GFLOP/s). When OPENBLAS_CORETYPE is not set, it is set from /proc/cpuinfo: AVX-512 (F, BW, DQ,
   VL) -> SkylakeX, AVX2 + FMA -> Haswell; otherwise OpenBLAS decides. */
#include <stddef.h>

/* Row-major single-precision GEMM: C = alpha op(A) op(B) + beta C (op = transpose when t* != 0). */
void skblas_sgemm(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
                  const float *b, int ldb, float beta, float *c, int ldc);

/* LAPACK (column-major, Fortran conventions). */
void skblas_ssyevr(const char *jobz, const char *range, const char *uplo, const int *n, float *a, const int *lda,
                   const float *vl, const float *vu, const int *il, const int *iu, const float *abstol, int *m,
                   float *w, float *z, const int *ldz, int *isuppz, float *work, const int *lwork, int *iwork,
                   const int *liwork, int *info);
void skblas_spotrf(const char *uplo, const int *n, float *a, const int *lda, int *info);
void skblas_spotrs(const char *uplo, const int *n, const int *nrhs, const float *a, const int *lda, float *b,
                   const int *ldb, int *info);

/* The name of the kernel set OpenBLAS uses (after loading), e.g. "SkylakeX". */
const char *skblas_core_name(void);
/* NULL when OpenBLAS loaded, else the reason. */
const char *skblas_load_error(void);
#endif
