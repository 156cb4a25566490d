/* Tests of the strategies' state machines (strategy.h), one transition at
 * a time: blocks are built by hand, the strategy is driven directly with
 * on_mined / on_block, and what it asks of its node (publish, mine on,
 * report) is recorded and checked after each step. The attacker is node
 * 1 (ME), the honest network node 0. */
#include <string.h>

#include <glib.h>

#include "powsim/strategy.h"

#define ME 1u
#define HONEST 0u

struct rig {
	const struct strategy_ops *ops;
	void *st;
	struct strategy_io io;
	GPtrArray *blocks;            /* owns every block */
	const struct block *genesis;
	const struct block *mining;   /* last mine_on */
	GPtrArray *published;         /* blocks passed to publish, in order */
	GArray *events;               /* struct strategy_event */
	uint64_t nonce;
};

static void rec_publish(void *ctx, const struct block *b)
{
	struct rig *r = ctx;
	g_ptr_array_add(r->published, (void *)b);
}

static void rec_mine_on(void *ctx, const struct block *b)
{
	struct rig *r = ctx;
	r->mining = b;
}

static void rec_report(void *ctx, const struct strategy_event *e)
{
	struct rig *r = ctx;
	g_array_append_val(r->events, *e);
}

static void rig_init(struct rig *r, const char *name, struct strategy_cfg cfg)
{
	memset(r, 0, sizeof *r);
	r->ops = strategy_find(name);
	g_assert_nonnull(r->ops);
	r->blocks = g_ptr_array_new_with_free_func((GDestroyNotify)block_free);
	struct block *g = block_genesis();
	g_ptr_array_add(r->blocks, g);
	r->genesis = r->mining = g;
	r->published = g_ptr_array_new();
	r->events = g_array_new(FALSE, FALSE, sizeof(struct strategy_event));
	r->io = (struct strategy_io){
		.ctx = r, .self = ME, .publish = rec_publish, .mine_on = rec_mine_on, .report = rec_report,
	};
	r->st = r->ops->new_state(&cfg, g);
}

static void rig_clear(struct rig *r)
{
	g_free(r->st);
	g_ptr_array_free(r->published, TRUE);
	g_array_free(r->events, TRUE);
	g_ptr_array_free(r->blocks, TRUE);
}

static const struct block *mk(struct rig *r, const struct block *p, uint32_t miner)
{
	struct block_header h = {
		.version = BLOCK_VERSION | BLOCK_FLAG_MODELLED,
		.height = p->h.height + 1,
		.miner = miner,
		.nonce = ++r->nonce,
	};
	memcpy(h.prev, p->hash, 32);
	struct block *b = block_new(&h, p, NULL, 0, (simtime_t)h.nonce, 96);
	g_ptr_array_add(r->blocks, b);
	return b;
}

/* The attacker finds a block on what it mines on. */
static const struct block *mine(struct rig *r)
{
	const struct block *b = mk(r, r->mining, ME);
	r->ops->on_mined(r->st, &r->io, b);
	return b;
}

/* The honest network's block on P reaches the attacker. */
static const struct block *honest(struct rig *r, const struct block *p)
{
	const struct block *b = mk(r, p, HONEST);
	r->ops->on_block(r->st, &r->io, b);
	return b;
}

static const struct strategy_chain *chain(const struct rig *r)
{
	return r->ops->chain(r->st);
}

/* Exactly N publish calls so far, the last of them B. */
static void assert_published(const struct rig *r, guint n, const struct block *b)
{
	g_assert_cmpuint(r->published->len, ==, n);
	if (n)
		g_assert_true(g_ptr_array_index(r->published, n - 1) == b);
}

static void assert_race(const struct rig *r, guint i, const struct block *own, const struct block *rival)
{
	g_assert_cmpuint(r->events->len, >, i);
	const struct strategy_event *e = &g_array_index(r->events, struct strategy_event, i);
	g_assert_cmpint(e->kind, ==, STRATEGY_RACE);
	g_assert_true(e->own == own);
	g_assert_true(e->rival == rival);
}

static const struct strategy_cfg no_cfg;

/* ---- registry ---- */

static void test_registry(void)
{
	g_assert_null(strategy_find("honest"));
	g_assert_null(strategy_find("Selfish"));
	g_assert_null(strategy_find(NULL));
	unsigned n = 0;
	for (const struct strategy_ops *s; (s = strategy_at(n)) != NULL; n++) {
		g_assert_true(strategy_find(s->name) == s);
		g_assert_nonnull(s->new_state);
		g_assert_nonnull(s->on_mined);
		g_assert_nonnull(s->on_block);
		g_assert_nonnull(s->chain);
	}
	g_assert_cmpuint(n, ==, 3);
	g_assert_true(strategy_find("selfish") == &strategy_selfish);
	g_assert_true(strategy_find("stubborn") == &strategy_stubborn);
	g_assert_true(strategy_find("double-spend") == &strategy_double_spend);
}

