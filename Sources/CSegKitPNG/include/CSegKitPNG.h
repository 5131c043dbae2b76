#ifndef SEGKIT_CSEGKITPNG_H
#define SEGKIT_CSEGKITPNG_H
/* A tiny C layer over libpng's full API. libpng reports errors by longjmp, which Swift cannot
   catch; these functions catch them with setjmp and return a status plus a message instead.
   The simplified API is not used because it gamma-converts and premultiplies 16-bit output. */
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t width;
    uint32_t height;
    int channels;        /* after expansion: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA */
    int bit_depth;       /* of decoded samples: 8 or 16 */
    int file_bit_depth;  /* as stored in the file: 1, 2, 4, 8 or 16 */
    int color_type;      /* PNG colour type as stored */
    int interlaced;      /* 1 for Adam7 */
    int has_palette;     /* 1 when the file is palette-based */
    char message[200];   /* error text when a call returns non-zero */
} skpng_info;

/* Reads the header. When keep_palette_indices is set, palette images report one channel (the
   index) instead of RGB(A). Returns 0 on success. */
int skpng_read_info(const uint8_t *data, size_t size, int keep_palette_indices, skpng_info *info);

/* Decodes into `out` (interleaved rows, host-endian 16-bit samples when bit_depth is 16), which
   must hold width*height*channels*(bit_depth/8) bytes as reported by skpng_read_info with the
   same keep_palette_indices. Low bit depths are scaled to 8 bits (1-bit white = 255) unless
   indices are kept. Returns 0 on success. */
int skpng_decode(const uint8_t *data, size_t size, int keep_palette_indices, void *out, size_t out_size,
                 skpng_info *info);

/* skpng_decode without a separate skpng_read_info call: when out_size is too small for the image,
   returns 2 with info filled and nothing decoded, so the caller can grow its buffer and call again.
   flags: SKPNG_SKIP_ADLER32 skips zlib's Adler-32 check of the image data stream (the CRC-32 of
   every chunk, which libpng verifies, already covers those bytes). */
#define SKPNG_SKIP_ADLER32 1
#define SKPNG_GROW 0x100
int skpng_decode_ex(const uint8_t *data, size_t size, int keep_palette_indices, void *out, size_t out_size, int flags,
                    skpng_info *info);

/* Encodes interleaved samples (host-endian when bit_depth is 16) as a PNG held in a malloc'd
   buffer the caller frees with skpng_free. level: zlib level 0-9. Returns 0 on success. */
int skpng_encode(const void *pixels, uint32_t width, uint32_t height, int channels, int bit_depth, int level,
                 uint8_t **out, size_t *out_size, char *message, size_t message_size);

/* Encodes an 8-bit palette image (indices, one byte per pixel) with `palette_size` RGB entries. */
int skpng_encode_palette(const uint8_t *indices, uint32_t width, uint32_t height, const uint8_t *palette_rgb,
                         int palette_size, int level, uint8_t **out, size_t *out_size, char *message,
                         size_t message_size);

void skpng_free(uint8_t *buffer);
#endif
