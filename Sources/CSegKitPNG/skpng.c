#include "CSegKitPNG.h"
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
} reader_state;

typedef struct {
    char *message;
    size_t message_size;
} error_state;

static void on_error(png_structp png, png_const_charp text) {
    error_state *e = (error_state *)png_get_error_ptr(png);
    if (e && e->message && e->message_size) snprintf(e->message, e->message_size, "%s", text);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text; /* warnings (e.g. bad CRC in ancillary chunks) do not stop decoding */
}

static void read_from_buffer(png_structp png, png_bytep out, png_size_t length) {
    reader_state *s = (reader_state *)png_get_io_ptr(png);
    if (length > s->size - s->offset) png_error(png, "truncated PNG data");
    memcpy(out, s->data + s->offset, length);
    s->offset += length;
}

/* Configures transformations and fills info; call after png_read_info. */
static void configure(png_structp png, png_infop info_ptr, int keep_indices, skpng_info *info) {
    png_uint_32 w, h;
    int depth, color, interlace;
    png_get_IHDR(png, info_ptr, &w, &h, &depth, &color, &interlace, NULL, NULL);
    info->width = w;
    info->height = h;
    info->file_bit_depth = depth;
    info->color_type = color;
    info->interlaced = interlace == PNG_INTERLACE_ADAM7;
    info->has_palette = color == PNG_COLOR_TYPE_PALETTE;
    int channels;
    if (color == PNG_COLOR_TYPE_PALETTE) {
        if (keep_indices) {
            if (depth < 8) png_set_packing(png);
            channels = 1;
        } else {
            png_set_palette_to_rgb(png);
            channels = 3;
            if (png_get_valid(png, info_ptr, PNG_INFO_tRNS)) {
                png_set_tRNS_to_alpha(png);
                channels = 4;
            }
        }
        depth = 8;
    } else {
        if (color == PNG_COLOR_TYPE_GRAY && depth < 8) {
            if (keep_indices) png_set_packing(png); else png_set_expand_gray_1_2_4_to_8(png);
            depth = 8;
        }
        switch (color) {
        case PNG_COLOR_TYPE_GRAY: channels = 1; break;
        case PNG_COLOR_TYPE_GRAY_ALPHA: channels = 2; break;
        case PNG_COLOR_TYPE_RGB: channels = 3; break;
        default: channels = 4; break;
        }
        if ((color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_RGB) && png_get_valid(png, info_ptr, PNG_INFO_tRNS)
            && !keep_indices) {
            png_set_tRNS_to_alpha(png);
            channels += 1;
        }
    }
    if (depth == 16) {
        const int one = 1;
        if (*(const char *)&one == 1) png_set_swap(png); /* PNG is big-endian; hosts here are little */
    }
    if (info->interlaced) png_set_interlace_handling(png);
    info->channels = channels;
    info->bit_depth = depth;
}

static int run(const uint8_t *data, size_t size, int keep_indices, void *out, size_t out_size, int flags, skpng_info *info) {
    memset(info, 0, sizeof(*info));
    if (size < 8 || png_sig_cmp((png_const_bytep)data, 0, 8) != 0) {
        snprintf(info->message, sizeof(info->message), "not a PNG file (bad signature)");
        return 1;
    }
    error_state err = {info->message, sizeof(info->message)};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &err, on_error, on_warning);
    if (!png) {
        snprintf(info->message, sizeof(info->message), "out of memory");
        return 1;
    }
    png_infop info_ptr = png_create_info_struct(png);
    png_bytep *volatile rows = NULL;
    if (!info_ptr || setjmp(png_jmpbuf(png))) {
        free(rows);
        png_destroy_read_struct(&png, info_ptr ? &info_ptr : NULL, NULL);
        if (!info->message[0]) snprintf(info->message, sizeof(info->message), "corrupt PNG data");
        return 1;
    }
    /* Refuse absurd dimensions before libpng allocates anything large. */
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_set_chunk_malloc_max(png, 64u * 1024u * 1024u);
    reader_state state = {data, size, 0};
    png_set_read_fn(png, &state, read_from_buffer);
#if defined(PNG_IGNORE_ADLER32) && defined(PNG_SET_OPTION_SUPPORTED)
    if (flags & SKPNG_SKIP_ADLER32) png_set_option(png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
#endif
    png_read_info(png, info_ptr);
    configure(png, info_ptr, keep_indices, info);
    if (out) {
        png_read_update_info(png, info_ptr);
        size_t row_bytes = (size_t)info->width * info->channels * (info->bit_depth / 8);
        if ((flags & SKPNG_GROW) && png_get_rowbytes(png, info_ptr) == row_bytes && row_bytes * info->height > out_size) {
            png_destroy_read_struct(&png, &info_ptr, NULL);
            return 2;
        }
        if (png_get_rowbytes(png, info_ptr) != row_bytes || row_bytes * info->height > out_size) {
            snprintf(info->message, sizeof(info->message), "unexpected PNG row layout");
            png_destroy_read_struct(&png, &info_ptr, NULL);
            return 1;
        }
        rows = (png_bytep *)malloc(sizeof(png_bytep) * info->height);
        if (!rows) png_error(png, "out of memory");
        for (uint32_t y = 0; y < info->height; y++) rows[y] = (png_bytep)out + (size_t)y * row_bytes;
        png_read_image(png, rows);
        png_read_end(png, NULL);
        free(rows);
        rows = NULL;
    }
    png_destroy_read_struct(&png, &info_ptr, NULL);
    return 0;
}

