/* Tests for pow: u256 arithmetic edge cases, targets and work against
 * values computed by hand (and checked with Python's exact integers), the
 * header hash against an independent EVP digest, and the midstate scan
 * against the naive scan and against a per-nonce check done here. */
#include <math.h>
#include <string.h>

#include <glib.h>
#include <openssl/evp.h>

#include "powsim/hash.h"
#include "powsim/pow.h"

/* ---- helpers ---- */

static struct u256 u(uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
	struct u256 r = { { w0, w1, w2, w3 } };

	return r;
}

static struct u256 from_hex(const char *hex)
{
	uint8_t be[32];
	struct u256 r;

	g_assert_true(hash_unhex(hex, be, 32));
	u256_from_be(&r, be);
	return r;
}

static void assert_u256_hex(const struct u256 *a, const char *hex)
{
	uint8_t be[32];
	char out[65];

	u256_to_be(a, be);
	hash_hex(be, 32, out);
	g_assert_cmpstr(out, ==, hex);
}

static void assert_u256_eq(const struct u256 *a, const struct u256 *b)
{
	g_assert_cmpmem(a->w, sizeof(a->w), b->w, sizeof(b->w));
}

/* SHA-256 by OpenSSL's one-shot EVP path, independent of hash.c/pow.c. */
static void evp_sha256(const uint8_t *data, size_t len, uint8_t out[32])
{
	unsigned int n = 0;

	g_assert_cmpint(EVP_Digest(data, len, out, &n, EVP_sha256(), NULL), ==, 1);
	g_assert_cmpuint(n, ==, 32);
}

/* A header with defined bytes: byte i = 3i + 5, nonce 0x0102030405060708. */
static void fixed_header(uint8_t h[POW_HEADER_SIZE])
{
	for (int i = 0; i < POW_HEADER_SIZE; i++)
		h[i] = (uint8_t)(3 * i + 5);
	for (int i = 0; i < 8; i++)
		h[POW_NONCE_OFFSET + i] = (uint8_t)(8 - i);
}

static void set_nonce(uint8_t h[POW_HEADER_SIZE], uint64_t nonce)
{
	for (int i = 0; i < 8; i++)
		h[POW_NONCE_OFFSET + i] = (uint8_t)(nonce >> (8 * i));
}

/* ---- u256 ---- */

