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

static png_structp open_png(reader *r, png_infop *info) {
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, r, on_error, on_warning);
    if (!png) return NULL;
    *info = png_create_info_struct(png);
    if (!*info) {
        png_destroy_read_struct(&png, NULL, NULL);
        return NULL;
    }
    png_set_read_fn(png, r, read_bytes);
    return png;
}

int jule_png_size(const void *data, size_t size, uint32_t *width, uint32_t *height, char *message, size_t message_size) {
    reader r = {data, size, 0, message, message_size};
    png_infop info = NULL;
    png_structp png = open_png(&r, &info);
    if (!png) {
        snprintf(message, message_size, "out of memory");
        return 1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        return 1;
    }
    png_read_info(png, info);
    *width = png_get_image_width(png, info);
    *height = png_get_image_height(png, info);
    png_destroy_read_struct(&png, &info, NULL);
    return 0;
}

int jule_png_decode(const void *data, size_t size, int channels, uint32_t width, uint32_t height, uint8_t *out,
                    char *message, size_t message_size) {
    reader r = {data, size, 0, message, message_size};
    png_infop info = NULL;
    png_structp png = open_png(&r, &info);
    if (!png) {
        snprintf(message, message_size, "out of memory");
        return 1;
    }
    // Volatile: assigned after setjmp and freed on the error path.
    uint8_t *volatile rgb = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        free(rgb);
        png_destroy_read_struct(&png, &info, NULL);
        return 1;
    }
    png_read_info(png, info);
    if (png_get_image_width(png, info) != width || png_get_image_height(png, info) != height)
        png_error(png, "size differs from the header read before");
    int colour = png_get_color_type(png, info);
    png_set_expand(png);
    png_set_scale_16(png);
    png_set_strip_alpha(png);
    int grey = !(colour & PNG_COLOR_MASK_COLOR);
    if (grey && channels == 3) png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    // Colour decoded for a grey output goes through an RGB buffer first.
    size_t decoded = (grey || channels == 3) ? (size_t)channels : 3;
    if (png_get_rowbytes(png, info) != (size_t)width * decoded || png_get_bit_depth(png, info) != 8)
        png_error(png, "unexpected layout after expansion");
    uint8_t *target = out;
    if (decoded != (size_t)channels) {
        rgb = malloc((size_t)height * width * 3);
        if (!rgb) png_error(png, "out of memory");
        target = rgb;
    }
    rows = malloc(sizeof(png_bytep) * height);
    if (!rows) png_error(png, "out of memory");
    for (uint32_t y = 0; y < height; y++) rows[y] = target + (size_t)y * width * decoded;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    if (rgb) {
        size_t count = (size_t)height * width;
        for (size_t i = 0; i < count; i++) {
            const uint8_t *p = rgb + 3 * i;
            out[i] = (uint8_t)((19595u * p[0] + 38470u * p[1] + 7471u * p[2] + 0x8000u) >> 16);
        }
    }
    free(rows);
    free(rgb);
    png_destroy_read_struct(&png, &info, NULL);
    return 0;
}
