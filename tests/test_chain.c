/* Tests for chain: the block store, fork choice under both rules, the
 * first-seen tie rule of a view and the lower-hash tie rule of chain_best,
 * fork points and reorg depths checked exhaustively over small trees
 * (every shape of 2-3 branches and every order of connecting them, in the
 * manner of libsecp256k1's exhaustive tests) against a brute-force model,
 * orphans taken back in arrival order, and the block-status state
 * machine of a view: its table, each move made, a forbidden move
 * aborting, what an orphan waits for (chain_view_missing), and the
 * store's seen bits of tracked views against random legal moves.
 *
 * Blocks are built by hand with block_new; their PoW is not real (nothing
 * here checks it), their work comes from the millizeros of each header. */
#include <string.h>

#include <glib.h>

#include "powsim/block.h"
#include "powsim/chain.h"

/* ---- helpers ---- */

static uint64_t nonce_counter = 1;

/* A child of P at difficulty MZ (millizeros), with a fresh nonce so every
 * block has its own hash. Not added to any store. */
static struct block *mk(const struct block *p, uint32_t mz)
{
	struct block_header h = {
		.version = BLOCK_VERSION | BLOCK_FLAG_MODELLED,
		.height = p->h.height + 1,
		.millizeros = mz,
		.miner = 0,
		.nonce = nonce_counter++,
	};

	memcpy(h.prev, p->hash, 32);
	h.timestamp = (simtime_t)h.nonce;
	return block_new(&h, p, NULL, 0, (simtime_t)h.nonce, 96);
}

/* mk() and add to S. */
static const struct block *add(chain_store_t *s, const struct block *p, uint32_t mz)
{
	struct block *b = mk(p, mz);

	chain_store_add(s, b);
	return b;
}

/* ---- store ---- */

static void test_store(void)
{
	struct block *g = block_genesis();
	chain_store_t *s = chain_store_new(g);
	uint8_t unknown[32];

	g_assert_cmpuint(chain_store_count(s), ==, 1);
	g_assert_true(chain_store_genesis(s) == g);
	g_assert_true(chain_store_get(s, 0) == g);
	g_assert_cmpuint(g->id, ==, 0);
	g_assert_true(chain_store_find(s, g->hash) == g);

	const struct block *b[20];
	const struct block *prev = g;
	for (int i = 0; i < 20; i++) {
		struct block *x = mk(i % 3 == 2 ? g : prev, 1000);
		uint32_t id = chain_store_add(s, x);
		g_assert_cmpuint(id, ==, (uint32_t)i + 1);
		g_assert_cmpuint(x->id, ==, id);
		b[i] = x;
		prev = x;
		g_assert_cmpuint(chain_store_count(s), ==, (uint32_t)i + 2);
	}
	for (int i = 0; i < 20; i++) {
		g_assert_true(chain_store_get(s, (uint32_t)i + 1) == b[i]);
		g_assert_true(chain_store_find(s, b[i]->hash) == b[i]);
		/* a copy of the hash finds it too (lookup by value) */
		uint8_t copy[32];
		memcpy(copy, b[i]->hash, 32);
		g_assert_true(chain_store_find(s, copy) == b[i]);
	}
	memcpy(unknown, b[0]->hash, 32);
	unknown[0] ^= 0x80;
	g_assert_null(chain_store_find(s, unknown));
	/* same low bytes, other high bytes: still not found */
	memset(unknown, 0, 28);
	g_assert_null(chain_store_find(s, unknown));

	/* verdicts start unchecked; aux starts NULL */
	const char *why = "x";
	g_assert_cmpint(chain_store_verdict(s, 3, &why), ==, CHAIN_UNCHECKED);
	g_assert_null(why);
	g_assert_null(chain_store_aux(s, 3));
	chain_store_set_verdict(s, 3, CHAIN_INVALID, "high-hash");
	chain_store_set_verdict(s, 4, CHAIN_VALID, NULL);
	g_assert_cmpint(chain_store_verdict(s, 3, &why), ==, CHAIN_INVALID);
	g_assert_cmpstr(why, ==, "high-hash");
	g_assert_cmpint(chain_store_verdict(s, 4, NULL), ==, CHAIN_VALID);
	g_assert_cmpint(chain_store_verdict(s, 5, NULL), ==, CHAIN_UNCHECKED);
	int marker = 7;
	chain_store_set_aux(s, 5, &marker);
	g_assert_true(chain_store_aux(s, 5) == &marker);
	g_assert_null(chain_store_aux(s, 6));
	chain_store_set_aux(s, 5, NULL);
	chain_store_free(s, g_free);
	chain_store_free(NULL, NULL);
}