/* ---- selfish (Eyal and Sirer, Algorithm 1) ---- */

/* Lead 0, the honest network finds a block: adopt it, publish nothing. */
static void test_selfish_adopt(void)
{
	struct rig r;
	rig_init(&r, "selfish", no_cfg);
	const struct block *h1 = honest(&r, r.genesis);
	g_assert_true(r.mining == h1);
	g_assert_true(chain(&r)->priv == h1);
	assert_published(&r, 0, NULL);
	g_assert_cmpuint(r.events->len, ==, 0);
	rig_clear(&r);
}

/* Its own block at lead 0 stays private. */
static void test_selfish_keep(void)
{
	struct rig r;
	rig_init(&r, "selfish", no_cfg);
	const struct block *a1 = mine(&r);
	g_assert_true(r.mining == a1);
	assert_published(&r, 0, NULL);
	g_assert_cmpint(strategy_lead(chain(&r)), ==, 1);
	g_assert_true(strategy_has_private(chain(&r), ME));
	rig_clear(&r);
}

/* Lead 1, the honest network catches up: publish, a race; then it finds
 * the next block: publish at once and win. */
static void test_selfish_race_won(void)
{
	struct rig r;
	rig_init(&r, "selfish", no_cfg);
	const struct block *a1 = mine(&r);
	const struct block *h1 = honest(&r, r.genesis);
	assert_published(&r, 1, a1);
	assert_race(&r, 0, a1, h1);
	g_assert_true(chain(&r)->race);
	g_assert_true(r.mining == a1);   /* it mines on its own branch */
	const struct block *a2 = mine(&r);
	assert_published(&r, 2, a2);
	g_assert_false(chain(&r)->race);
	g_assert_true(chain(&r)->pub == a2);
	g_assert_cmpint(strategy_lead(chain(&r)), ==, 0);
	g_assert_cmpuint(r.events->len, ==, 1);
	rig_clear(&r);
}

/* A race the honest network resolves, on either branch: adopt. */
static void test_selfish_race_lost(void)
{
	for (int on_own = 0; on_own <= 1; on_own++) {
		struct rig r;
		rig_init(&r, "selfish", no_cfg);
		const struct block *a1 = mine(&r);
		const struct block *h1 = honest(&r, r.genesis);
		const struct block *h2 = honest(&r, on_own ? a1 : h1);
		g_assert_true(r.mining == h2);
		g_assert_false(chain(&r)->race);
		assert_published(&r, 1, a1);
		rig_clear(&r);
	}
}

/* A block that only ties the public tip changes nothing. */
static void test_selfish_tie_ignored(void)
{
	struct rig r;
	rig_init(&r, "selfish", no_cfg);
	const struct block *h1 = honest(&r, r.genesis);
	honest(&r, r.genesis);
	g_assert_true(chain(&r)->pub == h1);
	g_assert_true(r.mining == h1);
	rig_clear(&r);
}

/* Lead 2, the honest network finds one: publish everything, override. */
static void test_selfish_override(void)
{
	struct rig r;
	rig_init(&r, "selfish", no_cfg);
	mine(&r);
	const struct block *a2 = mine(&r);
	honest(&r, r.genesis);
	assert_published(&r, 1, a2);
	g_assert_true(chain(&r)->pub == a2);
	g_assert_false(chain(&r)->race);
	g_assert_cmpuint(r.events->len, ==, 0);
	g_assert_false(strategy_has_private(chain(&r), ME));
	rig_clear(&r);
}

/* Lead 3: publish the first unpublished block (matching the public
 * height), then at lead 2 -> 1 everything. */
static void test_selfish_long_lead(void)
{
	struct rig r;
	rig_init(&r, "selfish", no_cfg);
	const struct block *a1 = mine(&r);
	mine(&r);
	const struct block *a3 = mine(&r);
	const struct block *h1 = honest(&r, r.genesis);
	assert_published(&r, 1, a1);
	assert_race(&r, 0, a1, h1);
	g_assert_cmpint(strategy_lead(chain(&r)), ==, 2);
	honest(&r, h1);
	assert_published(&r, 2, a3);
	g_assert_true(chain(&r)->pub == a3);
	g_assert_true(r.mining == a3);
	rig_clear(&r);
}

/* ---- stubborn (Nayak, Kumar, Miller and Shi) ---- */

