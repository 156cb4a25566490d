/* Issue 4's timeline actions, one test each, on whole runs in process
 * (scenario text -> world -> records and trace files), each asserting the
 * action's effect:
 *  difficulty at a height: blocks from that height carry the new zeros,
 *    those below the old; events.csv logs the change;
 *  difficulty at a time: a block mined before the change and still in
 *    flight (long latency) when it happens is accepted with the old
 *    difficulty: held by every node, no block rejected;
 *  hashrate: a miner slowed to a trickle all but stops finding blocks;
 *  burst: N transfers created at that instant, consecutive seqs;
 *  leave / join: an offline node's tip stops; after join it catches up;
 *  partition / heal: both sides mine while split; after heal one tip; the
 *    reorg depths at the losing side are the blocks it mined on its branch
 *    (from blocks.csv and reorgs.csv);
 *  latency: after an increase, blocks take longer to reach everyone. */
#include <math.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "powsim/block.h"
#include "powsim/consensus.h"
#include "powsim/hash.h"
#include "powsim/invariants.h"
#include "powsim/scenario.h"
#include "powsim/trace.h"
#include "powsim/world.h"

#include "testkit.h"

/* ---- helpers (after tests/test_world.c) ---- */

static void load(struct scenario *sc, const char *text)
{
	GError *err = NULL;
	if (!scenario_load_string(text, "timeline-test.json", NULL, sc, &err))
		g_error("scenario: %s\n%s", err->message, text);
}

static char *cell(GPtrArray *rows, guint i, int col)
{
	return ((char **)g_ptr_array_index(rows, i))[col];
}

static double num(const char *s)
{
	char *end;
	double d = g_ascii_strtod(s, &end);
	g_assert_true(end != s && *end == '\0');
	return d;
}

/* A probe called after every event: the tip heights of every node the
 * last time before each of up to four instants. */
#define PROBES 4
struct probe {
	simtime_t at[PROBES];
	uint32_t height[PROBES][16];
	const struct block *tip[PROBES][16];
	bool online[PROBES][16];
};

static void probe_step(void *ctx, const world_t *w)
{
	struct probe *p = ctx;
	for (int k = 0; k < PROBES; k++) {
		if (p->at[k] == 0 || world_now(w) >= p->at[k])
			continue;
		for (uint32_t i = 0; i < world_node_count(w) && i < 16; i++) {
			p->tip[k][i] = world_node(w, i)->view.tip;
			p->height[k][i] = p->tip[k][i]->h.height;
			p->online[k][i] = world_node(w, i)->online;
		}
	}
}

static world_t *run_probed(const struct scenario *sc, struct probe *p)
{
	GError *err = NULL;
	world_t *w = world_new(sc, &err);
	g_assert_no_error(err);
	if (p)
		world_on_step(w, probe_step, p);
	world_run(w, NULL);
	invariants_check(NULL, w);
	return w;
}

/* A whole run of a scenario text: the world, run to its end with the
 * invariants checked, and (after run_traces) its outputs in a temporary
 * directory; run_close frees all three. */
struct run {
	struct scenario sc;
	world_t *w;
	char *dir;
};

/* Runs R's scenario, already in R->sc. */
static world_t *run_begin(struct run *r, struct probe *p)
{
	r->dir = NULL;
	return r->w = run_probed(&r->sc, p);
}

static world_t *run_open(struct run *r, const char *text, struct probe *p)
{
	load(&r->sc, text);
	return run_begin(r, p);
}

static const char *run_traces(struct run *r)
{
	r->dir = tmpdir();
	write_traces(r->w, r->dir);
	return r->dir;
}

static void run_close(struct run *r)
{
	if (r->dir)
		rm_dir(r->dir);
	world_free(r->w);
	config_clear(&r->sc);
}

/* The row of events.csv for ACTION; asserts there is exactly one. */
static void assert_logged(const char *dir, const char *action, double at_s, const char *value)
{
	GPtrArray *ev = csv_read(dir, "events.csv");
	int c_t = csv_col(ev, "time_s"), c_a = csv_col(ev, "action"), c_v = csv_col(ev, "value");
	int found = 0;
	for (guint i = 1; i < ev->len; i++) {
		if (strcmp(cell(ev, i, c_a), action) != 0)
			continue;
		found++;
		if (at_s >= 0)
			g_assert_cmpfloat(fabs(num(cell(ev, i, c_t)) - at_s), <, 1e-6);
		if (value)
			g_assert_cmpstr(cell(ev, i, c_v), ==, value);
	}
	g_assert_cmpint(found, ==, 1);
	g_ptr_array_free(ev, TRUE);
}

