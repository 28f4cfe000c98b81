#ifndef JULE_COPENBLAS_SHIM_H
#define JULE_COPENBLAS_SHIM_H
// Debian installs OpenBLAS's cblas.h under a flavour directory (see `pkg-config --cflags openblas`).
#include <x86_64-linux-gnu/openblas-pthread/cblas.h>
#endif
