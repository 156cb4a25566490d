/* invariants: the checks of --check-invariants (see invariants.h). */
#include "powsim/invariants.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "powsim/chain.h"
#include "powsim/ledger.h"
#include "powsim/mempool.h"
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