static uint32_t rejected_blocks(const world_t *w)
{
	return g_hash_table_size(world_counts(w)->block_rejects);
}

/* ---- difficulty ---- */

/* At height 12: every block at height >= 12, stale ones included, needs
 * 3 zeros and has them; every block below, 2. */
static void test_difficulty_height(void)
{
	const char *text =
		"{\"seed\": 4, \"stop\": {\"height\": 30},"
		" \"consensus\": {\"mode\": \"real\", \"difficulty\": 2},"
		" \"network\": {\"latency\": \"20ms\"},"
		" \"nodes\": [{\"name\": \"m\", \"count\": 3, \"hashrate\": \"300H/s\"}],"
		" \"events\": [{\"at_height\": 12, \"action\": \"difficulty\", \"value\": 3}]}";
	struct run r;
	world_t *w = run_open(&r, text, NULL);
	const chain_store_t *s = world_store(w);
	uint32_t above = 0;
	for (uint32_t id = 1; id < chain_store_count(s); id++) {
		const struct block *b = chain_store_get(s, id);
		char hex[HASH_HEX_SIZE];
		hash_hex(b->hash, 32, hex);
		if (b->h.height >= 12) {
			g_assert_cmpuint(b->h.millizeros, ==, 3000);
			g_assert_true(strncmp(hex, "000", 3) == 0);
			above++;
		} else {
			g_assert_cmpuint(b->h.millizeros, ==, 2000);
			g_assert_true(strncmp(hex, "00", 2) == 0);
		}
	}
	g_assert_cmpuint(above, >=, 30 - 12 + 1);
	g_assert_cmpuint(rejected_blocks(w), ==, 0);
	const char *dir = run_traces(&r);
	/* logged once, when the chain reached 11 (miners switch then) */
	assert_logged(dir, "difficulty", -1, "3.000");
	GPtrArray *ev = csv_read(dir, "events.csv");
	double t = num(cell(ev, 1, csv_col(ev, "time_s")));
	for (const struct block *b = report_main_tip(w); b->parent; b = b->parent)
		if (b->h.height == 11)
			g_assert_cmpfloat(fabs(t - simtime_to_s(b->mined_at)), <, 1.0);
	g_ptr_array_free(ev, TRUE);
	run_close(&r);
}

/* At 30 s, with a 4 s latency and a 1.3 s mean interval: blocks mined
 * in the last seconds before the change reach the others after it. The
 * rule is keyed on the block's timestamp, so such a block keeps its old
 * difficulty and is accepted by everyone: it is held by every node, and
 * no block is rejected anywhere. */
static void test_difficulty_time_in_flight(void)
{
	const char *text =
		"{\"seed\": 8, \"stop\": {\"time\": \"60s\"},"
		" \"consensus\": {\"mode\": \"real\", \"difficulty\": 2},"
		" \"network\": {\"latency\": \"4s\", \"processing\": \"1ms\"},"
		" \"nodes\": [{\"name\": \"m\", \"count\": 3, \"hashrate\": \"66H/s\"}],"
		" \"events\": [{\"at\": \"30s\", \"action\": \"difficulty\", \"value\": 2.5}]}";
	struct run r;
	world_t *w = run_open(&r, text, NULL);
	const simtime_t change = 30 * SIMTIME_S;
	const chain_store_t *s = world_store(w);
	uint32_t in_flight = 0, in_flight_main = 0, after = 0;
	GHashTable *main = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (const struct block *b = report_main_tip(w); b; b = b->parent)
		g_hash_table_add(main, (gpointer)b);
	for (uint32_t id = 1; id < chain_store_count(s); id++) {
		const struct block *b = chain_store_get(s, id);
		const struct world_block_stat *st = world_block_stat(w, id);
		if (b->h.timestamp < change) {
			g_assert_cmpuint(b->h.millizeros, ==, 2000);
		} else {
			g_assert_cmpuint(b->h.millizeros, ==, 2500);
			after++;
		}
		/* mined before the change, first received by a peer after it */
		if (b->mined_at < change && b->mined_at + 4 * SIMTIME_S > change) {
			in_flight++;
			g_assert_cmpuint(st->held, ==, world_node_count(w));
			in_flight_main += g_hash_table_contains(main, b);
		}
	}
	g_test_message("%u blocks in flight across the change (%u on the main chain), "
		       "%u at the new difficulty", in_flight, in_flight_main, after);
	g_assert_cmpuint(in_flight, >=, 1);
	g_assert_cmpuint(after, >=, 5);
	g_assert_cmpuint(rejected_blocks(w), ==, 0);
	const char *dir = run_traces(&r);
	assert_logged(dir, "difficulty", 30.0, "2.500");
	cJSON *sum = parse_file(dir, "summary.json");
	g_assert_cmpint(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(sum, "blocks_rejected_by_reason")), ==, 0);
	cJSON_Delete(sum);
	g_hash_table_destroy(main);
	run_close(&r);
}

