/* Consensus rules on hand-built chains: retargeting (exact, in integers),
 * scheduled changes by height and by time, and the first failing check. */
#include <string.h>

#include <glib.h>

#include "powsim/consensus.h"
#include "powsim/scenario.h"

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

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/consensus/retarget/integer", test_retarget);
	g_test_add_func("/consensus/schedule/height-and-time", test_schedule);
	return g_test_run();
}