static void test_u256_cmp(void)
{
	struct u256 a = u(0, 0, 0, 1), b = u(0, 0, 0, 2), c = u(1, 0, 0, 0);

	g_assert_cmpint(u256_cmp(&a, &b), ==, -1);
	g_assert_cmpint(u256_cmp(&b, &a), ==, 1);
	g_assert_cmpint(u256_cmp(&a, &a), ==, 0);
	/* the top word decides, whatever the lower ones hold */
	struct u256 d = u(0, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	g_assert_cmpint(u256_cmp(&d, &c), ==, -1);
	g_assert_cmpint(u256_cmp(&c, &d), ==, 1);
	struct u256 e = u(5, 6, 7, 8), f = u(5, 6, 7, 9);
	g_assert_cmpint(u256_cmp(&e, &f), ==, -1);
}

static void test_u256_add(void)
{
	struct u256 max = u(UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	struct u256 one = u(0, 0, 0, 1), r;

	/* carry across every word */
	struct u256 a = u(0, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	u256_add(&r, &a, &one);
	struct u256 want = u(1, 0, 0, 0);
	assert_u256_eq(&r, &want);

	/* saturation */
	u256_add(&r, &max, &one);
	assert_u256_eq(&r, &max);
	u256_add(&r, &max, &max);
	assert_u256_eq(&r, &max);
	struct u256 half = u(UINT64_C(1) << 63, 0, 0, 0);
	u256_add(&r, &half, &half);
	assert_u256_eq(&r, &max);

	/* a carry into a word that is itself all ones, plus a carry in */
	struct u256 x = u(0, 1, UINT64_MAX, UINT64_MAX);
	struct u256 y = u(0, 0, 0, 1);
	u256_add(&x, &x, &y); /* aliasing R = A */
	want = u(0, 2, 0, 0);
	assert_u256_eq(&x, &want);
	struct u256 p = u(0, 0, UINT64_MAX, 1), q = u(0, 0, 1, UINT64_MAX);
	u256_add(&p, &q, &p); /* aliasing R = B */
	want = u(0, 1, 1, 0);
	assert_u256_eq(&p, &want);
}

static void test_u256_sub(void)
{
	struct u256 r, zero = u(0, 0, 0, 0);
	struct u256 max = u(UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX);

	struct u256 a = u(1, 0, 0, 0), one = u(0, 0, 0, 1);
	u256_sub(&r, &a, &one); /* borrow across every word */
	struct u256 want = u(0, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	assert_u256_eq(&r, &want);

	u256_sub(&r, &max, &max);
	assert_u256_eq(&r, &zero);
	u256_sub(&r, &max, &zero);
	assert_u256_eq(&r, &max);

	struct u256 b = u(0, 2, 0, 0), c = u(0, 1, 0, 1);
	u256_sub(&b, &b, &c); /* aliasing */
	want = u(0, 0, UINT64_MAX, UINT64_MAX);
	assert_u256_eq(&b, &want);
}

static void test_u256_div(void)
{
	struct u256 q, zero = u(0, 0, 0, 0), one = u(0, 0, 0, 1);
	struct u256 max = u(UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	struct u256 n = from_hex("8f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a");

	u256_div(&q, &n, &one);
	assert_u256_eq(&q, &n);
	u256_div(&q, &n, &n);
	assert_u256_eq(&q, &one);
	u256_div(&q, &one, &n); /* N < D */
	assert_u256_eq(&q, &zero);
	u256_div(&q, &max, &max);
	assert_u256_eq(&q, &one);

	/* divisors above 2^255: quotient 1, remainder close to 2^255 */
	struct u256 big = from_hex("8000000000000000000000000000000000000000000000000000000000000001");
	u256_div(&q, &max, &big);
	assert_u256_eq(&q, &one);
	u256_div(&q, &n, &big);
	assert_u256_eq(&q, &one);
	struct u256 half = u(UINT64_C(1) << 63, 0, 0, 0);
	u256_div(&q, &max, &half);
	assert_u256_eq(&q, &one);

	/* a power of two is a shift */
	struct u256 p128 = u(0, 1, 0, 0);
	u256_div(&q, &max, &p128);
	struct u256 want = u(0, 0, UINT64_MAX, UINT64_MAX);
	assert_u256_eq(&q, &want);

	/* arbitrary operands, quotients from Python's integer division */
	struct u256 d = from_hex("0000000000000000000000000000000001b2c3d4e5f60718293a4b5c6d7e8f90");
	u256_div(&q, &n, &d);
	assert_u256_hex(&q, "0000000000000000000000000000005455ea7cc67aec143bd00d517853746e70");
	struct u256 d2 = u(0, 0, 0, UINT64_C(0xfffffffffffffffb));
	u256_div(&q, &n, &d2);
	assert_u256_hex(&q, "00000000000000008f3a2b1c0d9e8f7d377f24ca7332d90ea2fa274e8b3a6a67");
	/* aliasing Q = N */
	struct u256 m = n;
	u256_div(&m, &m, &d2);
	assert_u256_eq(&m, &q);
}

static void test_u256_conv(void)
{
	struct u256 a = from_hex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");

	g_assert_cmphex(a.w[0], ==, UINT64_C(0x0102030405060708));
	g_assert_cmphex(a.w[3], ==, UINT64_C(0x191a1b1c1d1e1f20));
	assert_u256_hex(&a, "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");

	struct u256 p = u(UINT64_C(1) << 44, 0, 0, 0);
	g_assert_cmpfloat(u256_to_double(&p), ==, ldexp(1.0, 236));
	struct u256 s = u(0, 0, 0, 12345);
	g_assert_cmpfloat(u256_to_double(&s), ==, 12345.0);
	struct u256 max = u(UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	g_assert_cmpfloat(u256_to_double(&max), ==, ldexp(1.0, 256));
}

/* ---- targets and work ---- */

static void test_targets(void)
{
	struct u256 t;

	pow_target_from_millizeros(0, &t); /* 2^256, capped */
	assert_u256_hex(&t, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
	pow_target_from_millizeros(4000, &t); /* 16^60 = 2^240 */
	assert_u256_hex(&t, "0001000000000000000000000000000000000000000000000000000000000000");
	pow_target_from_millizeros(5000, &t); /* 16^59 = 2^236 */
	assert_u256_hex(&t, "0000100000000000000000000000000000000000000000000000000000000000");
	pow_target_from_millizeros(4500, &t); /* 2^238: half zeros are exact */
	assert_u256_hex(&t, "0000400000000000000000000000000000000000000000000000000000000000");
	pow_target_from_millizeros(250, &t); /* 2^255 */
	assert_u256_hex(&t, "8000000000000000000000000000000000000000000000000000000000000000");
	pow_target_from_millizeros(POW_MAX_MILLIZEROS, &t); /* 2^16 */
	assert_u256_hex(&t, "0000000000000000000000000000000000000000000000000000000000010000");
}

/* Fractional zeros: 2^239.6 = 2^239 * 2^0.6, with 2^0.6 as the nearest
 * double (mantissa 0x18406003b2ae5c, from Python's Decimal at 80 digits);
 * 4999 = 2^236 * 2^(1/250), mantissa 4516103583060007.545 -> ...008. */
static void test_targets_fractional(void)
{
	struct u256 t;

	pow_target_from_millizeros(4100, &t);
	assert_u256_hex(&t, "0000c203001d9572e00000000000000000000000000000000000000000000000");
	pow_target_from_millizeros(4999, &t);
	assert_u256_hex(&t, "0000100b5f4dd650280000000000000000000000000000000000000000000000");
}

/* More zeros, a strictly smaller target, over the whole range. */
static void test_targets_monotonic(void)
{
	struct u256 prev, t;

	pow_target_from_millizeros(0, &prev);
	for (uint32_t mz = 1; mz <= POW_MAX_MILLIZEROS; mz++) {
		pow_target_from_millizeros(mz, &t);
		if (u256_cmp(&t, &prev) >= 0)
			g_test_message("target not decreasing at %u millizeros", mz);
		g_assert_cmpint(u256_cmp(&t, &prev), ==, -1);
		prev = t;
	}
}

static void test_work(void)
{
	struct u256 t, w;

	pow_target_from_millizeros(5000, &t);
	pow_work_from_target(&t, &w); /* floor(2^256 / (2^236 + 1)) */
	struct u256 want = u(0, 0, 0, 1048575);
	assert_u256_eq(&w, &want);

	pow_target_from_millizeros(4000, &t);
	pow_work_from_target(&t, &w);
	want = u(0, 0, 0, 65535);
	assert_u256_eq(&w, &want);

	pow_target_from_millizeros(0, &t); /* t + 1 = 2^256 */
	pow_work_from_target(&t, &w);
	want = u(0, 0, 0, 1);
	assert_u256_eq(&w, &want);

	pow_target_from_millizeros(POW_MAX_MILLIZEROS, &t);
	pow_work_from_target(&t, &w); /* 2^256 / 65537 */
	assert_u256_hex(&w, "0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff");

	/* target 0: 2^256 does not fit, saturates */
	t = u(0, 0, 0, 0);
	pow_work_from_target(&t, &w);
	want = u(UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	assert_u256_eq(&w, &want);
	/* target 1: 2^255 */
	t = u(0, 0, 0, 1);
	pow_work_from_target(&t, &w);
	want = u(UINT64_C(1) << 63, 0, 0, 0);
	assert_u256_eq(&w, &want);

	/* target 2^255: 2^256 / (2^255 + 1) = 1 */
	t = u(UINT64_C(1) << 63, 0, 0, 0);
	pow_work_from_target(&t, &w);
	want = u(0, 0, 0, 1);
	assert_u256_eq(&w, &want);
	/* target 2^255 - 1: 2^256 / 2^255 = 2 */
	t = u(UINT64_MAX >> 1, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	pow_work_from_target(&t, &w);
	want = u(0, 0, 0, 2);
	assert_u256_eq(&w, &want);
}

static void test_hash_meets(void)
{
	struct u256 t;
	uint8_t h[32];

	pow_target_from_millizeros(5000, &t); /* 2^236: 00000fff... is below */
	memset(h, 0xff, sizeof(h));
	h[0] = 0;
	h[1] = 0;
	h[2] = 0x0f;
	g_assert_true(pow_hash_meets(h, &t));
	memset(h, 0, sizeof(h));
	h[2] = 0x10; /* exactly the target: not below */
	g_assert_false(pow_hash_meets(h, &t));
	h[31] = 1;
	g_assert_false(pow_hash_meets(h, &t));
	/* a low byte must not win over a high one (big-endian reading) */
	memset(h, 0, sizeof(h));
	h[31] = 0xff;
	g_assert_true(pow_hash_meets(h, &t));
	memset(h, 0, sizeof(h));
	struct u256 zero = u(0, 0, 0, 0);
	g_assert_false(pow_hash_meets(h, &zero));
}

/* ---- header hash and scans ---- */

static void test_header_kat(void)
{
	uint8_t hdr[POW_HEADER_SIZE], want[32], got[32];
	char hex[65];

	fixed_header(hdr);
	evp_sha256(hdr, sizeof(hdr), want);
	hash_hex(want, 32, hex);
	/* Python: hashlib.sha256(bytes(...)).hexdigest() */
	g_assert_cmpstr(hex, ==, "4507b37c528f455e17ac0132afced645fb535bb7e988503217444c10a4938127");
	pow_hash_header(hdr, got);
	g_assert_cmpmem(got, 32, want, 32);

	/* The scans report the same hash for the same nonce, whatever nonce
	 * bytes the template held. */
	struct u256 any;
	pow_target_from_millizeros(0, &any);
	uint8_t tmpl[POW_HEADER_SIZE];
	memcpy(tmpl, hdr, sizeof(tmpl));
	set_nonce(tmpl, UINT64_C(0xdeadbeefcafef00d));
	pow_scan_t *s = pow_scan_new(tmpl);
	uint64_t nonce = 0;

	g_assert_true(pow_scan_run(s, UINT64_C(0x0102030405060708), 1, &any, &nonce, got));
	g_assert_cmphex(nonce, ==, UINT64_C(0x0102030405060708));
	g_assert_cmpmem(got, 32, want, 32);
	memset(got, 0, sizeof(got));
	g_assert_true(pow_scan_run_naive(s, UINT64_C(0x0102030405060708), 1, &any, &nonce, got));
	g_assert_cmpmem(got, 32, want, 32);
	pow_scan_free(s);
}

/* A target equal to the hash itself fails; one more passes. This puts the
 * hash's top word equal to the target's, past the midstate early reject. */
static void test_scan_boundary(void)
{
	uint8_t hdr[POW_HEADER_SIZE], h[32], got[32];
	struct u256 t, one = u(0, 0, 0, 1);
	uint64_t nonce = 0;

	fixed_header(hdr);
	set_nonce(hdr, 77);
	evp_sha256(hdr, sizeof(hdr), h);
	u256_from_be(&t, h);
	pow_scan_t *s = pow_scan_new(hdr);

	g_assert_false(pow_scan_run(s, 77, 1, &t, &nonce, got));
	g_assert_false(pow_scan_run_naive(s, 77, 1, &t, &nonce, got));
	u256_add(&t, &t, &one);
	g_assert_true(pow_scan_run(s, 77, 1, &t, &nonce, got));
	g_assert_cmpmem(got, 32, h, 32);
	g_assert_true(pow_scan_run_naive(s, 77, 1, &t, &nonce, got));
	g_assert_cmpmem(got, 32, h, 32);
	pow_scan_free(s);
}

/* Independently: the first nonce in [FROM, FROM+COUNT) meeting T, or -1. */
static int64_t first_by_evp(const uint8_t tmpl[POW_HEADER_SIZE], uint64_t from,
			    uint64_t count, const struct u256 *t)
{
	uint8_t hdr[POW_HEADER_SIZE], h[32];

	memcpy(hdr, tmpl, sizeof(hdr));
	for (uint64_t i = 0; i < count; i++) {
		set_nonce(hdr, from + i);
		evp_sha256(hdr, sizeof(hdr), h);
		if (pow_hash_meets(h, t))
			return (int64_t)(from + i);
	}
	return -1;
}

/* At 2 zeros, twenty successive solutions: midstate, naive and the
 * independent per-nonce EVP check agree on each. */
static void test_scan_agree(void)
{
	uint8_t hdr[POW_HEADER_SIZE], h1[32], h2[32], full[POW_HEADER_SIZE], ref[32];
	struct u256 t;
	uint64_t from = 1000, n1 = 0, n2 = 0;

	fixed_header(hdr);
	pow_target_from_millizeros(2000, &t);
	pow_scan_t *s = pow_scan_new(hdr);

	for (int k = 0; k < 20; k++) {
		g_assert_true(pow_scan_run(s, from, 100000, &t, &n1, h1));
		g_assert_true(pow_scan_run_naive(s, from, 100000, &t, &n2, h2));
		g_assert_cmpuint(n1, ==, n2);
		g_assert_cmpmem(h1, 32, h2, 32);
		g_assert_cmpint(first_by_evp(hdr, from, n1 - from + 1, &t), ==, (int64_t)n1);
		memcpy(full, hdr, sizeof(full));
		set_nonce(full, n1);
		evp_sha256(full, sizeof(full), ref);
		g_assert_cmpmem(h1, 32, ref, 32);
		g_assert_true(pow_hash_meets(h1, &t));
		g_assert_cmpuint(hash_leading_hex_zeros(h1), >=, 2);
		from = n1 + 1;
	}
	pow_scan_free(s);
}

/* The range just before the first solution holds none. */
static void test_scan_none(void)
{
	uint8_t hdr[POW_HEADER_SIZE], h[32];
	struct u256 t;
	uint64_t first = 0, n = 12345;

	fixed_header(hdr);
	pow_target_from_millizeros(2000, &t);
	pow_scan_t *s = pow_scan_new(hdr);

	g_assert_true(pow_scan_run(s, 0, 1000000, &t, &first, h));
	g_assert_cmpuint(first, >, 0);
	g_assert_false(pow_scan_run(s, 0, first, &t, &n, h));
	g_assert_false(pow_scan_run_naive(s, 0, first, &t, &n, h));
	g_assert_cmpuint(n, ==, 12345); /* untouched on failure */
	g_assert_false(pow_scan_run(s, 0, 0, &t, &n, h)); /* empty range */
	g_assert_false(pow_scan_run_naive(s, 0, 0, &t, &n, h));
	/* and at 60 zeros, nothing in a thousand tries */
	pow_target_from_millizeros(POW_MAX_MILLIZEROS, &t);
	g_assert_false(pow_scan_run(s, 0, 1000, &t, &n, h));
	pow_scan_free(s);
}

/* Nonces wrap modulo 2^64; reset gives the same midstate as new. */
static void test_scan_wrap_reset(void)
{
	uint8_t hdr[POW_HEADER_SIZE], other[POW_HEADER_SIZE], h1[32], h2[32];
	struct u256 t;
	uint64_t n1 = 0, n2 = 0;

	fixed_header(hdr);
	pow_target_from_millizeros(2000, &t);
	memset(other, 0x5a, sizeof(other));
	pow_scan_t *a = pow_scan_new(other);
	pow_scan_t *b = pow_scan_new(hdr);

	pow_scan_reset(a, hdr);
	g_assert_true(pow_scan_run(a, UINT64_MAX - 50, 100000, &t, &n1, h1));
	g_assert_true(pow_scan_run_naive(b, UINT64_MAX - 50, 100000, &t, &n2, h2));
	g_assert_cmphex(n1, ==, n2);
	g_assert_cmpmem(h1, 32, h2, 32);
	g_assert_cmpint(first_by_evp(hdr, UINT64_MAX - 50, 100000, &t), ==, (int64_t)n1);
	/* a different template gives a different hash at that nonce */
	pow_scan_reset(a, other);
	struct u256 any;
	pow_target_from_millizeros(0, &any);
	g_assert_true(pow_scan_run(a, n1, 1, &any, &n2, h2));
	g_assert_cmpint(memcmp(h1, h2, 32), !=, 0);
	pow_scan_free(a);
	pow_scan_free(b);
	pow_scan_free(NULL);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/pow/u256/cmp", test_u256_cmp);
	g_test_add_func("/pow/u256/add", test_u256_add);
	g_test_add_func("/pow/u256/sub", test_u256_sub);
	g_test_add_func("/pow/u256/div", test_u256_div);
	g_test_add_func("/pow/u256/conv", test_u256_conv);
	g_test_add_func("/pow/target/integral", test_targets);
	g_test_add_func("/pow/target/fractional", test_targets_fractional);
	g_test_add_func("/pow/target/monotonic", test_targets_monotonic);
	g_test_add_func("/pow/work", test_work);
	g_test_add_func("/pow/hash-meets", test_hash_meets);
	g_test_add_func("/pow/header/known-answer", test_header_kat);
	g_test_add_func("/pow/scan/boundary", test_scan_boundary);
	g_test_add_func("/pow/scan/agree", test_scan_agree);
	g_test_add_func("/pow/scan/none", test_scan_none);
	g_test_add_func("/pow/scan/wrap-reset", test_scan_wrap_reset);
	return g_test_run();
}
