#include "CPNGRead.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The bytes libpng reads from, and where an error's text goes.
typedef struct {
    const uint8_t *data;
    size_t size, offset;
    char *message;
    size_t message_size;
} reader;

// What a read produces, and the buffers it owns until it ends (freed on success and on a longjmp alike).
typedef struct {
    int channels;
    uint32_t width, height;
    // The size `out` was allocated for (decoding only).
    uint32_t out_width, out_height;
    uint8_t *out;
    uint8_t *rgb;
    png_bytep *rows;
} job;

static void read_bytes(png_structp png, png_bytep into, png_size_t count) {
    reader *r = (reader *)png_get_io_ptr(png);
    if (count > r->size - r->offset) png_error(png, "file ends early");
    memcpy(into, r->data + r->offset, count);
    r->offset += count;
}

static void on_error(png_structp png, png_const_charp text) {
    reader *r = (reader *)png_get_error_ptr(png);
    snprintf(r->message, r->message_size, "%s", text);
    png_longjmp(png, 1);
}

// Warnings (a bad CRC in an ancillary chunk, unknown chunks) leave the pixels intact: ignored.
static void on_warning(png_structp png, png_const_charp text) { (void)png; (void)text; }

// Reads the header, then runs `body` (NULL: the header only). libpng's errors longjmp back here, so nothing of
// the error path crosses a Swift frame. Returns 0, or 1 with the message written.
static int read_png(const void *data, size_t size, char *message, size_t message_size,
                    void (*body)(png_structp, png_infop, job *), job *j) {
    reader r = {data, size, 0, message, message_size};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &r, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        snprintf(message, message_size, "out of memory");
        return 1;
    }
    png_set_read_fn(png, &r, read_bytes);
    int failed = 0;
    if (setjmp(png_jmpbuf(png))) {
        failed = 1;
    } else {
        png_read_info(png, info);
        j->width = png_get_image_width(png, info);
        j->height = png_get_image_height(png, info);
        if (body) body(png, info, j);
    }
    free(j->rows);
    free(j->rgb);
    j->rows = NULL;
    j->rgb = NULL;
    png_destroy_read_struct(&png, &info, NULL);
    return failed;
}

static void decode_pixels(png_structp png, png_infop info, job *j) {
    if (j->width != j->out_width || j->height != j->out_height) png_error(png, "size differs from the header read before");
    int colour = png_get_color_type(png, info);
    png_set_expand(png);
    png_set_scale_16(png);
    png_set_strip_alpha(png);
    int grey = !(colour & PNG_COLOR_MASK_COLOR);
    if (grey && j->channels == 3) png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    // Colour decoded for a grey output goes through an RGB buffer first.
    size_t decoded = (grey || j->channels == 3) ? (size_t)j->channels : 3;
    if (png_get_rowbytes(png, info) != (size_t)j->width * decoded || png_get_bit_depth(png, info) != 8)
        png_error(png, "unexpected layout after expansion");
    uint8_t *target = j->out;
    if (decoded != (size_t)j->channels) {
        j->rgb = malloc((size_t)j->height * j->width * 3);
        if (!j->rgb) png_error(png, "out of memory");
        target = j->rgb;
    }
    j->rows = malloc(sizeof(png_bytep) * j->height);
    if (!j->rows) png_error(png, "out of memory");
    for (uint32_t y = 0; y < j->height; y++) j->rows[y] = target + (size_t)y * j->width * decoded;
    png_read_image(png, j->rows);
    png_read_end(png, NULL);
    if (j->rgb) {
        size_t count = (size_t)j->height * j->width;
        for (size_t i = 0; i < count; i++) {
            const uint8_t *p = j->rgb + 3 * i;
            j->out[i] = (uint8_t)((19595u * p[0] + 38470u * p[1] + 7471u * p[2] + 0x8000u) >> 16);
        }
    }
}

int jule_png_size(const void *data, size_t size, uint32_t *width, uint32_t *height, char *message, size_t message_size) {
    job j = {0};
    if (read_png(data, size, message, message_size, NULL, &j)) return 1;
    *width = j.width;
    *height = j.height;
    return 0;
}

int jule_png_decode(const void *data, size_t size, int channels, uint32_t width, uint32_t height, uint8_t *out,
                    char *message, size_t message_size) {
    // The header is read again: the caller sized `out` from the first read.
    job j = {channels, 0, 0, width, height, out, NULL, NULL};
    return read_png(data, size, message, message_size, decode_pixels, &j);
}
