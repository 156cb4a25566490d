/* node: one node's protocol. See node.h. */
#include "powsim/node.h"

#include <math.h>
#include <string.h>

#include "powsim/check.h"
#include "powsim/mem.h"
#include "powsim/rng.h"

#define HOOK(env, name, ...) \
	do { \
		if ((env)->hooks && (env)->hooks->name) \
			(env)->hooks->name((env)->hook_ctx, __VA_ARGS__); \
	} while (0)

/* ---- verdicts, computed once for the world ---- */

/* The world-wide verdict on B, computing it (and B's ledger state) on
 * first use. B's parent must have a valid verdict already. */
static bool block_ok(const struct node_env *env, const struct block *b, const char **reason)
{
	enum chain_verdict v = chain_store_verdict(env->store, b->id, reason);
	if (v != CHAIN_UNCHECKED)
		return v == CHAIN_VALID;
	ledger_state_t *parent = chain_store_aux(env->store, b->parent->id);
	CHECK(parent != NULL);
	ledger_state_t *st = consensus_check_block(env->cons, b, parent, env->keys, reason);
	chain_store_set_verdict(env->store, b->id, st ? CHAIN_VALID : CHAIN_INVALID, *reason);
	chain_store_set_aux(env->store, b->id, st);
	return st != NULL;
}

ledger_state_t *node_tip_state(const struct node_env *env, const struct node *n)
{
	return chain_store_aux(env->store, n->view.tip->id);
}

/* ---- sending ---- */

/* Send to peer number PEER_INDEX; returns the delay until it arrives, or
 * -1 if the peer cannot be reached (nothing is sent). */
static simtime_t send_to(const struct node_env *env, struct node *n, uint32_t peer_index,
			 enum node_msg type, const void *ptr, uint64_t bytes)
{
	uint32_t peer = net_peer(env->net, n->id, peer_index);
	if (!net_reachable(env->net, n->id, peer))
		return -1;
	simtime_t now = evq_now(env->q);
	enum net_msg kind = type == MSG_BLOCK || type == MSG_CHAIN || type == MSG_BLOCKTXN ?
		NET_MSG_BLOCK : NET_MSG_CONTROL;
	simtime_t delay = net_send(env->net, n->id, peer_index, bytes, now, kind);
	struct evq_payload p = {
		.a = type, .b = net_reverse_index(env->net, n->id, peer_index), .c = n->id,
		.ptr = (void *)ptr,
	};
	evq_schedule(env->q, delay, NODE_EV_MSG, peer, &p);
	return delay;
}

/* ---- fetches: asking peers in turn for a block the node lacks ----
 * A node has few fetches at a time (one per missing branch), so the list
 * is scanned: O(fetches), and O(1) while there are none. */

static struct node_fetch *fetch_at(struct node *n, guint i)
{
	CHECK(i < n->n_fetches);
	return &n->fetches[i];
}

/* Remove fetch I, keeping the others in order. */
static void fetch_remove(struct node *n, guint i)
{
	memmove(n->fetches + i, n->fetches + i + 1, (n->n_fetches - i - 1) * sizeof *n->fetches);
	n->n_fetches--;
}

/* Index of N's fetch of WANT, or -1. */
static int fetch_find(const struct node *n, const struct block *want)
{
	for (uint32_t i = 0; i < n->n_fetches; i++)
		if (n->fetches[i].want == want)
			return (int)i;
	return -1;
}

static void fetch_end(const struct node_env *env, struct node *n, guint i)
{
	evq_cancel(env->q, fetch_at(n, i)->timer);
	fetch_remove(n, i);
}

/* B arrived, or is accepted for checking, or failed: no fetch needs it. */
static void fetch_resolved(const struct node_env *env, struct node *n, const struct block *b)
{
	int i = n->n_fetches ? fetch_find(n, b) : -1;
	if (i >= 0)
		fetch_end(env, n, (guint)i);
}

/* The request or answer of F was lost: time F out NODE_FETCH_TIMEOUT
 * from now (once: a pending timeout stays). */
static void fetch_arm(const struct node_env *env, struct node *n, struct node_fetch *f)
{
	struct evq_payload p = { .ptr = (void *)f->want };
	if (f->timer != 0)
		return;
	f->timer = evq_schedule(env->q, NODE_FETCH_TIMEOUT, NODE_EV_FETCH_TIMEOUT, n->id, &p);
}

/* Ask the next reachable peer F has not asked yet for F's block and the
 * chain holding it. Returns false if every peer has been asked. */
static bool fetch_ask_next(const struct node_env *env, struct node *n, struct node_fetch *f)
{
	uint32_t d = net_degree(env->net, n->id);
	while (f->tried < d) {
		uint32_t i = (f->first + f->tried++) % d;
		simtime_t due = send_to(env, n, i, MSG_GETCHAIN, f->want,
					env->net_cfg->header_bytes);
		if (due < 0)
			continue;
		f->peer = i;
		return true;
	}
	return false;
}

/* Every peer was asked for fetch I's block in vain: forget the request,
 * so that a peer that gets the block later announces it here again. */
static void fetch_give_up(struct node *n, guint i)
{
	const struct block *want = fetch_at(n, i)->want;
	if (chain_view_status(&n->view, want) == VIEW_REQUESTED)
		chain_view_set_status(&n->view, want, VIEW_UNKNOWN);
	fetch_remove(n, i);
}

/* Start fetching WANT (marked REQUESTED) unless a fetch of it runs. If
 * SENT, the caller has just asked peer FIRST; otherwise peers are asked
 * from FIRST on. */
