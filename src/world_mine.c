/* world_mine: the mining engine. Real mode hashes lazily, slice by slice,
 * on a thread pool; fast and model modes draw each miner's next find from
 * the exponential law. The target and work of each difficulty are kept. */
#include "world_int.h"

#include "powsim/check.h"

/* Hashing runs in chunks of this many nonces, checking for an interrupt
 * between chunks (a few ms each at tens of M hashes/s), so a signal stops
 * a long slice or nonce search promptly. The first valid nonce of a range
 * is the same whatever the chunks, so outputs do not depend on it. */
#define WORLD_SCAN_CHUNK (UINT64_C(1) << 18)

/* Slices with fewer hashes than this run on the calling thread: below it
 * the hand-over costs more than it saves. */
#define WORLD_PARALLEL_MIN_HASHES 20000

/* ---- hash-time accounting (miners' shares of the hashing) ---- */

void world_account_rate(world_t *w, uint32_t id)
{
	simtime_t now = evq_now(w->q);
	struct miner *m = &w->miners[id];
	const struct node *n = &w->nodes[id];
	if (n->online && n->role == ROLE_MINER)
		w->hash_time[id] += (double)n->hashrate * simtime_to_s(now - m->rate_since);
	m->rate_since = now;
}

/* ---- mining engine ---- */

void world_miner_stop(world_t *w, uint32_t id)
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

void world_template_changed(void *ctx, struct node *n)
{
	world_t *w = ctx;
	struct miner *m = &w->miners[n->id];
	world_account_rate(w, n->id);
	world_miner_stop(w, n->id);
	/* Where headers are hashed (and shown to outside miners, live) a
	 * template is sealed at once; a modelled find seals it only if it is
	 * mined (world_mine_block). */
	if (n->has_template && w->sc->consensus.mode != MINING_MODEL)
		node_template_seal(&w->env, n);
	if (!n->has_template || w->draining)
		return;
	const struct difficulty *d = difficulty_of(w, n->tpl.h.millizeros);
	m->target = d->target;
	m->work = d->work;
	m->scanned = 0;
	if (w->sc->consensus.mode != MINING_MODEL) {
		uint8_t bytes[POW_HEADER_SIZE];
		block_header_encode(&n->tpl.h, bytes);
		if (m->scan)
			pow_scan_reset(m->scan, bytes);
		else
			m->scan = pow_scan_new(bytes);
	}
	if (w->sc->consensus.mode == MINING_REAL)
		return; /* found lazily by world_mine_until() */
	double mean = m->work / (double)n->hashrate;
	simtime_t delay = simtime_from_s(rng_exp(&m->rng, mean));
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
	while (j->done < j->count && !world_interrupted(j->w)) {
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
bool world_mine_until(world_t *w, simtime_t t)
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
		if (found || world_interrupted(w))
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
	for (uint64_t from = 0; !world_interrupted(w); from += chunk) {
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
uint64_t world_block_size(const world_t *w, uint32_t n_tx)
{
	const struct network_cfg *c = &w->sc->network;
	uint64_t simulated = c->header_bytes + (uint64_t)n_tx * c->tx_bytes;
	return simulated > c->block_size ? simulated : c->block_size;
}

struct block *world_mine_block(world_t *w, struct node *n, uint64_t nonce)
{
	node_template_seal(&w->env, n);
	struct block_header h = n->tpl.h;
	h.nonce = nonce;
	uint64_t size = world_block_size(w, n->tpl.txs->len);
	/* The template's coinbase is the node's, rewritten by its next
	 * templates: the block gets its own copy, which the arena keeps. */
	gpointer own = n->tpl.txs->pdata[0];
	struct tx *cb = g_memdup2(own, sizeof(struct tx));
	g_ptr_array_add(w->tx_arena, cb);
	n->tpl.txs->pdata[0] = cb;
	struct block *b = block_new(&h, n->tpl.parent, (const struct tx *const *)n->tpl.txs->pdata,
				    n->tpl.txs->len, evq_now(w->q), size);
	n->tpl.txs->pdata[0] = own;
	CHECK(b->parent == n->tpl.parent);
	chain_store_add(w->store, b);
	world_add_stat(w, false);
	w->counts.blocks_mined++;
	world_measure_races(w);
	if (w->mined_fn)
		w->mined_fn(w->mined_ctx, w, b);
	node_mined(&w->env, n, b);
	world_live_mined(w, n);
	world_check_stop(w);
	return b;
}

void world_ev_mined(void *ctx, const struct evq_event *ev)
{
	world_t *w = ctx;
	struct node *n = &w->nodes[ev->dst];
	struct miner *m = &w->miners[ev->dst];
	CHECK(n->has_template && ev->p.a == n->tpl.gen);
	m->found_ev = 0;
	uint64_t nonce = 0; /* model mode: the PoW is modelled */
	if (w->sc->consensus.mode == MINING_REAL)
		nonce = m->nonce;
	else if (w->sc->consensus.mode == MINING_FAST && !find_nonce(w, m, &nonce)) {
		w->counts.interrupted = true; /* the run stops with this block unmined */
		return;
	}
	world_mine_block(w, n, nonce);
}
