/* Tests of rng: the xoshiro256** known answers, stream derivation, the
 * unbiased integer draw, and the distributions. Statistical checks use
 * fixed seeds and bounds from theory: a sample mean must lie within 5
 * standard errors of its expectation (a chance failure is then about
 * 6e-7 per check for a correct generator), and the chi-square bound is the
 * 1 - 1e-6 quantile. None of the bounds were tuned to the seeds. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "powsim/rng.h"

#define N_STAT 100000
#define Z_BOUND 5.0

static int popcount64(uint64_t x)
{
	int n = 0;

	for (; x; x &= x - 1)
		n++;
	return n;
}

/* |MEAN - EXPECT| <= Z_BOUND standard errors of a sample of N with the
 * given population standard deviation. */
static void assert_mean_near(double mean, double expect, double sd, int n)
{
	double se = sd / sqrt((double)n);

	g_assert_cmpfloat(fabs(mean - expect), <=, Z_BOUND * se);
}

/* A proportion K/N against probability P, within Z_BOUND binomial SEs. */
static void assert_fraction_near(int k, int n, double p)
{
	assert_mean_near((double)k / n, p, sqrt(p * (1 - p)), n);
}

/* ---- known answers ------------------------------------------------------ */

/* The first outputs of xoshiro256** from state {1, 2, 3, 4}, as produced by
 * the reference implementation (Blackman and Vigna's xoshiro256starstar.c;
 * the same vector is the known-answer test of Rust's rand_xoshiro). */
static const uint64_t xoshiro_1234[10] = {
	UINT64_C(11520),
	UINT64_C(0),
	UINT64_C(1509978240),
	UINT64_C(1215971899390074240),
	UINT64_C(1216172134540287360),
	UINT64_C(607988272756665600),
	UINT64_C(16172922978634559625),
	UINT64_C(8476171486693032832),
	UINT64_C(10595114339597558777),
	UINT64_C(2904607092377533576),
};

static void test_reference_vector(void)
{
	struct rng r = { .s = { 1, 2, 3, 4 } };

	for (int i = 0; i < 10; i++)
		g_assert_cmpuint(rng_u64(&r), ==, xoshiro_1234[i]);
}

/* An independent transcription of the reference algorithm, written with
 * explicit temporaries, to compare long runs from a seeded state. */
static uint64_t ref_xoshiro(uint64_t s[4])
{
	uint64_t x = s[1] * 5;
	uint64_t result = ((x << 7) | (x >> 57)) * 9;
	uint64_t s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
	uint64_t n2 = s2 ^ s0, n3 = s3 ^ s1;

	s[1] = s1 ^ n2;
	s[0] = s0 ^ n3;
	s[2] = n2 ^ (s1 << 17);
	s[3] = (n3 << 45) | (n3 >> 19);
	return result;
}

static void test_reference_model(void)
{
	struct rng r;

	rng_seed(&r, 42, RNG_STREAM_MINING);
	uint64_t s[4];

	memcpy(s, r.s, sizeof s);
	for (int i = 0; i < 100000; i++)
		g_assert_cmpuint(rng_u64(&r), ==, ref_xoshiro(s));
}

/* ---- streams ------------------------------------------------------------ */

static void test_same_seed_same_sequence(void)
{
	struct rng a, b;

	rng_seed(&a, 12345, 7);
	rng_seed(&b, 12345, 7);
	g_assert_cmpmem(a.s, sizeof a.s, b.s, sizeof b.s);
	for (int i = 0; i < 1000; i++)
		g_assert_cmpuint(rng_u64(&a), ==, rng_u64(&b));
}

/* Neighbouring seeds and streams, including (seed, stream) and
 * (stream, seed) swapped, give pairwise distinct first outputs. */