static void fetch_start(const struct node_env *env, struct node *n, const struct block *want,
			uint32_t first, bool sent)
{
	if (fetch_find(n, want) >= 0)
		return;
	if (chain_view_status(&n->view, want) == VIEW_UNKNOWN)
		chain_view_set_status(&n->view, want, VIEW_REQUESTED);
	if (n->n_fetches == n->cap_fetches) {
		n->cap_fetches = n->cap_fetches ? 2 * n->cap_fetches : 2;
		if (n->fetches_own) {
			n->fetches = g_renew(struct node_fetch, n->fetches, n->cap_fetches);
		} else { /* out of the env's slots (or none yet) */
			struct node_fetch *own = g_new(struct node_fetch, n->cap_fetches);
			if (n->n_fetches)
				memcpy(own, n->fetches, n->n_fetches * sizeof *own);
			n->fetches = own;
			n->fetches_own = true;
		}
	}
	struct node_fetch *fp = &n->fetches[n->n_fetches++];
	*fp = (struct node_fetch){ .want = want, .first = first, .peer = first };
	if (sent)
		fp->tried = 1;
	else if (!fetch_ask_next(env, n, fp))
		fetch_give_up(n, n->n_fetches - 1);
}

/* Fetch I got no useful answer: ask the next peer, or give up. */
static void fetch_next(const struct node_env *env, struct node *n, guint i)
{
	struct node_fetch *f = fetch_at(n, i);
	enum view_status st = chain_view_status(&n->view, f->want);
	evq_cancel(env->q, f->timer);
	f->timer = 0;
	if (st != VIEW_UNKNOWN && st != VIEW_REQUESTED)
		fetch_remove(n, i);
	else if (!fetch_ask_next(env, n, f))
		fetch_give_up(n, i);
}

/* A fetch's timeout fired (a live one: ended fetches cancel theirs). */
static void on_fetch_timeout(const struct node_env *env, struct node *n, const struct evq_event *ev)
{
	int i = fetch_find(n, ev->p.ptr);
	if (i >= 0) {
		fetch_at(n, (guint)i)->timer = 0; /* fired */
		fetch_next(env, n, (guint)i);
	}
}

/* The network lost message EV on its way to N (a link down, a node
 * offline), or N could not send its answer to it: if it belonged to a
 * fetch, that fetch times out. A request of the sender's fetch, or an
 * answer to N's own fetch from that peer. O(degree) when it is a fetch's. */
static void fetch_lost(const struct node_env *env, struct node *n, const struct evq_event *ev)
{
	uint32_t from = (uint32_t)ev->p.c;
	struct node *r;
	uint32_t peer;
	int i;

	switch ((enum node_msg)ev->p.a) {
	case MSG_GETDATA:
	case MSG_GETCHAIN:
	case MSG_GETBLOCKTXN:
		r = &env->nodes[from];
		i = ev->p.ptr && r->n_fetches ? fetch_find(r, ev->p.ptr) : -1;
		peer = i >= 0 ? net_peer_index(env->net, from, n->id) : NET_NO_PEER;
		if (i >= 0 && fetch_at(r, (guint)i)->peer == peer)
			fetch_arm(env, r, fetch_at(r, (guint)i));
		break;
	case MSG_BLOCK:
	case MSG_BLOCKTXN:
	case MSG_CHAIN:
	case MSG_NOTFOUND:
		for (guint k = 0; k < n->n_fetches; k++)
			if (fetch_at(n, k)->peer == (uint32_t)ev->p.b)
				fetch_arm(env, n, fetch_at(n, k));
		break;
	default:
		break;
	}
}

/* Whether the chain ending at TIP brings a block N is missing: the
 * missing ancestor of an orphan, or a block it fetches. With CLAIM, those
 * blocks are marked PENDING (the chain will check them) and their
 * fetches end. O(orphans + fetches) ancestor tests. */
static bool brings_missing(const struct node_env *env, struct node *n, const struct block *tip,
			   bool claim)
{
	bool any = false;
	for (uint32_t i = 0; i < chain_view_orphan_count(&n->view); i++) {
		const struct block *o = chain_view_orphan(&n->view, i);
		const struct block *m = chain_view_status(&n->view, o) == VIEW_ORPHAN
						? chain_view_missing(&n->view, o) : NULL;
		if (m && chain_is_ancestor(m, tip)) {
			any = true;
			if (!claim)
				return true;
			chain_view_set_status(&n->view, m, VIEW_PENDING);
			fetch_resolved(env, n, m);
		}
	}
	for (guint i = 0; i < n->n_fetches;) {
		const struct block *m = fetch_at(n, i)->want;
		enum view_status st = chain_view_status(&n->view, m);
		if ((st == VIEW_UNKNOWN || st == VIEW_REQUESTED) && chain_is_ancestor(m, tip)) {
			any = true;
			if (!claim)
				return true;
			chain_view_set_status(&n->view, m, VIEW_PENDING);
			fetch_end(env, n, i);
			continue;
		}
		i++;
	}
	return any;
}


static bool uses_compact(const struct node_env *env, uint32_t id);
static uint64_t block_wire_size(const struct node_env *env, const struct block *b, uint32_t from,
				const struct node *peer);

/* Whether PEER's status of B is not UNKNOWN: one bit of the store's
 * while B spreads, rather than a search of the peer's view. */
static bool peer_knows(const struct node_env *env, uint32_t peer, const struct block *b)
{
	int seen = chain_store_seen(env->store, b, peer);
	return seen >= 0 ? seen : chain_view_status(&env->nodes[peer].view, b) != VIEW_UNKNOWN;
}

/* Announce B to every peer but EXCEPT that does not know of it yet: the
 * known-inventory filter of Bitcoin nodes, idealised (a peer that holds,
 * awaits or was offered B is skipped). A compact node's first
 * compact_hb compact peers (in its peer order) are its BIP 152
 * high-bandwidth peers: they get the compact block unsolicited instead
 * of the announcement. */
