/* world_live: live mode (world.h): actions applied as they come, the
 * advance of the clock, and what the node API reads. */
#include "world_int.h"

#include "powsim/check.h"

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

/* The first node of IDS (an action's resolved names), or UINT32_MAX. */
static uint32_t one_node(const GArray *ids)
{
	return ids && ids->len > 0 ? g_array_index(ids, guint32, 0) : UINT32_MAX;
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
	uint32_t from = one_node(e->from_ids), to = one_node(e->to_ids);
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
	struct tx *t = world_transfer_from(w, &w->nodes[from], seq, e->amount, to);
	world_adopt_tx(w, t, false);
	r->tx = t;
	r->ok = node_submit_tx(&w->env, at, t);
	if (!r->ok) {
		const struct world_tx *rec =
			&g_array_index(w->txs, struct world_tx, w->txs->len - 1);
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
	world_account_rate(w, n->id);
	w->live.role[n->id] = n->role;
	n->hashrate = world_oneshot_rate(w, n->id);
	n->role = ROLE_MINER;
	w->miner_ids[w->n_miners++] = n->id;
	node_rebuild_template(&w->env, n);
}

void world_live_mined(world_t *w, struct node *n)
{
	if (!w->live.oneshot || w->live.oneshot[n->id] == 0 || --w->live.oneshot[n->id] > 0)
		return;
	world_account_rate(w, n->id);
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
	world_miner_stop(w, n->id);
	struct block *b = world_mine_block(w, n, nonce);
	r->ok = true;
	r->block = b;
}

char *world_live_apply(world_t *w, const struct event_cfg *e, GArray *ids)
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
		return g_strdup_printf("%s>%s %" G_GUINT64_FORMAT "%s", e->from, e->link_to,
				       e->amount, r->ok ? "" : " refused");
	case TL_MINE:
		live_mine(w, n, r);
		return g_strdup("");
	case TL_SUBMIT:
		live_submit(w, n, e->nonce, r);
		return g_strdup_printf("%" G_GUINT64_FORMAT "%s", e->nonce,
				       r->ok ? "" : " invalid");
	case TL_RESOLVE:
		r->block = n->view.tip;
		r->ok = true;
		node_request_chains(&w->env, n);
		return g_strdup("");
	case TL_LINK: {
		uint32_t to = one_node(e->to_ids);
		r->ok = to != UINT32_MAX && net_add_link(w->net, n->id, to);
		if (!r->ok)
			r->reason = "linked-already";
		return g_strdup(e->link_to ? e->link_to : "");
	}
	default:
		CHECK_NOT_REACHED();
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
		if (real && world_mine_until(w, next)) {
			if (world_interrupted(w))
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
	CHECK(!e->by_height && e->at > now);
	if (e->action == TL_DIFFICULTY) {
		struct difficulty_change d = { .at = e->at, .millizeros = e->millizeros };
		consensus_add_change(w->cons, &d);
	}
	live_result(w, e)->applied = false;
	world_schedule(w, e->at - now, WORLD_EV_TIMELINE, 0, index);
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
	world_end_run(w, NULL, w->live.t0 ? w->live.t0 : g_get_monotonic_time());
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
