/* Tests of report: the facts of a finished run.
 *
 *  - a withholding miner that never releases: its private chain has more
 *    work than the honest one, yet the main chain is the one every honest
 *    node holds; its private blocks are withheld (not main, not stale) in
 *    the report, blocks.csv, summary.json and miners.csv;
 *  - an honest run with forks: the main chain is the best tip of the
 *    online nodes, every off-chain block is stale, none withheld.
 * Run from the top of the tree (scenario files are read from scenarios/).
 */
#include <math.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <glib.h>

#include "powsim/chain.h"
#include "powsim/invariants.h"
#include "powsim/report.h"
#include "powsim/scenario.h"
#include "powsim/trace.h"
#include "powsim/world.h"

#include "testkit.h"

static world_t *run_file(const char *name, struct scenario *sc)
{
	GError *err = NULL;
	char *path = g_build_filename("scenarios", "tests", name, NULL);
	if (!scenario_load(path, NULL, sc, &err))
		g_error("%s", err->message);
	g_free(path);
	world_t *w = world_new(sc, &err);
	g_assert_no_error(err);
	world_run(w, NULL);
	invariants_check(NULL, w);
	return w;
}

static uint32_t node_id(const struct scenario *sc, const char *name)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	g_assert_true(config_resolve(sc, name, ids));
	g_assert_cmpuint(ids->len, ==, 1);
	uint32_t id = g_array_index(ids, guint32, 0);
	g_array_unref(ids);
	return id;
}

/* Whether some node of W other than EXCEPT holds B. */
static bool held_by_other(const world_t *w, const struct block *b, uint32_t except)
{
	for (uint32_t i = 0; i < world_node_count(w); i++)
		if (i != except && chain_view_status(&world_node(w, i)->view, b) == VIEW_HAVE)
			return true;
	return false;
}

/* Rows of blocks.csv in DIR whose main_chain column is VALUE. */
static uint32_t csv_count(const char *dir, const char *value)
{
	GPtrArray *rows = csv_read(dir, "blocks.csv");
	int col = csv_col(rows, "main_chain");
	uint32_t n = 0;
	for (guint i = 1; i < rows->len; i++)
		n += strcmp(((char **)g_ptr_array_index(rows, i))[col], value) == 0;
	g_ptr_array_unref(rows);
	return n;
}

static double summary_num(const char *dir, const char *key)
{
	char *text = slurp(dir, "summary.json");
	cJSON *j = cJSON_Parse(text);
	g_assert_nonnull(j);
	double x = jnum(j, key);
	cJSON_Delete(j);
	g_free(text);
	return x;
}

/* The main_share column of miners.csv in DIR for miner NAME. */
static double csv_main_share(const char *dir, const char *name)
{
	GPtrArray *rows = csv_read(dir, "miners.csv");
	int c_name = csv_col(rows, "name"), c_share = csv_col(rows, "main_share");
	double x = -1;
	for (guint i = 1; i < rows->len; i++) {
		char **row = g_ptr_array_index(rows, i);
		if (strcmp(row[c_name], name) == 0)
			x = g_ascii_strtod(row[c_share], NULL);
	}
	g_ptr_array_unref(rows);
	g_assert_cmpfloat(x, >=, 0);
	return x;
}

/* The statuses agree with the chain: main iff an ancestor of the tip;
 * withheld only for a block no other node holds; the totals add up. */
static void check_statuses(const struct report *r)
{
	const world_t *w = r->world;
	const chain_store_t *s = world_store(w);
	uint64_t main = 0, stale = 0, withheld = 0;
	for (uint32_t id = 1; id < chain_store_count(s); id++) {
		const struct block *b = chain_store_get(s, id);
		bool on_main = chain_is_ancestor(b, r->tip);
		g_assert_cmpint(r->status[id] == REPORT_MAIN, ==, on_main);
		if (r->status[id] == REPORT_WITHHELD)
			g_assert_false(held_by_other(w, b, b->h.miner));
		if (world_block_stat(w, id)->injected)
			continue;
		main += r->status[id] == REPORT_MAIN;
		stale += r->status[id] == REPORT_STALE;
		withheld += r->status[id] == REPORT_WITHHELD;
	}
	g_assert_cmpuint(r->main_length, ==, r->tip->h.height);
	g_assert_cmpuint(stale, ==, r->stale);
	g_assert_cmpuint(withheld, ==, r->withheld);
	g_assert_cmpuint(main + stale + withheld, ==, world_counts(w)->blocks_mined);
	double share = 0;
	for (uint32_t i = 0; i < world_node_count(w); i++)
		share += r->miners[i].main_share;
	g_assert_cmpfloat(fabs(share - 1), <, 1e-9);
}