static void announce(const struct node_env *env, struct node *n, uint32_t except,
		     const struct block *b, uint64_t bytes)
{
	uint32_t d = net_degree(env->net, n->id);
	const uint32_t *peers = net_peers(env->net, n->id);
	uint32_t hb = uses_compact(env, n->id) ? env->net_cfg->compact_hb : 0;
	/* First who gets it (sending changes no peer's knowledge, so this
	 * holds for the loop below; bit I for peer I < 64) and what the sends
	 * will book at each receiver, all at once: one cache miss's wait for
	 * all of them rather than one each. */
	uint64_t gets = 0;
	for (uint32_t i = 0; i < d; i++)
		if (peers[i] != except && !peer_knows(env, peers[i], b)) {
			net_prefetch_receiver(env->net, peers[i]);
			if (i < 64)
				gets |= (uint64_t)1 << i;
		}
	for (uint32_t i = 0; i < d; i++) {
		uint32_t peer = peers[i];
		bool high = hb > 0 && uses_compact(env, peer);
		if (high)
			hb--;
		if (i < 64 ? !(gets >> i & 1) : peer == except || peer_knows(env, peer, b))
			continue;
		if (high)
			send_to(env, n, i, MSG_BLOCK, b, block_wire_size(env, b, n->id, &env->nodes[peer]));
		else
			send_to(env, n, i, MSG_INV, b, bytes);
	}
}

/* Send to every peer but EXCEPT (a node id, or NET_NO_PEER). */
static void broadcast(const struct node_env *env, struct node *n, uint32_t except,
		      enum node_msg type, const void *ptr, uint64_t bytes)
{
	uint32_t d = net_degree(env->net, n->id);
	const uint32_t *peers = net_peers(env->net, n->id);
	for (uint32_t i = 0; i < d; i++)
		if (peers[i] != except)
			send_to(env, n, i, type, ptr, bytes);
}

/* Bytes of the chain ending at TIP that a peer must download: all of it
 * for pull-chain (the source documents' /chain), else the blocks the peer
 * lacks (what a locator exchange would find). O(blocks walked). */
static uint64_t chain_bytes(const struct node_env *env, const struct block *tip,
			    const struct node *peer)
{
	uint64_t bytes = env->net_cfg->header_bytes;
	bool whole = env->net_cfg->relay == RELAY_PULL_CHAIN;
	for (const struct block *b = tip; b; b = b->parent) {
		if (!whole && chain_view_status(&peer->view, b) == VIEW_HAVE)
			break;
		bytes += b->size;
	}
	return bytes;
}

uint8_t *node_compact_users(const struct network_cfg *c, uint64_t seed, uint32_t n)
{
	if (!c->compact)
		return NULL;
	uint8_t *on = g_new(uint8_t, n);
	for (uint32_t id = 0; id < n; id++) {
		struct rng r;
		on[id] = 1;
		if (c->compact_share < 1) {
			rng_seed(&r, seed, RNG_STREAM_COMPACT + id);
			on[id] = rng_unit(&r) < c->compact_share;
		}
	}
	return on;
}

/* Whether node ID uses compact relay (node_compact_users). */
static bool uses_compact(const struct node_env *env, uint32_t id)
{
	return env->compact && env->compact[id];
}

/* Whether B crosses from node FROM to PEER as a compact block. */
static bool compact_link(const struct node_env *env, uint32_t from, uint32_t peer)
{
	return uses_compact(env, from) && uses_compact(env, peer);
}

/* Bytes of B on the wire from node FROM to PEER. Compact relay (when
 * both use it) sends the header and a short id (8 bytes) per
 * transaction, plus in full the simulated ones PEER's mempool lacks; the
 * block's unsimulated bulk (network.block_size) is taken to be in every
 * mempool, as compact relay assumes. */
static uint64_t block_wire_size(const struct node_env *env, const struct block *b, uint32_t from,
				const struct node *peer)
{
	const struct network_cfg *c = env->net_cfg;
	if (!compact_link(env, from, peer->id))
		return b->size;
	uint64_t body = b->size > c->header_bytes ? b->size - c->header_bytes : 0;
	uint64_t bytes = c->header_bytes + 8 * (c->tx_bytes ? body / c->tx_bytes : 0);
	for (uint32_t i = 1; i < b->n_tx; i++)
		if (!mempool_get(peer->mempool, b->txs[i]->id))
			bytes += c->tx_bytes;
	return bytes;
}

/* Whether compact block B fails to rebuild at N (its group's
 * compact_fail, else the network's): drawn once per (block, node) from
 * its own stream, so a second copy fails alike. */
static bool rebuild_fails(const struct node_env *env, const struct node *n, const struct block *b)
{
	double p = n->compact_fail;
	if (p <= 0)
		return false;
	struct rng r;
	rng_seed(&r, env->seed, RNG_STREAM_REBUILD + (uint64_t)b->id * env->n + n->id);
	return rng_unit(&r) < p;
}

/* What a failed rebuild fetches (blocktxn): the share compact_missing
 * of the block when set (SimBlock's cost), else the block's transactions
 * beyond the compact block's short ids, i.e. its full size less what
 * already crossed; at least the header. */
static uint64_t blocktxn_bytes(const struct node_env *env, const struct block *b, uint32_t from,
			       const struct node *peer)
{
	uint64_t h = env->net_cfg->header_bytes;
	double missing = env->net_cfg->compact_missing;
	if (missing >= 0) {
		uint64_t m = (uint64_t)llround(missing * (double)b->size);
		return m > h ? m : h;
	}
	uint64_t sent = block_wire_size(env, b, from, peer);
	return b->size > sent ? b->size - sent + h : h;
}

/* Push B to every peer but EXCEPT. */
static void push_block(const struct node_env *env, struct node *n, uint32_t except,
		       const struct block *b)
{
	uint32_t d = net_degree(env->net, n->id);
	const uint32_t *peers = net_peers(env->net, n->id);
	for (uint32_t i = 0; i < d; i++) {
		uint32_t peer = peers[i];
		if (peer != except)
			send_to(env, n, i, MSG_BLOCK, b, block_wire_size(env, b, n->id, &env->nodes[peer]));
	}
}

