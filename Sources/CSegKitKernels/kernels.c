#include "CSegKitKernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef uint32_t v8u __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));
typedef double v4d __attribute__((vector_size(32)));

// Unaligned loads by memcpy (a function returning v8f would trip -Wpsabi in the portable build).
#define LOAD8(v, p) memcpy(&(v), (p), sizeof(v8f))

static inline __attribute__((always_inline)) void slic_assign3_body(
    int64_t rowBegin, int64_t rowEnd, int64_t w, int64_t h, int64_t cols, float spatial, const float *F,
    const float *CF, const float *CX, const float *CY, const int32_t *columnWindows,
    const int32_t *rowWindows, int32_t *L, double *sums, int64_t *spanStart) {
    const int64_t plane = w * h;
    // Runs of columns with the same candidate grid columns.
    int64_t spanCount = 0;
    for (int64_t x = 0; x < w; x++) {
        if (x == 0 || columnWindows[2 * x] != columnWindows[2 * x - 2] ||
            columnWindows[2 * x + 1] != columnWindows[2 * x - 1])
            spanStart[spanCount++] = x;
    }
    spanStart[spanCount] = w;
    const v8f lanes = {0, 1, 2, 3, 4, 5, 6, 7};
    int32_t ids[4];
    float c0[4], c1[4], c2[4], cxs[4], eys[4];
    for (int64_t y = rowBegin; y < rowEnd; y++) {
        const int64_t cy0 = rowWindows[2 * y], cy1 = rowWindows[2 * y + 1];
        const float fy = (float)y;
        const int64_t row = y * w;
        const float *f0 = F + row, *f1 = F + plane + row, *f2 = F + 2 * plane + row;
        int32_t *labels = L + row;
        for (int64_t s = 0; s < spanCount; s++) {
            const int64_t xs = spanStart[s], xe = spanStart[s + 1];
            const int64_t cx0 = columnWindows[2 * xs], cx1 = columnWindows[2 * xs + 1];
            int count = 0;
            for (int64_t cy = cy0; cy <= cy1; cy++) {
                for (int64_t cx = cx0; cx <= cx1; cx++) {
                    const int64_t c = cy * cols + cx;
                    ids[count] = (int32_t)c;
                    c0[count] = CF[3 * c];
                    c1[count] = CF[3 * c + 1];
                    c2[count] = CF[3 * c + 2];
                    cxs[count] = CX[c];
                    const float ey = fy - CY[c];
                    eys[count] = ey * ey;
                    count++;
                }
            }
            // 8 pixels at a time; the last, partial group is computed over 8 columns that stay
            // inside the row (shifted left at the row's end) and only this span's lanes are kept.
            for (int64_t x = xs; x < xe; x += 8) {
                if (w < 8) {
                    for (int64_t q = x; q < xe; q++) {
                        const float fx = (float)q;
                        float best = INFINITY;
                        int32_t label = ids[0];
                        for (int j = 0; j < count; j++) {
                            float u = f0[q] - c0[j];
                            float d = u * u;
                            u = f1[q] - c1[j];
                            d += u * u;
                            u = f2[q] - c2[j];
                            d += u * u;
                            const float ex = fx - cxs[j];
                            d += spatial * (ex * ex + eys[j]);
                            if (d < best) {
                                best = d;
                                label = ids[j];
                            }
                        }
                        labels[q] = label;
                    }
                    break;
                }
                const int64_t start = x + 8 <= w ? x : w - 8;
                v8f p0, p1, p2;
                LOAD8(p0, f0 + start);
                LOAD8(p1, f1 + start);
                LOAD8(p2, f2 + start);
                const v8f px = (float)start + lanes;
                v8f best = (v8f){0} + INFINITY;
                v8i label = (v8i){0} + ids[0];
                for (int j = 0; j < count; j++) {
                    v8f u = p0 - c0[j];
                    v8f d = u * u;
                    u = p1 - c1[j];
                    d += u * u;
                    u = p2 - c2[j];
                    d += u * u;
                    const v8f ex = px - cxs[j];
                    d += spatial * (ex * ex + eys[j]);
                    const v8i closer = d < best;
                    best = (v8f)(((v8i)d & closer) | ((v8i)best & ~closer));
                    label = (((v8i){0} + ids[j]) & closer) | (label & ~closer);
                }
                if (start == x) {
                    // Lanes past the span's end belong to later spans of this row, which
                    // overwrite them before the sums below read the row.
                    memcpy(labels + x, &label, sizeof label);
                } else {
                    int32_t lanesOut[8];
                    memcpy(lanesOut, &label, sizeof label);
                    const int64_t end = xe < start + 8 ? xe : start + 8;
                    for (int64_t q = x; q < end; q++) labels[q] = lanesOut[q - start];
                }
            }
        }
        // Running sums, run by run of equal labels: features added pixel by pixel in order (the
        // general path's order), positions and counts as exact integer sums of the run.
        for (int64_t x = 0; x < w;) {
            const int32_t c = labels[x];
            int64_t e = x + 1;
            while (e < w && labels[e] == c) e++;
            double *o = sums + 6 * (int64_t)c;
            double s0 = o[0], s1 = o[1], s2 = o[2];
            for (int64_t q = x; q < e; q++) {
                s0 += (double)f0[q];
                s1 += (double)f1[q];
                s2 += (double)f2[q];
            }
            const double length = (double)(e - x);
            o[0] = s0;
            o[1] = s1;
            o[2] = s2;
            o[3] += ((double)x + (double)(e - 1)) * length * 0.5;
            o[4] += (double)y * length;
            o[5] += length;
            x = e;
        }
    }
}

