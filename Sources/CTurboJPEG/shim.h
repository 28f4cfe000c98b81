#ifndef JULE_CTURBOJPEG_SHIM_H
#define JULE_CTURBOJPEG_SHIM_H
// TurboJPEG reports errors through return codes and tjGetErrorStr2, unlike libjpeg's setjmp.
#include <turbojpeg.h>
#endif