/* ---- hashrate ---- */

/* Three equal miners; at 100 s m1 drops from 1 kH/s to 1 H/s. Before,
 * its share of blocks is 1/3 within 4 binomial SE; after, its expected
 * count is (blocks after) x 1/2001, well under 0.1, so at most 2 (Poisson
 * tail below 2e-4). */
static void test_hashrate(void)
{
	const char *text =
		"{\"seed\": 12, \"stop\": {\"time\": \"200s\"},"
		" \"consensus\": {\"mode\": \"fast\", \"difficulty\": 3},"
		" \"network\": {\"latency\": \"5ms\", \"processing\": \"0s\"},"
		" \"nodes\": [{\"name\": \"m\", \"count\": 3, \"hashrate\": \"1kH/s\"}],"
		" \"events\": [{\"at\": \"100s\", \"action\": \"hashrate\", \"target\": \"m1\", \"value\": \"1H/s\"}]}";
	struct run r;
	world_t *w = run_open(&r, text, NULL);
	g_assert_cmpuint(world_node(w, 0)->hashrate, ==, 1);
	g_assert_cmpuint(world_node(w, 1)->hashrate, ==, 1000);
	uint32_t before = 0, before_m1 = 0, after = 0, after_m1 = 0;
	const chain_store_t *s = world_store(w);
	for (uint32_t id = 1; id < chain_store_count(s); id++) {
		const struct block *b = chain_store_get(s, id);
		if (b->mined_at < 100 * SIMTIME_S) {
			before++;
			before_m1 += b->h.miner == 0;
		} else {
			after++;
			after_m1 += b->h.miner == 0;
		}
	}
	double share = (double)before_m1 / before, se = sqrt((1.0 / 3) * (2.0 / 3) / before);
	g_test_message("m1: %u of %u blocks before (share %.3f, SE %.3f), %u of %u after",
		       before_m1, before, share, se, after_m1, after);
	g_assert_cmpuint(before, >=, 50);
	g_assert_cmpfloat(fabs(share - 1.0 / 3), <, 4 * se);
	g_assert_cmpuint(after, >=, 30);
	g_assert_cmpuint(after_m1, <=, 2);
	/* its share of the run's hashing: 100 s at 1000 of 300 kH */
	double total = 0;
	for (uint32_t i = 0; i < 3; i++)
		total += world_node_hash_time(w, i);
	g_assert_cmpfloat(fabs(world_node_hash_time(w, 0) / total - 100100.0 / 500100.0), <, 1e-3);
	const char *dir = run_traces(&r);
	assert_logged(dir, "hashrate", 100.0, "1");
	run_close(&r);
}

/* ---- burst ---- */

static void test_burst(void)
{
	const char *text =
		"{\"seed\": 13, \"stop\": {\"time\": \"40s\"},"
		" \"consensus\": {\"mode\": \"fast\", \"difficulty\": 3},"
		" \"nodes\": [{\"name\": \"m\", \"count\": 2, \"hashrate\": \"1kH/s\"},"
		"   {\"name\": \"t\", \"role\": \"trader\", \"balance\": 10000,"
		"    \"trade\": {\"interval\": \"3s\", \"amount\": [1, 5]}}],"
		" \"events\": [{\"at\": \"10.5s\", \"action\": \"burst\", \"target\": \"t\", \"count\": 37}]}";
	struct run r;
	world_t *w = run_open(&r, text, NULL);
	const GArray *txs = world_txs(w);
	uint32_t at = 0, prev_seq = 0;
	for (guint i = 0; i < txs->len; i++) {
		const struct tx *t = g_array_index(txs, struct world_tx, i).tx;
		if (t->created != 10500 * SIMTIME_MS)
			continue;
		g_assert_cmpuint(t->sender, ==, 2);
		if (at > 0)
			g_assert_cmpuint(t->seq, ==, prev_seq + 1);
		prev_seq = t->seq;
		at++;
	}
	g_assert_cmpuint(at, ==, 37);
	const char *dir = run_traces(&r);
	assert_logged(dir, "burst", 10.5, "37");
	GPtrArray *rows = csv_read(dir, "txs.csv");
	int c = csv_col(rows, "created_s");
	uint32_t csv_at = 0;
	for (guint i = 1; i < rows->len; i++)
		csv_at += strcmp(cell(rows, i, c), "10.500000") == 0;
	g_assert_cmpuint(csv_at, ==, 37);
	g_ptr_array_free(rows, TRUE);
	run_close(&r);
}

