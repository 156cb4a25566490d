/* Consensus rules on hand-built chains: retargeting (exact, in integers),
 * scheduled changes by height and by time, and every reason a block can
 * fail for, one defect at a time. */
#include <string.h>

#include <glib.h>

#include "powsim/consensus.h"
#include "powsim/scenario.h"

#include "testkit.h"

static struct scenario sc;

static void load(const char *consensus, const char *events)
{
	char *text = g_strdup_printf(
		"{\"stop\": {\"blocks\": 1}, \"consensus\": %s, \"events\": %s, "
		"\"nodes\": [{\"name\": \"m\", \"hashrate\": \"1kH/s\"}]}", consensus, events);
	GError *err = NULL;
	if (!scenario_load_string(text, "consensus-test.json", NULL, &sc, &err))
		g_error("%s", err->message);
	g_free(text);
}

/* A child of P, mined at TS (ns), with difficulty MZ; no transactions. */
static struct block *child(const struct block *p, simtime_t ts, uint32_t mz)
{
	struct block_header h = { .version = BLOCK_VERSION | BLOCK_FLAG_MODELLED,
				  .height = p->h.height + 1, .timestamp = ts,
				  .millizeros = mz, .miner = 0 };
	memcpy(h.prev, p->hash, 32);
	return block_new(&h, p, NULL, 0, ts, 96);
}

/* A chain of N blocks after genesis at difficulty MZ, SPACING apart;
 * returns the tip. BLOCKS receives every block for freeing. */
static const struct block *chain(GPtrArray *blocks, int n, simtime_t spacing, uint32_t mz)
{
	struct block *b = block_genesis();
	g_ptr_array_add(blocks, b);
	for (int i = 1; i <= n; i++) {
		b = child(b, i * spacing, mz);
		g_ptr_array_add(blocks, b);
	}
	return b;
}

static void test_retarget(void)
{
	load("{\"mode\": \"model\", \"difficulty\": 3, "
	     "\"retarget\": {\"every\": 4, \"interval\": \"1s\", \"clamp\": 4}}", "[]");
	consensus_t *c = consensus_new(&sc.consensus);
	static const struct {
		simtime_t spacing;
		int delta; /* millizeros: 250 * log2(1 s / spacing), clamped at +-500 */
	} cases[] = {
		{ SIMTIME_S, 0 },
		{ SIMTIME_S / 2, 250 },     /* blocks twice too fast: twice the work */
		{ 2 * SIMTIME_S, -250 },
		{ SIMTIME_S / 4, 500 },
		{ SIMTIME_S / 100, 500 },   /* clamped at 4x */
		{ 100 * SIMTIME_S, -500 },
		{ 3 * SIMTIME_S / 4, 104 }, /* 250 * log2(4/3) = 103.76 */
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GPtrArray *blocks = g_ptr_array_new_with_free_func((GDestroyNotify)block_free);
		/* height 7's child is height 8, a multiple of 4: it retargets
		 * over the last 4 blocks (heights 3..7). */
		const struct block *tip = chain(blocks, 7, cases[i].spacing, 3000);
		uint32_t mz = consensus_required(c, tip, tip->h.timestamp);
		g_assert_cmpint((int)mz - 3000, ==, cases[i].delta);
		/* not a multiple of 4: inherited */
		g_assert_cmpuint(consensus_required(c, tip->parent, tip->h.timestamp), ==, 3000);
		g_ptr_array_unref(blocks);
	}
	consensus_free(c);
	config_clear(&sc);
}