/* Tell peers about B, newly held; TIP_CHANGED if it became our tip. A
 * withholding miner keeps its own blocks (and what builds on them) to
 * itself; a strategic miner relays nothing but what its strategy
 * publishes (it does not help its rivals' blocks along). */
static void relay_block(const struct node_env *env, struct node *n, const struct block *b,
			uint32_t from, bool tip_changed)
{
	uint64_t small = env->net_cfg->header_bytes;
	if (n->strategy)
		return;
	if (n->withholding) {
		if (b->h.miner == n->id)
			return;
		if (chain_compare(b, n->public_tip, env->cons_cfg->fork_choice) > 0)
			n->public_tip = b;
	}
	switch (env->net_cfg->relay) {
	case RELAY_PUSH:
		push_block(env, n, from, b);
		break;
	case RELAY_INV:
		announce(env, n, from, b, small);
		break;
	case RELAY_PULL_CHAIN:
		if (tip_changed && n->view.tip == b)
			broadcast(env, n, from, MSG_ANNOUNCE, b, small);
		break;
	}
}

void node_inject_tx(const struct node_env *env, struct node *n, const struct tx *t)
{
	broadcast(env, n, NET_NO_PEER, MSG_TX, t, env->net_cfg->tx_bytes);
}

void node_inject_block(const struct node_env *env, struct node *n, const struct block *b)
{
	push_block(env, n, NET_NO_PEER, b);
}

void node_withhold(struct node *n)
{
	if (n->strategy)
		return;
	n->withholding = true;
	n->public_tip = n->view.tip;
}

void node_release(const struct node_env *env, struct node *n)
{
	if (n->strategy)
		return;
	n->withholding = false;
	n->public_tip = n->view.tip;
	uint32_t d = net_degree(env->net, n->id);
	for (uint32_t i = 0; i < d; i++) {
		const struct node *peer = &env->nodes[net_peer(env->net, n->id, i)];
		send_to(env, n, i, MSG_CHAIN, n->view.tip, chain_bytes(env, n->view.tip, peer));
	}
}

void node_request_chains(const struct node_env *env, struct node *n)
{
	broadcast(env, n, NET_NO_PEER, MSG_GETCHAIN, NULL, env->net_cfg->header_bytes);
	/* Fetches that gave up (no peer could be reached) start again. */
	for (uint32_t i = 0; i < chain_view_orphan_count(&n->view); i++) {
		const struct block *o = chain_view_orphan(&n->view, i);
		const struct block *m = chain_view_status(&n->view, o) == VIEW_ORPHAN
						? chain_view_missing(&n->view, o) : NULL;
		if (m)
			fetch_start(env, n, m, 0, false);
	}
}

/* ---- validation work ---- */

static simtime_t validation_cost(const struct node_env *env, const struct block *b)
{
	const struct network_cfg *c = env->net_cfg;
	return c->validate_block + (simtime_t)b->n_tx * c->validate_tx +
	       (simtime_t)((double)b->size * (double)c->validate_mb / 1e6);
}

/* Queue WORK of validation behind N's earlier work; returns its delay. */
static simtime_t book_work(const struct node_env *env, struct node *n, simtime_t work)
{
	simtime_t now = evq_now(env->q);
	simtime_t start = n->busy_until > now ? n->busy_until : now;
	n->busy_until = start + work;
	return n->busy_until - now;
}

static void schedule_validation(const struct node_env *env, struct node *n,
				const struct block *b, uint32_t from)
{
	chain_view_set_status(&n->view, b, VIEW_PENDING);
	fetch_resolved(env, n, b);
	struct evq_payload p = { .c = from, .ptr = (void *)b };
	evq_schedule(env->q, book_work(env, n, validation_cost(env, b)), NODE_EV_VALIDATED,
		     n->id, &p);
}

/* B and every orphan waiting on it are invalid for N. */
static void reject_block(const struct node_env *env, struct node *n, const struct block *b,
			 const char *reason)
{
	chain_view_set_status(&n->view, b, VIEW_INVALID);
	fetch_resolved(env, n, b);
	HOOK(env, block_rejected, n, b, reason);
	const struct block *o;
	while ((o = chain_view_take_orphan(&n->view, b)) != NULL)
		reject_block(env, n, o, "bad-prevblk");
}

/* ---- strategic miners (strategy.h) ---- */

struct strategy_ctx {
	const struct node_env *env;
	struct node *n;
};

/* Own block B goes public the way the relay protocol sends a new block;
 * LAST: the newest of those published together. */
static void publish_one(const struct node_env *env, struct node *n, const struct block *b,
			bool last)
{
	uint64_t small = env->net_cfg->header_bytes;
	switch (env->net_cfg->relay) {
	case RELAY_PUSH:
		push_block(env, n, NET_NO_PEER, b);
		break;
	case RELAY_INV:
		announce(env, n, NET_NO_PEER, b, small);
		break;
	case RELAY_PULL_CHAIN:
		if (last)
			broadcast(env, n, NET_NO_PEER, MSG_ANNOUNCE, b, small);
		break;
	}
}

/* Publish B and its own ancestors not yet published, oldest first. */
static void io_publish(void *ctx, const struct block *b)
{
	struct strategy_ctx *s = ctx;
	struct node *n = s->n;
	GPtrArray *todo = g_ptr_array_new();
	for (const struct block *x = b; x && x->h.miner == n->id &&
	     !(n->published && chain_is_ancestor(x, n->published)); x = x->parent)
		g_ptr_array_add(todo, (void *)x);
	for (guint i = todo->len; i-- > 0;)
		publish_one(s->env, n, g_ptr_array_index(todo, i), i == 0);
	g_ptr_array_free(todo, TRUE);
	n->published = b;
	n->public_tip = b;
}

