/* hash: SHA-256 through OpenSSL's EVP one-shot digest, and hex encoding.
 *
 * The EVP_MD is fetched once per process (explicit fetch, so that each
 * digest does not repeat the provider lookup that EVP_sha256() implies)
 * and kept for the process lifetime. The nonce scan does not come here:
 * it has its own midstate path in pow.c.
 */
#include "powsim/hash.h"

#include <string.h>

#include <glib.h>
#include <openssl/evp.h>

/* The SHA-256 implementation, fetched on first use; thread-safe. */
static EVP_MD *sha256_md(void)
{
	static gsize md; /* an EVP_MD *, set once */

	if (g_once_init_enter(&md)) {
		EVP_MD *m = EVP_MD_fetch(NULL, "SHA256", NULL);

		if (m == NULL)
			g_error("hash: OpenSSL has no SHA256 implementation");
		g_once_init_leave(&md, (gsize)m);
	}
	return (EVP_MD *)md;
}

void hash_sha256(const void *data, size_t len, uint8_t out[HASH_SIZE])
{
	unsigned int outlen = 0;

	/* Failure here is an OpenSSL malfunction, not an input error. */
	if (!EVP_Digest(data, len, out, &outlen, sha256_md(), NULL) ||
	    outlen != HASH_SIZE)
		g_error("hash: EVP_Digest(SHA256) failed");
}

void hash_hex(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

/* Value of one hex digit (either case), or -1. */
static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool hash_unhex(const char *hex, uint8_t *out, size_t len)
{
	/* strnlen bounds the read: a longer string is rejected without
	 * scanning past 2*LEN+1 characters. */
	if (hex == NULL || strnlen(hex, 2 * len + 1) != 2 * len)
		return false;
	for (size_t i = 0; i < len; i++) {
		int hi = hex_digit(hex[2 * i]);
		int lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

unsigned hash_leading_hex_zeros(const uint8_t h[HASH_SIZE])
{
	unsigned n = 0;

	for (size_t i = 0; i < HASH_SIZE; i++) {
		if (h[i] != 0)
			return n + (h[i] < 0x10);
		n += 2;
	}
	return n;
}
