/* world: one simulated run.
 *
 * The world owns the event queue, the network, the nodes, the block store
 * and every transaction, and runs the loop: pop the next (time, seq)
 * event, hand it to its handler, repeat, until the scenario's stop
 * condition or an interrupt. It also runs the mining engine:
 *   real   each miner really hashes its template at its hash rate in
 *          simulated time. Before the clock moves to the next event, every
 *          miner hashes the nonces its rate allows up to that moment, in
 *          slices of 1/32 of the expected block interval so that a find
 *          stops the others early; a valid nonce at attempt k of a
 *          template started at t0 is found at t0 + ceil(k / rate). Total
 *          hashing is about 16^z per block, not per miner.
 *   fast   each miner's next find is drawn from the exponential law with
 *          rate hashrate / work; the winner's block then gets a real nonce.
 *   model  the same draws, no hashing: the header says the PoW was
 *          modelled and validation skips only that check.
 * and the timeline of the scenario (difficulty, hashrate, burst, leave,
 * join, partition, heal, latency), and it keeps the records the traces are
 * written from (report.h derives a finished run's facts, such as its main
 * chain, from them; trace.h writes them).
 */
#ifndef POWSIM_WORLD_H
#define POWSIM_WORLD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "powsim/chain.h"
#include "powsim/config.h"
#include "powsim/node.h"

typedef struct world world_t;

/* Propagation of one block: how many nodes hold it, and when 50 %, 90 %
 * and 100 % of all nodes first did (-1: not reached). HW_DELAY sums, over
 * the mining nodes other than its miner that came to hold it, hash rate
 * (H/s, at that moment) x delay (s); HW_HELD sums their hash rates. */
struct world_block_stat {
	uint32_t held;
	simtime_t t50, t90, t100;
	double hw_delay;
	uint64_t hw_held;
	bool injected;  /* crafted by an inject-block action, not mined */
};

struct world_reorg {
	simtime_t time;
	uint32_t node;
	const struct block *old_tip, *new_tip;
	uint32_t depth;
};

struct world_sample {
	simtime_t time;
	uint32_t max_height, min_height, distinct_tips;
	uint32_t max_mempool;
	double mean_mempool;
	uint32_t online;
	uint32_t millizeros;
};

/* A timeline action that fired. */
struct world_fired {
	simtime_t time;
	enum tl_action action;
	uint32_t millizeros;  /* difficulty actions: the new difficulty */
	char *target;
	char *value;
};

/* A transaction created in the run (not coinbases). */
struct world_tx {
	const struct tx *tx;
	const char *rejected; /* first reason a node gave, or NULL (report.h
			       * counts it unless the main chain confirmed it) */
	bool injected;        /* deliberately invalid */
};

/* A strategy's report (strategy.h), with when and by whom. For a race,
 * GAMMA is the share of the honest miners' hash rate (miners without a
 * strategy) that was mining on the attacker's block rather than on its
 * rival at the first block mined after the race began (a Poisson
 * instant, so it samples the time average); -1 if no block came, or no
 * honest miner was on either side. */
struct world_strategy_event {
	simtime_t time;
	uint32_t node;
	struct strategy_event e;
	double gamma;
};

struct world_counts {
	uint64_t blocks_mined;
	uint64_t blocks_injected;    /* crafted by inject-block actions */
	uint64_t hashes;
	uint64_t events;
	uint64_t wall_us;            /* wall time of world_run, for summaries */
	GHashTable *block_rejects;   /* reason -> count of distinct blocks */
	bool interrupted;
	bool stalled;                /* ended early: nothing could be mined any more */
};

/* Hash with THREADS threads in real mode (1: on the calling thread). The
 * outputs are the same for every value: each miner's scan is independent
 * and results are applied in miner order. */
void world_set_threads(world_t *w, unsigned threads);

/* Called when a block is mined (for the lecture's console feed). */
typedef void (*world_mined_fn)(void *ctx, const world_t *w, const struct block *b);

/* Build the world of scenario SC (which must outlive it), as the reader
 * left it (names resolved to ids). A scenario the reader accepted always
 * builds: ERR is kept for callers and never set, and NULL never returned. */
world_t *world_new(const struct scenario *sc, GError **err);

/* NULL-safe. */
void world_free(world_t *w);

void world_on_mined(world_t *w, world_mined_fn fn, void *ctx);

/* Called about every PERIOD events, for a progress line. */
void world_on_progress(world_t *w, void (*fn)(void *ctx, const world_t *w), void *ctx,
		       uint64_t period);

/* Called after every event, the drain's included (for --check-invariants;
 * slow by design). */
void world_on_step(world_t *w, void (*fn)(void *ctx, const world_t *w), void *ctx);

/* How long after the stop messages in flight are still delivered. */
#define WORLD_DRAIN_MAX (5 * SIMTIME_MIN)

/* Run to the stop condition, then deliver what is in flight until the
 * network is quiet (at most WORLD_DRAIN_MAX; nothing is mined, traded or
 * sampled meanwhile), or until *INTERRUPT becomes non-zero (then the
 * records stand as of the last event done, without draining). *INTERRUPT
 * is read between events and between chunks of hashing (a real-mode
 * slice, a fast-mode nonce search), so a signal handler that sets it stops
 * the run within milliseconds; a block whose nonce search it cuts short is
 * not mined. */