static void io_mine_on(void *ctx, const struct block *b)
{
	struct strategy_ctx *s = ctx;
	if (s->n->mine_on == b)
		return;
	s->n->mine_on = b;
	node_rebuild_template(s->env, s->n);
}

static void io_report(void *ctx, const struct strategy_event *e)
{
	struct strategy_ctx *s = ctx;
	HOOK(s->env, strategy_event, s->n, e);
}

static struct strategy_io strategy_io_of(struct strategy_ctx *s)
{
	return (struct strategy_io){
		.ctx = s, .self = s->n->id, .publish = io_publish, .mine_on = io_mine_on,
		.report = io_report,
	};
}

/* The tip a chain on offer must beat to be worth fetching: a strategic
 * miner must hear of every public chain better than the public one it
 * knows, however far ahead its private chain is. */
static const struct block *shown_tip(const struct node *n)
{
	return n->strategy ? n->public_tip : n->view.tip;
}

/* N connected B, someone else's block: its strategy decides. */
static void strategy_learned(const struct node_env *env, struct node *n, const struct block *b)
{
	if (chain_compare(b, n->public_tip, env->cons_cfg->fork_choice) > 0)
		n->public_tip = b;
	struct strategy_ctx s = { env, n };
	struct strategy_io io = strategy_io_of(&s);
	n->strategy->on_block(n->strategy_state, &io, b);
}

/* ---- tip changes and the mempool ---- */

/* The transfers of abandoned block B go back to N's pool (a full pool
 * reports what it cannot take). */
static void add_back(const struct node_env *env, struct node *n, const struct block *b)
{
	for (uint32_t i = 1; i < b->n_tx; i++) {
		n->pooled = true;
		struct mempool_verdict v = mempool_add(n->mempool, b->txs[i], NULL);
		if (v.code == MEMPOOL_FULL)
			HOOK(env, tx_rejected, n, b->txs[i], v.reason);
	}
}

/* The size of N's pool, without touching it while it has never held a
 * transaction (with every node mining, each tip change asks every node). */
static uint32_t pool_size(const struct node *n)
{
	return n->pooled ? mempool_size(n->mempool) : 0;
}

static void drop_cb(void *ctx, const struct tx *t, enum ledger_code why)
{
	void **pair = ctx;
	const struct node_env *env = pair[0];
	const struct node *n = pair[1];
	HOOK(env, tx_rejected, n, t, ledger_reason(why));
}

static void update_mempool(const struct node_env *env, struct node *n,
			   const struct chain_reorg *r)
{
	if (r->depth == 0 && pool_size(n) == 0)
		return; /* nothing pending, nothing abandoned */
	/* Oldest abandoned block first, so arrival order is kept. */
	GPtrArray *gone = g_ptr_array_new();
	for (const struct block *b = r->old_tip; b != r->fork; b = b->parent)
		g_ptr_array_add(gone, (void *)b);
	for (guint i = gone->len; i-- > 0;)
		add_back(env, n, g_ptr_array_index(gone, i));
	g_ptr_array_free(gone, TRUE);
	for (const struct block *b = r->new_tip; b != r->fork; b = b->parent)
		mempool_remove_block(n->mempool, b->txs, b->n_tx);
	void *ctx[2] = { (void *)env, n };
	mempool_revalidate(n->mempool, node_tip_state(env, n), NULL, drop_cb, ctx);
}

static void tip_changed(const struct node_env *env, struct node *n, const struct chain_reorg *r)
{
	HOOK(env, tip_changed, n, r);
	update_mempool(env, n, r);
	/* A node that does not mine and has no template keeps none: the
	 * mining engine has nothing to restart (every relay's every tip
	 * change would otherwise touch its miner record). */
	if (n->role == ROLE_MINER || n->has_template)
		node_rebuild_template(env, n);
}

/* Connect B (valid, parent held) and everything waiting on it; tell
 * peers if RELAY (a fetched chain is relayed once, by its last block). */
static void connect_block(const struct node_env *env, struct node *n,
			  const struct block *b, uint32_t from, bool relay)
{
	struct chain_reorg r;
	bool changed = chain_view_connect(&n->view, b, env->cons_cfg->fork_choice, &r);
	fetch_resolved(env, n, b);
	HOOK(env, block_held, n, b);
	if (changed)
		tip_changed(env, n, &r);
	if (relay)
		relay_block(env, n, b, from, n->view.tip == b);
	const struct block *o;
	while ((o = chain_view_take_orphan(&n->view, b)) != NULL)
		schedule_validation(env, n, o, from);
	if (n->strategy && b->h.miner != n->id)
		strategy_learned(env, n, b);
}

static void accept_validated(const struct node_env *env, struct node *n,
			     const struct block *b, uint32_t from)
{
	enum view_status st = chain_view_status(&n->view, b);
	if (st == VIEW_HAVE || st == VIEW_INVALID)
		return;
	const char *reason = NULL;
	if (!block_ok(env, b, &reason)) {
		reject_block(env, n, b, reason);
		return;
	}
	connect_block(env, n, b, from, true);
}

/* ---- messages ---- */

/* FROM sent B; BACK is FROM's index among N's peers, to answer it. */
static void on_block(const struct node_env *env, struct node *n, const struct block *b,
		     uint32_t from, uint32_t back)
{
	enum view_status st = chain_view_status(&n->view, b);
	if (st != VIEW_UNKNOWN && st != VIEW_REQUESTED)
		return; /* a duplicate: dropped before it costs work */
	enum view_status pst = chain_view_status(&n->view, b->parent);
	if (pst == VIEW_INVALID) {
		reject_block(env, n, b, "bad-prevblk");
		return;
	}
	if (pst != VIEW_HAVE) {
		chain_view_add_orphan(&n->view, b);
		fetch_resolved(env, n, b);
		/* Missing history: fetch the chain holding it from the sender
		 * in one go (then from other peers), unless the parent is being
		 * validated. A parent only requested may have been lost with
		 * its sender: ask this one too. A parent that is itself an
		 * orphan leads to the first block missing below it. */
		const struct block *m = pst == VIEW_ORPHAN ? chain_view_missing(&n->view, b) : NULL;
		if (pst != VIEW_PENDING && pst != VIEW_ORPHAN) {
			chain_view_set_status(&n->view, b->parent, VIEW_REQUESTED);
			bool sent = send_to(env, n, back, MSG_GETCHAIN, b->parent,
					    env->net_cfg->header_bytes) >= 0;
			fetch_start(env, n, b->parent, back, sent);
		} else if (m && fetch_find(n, m) < 0) {
			fetch_start(env, n, m, back, false);
		}
		return;
	}
	schedule_validation(env, n, b, from);
}