static void test_schedule(void)
{
	load("{\"mode\": \"model\", \"difficulty\": 3}",
	     "[{\"at_height\": 5, \"action\": \"difficulty\", \"value\": 4},"
	     " {\"at\": \"10s\", \"action\": \"difficulty\", \"value\": 2.5}]");
	consensus_t *c = consensus_new(&sc.consensus);
	GPtrArray *blocks = g_ptr_array_new_with_free_func((GDestroyNotify)block_free);
	const struct block *g = chain(blocks, 0, 0, 0);
	/* the first block takes the scenario's difficulty */
	g_assert_cmpuint(consensus_required(c, g, 0), ==, 3000);
	const struct block *b3 = chain(blocks, 4, SIMTIME_S, 3000); /* tip at height 4, t = 4 s */
	g_assert_cmpuint(consensus_required(c, b3, 5 * SIMTIME_S), ==, 4000); /* height 5 */
	struct block *b5 = child(b3, 5 * SIMTIME_S, 4000);
	g_ptr_array_add(blocks, b5);
	g_assert_cmpuint(consensus_required(c, b5, 6 * SIMTIME_S), ==, 4000);   /* inherited */
	/* the time rule binds the first block at or after 10 s, by timestamp */
	g_assert_cmpuint(consensus_required(c, b5, 10 * SIMTIME_S - 1), ==, 4000);
	g_assert_cmpuint(consensus_required(c, b5, 10 * SIMTIME_S), ==, 2500);
	struct block *b6 = child(b5, 11 * SIMTIME_S, 2500);
	g_ptr_array_add(blocks, b6);
	g_assert_cmpuint(consensus_required(c, b6, 12 * SIMTIME_S), ==, 2500);
	g_ptr_array_unref(blocks);
	consensus_free(c);
	config_clear(&sc);
}

/* ---- every reason of consensus.h, each from one defect of a good block ---- */

enum defect {
	D_NONE, D_PREV, D_HEIGHT, D_OLD, D_NEW, D_DIFF, D_HASH, D_MODELLED, D_MERKLE,
	D_NO_COINBASE, D_COINBASE, D_OVERSPEND, D_TOO_MANY,
};

/* A block on G at difficulty 1 (the scenario's) with a coinbase and two
 * transfers from node 0, with defect D. REAL: the PoW is hashed, not
 * modelled (a nonce is searched unless D_HASH wants one that fails). */
static struct block *defective(const struct block *g, tx_keys_t *k, struct tx *txs,
			       enum defect d, bool real)
{
	simtime_t now = 10 * SIMTIME_S;
	const struct tx *list[3] = { &txs[0], &txs[1], &txs[2] };
	tx_coinbase(&txs[0], k, 1, 50 + (d == D_COINBASE), 1, now);
	txs[1] = transfer(k, 0, 1, d == D_OVERSPEND ? 1000 : 5, 0, 0);
	txs[2] = transfer(k, 0, 1, 5, 0, 1);
	uint32_t n = d == D_NO_COINBASE ? 2 : 3;
	const struct tx *const *first = d == D_NO_COINBASE ? list + 1 : list;
	struct block_header h = {
		.version = BLOCK_VERSION | (real ? 0 : BLOCK_FLAG_MODELLED) |
			   (d == D_MODELLED ? BLOCK_FLAG_MODELLED : 0),
		.height = 1 + (d == D_HEIGHT), .timestamp = now, .millizeros = 1000 + (d == D_DIFF),
		.miner = 1,
	};
	memcpy(h.prev, g->hash, 32);
	if (d == D_PREV)
		h.prev[0] ^= 1;
	if (d == D_OLD)
		h.timestamp = -1;
	if (d == D_NEW)
		h.timestamp = now + CONSENSUS_MAX_FUTURE + 1;
	block_merkle(first, n, h.merkle);
	if (d == D_MERKLE)
		h.merkle[5] ^= 1;
	struct u256 target;
	pow_target_from_millizeros(h.millizeros, &target);
	for (;; h.nonce++) {
		struct block *b = block_new(&h, g, first, n, now, 96);
		if (!real || d == D_MODELLED || pow_hash_meets(b->hash, &target) == (d != D_HASH))
			return b;
		block_free(b);
	}
}

