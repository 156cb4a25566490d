/* world: the run loop, the mining engine, traders, timeline and records.
 * See world.h. */
#include "powsim/world.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "powsim/pow.h"

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
	struct rng rng;               /* timeline choices */
	uint64_t injected;            /* transfers injected so far */
	uint64_t stall_checks;
	GThreadPool *pool;            /* real-mode hashing; NULL: one thread */
	GMutex pool_lock;
	GCond pool_done;
	uint32_t pool_left;           /* jobs of the current slice not done */
	struct scan_job *jobs;        /* one per miner, for mine_until() */
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

/* Hashing runs in chunks of this many nonces, checking for an interrupt
 * between chunks (a few ms each at tens of M hashes/s), so a signal stops
 * a long slice or nonce search promptly. The first valid nonce of a range
 * is the same whatever the chunks, so outputs do not depend on it. */
#define WORLD_SCAN_CHUNK (UINT64_C(1) << 18)

static bool interrupted(const world_t *w)
{
	return w->interrupt && *w->interrupt;
}

/* Slices with fewer hashes than this run on the calling thread: below it
 * the hand-over costs more than it saves. */
#define WORLD_PARALLEL_MIN_HASHES 20000

static void schedule(world_t *w, simtime_t delay, uint32_t kind, uint32_t dst, uint64_t a)
{
	struct evq_payload p = { .a = a };
	assert(delay >= 0);
	evq_schedule(w->q, delay, kind, dst, &p);
}

/* ---- hash-time accounting (miners' shares of the hashing) ---- */

static void account_rate(world_t *w, uint32_t id)
{
	simtime_t now = evq_now(w->q);
	struct miner *m = &w->miners[id];
	const struct node *n = &w->nodes[id];
	if (n->online && n->role == ROLE_MINER)
		w->hash_time[id] += (double)n->hashrate * simtime_to_s(now - m->rate_since);
	m->rate_since = now;
}

/* ---- mining engine ---- */

static void miner_stop(world_t *w, uint32_t id)
{
	struct miner *m = &w->miners[id];
	if (m->found_ev)
		evq_cancel(w->q, m->found_ev);
	m->found_ev = 0;
}

/* Nonces miner ID may have tried by time T on its template. */
static uint64_t attempts_by(const world_t *w, uint32_t id, simtime_t t)
{
	const struct node *n = &w->nodes[id];
	if (t <= n->tpl.t0)
		return 0;
	unsigned __int128 a = (unsigned __int128)(uint64_t)(t - n->tpl.t0) * n->hashrate;
	return (uint64_t)(a / 1000000000u);
}

/* When attempt K (1-based) of miner ID's template completes. */
static simtime_t attempt_time(const world_t *w, uint32_t id, uint64_t k)
{
	const struct node *n = &w->nodes[id];
	unsigned __int128 ns = (unsigned __int128)k * 1000000000u;
	ns = (ns + n->hashrate - 1) / n->hashrate;
	return n->tpl.t0 + (simtime_t)ns;
}

/* The target and work of MILLIZEROS: the work costs a 256-step division,
 * too much to repeat on every template of every miner (a fifth of a run
 * where every node mines), so each difficulty's is kept. */
static const struct difficulty *difficulty_of(world_t *w, uint32_t millizeros)
{
	gpointer key = GUINT_TO_POINTER(millizeros + 1);
	struct difficulty *d = g_hash_table_lookup(w->work_by_mz, key);
	if (d)
		return d;
	d = g_new(struct difficulty, 1);
	pow_target_from_millizeros(millizeros, &d->target);
	struct u256 work;
	pow_work_from_target(&d->target, &work);
	d->work = u256_to_double(&work);
	g_hash_table_insert(w->work_by_mz, key, d);
	return d;
}

static void template_changed(void *ctx, struct node *n)
{
	world_t *w = ctx;
	struct miner *m = &w->miners[n->id];
	account_rate(w, n->id);
	miner_stop(w, n->id);
	if (!n->has_template || w->draining)
		return;
	uint8_t bytes[POW_HEADER_SIZE];
	block_header_encode(&n->tpl.h, bytes);
	const struct difficulty *d = difficulty_of(w, n->tpl.h.millizeros);
	m->target = d->target;
	m->work = d->work;
	m->scanned = 0;
	if (w->sc->consensus.mode != MINING_MODEL) {
		if (m->scan)
			pow_scan_reset(m->scan, bytes);
		else
			m->scan = pow_scan_new(bytes);
	}
	if (w->sc->consensus.mode == MINING_REAL)
		return; /* found lazily by mine_until() */
	double mean = m->work / (double)n->hashrate;
	simtime_t delay = simtime_from_s(rng_exp(&n->rng, mean));
	struct evq_payload p = { .a = n->tpl.gen };
	m->found_ev = evq_schedule(w->q, delay, WORLD_EV_MINED, n->id, &p);
}

/* The length of one round of lazy hashing: 1/32 of the expected interval
 * at the first template's difficulty, at least 1 ms. */
static simtime_t mining_slice(const world_t *w)
{
	double total = 0, work = 0;
	for (uint32_t k = 0; k < w->n_miners; k++) {
		uint32_t i = w->miner_ids[k];
		if (!w->nodes[i].has_template)
			continue;
		total += (double)w->nodes[i].hashrate;
		if (work == 0)
			work = w->miners[i].work;
	}
	if (total <= 0)
		return SIMTIME_NEVER;
	simtime_t s = simtime_from_s(work / total / 32.0);
	return s < SIMTIME_MS ? SIMTIME_MS : s;
}

static void run_scan_job(struct scan_job *j)
{
	struct miner *m = &j->w->miners[j->miner];
	uint8_t hash[32];
	j->found = false;
	j->done = 0;
	while (j->done < j->count && !interrupted(j->w)) {
		uint64_t n = MIN(WORLD_SCAN_CHUNK, j->count - j->done);
		if (pow_scan_run(m->scan, j->from + j->done, n, &m->target, &j->nonce, hash)) {
			j->found = true;
			j->done = j->nonce + 1 - j->from;
			return;
		}
		j->done += n;
	}
}

static void pool_worker(gpointer data, gpointer user)
{
	world_t *w = user;
	run_scan_job(data);
	g_mutex_lock(&w->pool_lock);
	if (--w->pool_left == 0)
		g_cond_signal(&w->pool_done);
	g_mutex_unlock(&w->pool_lock);
}

/* Run JOBS[0..N) (TOTAL hashes), on the pool if it pays. */
static void run_scan_jobs(world_t *w, struct scan_job *jobs, uint32_t n, uint64_t total)
{
	if (!w->pool || n < 2 || total < WORLD_PARALLEL_MIN_HASHES) {
		for (uint32_t k = 0; k < n; k++)
			run_scan_job(&jobs[k]);
		return;
	}
	w->pool_left = n;
	for (uint32_t k = 0; k < n; k++)
		g_thread_pool_push(w->pool, &jobs[k], NULL);
	g_mutex_lock(&w->pool_lock);
	while (w->pool_left > 0)
		g_cond_wait(&w->pool_done, &w->pool_lock);
	g_mutex_unlock(&w->pool_lock);
}

/* Apply a finished job: count its hashes, schedule a find. */
static bool apply_scan_job(world_t *w, const struct scan_job *j, simtime_t now)
{
	struct miner *m = &w->miners[j->miner];
	if (!j->found) {
		w->counts.hashes += j->done;
		m->scanned = j->from + j->done;
		return false;
	}
	w->counts.hashes += j->nonce + 1 - j->from;
	m->scanned = j->nonce + 1;
	m->nonce = j->nonce;
	struct evq_payload p = { .a = w->nodes[j->miner].tpl.gen };
	simtime_t at = attempt_time(w, j->miner, j->nonce + 1);
	m->found_ev = evq_schedule(w->q, at > now ? at - now : 0, WORLD_EV_MINED, j->miner, &p);
	return true;
}

