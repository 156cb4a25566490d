/* world_attack: crafted blocks and transactions, withholding, and the
 * strategies' reports with the gamma of their races. */
#include "world_int.h"

#include <string.h>

/* ---- strategies: what they report, and gamma ---- */

void world_strategy_hook(void *ctx, const struct node *n, const struct strategy_event *e)
{
	world_t *w = ctx;
	struct world_strategy_event rec = {
		.time = evq_now(w->q), .node = n->id, .e = *e, .gamma = -1
	};
	g_array_append_val(w->strategy_events, rec);
	if (e->kind == STRATEGY_RACE) {
		guint i = w->strategy_events->len - 1;
		g_array_append_val(w->open_races, i);
	}
}

/* A block is being mined: each open race gets its gamma from where the
 * honest miners' templates are now. O(miners) per race. */
void world_measure_races(world_t *w)
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

/* ---- attacks and injections ---- */

static bool is(const char *kind, const char *name)
{
	return kind && strcmp(kind, name) == 0;
}

/* A transfer from N, signed, with the next sequence number of N's tip. */
struct tx *world_transfer_from(world_t *w, struct node *n, uint32_t seq, uint64_t amount,
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
void world_inject_tx(world_t *w, struct node *n, const char *kind)
{
	ledger_state_t *st = node_tip_state(&w->env, n);
	uint32_t next = ledger_next_seq(st, n->id), to = (n->id + 1) % w->n;
	uint64_t k = ++w->injected;
	struct tx *t;
	if (is(kind, "overspend")) {
		t = world_transfer_from(w, n, world_next_seq(w, n), ledger_balance(st, n->id) + k,
					to);
	} else if (is(kind, "replay")) {
		/* A sequence number already used on the tip, or by a transfer
		 * already pending (made here first if there is none). */
		if (next == 0 && !mempool_holds_seq(n->mempool, n->id, 0))
			world_make_transfer(w, n);
		t = world_transfer_from(w, n, next > 0 ? next - 1 : 0, k, to);
	} else {
		t = world_transfer_from(w, n, world_next_seq(w, n), k, to);
		spoil_signature(w, t);
	}
	world_adopt_tx(w, t, true);
	node_inject_tx(&w->env, n, t);
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
		t[0] = world_transfer_from(w, n, next, ledger_balance(st, n->id) + 1, to);
	} else if (is(kind, "double-spend")) {
		t[0] = world_transfer_from(w, n, next, 1, to);
		t[1] = world_transfer_from(w, n, next, 1, (n->id + 2) % w->n);
	} else if (is(kind, "bad-signature")) {
		t[0] = world_transfer_from(w, n, next, 1, to);
		spoil_signature(w, t[0]);
	}
	for (int i = 0; i < 2 && t[i]; i++) {
		world_adopt_tx(w, t[i], true);
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
	uint64_t size = world_block_size(w, txs->len);
	struct block *b = block_new(&h, parent, (const struct tx *const *)txs->pdata, txs->len,
				    now, size);
	g_ptr_array_free(txs, TRUE);
	chain_store_add(w->store, b);
	world_add_stat(w, true);
	w->counts.blocks_injected++;
	return b;
}

void world_inject_block(world_t *w, struct node *n, const struct event_cfg *e)
{
	if (is(e->kind, "withheld-parent")) {
		/* Two good blocks, the child pushed now, the parent later. */
		const struct block *a = craft_block(w, n, e->kind, n->view.tip);
		const struct block *b = craft_block(w, n, e->kind, a);
		node_inject_block(&w->env, n, b);
		struct evq_payload p = { .ptr = (void *)a };
		evq_schedule(w->q, e->duration ? e->duration : SIMTIME_S, WORLD_EV_PUSH_BLOCK,
			     n->id, &p);
		return;
	}
	node_inject_block(&w->env, n, craft_block(w, n, e->kind, n->view.tip));
}

void world_ev_push_block(void *ctx, const struct evq_event *ev)
{
	world_t *w = ctx;
	node_inject_block(&w->env, &w->nodes[ev->dst], ev->p.ptr);
}

void world_release(world_t *w, uint32_t id)
{
	if (w->nodes[id].withholding)
		node_release(&w->env, &w->nodes[id]);
}

void world_ev_release(void *ctx, const struct evq_event *ev)
{
	world_release(ctx, ev->dst);
}