static void test_streams_distinct(void)
{
	enum { K = 12 };
	static const uint64_t vals[K] = { 0, 1, 2, 3, 4, 5, RNG_STREAM_TRADE,
					  RNG_STREAM_TRADE + 1, RNG_STREAM_TRADE + 2,
					  UINT64_MAX, UINT64_MAX - 1, 1u << 31 };
	GHashTable *seen = g_hash_table_new(g_int64_hash, g_int64_equal);
	uint64_t *firsts = g_new(uint64_t, K * K);

	for (int i = 0; i < K; i++) {
		for (int j = 0; j < K; j++) {
			struct rng r;

			rng_seed(&r, vals[i], vals[j]);
			firsts[i * K + j] = rng_u64(&r);
			g_assert_false(g_hash_table_contains(seen, &firsts[i * K + j]));
			g_hash_table_add(seen, &firsts[i * K + j]);
		}
	}
	g_assert_cmpuint(g_hash_table_size(seen), ==, K * K);
	g_hash_table_destroy(seen);
	g_free(firsts);
}

/* Streams k and k+1 of one seed agree on a bit half the time: over N words
 * the agreeing bits are Binomial(64 N, 1/2). */
static void test_streams_uncorrelated(void)
{
	const int n = 20000;

	for (uint64_t k = RNG_STREAM_TRADE; k < RNG_STREAM_TRADE + 4; k++) {
		struct rng a, b;
		int64_t agree = 0;

		rng_seed(&a, 99, k);
		rng_seed(&b, 99, k + 1);
		for (int i = 0; i < n; i++)
			agree += 64 - popcount64(rng_u64(&a) ^ rng_u64(&b));
		assert_mean_near((double)agree / (64.0 * n), 0.5, 0.5, 64 * n);
	}
	/* Seeds s and s+1 on one stream likewise. */
	struct rng a, b;
	int64_t agree = 0;

	rng_seed(&a, 1000, RNG_STREAM_LATENCY);
	rng_seed(&b, 1001, RNG_STREAM_LATENCY);
	for (int i = 0; i < n; i++)
		agree += 64 - popcount64(rng_u64(&a) ^ rng_u64(&b));
	assert_mean_near((double)agree / (64.0 * n), 0.5, 0.5, 64 * n);
}

/* Each variate consumes a fixed number of words, so a stream's position
 * depends only on the number of calls (rng.h, rng_normal). */
static void test_words_per_call(void)
{
	struct rng a, b;

	rng_seed(&a, 5, 5);
	b = a;
	for (int i = 0; i < 100; i++) {
		(void)rng_normal(&a);
		(void)rng_u64(&b);
		(void)rng_u64(&b);
		g_assert_cmpmem(a.s, sizeof a.s, b.s, sizeof b.s);
		(void)rng_lognormal(&a, 1.0, 0.5);
		(void)rng_u64(&b);
		(void)rng_u64(&b);
		g_assert_cmpmem(a.s, sizeof a.s, b.s, sizeof b.s);
		(void)rng_exp(&a, 3.0);
		(void)rng_pareto(&a, 3.0, 2.5);
		(void)rng_unit(&a);
		(void)rng_uniform(&a, -1, 1);
		for (int k = 0; k < 4; k++)
			(void)rng_u64(&b);
		g_assert_cmpmem(a.s, sizeof a.s, b.s, sizeof b.s);
	}
}

/* ---- rng_below ---------------------------------------------------------- */

static void test_below_bounds(void)
{
	static const uint64_t ns[] = {
		1, 2, 3, 7, 10, 1000, UINT64_C(1) << 32, (UINT64_C(1) << 32) + 1,
		(UINT64_C(1) << 63) + 1, UINT64_MAX - 1, UINT64_MAX,
	};
	struct rng r;

	rng_seed(&r, 1, 2);
	for (size_t i = 0; i < G_N_ELEMENTS(ns); i++) {
		uint64_t max = 0;

		for (int k = 0; k < 10000; k++) {
			uint64_t x = rng_below(&r, ns[i]);

			g_assert_cmpuint(x, <, ns[i]);
			max = MAX(max, x);
		}
		if (ns[i] <= 10) /* small ranges are covered up to the top */
			g_assert_cmpuint(max, ==, ns[i] - 1);
	}
}

/* n = 2^63 + 1 is the worst case for the rejection step: almost half of
 * the words are rejected. The draws must still be uniform: each quarter
 * [k 2^61, (k+1) 2^61) of the range receives a quarter of them (the one
 * value 2^63 lands in index 4 with probability 1/n). */
