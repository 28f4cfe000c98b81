#ifndef JULE_CARCHIVE_SHIM_H
#define JULE_CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>
#endif