static void on_chain(const struct node_env *env, struct node *n, const struct block *tip,
		     uint32_t from)
{
	enum fork_choice rule = env->cons_cfg->fork_choice;
	enum view_status st = chain_view_status(&n->view, tip);
	if (st == VIEW_HAVE || st == VIEW_INVALID)
		return;
	/* A chain no better than the tip is still kept if it brings a block
	 * the node misses: blocks built on it then connect. */
	bool better = chain_compare(tip, shown_tip(n), rule) > 0;
	bool needed = brings_missing(env, n, tip, false);
	if (!better && !needed)
		return;
	/* One fetch at a time per chain: a tip no better than the one being
	 * checked adds nothing. */
	bool dup = n->fetching && chain_compare(tip, n->fetching, rule) <= 0;
	if (dup && !needed)
		return;
	if (better && !dup)
		n->fetching = tip;
	if (needed)
		brings_missing(env, n, tip, true);
	/* The source documents' nodes check every block of a fetched chain;
	 * other relays check only the blocks they lack. */
	bool whole = env->net_cfg->relay == RELAY_PULL_CHAIN;
	simtime_t work = 0;
	for (const struct block *b = tip; b && b->parent; b = b->parent) {
		if (!whole && chain_view_status(&n->view, b) == VIEW_HAVE)
			break;
		work += validation_cost(env, b);
	}
	struct evq_payload p = { .c = from, .ptr = (void *)tip };
	evq_schedule(env->q, book_work(env, n, work), NODE_EV_CHAIN_DONE, n->id, &p);
}

/* A fetched chain has been checked: connect its blocks oldest first. */
static void chain_done(const struct node_env *env, struct node *n, const struct block *tip,
		       uint32_t from)
{
	if (n->fetching == tip)
		n->fetching = NULL;
	GPtrArray *todo = g_ptr_array_new();
	for (const struct block *b = tip; chain_view_status(&n->view, b) != VIEW_HAVE; b = b->parent)
		g_ptr_array_add(todo, (void *)b);
	for (guint i = todo->len; i-- > 0;) {
		const struct block *b = g_ptr_array_index(todo, i);
		const char *reason = NULL;
		if (chain_view_status(&n->view, b) == VIEW_INVALID || !block_ok(env, b, &reason)) {
			reject_block(env, n, b, reason ? reason : "bad-prevblk");
			for (guint j = i; j-- > 0;)
				reject_block(env, n, g_ptr_array_index(todo, j), "bad-prevblk");
			break;
		}
		connect_block(env, n, b, from, i == 0);
	}
	g_ptr_array_free(todo, TRUE);
}

static bool authentic(const struct node_env *env, const struct tx *t)
{
	return !env->hooks || !env->hooks->tx_authentic ||
	       env->hooks->tx_authentic(env->hook_ctx, t);
}

/* T reaches N from peer FROM (NET_NO_PEER: N made it). Pool it, relay
 * it, refresh the template; returns whether it was pooled. A duplicate is
 * dropped quietly (floods deliver each transaction many times). */
static bool accept_tx(const struct node_env *env, struct node *n, const struct tx *t,
		      uint32_t from)
{
	if (!authentic(env, t)) {
		HOOK(env, tx_rejected, n, t, "bad-signature");
		return false;
	}
	n->pooled = true;
	struct mempool_verdict v = mempool_add(n->mempool, t, node_tip_state(env, n));
	if (v.code == MEMPOOL_DUPLICATE)
		return false;
	if (v.code != MEMPOOL_ADDED) {
		HOOK(env, tx_rejected, n, t, v.reason);
		return false;
	}
	if (v.evicted)
		HOOK(env, tx_rejected, n, v.evicted, "mempool-full");
	broadcast(env, n, from, MSG_TX, t, env->net_cfg->tx_bytes);
	if (env->pool_cfg->refresh == REFRESH_ON_TX)
		node_rebuild_template(env, n);
	return true;
}

/* Peer FROM fetches WANT: send the chain holding it (the tip's if WANT
 * is on it, else the chain ending at WANT), or say it is not found. A
 * withholder never shows its private blocks. Returns false if the answer
 * could not be sent (FROM is out of reach). */
static bool serve_fetch(const struct node_env *env, struct node *n, const struct block *want,
			uint32_t from, uint32_t back)
{
	const struct block *tip = n->withholding ? n->public_tip : n->view.tip;
	bool private = n->withholding && want->h.miner == n->id &&
		       !chain_is_ancestor(want, n->public_tip);
	if (chain_view_status(&n->view, want) != VIEW_HAVE || private)
		return send_to(env, n, back, MSG_NOTFOUND, want, env->net_cfg->header_bytes) >= 0;
	if (!chain_is_ancestor(want, tip))
		tip = want;
	return send_to(env, n, back, MSG_CHAIN, tip, chain_bytes(env, tip, &env->nodes[from])) >= 0;
}