static struct strategy_cfg stubborn_cfg(const char *variant, uint32_t trail)
{
	return (struct strategy_cfg){ .variant = (char *)variant, .trail = trail };
}

/* Lead-stubborn at lead 2: match the honest block, never override; then
 * match again at lead 1 -> 0 (a race). */
static void test_stubborn_lead(void)
{
	struct rig r;
	rig_init(&r, "stubborn", stubborn_cfg("lead", 0));
	const struct block *a1 = mine(&r);
	const struct block *a2 = mine(&r);
	const struct block *h1 = honest(&r, r.genesis);
	assert_published(&r, 1, a1);
	assert_race(&r, 0, a1, h1);
	g_assert_true(r.mining == a2);
	g_assert_cmpint(strategy_lead(chain(&r)), ==, 1);
	const struct block *h2 = honest(&r, h1);
	assert_published(&r, 2, a2);
	assert_race(&r, 1, a2, h2);
	g_assert_true(chain(&r)->race);
	rig_clear(&r);
}

/* Equal-fork-stubborn: a block found during a race stays private; the
 * next honest block is matched. */
static void test_stubborn_equal_fork(void)
{
	struct rig r;
	rig_init(&r, "stubborn", stubborn_cfg("equal-fork", 0));
	const struct block *a1 = mine(&r);
	const struct block *h1 = honest(&r, r.genesis);
	assert_published(&r, 1, a1);
	const struct block *a2 = mine(&r);
	assert_published(&r, 1, a1);     /* unlike selfish: kept */
	g_assert_true(r.mining == a2);
	g_assert_cmpint(strategy_lead(chain(&r)), ==, 1);
	const struct block *h2 = honest(&r, h1);
	assert_published(&r, 2, a2);
	assert_race(&r, 1, a2, h2);
	rig_clear(&r);
}

/* Trail-stubborn with depth 2: behind by 1 and 2 it keeps its branch;
 * catching up it publishes to tie; behind by 3 it adopts. */
static void test_stubborn_trail(void)
{
	struct rig r;
	rig_init(&r, "stubborn", stubborn_cfg("trail", 2));
	const struct block *a1 = mine(&r);
	const struct block *h1 = honest(&r, r.genesis);   /* race */
	const struct block *h2 = honest(&r, h1);          /* behind by 1 */
	g_assert_true(r.mining == a1);
	g_assert_cmpint(strategy_lead(chain(&r)), ==, -1);
	const struct block *a2 = mine(&r);                /* caught up: tie */
	assert_published(&r, 2, a2);
	assert_race(&r, 1, a2, h2);
	const struct block *h3 = honest(&r, h2);          /* behind by 1 */
	const struct block *h4 = honest(&r, h3);          /* behind by 2 */
	g_assert_true(r.mining == a2);
	g_assert_cmpint(strategy_lead(chain(&r)), ==, -2);
	const struct block *h5 = honest(&r, h4);          /* behind by 3: adopt */
	g_assert_true(r.mining == h5);
	g_assert_cmpint(strategy_lead(chain(&r)), ==, 0);
	rig_clear(&r);
}

/* Trail-stubborn without a branch of its own adopts as selfish does. */
static void test_stubborn_trail_nothing_to_keep(void)
{
	struct rig r;
	rig_init(&r, "stubborn", stubborn_cfg("trail", 3));
	const struct block *h1 = honest(&r, r.genesis);
	g_assert_true(r.mining == h1);
	rig_clear(&r);
}

/* Combined variants: lead + equal-fork + trail. */
static void test_stubborn_combined(void)
{
	struct rig r;
	rig_init(&r, "stubborn", stubborn_cfg("lead+equal-fork+trail", 1));
	const struct block *a1 = mine(&r);
	const struct block *a2 = mine(&r);
	const struct block *h1 = honest(&r, r.genesis);   /* lead: match only */
	assert_published(&r, 1, a1);
	const struct block *a3 = mine(&r);                /* not a race (lead 2) */
	assert_published(&r, 1, a1);
	const struct block *h2 = honest(&r, h1);          /* match a2 */
	assert_published(&r, 2, a2);
	assert_race(&r, 1, a2, h2);
	g_assert_true(r.mining == a3);
	rig_clear(&r);
}

/* ---- double spend ---- */

static struct strategy_cfg ds_cfg(uint32_t z, uint32_t give_up, uint32_t premine)
{
	return (struct strategy_cfg){ .confirmations = z, .give_up = give_up, .premine = premine };
}

static const struct strategy_event *attempt(const struct rig *r, guint i)
{
	g_assert_cmpuint(r->events->len, >, i);
	const struct strategy_event *e = &g_array_index(r->events, struct strategy_event, i);
	g_assert_cmpint(e->kind, ==, STRATEGY_ATTEMPT);
	return e;
}