// MARK: sRGB → CIELAB

static inline __attribute__((always_inline)) float srgb_to_linear(float v, const float *table) {
    if (v >= 0.0f && v <= 1.0f) {
        const int k = (int)(v * 255.0f + 0.5f);
        if ((float)k * (1.0f / 255.0f) == v) return table[k];
    }
    return v <= 0.04045f ? v / 12.92f : powf((v + 0.055f) / 1.055f, 2.4f);
}

static inline __attribute__((always_inline)) float cube_root(float t) {
    if (!isfinite(t)) return cbrtf(t);
    uint32_t bits;
    memcpy(&bits, &t, 4);
    bits = 1419916118u - bits / 3u;
    float guess;
    memcpy(&guess, &bits, 4);
    double y = (double)guess;
    const double a = (double)t;
    for (int i = 0; i < 4; i++) y = y * (4 - a * y * y * y) * (1.0 / 3.0);
    return (float)(a * y * y);
}

static inline __attribute__((always_inline)) float lab_f(float t) {
    return t > 216.0f / 24389.0f ? cube_root(t) : (24389.0f / 27.0f * t + 16.0f) / 116.0f;
}

static inline __attribute__((always_inline)) void lab_of_linear(float r, float g, float b, float *l, float *a, float *bb) {
    const float x = (0.4124564f * r + 0.3575761f * g + 0.1804375f * b) / 0.95047f;
    const float y = (0.2126729f * r + 0.7151522f * g + 0.0721750f * b) / 1.0f;
    const float z = (0.0193339f * r + 0.1191920f * g + 0.9503041f * b) / 1.08883f;
    const float fx = lab_f(x), fy = lab_f(y), fz = lab_f(z);
    *l = 116.0f * fy - 16.0f;
    *a = 500.0f * (fx - fy);
    *bb = 200.0f * (fy - fz);
}

// Eight pixels: the scalar steps above, lane by lane, with the cube roots vectorised (finite t
// only; a group with another value is redone by the scalar code). Pointers, not vector values,
// cross the function boundary (-Wpsabi in the portable build).
static inline __attribute__((always_inline)) void lab_f8(const v8f *tp, v8f *out, int *special) {
    const v8f t = *tp;
    const v8i above = t > 216.0f / 24389.0f;
    v8u bits;
    memcpy(&bits, &t, 32);
    bits = 1419916118u - bits / 3u;
    v8f guess;
    memcpy(&guess, &bits, 32);
    const v4f lowGuess = {guess[0], guess[1], guess[2], guess[3]}, highGuess = {guess[4], guess[5], guess[6], guess[7]};
    const v4f lowT = {t[0], t[1], t[2], t[3]}, highT = {t[4], t[5], t[6], t[7]};
    v4d y0 = __builtin_convertvector(lowGuess, v4d), y1 = __builtin_convertvector(highGuess, v4d);
    const v4d a0 = __builtin_convertvector(lowT, v4d), a1 = __builtin_convertvector(highT, v4d);
    for (int i = 0; i < 4; i++) {
        y0 = y0 * (4 - a0 * y0 * y0 * y0) * (1.0 / 3.0);
        y1 = y1 * (4 - a1 * y1 * y1 * y1) * (1.0 / 3.0);
    }
    const v4f r0 = __builtin_convertvector(a0 * y0 * y0, v4f), r1 = __builtin_convertvector(a1 * y1 * y1, v4f);
    const v8f root = {r0[0], r0[1], r0[2], r0[3], r1[0], r1[1], r1[2], r1[3]};
    const v8f linear = (24389.0f / 27.0f * t + 16.0f) / 116.0f;
    for (int k = 0; k < 8; k++)
        if (!isfinite(t[k])) *special = 1;
    *out = (v8f)((above & (v8i)root) | (~above & (v8i)linear));
}