static void on_msg(const struct node_env *env, struct node *n, const struct evq_event *ev)
{
	uint32_t from = (uint32_t)ev->p.c;
	if (!net_reachable(env->net, from, n->id)) {
		fetch_lost(env, n, ev); /* the link went down while it was in flight */
		return;
	}
	uint32_t back = (uint32_t)ev->p.b;
	const struct block *b = ev->p.ptr;
	uint64_t small = env->net_cfg->header_bytes;
	switch ((enum node_msg)ev->p.a) {
	case MSG_BLOCK: {
		enum view_status st = chain_view_status(&n->view, b);
		/* A compact block that does not rebuild costs a round trip
		 * (getblocktxn, blocktxn) and the missing transactions. */
		if ((st == VIEW_UNKNOWN || st == VIEW_REQUESTED) && compact_link(env, from, n->id) &&
		    rebuild_fails(env, n, b)) {
			chain_view_set_status(&n->view, b, VIEW_REQUESTED);
			if (send_to(env, n, back, MSG_GETBLOCKTXN, b, small) < 0)
				fetch_lost(env, n, ev);
			break;
		}
		on_block(env, n, b, from, back);
		break;
	}
	case MSG_INV: {
		/* Asked of the first announcer; if it fails to deliver, the
		 * fetch turns to the other peers. A fetch that gave up starts
		 * again at a new announcement. */
		enum view_status st = chain_view_status(&n->view, b);
		if (st == VIEW_UNKNOWN || (st == VIEW_REQUESTED && fetch_find(n, b) < 0)) {
			if (st == VIEW_UNKNOWN)
				chain_view_set_status(&n->view, b, VIEW_REQUESTED);
			fetch_start(env, n, b, back, send_to(env, n, back, MSG_GETDATA, b, small) >= 0);
		}
		break;
	}
	case MSG_GETDATA:
		if (chain_view_status(&n->view, b) == VIEW_HAVE ?
		    send_to(env, n, back, MSG_BLOCK, b,
			    block_wire_size(env, b, n->id, &env->nodes[from])) < 0 :
		    send_to(env, n, back, MSG_NOTFOUND, b, small) < 0)
			fetch_lost(env, n, ev);
		break;
	case MSG_GETBLOCKTXN:
		if (chain_view_status(&n->view, b) == VIEW_HAVE &&
		    send_to(env, n, back, MSG_BLOCKTXN, b,
			    blocktxn_bytes(env, b, n->id, &env->nodes[from])) < 0)
			fetch_lost(env, n, ev);
		break;
	case MSG_BLOCKTXN:
		on_block(env, n, b, from, back);
		break;
	case MSG_NOTFOUND: {
		int i = fetch_find(n, b);
		if (i >= 0 && fetch_at(n, (guint)i)->peer == back)
			fetch_next(env, n, (guint)i);
		break;
	}
	case MSG_ANNOUNCE:
		if (chain_view_status(&n->view, b) != VIEW_HAVE &&
		    chain_compare(b, shown_tip(n), env->cons_cfg->fork_choice) > 0)
			send_to(env, n, back, MSG_GETCHAIN, NULL, small);
		break;
	case MSG_GETCHAIN:
		if (b) {
			if (!serve_fetch(env, n, b, from, back))
				fetch_lost(env, n, ev);
		} else {
			const struct block *tip = n->withholding ? n->public_tip : n->view.tip;
			send_to(env, n, back, MSG_CHAIN, tip, chain_bytes(env, tip, &env->nodes[from]));
		}
		break;
	case MSG_CHAIN:
		on_chain(env, n, b, from);
		break;
	case MSG_TX:
		accept_tx(env, n, ev->p.ptr, from);
		break;
	}
}

void node_prefetch(const struct node_env *env, const struct evq_event *ev, unsigned ahead)
{
	if (ev->dst >= env->n)
		return;
	const struct node *n = &env->nodes[ev->dst];
	bool msg = ev->kind == NODE_EV_MSG;
	uint32_t from = msg ? (uint32_t)ev->p.c : NET_NO_PEER;
	/* a message is answered on its link (BACK); a validated block is
	 * relayed on all of them (NET_NO_PEER); other events send nothing
	 * that needs links fetched */
	uint32_t back = msg ? (uint32_t)ev->p.b : NET_NO_PEER;
	if (ahead == 1 && !msg && ev->kind != NODE_EV_VALIDATED)
		return;
	if (ahead >= 2) {
		MEM_PREFETCH(n);
		MEM_PREFETCH((const char *)n + 64);
		/* its first fetches, found without reading the node */
		if (env->fetch_slots)
			MEM_PREFETCH(&env->fetch_slots[(size_t)ev->dst * NODE_FETCH_SLOTS]);
	} else {
		chain_view_prefetch(&n->view); /* the node was fetched at 2 */
	}
	net_prefetch(env->net, ev->dst, from, back, ahead);
}

void node_handle(const struct node_env *env, struct node *n, const struct evq_event *ev)
{
	/* Work already under way finishes while a node is offline (it just
	 * cannot tell anyone); only messages are lost. */
	switch ((enum node_event)ev->kind) {
	case NODE_EV_MSG:
		if (n->online)
			on_msg(env, n, ev);
		else
			fetch_lost(env, n, ev);
		break;
	case NODE_EV_VALIDATED:
		accept_validated(env, n, ev->p.ptr, (uint32_t)ev->p.c);
		break;
	case NODE_EV_CHAIN_DONE:
		chain_done(env, n, ev->p.ptr, (uint32_t)ev->p.c);
		break;
	case NODE_EV_FETCH_TIMEOUT:
		on_fetch_timeout(env, n, ev);
		break;
	default:
		CHECK(!"not a node event");
	}
}

/* ---- mining and transactions ---- */

/* The coinbase of N's template at HEIGHT paying AMOUNT. A miner has one
 * coinbase of its own, made on its first template (the arena frees it),
 * kept as it is, creation time included, while height and amount stay the
 * same, and rewritten in place when either changes. A block mined on the
 * template gets a copy of it (world.c, on_mined), so a run holds one
 * coinbase per miner and one per block, not one per template. The rewrite
 * itself (fields and id, which needs the miner's key) waits until the
 * template is sealed: with every node mining, most templates never are. */
