/* pow: 256-bit arithmetic, targets and work, and the nonce scan.
 *
 * The scan's portable kernel uses OpenSSL's low-level SHA256_CTX /
 * SHA256_Transform (deprecated in 3.0, still exported, and dispatching to
 * the SHA-NI block function on CPUs that have it). The deprecation
 * warnings are silenced around those calls only, so any other deprecated
 * use in this file still warns. If OpenSSL was built without the
 * deprecated API, that kernel falls back to one EVP digest per nonce,
 * which is correct but several times slower. The faster kernels are in
 * sha256x.c; this file picks one and confirms their candidates.
 */
#include "powsim/pow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "powsim/check.h"
#include "powsim/hash.h"
#include "powsim/sha256x.h"

#if !defined(OPENSSL_NO_DEPRECATED_3_0)
#define POW_HAVE_TRANSFORM 1
#endif

/* ---- 256-bit unsigned integers ---- */

int u256_cmp(const struct u256 *a, const struct u256 *b)
{
	for (int i = 0; i < 4; i++) {
		if (a->w[i] != b->w[i])
			return a->w[i] < b->w[i] ? -1 : 1;
	}
	return 0;
}

static void u256_set_max(struct u256 *r)
{
	for (int i = 0; i < 4; i++)
		r->w[i] = UINT64_MAX;
}

void u256_add(struct u256 *r, const struct u256 *a, const struct u256 *b)
{
	struct u256 s;
	uint64_t carry = 0;

	for (int i = 3; i >= 0; i--) {
		uint64_t x = a->w[i] + b->w[i];
		uint64_t c1 = x < a->w[i];

		s.w[i] = x + carry;
		carry = c1 | (s.w[i] < x);
	}
	if (carry)
		u256_set_max(&s);
	*r = s;
}

/* *R = A - B modulo 2^256. R may alias A or B. */
static void u256_sub_mod(struct u256 *r, const struct u256 *a,
			 const struct u256 *b)
{
	struct u256 d;
	uint64_t borrow = 0;

	for (int i = 3; i >= 0; i--) {
		uint64_t x = a->w[i] - b->w[i];
		uint64_t b1 = a->w[i] < b->w[i];

		d.w[i] = x - borrow;
		borrow = b1 | (x < borrow);
	}
	*r = d;
}

void u256_sub(struct u256 *r, const struct u256 *a, const struct u256 *b)
{
	CHECK(u256_cmp(a, b) >= 0);
	u256_sub_mod(r, a, b);
}

/* *A <<= 1 (the top bit is dropped). */
static void u256_shl1(struct u256 *a)
{
	for (int i = 0; i < 3; i++)
		a->w[i] = a->w[i] << 1 | a->w[i + 1] >> 63;
	a->w[3] <<= 1;
}

/* Bit I (0 = least significant) of A. */
static unsigned u256_bit(const struct u256 *a, unsigned i)
{
	return (unsigned)(a->w[3 - i / 64] >> (i % 64)) & 1;
}

static bool u256_is_zero(const struct u256 *a)
{
	return (a->w[0] | a->w[1] | a->w[2] | a->w[3]) == 0;
}

/* Schoolbook binary long division, one quotient bit per step. The shift
 * never loses a bit: after K steps the remainder is below 2^K, so before
 * the last shift it is below 2^255. */
void u256_div(struct u256 *q, const struct u256 *n, const struct u256 *d)
{
	struct u256 quot = { { 0 } }, rem = { { 0 } };

	CHECK(!u256_is_zero(d));
	for (int i = 255; i >= 0; i--) {
		u256_shl1(&rem);
		rem.w[3] |= u256_bit(n, (unsigned)i);
		if (u256_cmp(&rem, d) >= 0) {
			u256_sub_mod(&rem, &rem, d); /* rem >= d known */
			quot.w[3 - i / 64] |= UINT64_C(1) << (i % 64);
		}
	}
	*q = quot;
}

double u256_to_double(const struct u256 *a)
{
	double v = 0.0;

	for (int i = 0; i < 4; i++)
		v = ldexp(v, 64) + (double)a->w[i];
	return v;
}

void u256_from_be(struct u256 *r, const uint8_t be[32])
{
	for (int i = 0; i < 4; i++) {
		uint64_t w = 0;

		for (int k = 0; k < 8; k++)
			w = w << 8 | be[8 * i + k];
		r->w[i] = w;
	}
}

void u256_to_be(const struct u256 *a, uint8_t be[32])
{
	for (int i = 0; i < 4; i++)
		for (int k = 0; k < 8; k++)
			be[8 * i + k] = (uint8_t)(a->w[i] >> (56 - 8 * k));
}

/* ---- targets and work ---- */

