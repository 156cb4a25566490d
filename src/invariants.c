/* invariants: the checks of --check-invariants (see invariants.h). */
#include "powsim/invariants.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "powsim/chain.h"
#include "powsim/ledger.h"
#include "powsim/mempool.h"
#include "powsim/net.h"
#include "powsim/report.h"
#include "powsim/units.h"

/* Report a breach at node ID (UINT32_MAX: the store) and abort. */
static G_NORETURN void G_GNUC_PRINTF(3, 4) broken(const world_t *w, uint32_t id, const char *fmt, ...)
{
	char name[64] = "block store", when[32];
	va_list ap;

	if (id != UINT32_MAX)
		world_node_name(w, id, name, sizeof name);
	units_format_duration(world_now(w), when, sizeof when);
	fprintf(stderr, "powsim: invariant broken at simulated time %s, %s%s (scenario %s): ", when,
	        id != UINT32_MAX ? "node " : "", name, world_scenario(w)->file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

static const char *verdict_name(enum chain_verdict v)
{
	return v == CHAIN_VALID ? "valid" : v == CHAIN_INVALID ? "invalid" : "unchecked";
}

/* Cumulative work rises strictly from parent to child, store-wide. */
static void check_store(const world_t *w)
{
	const chain_store_t *s = world_store(w);

	for (uint32_t id = 1; id < chain_store_count(s); id++) {
		const struct block *b = chain_store_get(s, id);
		if (b->parent != NULL && u256_cmp(&b->chainwork, &b->parent->chainwork) <= 0)
			broken(w, UINT32_MAX, "cumulative work does not rise from block %u (height %u) to its child %u",
			       b->parent->id, b->parent->h.height, id);
	}
}

/* The tip is held, valid, and the best of the valid blocks held. */
static void check_tip(const world_t *w, const struct node *n, enum fork_choice rule)
{
	const chain_store_t *s = world_store(w);
	const struct block *tip = n->view.tip;
	enum chain_verdict v;

	if (chain_view_status(&n->view, tip) != VIEW_HAVE)
		broken(w, n->id, "its tip, block %u, is not among the blocks it holds", tip->id);
	for (uint32_t id = 0; id < chain_store_count(s); id++) {
		const struct block *b = chain_store_get(s, id);
		if (chain_view_status(&n->view, b) != VIEW_HAVE)
			continue;
		if ((v = chain_store_verdict(s, id, NULL)) != CHAIN_VALID)
			broken(w, n->id, "holds block %u (height %u) as connected, but its verdict is %s", id,
			       b->h.height, verdict_name(v));
		if (chain_compare(b, tip, rule) > 0)
			broken(w, n->id, "block %u (height %u) beats its tip %u (height %u) under %s, yet is not the tip",
			       id, b->h.height, tip->id, tip->h.height,
			       rule == FORK_LONGEST ? "longest" : "most-work");
	}
}

/* Every block of the chain genesis..tip is held and valid. */
static void check_chain(const world_t *w, const struct node *n)
{
	const chain_store_t *s = world_store(w);
	const char *why = NULL;

	for (const struct block *b = n->view.tip; b != NULL; b = b->parent) {
		enum chain_verdict v = chain_store_verdict(s, b->id, &why);
		if (v != CHAIN_VALID)
			broken(w, n->id, "block %u at height %u of its chain has verdict %s%s%s", b->id, b->h.height,
			       verdict_name(v), why ? ": " : "", why ? why : "");
		if (chain_view_status(&n->view, b) != VIEW_HAVE)
			broken(w, n->id, "block %u at height %u of its chain is not held", b->id, b->h.height);
		if (b->parent == NULL && b->id != 0)
			broken(w, n->id, "its chain ends in block %u, not genesis", b->id);
	}
}

/* The pool's own invariants, and every pending transfer applies on the
 * tip unless it waits for a predecessor. */
static void check_mempool(const world_t *w, const struct node *n, const ledger_state_t *st)
{
	uint32_t size = mempool_size(n->mempool), k;
	const struct tx **txs = g_new(const struct tx *, size + 1);

	mempool_check(n->mempool);
	k = mempool_list(n->mempool, txs, size);
	for (uint32_t i = 0; i < k; i++) {
		const struct tx *t = txs[i];
		struct ledger_verdict v;
		if (t->sender < ledger_accounts(st) && t->seq > ledger_next_seq(st, t->sender))
			continue; /* ahead of its sender */
		v = ledger_check_tx(st, t, NULL);
		if (v.code != LEDGER_OK)
			broken(w, n->id, "pending transaction from account %u seq %u is invalid on its tip "
			       "(height %u): %s", t->sender, t->seq, n->view.tip->h.height, v.reason);
	}
	g_free(txs);
}

/* Money: the tip state's total is the genesis allocation plus one reward
 * per block (fees move from senders to miners). */
static void check_money(const world_t *w, const struct node *n, const ledger_state_t *st, uint64_t genesis)
{
	const struct scenario *sc = world_scenario(w);
	uint64_t want = genesis + (uint64_t)n->view.tip->h.height * sc->consensus.reward;
	uint64_t total = ledger_total(st);

	if (ledger_height(st) != n->view.tip->h.height)
		broken(w, n->id, "the ledger state of its tip is at height %u, the tip at %u", ledger_height(st),
		       n->view.tip->h.height);
	if (total != want)
		broken(w, n->id, "money is not conserved at height %u: balances total %" G_GUINT64_FORMAT
		       ", expected genesis %" G_GUINT64_FORMAT " + %u x reward %" G_GUINT64_FORMAT " = %"
		       G_GUINT64_FORMAT, n->view.tip->h.height, total, genesis, n->view.tip->h.height,
		       sc->consensus.reward, want);
}

void invariants_check(void *ctx, const world_t *w)
{
	const struct scenario *sc = world_scenario(w);
	const chain_store_t *s = world_store(w);
	const ledger_state_t *gen = chain_store_aux(s, 0);
	uint64_t genesis;

	(void)ctx;
	if (gen == NULL)
		broken(w, UINT32_MAX, "genesis has no ledger state");
	genesis = ledger_total(gen);
	check_store(w);
	for (uint32_t i = 0; i < world_node_count(w); i++) {
		const struct node *n = world_node(w, i);
		const ledger_state_t *st;
		check_tip(w, n, sc->consensus.fork_choice);
		check_chain(w, n);
		st = chain_store_aux(s, n->view.tip->id);
		if (st == NULL)
			broken(w, n->id, "its tip, block %u, has no ledger state", n->view.tip->id);
		check_mempool(w, n, st);
		check_money(w, n, st, genesis);
	}
}

/* ---- convergence and liveness at the end of a run ---- */

/* Whether each node is online and honest: a new array of world_node_count. */
static bool *honest_online(const world_t *w)
{
	uint32_t n = world_node_count(w);
	bool *ok = report_honest_nodes(w);

	for (uint32_t i = 0; i < n; i++)
		ok[i] = ok[i] && world_node(w, i)->online;
	return ok;
}

static uint32_t orphans_kept(const struct chain_view *v)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < chain_view_orphan_count(v); i++)
		k += chain_view_status(v, chain_view_orphan(v, i)) == VIEW_ORPHAN;
	return k;
}

