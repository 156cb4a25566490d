/* sha256x: hand-written SHA-256 kernels for the nonce scan.
 *
 * The scan hashes one 64-byte chunk per nonce onto a fixed midstate (see
 * pow.h). These kernels do that several nonces at a time: SHA-NI (x86-64
 * SHA extensions) one, two or four messages interleaved, and AVX-512 with
 * sixteen 32-bit lanes. They exist for speed alone, measured by `powsim
 * bench` on this project's machines (AMD Zen 4): OpenSSL's one-chunk call
 * reaches about 20 M hashes/s per core, SHA-NI 4-way about three times
 * that, because interleaving independent messages hides the latency of
 * the SHA instructions and the constant parts of the chunk are done once
 * per call. Each kernel is compiled with a function target attribute, so
 * the rest of the program needs no special flags, and is run only on a
 * CPU that reports the feature (sha256x_available). pow.c chooses one.
 *
 * Every kernel answers the same question over the same nonces in the same
 * order, so which one runs never changes a result.
 */
#ifndef POWSIM_SHA256X_H
#define POWSIM_SHA256X_H

#include <stdbool.h>
#include <stdint.h>

/* The hand-written kernels. */
enum sha256x_kernel {
	SHA256X_SHA_NI,   /* SHA-NI, one message at a time */
	SHA256X_SHA_NI_2, /* SHA-NI, 2 messages interleaved */
	SHA256X_SHA_NI_4, /* SHA-NI, 4 messages interleaved */
	SHA256X_AVX512,   /* AVX-512F, 16 lanes */
	SHA256X_N_KERNELS
};

/* The kernel's name as options spell it ("sha-ni", "sha-ni-2", "sha-ni-4",
 * "avx512"). */
const char *sha256x_name(enum sha256x_kernel k);

/* Whether this CPU (and OS) can run kernel K. */
bool sha256x_available(enum sha256x_kernel k);

/* The portable SHA-256 compression: STATE = compress(STATE, BLOCK).
 * Plain C, for midstates (one per template, not per nonce). */
void sha256x_compress(uint32_t state[8], const uint8_t block[64]);

/* Scan with kernel K, which must be available. MID is the state after
 * the header's first chunk, TAIL the padded final chunk whose bytes
 * 24..31 are replaced by each nonce (little-endian): FROM, FROM+1, ...,
 * FROM+COUNT-1 modulo 2^64. Returns the offset i of the first nonce whose
 * final state word 0 (the digest's first 4 bytes, big-endian) is <= TOP,
 * or COUNT if none is. The caller confirms a candidate against the full
 * target. */
uint64_t sha256x_scan(enum sha256x_kernel k, const uint32_t mid[8],
		      const uint8_t tail[64], uint64_t from, uint64_t count,
		      uint32_t top);

/* The same as sha256x_scan, but the SHA-NI kernels in their build for the
 * 16 SSE registers alone, as a CPU without AVX-512VL runs them (where the
 * CPU has VL, sha256x_scan uses a build that also uses xmm16..31). For
 * tests, so that both builds are checked on a machine that has VL. */
uint64_t sha256x_scan_sse(enum sha256x_kernel k, const uint32_t mid[8],
			  const uint8_t tail[64], uint64_t from, uint64_t count,
			  uint32_t top);

#endif
