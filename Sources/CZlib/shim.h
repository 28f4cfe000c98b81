#ifndef JULE_CZLIB_SHIM_H
#define JULE_CZLIB_SHIM_H
#include <zlib.h>
// inflateInit/inflateInit2 are macros that pass the library version and struct size.
static inline int jule_inflateInit2(z_streamp strm, int windowBits) { return inflateInit2(strm, windowBits); }
static inline int jule_deflateInit(z_streamp strm, int level) { return deflateInit(strm, level); }
#endif
