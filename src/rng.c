/* rng: xoshiro256** streams seeded through splitmix64, and the variates the
 * model draws (see rng.h). Every function consumes a fixed number of 64-bit
 * outputs per call except rng_below, whose rejection loop almost never
 * repeats; none keeps hidden state outside struct rng. */
#include "powsim/rng.h"

#include <math.h>

#include "powsim/check.h"

/* The splitmix64 finaliser: a bijection of 64-bit words that spreads every
 * input bit over every output bit. */
static uint64_t splitmix64_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* One step of splitmix64 (Steele, Lea, Flood 2014) from state *X. */
static uint64_t splitmix64_next(uint64_t *x)
{
	*x += UINT64_C(0x9e3779b97f4a7c15);
	return splitmix64_mix(*x);
}

/* The seed and the stream are each hashed before they are combined, and the
 * combination is hashed again, so that seeds or streams that differ in one
 * bit (1000, 1001, ...) start splitmix64 at unrelated points instead of
 * neighbouring ones, whose outputs would be shifted copies of each other. */
void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = splitmix64_mix(seed ^ UINT64_C(0x6a09e667f3bcc908));

	x = splitmix64_mix(x ^ splitmix64_mix(stream + UINT64_C(0xbb67ae8584caa73b)));
	/* Four consecutive splitmix64 outputs are distinct (the finaliser is a
	 * bijection of distinct inputs), so the state is never all zero. */
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64_next(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** 1.0 (Blackman and Vigna 2018), as in their reference code. */
uint64_t rng_u64(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double rng_unit(struct rng *r)
{
	return (double)(rng_u64(r) >> 11) * 0x1.0p-53;
}

/* The full 128-bit product A * B as its high and low words. Both branches
 * compute the same exact product, so streams do not depend on the compiler. */
static inline void mul64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128 m = (unsigned __int128)a * b;

	*hi = (uint64_t)(m >> 64);
	*lo = (uint64_t)m;
#else
	uint64_t a0 = a & 0xffffffffu, a1 = a >> 32;
	uint64_t b0 = b & 0xffffffffu, b1 = b >> 32;
	uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);

	*lo = (mid << 32) | (p00 & 0xffffffffu);
	*hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
#endif
}

/* Lemire's multiply-and-reject (ACM TOMACS 2019): the high word of x * n is
 * uniform on [0, n) once the low words below 2^64 mod n are rejected. The
 * division happens only on the rare path where a rejection is possible. */
uint64_t rng_below(struct rng *r, uint64_t n)
{
	uint64_t hi, lo;

	CHECK(n > 0);
	mul64(rng_u64(r), n, &hi, &lo);
	if (lo < n) {
		uint64_t threshold = (0 - n) % n; /* 2^64 mod n */

		while (lo < threshold)
			mul64(rng_u64(r), n, &hi, &lo);
	}
	return hi;
}

#define RNG_TWO_PI 6.283185307179586476925 /* M_PI is not C11 */

/* A uniform double in (0, 1]: safe to take the logarithm of. */
static double unit_open0(struct rng *r)
{
	return 1.0 - rng_unit(r);
}

double rng_exp(struct rng *r, double mean)
{
	CHECK(mean > 0);
	return mean * (0.0 - log(unit_open0(r))); /* 0.0 - x: never -0.0 */
}

double rng_normal(struct rng *r)
{
	double radius = sqrt(-2.0 * log(unit_open0(r)));
	double angle = RNG_TWO_PI * rng_unit(r);

	return radius * cos(angle);
}

double rng_lognormal(struct rng *r, double median, double sigma)
{
	CHECK(median > 0 && sigma >= 0);
	return median * exp(sigma * rng_normal(r));
}

/* Inverse CDF: P(X > x) = (xm / x)^alpha for x >= xm. */
double rng_pareto(struct rng *r, double mean, double alpha)
{
	CHECK(mean > 0 && alpha > 1);
	double xm = mean * (alpha - 1) / alpha;

	return xm * pow(unit_open0(r), -1.0 / alpha);
}

double rng_uniform(struct rng *r, double lo, double hi)
{
	CHECK(lo <= hi);
	double x = lo + (hi - lo) * rng_unit(r);

	/* Rounding can land on HI itself; the contract is half-open. */
	if (x >= hi && hi > lo)
		x = nextafter(hi, lo);
	return x;
}