/* Real mode: hash every miner's template up to time T, slice by slice.
 * Returns true if a find was scheduled (at or before T), or if an
 * interrupt cut the hashing short (the caller then stops). */
static bool mine_until(world_t *w, simtime_t t)
{
	simtime_t slice = mining_slice(w);
	if (slice == SIMTIME_NEVER)
		return false;
	struct scan_job *jobs = w->jobs;
	simtime_t now = evq_now(w->q), h = now;
	while (h < t) {
		h = t - h > slice ? h + slice : t;
		uint32_t n = 0;
		uint64_t total = 0;
		for (uint32_t k = 0; k < w->n_miners; k++) {
			uint32_t i = w->miner_ids[k];
			struct miner *m = &w->miners[i];
			if (!w->nodes[i].has_template || m->found_ev)
				continue;
			uint64_t upto = attempts_by(w, i, h);
			if (upto <= m->scanned)
				continue;
			jobs[n++] = (struct scan_job){ .w = w, .miner = i, .from = m->scanned,
						       .count = upto - m->scanned };
			total += upto - m->scanned;
		}
		run_scan_jobs(w, jobs, n, total);
		bool found = false;
		for (uint32_t k = 0; k < n; k++)
			found |= apply_scan_job(w, &jobs[k], now);
		if (found || interrupted(w))
			return true;
	}
	return false;
}

void world_set_threads(world_t *w, unsigned threads)
{
	if (w->pool) {
		g_thread_pool_free(w->pool, FALSE, TRUE);
		w->pool = NULL;
	}
	if (threads > 1 && w->sc->consensus.mode == MINING_REAL)
		w->pool = g_thread_pool_new(pool_worker, w, (gint)threads, TRUE, NULL);
}

/* Fast mode: the winner's block gets a real nonce, found from 0 into
 * *NONCE. Returns false if an interrupt came first. */
static bool find_nonce(world_t *w, struct miner *m, uint64_t *nonce)
{
	const uint64_t chunk = WORLD_SCAN_CHUNK;
	uint8_t hash[32];
	for (uint64_t from = 0; !interrupted(w); from += chunk) {
		if (pow_scan_run(m->scan, from, chunk, &m->target, nonce, hash)) {
			w->counts.hashes += *nonce + 1 - from;
			return true;
		}
		w->counts.hashes += chunk;
	}
	return false;
}

/* Bytes of a block of N_TX transactions: header and transactions, or the
 * configured size of a block whose transactions are not simulated. */
static uint64_t block_size(const world_t *w, uint32_t n_tx)
{
	const struct network_cfg *c = &w->sc->network;
	uint64_t simulated = c->header_bytes + (uint64_t)n_tx * c->tx_bytes;
	return simulated > c->block_size ? simulated : c->block_size;
}

static void check_stop(world_t *w)
{
	const struct stop_cfg *s = &w->sc->stop;
	if ((s->blocks && w->counts.blocks_mined >= s->blocks) ||
	    (s->height && w->max_height >= s->height))
		w->stopped = true;
}

/* ---- strategies: what they report, and gamma ---- */

static void strategy_event(void *ctx, const struct node *n, const struct strategy_event *e)
{
	world_t *w = ctx;
	struct world_strategy_event rec = { .time = evq_now(w->q), .node = n->id, .e = *e, .gamma = -1 };
	g_array_append_val(w->strategy_events, rec);
	if (e->kind == STRATEGY_RACE) {
		guint i = w->strategy_events->len - 1;
		g_array_append_val(w->open_races, i);
	}
}

/* A block is being mined: each open race gets its gamma from where the
 * honest miners' templates are now. O(miners) per race. */
static void measure_races(world_t *w)
{
	for (guint k = 0; k < w->open_races->len; k++) {
		struct world_strategy_event *r = &g_array_index(w->strategy_events,
			struct world_strategy_event, g_array_index(w->open_races, guint, k));
		double own = 0, rival = 0;
		for (uint32_t i = 0; i < w->n_miners; i++) {
			const struct node *m = &w->nodes[w->miner_ids[i]];
			if (m->strategy || !m->online || !m->has_template)
				continue;
			if (chain_is_ancestor(r->e.own, m->tpl.parent))
				own += (double)m->hashrate;
			else if (chain_is_ancestor(r->e.rival, m->tpl.parent))
				rival += (double)m->hashrate;
		}
		if (own + rival > 0)
			r->gamma = own / (own + rival);
	}
	g_array_set_size(w->open_races, 0);
}

static void live_mined(world_t *w, struct node *n);
static void add_stat(world_t *w, bool injected);

/* N's template with NONCE becomes N's block, alike whether its miner
 * found it (on_mined) or a client submitted it (live_submit). */
static struct block *mine_block(world_t *w, struct node *n, uint64_t nonce)
{
	struct block_header h = n->tpl.h;
	h.nonce = nonce;
	uint64_t size = block_size(w, n->tpl.txs->len);
	/* The template's coinbase is the node's, rewritten by its next
	 * templates: the block gets its own copy, which the arena keeps. */
	gpointer own = n->tpl.txs->pdata[0];
	struct tx *cb = g_memdup2(own, sizeof(struct tx));
	g_ptr_array_add(w->tx_arena, cb);
	n->tpl.txs->pdata[0] = cb;
	struct block *b = block_new(&h, n->tpl.parent, (const struct tx *const *)n->tpl.txs->pdata,
				    n->tpl.txs->len, evq_now(w->q), size);
	n->tpl.txs->pdata[0] = own;
	assert(b->parent == n->tpl.parent);
	chain_store_add(w->store, b);
	add_stat(w, false);
	w->counts.blocks_mined++;
	measure_races(w);
	if (w->mined_fn)
		w->mined_fn(w->mined_ctx, w, b);
	node_mined(&w->env, n, b);
	live_mined(w, n);
	check_stop(w);
	return b;
}

static void on_mined(void *ctx, const struct evq_event *ev)
{
	world_t *w = ctx;
	struct node *n = &w->nodes[ev->dst];
	struct miner *m = &w->miners[ev->dst];
	assert(n->has_template && ev->p.a == n->tpl.gen);
	m->found_ev = 0;
	uint64_t nonce = 0; /* model mode: the PoW is modelled */
	if (w->sc->consensus.mode == MINING_REAL)
		nonce = m->nonce;
	else if (w->sc->consensus.mode == MINING_FAST && !find_nonce(w, m, &nonce)) {
		w->counts.interrupted = true; /* the run stops with this block unmined */
		return;
	}
	mine_block(w, n, nonce);
}

/* ---- node hooks ---- */

static void block_held(void *ctx, const struct node *n, const struct block *b)
{
	world_t *w = ctx;
	if (b->id == 0)
		return;
	struct world_block_stat *st = &g_array_index(w->stats, struct world_block_stat, b->id);
	st->held++;
	simtime_t dt = evq_now(w->q) - b->mined_at;
	if (n->hashrate > 0 && n->id != b->h.miner) {
		st->hw_delay += simtime_to_s(dt) * (double)n->hashrate;
		st->hw_held += n->hashrate;
	}
	uint64_t pct = (uint64_t)st->held * 100;
	if (st->t50 < 0 && pct >= 50ull * w->n)
		st->t50 = dt;
	if (st->t90 < 0 && pct >= 90ull * w->n)
		st->t90 = dt;
	if (st->t100 < 0 && st->held >= w->n)
		st->t100 = dt;
}