/* *R = M * 2^SHIFT, with SHIFT possibly negative (then floored). The
 * result must fit: M's top bit + SHIFT < 256. */
static void u256_from_scaled(struct u256 *r, uint64_t m, int shift)
{
	memset(r, 0, sizeof(*r));
	if (shift <= -64)
		return;
	if (shift < 0) {
		r->w[3] = m >> -shift;
		return;
	}
	int word = 3 - shift / 64, bits = shift % 64;

	r->w[word] = m << bits;
	if (bits != 0 && word > 0)
		r->w[word - 1] = m >> (64 - bits);
}

/* Target = 2^(256 - mz/250). With mz = 250*q + r, 0 < r < 250, that is
 * 2^(255 - q) * 2^((250 - r)/250): the second factor, in [1, 2), is taken
 * as a 53-bit integer mantissa from exp2 and shifted into place. The
 * fraction comes from integers in one IEEE division, so the only result
 * that could differ between platforms is libm's exp2; every node of a run
 * shares it, and test_pow's fractional vectors pin glibc's values. */
void pow_target_from_millizeros(uint32_t millizeros, struct u256 *target)
{
	uint32_t q = millizeros / 250, r = millizeros % 250;

	CHECK(millizeros <= POW_MAX_MILLIZEROS);
	if (r == 0) {
		if (q == 0)
			u256_set_max(target); /* 2^256 does not fit */
		else
			u256_from_scaled(target, 1, 256 - (int)q);
		return;
	}
	double frac = (double)(250 - r) / 250.0;
	uint64_t mant = (uint64_t)ldexp(exp2(frac), 52);

	u256_from_scaled(target, mant, 255 - (int)q - 52);
}

/* floor(2^256 / (t+1)) = floor((2^256 - 1 - t) / (t+1)) + 1, which needs
 * no 257-bit numerator (Bitcoin's GetBlockProof trick). */
void pow_work_from_target(const struct u256 *target, struct u256 *work)
{
	struct u256 nt, t1, one = { { 0, 0, 0, 1 } }, max;

	u256_set_max(&max);
	if (u256_cmp(target, &max) == 0) {
		*work = one; /* t + 1 = 2^256 */
		return;
	}
	for (int i = 0; i < 4; i++)
		nt.w[i] = ~target->w[i];
	u256_add(&t1, target, &one);
	u256_div(work, &nt, &t1);
	u256_add(work, work, &one);
}

bool pow_hash_meets(const uint8_t hash[32], const struct u256 *target)
{
	struct u256 h;

	u256_from_be(&h, hash);
	return u256_cmp(&h, target) < 0;
}

void pow_hash_header(const uint8_t header[POW_HEADER_SIZE], uint8_t out[32])
{
	hash_sha256(header, POW_HEADER_SIZE, out);
}

/* ---- the nonce scan ---- */

/* Offset of the nonce inside the final 64-byte chunk. */
#define TAIL_NONCE (POW_NONCE_OFFSET - 64)

struct pow_scan {
	uint8_t header[POW_HEADER_SIZE]; /* the template; nonce rewritten */
	uint32_t mid[8]; /* SHA-256 state after the first chunk */
	uint8_t tail[64]; /* last chunk: bytes 64..95, padding, length */
	enum pow_kernel kernel;
	EVP_MD *md; /* for the naive scan */
};

static const uint32_t sha256_iv[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Big-endian bytes of a final SHA-256 state: the digest. */
static void state_to_digest(const uint32_t h[8], uint8_t out[32])
{
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(h[i] >> 8);
		out[4 * i + 3] = (uint8_t)h[i];
	}
}

#ifdef POW_HAVE_TRANSFORM
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
/* H = the state after compressing TAIL onto MID. */
static inline void compress_tail(const uint32_t mid[8], const uint8_t tail[64],
				 uint32_t h[8])
{
	SHA256_CTX c;

	memcpy(c.h, mid, sizeof(c.h));
	SHA256_Transform(&c, tail);
	memcpy(h, c.h, sizeof(c.h));
}
#pragma GCC diagnostic pop
#endif

/* ---- kernels ---- */

static const char *const kernel_names[POW_N_KERNELS] = {
	[POW_KERNEL_OPENSSL] = "openssl",
	[POW_KERNEL_SHA_NI] = "sha-ni",
	[POW_KERNEL_SHA_NI_2] = "sha-ni-2",
	[POW_KERNEL_SHA_NI_4] = "sha-ni-4",
	[POW_KERNEL_AVX512] = "avx512",
};

/* The sha256x kernel behind K (not the OpenSSL one). */
static enum sha256x_kernel hand_kernel(enum pow_kernel k)
{
	CHECK(k > POW_KERNEL_OPENSSL && k < POW_N_KERNELS);
	return (enum sha256x_kernel)(k - POW_KERNEL_SHA_NI);
}

