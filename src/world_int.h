/* world_int: the world's private state, shared by the world_*.c files.
 *
 * world.c runs the loop and owns the lifecycle; each other world_*.c file
 * holds one concern of a run (the mining engine, the timeline, traders,
 * attacks, records, live mode) and reaches the state through struct world.
 * Nothing outside src/world*.c includes this header (tests/check-includes.sh
 * checks it); everything else goes through world.h.
 */
#ifndef POWSIM_WORLD_INT_H
#define POWSIM_WORLD_INT_H

#include "powsim/pow.h"
#include "powsim/world.h"

/* Event kinds of the world, after the node protocol's. */
enum {
	WORLD_EV_MINED = NODE_EV_KINDS, /* dst miner; p.a template generation */
	WORLD_EV_TRADE,                 /* dst trader */
	WORLD_EV_TIMELINE,              /* p.a index into scenario events */
	WORLD_EV_SAMPLE,
	WORLD_EV_STOP,
	WORLD_EV_PUSH_BLOCK,            /* dst pushes p.ptr (a withheld parent) */
	WORLD_EV_RELEASE,               /* dst stops withholding */
};

/* The mining engine's state of one miner. */
struct miner {
	pow_scan_t *scan;      /* real and fast modes */
	uint64_t scanned;      /* nonces tried on the current template */
	evq_id_t found_ev;     /* pending WORLD_EV_MINED, or 0 */
	uint64_t nonce;        /* the winning nonce once found */
	struct u256 target;
	double work;           /* expected hashes of the template */
	simtime_t rate_since;  /* hash-time accounting */
	struct rng rng;        /* fast and model modes: the next find's draws */
};

/* Live mode's state (world.h, "live mode"). */
struct world_live {
	GArray *results;     /* struct world_live_result by scenario event index */
	uint32_t *oneshot;   /* per node: blocks still to mine for mine actions */
	enum node_role *role;/* per node: its role before a mine action */
	gint64 t0;           /* wall clock at the first world_advance */
};

struct world {
	const struct scenario *sc;
	evq_t *q;
	net_t *net;
	chain_store_t *store;
	consensus_t *cons;
	tx_keys_t *keys;
	struct node *nodes;
	struct node_fetch *fetch_slots; /* the nodes' first fetches (node_env) */
	uint8_t *compact;          /* node_compact_users: who relays compact blocks */
	struct miner *miners;
	uint32_t n;
	struct node_env env;
	struct node_hooks hooks;
	GPtrArray *tx_arena;          /* owns every tx of the run */
	GHashTable *tx_index;         /* tx pointer -> index in txs + 1 */
	GHashTable *bad_sig;          /* txs whose signature is bad */
	GHashTable *block_rejected;   /* blocks already counted */
	GArray *stats;                /* struct world_block_stat by block id */
	GArray *reorgs, *samples, *fired, *txs;
	GArray *strategy_events;      /* struct world_strategy_event */
	GArray *open_races;           /* guint: indices of races awaiting a block */
	double *hash_time;            /* per node: sum of rate * seconds */
	struct world_counts counts;
	uint32_t max_height;
	bool *height_fired;           /* per scenario event */
	bool stopped;
	bool draining;                /* stopped: no mining, messages still flow */
	simtime_t stop_time;          /* when mining stopped */
	world_mined_fn mined_fn;
	void *mined_ctx;
	void (*step_fn)(void *, const world_t *);
	void *step_ctx;
	void (*progress_fn)(void *, const world_t *);
	void *progress_ctx;
	uint64_t progress_period;
	uint64_t injected;            /* transfers injected so far */
	uint64_t stall_checks;
	GThreadPool *pool;            /* real-mode hashing; NULL: one thread */
	GMutex pool_lock;
	GCond pool_done;
	uint32_t pool_left;           /* jobs of the current slice not done */
	struct scan_job *jobs;        /* one per miner, for world_mine_until() */
	volatile sig_atomic_t *interrupt; /* world_run()'s; hashing checks it per chunk */
	uint32_t *miner_ids;          /* the nodes of miner groups, by id */
	uint32_t n_miners;
	struct world_live live;       /* live mode's state (world_advance) */
	GHashTable *work_by_mz;       /* millizeros + 1 -> struct difficulty */
};

/* A difficulty's target and expected work, computed once per run. */
struct difficulty {
	struct u256 target;
	double work;
};

/* One miner's share of a slice of lazy hashing. Each job touches only its
 * miner's scanner, so jobs run in any order on any thread and give the
 * same results; the results are then applied in miner order. */
struct scan_job {
	world_t *w;
	uint32_t miner;
	uint64_t from, count;
	uint64_t done;  /* attempts made: COUNT unless found or interrupted */
	bool found;
	uint64_t nonce;
};

/* Whether world_run's interrupt flag (or world_set_interrupt's) is up. */
static inline bool world_interrupted(const world_t *w)
{
	return w->interrupt && *w->interrupt;
}