/* Longer before the merchant delivered: wait; delivered and longer:
 * publish, a success; the next attempt starts on its chain. */
static void test_ds_success(void)
{
	struct rig r;
	rig_init(&r, "double-spend", ds_cfg(2, 5, 0));
	mine(&r);
	mine(&r);                                          /* 2 private, 0 conf */
	const struct block *h1 = honest(&r, r.genesis);   /* 1 conf */
	assert_published(&r, 0, NULL);
	g_assert_cmpuint(r.events->len, ==, 0);
	honest(&r, h1);                                    /* 2 conf, 2 private: not longer */
	assert_published(&r, 0, NULL);
	const struct block *a3 = mine(&r);                 /* 3 > 2: go */
	assert_published(&r, 1, a3);
	const struct strategy_event *e = attempt(&r, 0);
	g_assert_true(e->success);
	g_assert_cmpuint(e->confirmations, ==, 2);
	g_assert_true(e->base == r.genesis);
	g_assert_true(r.mining == a3);
	g_assert_true(chain(&r)->pub == a3);
	rig_clear(&r);
}

/* The honest branch GIVE_UP ahead: a failure, adopt it, start again. */
static void test_ds_give_up(void)
{
	struct rig r;
	rig_init(&r, "double-spend", ds_cfg(1, 3, 0));
	const struct block *a1 = mine(&r);
	const struct block *h = honest(&r, r.genesis);
	h = honest(&r, h);
	h = honest(&r, h);
	g_assert_cmpuint(r.events->len, ==, 0);            /* deficit 2 */
	g_assert_true(r.mining == a1);
	h = honest(&r, h);                                  /* deficit 3 */
	const struct strategy_event *e = attempt(&r, 0);
	g_assert_false(e->success);
	g_assert_cmpuint(e->confirmations, ==, 4);
	g_assert_cmpuint(e->deficit, ==, 3);
	g_assert_true(r.mining == h);
	assert_published(&r, 0, NULL);
	/* The next attempt counts from the new base. */
	mine(&r);
	const struct block *a = mine(&r);
	honest(&r, h);
	g_assert_cmpuint(r.events->len, ==, 2);
	g_assert_true(attempt(&r, 1)->success);
	assert_published(&r, 1, a);
	rig_clear(&r);
}

/* Premine: beaten by the honest network, it starts over on its block;
 * after the premine, the attempt runs from that base. */
static void test_ds_premine(void)
{
	struct rig r;
	rig_init(&r, "double-spend", ds_cfg(1, 4, 1));
	const struct block *h1 = honest(&r, r.genesis);
	g_assert_true(r.mining == h1);
	mine(&r);                                           /* premined, pays */
	const struct block *h2 = honest(&r, h1);           /* 1 conf, tie */
	g_assert_cmpuint(r.events->len, ==, 0);
	(void)h2;
	const struct block *a2 = mine(&r);                 /* 2 > 1 */
	const struct strategy_event *e = attempt(&r, 0);
	g_assert_true(e->success);
	g_assert_true(e->base == h1);
	g_assert_cmpuint(e->confirmations, ==, 1);
	assert_published(&r, 1, a2);
	rig_clear(&r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/strategy/registry", test_registry);
	g_test_add_func("/strategy/selfish/adopt", test_selfish_adopt);
	g_test_add_func("/strategy/selfish/keep", test_selfish_keep);
	g_test_add_func("/strategy/selfish/race-won", test_selfish_race_won);
	g_test_add_func("/strategy/selfish/race-lost", test_selfish_race_lost);
	g_test_add_func("/strategy/selfish/tie-ignored", test_selfish_tie_ignored);
	g_test_add_func("/strategy/selfish/override", test_selfish_override);
	g_test_add_func("/strategy/selfish/long-lead", test_selfish_long_lead);
	g_test_add_func("/strategy/stubborn/lead", test_stubborn_lead);
	g_test_add_func("/strategy/stubborn/equal-fork", test_stubborn_equal_fork);
	g_test_add_func("/strategy/stubborn/trail", test_stubborn_trail);
	g_test_add_func("/strategy/stubborn/trail-nothing-to-keep", test_stubborn_trail_nothing_to_keep);
	g_test_add_func("/strategy/stubborn/combined", test_stubborn_combined);
	g_test_add_func("/strategy/double-spend/success", test_ds_success);
	g_test_add_func("/strategy/double-spend/give-up", test_ds_give_up);
	g_test_add_func("/strategy/double-spend/premine", test_ds_premine);
	return g_test_run();
}