int skpng_read_info(const uint8_t *data, size_t size, int keep_palette_indices, skpng_info *info) {
    return run(data, size, keep_palette_indices, NULL, 0, 0, info);
}

int skpng_decode(const uint8_t *data, size_t size, int keep_palette_indices, void *out, size_t out_size,
                 skpng_info *info) {
    return run(data, size, keep_palette_indices, out, out_size, 0, info);
}

int skpng_decode_ex(const uint8_t *data, size_t size, int keep_palette_indices, void *out, size_t out_size, int flags,
                    skpng_info *info) {
    return run(data, size, keep_palette_indices, out, out_size, flags | SKPNG_GROW, info);
}

typedef struct {
    uint8_t *data;
    size_t size;
    size_t capacity;
    int failed;
} writer_state;

static void write_to_buffer(png_structp png, png_bytep in, png_size_t length) {
    writer_state *s = (writer_state *)png_get_io_ptr(png);
    if (s->size + length > s->capacity) {
        size_t capacity = s->capacity ? s->capacity : 65536;
        while (capacity < s->size + length) capacity *= 2;
        uint8_t *grown = (uint8_t *)realloc(s->data, capacity);
        if (!grown) png_error(png, "out of memory");
        s->data = grown;
        s->capacity = capacity;
    }
    memcpy(s->data + s->size, in, length);
    s->size += length;
}

static void flush_buffer(png_structp png) { (void)png; }

static int encode(const void *pixels, uint32_t width, uint32_t height, int channels, int bit_depth, int level,
                  const uint8_t *palette_rgb, int palette_size, uint8_t **out, size_t *out_size, char *message,
                  size_t message_size) {
    *out = NULL;
    *out_size = 0;
    error_state err = {message, message_size};
    if (message_size) message[0] = 0;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &err, on_error, on_warning);
    if (!png) return 1;
    png_infop info_ptr = png_create_info_struct(png);
    writer_state state = {NULL, 0, 0, 0};
    png_bytep *volatile rows = NULL;
    if (!info_ptr || setjmp(png_jmpbuf(png))) {
        free(rows);
        free(state.data);
        png_destroy_write_struct(&png, info_ptr ? &info_ptr : NULL);
        return 1;
    }
    png_set_write_fn(png, &state, write_to_buffer, flush_buffer);
    int color;
    if (palette_rgb) color = PNG_COLOR_TYPE_PALETTE;
    else if (channels == 1) color = PNG_COLOR_TYPE_GRAY;
    else if (channels == 2) color = PNG_COLOR_TYPE_GRAY_ALPHA;
    else if (channels == 3) color = PNG_COLOR_TYPE_RGB;
    else color = PNG_COLOR_TYPE_RGB_ALPHA;
    png_set_IHDR(png, info_ptr, width, height, bit_depth, color, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (palette_rgb) {
        png_color entries[256];
        for (int i = 0; i < palette_size && i < 256; i++) {
            entries[i].red = palette_rgb[3 * i];
            entries[i].green = palette_rgb[3 * i + 1];
            entries[i].blue = palette_rgb[3 * i + 2];
        }
        png_set_PLTE(png, info_ptr, entries, palette_size);
    }
    png_set_compression_level(png, level);
    if (level <= 3) {
        /* Fast settings: one cheap filter and run-length-friendly zlib strategy. */
        png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
        png_set_compression_strategy(png, Z_RLE);
    }
    png_write_info(png, info_ptr);
    if (bit_depth == 16) {
        const int one = 1;
        if (*(const char *)&one == 1) png_set_swap(png);
    }
    size_t row_bytes = (size_t)width * channels * (bit_depth / 8);
    rows = (png_bytep *)malloc(sizeof(png_bytep) * height);
    if (!rows) png_error(png, "out of memory");
    for (uint32_t y = 0; y < height; y++) rows[y] = (png_bytep)pixels + (size_t)y * row_bytes;
    png_write_image(png, rows);
    png_write_end(png, NULL);
    free(rows);
    png_destroy_write_struct(&png, &info_ptr);
    *out = state.data;
    *out_size = state.size;
    return 0;
}

int skpng_encode(const void *pixels, uint32_t width, uint32_t height, int channels, int bit_depth, int level,
                 uint8_t **out, size_t *out_size, char *message, size_t message_size) {
    return encode(pixels, width, height, channels, bit_depth, level, NULL, 0, out, out_size, message, message_size);
}

int skpng_encode_palette(const uint8_t *indices, uint32_t width, uint32_t height, const uint8_t *palette_rgb,
                         int palette_size, int level, uint8_t **out, size_t *out_size, char *message,
                         size_t message_size) {
    return encode(indices, width, height, 1, 8, level, palette_rgb, palette_size, out, out_size, message,
                  message_size);
}

void skpng_free(uint8_t *buffer) { free(buffer); }