static void fire_height_events(world_t *w);

static void tip_changed(void *ctx, const struct node *n, const struct chain_reorg *r)
{
	world_t *w = ctx;
	if (r->depth > 0) {
		struct world_reorg rec = {
			.time = evq_now(w->q), .node = n->id,
			.old_tip = r->old_tip, .new_tip = r->new_tip, .depth = r->depth,
		};
		g_array_append_val(w->reorgs, rec);
	}
	if (r->new_tip->h.height > w->max_height) {
		w->max_height = r->new_tip->h.height;
		fire_height_events(w);
		check_stop(w);
	}
}

static void count_reason(GHashTable *t, const char *reason)
{
	gpointer v = g_hash_table_lookup(t, reason);
	g_hash_table_insert(t, (gpointer)reason, GUINT_TO_POINTER(GPOINTER_TO_UINT(v) + 1));
}

static void block_rejected(void *ctx, const struct node *n, const struct block *b,
			   const char *reason)
{
	world_t *w = ctx;
	(void)n;
	if (g_hash_table_add(w->block_rejected, (gpointer)b))
		count_reason(w->counts.block_rejects, reason);
}

static void tx_rejected(void *ctx, const struct node *n, const struct tx *t, const char *reason)
{
	world_t *w = ctx;
	(void)n;
	guint idx = GPOINTER_TO_UINT(g_hash_table_lookup(w->tx_index, t));
	if (idx == 0)
		return;
	struct world_tx *rec = &g_array_index(w->txs, struct world_tx, idx - 1);
	if (!rec->rejected)
		rec->rejected = reason;
}

static bool tx_authentic(void *ctx, const struct tx *t)
{
	world_t *w = ctx;
	return !g_hash_table_contains(w->bad_sig, t);
}

/* ---- transactions ---- */

/* Register T (owned from here on) as created now by the run. */
static void adopt_tx(world_t *w, struct tx *t, bool injected)
{
	g_ptr_array_add(w->tx_arena, t);
	struct world_tx rec = { .tx = t, .injected = injected };
	g_array_append_val(w->txs, rec);
	g_hash_table_insert(w->tx_index, t, GUINT_TO_POINTER(w->txs->len));
	if (!tx_verify(t, w->keys))
		g_hash_table_add(w->bad_sig, t);
}

static uint32_t pick_recipient(world_t *w, struct node *n, const struct group_cfg *g)
{
	if (g->trade.to) {
		GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
		config_resolve(w->sc, g->trade.to, ids);
		uint32_t r = g_array_index(ids, guint32, rng_below(&n->rng, ids->len));
		g_array_free(ids, TRUE);
		return r;
	}
	uint32_t r = (uint32_t)rng_below(&n->rng, w->n - 1);
	return r >= n->id ? r + 1 : r;
}

/* The sequence number N's wallet gives its next transfer: the one after
 * its tip's and its own unbroken run of pending transfers. A transfer that
 * was refused or dropped leaves no gap: its number is used again, as a
 * wallet re-signs a nonce, or every later transfer would wait forever. */
static uint32_t next_seq_of(const world_t *w, const struct node *n)
{
	uint32_t seq = ledger_next_seq(node_tip_state(&w->env, n), n->id);
	while (mempool_holds_seq(n->mempool, n->id, seq))
		seq++;
	return seq;
}

/* Trader N signs and sends one transfer. */
static void make_transfer(world_t *w, struct node *n)
{
	const struct group_cfg *g = &g_array_index(w->sc->groups, struct group_cfg,
						   config_node_group(w->sc, n->id));
	if (w->n < 2)
		return;
	struct tx *t = g_new0(struct tx, 1);
	t->sender = n->id;
	t->recipient = pick_recipient(w, n, g);
	uint64_t span = g->trade.amount_max - g->trade.amount_min;
	t->amount = g->trade.amount_min + (span ? rng_below(&n->rng, span + 1) : 0);
	t->fee = g->trade.fee;
	t->seq = next_seq_of(w, n);
	t->created = evq_now(w->q);
	tx_sign(t, w->keys);
	adopt_tx(w, t, false);
	node_submit_tx(&w->env, n, t);
}

static simtime_t trade_gap(struct node *n, const struct trade_cfg *tc)
{
	switch (tc->law) {
	case INTERVAL_FIXED:
		return tc->interval;
	case INTERVAL_UNIFORM:
		return simtime_from_s(rng_uniform(&n->rng, simtime_to_s(tc->interval),
						  simtime_to_s(tc->interval_max)));
	case INTERVAL_EXP:
		return simtime_from_s(rng_exp(&n->rng, simtime_to_s(tc->interval)));
	}
	return tc->interval;
}

static void on_trade(void *ctx, const struct evq_event *ev)
{
	world_t *w = ctx;
	struct node *n = &w->nodes[ev->dst];
	const struct group_cfg *g = &g_array_index(w->sc->groups, struct group_cfg,
						   config_node_group(w->sc, n->id));
	if (n->online)
		make_transfer(w, n);
	schedule(w, trade_gap(n, &g->trade), WORLD_EV_TRADE, n->id, 0);
}

/* ---- timeline ---- */

static void log_fired(world_t *w, const struct event_cfg *e, char *value)
{
	const char *target = e->target;
	struct world_fired f = {
		.time = evq_now(w->q), .action = e->action, .millizeros = e->millizeros,
		.target = g_strdup(target ? target : "all"), .value = value,
	};
	g_array_append_val(w->fired, f);
}

static void rebuild_all(world_t *w)
{
	for (uint32_t k = 0; k < w->n_miners; k++)
		node_rebuild_template(&w->env, &w->nodes[w->miner_ids[k]]);
}

#define ANY_ROLE (-1)

/* The nodes NAME designates; without a name, every node of ROLE (or
 * every node, ANY_ROLE). */
static GArray *targets_of(world_t *w, const char *name, int role)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	if (name) {
		config_resolve(w->sc, name, ids);
		return ids;
	}
	for (guint32 i = 0; i < w->n; i++)
		if (role == ANY_ROLE || (int)w->nodes[i].role == role)
			g_array_append_val(ids, i);
	return ids;
}

static GArray *targets(world_t *w, const char *name)
{
	return targets_of(w, name, ANY_ROLE);
}

/* Who an action without a target addresses: hashrate all miners, burst
 * all traders, the rest every node. */
static int default_role(enum tl_action a)
{
	return a == TL_HASHRATE ? ROLE_MINER : a == TL_BURST ? ROLE_TRADER : ANY_ROLE;
}

static void set_online(world_t *w, uint32_t id, bool online)
{
	struct node *n = &w->nodes[id];
	if (n->online == online)
		return;
	account_rate(w, id);
	n->online = online;
	net_set_online(w->net, id, online);
	if (online) {
		node_request_chains(&w->env, n);
		node_rebuild_template(&w->env, n);
	} else {
		n->has_template = false;
		template_changed(w, n);
	}
}

static void do_partition(world_t *w, const struct event_cfg *e)
{
	uint32_t *side = g_new0(uint32_t, w->n);
	for (guint s = 0; s < e->sides->len; s++) {
		GStrv names = g_ptr_array_index(e->sides, s);
		for (guint k = 0; names[k]; k++) {
			GArray *ids = targets(w, names[k]);
			for (guint j = 0; j < ids->len; j++)
				side[g_array_index(ids, guint32, j)] = s + 1;
			g_array_free(ids, TRUE);
		}
	}
	net_partition(w->net, side);
	g_free(side);
}

/* ---- attacks and injections ---- */

