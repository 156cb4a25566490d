/* world: the loop, the node hooks, the lifecycle and the accessors.
 * The concerns of a run live in the other world_*.c files (world_int.h).
 * See world.h. */
#include "world_int.h"

#include "powsim/check.h"
#include "powsim/mem.h"

void world_schedule(world_t *w, simtime_t delay, uint32_t kind, uint32_t dst, uint64_t a)
{
	struct evq_payload p = { .a = a };
	CHECK(delay >= 0);
	evq_schedule(w->q, delay, kind, dst, &p);
}

void world_check_stop(world_t *w)
{
	const struct stop_cfg *s = &w->sc->stop;
	if ((s->blocks && w->counts.blocks_mined >= s->blocks) ||
	    (s->height && w->max_height >= s->height))
		w->stopped = true;
}

static void tip_changed(void *ctx, const struct node *n, const struct chain_reorg *r)
{
	world_t *w = ctx;
	world_record_reorg(w, n, r);
	if (r->new_tip->h.height > w->max_height) {
		w->max_height = r->new_tip->h.height;
		world_fire_height_events(w);
		world_check_stop(w);
	}
}

static bool tx_authentic(void *ctx, const struct tx *t)
{
	world_t *w = ctx;
	return !g_hash_table_contains(w->bad_sig, t);
}

/* ---- sampling, stopping, node events ---- */

static void on_sample(void *ctx, const struct evq_event *ev)
{
	world_t *w = ctx;
	(void)ev;
	world_take_sample(w);
	world_schedule(w, w->sc->sample, WORLD_EV_SAMPLE, 0, 0);
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

/* The queue's lookahead: the next events' nodes and links, fetched while
 * this one runs (a large network is bound by these misses). */
static void on_lookahead(void *ctx, const struct evq_event *next, unsigned ahead)
{
	world_t *w = ctx;
	if (next->kind < NODE_EV_KINDS)
		node_prefetch(&w->env, next, ahead);
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
		struct node_spec spec = config_node_spec(w->sc, g);
		for (uint32_t k = 0; k < gc->count; k++, id++) {
			node_init(&w->nodes[id], id, &spec, &w->env);
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
	evq_register(w->q, WORLD_EV_MINED, world_ev_mined, w);
	evq_register(w->q, WORLD_EV_TRADE, world_ev_trade, w);
	evq_register(w->q, WORLD_EV_TIMELINE, world_ev_timeline, w);
	evq_register(w->q, WORLD_EV_SAMPLE, on_sample, w);
	evq_register(w->q, WORLD_EV_STOP, on_stop, w);
	evq_register(w->q, WORLD_EV_PUSH_BLOCK, world_ev_push_block, w);
	evq_register(w->q, WORLD_EV_RELEASE, world_ev_release, w);
	evq_set_lookahead(w->q, on_lookahead, w);
}

/* Time 0: every node asks for chains, miners start, traders and the
 * timeline are scheduled. */
static void start(world_t *w)
{
	const struct scenario *sc = w->sc;
	for (guint i = 0; i < sc->events->len; i++) {
		const struct event_cfg *e = &g_array_index(sc->events, struct event_cfg, i);
		if (!e->by_height)
			world_schedule(w, e->at, WORLD_EV_TIMELINE, 0, i);
	}
	if (sc->stop.time)
		world_schedule(w, sc->stop.time, WORLD_EV_STOP, 0, 0);
	world_schedule(w, 0, WORLD_EV_SAMPLE, 0, 0);
	for (uint32_t i = 0; i < w->n; i++) {
		struct node *n = &w->nodes[i];
		if (n->role == ROLE_MINER)
			node_rebuild_template(&w->env, n);
		if (n->role == ROLE_TRADER) {
			const struct group_cfg *g = &g_array_index(sc->groups, struct group_cfg,
								   config_node_group(sc, i));
			simtime_t at = g->trade.start + world_trade_gap(n, &g->trade);
			world_schedule(w, at, WORLD_EV_TRADE, i, 0);
		}
	}
}

world_t *world_new(const struct scenario *sc, GError **err)
{
	(void)err;
	world_t *w = g_new0(world_t, 1);
	w->sc = sc;
	w->n = config_node_count(sc);
	struct net_node_bw *bw = config_node_bw(sc);
	w->net = net_new(&sc->network, w->n, bw, sc->seed);
	g_free(bw);
	w->q = evq_new();
	w->keys = tx_keys_new(sc->seed, w->n);
	w->store = chain_store_new(block_genesis());
	chain_store_set_verdict(w->store, 0, CHAIN_VALID, NULL);
	w->cons = consensus_new(&sc->consensus);
	w->nodes = mem_alloc0(w->n, sizeof(struct node));
	w->fetch_slots = mem_alloc0((size_t)w->n * NODE_FETCH_SLOTS, sizeof(struct node_fetch));
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
	for (uint32_t id = 0; id < w->n; id++)
		rng_seed(&w->miners[id].rng, sc->seed, RNG_STREAM_MINING + id);
	g_mutex_init(&w->pool_lock);
	g_cond_init(&w->pool_done);

	w->hooks = (struct node_hooks){
		.block_held = world_block_held,
		.tip_changed = tip_changed,
		.block_rejected = world_block_rejected,
		.tx_rejected = world_tx_rejected,
		.tx_authentic = tx_authentic,
		.template_changed = world_template_changed,
		.strategy_event = world_strategy_hook,
	};
	w->compact = node_compact_users(&sc->network, sc->seed, w->n);
	w->env = (struct node_env){
		.q = w->q, .net = w->net, .store = w->store, .cons = w->cons,
		.net_cfg = &sc->network, .cons_cfg = &sc->consensus, .pool_cfg = &sc->mempool,
		.seed = sc->seed, .compact = w->compact,
		.keys = w->keys, .nodes = w->nodes, .n = w->n, .tx_arena = w->tx_arena,
		.fetch_slots = w->fetch_slots,
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
	mem_free(w->nodes, w->n, sizeof(struct node));
	mem_free(w->fetch_slots, (size_t)w->n * NODE_FETCH_SLOTS, sizeof(struct node_fetch));
	g_free(w->compact);
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
		world_miner_stop(w, w->miner_ids[k]);
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

void world_end_run(world_t *w, volatile sig_atomic_t *interrupt, gint64 t0)
{
	w->stop_time = evq_now(w->q);
	for (uint32_t i = 0; i < w->n; i++)
		world_account_rate(w, i);
	if (!w->counts.interrupted) {
		drain(w, interrupt);
		/* A signal during the drain cuts it short: the records stand
		 * as of the last delivery, marked interrupted like any other. */
		w->counts.interrupted = interrupt && *interrupt;
	}
	world_take_sample(w);
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
		if (real && world_mine_until(w, t))
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
	world_end_run(w, interrupt, t0);
}

const struct scenario *world_scenario(const world_t *w) { return w->sc; }

simtime_t world_now(const world_t *w) { return evq_now(w->q); }

simtime_t world_stop_time(const world_t *w) { return w->stop_time; }

uint32_t world_node_count(const world_t *w) { return w->n; }

const struct node *world_node(const world_t *w, uint32_t id) { return &w->nodes[id]; }

const chain_store_t *world_store(const world_t *w) { return w->store; }
const consensus_t *world_consensus(const world_t *w) { return w->cons; }
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
