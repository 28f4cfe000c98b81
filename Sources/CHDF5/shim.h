#ifndef JULE_CHDF5_SHIM_H
#define JULE_CHDF5_SHIM_H
#include <hdf5/serial/hdf5.h>

// HDF5's type and property-list "constants" are macros over globals that are only valid after
// H5open(); Swift cannot import them, so each is wrapped in a function.
static inline hid_t jule_H5T_NATIVE_UINT8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t jule_H5T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
static inline hid_t jule_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t jule_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t jule_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t jule_H5T_C_S1(void) { return H5T_C_S1; }
static inline hid_t jule_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t jule_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t jule_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t jule_H5S_ALL(void) { return H5S_ALL; }
static inline unsigned jule_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned jule_H5F_ACC_RDWR(void) { return H5F_ACC_RDWR; }
static inline unsigned jule_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned jule_H5F_ACC_EXCL(void) { return H5F_ACC_EXCL; }
static inline size_t jule_H5T_VARIABLE(void) { return H5T_VARIABLE; }

/// Turns off HDF5's automatic error printing to stderr, so failures surface as one clear Swift error.
static inline void jule_H5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
#endif