static bool is(const char *kind, const char *name)
{
	return kind && strcmp(kind, name) == 0;
}

/* A transfer from N, signed, with the next sequence number of N's tip. */
static struct tx *transfer_from(world_t *w, struct node *n, uint32_t seq, uint64_t amount,
				uint32_t to)
{
	struct tx *t = g_new0(struct tx, 1);
	t->sender = n->id;
	t->recipient = to;
	t->amount = amount;
	t->seq = seq;
	t->created = evq_now(w->q);
	tx_sign(t, w->keys);
	return t;
}

/* Spoil T's signature (its id still matches what it carries). */
static void spoil_signature(world_t *w, struct tx *t)
{
	t->sig[0] ^= 0x01;
	tx_compute_id(t, w->keys, t->id);
}

/* One bad transfer of KIND from N: it must never be confirmed. Each one
 * differs in its amount, so a flood is N distinct transactions (identical
 * fields would sign, deterministically, to one and the same id). */
static void inject_tx(world_t *w, struct node *n, const char *kind)
{
	ledger_state_t *st = node_tip_state(&w->env, n);
	uint32_t next = ledger_next_seq(st, n->id), to = (n->id + 1) % w->n;
	uint64_t k = ++w->injected;
	struct tx *t;
	if (is(kind, "overspend")) {
		t = transfer_from(w, n, next_seq_of(w, n), ledger_balance(st, n->id) + k, to);
	} else if (is(kind, "replay")) {
		/* A sequence number already used on the tip, or by a transfer
		 * already pending (made here first if there is none). */
		if (next == 0 && !mempool_holds_seq(n->mempool, n->id, 0))
			make_transfer(w, n);
		t = transfer_from(w, n, next > 0 ? next - 1 : 0, k, to);
	} else {
		t = transfer_from(w, n, next_seq_of(w, n), k, to);
		spoil_signature(w, t);
	}
	adopt_tx(w, t, true);
	node_inject_tx(&w->env, n, t);
}

static void add_stat(world_t *w, bool injected)
{
	struct world_block_stat st = { .t50 = -1, .t90 = -1, .t100 = -1, .injected = injected };
	g_array_append_val(w->stats, st);
}

/* Give H a nonce: one that meets its target, or (BAD) one that does not.
 * In model mode a good block just says its PoW was modelled. */
static void set_nonce(world_t *w, struct block_header *h, bool bad)
{
	bool model = w->sc->consensus.mode == MINING_MODEL;
	h->version = BLOCK_VERSION | (model && !bad ? BLOCK_FLAG_MODELLED : 0);
	/* Each crafted block searches its own nonce range, so two alike
	 * injections still make two distinct blocks. */
	h->nonce = w->counts.blocks_injected << 32;
	if (model && !bad)
		return;
	struct u256 target;
	pow_target_from_millizeros(h->millizeros, &target);
	uint8_t bytes[POW_HEADER_SIZE], hash[32];
	for (;; h->nonce++) {
		block_header_encode(h, bytes);
		pow_hash_header(bytes, hash);
		w->counts.hashes++;
		if (pow_hash_meets(hash, &target) != bad)
			return;
	}
}

/* The transfers a crafted block of KIND carries after its coinbase. */
static void bad_block_txs(world_t *w, struct node *n, const char *kind, GPtrArray *txs)
{
	ledger_state_t *st = node_tip_state(&w->env, n);
	uint32_t next = ledger_next_seq(st, n->id), to = (n->id + 1) % w->n;
	struct tx *t[2] = { NULL, NULL };
	if (is(kind, "overspend")) {
		t[0] = transfer_from(w, n, next, ledger_balance(st, n->id) + 1, to);
	} else if (is(kind, "double-spend")) {
		t[0] = transfer_from(w, n, next, 1, to);
		t[1] = transfer_from(w, n, next, 1, (n->id + 2) % w->n);
	} else if (is(kind, "bad-signature")) {
		t[0] = transfer_from(w, n, next, 1, to);
		spoil_signature(w, t[0]);
	}
	for (int i = 0; i < 2 && t[i]; i++) {
		adopt_tx(w, t[i], true);
		g_ptr_array_add(txs, t[i]);
	}
}

/* A block of KIND by N on PARENT, added to the store. Every kind but
 * withheld-parent is invalid for the reason its name gives. */
static const struct block *craft_block(world_t *w, struct node *n, const char *kind,
				       const struct block *parent)
{
	simtime_t now = evq_now(w->q);
	uint32_t height = parent->h.height + 1;
	GPtrArray *txs = g_ptr_array_new();
	struct tx *cb = g_new0(struct tx, 1);
	tx_coinbase(cb, w->keys, n->id, consensus_reward(w->cons) + is(kind, "bad-coinbase"),
		    height, now);
	g_ptr_array_add(w->tx_arena, cb);
	g_ptr_array_add(txs, cb);
	bad_block_txs(w, n, kind, txs);

	struct block_header h = { .height = height + is(kind, "bad-height"), .miner = n->id };
	memcpy(h.prev, parent->hash, 32);
	if (is(kind, "bad-prev"))
		h.prev[31] ^= 0xff;
	block_merkle((const struct tx *const *)txs->pdata, txs->len, h.merkle);
	if (is(kind, "bad-merkle"))
		h.merkle[0] ^= 0xff;
	/* A future timestamp fails before difficulty is judged: the block
	 * carries the difficulty of now, so crafting it costs what mining does. */
	h.millizeros = consensus_required(w->cons, parent, now);
	h.timestamp = now + (is(kind, "future-time") ? 3 * SIMTIME_HOUR : 0);
	set_nonce(w, &h, is(kind, "bad-pow"));
	uint64_t size = block_size(w, txs->len);
	struct block *b = block_new(&h, parent, (const struct tx *const *)txs->pdata, txs->len,
				    now, size);
	g_ptr_array_free(txs, TRUE);
	chain_store_add(w->store, b);
	add_stat(w, true);
	w->counts.blocks_injected++;
	return b;
}

static void inject_block(world_t *w, struct node *n, const struct event_cfg *e)
{
	if (is(e->kind, "withheld-parent")) {
		/* Two good blocks, the child pushed now, the parent later. */
		const struct block *a = craft_block(w, n, e->kind, n->view.tip);
		const struct block *b = craft_block(w, n, e->kind, a);
		node_inject_block(&w->env, n, b);
		struct evq_payload p = { .ptr = (void *)a };
		evq_schedule(w->q, e->duration ? e->duration : SIMTIME_S, WORLD_EV_PUSH_BLOCK, n->id,
			     &p);
		return;
	}
	node_inject_block(&w->env, n, craft_block(w, n, e->kind, n->view.tip));
}

static void on_push_block(void *ctx, const struct evq_event *ev)
{
	world_t *w = ctx;
	node_inject_block(&w->env, &w->nodes[ev->dst], ev->p.ptr);
}

static void on_release(void *ctx, const struct evq_event *ev)
{
	world_t *w = ctx;
	if (w->nodes[ev->dst].withholding)
		node_release(&w->env, &w->nodes[ev->dst]);
}

/* A latency action: every link; the links of the targets; or the links
 * between the targets and the nodes named by "to". */
static void set_latency(world_t *w, const struct event_cfg *e, GArray *ids)
{
	if (!e->target) {
		net_set_latency(w->net, &e->latency, NET_NO_PEER, NET_NO_PEER);
		return;
	}
	GArray *to = e->link_to ? targets(w, e->link_to) : NULL;
	for (guint i = 0; i < ids->len; i++) {
		uint32_t a = g_array_index(ids, guint32, i);
		uint32_t d = net_degree(w->net, a);
		for (uint32_t k = 0; k < d; k++) {
			uint32_t b = net_peer(w->net, a, k);
			bool named = !to;
			for (guint j = 0; to && j < to->len; j++)
				named |= g_array_index(to, guint32, j) == b;
			if (named)
				net_set_latency(w->net, &e->latency, a, b);
		}
	}
	if (to)
		g_array_free(to, TRUE);
}

