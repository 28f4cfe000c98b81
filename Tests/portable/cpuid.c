// Prints the vendor, family, model and vector features the processor (or the emulator running this) reports through
// CPUID: what the portable kernels see when they choose their instruction set.
#include <cpuid.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    unsigned a, b, c, d;
    char vendor[13];
    __cpuid(0, a, b, c, d);
    memcpy(vendor, &b, 4), memcpy(vendor + 4, &d, 4), memcpy(vendor + 8, &c, 4), vendor[12] = 0;
    __cpuid(1, a, b, c, d);
    const unsigned family = ((a >> 8) & 15) + ((a >> 20) & 255), model = ((a >> 4) & 15) | (((a >> 16) & 15) << 4);
    const unsigned fma = (c >> 12) & 1;
    __cpuid_count(7, 0, a, b, c, d);
    printf("%s family %u model %u, FMA %s, AVX2 %s, AVX-512F %s\n", vendor, family, model, fma ? "yes" : "no",
           (b >> 5) & 1 ? "yes" : "no", (b >> 16) & 1 ? "yes" : "no");
    return 0;
}
