// Hot loops in C, where one build can carry an AVX2 version next to the portable one and choose at
// run time (Swift compiles for one target CPU: the portable default is SSE only, and
// -target-cpu would make the binary fail on older CPUs). The arithmetic is the same in both
// versions and has no fused multiply-add (FP_CONTRACT OFF), so results do not depend on the CPU.
#ifndef CSEGKIT_KERNELS_H
#define CSEGKIT_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// SLIC's hard E-step for three-channel (CIELAB) features on image rows [rowBegin, rowEnd).
///
/// Every pixel (x, y) goes to the nearest centre of the grid cells in rows
/// rowWindows[2y] … rowWindows[2y + 1] and columns columnWindows[2x] … columnWindows[2x + 1]
/// (at most 2 × 2 cells; column windows non-decreasing in x) under
/// D² = ‖f − f_c‖² + spatial · ((x − x_c)² + (y − y_c)²), computed as
/// ((t0² + t1²) + t2²) + spatial · (ex² + ey²), candidates in increasing centre index with a strict
/// `<` (the first minimum wins). Its label is written, and its features, x, y and a count of 1 are
/// added (in double) to sums[6 · centre …].
/// - features: three planes of width × height floats; centers: 3 floats per centre (centre
///   c = gridRow · gridColumns + gridColumn); centerX, centerY: positions.
void sk_slic_assign3(int64_t rowBegin, int64_t rowEnd, int64_t width, int64_t height,
                     int64_t gridColumns, float spatial, const float *features, const float *centers,
                     const float *centerX, const float *centerY, const int32_t *columnWindows,
                     const int32_t *rowWindows, int32_t *labels, double *sums);

/// sRGB → CIELAB (D65) for n pixels of three float planes, in place allowed (r == l etc.).
///
/// The same operations, in the same order and precision, as SegKitCore's `ColorSpace.srgbToLab`
/// per pixel: sRGB → linear by `table` (srgbToLinear of the 256 8-bit values k · (1/255)) when the
/// sample is exactly such a value, else by the IEC 61966-2-1 formula; the linear → XYZ matrix
/// over the D65 white; f(t) = ∛t above 216/24389 (bit-level guess and two Halley steps in double,
/// then rounded to float; cbrtf for non-finite t), else (24389/27 · t + 16)/116.
void sk_srgb_to_lab(const float *r, const float *g, const float *b, float *l, float *a, float *bb,
                    int64_t n, const float *table);

/// 1 when the AVX2 versions run (the CPU has AVX2 and they are allowed), else 0.
int sk_kernels_use_avx2(void);

/// Allows (1, the default) or forbids (0) the AVX2 versions; returns the previous setting. For
/// tests that compare both versions, and for timing the portable one.
int sk_kernels_allow_avx2(int allow);

#ifdef __cplusplus
}
#endif

#endif