static char *live_apply(world_t *w, const struct event_cfg *e, GArray *ids);

static void apply_event(world_t *w, const struct event_cfg *e)
{
	GArray *ids = targets_of(w, e->target, default_role(e->action));
	char *value = NULL;
	switch (e->action) {
	case TL_DIFFICULTY:
		value = g_strdup_printf("%.3f", e->millizeros / 1000.0);
		rebuild_all(w); /* templates from now on carry the new rule */
		break;
	case TL_HASHRATE:
		value = g_strdup_printf("%.0f", e->hashrate);
		for (guint i = 0; i < ids->len; i++) {
			struct node *n = &w->nodes[g_array_index(ids, guint32, i)];
			account_rate(w, n->id);
			n->hashrate = (uint64_t)(e->hashrate + 0.5);
			node_rebuild_template(&w->env, n);
		}
		break;
	case TL_BURST:
		value = g_strdup_printf("%u", e->count);
		for (guint i = 0; i < ids->len; i++)
			for (uint32_t k = 0; k < e->count; k++)
				make_transfer(w, &w->nodes[g_array_index(ids, guint32, i)]);
		break;
	case TL_LEAVE:
	case TL_JOIN:
		for (guint i = 0; i < ids->len; i++)
			set_online(w, g_array_index(ids, guint32, i), e->action == TL_JOIN);
		break;
	case TL_PARTITION:
		value = g_strdup_printf("%u sides", e->sides->len);
		do_partition(w, e);
		break;
	case TL_HEAL:
		net_heal(w->net);
		for (uint32_t i = 0; i < w->n; i++)
			if (w->nodes[i].online)
				node_request_chains(&w->env, &w->nodes[i]);
		break;
	case TL_LATENCY:
		set_latency(w, e, ids);
		value = g_strdup_printf("%.6f", simtime_to_s(e->latency.value));
		break;
	case TL_INVALID_TXS:
		value = g_strdup_printf("%u %s", e->count ? e->count : 1, e->kind);
		for (guint i = 0; i < ids->len; i++)
			for (uint32_t k = 0; k < (e->count ? e->count : 1); k++)
				inject_tx(w, &w->nodes[g_array_index(ids, guint32, i)], e->kind);
		break;
	case TL_INJECT_BLOCK:
		value = g_strdup(e->kind);
		for (guint i = 0; i < ids->len; i++)
			inject_block(w, &w->nodes[g_array_index(ids, guint32, i)], e);
		break;
	case TL_WITHHOLD:
		for (guint i = 0; i < ids->len; i++) {
			uint32_t id = g_array_index(ids, guint32, i);
			node_withhold(&w->nodes[id]);
			if (e->duration)
				schedule(w, e->duration, WORLD_EV_RELEASE, id, 0);
		}
		break;
	case TL_RELEASE:
		for (guint i = 0; i < ids->len; i++)
			on_release(w, &(struct evq_event){ .dst = g_array_index(ids, guint32, i) });
		break;
	case TL_TRANSFER:
	case TL_MINE:
	case TL_SUBMIT:
	case TL_RESOLVE:
	case TL_LINK:
		value = live_apply(w, e, ids);
		break;
	case TL_STOP:
		w->stopped = true;
		break;
	}
	g_array_free(ids, TRUE);
	log_fired(w, e, value ? value : g_strdup(""));
}

static void on_timeline(void *ctx, const struct evq_event *ev)
{
	world_t *w = ctx;
	apply_event(w, &g_array_index(w->sc->events, struct event_cfg, ev->p.a));
}

static void fire_height_events(world_t *w)
{
	for (guint i = 0; i < w->sc->events->len; i++) {
		const struct event_cfg *e = &g_array_index(w->sc->events, struct event_cfg, i);
		/* A difficulty change keyed on height H binds the block at H, so
		 * it takes effect (miners switch) once the chain reaches H - 1. */
		uint32_t h = e->action == TL_DIFFICULTY && e->at_height > 0 ? e->at_height - 1
									     : e->at_height;
		if (e->by_height && !w->height_fired[i] && w->max_height >= h) {
			w->height_fired[i] = true;
			/* After the current event, at the same instant. */
			schedule(w, 0, WORLD_EV_TIMELINE, 0, i);
		}
	}
}

/* ---- sampling and stopping ---- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* O(n log n) in the number of nodes: keep the sampling interval coarse
 * for large networks. */
static void take_sample(world_t *w)
{
	struct world_sample s = { .time = evq_now(w->q), .min_height = UINT32_MAX };
	uint32_t *tips = g_new(uint32_t, w->n);
	uint64_t pool = 0;
	const struct block *best = NULL;
	for (uint32_t i = 0; i < w->n; i++) {
		const struct node *n = &w->nodes[i];
		if (!n->online)
			continue;
		const struct block *tip = n->view.tip;
		tips[s.online++] = tip->id;
		if (tip->h.height > s.max_height)
			s.max_height = tip->h.height;
		if (tip->h.height < s.min_height)
			s.min_height = tip->h.height;
		uint32_t mp = mempool_size(n->mempool);
		pool += mp;
		if (mp > s.max_mempool)
			s.max_mempool = mp;
		if (!best || chain_compare(tip, best, w->sc->consensus.fork_choice) > 0)
			best = tip;
	}
	qsort(tips, s.online, sizeof *tips, cmp_u32);
	for (uint32_t i = 0; i < s.online; i++)
		s.distinct_tips += i == 0 || tips[i] != tips[i - 1];
	g_free(tips);
	if (s.online == 0)
		s.min_height = 0;
	s.mean_mempool = s.online ? (double)pool / s.online : 0;
	s.millizeros = best ? consensus_required(w->cons, best, s.time)
			    : w->sc->consensus.millizeros;
	g_array_append_val(w->samples, s);
}

static void on_sample(void *ctx, const struct evq_event *ev)
{
	world_t *w = ctx;
	(void)ev;
	take_sample(w);
	schedule(w, w->sc->sample, WORLD_EV_SAMPLE, 0, 0);
}

static void on_stop(void *ctx, const struct evq_event *ev)
{
	world_t *w = ctx;
	(void)ev;
	w->stopped = true;
}

static void on_node_event(void *ctx, const struct evq_event *ev)
{
	world_t *w = ctx;
	node_handle(&w->env, &w->nodes[ev->dst], ev);
}

/* ---- building ---- */

static void init_nodes(world_t *w)
{
	uint32_t id = 0;
	for (guint g = 0; g < w->sc->groups->len; g++) {
		const struct group_cfg *gc = &g_array_index(w->sc->groups, struct group_cfg, g);
		double sum = 0;
		for (guint k = 0; gc->shares && k < gc->shares->len; k++)
			sum += g_array_index(gc->shares, double, k);
		for (uint32_t k = 0; k < gc->count; k++, id++) {
			node_init(&w->nodes[id], id, gc, &w->env);
			if (gc->role == ROLE_MINER)
				w->miner_ids[w->n_miners++] = id;
			if (gc->role == ROLE_MINER && gc->shares && sum > 0)
				w->nodes[id].hashrate = (uint64_t)(gc->hashrate *
					g_array_index(gc->shares, double, k) / sum + 0.5);
		}
	}
}

