/* Tests for the nonce-scan kernels (sha256x.h) and their use by the scan
 * (pow.h): every kernel this CPU runs, in each of its builds, against
 * OpenSSL's one-shot digest. A kernel the CPU lacks is skipped with a
 * message, never passed silently.
 *
 * The raw kernels answer "the first nonce whose digest's first word is <=
 * TOP"; calling them with TOP equal to a nonce's reference word and one
 * less, with that nonce placed in every lane position, pins the word each
 * lane computes exactly. The scan is then checked for the same hits, the
 * same hashes and the same hit counts as the reference. */
#include <string.h>

#include <glib.h>
#include <openssl/evp.h>

#include "powsim/pow.h"
#include "powsim/sha256x.h"

#define MAX_LANES 16

static const uint32_t iv[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static void evp_sha256(const uint8_t *data, size_t len, uint8_t out[32])
{
	unsigned int n = 0;

	g_assert_cmpint(EVP_Digest(data, len, out, &n, EVP_sha256(), NULL), ==, 1);
	g_assert_cmpuint(n, ==, 32);
}

static void set_nonce(uint8_t h[POW_HEADER_SIZE], uint64_t nonce)
{
	for (int i = 0; i < 8; i++)
		h[POW_NONCE_OFFSET + i] = (uint8_t)(nonce >> (8 * i));
}

static void random_header(GRand *r, uint8_t h[POW_HEADER_SIZE])
{
	for (int i = 0; i < POW_HEADER_SIZE; i++)
		h[i] = (uint8_t)g_rand_int_range(r, 0, 256);
}

/* The digest's first word, big-endian, for HDR with NONCE. */
static uint32_t ref_word(const uint8_t hdr[POW_HEADER_SIZE], uint64_t nonce)
{
	uint8_t h[POW_HEADER_SIZE], d[32];

	memcpy(h, hdr, sizeof(h));
	set_nonce(h, nonce);
	evp_sha256(h, sizeof(h), d);
	return (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
}

/* ---- the portable compression ---- */

/* Midstate + final chunk by sha256x_compress equals the EVP digest. */
static void test_compress(void)
{
	GRand *r = g_rand_new_with_seed(11);
	uint8_t hdr[POW_HEADER_SIZE], tail[64] = { 0 }, d[32];

	for (int n = 0; n < 200; n++) {
		uint32_t s[8];

		random_header(r, hdr);
		memcpy(s, iv, sizeof(s));
		sha256x_compress(s, hdr);
		memset(tail, 0, sizeof(tail));
		memcpy(tail, hdr + 64, 32);
		tail[32] = 0x80;
		tail[62] = 3; /* 768 bits */
		sha256x_compress(s, tail);
		evp_sha256(hdr, sizeof(hdr), d);
		for (int i = 0; i < 8; i++) {
			uint32_t w = (uint32_t)d[4 * i] << 24 | (uint32_t)d[4 * i + 1] << 16 |
				     (uint32_t)d[4 * i + 2] << 8 | d[4 * i + 3];

			g_assert_cmphex(s[i], ==, w);
		}
	}
	g_rand_free(r);
}

/* ---- raw kernels ---- */

struct raw_case {
	enum sha256x_kernel k;
	bool sse; /* the build for SSE registers only */
};

static uint64_t raw_scan(const struct raw_case *c, const uint32_t mid[8],
			 const uint8_t tail[64], uint64_t from, uint64_t count, uint32_t top)
{
	return c->sse ? sha256x_scan_sse(c->k, mid, tail, from, count, top)
		      : sha256x_scan(c->k, mid, tail, from, count, top);
}

/* The reference answer over words WORD[0..COUNT): first i with word <= top. */
static uint64_t ref_first(const uint32_t *word, uint64_t count, uint32_t top)
{
	for (uint64_t i = 0; i < count; i++)
		if (word[i] <= top)
			return i;
	return count;
}

/* Around BASE: every nonce J of a window of 48 in every lane position L,
 * with ranges of lengths not multiples of the lane count. */
static void raw_check_window(const struct raw_case *c, GRand *r,
			     const uint8_t hdr[POW_HEADER_SIZE], uint64_t base)
{
	enum { WIN = 48, SPAN = WIN + 2 * MAX_LANES + 24 };
	uint32_t word[SPAN], mid[8];
	uint8_t tail[64] = { 0 };
	uint64_t start = base - MAX_LANES; /* word[i] is nonce start + i */

	for (int i = 0; i < SPAN; i++)
		word[i] = ref_word(hdr, start + (uint64_t)i);
	memcpy(mid, iv, sizeof(mid));
	sha256x_compress(mid, hdr);
	memcpy(tail, hdr + 64, 32);
	tail[32] = 0x80;
	tail[62] = 3;
	/* The kernel must ignore the template's nonce bytes. */
	for (int i = 24; i < 32; i++)
		tail[i] = (uint8_t)g_rand_int_range(r, 0, 256);

	for (int j = MAX_LANES; j < MAX_LANES + WIN; j++) {
		for (int l = 0; l < MAX_LANES; l++) {
			int s = j - l;
			uint64_t count = (uint64_t)(l + 1 + g_rand_int_range(r, 0, 24));
			uint32_t tops[2] = { word[j], word[j] - 1 };

			for (int t = 0; t < (word[j] > 0 ? 2 : 1); t++) {
				uint64_t got = raw_scan(c, mid, tail, start + (uint64_t)s, count, tops[t]);
				uint64_t want = ref_first(word + s, count, tops[t]);

				if (got != want)
					g_error("%s%s: nonce %#" G_GINT64_MODIFIER "x from %#"
						G_GINT64_MODIFIER "x count %" G_GUINT64_FORMAT
						" top %#x: got %" G_GUINT64_FORMAT ", want %" G_GUINT64_FORMAT,
						sha256x_name(c->k), c->sse ? " (sse)" : "",
						start + (uint64_t)j, start + (uint64_t)s, count,
						tops[t], got, want);
			}
		}
	}
	/* No candidate at all, and an empty range. */
	uint32_t min = UINT32_MAX;

	for (int i = 0; i < SPAN; i++)
		min = word[i] < min ? word[i] : min;
	if (min > 0)
		g_assert_cmpuint(raw_scan(c, mid, tail, start, SPAN, min - 1), ==, SPAN);
	g_assert_cmpuint(raw_scan(c, mid, tail, start, 0, UINT32_MAX), ==, 0);
}

static void test_raw(gconstpointer data)
{
	const struct raw_case *c = data;

	if (!sha256x_available(c->k)) {
		g_test_skip("this CPU lacks the instructions of this kernel");
		return;
	}
	GRand *r = g_rand_new_with_seed(20261201u + (unsigned)c->k * 2 + c->sse);
	uint8_t hdr[POW_HEADER_SIZE];
	/* Random nonces, and ones where the low word carries into the high
	 * word inside a 16-lane group, and where the nonce wraps at 2^64. */
	const uint64_t bases[] = { 0, 1000, UINT64_C(0xfffffff8), UINT64_C(0x1fffffffd),
				   UINT64_MAX - 20, UINT64_MAX - 3 };

	for (size_t b = 0; b < G_N_ELEMENTS(bases); b++) {
		random_header(r, hdr);
		raw_check_window(c, r, hdr, bases[b]);
	}
	for (int n = 0; n < 4; n++) {
		random_header(r, hdr);
		raw_check_window(c, r, hdr, (uint64_t)g_rand_int(r) << 32 | g_rand_int(r));
	}
	g_rand_free(r);
}

/* ---- the scan, per pow kernel ---- */

/* The first nonce in [FROM, FROM+COUNT) whose EVP hash meets T, or -1. */
static int64_t first_by_evp(const uint8_t tmpl[POW_HEADER_SIZE], uint64_t from,
			    uint64_t count, const struct u256 *t, uint8_t hash[32])
{
	uint8_t hdr[POW_HEADER_SIZE];

	memcpy(hdr, tmpl, sizeof(hdr));
	for (uint64_t i = 0; i < count; i++) {
		set_nonce(hdr, from + i);
		evp_sha256(hdr, sizeof(hdr), hash);
		if (pow_hash_meets(hash, t))
			return (int64_t)(from + i);
	}
	return -1;
}

/* The nonces of [FROM, FROM+LEN) whose EVP hash meets T, in order. */
static GArray *hits_by_evp(const uint8_t tmpl[POW_HEADER_SIZE], uint64_t from,
			   uint64_t len, const struct u256 *t)
{
	GArray *hits = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	uint8_t hdr[POW_HEADER_SIZE], h[32];

	memcpy(hdr, tmpl, sizeof(hdr));
	for (uint64_t n = from; n != from + len; n++) {
		set_nonce(hdr, n);
		evp_sha256(hdr, sizeof(hdr), h);
		if (pow_hash_meets(h, t))
			g_array_append_val(hits, n);
	}
	return hits;
}

/* Random headers at difficulties from 0 to 2.75 hex zeros, over 20 times
 * the expected interval (so no hit at all has odds below 1e-8): the scan,
 * called over ranges of random lengths (so that hits fall in every lane
 * and ranges end just before a hit), returns the reference's hits one by
 * one, with the EVP hash of each, and as many of them. */
static void test_scan_kernel(gconstpointer data)
{
	enum pow_kernel k = GPOINTER_TO_INT(data);

	if (!pow_kernel_available(k)) {
		g_test_skip("this CPU lacks the instructions of this kernel");
		return;
	}
	GRand *r = g_rand_new_with_seed(77u + (unsigned)k);
	uint8_t hdr[POW_HEADER_SIZE], want[32], got[32];
	const uint32_t mz[] = { 0, 250, 1000, 1500, 2000, 2750 };

	for (size_t d = 0; d < G_N_ELEMENTS(mz); d++) {
		struct u256 t;
		uint64_t len = UINT64_C(20) << (mz[d] / 250);

		random_header(r, hdr);
		pow_target_from_millizeros(mz[d], &t);
		pow_scan_t *s = pow_scan_new(hdr);

		pow_scan_set_kernel(s, k);
		g_assert_cmpint(pow_scan_kernel(s), ==, k);
		/* odd cases cross 2^32, where the nonce's high word changes */
		uint64_t from = d % 2 ? UINT64_C(0xffffffff) - len / 2 : (uint64_t)g_rand_int(r);
		uint64_t end = from + len, hits = 0;
		GArray *ref = hits_by_evp(hdr, from, len, &t);

		while (from < end) {
			uint64_t count = (uint64_t)g_rand_int_range(r, 1, 2 << (mz[d] / 250));
			uint64_t nonce = 7;

			if (count > end - from)
				count = end - from;
			bool found = pow_scan_run(s, from, count, &t, &nonce, got);
			bool expect = hits < ref->len && g_array_index(ref, uint64_t, hits) < from + count;

			g_assert_cmpint(found, ==, expect);
			if (found) {
				g_assert_cmphex(nonce, ==, g_array_index(ref, uint64_t, hits));
				g_assert_cmpint(first_by_evp(hdr, nonce, 1, &t, want), ==, (int64_t)nonce);
				g_assert_cmpmem(got, 32, want, 32);
				hits++;
				from = nonce + 1;
			} else {
				g_assert_cmpuint(nonce, ==, 7); /* untouched */
				from += count;
			}
		}
		g_assert_cmpuint(hits, ==, ref->len);
		g_assert_cmpuint(hits, >, 0);
		if (mz[d] > 0)
			g_assert_cmpuint(hits, <, len); /* some nonces missed */
		g_array_free(ref, TRUE);
		pow_scan_free(s);
	}
	g_rand_free(r);
}

/* Names round-trip; the default is an available kernel. */
static void test_kernel_names(void)
{
	for (unsigned i = 0; i < POW_N_KERNELS; i++) {
		enum pow_kernel k;

		g_assert_true(pow_kernel_parse(pow_kernel_name((enum pow_kernel)i), &k));
		g_assert_cmpuint(k, ==, i);
	}
	enum pow_kernel k = POW_KERNEL_OPENSSL;

	g_assert_false(pow_kernel_parse("sha-ni-8", &k));
	g_assert_false(pow_kernel_parse("", &k));
	g_assert_true(pow_kernel_available(POW_KERNEL_OPENSSL));
	g_assert_true(pow_kernel_available(pow_kernel_default()));
	g_test_message("default kernel: %s", pow_kernel_name(pow_kernel_default()));
}

int main(int argc, char **argv)
{
	static struct raw_case raw[2 * SHA256X_N_KERNELS];
	int n = 0;

	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sha256x/compress", test_compress);
	for (int k = 0; k < SHA256X_N_KERNELS; k++) {
		for (int sse = 0; sse < 2; sse++) {
			if (sse && k == SHA256X_AVX512)
				continue;
			raw[n] = (struct raw_case){ (enum sha256x_kernel)k, sse };
			char *path = g_strdup_printf("/sha256x/raw/%s%s", sha256x_name(raw[n].k),
						     sse ? "-sse" : "");

			g_test_add_data_func(path, &raw[n], test_raw);
			g_free(path);
			n++;
		}
	}
	g_test_add_func("/sha256x/kernel-names", test_kernel_names);
	for (int k = 0; k < POW_N_KERNELS; k++) {
		char *path = g_strdup_printf("/sha256x/scan/%s", pow_kernel_name((enum pow_kernel)k));

		g_test_add_data_func(path, GINT_TO_POINTER(k), test_scan_kernel);
		g_free(path);
	}
	return g_test_run();
}