const char *pow_kernel_name(enum pow_kernel k)
{
	CHECK((unsigned)k < POW_N_KERNELS);
	return kernel_names[k];
}

bool pow_kernel_parse(const char *name, enum pow_kernel *k)
{
	for (unsigned i = 0; i < POW_N_KERNELS; i++) {
		if (strcmp(name, kernel_names[i]) == 0) {
			*k = (enum pow_kernel)i;
			return true;
		}
	}
	return false;
}

bool pow_kernel_available(enum pow_kernel k)
{
	CHECK((unsigned)k < POW_N_KERNELS);
	return k == POW_KERNEL_OPENSSL || sha256x_available(hand_kernel(k));
}

/* The preference order when nothing is forced: on the AMD Zen 4 machines
 * this project is measured on, SHA-NI 4-way beats AVX-512 16-lane (see
 * `powsim bench`); a CPU without SHA-NI but with AVX-512 takes the latter. */
bool pow_kernel_from_env(enum pow_kernel *k, GError **err)
{
	const char *env = getenv("POWSIM_POW_KERNEL");
	if (env == NULL || *env == '\0')
		return false;
	if (!pow_kernel_parse(env, k)) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "environment POWSIM_POW_KERNEL: expected one of openssl, sha-ni, "
			    "sha-ni-2, sha-ni-4, avx512, found \"%s\"", env);
		return false;
	}
	if (!pow_kernel_available(*k)) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "environment POWSIM_POW_KERNEL: expected a kernel this CPU can run, "
			    "found \"%s\" (not supported here)", env);
		return false;
	}
	return true;
}

/* Thread CPU seconds kernel K takes for PICK_NONCES nonces, best of
 * PICK_ROUNDS (a neighbour taking the core costs wall time, not this). */
#define PICK_NONCES 32768
#define PICK_ROUNDS 3
static double kernel_seconds(enum pow_kernel k)
{
	uint32_t mid[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
			    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	uint8_t tail[64] = { [0] = 0x80, [62] = 0x02, [63] = 0x80 };
	double best = 1e9;
	for (int r = 0; r < PICK_ROUNDS; r++) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
		/* top 0: a hit is a 2^-32 event, so every nonce is hashed */
		(void)sha256x_scan(hand_kernel(k), mid, tail, (uint64_t)r * PICK_NONCES,
				   PICK_NONCES, 0);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
		double sec = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (sec < best)
			best = sec;
	}
	return best;
}

/* The fastest hand kernel this CPU runs, measured: which one wins depends
 * on the chip (4-way SHA-NI on AMD Zen 4, AVX-512 on Intel Xeons whose
 * SHA-NI is slow), so a fixed order would be wrong on one of them.
 * 3 x 32,768 nonces a kernel, 1-3 ms each (about 10 ms in all on a Xeon),
 * once per process, and only in a process that makes a scanner. OpenSSL's path where no hand kernel runs. The choice never
 * changes a result (the header above), only the speed. */
static enum pow_kernel kernel_fastest(void)
{
	enum pow_kernel pick = POW_KERNEL_OPENSSL;
	double best = 0;
	for (int k = POW_KERNEL_SHA_NI; k < POW_N_KERNELS; k++) {
		if (!pow_kernel_available((enum pow_kernel)k))
			continue;
		double sec = kernel_seconds((enum pow_kernel)k);
		if (pick == POW_KERNEL_OPENSSL || sec < best) {
			pick = (enum pow_kernel)k;
			best = sec;
		}
	}
	return pick;
}

static enum pow_kernel kernel_pick(void)
{
	GError *err = NULL;
	enum pow_kernel k;

	if (pow_kernel_from_env(&k, &err))
		return k;
	if (err) {
		/* The command line checks this first (main.c); a library user
		 * that did not gets the same message here. */
		fprintf(stderr, "powsim: %s\n", err->message);
		exit(2);
	}
	return kernel_fastest();
}

enum pow_kernel pow_kernel_default(void)
{
	static gsize chosen; /* kernel + 1 once picked */

	if (g_once_init_enter(&chosen))
		g_once_init_leave(&chosen, (gsize)kernel_pick() + 1);
	return (enum pow_kernel)(chosen - 1);
}

/* ---- scanners ---- */