static ledger_state_t *genesis_state(const world_t *w)
{
	uint64_t *bal = g_new0(uint64_t, w->n);
	for (uint32_t i = 0; i < w->n; i++) {
		const struct group_cfg *g = &g_array_index(w->sc->groups, struct group_cfg,
							   config_node_group(w->sc, i));
		bal[i] = g->balance;
	}
	ledger_state_t *st = ledger_genesis(w->n, bal);
	g_free(bal);
	return st;
}

static void register_handlers(world_t *w)
{
	for (uint32_t k = 0; k < NODE_EV_KINDS; k++)
		evq_register(w->q, k, on_node_event, w);
	evq_register(w->q, WORLD_EV_MINED, on_mined, w);
	evq_register(w->q, WORLD_EV_TRADE, on_trade, w);
	evq_register(w->q, WORLD_EV_TIMELINE, on_timeline, w);
	evq_register(w->q, WORLD_EV_SAMPLE, on_sample, w);
	evq_register(w->q, WORLD_EV_STOP, on_stop, w);
	evq_register(w->q, WORLD_EV_PUSH_BLOCK, on_push_block, w);
	evq_register(w->q, WORLD_EV_RELEASE, on_release, w);
}

/* Time 0: every node asks for chains, miners start, traders and the
 * timeline are scheduled. */
static void start(world_t *w)
{
	const struct scenario *sc = w->sc;
	for (guint i = 0; i < sc->events->len; i++) {
		const struct event_cfg *e = &g_array_index(sc->events, struct event_cfg, i);
		if (!e->by_height)
			schedule(w, e->at, WORLD_EV_TIMELINE, 0, i);
	}
	if (sc->stop.time)
		schedule(w, sc->stop.time, WORLD_EV_STOP, 0, 0);
	schedule(w, 0, WORLD_EV_SAMPLE, 0, 0);
	for (uint32_t i = 0; i < w->n; i++) {
		struct node *n = &w->nodes[i];
		if (n->role == ROLE_MINER)
			node_rebuild_template(&w->env, n);
		if (n->role == ROLE_TRADER) {
			const struct group_cfg *g = &g_array_index(sc->groups, struct group_cfg,
								   config_node_group(sc, i));
			schedule(w, g->trade.start + trade_gap(n, &g->trade), WORLD_EV_TRADE, i, 0);
		}
	}
}

world_t *world_new(const struct scenario *sc, GError **err)
{
	world_t *w = g_new0(world_t, 1);
	w->sc = sc;
	w->n = config_node_count(sc);
	w->net = net_new(sc, w->n, sc->seed, err);
	if (!w->net) {
		g_free(w);
		return NULL;
	}
	w->q = evq_new();
	w->keys = tx_keys_new(sc->seed, w->n);
	w->store = chain_store_new(block_genesis());
	chain_store_set_verdict(w->store, 0, CHAIN_VALID, NULL);
	w->cons = consensus_new(sc);
	w->nodes = g_new0(struct node, w->n);
	w->miners = g_new0(struct miner, w->n);
	w->hash_time = g_new0(double, w->n);
	w->jobs = g_new(struct scan_job, w->n ? w->n : 1);
	w->miner_ids = g_new(uint32_t, w->n ? w->n : 1);
	w->height_fired = g_new0(bool, sc->events->len + 1);
	w->tx_arena = g_ptr_array_new_with_free_func(g_free);
	w->work_by_mz = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	w->tx_index = g_hash_table_new(g_direct_hash, g_direct_equal);
	w->bad_sig = g_hash_table_new(g_direct_hash, g_direct_equal);
	w->block_rejected = g_hash_table_new(g_direct_hash, g_direct_equal);
	w->counts.block_rejects = g_hash_table_new(g_str_hash, g_str_equal);
	w->stats = g_array_new(FALSE, TRUE, sizeof(struct world_block_stat));
	g_array_set_size(w->stats, 1);
	w->reorgs = g_array_new(FALSE, FALSE, sizeof(struct world_reorg));
	w->samples = g_array_new(FALSE, FALSE, sizeof(struct world_sample));
	w->fired = g_array_new(FALSE, FALSE, sizeof(struct world_fired));
	w->txs = g_array_new(FALSE, FALSE, sizeof(struct world_tx));
	w->strategy_events = g_array_new(FALSE, FALSE, sizeof(struct world_strategy_event));
	w->open_races = g_array_new(FALSE, FALSE, sizeof(guint));
	rng_seed(&w->rng, sc->seed, RNG_STREAM_TIMELINE);
	g_mutex_init(&w->pool_lock);
	g_cond_init(&w->pool_done);

	w->hooks = (struct node_hooks){
		.block_held = block_held,
		.tip_changed = tip_changed,
		.block_rejected = block_rejected,
		.tx_rejected = tx_rejected,
		.tx_authentic = tx_authentic,
		.template_changed = template_changed,
		.strategy_event = strategy_event,
	};
	w->env = (struct node_env){
		.q = w->q, .net = w->net, .store = w->store, .cons = w->cons, .sc = sc,
		.keys = w->keys, .nodes = w->nodes, .n = w->n, .tx_arena = w->tx_arena,
		.hooks = &w->hooks, .hook_ctx = w,
	};
	chain_store_set_aux(w->store, 0, genesis_state(w));
	init_nodes(w);
	register_handlers(w);
	start(w);
	return w;
}

static void free_state(void *p)
{
	ledger_unref(p);
}

void world_free(world_t *w)
{
	if (!w)
		return;
	world_set_threads(w, 1);
	g_mutex_clear(&w->pool_lock);
	g_cond_clear(&w->pool_done);
	for (uint32_t i = 0; i < w->n; i++) {
		node_clear(&w->nodes[i]);
		pow_scan_free(w->miners[i].scan);
	}
	g_free(w->nodes);
	g_free(w->miners);
	g_free(w->hash_time);
	g_free(w->jobs);
	g_free(w->miner_ids);
	g_free(w->height_fired);
	if (w->live.results)
		g_array_free(w->live.results, TRUE);
	g_free(w->live.oneshot);
	g_free(w->live.role);
	for (guint i = 0; i < w->fired->len; i++) {
		struct world_fired *f = &g_array_index(w->fired, struct world_fired, i);
		g_free(f->target);
		g_free(f->value);
	}
	g_array_free(w->fired, TRUE);
	g_array_free(w->reorgs, TRUE);
	g_array_free(w->samples, TRUE);
	g_array_free(w->stats, TRUE);
	g_array_free(w->txs, TRUE);
	g_array_free(w->strategy_events, TRUE);
	g_array_free(w->open_races, TRUE);
	chain_store_free(w->store, free_state);
	g_hash_table_destroy(w->tx_index);
	g_hash_table_destroy(w->bad_sig);
	g_hash_table_destroy(w->block_rejected);
	g_hash_table_destroy(w->counts.block_rejects);
	g_ptr_array_free(w->tx_arena, TRUE);
	g_hash_table_destroy(w->work_by_mz);
	consensus_free(w->cons);
	tx_keys_free(w->keys);
	net_free(w->net);
	evq_free(w->q);
	g_free(w);
}

void world_on_mined(world_t *w, world_mined_fn fn, void *ctx)
{
	w->mined_fn = fn;
	w->mined_ctx = ctx;
}

void world_on_step(world_t *w, void (*fn)(void *ctx, const world_t *w), void *ctx)
{
	w->step_fn = fn;
	w->step_ctx = ctx;
}

void world_on_progress(world_t *w, void (*fn)(void *ctx, const world_t *w), void *ctx,
		       uint64_t period)
{
	w->progress_fn = fn;
	w->progress_ctx = ctx;
	w->progress_period = period ? period : 1;
}