static int aux_freed;

static void count_free(void *p)
{
	(void)p;
	aux_freed++;
}

static void test_store_free_aux(void)
{
	chain_store_t *s = chain_store_new(block_genesis());
	static int x, y;
	const struct block *a = add(s, chain_store_genesis(s), 0);
	add(s, a, 0);
	chain_store_set_aux(s, 0, &x);
	chain_store_set_aux(s, 2, &y);
	aux_freed = 0;
	chain_store_free(s, count_free);
	g_assert_cmpint(aux_freed, ==, 2);
}

/* ---- fork choice ---- */

static void test_compare_rules(void)
{
	chain_store_t *s = chain_store_new(block_genesis());
	const struct block *g = chain_store_genesis(s);
	/* long: 3 blocks of 1 zero (work 15 each); short: 1 block of 3 zeros
	 * (work 4095). */
	const struct block *a1 = add(s, g, 1000), *a2 = add(s, a1, 1000), *a3 = add(s, a2, 1000);
	const struct block *b1 = add(s, g, 3000);

	g_assert_cmpint(chain_compare(b1, a3, FORK_MOST_WORK), >, 0);
	g_assert_cmpint(chain_compare(a3, b1, FORK_MOST_WORK), <, 0);
	g_assert_cmpint(chain_compare(b1, a3, FORK_LONGEST), <, 0);
	g_assert_cmpint(chain_compare(a3, b1, FORK_LONGEST), >, 0);
	g_assert_cmpint(chain_compare(a3, a3, FORK_MOST_WORK), ==, 0);
	g_assert_cmpint(chain_compare(a3, a3, FORK_LONGEST), ==, 0);
	/* same height, more work: better under most-work, a tie under longest */
	const struct block *c1 = add(s, g, 2000);
	g_assert_cmpint(chain_compare(c1, a1, FORK_MOST_WORK), >, 0);
	g_assert_cmpint(chain_compare(c1, a1, FORK_LONGEST), ==, 0);
	g_assert_cmpint(chain_compare(a1, c1, FORK_LONGEST), ==, 0);

	/* chain_best follows the same rules */
	const struct block *tips[2] = { a3, b1 };
	g_assert_true(chain_best(tips, 2, FORK_MOST_WORK) == b1);
	g_assert_true(chain_best(tips, 2, FORK_LONGEST) == a3);

	/* the view too: the short heavy chain replaces the long light one
	 * under most-work, and not under longest */
	for (int rule = 0; rule < 2; rule++) {
		struct chain_view v;
		struct chain_reorg r;
		chain_view_init(&v, g);
		g_assert_true(chain_view_connect(&v, a1, (enum fork_choice)rule, &r));
		g_assert_true(chain_view_connect(&v, a2, (enum fork_choice)rule, &r));
		g_assert_true(chain_view_connect(&v, a3, (enum fork_choice)rule, &r));
		bool changed = chain_view_connect(&v, b1, (enum fork_choice)rule, &r);
		if (rule == FORK_MOST_WORK) {
			g_assert_true(changed);
			g_assert_true(v.tip == b1);
			g_assert_true(r.old_tip == a3);
			g_assert_true(r.new_tip == b1);
			g_assert_true(r.fork == g);
			g_assert_cmpuint(r.depth, ==, 3);
		} else {
			g_assert_false(changed);
			g_assert_true(v.tip == a3);
		}
		g_assert_cmpint(chain_view_status(&v, b1), ==, VIEW_HAVE);
		chain_view_clear(&v);
	}
	chain_store_free(s, NULL);
}

