#ifndef JULE_CCRYPTO_SHIM_H
#define JULE_CCRYPTO_SHIM_H
// OpenSSL's libcrypto, used only for SHA-256 of source and cache files (EVP digest API).
#include <openssl/evp.h>
#endif