static void test_below_worst_case_uniform(void)
{
	const uint64_t n = (UINT64_C(1) << 63) + 1;
	int quarter[5] = { 0 };
	struct rng r;

	rng_seed(&r, 3, 4);
	for (int k = 0; k < N_STAT; k++)
		quarter[rng_below(&r, n) >> 61]++;
	for (int q = 0; q < 4; q++)
		assert_fraction_near(quarter[q], N_STAT, 0.25);
}

static void test_below_chi_square(void)
{
	enum { BINS = 10 };
	int count[BINS] = { 0 };
	struct rng r;

	rng_seed(&r, 2024, RNG_STREAM_TOPOLOGY);
	for (int k = 0; k < N_STAT; k++)
		count[rng_below(&r, BINS)]++;
	double expect = (double)N_STAT / BINS, chi2 = 0;

	for (int b = 0; b < BINS; b++)
		chi2 += (count[b] - expect) * (count[b] - expect) / expect;
	/* 44.81 is the 1 - 1e-6 quantile of chi-square with 9 degrees. */
	g_assert_cmpfloat(chi2, <, 44.81);
}

/* ---- continuous variates ------------------------------------------------ */

static void test_unit(void)
{
	struct rng r;
	double sum = 0;
	int odd = 0;

	rng_seed(&r, 7, 7);
	for (int k = 0; k < N_STAT; k++) {
		double u = rng_unit(&r);
		double scaled = u * 0x1.0p53;

		g_assert_cmpfloat(u, >=, 0.0);
		g_assert_cmpfloat(u, <, 1.0);
		g_assert_cmpfloat(scaled, ==, floor(scaled)); /* a multiple of 2^-53 */
		odd += fmod(scaled, 2.0) == 1.0; /* the 53rd bit is used */
		sum += u;
	}
	assert_mean_near(sum / N_STAT, 0.5, sqrt(1.0 / 12), N_STAT);
	assert_fraction_near(odd, N_STAT, 0.5);
}

static void test_exp(void)
{
	const double mean = 600.0;
	struct rng r;
	double sum = 0;
	int above = 0;

	rng_seed(&r, 11, RNG_STREAM_MINING);
	for (int k = 0; k < N_STAT; k++) {
		double x = rng_exp(&r, mean);

		g_assert_cmpfloat(x, >=, 0.0);
		g_assert_false(signbit(x));
		sum += x;
		above += x > mean;
	}
	/* Exponential: sd = mean; P(X > mean) = 1/e. */
	assert_mean_near(sum / N_STAT, mean, mean, N_STAT);
	assert_fraction_near(above, N_STAT, exp(-1.0));
}

static void test_normal(void)
{
	struct rng r;
	double sum = 0, sumsq = 0;
	int within1 = 0;

	rng_seed(&r, 13, 0);
	for (int k = 0; k < N_STAT; k++) {
		double x = rng_normal(&r);

		g_assert_true(isfinite(x));
		sum += x;
		sumsq += x * x;
		within1 += fabs(x) < 1.0;
	}
	/* N(0,1): mean sd 1; X^2 has mean 1 and sd sqrt(2). */
	assert_mean_near(sum / N_STAT, 0.0, 1.0, N_STAT);
	assert_mean_near(sumsq / N_STAT, 1.0, sqrt(2.0), N_STAT);
	assert_fraction_near(within1, N_STAT, erf(1.0 / sqrt(2.0)));
}

/* A law of two parameters as rng.h draws it, and what theory says of
 * N_STAT draws: each lies in [low, high) (above low, where low_open);
 * the mean of x (of log x, where log_mean) is MEAN within its standard
 * error from SD; a share P_BELOW of them lies below CUT. */
struct law {
	double (*draw)(struct rng *r, double a, double b);
	double a, b;
	double low, high;
	bool low_open, log_mean;
	double mean, sd;
	double cut, p_below;
};

/* N_STAT draws of L from R, seeded SEED on STREAM, checked against L. */
static void check_law(const struct law *l, struct rng *r, uint64_t seed, uint32_t stream)
{
	double sum = 0;
	int below = 0;

	rng_seed(r, seed, stream);
	for (int k = 0; k < N_STAT; k++) {
		double x = l->draw(r, l->a, l->b);

		g_assert_true(l->low_open ? x > l->low : x >= l->low);
		g_assert_cmpfloat(x, <, l->high);
		sum += l->log_mean ? log(x) : x;
		below += x < l->cut;
	}
	assert_mean_near(sum / N_STAT, l->mean, l->sd, N_STAT);
	assert_fraction_near(below, N_STAT, l->p_below);
}