/* Two equal-work siblings connected in both orders: the first stays. */
static void test_tie_first_seen(void)
{
	chain_store_t *s = chain_store_new(block_genesis());
	const struct block *g = chain_store_genesis(s);
	const struct block *p = add(s, g, 2000);
	const struct block *x = add(s, p, 2000), *y = add(s, p, 2000);
	/* a same-height sibling with more work: only most-work takes it */
	const struct block *z = add(s, p, 2500);

	for (int rule = 0; rule < 2; rule++) {
		for (int order = 0; order < 2; order++) {
			const struct block *first = order ? y : x, *second = order ? x : y;
			struct chain_view v;
			struct chain_reorg r;
			chain_view_init(&v, g);
			g_assert_true(chain_view_connect(&v, p, (enum fork_choice)rule, &r));
			g_assert_true(chain_view_connect(&v, first, (enum fork_choice)rule, &r));
			g_assert_true(r.old_tip == p);
			g_assert_true(r.new_tip == first);
			g_assert_true(r.fork == p);
			g_assert_cmpuint(r.depth, ==, 0);
			g_assert_false(chain_view_connect(&v, second, (enum fork_choice)rule, &r));
			g_assert_true(v.tip == first);
			g_assert_cmpint(chain_view_status(&v, second), ==, VIEW_HAVE);
			bool changed = chain_view_connect(&v, z, (enum fork_choice)rule, &r);
			if (rule == FORK_MOST_WORK) {
				g_assert_true(changed);
				g_assert_true(v.tip == z);
				g_assert_true(r.fork == p);
				g_assert_cmpuint(r.depth, ==, 1);
			} else {
				g_assert_false(changed);
				g_assert_true(v.tip == first);
			}
			chain_view_clear(&v);
		}
	}
	chain_store_free(s, NULL);
}

/* chain_best: equal tips go to the lower hash, whatever their order. */
static void test_best_lower_hash(void)
{
	chain_store_t *s = chain_store_new(block_genesis());
	const struct block *g = chain_store_genesis(s);
	const struct block *t[4];
	for (int i = 0; i < 4; i++)
		t[i] = add(s, g, 2000);
	const struct block *low = t[0];
	for (int i = 1; i < 4; i++)
		if (memcmp(t[i]->hash, low->hash, 32) < 0)
			low = t[i];
	static const int perms[24][4] = {
		{0,1,2,3},{0,1,3,2},{0,2,1,3},{0,2,3,1},{0,3,1,2},{0,3,2,1},
		{1,0,2,3},{1,0,3,2},{1,2,0,3},{1,2,3,0},{1,3,0,2},{1,3,2,0},
		{2,0,1,3},{2,0,3,1},{2,1,0,3},{2,1,3,0},{2,3,0,1},{2,3,1,0},
		{3,0,1,2},{3,0,2,1},{3,1,0,2},{3,1,2,0},{3,2,0,1},{3,2,1,0},
	};
	for (int k = 0; k < 24; k++) {
		const struct block *v[4];
		for (int i = 0; i < 4; i++)
			v[i] = t[perms[k][i]];
		for (int rule = 0; rule < 2; rule++)
			g_assert_true(chain_best(v, 4, (enum fork_choice)rule) == low);
	}
	/* more work beats a lower hash */
	const struct block *heavy = add(s, g, 2001);
	const struct block *v2[2] = { low, heavy };
	g_assert_true(chain_best(v2, 2, FORK_MOST_WORK) == heavy);
	/* under longest, equal heights tie whatever the work: lower hash */
	const struct block *lh = memcmp(low->hash, heavy->hash, 32) < 0 ? low : heavy;
	g_assert_true(chain_best(v2, 2, FORK_LONGEST) == lh);
	g_assert_true(chain_best(&low, 1, FORK_MOST_WORK) == low);
	chain_store_free(s, NULL);
}

/* ---- exhaustive small trees ---- */

#define MAXB 10

struct tree {
	chain_store_t *s;
	const struct block *blk[MAXB]; /* blk[0] = genesis */
	int parent[MAXB];
	int n;
};

/* Reference: the last common ancestor by brute force. */
static int ref_fork(const struct tree *t, int a, int b)
{
	bool anc[MAXB] = { false };
	for (int x = a; x >= 0; x = t->parent[x])
		anc[x] = true;
	for (int y = b; y >= 0; y = t->parent[y])
		if (anc[y])
			return y;
	g_assert_not_reached();
	return -1;
}

static bool ref_is_ancestor(const struct tree *t, int anc, int b)
{
	for (int y = b; y >= 0; y = t->parent[y])
		if (y == anc)
			return true;
	return false;
}