bool invariants_converged(const world_t *w, struct invariants_convergence *c)
{
	const struct scenario *sc = world_scenario(w);
	bool *ok = honest_online(w);
	const struct block *best = NULL;
	GHashTable *tips = g_hash_table_new(g_direct_hash, g_direct_equal);

	*c = (struct invariants_convergence){ 0, 0, 0, UINT32_MAX, UINT32_MAX };
	for (uint32_t i = 0; i < world_node_count(w); i++) {
		const struct node *n = world_node(w, i);
		uint32_t k;
		if (!ok[i])
			continue;
		c->nodes++;
		g_hash_table_add(tips, (gpointer)n->view.tip);
		if (best == NULL || chain_best((const struct block *[]){ best, n->view.tip }, 2,
					       sc->consensus.fork_choice) != best)
			best = n->view.tip;
		if ((k = orphans_kept(&n->view)) > 0 && c->with_orphan == UINT32_MAX)
			c->with_orphan = i;
		c->orphans += k;
	}
	for (uint32_t i = 0; i < world_node_count(w) && c->off_best == UINT32_MAX; i++)
		if (ok[i] && world_node(w, i)->view.tip != best)
			c->off_best = i;
	c->tips = g_hash_table_size(tips);
	g_hash_table_unref(tips);
	g_free(ok);
	return c->tips <= 1 && c->orphans == 0;
}

/* The block orphan O of view V waits for: its first ancestor V does not
 * keep as an orphan. */
static const struct block *waits_for(const struct chain_view *v, const struct block *o)
{
	const struct block *p = o->parent;

	while (p != NULL && chain_view_status(v, p) == VIEW_ORPHAN)
		p = p->parent;
	return p;
}

static void check_orphans(const world_t *w, const struct node *n, const struct node *peer)
{
	for (uint32_t i = 0; i < chain_view_orphan_count(&n->view); i++) {
		const struct block *o = chain_view_orphan(&n->view, i), *m;
		enum view_status st;
		if (chain_view_status(&n->view, o) != VIEW_ORPHAN)
			continue;
		m = waits_for(&n->view, o);
		st = m ? chain_view_status(&n->view, m) : VIEW_UNKNOWN;
		if (st == VIEW_HAVE || st == VIEW_INVALID || st == VIEW_PENDING)
			broken(w, n->id, "after the run, orphan block %u (height %u) still waits for block %u, "
			       "whose status here is %s", o->id, o->h.height, m->id,
			       st == VIEW_HAVE ? "held" : st == VIEW_INVALID ? "invalid" : "pending");
		if (m && chain_view_status(&peer->view, m) == VIEW_HAVE) {
			char name[64];
			world_node_name(w, peer->id, name, sizeof name);
			broken(w, n->id, "after the run, orphan block %u (height %u) waits for block %u "
			       "(height %u), which its reachable peer %s holds", o->id, o->h.height, m->id,
			       m->h.height, name);
		}
	}
}

void invariants_check_end(const world_t *w)
{
	const struct scenario *sc = world_scenario(w);
	const net_t *net = world_net(w);
	bool *ok;

	if (world_counts(w)->interrupted || !world_quiet(w))
		return;
	ok = honest_online(w);
	for (uint32_t i = 0; i < world_node_count(w); i++) {
		const struct node *n = world_node(w, i);
		if (!ok[i])
			continue;
		for (uint32_t k = 0; k < net_degree(net, i); k++) {
			uint32_t j = net_peer(net, i, k);
			const struct node *p = world_node(w, j);
			char name[64];
			if (!ok[j] || !net_reachable(net, i, j))
				continue;
			check_orphans(w, n, p);
			if (chain_compare(p->view.tip, n->view.tip, sc->consensus.fork_choice) > 0) {
				world_node_name(w, j, name, sizeof name);
				broken(w, i, "after the run, its tip %u (height %u) is worse than the tip %u "
				       "(height %u) of its reachable peer %s", n->view.tip->id,
				       n->view.tip->h.height, p->view.tip->id, p->view.tip->h.height, name);
			}
		}
	}
	g_free(ok);
}
