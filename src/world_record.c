/* world_record: the run's records: block propagation, reorgs, samples,
 * fired actions, transactions and their rejections. */
#include "world_int.h"

#include <stdlib.h>

/* ---- block propagation and rejections (node hooks) ---- */

void world_block_held(void *ctx, const struct node *n, const struct block *b)
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

static void count_reason(GHashTable *t, const char *reason)
{
	gpointer v = g_hash_table_lookup(t, reason);
	g_hash_table_insert(t, (gpointer)reason, GUINT_TO_POINTER(GPOINTER_TO_UINT(v) + 1));
}

void world_block_rejected(void *ctx, const struct node *n, const struct block *b,
			   const char *reason)
{
	world_t *w = ctx;
	(void)n;
	if (g_hash_table_add(w->block_rejected, (gpointer)b))
		count_reason(w->counts.block_rejects, reason);
}

void world_tx_rejected(void *ctx, const struct node *n, const struct tx *t, const char *reason)
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

/* ---- transactions ---- */

/* Register T (owned from here on) as created now by the run. */
void world_adopt_tx(world_t *w, struct tx *t, bool injected)
{
	g_ptr_array_add(w->tx_arena, t);
	struct world_tx rec = { .tx = t, .injected = injected };
	g_array_append_val(w->txs, rec);
	g_hash_table_insert(w->tx_index, t, GUINT_TO_POINTER(w->txs->len));
	if (!tx_verify(t, w->keys))
		g_hash_table_add(w->bad_sig, t);
}

/* ---- fired actions ---- */

void world_log_fired(world_t *w, const struct event_cfg *e, char *value)
{
	const char *target = e->target;
	struct world_fired f = {
		.time = evq_now(w->q), .action = e->action, .millizeros = e->millizeros,
		.target = g_strdup(target ? target : "all"), .value = value,
	};
	g_array_append_val(w->fired, f);
}

/* ---- samples ---- */

/* O(nodes + blocks): tips are counted in a byte per block, not sorted. */
void world_take_sample(world_t *w)
{
	struct world_sample s = { .time = evq_now(w->q), .min_height = UINT32_MAX };
	uint8_t *is_tip = g_new0(uint8_t, chain_store_count(w->store));
	uint64_t pool = 0;
	const struct block *best = NULL;
	for (uint32_t i = 0; i < w->n; i++) {
		const struct node *n = &w->nodes[i];
		if (!n->online)
			continue;
		const struct block *tip = n->view.tip;
		s.online++;
		s.distinct_tips += !is_tip[tip->id];
		is_tip[tip->id] = 1;
		if (tip->h.height > s.max_height)
			s.max_height = tip->h.height;
		if (tip->h.height < s.min_height)
			s.min_height = tip->h.height;
		uint32_t mp = n->pooled ? mempool_size(n->mempool) : 0; /* untouched while never used */
		pool += mp;
		if (mp > s.max_mempool)
			s.max_mempool = mp;
		if (!best || chain_compare(tip, best, w->sc->consensus.fork_choice) > 0)
			best = tip;
	}
	g_free(is_tip);
	if (s.online == 0)
		s.min_height = 0;
	s.mean_mempool = s.online ? (double)pool / s.online : 0;
	s.millizeros = best ? consensus_required(w->cons, best, s.time)
			    : w->sc->consensus.millizeros;
	g_array_append_val(w->samples, s);
}

void world_add_stat(world_t *w, bool injected)
{
	struct world_block_stat st = { .t50 = -1, .t90 = -1, .t100 = -1, .injected = injected };
	g_array_append_val(w->stats, st);
}

void world_record_reorg(world_t *w, const struct node *n, const struct chain_reorg *r)
{
	if (r->depth == 0)
		return;
	struct world_reorg rec = {
		.time = evq_now(w->q), .node = n->id,
		.old_tip = r->old_tip, .new_tip = r->new_tip, .depth = r->depth,
	};
	g_array_append_val(w->reorgs, rec);
}
