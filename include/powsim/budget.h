/* budget: what a scenario will cost, estimated before anything is built.
 *
 * From a validated struct scenario alone (no world, no network), the
 * estimate counts nodes, links of the chosen topology, expected blocks,
 * simulated time, timeline samples, events, hashes and peak memory, and
 * the longest single delays of the network model (one block's
 * transmission and validation). budget_check() refuses a scenario whose
 * estimate is over a limit with a one-line error naming the file, the
 * field to change, the estimate, the limit and the way out, e.g.
 *   x.json: network.topology: a full mesh of 10000 nodes needs 50.0 M
 *   links (22.5 GB, over the 4.0 GB a run may use); use "random" with a
 *   "degree"
 * `powsim check` and `powsim run` call it after reading the scenario.
 *
 * Expected values (blocks, time, transactions) come from the mining law:
 * blocks arrive at total hash rate / 16^difficulty; the estimate takes
 * the highest hash rate and the lowest difficulty the scenario reaches
 * (timeline changes and retargeting included), so it errs high.
 *
 * The limits, and where they come from:
 *  - memory BUDGET_MAX_BYTES, 4 GiB: a sixth of the 24 GiB machine the
 *    project runs on, so that a sweep runs several seeds at once and a run
 *    fits the 6 GB address space the tests allow it (ulimit -v 6000000).
 *    Per-item costs are peak RSS measured on model-mode runs (GNU time's
 *    %M): 80 B per undirected link (its two directions: full mesh of 3000
 *    nodes, inv relay, 4.5 M links, 0.32 GiB), plus 380 B with push relay,
 *    which has a block in flight in each direction of every link at once
 *    (the same mesh with push: 1.99 GiB); 2 KB per node (random graph of
 *    1 000 000 nodes, degree 8, inv relay, 100 blocks: see README
 *    Benchmarks), 5 KB per block (80 000 blocks: 0.40 GB),
 *    48 B per timeline sample (4 M samples: 0.16 GB), and, not measured,
 *    1 KB per transaction plus 16 B per node holding it.
 *  - events BUDGET_MAX_EVENTS, 1e10: the engine ran 3 to 4 M events/s in
 *    those runs, so about an hour. A block costs about one delivery per
 *    direction of every link (push; inv and pull-chain three), a timeline
 *    sample one per node.
 *  - samples BUDGET_MAX_SAMPLES, 1e7 rows of timeline.csv (about 0.5 GB
 *    in memory and 0.3 GB of CSV).
 *  - hashes BUDGET_MAX_BLOCK_HASHES, 2^36 per block (difficulty 9: about
 *    15 minutes of one core at the 75 M/s bar of DESIGN), and
 *    BUDGET_MAX_HASHES, 2^40 in all (about 4 hours of one core), in real
 *    mode (every miner hashes, about 16^z per block) and fast mode (one
 *    nonce search of about 16^z per block; a block crafted by an
 *    inject-block action searches one too). Model mode hashes nothing.
 *  - one delay BUDGET_MAX_DELAY, a day: a block's transmission at the
 *    slowest link rate, its validation, the typical latency of the law
 *    (constant, uniform maximum, lognormal median, Pareto mean, region
 *    mean) and the processing time. Drawn latencies above a day are cut
 *    at a day (net.h).
 *  - simulated time BUDGET_MAX_HORIZON, 2^62 ns (146 years): the run's
 *    time plus a block's transmission and validation for every block
 *    (the longest queue of work a node can build) stays inside the clock.
 * Difficulty 0 in real mode (every hash is a block) is not refused as
 * such: it is bounded by the same limits on blocks (memory and events).
 */
#ifndef POWSIM_BUDGET_H
#define POWSIM_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "powsim/config.h"
#include "powsim/simtime.h"

#define BUDGET_ERROR (budget_error_quark())
GQuark budget_error_quark(void);

enum budget_error {
	BUDGET_ERROR_TOO_BIG, /* the scenario cannot finish on the machine */
};

#define BUDGET_MAX_BYTES (4.0 * 1024 * 1024 * 1024)
#define BUDGET_MAX_EVENTS 1e10
#define BUDGET_MAX_SAMPLES 1e7
#define BUDGET_MAX_BLOCK_HASHES 68719476736.0   /* 2^36 */
#define BUDGET_MAX_HASHES 1099511627776.0       /* 2^40 */
#define BUDGET_MAX_DELAY SIMTIME_DAY
#define BUDGET_MAX_HORIZON ((simtime_t)1 << 62)

/* Measured costs (see above), bytes. */
#define BUDGET_BYTES_PER_LINK 80.0
#define BUDGET_BYTES_PER_LINK_PUSH 380.0
#define BUDGET_BYTES_PER_NODE 2048.0
#define BUDGET_BYTES_PER_BLOCK 5120.0
#define BUDGET_BYTES_PER_SAMPLE 48.0
#define BUDGET_BYTES_PER_TX 1024.0
#define BUDGET_BYTES_PER_TX_NODE 16.0

/* The estimate. Counts are doubles: an absurd scenario's counts do not
 * fit 64 bits, and they are only compared with the limits. */
struct budget {
	double nodes;
	double links;            /* undirected */
	double hashrate;         /* H/s, the highest total the run reaches */
	double blocks;           /* expected blocks mined */
	double horizon_s;        /* expected simulated seconds (0: unknown) */
	double samples;          /* timeline rows */
	double txs;              /* transactions created */
	double events;
	double block_hashes;     /* expected hashes of one block (real, fast) */
	double hashes;           /* in all */
	double bytes;            /* peak memory */
	double block_tx_s;       /* one block's transmission on the slowest link, s */
	double block_validate_s; /* one block's validation, s */
};

/* Fill *OUT with the estimate for S. Never fails; O(groups + events +
 * edges). */
void budget_estimate(const struct scenario *s, struct budget *out);

/* Estimate S (into *OUT if not NULL) and compare with the limits.
 * Returns false with ERR set (BUDGET_ERROR_TOO_BIG), its message naming
 * S->file, the field, the estimate, the limit and the way out. */
bool budget_check(const struct scenario *s, struct budget *out, GError **err);

/* budget_check() for a caller that has just loaded S: on refusal S is
 * config_clear()ed, as scenario_load() leaves it on failure, so both
 * failures are handled alike. */
bool budget_admit(struct scenario *s, GError **err);

#endif