/* After the stop: deliver what is in flight (messages, validation) until
 * the network is quiet or WORLD_DRAIN_MAX has passed; nothing is mined,
 * traded or sampled meanwhile, so every node that can converge does. */
static void drain(world_t *w, volatile sig_atomic_t *interrupt)
{
	struct evq_event ev;
	w->draining = true;
	for (uint32_t k = 0; k < w->n_miners; k++)
		miner_stop(w, w->miner_ids[k]);
	simtime_t t;
	while (!(interrupt && *interrupt) && evq_peek_time(w->q, &t) &&
	       t <= w->stop_time + WORLD_DRAIN_MAX && evq_pop(w->q, &ev)) {
		if (ev.kind < NODE_EV_KINDS)
			node_handle(&w->env, &w->nodes[ev.dst], &ev);
		if (w->step_fn)
			w->step_fn(w->step_ctx, w);
	}
}

/* Nothing can ever be mined again: no miner has a template and no
 * timeline action is still to come. O(nodes + events): called rarely. */
static bool mining_over(const world_t *w)
{
	for (uint32_t k = 0; k < w->n_miners; k++)
		if (w->nodes[w->miner_ids[k]].has_template)
			return false;
	for (guint i = 0; i < w->sc->events->len; i++) {
		const struct event_cfg *e = &g_array_index(w->sc->events, struct event_cfg, i);
		if (e->by_height ? !w->height_fired[i] : e->at > evq_now(w->q))
			return false;
	}
	return true;
}

/* The end of a run, mining over: account the hash rates, deliver what is
 * in flight unless interrupted, take the last sample and the counts. */
static void finish(world_t *w, volatile sig_atomic_t *interrupt, gint64 t0)
{
	w->stop_time = evq_now(w->q);
	for (uint32_t i = 0; i < w->n; i++)
		account_rate(w, i);
	if (!w->counts.interrupted) {
		drain(w, interrupt);
		/* A signal during the drain cuts it short: the records stand
		 * as of the last delivery, marked interrupted like any other. */
		w->counts.interrupted = interrupt && *interrupt;
	}
	take_sample(w);
	w->counts.events = evq_processed(w->q);
	w->counts.wall_us = (uint64_t)(g_get_monotonic_time() - t0);
}

void world_run(world_t *w, volatile sig_atomic_t *interrupt)
{
	gint64 t0 = g_get_monotonic_time();
	bool real = w->sc->consensus.mode == MINING_REAL;
	w->interrupt = interrupt;
	uint64_t steps = 0;
	while (!w->stopped && !(interrupt && *interrupt)) {
		simtime_t t;
		if (!evq_peek_time(w->q, &t))
			break;
		if (real && mine_until(w, t))
			continue; /* a find came first: look again */
		evq_step(w->q);
		if (w->step_fn)
			w->step_fn(w->step_ctx, w);
		/* A stop on blocks or height that no miner can reach any more
		 * would never come: end the run, and say so. */
		if (!w->sc->stop.time && ++w->stall_checks % 4096 == 0 && mining_over(w)) {
			w->counts.stalled = true;
			break;
		}
		if (w->progress_fn && ++steps % w->progress_period == 0)
			w->progress_fn(w->progress_ctx, w);
	}
	w->counts.interrupted = interrupt && *interrupt;
	finish(w, interrupt, t0);
}

const struct scenario *world_scenario(const world_t *w) { return w->sc; }
simtime_t world_now(const world_t *w) { return evq_now(w->q); }
simtime_t world_stop_time(const world_t *w) { return w->stop_time; }
uint32_t world_node_count(const world_t *w) { return w->n; }
const struct node *world_node(const world_t *w, uint32_t id) { return &w->nodes[id]; }
const chain_store_t *world_store(const world_t *w) { return w->store; }
const net_t *world_net(const world_t *w) { return w->net; }
bool world_quiet(const world_t *w) { return evq_pending(w->q) == 0; }
tx_keys_t *world_keys(const world_t *w) { return w->keys; }
const GArray *world_reorgs(const world_t *w) { return w->reorgs; }
const GArray *world_samples(const world_t *w) { return w->samples; }
const GArray *world_fired(const world_t *w) { return w->fired; }
const GArray *world_txs(const world_t *w) { return w->txs; }
const GArray *world_strategy_events(const world_t *w) { return w->strategy_events; }
const struct world_counts *world_counts(const world_t *w) { return &w->counts; }
double world_node_hash_time(const world_t *w, uint32_t id) { return w->hash_time[id]; }

const struct world_block_stat *world_block_stat(const world_t *w, uint32_t block_id)
{
	return &g_array_index(w->stats, struct world_block_stat, block_id);
}

void world_node_name(const world_t *w, uint32_t id, char *buf, unsigned len)
{
	if (id >= w->n) {
		g_strlcpy(buf, "genesis", len);
		return;
	}
	config_node_name(w->sc, id, buf, len);
}

void world_check_invariants(const world_t *w)
{
	for (uint32_t i = 0; i < w->n; i++) {
		const struct node *n = &w->nodes[i];
		g_assert(chain_view_status(&n->view, n->view.tip) == VIEW_HAVE);
		for (uint32_t id = 0; id < chain_store_count(w->store); id++) {
			const struct block *b = chain_store_get(w->store, id);
			if (chain_view_status(&n->view, b) != VIEW_HAVE)
				continue;
			g_assert(chain_compare(b, n->view.tip, w->sc->consensus.fork_choice) <= 0);
			g_assert(chain_store_verdict(w->store, id, NULL) == CHAIN_VALID);
		}
		mempool_check(n->mempool);
	}
}

/* ---- live mode (world.h) ---- */

static struct world_live_result *live_result(world_t *w, const struct event_cfg *e)
{
	guint idx = (guint)(e - &g_array_index(w->sc->events, struct event_cfg, 0));
	if (!w->live.results)
		w->live.results = g_array_new(FALSE, TRUE, sizeof(struct world_live_result));
	if (w->live.results->len <= idx)
		g_array_set_size(w->live.results, idx + 1);
	return &g_array_index(w->live.results, struct world_live_result, idx);
}

static uint32_t one_node(const world_t *w, const char *name)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	uint32_t id = UINT32_MAX;
	if (name && config_resolve(w->sc, name, ids) && ids->len > 0)
		id = g_array_index(ids, guint32, 0);
	g_array_free(ids, TRUE);
	return id;
}

uint64_t world_oneshot_rate(const world_t *w, uint32_t id)
{
	const struct group_cfg *g = &g_array_index(w->sc->groups, struct group_cfg,
						   config_node_group(w->sc, id));
	if (w->nodes[id].hashrate > 0)
		return w->nodes[id].hashrate;
	if (g->hashrate >= 1)
		return (uint64_t)(g->hashrate + 0.5);
	uint64_t sum = 0, k = 0;
	for (uint32_t i = 0; i < w->n; i++)
		if (w->nodes[i].role == ROLE_MINER && w->nodes[i].hashrate > 0) {
			sum += w->nodes[i].hashrate;
			k++;
		}
	return k ? sum / k : 1000;
}

/* The transfer FROM -> TO taken by node AT: signed with the sender's
 * wallet, the sequence number after what AT knows of the sender. */