/* ---- world.c: the loop ---- */

/* Schedule event KIND for node DST, DELAY (>= 0) after now, payload A. */
void world_schedule(world_t *w, simtime_t delay, uint32_t kind, uint32_t dst, uint64_t a);
/* Stop mining once the scenario's block or height goal is met. */
void world_check_stop(world_t *w);
/* The end of a run, mining over: account the hash rates, deliver what is
 * in flight unless interrupted, take the last sample and the counts. */
void world_end_run(world_t *w, volatile sig_atomic_t *interrupt, gint64 t0);

/* ---- world_mine.c: the mining engine ---- */

/* Add miner ID's hashing since the last call to its hash time. */
void world_account_rate(world_t *w, uint32_t id);
/* Cancel miner ID's pending find, if any. */
void world_miner_stop(world_t *w, uint32_t id);
/* The node hook: N's template changed; start mining it (or stop). */
void world_template_changed(void *ctx, struct node *n);
/* Real mode: hash every miner's template up to time T. Returns true if a
 * find was scheduled (at or before T) or an interrupt cut it short. */
bool world_mine_until(world_t *w, simtime_t t);
/* Bytes of a block of N_TX transactions. */
uint64_t world_block_size(const world_t *w, uint32_t n_tx);
/* N's template with NONCE becomes N's block, alike whether its miner
 * found it (WORLD_EV_MINED) or a client submitted it (live mode). */
struct block *world_mine_block(world_t *w, struct node *n, uint64_t nonce);
/* WORLD_EV_MINED: the miner's find becomes a block. */
void world_ev_mined(void *ctx, const struct evq_event *ev);

/* ---- world_timeline.c: timeline actions ---- */

/* WORLD_EV_TIMELINE: apply scenario event p.a. */
void world_ev_timeline(void *ctx, const struct evq_event *ev);
/* Queue the height-keyed actions the highest chain now reaches. */
void world_fire_height_events(world_t *w);

/* ---- world_trade.c: traders ---- */

/* The sequence number N's wallet gives its next transfer. */
uint32_t world_next_seq(const world_t *w, const struct node *n);
/* Trader N signs and sends one transfer. */
void world_make_transfer(world_t *w, struct node *n);
/* The gap before a trader's next transfer, drawn from its stream. */
simtime_t world_trade_gap(struct node *n, const struct trade_cfg *tc);
/* WORLD_EV_TRADE: trader DST trades and schedules its next trade. */
void world_ev_trade(void *ctx, const struct evq_event *ev);

/* ---- world_attack.c: crafted blocks and txs, withholding, strategies ---- */

/* The node hook: a strategy's report is recorded. */
void world_strategy_hook(void *ctx, const struct node *n, const struct strategy_event *e);
/* A block is being mined: each open race gets its gamma. */
void world_measure_races(world_t *w);
/* A signed transfer from N with sequence number SEQ (not yet adopted). */
struct tx *world_transfer_from(world_t *w, struct node *n, uint32_t seq, uint64_t amount,
			       uint32_t to);
/* One bad transfer of KIND from N, injected at N. */
void world_inject_tx(world_t *w, struct node *n, const char *kind);
/* A crafted block (event E's kind) injected at N. */
void world_inject_block(world_t *w, struct node *n, const struct event_cfg *e);
/* Node ID stops withholding, if it does. */
void world_release(world_t *w, uint32_t id);
/* WORLD_EV_PUSH_BLOCK and WORLD_EV_RELEASE. */
void world_ev_push_block(void *ctx, const struct evq_event *ev);
void world_ev_release(void *ctx, const struct evq_event *ev);

/* ---- world_record.c: the run's records ---- */

/* Node hooks: block propagation, rejected blocks and transactions. */
void world_block_held(void *ctx, const struct node *n, const struct block *b);
void world_block_rejected(void *ctx, const struct node *n, const struct block *b,
			  const char *reason);
void world_tx_rejected(void *ctx, const struct node *n, const struct tx *t, const char *reason);
/* A new block's propagation record (INJECTED: crafted, not mined). */
void world_add_stat(world_t *w, bool injected);
/* Record a reorg R of node N, if it is one (depth > 0). */
void world_record_reorg(world_t *w, const struct node *n, const struct chain_reorg *r);
/* Register T (owned from here on) as created now by the run. */
void world_adopt_tx(world_t *w, struct tx *t, bool injected);
/* Record that action E fired, with VALUE (owned from here on). */
void world_log_fired(world_t *w, const struct event_cfg *e, char *value);
/* Take a sample of the network now. */
void world_take_sample(world_t *w);

/* ---- world_live.c: live mode ---- */

/* Live actions (transfer, mine, submit, resolve, link) on IDS; returns
 * the value logged for the action (owned by the caller). */
char *world_live_apply(world_t *w, const struct event_cfg *e, GArray *ids);
/* N mined a block: a mine action's one-shot miner goes back to its role. */
void world_live_mined(world_t *w, struct node *n);

#endif