static void test_lognormal(void)
{
	const double median = 0.05, sigma = 0.8;
	const struct law l = { rng_lognormal, median, sigma, .low = 0, .high = INFINITY, .low_open = true,
			       .log_mean = true, .mean = log(median), .sd = sigma, .cut = median, .p_below = 0.5 };
	struct rng r;

	check_law(&l, &r, 17, RNG_STREAM_LATENCY);
}

static void test_pareto(void)
{
	const double mean = 0.1, alpha = 5.0;
	const double xm = mean * (alpha - 1) / alpha;
	/* Variance of Pareto(xm, alpha): xm^2 alpha / ((alpha-1)^2 (alpha-2)). */
	const double sd = xm * sqrt(alpha / ((alpha - 2) * (alpha - 1) * (alpha - 1)));
	/* P(X > 2xm) = 2^-alpha */
	const struct law l = { rng_pareto, mean, alpha, .low = xm, .high = INFINITY, .mean = mean, .sd = sd,
			       .cut = 2 * xm, .p_below = 1 - pow(2.0, -alpha) };
	struct rng r;

	check_law(&l, &r, 19, RNG_STREAM_LATENCY);
}

/* A heavy tail (alpha = 1.5, infinite variance) is checked through its
 * distribution function only, where the theory still gives exact bounds. */
static void test_pareto_heavy_tail(void)
{
	const double mean = 1.0, alpha = 1.5, xm = mean * (alpha - 1) / alpha;
	struct rng r;
	int tail10 = 0;

	rng_seed(&r, 23, RNG_STREAM_LATENCY);
	for (int k = 0; k < N_STAT; k++)
		tail10 += rng_pareto(&r, mean, alpha) > 10 * xm;
	assert_fraction_near(tail10, N_STAT, pow(10.0, -alpha));
}

static void test_uniform(void)
{
	const double lo = -3.0, hi = 5.0;
	/* a quarter of the range lies below lo + (hi - lo) / 4 */
	const struct law l = { rng_uniform, lo, hi, .low = lo, .high = hi, .mean = (lo + hi) / 2,
			       .sd = (hi - lo) / sqrt(12.0), .cut = lo + (hi - lo) / 4, .p_below = 0.25 };
	struct rng r;

	check_law(&l, &r, 29, 1);
	g_assert_cmpfloat(rng_uniform(&r, 2.5, 2.5), ==, 2.5);
	/* A range so narrow that lo + (hi - lo) * u rounds to hi for large u. */
	double nlo = 1.0, nhi = nextafter(1.0, 2.0);

	for (int k = 0; k < 1000; k++)
		g_assert_cmpfloat(rng_uniform(&r, nlo, nhi), ==, nlo);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/rng/reference-vector", test_reference_vector);
	g_test_add_func("/rng/reference-model", test_reference_model);
	g_test_add_func("/rng/same-seed-same-sequence", test_same_seed_same_sequence);
	g_test_add_func("/rng/streams-distinct", test_streams_distinct);
	g_test_add_func("/rng/streams-uncorrelated", test_streams_uncorrelated);
	g_test_add_func("/rng/words-per-call", test_words_per_call);
	g_test_add_func("/rng/below/bounds", test_below_bounds);
	g_test_add_func("/rng/below/worst-case-uniform", test_below_worst_case_uniform);
	g_test_add_func("/rng/below/chi-square", test_below_chi_square);
	g_test_add_func("/rng/unit", test_unit);
	g_test_add_func("/rng/exp", test_exp);
	g_test_add_func("/rng/normal", test_normal);
	g_test_add_func("/rng/lognormal", test_lognormal);
	g_test_add_func("/rng/pareto", test_pareto);
	g_test_add_func("/rng/pareto-heavy-tail", test_pareto_heavy_tail);
	g_test_add_func("/rng/uniform", test_uniform);
	return g_test_run();
}