/* ---- leave / join ---- */

/* m4 leaves at 20 s and joins at 60 s. Its tip at 21 s is its tip just
 * before 60 s (frozen), while the others' grew; 10 s after the join it
 * holds at least the others' tip of the join's moment. */
static void test_leave_join(void)
{
	const char *text =
		"{\"seed\": 14, \"stop\": {\"time\": \"90s\"},"
		" \"consensus\": {\"mode\": \"fast\", \"difficulty\": 3},"
		" \"network\": {\"latency\": \"30ms\"},"
		" \"nodes\": [{\"name\": \"m\", \"count\": 4, \"hashrate\": \"1kH/s\"}],"
		" \"events\": [{\"at\": \"20s\", \"action\": \"leave\", \"target\": \"m4\"},"
		"   {\"at\": \"60s\", \"action\": \"join\", \"target\": \"m4\"}]}";
	struct run r;
	struct probe p = { .at = { 21 * SIMTIME_S, 60 * SIMTIME_S, 70 * SIMTIME_S } };
	world_t *w = run_open(&r, text, &p);
	g_test_message("m4: %u at 21 s, %u at 60 s, %u at 70 s; m1: %u, %u, %u", p.height[0][3],
		       p.height[1][3], p.height[2][3], p.height[0][0], p.height[1][0],
		       p.height[2][0]);
	g_assert_false(p.online[0][3]);
	g_assert_false(p.online[1][3]);
	g_assert_true(p.tip[0][3] == p.tip[1][3]);          /* frozen while away */
	g_assert_cmpuint(p.height[1][0], >=, p.height[0][0] + 10); /* others went on */
	/* no block of m4's while it was away */
	const chain_store_t *s = world_store(w);
	for (uint32_t id = 1; id < chain_store_count(s); id++) {
		const struct block *b = chain_store_get(s, id);
		if (b->h.miner == 3)
			g_assert_true(b->mined_at < 20 * SIMTIME_S || b->mined_at >= 60 * SIMTIME_S);
	}
	/* caught up */
	g_assert_true(p.online[2][3]);
	uint32_t others = 0;
	for (int i = 0; i < 3; i++)
		others = MAX(others, p.height[1][i]);
	g_assert_cmpuint(p.height[2][3], >=, others);
	g_assert_true(report_main_tip(w) == world_node(w, 3)->view.tip ||
		      world_node(w, 3)->view.tip->parent == report_main_tip(w) ||
		      report_main_tip(w)->parent == world_node(w, 3)->view.tip);
	run_close(&r);
}

/* ---- partition / heal ---- */

struct brow {
	char *parent, *miner;
	double time;
	int main_chain;
};

/* partition.json (east: 3 miners, west: 2, a quarter of the hash rate;
 * split at 1 min, healed at 2 min), read back from its CSVs. */
