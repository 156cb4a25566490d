/* hash: SHA-256 and hex encoding.
 *
 * The one place (with pow and wallet) that talks to OpenSSL for digests.
 * Hashes are 32 raw bytes; they print as 64 lowercase hex digits, most
 * significant byte first, the order in which "leading zeros" are counted.
 */
#ifndef POWSIM_HASH_H
#define POWSIM_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HASH_SIZE 32
#define HASH_HEX_SIZE 65 /* 64 digits and a NUL */

/* OUT = SHA-256(DATA[0..LEN)). */
void hash_sha256(const void *data, size_t len, uint8_t out[HASH_SIZE]);

/* Write LEN bytes of IN as 2*LEN lowercase hex digits and a NUL into OUT,
 * which must hold 2*LEN+1 bytes. */
void hash_hex(const uint8_t *in, size_t len, char *out);

/* Parse exactly 2*LEN hex digits from HEX into OUT. Returns false (OUT
 * unspecified) on a wrong length or a non-hex digit. */
bool hash_unhex(const char *hex, uint8_t *out, size_t len);

/* Number of leading zero hex digits of a 32-byte hash (0..64). */
unsigned hash_leading_hex_zeros(const uint8_t h[HASH_SIZE]);

#endif
