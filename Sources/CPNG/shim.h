#ifndef JULE_CPNG_SHIM_H
#define JULE_CPNG_SHIM_H
// Only libpng's simplified API (png_image_*) is used: it reports errors through return codes,
// not setjmp/longjmp, which Swift cannot call.
#include <png.h>
static inline png_uint_32 jule_PNG_IMAGE_VERSION(void) { return PNG_IMAGE_VERSION; }
static inline png_uint_32 jule_PNG_FORMAT_GRAY(void) { return PNG_FORMAT_GRAY; }
static inline png_uint_32 jule_PNG_FORMAT_RGB(void) { return PNG_FORMAT_RGB; }
static inline size_t jule_PNG_IMAGE_SIZE(png_image *image) { return PNG_IMAGE_SIZE(*image); }
#endif