static void test_partition_heal(void)
{
	GError *err = NULL;
	struct run r;
	char *path = g_build_filename("scenarios", "partition.json", NULL);
	if (!scenario_load(path, NULL, &r.sc, &err))
		g_error("%s", err->message);
	g_free(path);
	struct probe p = { .at = { 60 * SIMTIME_S + 1, 120 * SIMTIME_S } };
	world_t *w = run_begin(&r, &p);
	/* both sides' tips grew while split: east nodes 0-2, west 3-4 */
	g_test_message("east1: %u -> %u, west1: %u -> %u while split", p.height[0][0],
		       p.height[1][0], p.height[0][3], p.height[1][3]);
	g_assert_cmpuint(p.height[1][0], >, p.height[0][0]);
	g_assert_cmpuint(p.height[1][3], >, p.height[0][3]);
	g_assert_true(p.tip[1][0] != p.tip[1][3]);
	/* one tip at the end, the most-work one */
	const struct block *tip = report_main_tip(w);
	for (uint32_t i = 0; i < world_node_count(w); i++)
		g_assert_true(world_node(w, i)->view.tip == tip);

	const char *dir = run_traces(&r);
	GPtrArray *bl = csv_read(dir, "blocks.csv");
	GHashTable *blocks = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	int c_hash = csv_col(bl, "hash"), c_parent = csv_col(bl, "parent"),
	    c_miner = csv_col(bl, "miner"), c_time = csv_col(bl, "time_s"),
	    c_main = csv_col(bl, "main_chain");
	uint32_t west_split = 0;
	for (guint i = 1; i < bl->len; i++) {
		struct brow *row = g_new0(struct brow, 1);
		row->parent = cell(bl, i, c_parent);
		row->miner = cell(bl, i, c_miner);
		row->time = num(cell(bl, i, c_time));
		row->main_chain = (int)num(cell(bl, i, c_main));
		g_hash_table_insert(blocks, cell(bl, i, c_hash), row);
		west_split += g_str_has_prefix(row->miner, "west") && row->time >= 60 && row->time < 120;
	}
	GPtrArray *ro = csv_read(dir, "reorgs.csv");
	int c_node = csv_col(ro, "node"), c_old = csv_col(ro, "old_tip"),
	    c_depth = csv_col(ro, "depth"), c_rt = csv_col(ro, "time_s");
	uint32_t west_reorgs = 0, deepest = 0;
	for (guint i = 1; i < ro->len; i++) {
		/* the heal's reconvergence, within 5 s (later ordinary forks
		 * between equals are not the partition's) */
		double rt = num(cell(ro, i, c_rt));
		if (rt < 120 || rt >= 125 || !g_str_has_prefix(cell(ro, i, c_node), "west"))
			continue;
		/* the abandoned branch: from the old tip down to the main chain */
		uint32_t depth = 0;
		const struct brow *row = g_hash_table_lookup(blocks, cell(ro, i, c_old));
		while (row && !row->main_chain) {
			g_assert_true(g_str_has_prefix(row->miner, "west"));
			g_assert_cmpfloat(row->time, >=, 60);
			depth++;
			row = g_hash_table_lookup(blocks, row->parent);
		}
		g_assert_nonnull(row); /* reached the main chain, not genesis */
		g_test_message("%s at %s s: depth %s, west's branch %u blocks", cell(ro, i, c_node),
			       cell(ro, i, c_rt), cell(ro, i, c_depth), depth);
		g_assert_cmpfloat(num(cell(ro, i, c_depth)), ==, depth);
		deepest = MAX(deepest, depth);
		west_reorgs++;
	}
	/* each west node reorganised once, and the deepest branch holds
	 * every block west mined while split (none was stale within west
	 * here; a stale one would only make the branch shorter) */
	g_test_message("west mined %u blocks while split; deepest reorg %u", west_split, deepest);
	g_assert_cmpuint(west_reorgs, ==, 2);
	g_assert_cmpuint(deepest, >=, west_split);
	g_assert_cmpuint(west_split, >=, 2);
	/* and east did not reorganise at the heal */
	for (guint i = 1; i < ro->len; i++)
		if (num(cell(ro, i, c_rt)) >= 120 && num(cell(ro, i, c_rt)) < 125)
			g_assert_false(g_str_has_prefix(cell(ro, i, c_node), "east"));
	assert_logged(dir, "partition", 60.0, NULL);
	assert_logged(dir, "heal", 120.0, NULL);
	g_hash_table_destroy(blocks);
	g_ptr_array_free(ro, TRUE);
	g_ptr_array_free(bl, TRUE);
	run_close(&r);
}

/* ---- latency ---- */

/* 50 ms everywhere, then 2 s from 60 s on: blocks mined before reach
 * half and all the nodes within 50 ms plus processing and validation;
 * blocks mined after need at least 2 s. */
