#ifndef JULE_CPNGREAD_H
#define JULE_CPNGREAD_H
#include <stddef.h>
#include <stdint.h>

// PNG decoding through libpng's full API, wrapped so that its setjmp/longjmp error handling never crosses a Swift
// frame. Values are taken as stored: no gamma, sRGB or ICC conversion (the gAMA, sRGB and iCCP chunks are ignored,
// as PIL, OpenCV and libjpeg-turbo do), 16-bit samples scaled to 8 bits by round(v · 255 / 65535), an alpha channel
// or tRNS transparency dropped, palettes and 1/2/4-bit grey expanded.

// Width and height from the header. Returns 0, or 1 with a message.
int jule_png_size(const void *data, size_t size, uint32_t *width, uint32_t *height, char *message, size_t message_size);

// Decodes into `out`, `height · width · channels` bytes, row-major, interleaved; `channels` is 1 (grey: colour
// images become ITU-R 601 luma, L = (19595 R + 38470 G + 7471 B + 2¹⁵) >> 16, as PIL computes it) or 3 (RGB:
// grey images repeated). The image must have the given width and height (read them with `jule_png_size` first).
// Returns 0, or 1 with a message.
int jule_png_decode(const void *data, size_t size, int channels, uint32_t width, uint32_t height, uint8_t *out,
                    char *message, size_t message_size);

#endif