void world_run(world_t *w, volatile sig_atomic_t *interrupt);

const struct scenario *world_scenario(const world_t *w);
simtime_t world_now(const world_t *w);

/* When the run stopped mining (before draining): the simulated span. */
simtime_t world_stop_time(const world_t *w);
uint32_t world_node_count(const world_t *w);
const struct node *world_node(const world_t *w, uint32_t id);
const chain_store_t *world_store(const world_t *w);
/* The run's consensus rules, its difficulty schedule (live mode's
 * changes included). */
const consensus_t *world_consensus(const world_t *w);
const net_t *world_net(const world_t *w);    /* its topology and reachability */
/* Whether nothing is left to happen: no event pending (after a run: the
 * drain ended with the network quiet, not at WORLD_DRAIN_MAX). */
bool world_quiet(const world_t *w);
tx_keys_t *world_keys(const world_t *w);

/* Node name of ID into BUF. */
void world_node_name(const world_t *w, uint32_t id, char *buf, unsigned len);

const struct world_block_stat *world_block_stat(const world_t *w, uint32_t block_id);
const GArray *world_reorgs(const world_t *w);   /* struct world_reorg */
const GArray *world_samples(const world_t *w);  /* struct world_sample */
const GArray *world_fired(const world_t *w);    /* struct world_fired */
const GArray *world_txs(const world_t *w);      /* struct world_tx */
const GArray *world_strategy_events(const world_t *w); /* struct world_strategy_event */
const struct world_counts *world_counts(const world_t *w);

/* Hash rate of node ID summed over time (H), and over all nodes: their
 * ratio is the node's share of the run's hashing. */
double world_node_hash_time(const world_t *w, uint32_t id);

/* ---- live mode (powsim serve) ----
 *
 * A live run is driven from outside instead of by world_run: the caller
 * moves simulated time on with world_advance, and turns each request into
 * a timeline action appended to the scenario (which it owns) and
 * scheduled with world_schedule_event at a slot from world_live_slot.
 * The slot is chosen so that the action runs at the same point of the
 * event order as it does when the recorded scenario is replayed with
 * world_run (where it is queued from the start): a time after the last
 * event processed at which nothing is queued yet. Then world_finish ends
 * the run as world_run does, and the traces are those of the replay. */

/* What a live action (transfer, mine, submit, resolve, link) did, once
 * its time came. */
struct world_live_result {
	bool applied;               /* its time has come */
	bool ok;
	const char *reason;         /* !ok: why, a static string */
	const struct tx *tx;        /* transfer: the transaction made */
	const struct block *block;  /* submit: the block made; resolve: the tip before */
	uint32_t height;            /* transfer: the height of the block it is for */
};

/* Process every event up to simulated time T included, hashing lazily in
 * real mode exactly as world_run does. Returns false once the run has
 * stopped, or has been interrupted (then world_finish). */
bool world_advance(world_t *w, simtime_t t);

/* The interrupt flag of world_advance's hashing (NULL: none), read between
 * chunks of hashing as world_run reads its own. Hashing that finds it
 * non-zero is cut short: the run is interrupted there (world_counts()'s
 * "interrupted", no drain), and world_advance returns false. */
void world_set_interrupt(world_t *w, volatile sig_atomic_t *flag);

/* The earliest slot at or after T (and after the last event processed)
 * at which no event is queued: events before it are processed first. */
simtime_t world_live_slot(world_t *w, simtime_t t);

/* Schedule event INDEX of the scenario given to world_new, appended to it
 * by the caller since (its "at" a slot from world_live_slot, not by
 * height; its names resolved by config_event_resolve). A difficulty
 * action becomes a consensus rule now, as it is one from the start in a
 * replay. */
void world_schedule_event(world_t *w, uint32_t index);

/* The result of live event INDEX (applied false until its time). */
const struct world_live_result *world_live_result(const world_t *w, uint32_t index);

/* End a run driven by world_advance: drain and final records, as
 * world_run does after its loop. */
void world_finish(world_t *w);

/* Node ID's current template, nonce 0, into HEADER and its target into
 * TARGET. Returns false if the node has none (it does not mine) or the
 * run models its proof of work. */
bool world_template(const world_t *w, uint32_t id, uint8_t header[POW_HEADER_SIZE],
		    struct u256 *target);

/* The difficulty (millizeros) of the next block on node ID's tip, now. */
uint32_t world_next_difficulty(const world_t *w, uint32_t id);

/* The balance of ACCOUNT after node ID's tip. */
uint64_t world_balance(const world_t *w, uint32_t id, uint32_t account);

/* Node ID's peers, appended to OUT (guint32), in peer order. */
void world_peers(const world_t *w, uint32_t id, GArray *out);

/* The hash rate a mine action gives node ID: its own if it mines, else
 * its group's "hashrate" if set, else the mean of the miners'. */
uint64_t world_oneshot_rate(const world_t *w, uint32_t id);

#endif