static void test_withheld(void)
{
	struct scenario sc;
	world_t *w = run_file("withhold-never-released.json", &sc);
	struct report *r = report_new(w);
	uint32_t selfish = node_id(&sc, "selfish");
	const struct block *private_tip = world_node(w, selfish)->view.tip;
	const struct block *honest_tip = world_node(w, node_id(&sc, "honest1"))->view.tip;

	/* The premise: the private chain has more work than the honest one. */
	g_assert_cmpint(chain_compare(private_tip, honest_tip, sc.consensus.fork_choice), >, 0);
	g_assert_true(world_node(w, selfish)->withholding);
	g_assert_false(r->honest[selfish]);
	/* The main chain is what every honest node holds. */
	for (uint32_t i = 0; i < world_node_count(w); i++)
		if (i != selfish)
			g_assert_true(world_node(w, i)->view.tip == r->tip);
	g_assert_true(report_main_tip(w) == r->tip);
	g_assert_cmpuint(r->honest_tips, ==, 1);
	g_assert_false(r->all_same_tip);
	check_statuses(r);
	/* Every private block is withheld, none is stale, none is main. */
	g_assert_cmpuint(r->withheld, >, 0);
	for (const struct block *b = private_tip; !chain_is_ancestor(b, r->tip); b = b->parent)
		g_assert_cmpuint(r->status[b->id], ==, REPORT_WITHHELD);
	g_assert_cmpuint(r->stale, ==, 0);
	const struct report_miner *m = &r->miners[selfish];
	g_assert_cmpuint(m->withheld, ==, r->withheld);
	g_assert_cmpfloat(fabs(m->main_share - (double)m->main_blocks / r->main_length), <, 1e-12);
	g_test_message("withheld %" G_GUINT64_FORMAT ", main chain %u, selfish main share %.3f",
		       r->withheld, r->main_length, m->main_share);

	/* The files say the same. */
	char *dir = tmpdir();
	GError *err = NULL;
	g_assert_true(trace_write(r, dir, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(csv_count(dir, "2"), ==, r->withheld);
	g_assert_cmpuint(csv_count(dir, "1"), ==, r->main_length);
	g_assert_cmpuint(csv_count(dir, "0"), ==, r->stale);
	g_assert_cmpfloat(summary_num(dir, "blocks_withheld"), ==, (double)r->withheld);
	g_assert_cmpfloat(summary_num(dir, "stale_blocks"), ==, (double)r->stale);
	g_assert_cmpfloat(summary_num(dir, "main_chain_length"), ==, r->main_length);
	g_assert_cmpfloat(fabs(csv_main_share(dir, "selfish") - m->main_share), <, 1e-6);
	rm_dir(dir);

	report_free(r);
	world_free(w);
	config_clear(&sc);
}

static void test_honest(void)
{
	struct scenario sc;
	world_t *w = run_file("forks-high-latency.json", &sc);
	struct report *r = report_new(w);
	const struct block **tips = g_new(const struct block *, world_node_count(w));
	uint32_t k = 0;
	for (uint32_t i = 0; i < world_node_count(w); i++) {
		g_assert_true(r->honest[i]);
		if (world_node(w, i)->online)
			tips[k++] = world_node(w, i)->view.tip;
	}
	g_assert_cmpuint(k, >, 0);
	g_assert_true(r->tip == chain_best(tips, k, sc.consensus.fork_choice));
	g_free(tips);
	check_statuses(r);
	g_assert_cmpuint(r->withheld, ==, 0);
	g_assert_cmpuint(r->stale, >, 0); /* the scenario's point: forks */
	report_free(r);
	world_free(w);
	config_clear(&sc);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/report/withheld", test_withheld);
	g_test_add_func("/report/honest", test_honest);
	return g_test_run();
}