void pow_scan_reset(pow_scan_t *s, const uint8_t header[POW_HEADER_SIZE])
{
	memcpy(s->header, header, POW_HEADER_SIZE);
	memset(s->tail, 0, sizeof(s->tail));
	memcpy(s->tail, header + 64, POW_HEADER_SIZE - 64);
	s->tail[POW_HEADER_SIZE - 64] = 0x80; /* SHA-256 padding */
	s->tail[62] = (POW_HEADER_SIZE * 8) >> 8; /* length in bits, BE: 768 */
	s->tail[63] = (POW_HEADER_SIZE * 8) & 0xff;
	memcpy(s->mid, sha256_iv, sizeof(s->mid));
	sha256x_compress(s->mid, header);
}

pow_scan_t *pow_scan_new(const uint8_t header[POW_HEADER_SIZE])
{
	pow_scan_t *s = g_new0(pow_scan_t, 1);

	s->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (s->md == NULL)
		g_error("pow: OpenSSL has no SHA256 implementation");
	s->kernel = pow_kernel_default();
	pow_scan_reset(s, header);
	return s;
}

void pow_scan_free(pow_scan_t *s)
{
	if (s == NULL)
		return;
	EVP_MD_free(s->md);
	g_free(s);
}

enum pow_kernel pow_scan_kernel(const pow_scan_t *s)
{
	return s->kernel;
}

void pow_scan_set_kernel(pow_scan_t *s, enum pow_kernel k)
{
	CHECK(pow_kernel_available(k));
	s->kernel = k;
}

/* The naive hash of the template with NONCE: a whole EVP digest. */
static void naive_hash(pow_scan_t *s, uint64_t nonce, uint8_t out[32])
{
	put_le64(s->header + POW_NONCE_OFFSET, nonce);
	if (!EVP_Digest(s->header, POW_HEADER_SIZE, out, NULL, s->md, NULL))
		g_error("pow: EVP_Digest(SHA256) failed");
}

bool pow_scan_run_naive(pow_scan_t *s, uint64_t from, uint64_t count,
			const struct u256 *target, uint64_t *nonce, uint8_t hash[32])
{
	uint8_t h[32];

	for (uint64_t i = 0; i < count; i++) {
		naive_hash(s, from + i, h);
		if (pow_hash_meets(h, target)) {
			*nonce = from + i;
			memcpy(hash, h, 32);
			return true;
		}
	}
	return false;
}

/* The OpenSSL kernel. Per nonce: 8 byte stores and one compression. A
 * hash is rejected on its first state word alone when that word exceeds
 * the target's top 32 bits (all but about 2^-32 * (top + 1) of them);
 * only the rest are serialised and compared in full. */
static bool scan_openssl(pow_scan_t *s, uint64_t from, uint64_t count,
			 const struct u256 *target, uint64_t *nonce, uint8_t hash[32])
{
#ifdef POW_HAVE_TRANSFORM
	const uint32_t top = (uint32_t)(target->w[0] >> 32);
	uint32_t h[8];
	uint8_t d[32];

	for (uint64_t i = 0; i < count; i++) {
		put_le64(s->tail + TAIL_NONCE, from + i);
		compress_tail(s->mid, s->tail, h);
		if (h[0] > top)
			continue;
		state_to_digest(h, d);
		if (pow_hash_meets(d, target)) {
			*nonce = from + i;
			memcpy(hash, d, 32);
			return true;
		}
	}
	return false;
#else
	return pow_scan_run_naive(s, from, count, target, nonce, hash);
#endif
}

/* A hand kernel finds the first nonce whose first state word passes the
 * same top-32-bit test; its full hash is recomputed here, portably, and
 * compared in full. A candidate that fails (its word equals the top but
 * the rest is above the target) resumes the scan just after it. */
static bool scan_hand(pow_scan_t *s, uint64_t from, uint64_t count,
		      const struct u256 *target, uint64_t *nonce, uint8_t hash[32])
{
	const uint32_t top = (uint32_t)(target->w[0] >> 32);
	const enum sha256x_kernel k = hand_kernel(s->kernel);

	while (count > 0) {
		uint64_t i = sha256x_scan(k, s->mid, s->tail, from, count, top);

		if (i == count)
			return false;
		uint32_t h[8];
		uint8_t d[32];

		memcpy(h, s->mid, sizeof(h));
		put_le64(s->tail + TAIL_NONCE, from + i);
		sha256x_compress(h, s->tail);
		state_to_digest(h, d);
		if (pow_hash_meets(d, target)) {
			*nonce = from + i;
			memcpy(hash, d, 32);
			return true;
		}
		from += i + 1;
		count -= i + 1;
	}
	return false;
}

bool pow_scan_run(pow_scan_t *s, uint64_t from, uint64_t count,
		  const struct u256 *target, uint64_t *nonce, uint8_t hash[32])
{
	if (s->kernel == POW_KERNEL_OPENSSL)
		return scan_openssl(s, from, count, target, nonce, hash);
	return scan_hand(s, from, count, target, nonce, hash);
}