static inline __attribute__((always_inline)) void srgb_to_lab_body(const float *R, const float *G, const float *B,
                                                                    float *Lo, float *Ao, float *Bo, int64_t n,
                                                                    const float *table) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        v8f r, g, b;
        for (int k = 0; k < 8; k++) {
            r[k] = srgb_to_linear(R[i + k], table);
            g[k] = srgb_to_linear(G[i + k], table);
            b[k] = srgb_to_linear(B[i + k], table);
        }
        const v8f x = (0.4124564f * r + 0.3575761f * g + 0.1804375f * b) / 0.95047f;
        const v8f y = (0.2126729f * r + 0.7151522f * g + 0.0721750f * b) / 1.0f;
        const v8f z = (0.0193339f * r + 0.1191920f * g + 0.9503041f * b) / 1.08883f;
        int special = 0;
        v8f fx, fy, fz;
        lab_f8(&x, &fx, &special);
        lab_f8(&y, &fy, &special);
        lab_f8(&z, &fz, &special);
        const v8f L = 116.0f * fy - 16.0f, A = 500.0f * (fx - fy), Bb = 200.0f * (fy - fz);
        if (special) {
            for (int k = 0; k < 8; k++) lab_of_linear(r[k], g[k], b[k], Lo + i + k, Ao + i + k, Bo + i + k);
        } else {
            memcpy(Lo + i, &L, 32);
            memcpy(Ao + i, &A, 32);
            memcpy(Bo + i, &Bb, 32);
        }
    }
    for (; i < n; i++) {
        lab_of_linear(srgb_to_linear(R[i], table), srgb_to_linear(G[i], table), srgb_to_linear(B[i], table),
                      Lo + i, Ao + i, Bo + i);
    }
}

static void srgb_to_lab_portable(const float *R, const float *G, const float *B, float *L, float *A, float *Bo,
                                 int64_t n, const float *table) {
    srgb_to_lab_body(R, G, B, L, A, Bo, n, table);
}

static void slic_assign3_portable(int64_t rowBegin, int64_t rowEnd, int64_t w, int64_t h, int64_t cols,
                                  float spatial, const float *F, const float *CF, const float *CX,
                                  const float *CY, const int32_t *columnWindows, const int32_t *rowWindows,
                                  int32_t *L, double *sums, int64_t *spans) {
    slic_assign3_body(rowBegin, rowEnd, w, h, cols, spatial, F, CF, CX, CY, columnWindows, rowWindows, L, sums, spans);
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define SK_HAVE_AVX2_VERSION 1
__attribute__((target("avx2")))
static void slic_assign3_avx2(int64_t rowBegin, int64_t rowEnd, int64_t w, int64_t h, int64_t cols,
                              float spatial, const float *F, const float *CF, const float *CX,
                              const float *CY, const int32_t *columnWindows, const int32_t *rowWindows,
                              int32_t *L, double *sums, int64_t *spans) {
    slic_assign3_body(rowBegin, rowEnd, w, h, cols, spatial, F, CF, CX, CY, columnWindows, rowWindows, L, sums, spans);
}

__attribute__((target("avx2")))
static void srgb_to_lab_avx2(const float *R, const float *G, const float *B, float *L, float *A, float *Bo,
                             int64_t n, const float *table) {
    srgb_to_lab_body(R, G, B, L, A, Bo, n, table);
}
#endif

void sk_srgb_to_lab(const float *r, const float *g, const float *b, float *l, float *a, float *bb,
                    int64_t n, const float *table) {
#ifdef SK_HAVE_AVX2_VERSION
    if (sk_kernels_use_avx2()) {
        srgb_to_lab_avx2(r, g, b, l, a, bb, n, table);
        return;
    }
#endif
    srgb_to_lab_portable(r, g, b, l, a, bb, n, table);
}

static volatile int allowAVX2 = 1;

int sk_kernels_allow_avx2(int allow) {
    const int previous = allowAVX2;
    allowAVX2 = allow != 0;
    return previous;
}

int sk_kernels_use_avx2(void) {
#ifdef SK_HAVE_AVX2_VERSION
    static volatile int supported = -1;
    if (supported < 0) {
        __builtin_cpu_init();
        supported = __builtin_cpu_supports("avx2") ? 1 : 0;
    }
    return supported && allowAVX2;
#else
    return 0;
#endif
}

void sk_slic_assign3(int64_t rowBegin, int64_t rowEnd, int64_t width, int64_t height,
                     int64_t gridColumns, float spatial, const float *features, const float *centers,
                     const float *centerX, const float *centerY, const int32_t *columnWindows,
                     const int32_t *rowWindows, int32_t *labels, double *sums) {
    int64_t stackSpans[1024];
    const int64_t needed = width + 1;
    int64_t *spans = needed <= 1024 ? stackSpans : malloc(sizeof(int64_t) * (size_t)needed);
    if (spans == NULL) abort();
#ifdef SK_HAVE_AVX2_VERSION
    if (sk_kernels_use_avx2())
        slic_assign3_avx2(rowBegin, rowEnd, width, height, gridColumns, spatial, features, centers, centerX,
                          centerY, columnWindows, rowWindows, labels, sums, spans);
    else
#endif
        slic_assign3_portable(rowBegin, rowEnd, width, height, gridColumns, spatial, features, centers, centerX,
                              centerY, columnWindows, rowWindows, labels, sums, spans);
    if (spans != stackSpans) free(spans);
}