static void test_latency(void)
{
	const char *text =
		"{\"seed\": 15, \"stop\": {\"time\": \"120s\"},"
		" \"consensus\": {\"mode\": \"fast\", \"difficulty\": 3},"
		" \"network\": {\"latency\": \"50ms\", \"processing\": \"1ms\"},"
		" \"nodes\": [{\"name\": \"m\", \"count\": 4, \"hashrate\": \"1kH/s\"}],"
		" \"events\": [{\"at\": \"60s\", \"action\": \"latency\", \"latency\": \"2s\"}]}";
	struct run r;
	world_t *w = run_open(&r, text, NULL);
	const chain_store_t *s = world_store(w);
	double before = 0, after = 0;
	uint32_t nb = 0, na = 0;
	for (uint32_t id = 1; id < chain_store_count(s); id++) {
		const struct block *b = chain_store_get(s, id);
		const struct world_block_stat *st = world_block_stat(w, id);
		if (st->t100 < 0)
			continue;
		double t100 = simtime_to_s(st->t100);
		if (b->mined_at < 60 * SIMTIME_S - SIMTIME_S) {
			g_assert_cmpfloat(t100, <, 0.2);
			before += simtime_to_s(st->t50);
			nb++;
		} else if (b->mined_at >= 60 * SIMTIME_S) {
			g_assert_cmpfloat(t100, >=, 2.0);
			after += simtime_to_s(st->t50);
			na++;
		}
	}
	g_test_message("mean t50: %.3f s over %u blocks before, %.3f s over %u after",
		       before / nb, nb, after / na, na);
	g_assert_cmpuint(nb, >=, 20);
	g_assert_cmpuint(na, >=, 10);
	g_assert_cmpfloat(after / na, >, before / nb + 1.9);
	const char *dir = run_traces(&r);
	assert_logged(dir, "latency", 60.0, NULL);
	run_close(&r);
}

/* Issue 10, item 8: difficulty rules bind in trigger order. Changes at
 * 10.5 s and at 10 s (in that file order) both bind a block whose parent
 * is older than 10 s and whose timestamp is after 10.5 s: the later
 * trigger, 10.5 s, must win, and its value must then be inherited. With
 * file order deciding, the 10 s value won for the rest of the run. */
static void test_difficulty_trigger_order(void)
{
	struct scenario sc;
	load(&sc, "{\"stop\": {\"time\": \"30s\"}, \"consensus\": {\"mode\": \"model\", \"difficulty\": 3},"
		  " \"nodes\": [{\"name\": \"m\", \"hashrate\": \"1kH/s\"}], \"events\": ["
		  " {\"at\": \"10.5s\", \"action\": \"difficulty\", \"value\": 2},"
		  " {\"at\": \"10s\", \"action\": \"difficulty\", \"value\": 3.5},"
		  " {\"at_height\": 3, \"action\": \"difficulty\", \"value\": 5},"
		  " {\"at_height\": 3, \"action\": \"difficulty\", \"value\": 4}]}");
	consensus_t *c = consensus_new(&sc.consensus);
	struct block *g = block_genesis();
	struct block_header h = { .version = BLOCK_VERSION | BLOCK_FLAG_MODELLED, .height = 1,
				  .timestamp = 9 * SIMTIME_S, .millizeros = 3000 };
	memcpy(h.prev, g->hash, 32);
	struct block *b1 = block_new(&h, g, NULL, 0, h.timestamp, 96);
	/* before both, between them, after both */
	g_assert_cmpuint(consensus_required(c, b1, 9 * SIMTIME_S + 1), ==, 3000);
	g_assert_cmpuint(consensus_required(c, b1, 10 * SIMTIME_S + 1), ==, 3500);
	g_assert_cmpuint(consensus_required(c, b1, 11 * SIMTIME_S), ==, 2000);
	/* two height rules at one height: file order breaks the tie, and a
	 * height rule is applied after the time rules that bind the block */
	h.height = 2;
	h.timestamp = 9 * SIMTIME_S + 5;
	memcpy(h.prev, b1->hash, 32);
	struct block *b2 = block_new(&h, b1, NULL, 0, h.timestamp, 96);
	g_assert_cmpuint(consensus_required(c, b2, 11 * SIMTIME_S), ==, 4000);
	block_free(b2);
	block_free(b1);
	block_free(g);
	consensus_free(c);
	config_clear(&sc);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/timeline/difficulty/height", test_difficulty_height);
	g_test_add_func("/timeline/difficulty/time-in-flight", test_difficulty_time_in_flight);
	g_test_add_func("/timeline/hashrate", test_hashrate);
	g_test_add_func("/timeline/burst", test_burst);
	g_test_add_func("/timeline/leave-join", test_leave_join);
	g_test_add_func("/timeline/partition-heal", test_partition_heal);
	g_test_add_func("/timeline/latency", test_latency);
	g_test_add_func("/timeline/difficulty/trigger-order", test_difficulty_trigger_order);
	return g_test_run();
}