static int index_of(const struct tree *t, const struct block *b)
{
	for (int i = 0; i < t->n; i++)
		if (t->blk[i] == b)
			return i;
	g_assert_not_reached();
	return -1;
}

/* Ref comparator from first principles: heights, or summed work read back
 * from the headers' millizeros via single-block work values. */
static int ref_cmp(const struct tree *t, int a, int b, enum fork_choice rule)
{
	if (rule == FORK_LONGEST) {
		uint32_t ha = t->blk[a]->h.height, hb = t->blk[b]->h.height;
		return ha == hb ? 0 : ha > hb ? 1 : -1;
	}
	struct u256 wa = { { 0 } }, wb = { { 0 } };
	for (int x = a; x >= 0; x = t->parent[x])
		u256_add(&wa, &wa, &t->blk[x]->work);
	for (int y = b; y >= 0; y = t->parent[y])
		u256_add(&wb, &wb, &t->blk[y]->work);
	return u256_cmp(&wa, &wb);
}

static uint64_t orders_checked, pairs_checked;

/* Connect the tree's blocks in ORDER[0..n-1) (indexes >= 1) into a fresh
 * view and check every step against the model. */
static void run_order(const struct tree *t, const int *order, int len, enum fork_choice rule)
{
	struct chain_view v;
	int tip = 0;

	chain_view_init(&v, t->blk[0]);
	for (int k = 0; k < len; k++) {
		int b = order[k];
		struct chain_reorg r;
		bool changed = chain_view_connect(&v, t->blk[b], rule, &r);
		bool want = ref_cmp(t, b, tip, rule) > 0;
		g_assert_cmpint(changed, ==, want);
		if (want) {
			int f = ref_fork(t, tip, b);
			g_assert_true(r.old_tip == t->blk[tip]);
			g_assert_true(r.new_tip == t->blk[b]);
			g_assert_true(r.fork == t->blk[f]);
			g_assert_cmpuint(r.depth, ==, t->blk[tip]->h.height - t->blk[f]->h.height);
			tip = b;
		}
		g_assert_true(v.tip == t->blk[tip]);
		g_assert_cmpint(chain_view_status(&v, t->blk[b]), ==, VIEW_HAVE);
	}
	/* the integrity check: the tip is not worse than anything held */
	for (int i = 0; i < t->n; i++)
		if (chain_view_status(&v, t->blk[i]) == VIEW_HAVE)
			g_assert_cmpint(ref_cmp(t, i, tip, rule), <=, 0);
	chain_view_clear(&v);
	orders_checked++;
}

/* Every topological order of the tree (parents before children). */
static void all_orders(const struct tree *t, bool *done, int *order, int k)
{
	if (k == t->n - 1) {
		run_order(t, order, k, FORK_MOST_WORK);
		run_order(t, order, k, FORK_LONGEST);
		return;
	}
	for (int i = 1; i < t->n; i++) {
		if (done[i] || !done[t->parent[i]])
			continue;
		done[i] = true;
		order[k] = i;
		all_orders(t, done, order, k + 1);
		done[i] = false;
	}
}

static void check_pairs(const struct tree *t)
{
	for (int a = 0; a < t->n; a++) {
		for (int b = 0; b < t->n; b++) {
			const struct block *f = chain_fork_point(t->blk[a], t->blk[b]);
			g_assert_cmpint(index_of(t, f), ==, ref_fork(t, a, b));
			g_assert_cmpint(chain_is_ancestor(t->blk[a], t->blk[b]), ==,
					ref_is_ancestor(t, a, b));
			pairs_checked++;
		}
		for (uint32_t h = 0; h <= t->blk[a]->h.height; h++) {
			const struct block *x = chain_ancestor(t->blk[a], h);
			g_assert_cmpuint(x->h.height, ==, h);
			g_assert_true(ref_is_ancestor(t, index_of(t, x), a));
		}
	}
}

/* A tree of NB branches: branch i forks from block FORK[i] (an index of an
 * existing block: genesis or a block of an earlier branch), has LEN[i]
 * blocks, each of difficulty MZ[i]. */
