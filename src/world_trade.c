/* world_trade: traders and their transfers. */
#include "world_int.h"

static uint32_t pick_recipient(world_t *w, struct node *n, const struct group_cfg *g)
{
	const GArray *ids = g->trade.to_ids;
	if (ids)
		return g_array_index(ids, guint32, rng_below(&n->rng, ids->len));
	uint32_t r = (uint32_t)rng_below(&n->rng, w->n - 1);
	return r >= n->id ? r + 1 : r;
}

/* The sequence number N's wallet gives its next transfer: the one after
 * its tip's and its own unbroken run of pending transfers. A transfer that
 * was refused or dropped leaves no gap: its number is used again, as a
 * wallet re-signs a nonce, or every later transfer would wait forever. */
uint32_t world_next_seq(const world_t *w, const struct node *n)
{
	uint32_t seq = ledger_next_seq(node_tip_state(&w->env, n), n->id);
	while (mempool_holds_seq(n->mempool, n->id, seq))
		seq++;
	return seq;
}

/* Trader N signs and sends one transfer. */
void world_make_transfer(world_t *w, struct node *n)
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
	t->seq = world_next_seq(w, n);
	t->created = evq_now(w->q);
	tx_sign(t, w->keys);
	world_adopt_tx(w, t, false);
	node_submit_tx(&w->env, n, t);
}

simtime_t world_trade_gap(struct node *n, const struct trade_cfg *tc)
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

void world_ev_trade(void *ctx, const struct evq_event *ev)
{
	world_t *w = ctx;
	struct node *n = &w->nodes[ev->dst];
	const struct group_cfg *g = &g_array_index(w->sc->groups, struct group_cfg,
						   config_node_group(w->sc, n->id));
	if (n->online)
		world_make_transfer(w, n);
	world_schedule(w, world_trade_gap(n, &g->trade), WORLD_EV_TRADE, n->id, 0);
}
