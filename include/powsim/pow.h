/* pow: proof-of-work arithmetic and the nonce scan.
 *
 * Pure functions over 256-bit unsigned integers: targets from difficulty
 * given in leading hex zeros, block work, chain work, and the check of a
 * header hash against a target. The scan hashes a fixed 96-byte header
 * whose last 8 bytes are the nonce (little-endian), so the first 64-byte
 * SHA-256 chunk is hashed once per template (the midstate) and every nonce
 * costs one compression of the final chunk.
 *
 * Difficulty is carried as thousandths of a hex zero ("milli-zeros"):
 * z hex zeros mean target = 16^(64 - z) = 2^(256 - 4z), so 5000 is the
 * lecture's "5 leading zeros" and fractional difficulty is allowed.
 * A hash meets a target when, read as a big-endian integer, it is < target.
 */
#ifndef POWSIM_POW_H
#define POWSIM_POW_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#define POW_HEADER_SIZE 96
#define POW_NONCE_OFFSET 88 /* the nonce: bytes 88..95, little-endian */
#define POW_MAX_MILLIZEROS 60000 /* 60 hex zeros */

/* A 256-bit unsigned integer; w[0] is the most significant word. */
struct u256 {
	uint64_t w[4];
};

/* -1, 0 or 1 as A <, =, > B. */
int u256_cmp(const struct u256 *a, const struct u256 *b);

/* *R = A + B, saturating at 2^256 - 1. R may alias A or B. */
void u256_add(struct u256 *r, const struct u256 *a, const struct u256 *b);

/* *R = A - B; requires A >= B. */
void u256_sub(struct u256 *r, const struct u256 *a, const struct u256 *b);

/* *Q = floor(N / D); D != 0. O(256) shift-subtract steps: call per
 * difficulty, not per hash. */
void u256_div(struct u256 *q, const struct u256 *n, const struct u256 *d);

/* The value as a double (for output and statistics only). */
double u256_to_double(const struct u256 *a);

/* From / to 32 big-endian bytes (a hash reads as an integer this way). */
void u256_from_be(struct u256 *r, const uint8_t be[32]);
void u256_to_be(const struct u256 *a, uint8_t be[32]);

/* The target for MILLIZEROS thousandths of a hex zero (0..POW_MAX_MILLIZEROS):
 * 2^(256 - millizeros/250), capped at 2^256 - 1 (for 0). When millizeros
 * is a multiple of 250 (whole bits: 5000 -> 2^236, 4500 -> 2^238) it is
 * that exact power of two. Otherwise it is floor(M * 2^(E - 52)), E the
 * integral part of the exponent and M = 2^52 * exp2(fractional part), a
 * 53-bit integer: the real value to about one part in 2^52 (one unit when
 * E < 52), not always its floor. Strictly decreasing in MILLIZEROS. */
void pow_target_from_millizeros(uint32_t millizeros, struct u256 *target);

/* The expected number of hashes to meet TARGET: floor(2^256 / (target+1)),
 * saturated at 2^256 - 1 for target 0. Costs one u256_div. */
void pow_work_from_target(const struct u256 *target, struct u256 *work);

/* True if HASH (32 bytes, big-endian) is below TARGET. */
bool pow_hash_meets(const uint8_t hash[32], const struct u256 *target);

/* SHA-256 of a 96-byte header. */
void pow_hash_header(const uint8_t header[POW_HEADER_SIZE], uint8_t out[32]);

/* A nonce scanner over one header template (holds the midstate). */
typedef struct pow_scan pow_scan_t;

/* A new scanner for HEADER (copied; its nonce bytes are ignored). */
pow_scan_t *pow_scan_new(const uint8_t header[POW_HEADER_SIZE]);

/* Replace the template of S by HEADER (recomputes the midstate). */
void pow_scan_reset(pow_scan_t *s, const uint8_t header[POW_HEADER_SIZE]);

/* NULL-safe. */
void pow_scan_free(pow_scan_t *s);

/* Try nonces FROM, FROM+1, ... FROM+COUNT-1 (modulo 2^64) in order.
 * Returns true at the first whose header hash meets TARGET, with *NONCE
 * and HASH set; false if none does (COUNT = 0 included), leaving them
 * untouched. The attempts made are *NONCE - FROM + 1 on success, COUNT on
 * failure. Uses the midstate: one compression per nonce, by S's kernel. */
bool pow_scan_run(pow_scan_t *s, uint64_t from, uint64_t count,
		  const struct u256 *target, uint64_t *nonce, uint8_t hash[32]);

/* ---- scan kernels ----
 *
 * The compression behind pow_scan_run is one of these, chosen once per
 * process: the fastest this CPU runs, measured on its thread's CPU time
 * at the first scan (sha-ni-4 on AMD Zen 4, avx512 on Intel Xeons with
 * AVX-512; openssl where no hand kernel runs), unless the environment
 * variable POWSIM_POW_KERNEL names one. Results never depend on the kernel: the
 * same nonces are tried in the same order and the same first hit is
 * returned, so outputs are byte-identical whichever runs. */
enum pow_kernel {
	POW_KERNEL_OPENSSL,  /* OpenSSL's one-chunk SHA256_Transform: portable */
	POW_KERNEL_SHA_NI,   /* sha256x.h kernels, in that header's order */
	POW_KERNEL_SHA_NI_2,
	POW_KERNEL_SHA_NI_4,
	POW_KERNEL_AVX512,
	POW_N_KERNELS
};

/* "openssl", "sha-ni", "sha-ni-2", "sha-ni-4" or "avx512". */
const char *pow_kernel_name(enum pow_kernel k);

/* The kernel called NAME; false if there is none. */
bool pow_kernel_parse(const char *name, enum pow_kernel *k);

/* Whether this build and CPU can run K. */
bool pow_kernel_available(enum pow_kernel k);

/* The process's kernel, fixed at the first call: POWSIM_POW_KERNEL if set,
 * else the fastest available. pow_scan_new makes the first call, so a
 * process that never scans (a model-mode run) never reads the variable.
 * A POWSIM_POW_KERNEL that names no kernel, or one this CPU lacks, is bad
 * input: a one-line message on stderr and exit status 2. Thread-safe. */
/* The kernel POWSIM_POW_KERNEL forces into *K: true if it names one this
 * CPU can run; false with ERR set if it is set but names no kernel or one
 * the CPU lacks; false with ERR unset if it is not set. The command line
 * calls it before anything else, so bad input never starts a run. */
bool pow_kernel_from_env(enum pow_kernel *k, GError **err);

enum pow_kernel pow_kernel_default(void);

/* The kernel scanner S uses (pow_kernel_default() when it was made). */
enum pow_kernel pow_scan_kernel(const pow_scan_t *s);

/* Make S use kernel K, which must be available (for tests and bench). */
void pow_scan_set_kernel(pow_scan_t *s, enum pow_kernel k);

/* The same search, done naively: one-shot EVP digest of the whole header
 * per nonce. For the benchmark's comparison and as a cross-check in tests. */
bool pow_scan_run_naive(pow_scan_t *s, uint64_t from, uint64_t count,
			const struct u256 *target, uint64_t *nonce, uint8_t hash[32]);

#endif