static void build_and_check(int nb, const int *fork, const int *len, const uint32_t *mz)
{
	struct tree t = { 0 };
	t.s = chain_store_new(block_genesis());
	t.blk[0] = chain_store_genesis(t.s);
	t.parent[0] = -1;
	t.n = 1;
	for (int i = 0; i < nb; i++) {
		int p = fork[i];
		for (int k = 0; k < len[i]; k++) {
			g_assert_cmpint(t.n, <, MAXB);
			t.blk[t.n] = add(t.s, t.blk[p], mz[i]);
			t.parent[t.n] = p;
			p = t.n++;
		}
	}
	check_pairs(&t);
	bool done[MAXB] = { true };
	int order[MAXB];
	all_orders(&t, done, order, 0);
	chain_store_free(t.s, NULL);
}

/* Branch i may fork from genesis or from any block of branches < i. */
static void enum_shapes(int nb, int maxlen, int i, int *fork, int *len, uint32_t *mz, int nblocks)
{
	static const uint32_t diffs[] = { 1000, 2000 };
	if (i == nb) {
		build_and_check(nb, fork, len, mz);
		return;
	}
	for (int f = 0; f < nblocks; f++) {
		if (i == 0 && f != 0)
			continue;
		for (int l = 1; l <= maxlen; l++)
			for (size_t d = 0; d < G_N_ELEMENTS(diffs); d++) {
				fork[i] = f;
				len[i] = l;
				mz[i] = diffs[d];
				enum_shapes(nb, maxlen, i + 1, fork, len, mz, nblocks + l);
			}
	}
}

/* Every tree of BRANCHES branches of up to MAXLEN blocks (at every fork
 * point and difficulty), in every arrival order: at least MIN_ORDERS. */
struct exhaustive {
	int branches, maxlen;
	guint64 min_orders;
};

static void test_exhaustive(gconstpointer data)
{
	const struct exhaustive *e = data;
	int fork[3], len[3];
	uint32_t mz[3];

	g_assert_cmpint(e->branches, <=, (int)G_N_ELEMENTS(fork));
	orders_checked = pairs_checked = 0;
	enum_shapes(e->branches, e->maxlen, 0, fork, len, mz, 1);
	g_test_message("%d branches: %" G_GUINT64_FORMAT " orders, %" G_GUINT64_FORMAT " pairs",
		       e->branches, orders_checked, pairs_checked);
	g_assert_cmpuint(orders_checked, >, e->min_orders);
}

/* A deep fork point: the walk goes past many blocks on both sides. */
static void test_deep_fork(void)
{
	chain_store_t *s = chain_store_new(block_genesis());
	const struct block *g = chain_store_genesis(s), *trunk = g;
	for (int i = 0; i < 50; i++)
		trunk = add(s, trunk, 1000);
	const struct block *a = trunk, *b = trunk;
	for (int i = 0; i < 30; i++)
		a = add(s, a, 1000);
	for (int i = 0; i < 7; i++)
		b = add(s, b, 1000);
	g_assert_true(chain_fork_point(a, b) == trunk);
	g_assert_true(chain_fork_point(b, a) == trunk);
	g_assert_true(chain_fork_point(a, g) == g);
	g_assert_true(chain_ancestor(a, 50) == trunk);
	g_assert_true(chain_is_ancestor(trunk, b));
	g_assert_false(chain_is_ancestor(a, b));

	struct chain_view v;
	struct chain_reorg r;
	chain_view_init(&v, g);
	GPtrArray *path = g_ptr_array_new();
	for (const struct block *x = b; x != g; x = x->parent)
		g_ptr_array_insert(path, 0, (void *)x);
	for (guint i = 0; i < path->len; i++)
		g_assert_true(chain_view_connect(&v, path->pdata[i], FORK_MOST_WORK, &r));
	g_ptr_array_set_size(path, 0);
	for (const struct block *x = a; x != trunk; x = x->parent)
		g_ptr_array_insert(path, 0, (void *)x);
	for (guint i = 0; i < path->len; i++) {
		bool ch = chain_view_connect(&v, path->pdata[i], FORK_MOST_WORK, &r);
		g_assert_cmpint(ch, ==, i >= 7);
		if (i == 7) {
			g_assert_cmpuint(r.depth, ==, 7);
			g_assert_true(r.fork == trunk);
		}
	}
	g_assert_true(v.tip == a);
	g_ptr_array_free(path, TRUE);
	chain_view_clear(&v);
	chain_store_free(s, NULL);
}

/* ---- views and orphans ---- */

