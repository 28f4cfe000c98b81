#ifndef JULE_CLIBFUZZER_SHIM_H
#define JULE_CLIBFUZZER_SHIM_H
#include <stddef.h>
#include <stdint.h>
// libFuzzer's driver (compiler-rt, linked by -sanitize=fuzzer). Declared only: `jule-fuzz` calls it in the libFuzzer
// build (JULE_LIBFUZZER), where it is linked; the ordinary build never references it.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
#endif
