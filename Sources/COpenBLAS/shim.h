#ifndef SEGKIT_COPENBLAS_SHIM_H
#define SEGKIT_COPENBLAS_SHIM_H
#include <stddef.h>
#include <cblas.h>

/* LAPACK routines used by SegKitCore's bridge. Debian's OpenBLAS exports the Fortran symbols
   but ships no LAPACKE, so they are declared here with the gfortran calling convention: every
   argument by pointer, then one hidden length per character argument. */
void ssyevr_(const char *jobz, const char *range, const char *uplo, const int *n, float *a,
             const int *lda, const float *vl, const float *vu, const int *il, const int *iu,
             const float *abstol, int *m, float *w, float *z, const int *ldz, int *isuppz,
             float *work, const int *lwork, int *iwork, const int *liwork, int *info,
             size_t jobz_len, size_t range_len, size_t uplo_len);
void spotrf_(const char *uplo, const int *n, float *a, const int *lda, int *info, size_t uplo_len);
void spotrs_(const char *uplo, const int *n, const int *nrhs, const float *a, const int *lda,
             float *b, const int *ldb, int *info, size_t uplo_len);
void sgesv_(const int *n, const int *nrhs, float *a, const int *lda, int *ipiv, float *b,
            const int *ldb, int *info);
#endif