static void test_view_status(void)
{
	chain_store_t *s = chain_store_new(block_genesis());
	const struct block *g = chain_store_genesis(s);
	struct chain_view v;
	chain_view_init(&v, g);
	g_assert_true(v.tip == g);
	g_assert_cmpint(chain_view_status(&v, g), ==, VIEW_HAVE);
	/* ids far beyond the status array read as unknown, then grow */
	const struct block *last = g;
	for (int i = 0; i < 100; i++)
		last = add(s, last, 1000);
	g_assert_cmpint(chain_view_status(&v, last), ==, VIEW_UNKNOWN);
	chain_view_set_status(&v, last, VIEW_REQUESTED);
	g_assert_cmpint(chain_view_status(&v, last), ==, VIEW_REQUESTED);
	g_assert_cmpint(chain_view_status(&v, last->parent), ==, VIEW_UNKNOWN);
	g_assert_cmpint(chain_view_status(&v, g), ==, VIEW_HAVE);
	chain_view_set_status(&v, last, VIEW_INVALID);
	g_assert_cmpint(chain_view_status(&v, last), ==, VIEW_INVALID);
	chain_view_clear(&v);
	chain_view_clear(&v); /* twice is harmless */
	chain_store_free(s, NULL);
}

static void test_orphans_arrival_order(void)
{
	chain_store_t *s = chain_store_new(block_genesis());
	const struct block *g = chain_store_genesis(s);
	const struct block *p = add(s, g, 1000), *q = add(s, g, 1000);
	const struct block *o[6] = {
		add(s, p, 1000), add(s, q, 1000), add(s, p, 1000),
		add(s, p, 1000), add(s, q, 1000), add(s, p, 1000),
	};
	/* arrival order differs from id order */
	static const int arrival[6] = { 3, 1, 0, 5, 4, 2 };
	struct chain_view v;
	chain_view_init(&v, g);
	g_assert_null(chain_view_take_orphan(&v, p));
	for (int i = 0; i < 6; i++) {
		chain_view_add_orphan(&v, o[arrival[i]]);
		g_assert_cmpint(chain_view_status(&v, o[arrival[i]]), ==, VIEW_ORPHAN);
	}
	/* p's children in arrival order: 3, 0, 5, 2 */
	g_assert_true(chain_view_take_orphan(&v, p) == o[3]);
	g_assert_true(chain_view_take_orphan(&v, p) == o[0]);
	/* interleaving another parent leaves p's queue alone */
	g_assert_true(chain_view_take_orphan(&v, q) == o[1]);
	g_assert_true(chain_view_take_orphan(&v, p) == o[5]);
	g_assert_true(chain_view_take_orphan(&v, p) == o[2]);
	g_assert_null(chain_view_take_orphan(&v, p));
	g_assert_true(chain_view_take_orphan(&v, q) == o[4]);
	g_assert_null(chain_view_take_orphan(&v, q));
	g_assert_null(chain_view_take_orphan(&v, g));
	g_assert_cmpuint(v.orphans->len, ==, 0);
	chain_view_clear(&v);
	chain_store_free(s, NULL);
}

/* ---- the block-status state machine (chain.h) ---- */

/* The table of chain.h, written out again: row FROM, column TO, in the
 * order UNKNOWN REQUESTED PENDING ORPHAN HAVE INVALID; 'y' allowed. */
static const enum view_status order[6] = {
	VIEW_UNKNOWN, VIEW_REQUESTED, VIEW_PENDING, VIEW_ORPHAN, VIEW_HAVE, VIEW_INVALID,
};
static const char *const table[6] = {
	"yyyyyy", /* UNKNOWN */
	"yyyyyy", /* REQUESTED */
	"--y-yy", /* PENDING */
	"--yyyy", /* ORPHAN */
	"----y-", /* HAVE */
	"-----y", /* INVALID */
};

static void test_transition_table(void)
{
	for (int i = 0; i < 6; i++)
		for (int j = 0; j < 6; j++)
			g_assert_cmpint(chain_view_can_move(order[i], order[j]), ==, table[i][j] == 'y');
}

/* Put B (child of the tip's chain at P) into ST in V by the calls the node
 * protocol makes. */