static const struct tx *coinbase_for(const struct node_env *env, struct node *n,
				     uint32_t height, uint64_t amount)
{
	struct node_template *t = &n->tpl;
	struct tx *cb = t->cb;
	if (cb && t->cb_height == height && t->cb_amount == amount)
		return cb;
	if (!cb) {
		cb = t->cb = g_new0(struct tx, 1);
		g_ptr_array_add(env->tx_arena, cb);
	}
	t->cb_height = height;
	t->cb_amount = amount;
	t->cb_created = evq_now(env->q);
	t->cb_stale = true;
	return cb;
}

void node_template_seal(const struct node_env *env, struct node *n)
{
	struct node_template *t = &n->tpl;
	CHECK(n->has_template);
	if (t->sealed)
		return;
	if (t->cb_stale) {
		tx_coinbase(t->cb, env->keys, n->id, t->cb_amount,
			    t->cb_height, t->cb_created);
		t->cb_stale = false;
	}
	block_merkle((const struct tx *const *)t->txs->pdata, t->txs->len, t->h.merkle);
	t->sealed = true;
}

/* Room for the selection of a template on the stack: most templates of a
 * run hold few transactions. */
#define TPL_STACK_TXS 64

void node_rebuild_template(const struct node_env *env, struct node *n)
{
	if (n->role != ROLE_MINER || !n->online || n->hashrate == 0) {
		n->has_template = false;
		HOOK(env, template_changed, n);
		return;
	}
	const struct block *tip = n->mine_on ? n->mine_on : n->view.tip;
	simtime_t now = evq_now(env->q);
	uint32_t avail = pool_size(n);
	uint32_t max = MIN(env->cons_cfg->max_block_txs, avail);
	const struct tx *stack_sel[TPL_STACK_TXS + 1];
	const struct tx **sel = max < TPL_STACK_TXS ? stack_sel
						    : g_new(const struct tx *, (gsize)max + 1);
	uint32_t k = max ? mempool_select(n->mempool, chain_store_aux(env->store, tip->id),
					  max, sel + 1)
			 : 0;
	uint64_t fees = 0;
	for (uint32_t i = 1; i <= k; i++)
		fees += sel[i]->fee;
	sel[0] = coinbase_for(env, n, tip->h.height + 1, consensus_reward(env->cons) + fees);
	/* The array lives apart from the node: leave it be (a cache miss
	 * or two) when it already holds the coinbase alone. */
	if (k > 0 || !n->tpl.cb_alone) {
		g_ptr_array_set_size(n->tpl.txs, (guint)k + 1);
		memcpy(n->tpl.txs->pdata, sel, ((size_t)k + 1) * sizeof *sel);
		n->tpl.cb_alone = k == 0;
	}
	if (sel != stack_sel)
		g_free(sel);

	struct block_header *h = &n->tpl.h;
	memset(h, 0, sizeof *h);
	h->version = BLOCK_VERSION |
		     (env->cons_cfg->mode == MINING_MODEL ? BLOCK_FLAG_MODELLED : 0);
	h->height = tip->h.height + 1;
	memcpy(h->prev, tip->hash, 32);
	h->timestamp = now;
	h->millizeros = consensus_required(env->cons, tip, now);
	h->miner = n->id;
	n->tpl.fees = fees;
	n->tpl.parent = tip;
	n->tpl.t0 = now;
	n->tpl.gen++;
	n->tpl.sealed = false;
	n->has_template = true;
	HOOK(env, template_changed, n);
}

void node_mined(const struct node_env *env, struct node *n, const struct block *b)
{
	const char *reason = NULL;
	bool ok = block_ok(env, b, &reason);
	if (!ok)
		g_error("node %u mined an invalid block: %s", n->id, reason);
	connect_block(env, n, b, NET_NO_PEER, true);
	if (n->strategy) {
		struct strategy_ctx s = { env, n };
		struct strategy_io io = strategy_io_of(&s);
		n->strategy->on_mined(n->strategy_state, &io, b);
	}
}

bool node_submit_tx(const struct node_env *env, struct node *n, const struct tx *t)
{
	return accept_tx(env, n, t, NET_NO_PEER);
}

void node_init(struct node *n, uint32_t id, const struct node_spec *g,
	       const struct node_env *env)
{
	memset(n, 0, sizeof *n);
	n->id = id;
	n->role = g->role;
	n->online = true;
	n->compact_fail = g->compact_fail;
	n->hashrate = g->role == ROLE_MINER ? (uint64_t)(g->hashrate + 0.5) : 0;
	chain_view_init(&n->view, chain_store_genesis(env->store));
	chain_store_track(env->store, env->n);
	chain_view_track(&n->view, env->store, id);
	n->public_tip = n->view.tip;
	if (env->fetch_slots) {
		n->fetches = &env->fetch_slots[(size_t)id * NODE_FETCH_SLOTS];
		n->cap_fetches = NODE_FETCH_SLOTS;
	}
	n->mempool = mempool_new(env->pool_cfg->order, env->pool_cfg->capacity);
	rng_seed(&n->rng, env->seed, RNG_STREAM_TRADE + id);
	n->tpl.txs = g_ptr_array_new();
	n->strategy = g->role == ROLE_MINER && g->strategy ? strategy_find(g->strategy->name) : NULL;
	if (n->strategy) {
		n->strategy_state = n->strategy->new_state(g->strategy, n->view.tip);
		n->withholding = true;
		n->mine_on = n->view.tip;
	}
}

void node_clear(struct node *n)
{
	chain_view_clear(&n->view);
	if (n->fetches_own)
		g_free(n->fetches);
	mempool_free(n->mempool);
	if (n->tpl.txs)
		g_ptr_array_free(n->tpl.txs, TRUE);
	g_free(n->strategy_state);
	memset(n, 0, sizeof *n);
}
