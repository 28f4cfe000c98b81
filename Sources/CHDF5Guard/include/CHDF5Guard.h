#ifndef JULE_CHDF5GUARD_H
#define JULE_CHDF5GUARD_H
// A last line of defence around calls into the HDF5 C library (issue 20): Debian's libhdf5 1.10.8 dereferences
// wild addresses on some corrupt files (fuzzing found them; newer HDF5 refuses the same files). While a call is in
// progress, a fault (SIGSEGV, SIGBUS, SIGFPE) ends the process with one line on stderr naming the file, exit
// status 1 — the house rule for bad input — instead of a crash. Faults outside HDF5 calls go to the handler that
// was installed before (Swift's backtracer, AddressSanitizer, or the default).

// Installs the handlers (once; later calls do nothing).
void jule_h5guard_install(void);
// Never install them (the libFuzzer build: AddressSanitizer reports such a fault with its stack instead).
void jule_h5guard_disable(void);
// Marks the start of HDF5 calls on `path` (copied; nested calls keep the outermost path).
void jule_h5guard_enter(const char *path);
// Marks their end.
void jule_h5guard_leave(void);
#endif