static void reach(struct chain_view *v, const struct block *b, enum view_status st)
{
	struct chain_reorg r;

	if (st == VIEW_ORPHAN)
		chain_view_add_orphan(v, b);
	else if (st == VIEW_HAVE)
		chain_view_connect(v, b, FORK_MOST_WORK, &r);
	else
		chain_view_set_status(v, b, st);
}

/* Every allowed move, made on a real view, reads back; every other one
 * aborts (checked in a subprocess per move). */
static void test_transitions_made(void)
{
	for (int i = 0; i < 6; i++)
		for (int j = 0; j < 6; j++) {
			chain_store_t *s = chain_store_new(block_genesis());
			const struct block *g = chain_store_genesis(s);
			const struct block *b = add(s, g, 1000);
			struct chain_view v;
			chain_view_init(&v, g);
			reach(&v, b, order[i]);
			g_assert_cmpint(chain_view_status(&v, b), ==, order[i]);
			if (table[i][j] == 'y') {
				reach(&v, b, order[j]);
				g_assert_cmpint(chain_view_status(&v, b), ==, order[j]);
			}
			chain_view_clear(&v);
			chain_store_free(s, NULL);
		}
}

static void test_forbidden_move_aborts(void)
{
	if (g_test_subprocess()) {
		chain_store_t *s = chain_store_new(block_genesis());
		const struct block *g = chain_store_genesis(s);
		const struct block *b = add(s, g, 1000);
		struct chain_view v;
		chain_view_init(&v, g);
		chain_view_set_status(&v, b, VIEW_INVALID);
		chain_view_set_status(&v, b, VIEW_PENDING); /* INVALID is final */
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr("*chain_view_can_move*");
}

/* chain_view_missing goes down through orphans to the first block the view
 * lacks, and names it only while it is still to be fetched. */
static void test_missing(void)
{
	chain_store_t *s = chain_store_new(block_genesis());
	const struct block *g = chain_store_genesis(s);
	const struct block *a = add(s, g, 1000), *b = add(s, a, 1000), *c = add(s, b, 1000);
	const struct block *d = add(s, c, 1000), *x = add(s, g, 1000);
	struct chain_view v;
	struct chain_reorg r;

	chain_view_init(&v, g);
	g_assert_null(chain_view_missing(&v, a));          /* parent held */
	chain_view_add_orphan(&v, d);
	g_assert_true(chain_view_missing(&v, d) == c);     /* parent unknown */
	chain_view_add_orphan(&v, c);
	g_assert_true(chain_view_missing(&v, d) == b);     /* an orphan on an orphan */
	g_assert_true(chain_view_missing(&v, c) == b);
	chain_view_set_status(&v, b, VIEW_REQUESTED);
	g_assert_true(chain_view_missing(&v, d) == b);     /* asked for, not here yet */
	chain_view_add_orphan(&v, b);
	g_assert_true(chain_view_missing(&v, d) == a);
	chain_view_set_status(&v, a, VIEW_PENDING);
	g_assert_null(chain_view_missing(&v, d));          /* on its way */
	g_assert_cmpuint(chain_view_orphan_count(&v), ==, 3);
	g_assert_true(chain_view_orphan(&v, 0) == d);
	g_assert_true(chain_view_orphan(&v, 2) == b);
	chain_view_connect(&v, a, FORK_MOST_WORK, &r);
	g_assert_true(chain_view_take_orphan(&v, a) == b);
	g_assert_cmpuint(chain_view_orphan_count(&v), ==, 2);
	g_assert_null(chain_view_missing(&v, d));          /* down to a, held: nothing to fetch */
	chain_view_set_status(&v, x, VIEW_INVALID);
	const struct block *y = add(s, x, 1000), *z = add(s, y, 1000);
	chain_view_add_orphan(&v, z);
	chain_view_add_orphan(&v, y);
	g_assert_null(chain_view_missing(&v, z));          /* below an invalid block: nothing to fetch */
	chain_view_clear(&v);
	chain_store_free(s, NULL);
}

/* ---- the store's seen bits ---- */

/* Random legal moves on three tracked views of six blocks (two branches),
 * each checked against a table of the statuses set: every view's status of
 * every block, and the store's bit (status not UNKNOWN), after each move.
 * Once every view holds or rejected a block its bits are freed and it
 * reads as known everywhere. Many blocks per view exercise the known
 * list's move from inline to the heap. */
static void test_seen_bits(void)
{
	enum { V = 3, B = 6 };
	/* a store that tracks no views answers -1 */
	chain_store_t *untracked = chain_store_new(block_genesis());
	g_assert_cmpint(chain_store_seen(untracked, chain_store_genesis(untracked), 0), ==, -1);
	chain_store_free(untracked, NULL);
	chain_store_t *t = chain_store_new(block_genesis());
	chain_store_track(t, V);
	chain_store_track(t, V); /* the same count again: nothing */
	const struct block *tb[B];
	tb[0] = chain_store_genesis(t);
	tb[1] = add(t, tb[0], 1000);
	tb[2] = add(t, tb[1], 1000);
	tb[3] = add(t, tb[2], 1000);
	tb[4] = add(t, tb[0], 1500);
	tb[5] = add(t, tb[4], 1500);
	static const int par[B] = { 0, 0, 1, 2, 0, 4 };
	static const enum view_status pick[] = { VIEW_UNKNOWN, VIEW_REQUESTED, VIEW_PENDING,
						 VIEW_ORPHAN, VIEW_INVALID, VIEW_HAVE };
	GRand *rnd = g_rand_new_with_seed(15);
	for (int round = 0; round < 200; round++) {
		struct chain_view v[V];
		enum view_status ref[V][B];
		for (int i = 0; i < V; i++) {
			chain_view_init(&v[i], tb[0]);
			chain_view_track(&v[i], t, (uint32_t)i);
			for (int b = 0; b < B; b++)
				ref[i][b] = b == 0 ? VIEW_HAVE : VIEW_UNKNOWN;
		}
		for (int step = 0; step < 40; step++) {
			int i = g_rand_int_range(rnd, 0, V), b = g_rand_int_range(rnd, 1, B);
			enum view_status st = pick[g_rand_int_range(rnd, 0, G_N_ELEMENTS(pick))];
			if (!chain_view_can_move(ref[i][b], st) || ref[i][b] == st)
				continue;
			if (st == VIEW_HAVE) {
				if (ref[i][par[b]] != VIEW_HAVE)
					continue;
				struct chain_reorg r;
				chain_view_connect(&v[i], tb[b], FORK_MOST_WORK, &r);
			} else {
				chain_view_set_status(&v[i], tb[b], st);
			}
			ref[i][b] = st;
			for (int x = 0; x < V; x++)
				for (int y = 0; y < B; y++) {
					g_assert_cmpint(chain_view_status(&v[x], tb[y]), ==, ref[x][y]);
					g_assert_cmpint(chain_store_seen(t, tb[y], (uint32_t)x), ==,
							ref[x][y] != VIEW_UNKNOWN);
				}
		}
		for (int i = 0; i < V; i++)
			chain_view_clear(&v[i]);
		/* the next round's views start afresh on new blocks */
		for (int b = 1; b < B; b++)
			tb[b] = add(t, tb[par[b]], b >= 4 ? 1500 : 1000);
	}
	g_rand_free(rnd);
	chain_store_free(t, NULL);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/chain/store/add-find-get", test_store);
	g_test_add_func("/chain/store/free-aux", test_store_free_aux);
	g_test_add_func("/chain/fork-choice/rules", test_compare_rules);
	g_test_add_func("/chain/fork-choice/tie-first-seen", test_tie_first_seen);
	g_test_add_func("/chain/fork-choice/best-lower-hash", test_best_lower_hash);
	static const struct exhaustive two = { 2, 4, 500 }, three = { 3, 2, 5000 };
	g_test_add_data_func("/chain/exhaustive/two-branches", &two, test_exhaustive);
	g_test_add_data_func("/chain/exhaustive/three-branches", &three, test_exhaustive);
	g_test_add_func("/chain/fork-point/deep", test_deep_fork);
	g_test_add_func("/chain/view/status", test_view_status);
	g_test_add_func("/chain/view/orphans-arrival-order", test_orphans_arrival_order);
	g_test_add_func("/chain/view/transition-table", test_transition_table);
	g_test_add_func("/chain/view/transitions-made", test_transitions_made);
	g_test_add_func("/chain/view/forbidden-move-aborts", test_forbidden_move_aborts);
	g_test_add_func("/chain/view/missing", test_missing);
	g_test_add_func("/chain/view/seen-bits", test_seen_bits);
	return g_test_run();
}
