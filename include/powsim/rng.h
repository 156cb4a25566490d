/* rng: deterministic random streams.
 *
 * Every random choice in a run draws from a stream derived from the run's
 * master seed and a stream number (one per purpose, or per node), so that
 * adding draws to one stream never shifts another. The generator is
 * xoshiro256** seeded through splitmix64: 32 bytes of state per stream,
 * where GLib's GRand (Mersenne Twister) costs 2.5 KB, which matters at
 * 100,000 nodes with a stream each. Nothing here reads the clock or the OS.
 */
#ifndef POWSIM_RNG_H
#define POWSIM_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];
};

/* Well-known stream numbers; a node's trading draws (its transfers'
 * intervals, recipients and amounts) are stream RNG_STREAM_TRADE + id. */
enum {
	RNG_STREAM_TOPOLOGY = 1,
	RNG_STREAM_LATENCY = 2,
	RNG_STREAM_TRADE = 1000,
};

/* Per-node mining streams, RNG_STREAM_MINING + id: in fast and model
 * modes, the draw of the time to each next block a miner finds. Apart
 * from the trading stream, so a trader's transfers do not shift with
 * the blocks it mines, nor its blocks with its transfers. */
#define RNG_STREAM_MINING (UINT64_C(4) << 40)

/* Per-node bandwidth streams: RNG_STREAM_BANDWIDTH + id. */
#define RNG_STREAM_BANDWIDTH (UINT64_C(1) << 40)
/* Compact relay: node id's use of it, RNG_STREAM_COMPACT + id; block b's
 * rebuild at node id, RNG_STREAM_REBUILD + b * nodes + id. */
#define RNG_STREAM_COMPACT (UINT64_C(2) << 40)
#define RNG_STREAM_REBUILD (UINT64_C(3) << 40)

/* Seed R as stream STREAM of master seed SEED. Distinct (seed, stream)
 * pairs give independent-looking streams. */
void rng_seed(struct rng *r, uint64_t seed, uint64_t stream);

/* Next 64 random bits. */
uint64_t rng_u64(struct rng *r);

/* Uniform double in [0, 1), 53 bits. */
double rng_unit(struct rng *r);

/* Uniform integer in [0, n); n > 0. Unbiased (rejection). */
uint64_t rng_below(struct rng *r, uint64_t n);

/* Exponential variate with the given mean (> 0). */
double rng_exp(struct rng *r, double mean);

/* Standard normal variate (Box-Muller, no cached second value so the
 * stream position depends only on the number of calls). */
double rng_normal(struct rng *r);

/* Lognormal variate with the given median (> 0) and sigma of the log. */
double rng_lognormal(struct rng *r, double median, double sigma);

/* Pareto variate with the given mean (> 0) and shape alpha (> 1):
 * scale xm = mean * (alpha - 1) / alpha. */
double rng_pareto(struct rng *r, double mean, double alpha);

/* Uniform double in [lo, hi). */
double rng_uniform(struct rng *r, double lo, double hi);

#endif