static void test_reasons(void)
{
	static const struct {
		enum defect d;
		bool real;
		const char *reason;
	} cases[] = {
		{ D_NONE, false, NULL },           { D_NONE, true, NULL },
		{ D_PREV, false, "bad-prev" },     { D_HEIGHT, false, "bad-height" },
		{ D_OLD, false, "time-too-old" },  { D_NEW, false, "time-too-new" },
		{ D_DIFF, false, "bad-diff" },     { D_HASH, true, "high-hash" },
		{ D_MODELLED, true, "bad-pow-mode" }, { D_MERKLE, false, "bad-merkle" },
		{ D_NO_COINBASE, false, "no-coinbase" }, { D_COINBASE, false, "bad-coinbase" },
		{ D_OVERSPEND, false, "overspend" }, { D_TOO_MANY, false, "too-many-txs" },
	};
	tx_keys_t *k = tx_keys_new(7, 2);
	uint64_t bal[2] = { 100, 0 };
	ledger_state_t *st = ledger_genesis(2, bal);
	struct block *g = block_genesis();
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const char *cfg =
			cases[i].d == D_TOO_MANY ? "{\"mode\": \"model\", \"difficulty\": 1, \"max_block_txs\": 1}"
			: cases[i].real		 ? "{\"mode\": \"fast\", \"difficulty\": 1}"
						 : "{\"mode\": \"model\", \"difficulty\": 1}";
		load(cfg, "[]");
		consensus_t *c = consensus_new(&sc.consensus);
		struct tx txs[3];
		struct block *b = defective(g, k, txs, cases[i].d, cases[i].real);
		const char *reason = NULL;
		ledger_state_t *post = consensus_check_block(c, b, st, k, &reason);
		g_test_message("case %zu: %s", i, reason ? reason : "valid");
		g_assert_cmpstr(reason, ==, cases[i].reason);
		g_assert_true((post != NULL) == (cases[i].reason == NULL));
		ledger_unref(post);
		block_free(b);
		consensus_free(c);
		config_clear(&sc);
	}
	block_free(g);
	ledger_unref(st);
	tx_keys_free(k);
}

/* The reader puts each difficulty action into the consensus settings,
 * and consensus dates a phase from its time-keyed changes. */
static void test_schedule_home(void)
{
	load("{\"mode\": \"model\", \"difficulty\": 3}",
	     "[{\"at\": \"10s\", \"action\": \"difficulty\", \"value\": 2.5},"
	     " {\"at\": \"5s\", \"action\": \"hashrate\", \"value\": \"2kH/s\"},"
	     " {\"at_height\": 5, \"action\": \"difficulty\", \"value\": 4},"
	     " {\"at\": \"20s\", \"action\": \"difficulty\", \"value\": 2.5}]");
	const GArray *s = sc.consensus.schedule;
	g_assert_cmpuint(s->len, ==, 3);
	const struct difficulty_change *d = &g_array_index(s, struct difficulty_change, 1);
	g_assert_true(d->by_height);
	g_assert_cmpuint(d->height, ==, 5);
	g_assert_cmpuint(d->millizeros, ==, 4000);
	g_assert_cmpuint(consensus_switch_height(d), ==, 4);
	consensus_t *c = consensus_new(&sc.consensus);
	simtime_t at = 0;
	g_assert_true(consensus_change_due(c, 2500, 0, 30 * SIMTIME_S, &at));
	g_assert_cmpint(at, ==, 20 * SIMTIME_S); /* the latest of the two */
	g_assert_true(consensus_change_due(c, 2500, 0, 10 * SIMTIME_S, &at));
	g_assert_cmpint(at, ==, 10 * SIMTIME_S);
	g_assert_false(consensus_change_due(c, 2500, 10 * SIMTIME_S, 19 * SIMTIME_S, &at));
	g_assert_false(consensus_change_due(c, 4000, 0, 30 * SIMTIME_S, &at)); /* height-keyed */
	consensus_free(c);
	config_clear(&sc);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/consensus/retarget/integer", test_retarget);
	g_test_add_func("/consensus/schedule/height-and-time", test_schedule);
	g_test_add_func("/consensus/schedule/one-home", test_schedule_home);
	g_test_add_func("/consensus/reasons/every", test_reasons);
	return g_test_run();
}