static void live_transfer(world_t *w, const struct event_cfg *e, struct node *at,
			  struct world_live_result *r)
{
	uint32_t from = one_node(w, e->from), to = one_node(w, e->link_to);
	ledger_state_t *st = node_tip_state(&w->env, at);
	r->height = at->view.tip->h.height + 1;
	if (from == UINT32_MAX || to == UINT32_MAX || e->amount == 0) {
		r->reason = "bad-transfer";
		return;
	}
	if (ledger_balance(st, from) < e->amount) {
		r->reason = "insufficient-balance";
		return;
	}
	uint32_t seq = ledger_next_seq(st, from);
	while (mempool_holds_seq(at->mempool, from, seq))
		seq++;
	struct tx *t = transfer_from(w, &w->nodes[from], seq, e->amount, to);
	adopt_tx(w, t, false);
	r->tx = t;
	r->ok = node_submit_tx(&w->env, at, t);
	if (!r->ok) {
		const struct world_tx *rec = &g_array_index(w->txs, struct world_tx, w->txs->len - 1);
		r->reason = rec->rejected ? rec->rejected : "rejected";
	}
}

/* N becomes a miner until it has mined one more block (live_mined). */
static void live_mine(world_t *w, struct node *n, struct world_live_result *r)
{
	if (!n->online) {
		r->reason = "offline";
		return;
	}
	r->ok = true;
	if (n->role == ROLE_MINER && !w->live.oneshot[n->id])
		return; /* it mines anyway: its next block answers */
	if (w->live.oneshot[n->id]++ > 0)
		return;
	account_rate(w, n->id);
	w->live.role[n->id] = n->role;
	n->hashrate = world_oneshot_rate(w, n->id);
	n->role = ROLE_MINER;
	w->miner_ids[w->n_miners++] = n->id;
	node_rebuild_template(&w->env, n);
}

static void live_mined(world_t *w, struct node *n)
{
	if (!w->live.oneshot || w->live.oneshot[n->id] == 0 || --w->live.oneshot[n->id] > 0)
		return;
	account_rate(w, n->id);
	n->role = w->live.role[n->id];
	n->hashrate = 0;
	uint32_t k = 0;
	for (uint32_t i = 0; i < w->n_miners; i++)
		if (w->miner_ids[i] != n->id)
			w->miner_ids[k++] = w->miner_ids[i];
	w->n_miners = k;
	node_rebuild_template(&w->env, n);
}

/* A nonce found outside for N's current template: a valid one makes N's
 * block exactly as if N had found it. */
static void live_submit(world_t *w, struct node *n, uint64_t nonce, struct world_live_result *r)
{
	if (!n->has_template || w->sc->consensus.mode == MINING_MODEL) {
		r->reason = "no-template";
		return;
	}
	struct block_header h = n->tpl.h;
	h.nonce = nonce;
	uint8_t bytes[POW_HEADER_SIZE], hash[32];
	struct u256 target;
	block_header_encode(&h, bytes);
	pow_hash_header(bytes, hash);
	pow_target_from_millizeros(h.millizeros, &target);
	if (!pow_hash_meets(hash, &target)) {
		r->reason = "high-hash";
		return;
	}
	miner_stop(w, n->id);
	struct block *b = mine_block(w, n, nonce);
	r->ok = true;
	r->block = b;
}

static char *live_apply(world_t *w, const struct event_cfg *e, GArray *ids)
{
	struct world_live_result *r = live_result(w, e);
	if (!w->live.oneshot) {
		w->live.oneshot = g_new0(uint32_t, w->n);
		w->live.role = g_new0(enum node_role, w->n);
	}
	r->applied = true;
	if (ids->len != 1) {
		r->reason = "bad-target";
		return g_strdup("");
	}
	struct node *n = &w->nodes[g_array_index(ids, guint32, 0)];
	switch (e->action) {
	case TL_TRANSFER:
		live_transfer(w, e, n, r);
		return g_strdup_printf("%s>%s %" G_GUINT64_FORMAT "%s", e->from, e->link_to, e->amount,
				       r->ok ? "" : " refused");
	case TL_MINE:
		live_mine(w, n, r);
		return g_strdup("");
	case TL_SUBMIT:
		live_submit(w, n, e->nonce, r);
		return g_strdup_printf("%" G_GUINT64_FORMAT "%s", e->nonce, r->ok ? "" : " invalid");
	case TL_RESOLVE:
		r->block = n->view.tip;
		r->ok = true;
		node_request_chains(&w->env, n);
		return g_strdup("");
	case TL_LINK: {
		uint32_t to = one_node(w, e->link_to);
		r->ok = to != UINT32_MAX && net_add_link(w->net, n->id, to);
		if (!r->ok)
			r->reason = "linked-already";
		return g_strdup(e->link_to ? e->link_to : "");
	}
	default:
		g_assert_not_reached();
	}
}

bool world_advance(world_t *w, simtime_t t)
{
	bool real = w->sc->consensus.mode == MINING_REAL;
	if (!w->live.t0)
		w->live.t0 = g_get_monotonic_time();
	while (!w->stopped && !w->counts.interrupted) {
		simtime_t next;
		if (!evq_peek_time(w->q, &next) || next > t)
			break;
		if (real && mine_until(w, next)) {
			if (interrupted(w))
				w->counts.interrupted = true; /* hashing cut short */
			continue; /* a find came first: look again */
		}
		evq_step(w->q);
		if (w->step_fn)
			w->step_fn(w->step_ctx, w);
	}
	return !w->stopped && !w->counts.interrupted;
}

void world_set_interrupt(world_t *w, volatile sig_atomic_t *flag)
{
	w->interrupt = flag;
}

simtime_t world_live_slot(world_t *w, simtime_t t)
{
	for (;;) {
		if (t <= evq_now(w->q))
			t = evq_now(w->q) + 1;
		bool running = world_advance(w, t - 1);
		simtime_t next;
		if (!running || !evq_peek_time(w->q, &next) || next > t)
			return t;
		t++;
	}
}

void world_schedule_event(world_t *w, uint32_t index)
{
	const struct event_cfg *e = &g_array_index(w->sc->events, struct event_cfg, index);
	simtime_t now = evq_now(w->q);
	assert(!e->by_height && e->at > now);
	if (e->action == TL_DIFFICULTY)
		consensus_add_rule(w->cons, e);
	live_result(w, e)->applied = false;
	schedule(w, e->at - now, WORLD_EV_TIMELINE, 0, index);
}

const struct world_live_result *world_live_result(const world_t *w, uint32_t index)
{
	static const struct world_live_result none;
	if (!w->live.results || index >= w->live.results->len)
		return &none;
	return &g_array_index(w->live.results, struct world_live_result, index);
}

/* The tail of world_run, for a run that was never interrupted. */
void world_finish(world_t *w)
{
	finish(w, NULL, w->live.t0 ? w->live.t0 : g_get_monotonic_time());
}

bool world_template(const world_t *w, uint32_t id, uint8_t header[POW_HEADER_SIZE],
		    struct u256 *target)
{
	const struct node *n = &w->nodes[id];
	if (!n->has_template || w->sc->consensus.mode == MINING_MODEL)
		return false;
	struct block_header h = n->tpl.h;
	h.nonce = 0;
	block_header_encode(&h, header);
	pow_target_from_millizeros(h.millizeros, target);
	return true;
}

uint32_t world_next_difficulty(const world_t *w, uint32_t id)
{
	return consensus_required(w->cons, w->nodes[id].view.tip, evq_now(w->q));
}

uint64_t world_balance(const world_t *w, uint32_t id, uint32_t account)
{
	if (account >= w->n)
		return 0;
	return ledger_balance(node_tip_state(&w->env, &w->nodes[id]), account);
}

void world_peers(const world_t *w, uint32_t id, GArray *out)
{
	uint32_t d = net_degree(w->net, id);
	for (uint32_t k = 0; k < d; k++) {
		guint32 p = net_peer(w->net, id, k);
		g_array_append_val(out, p);
	}
}
