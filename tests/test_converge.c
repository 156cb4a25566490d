/* The convergence property suite: random small worlds must converge.
 *
 * Each seed draws a small world (2 to 7 miners, up to 3 relays and a
 * trader; a random graph of outbound degree 2 to 8 or a full mesh; one
 * relay protocol, with or without compact blocks; latency from 1 ms to
 * 400 ms, constant or uniform; in some, links of 8 to 40 Mbit/s and
 * blocks of up to 30 KB, slow validation (neither under pull-chain, whose cost grows
 * with the chain), or the longest-chain rule) and a timeline over its first 60 s of
 * mining: partitions and heals, nodes leaving and joining, latency and
 * hash-rate changes, transaction bursts. Then every disturbance ends (the
 * last partition heals, every node is back online) and a single miner,
 * "lead", mines alone for 40 s: its blocks settle any tie of the
 * first-seen rule and it cannot fork with itself. The run stops there
 * and drains (mining stopped, every message in flight delivered: the
 * quiet period). The property, asserted for every seed:
 *   every online honest node holds the same best tip, and none keeps a
 *   block it could not connect (an orphan) -- invariants_converged();
 * plus the end-of-run liveness check and the running invariants once.
 *
 * Scenarios are JSON text read by the scenario reader
 * (scenario_load_string), so the suite runs the real path from a file to
 * a world. Seeds are spread over the six relay variants (three protocols,
 * compact or not), CONVERGE_SEEDS per variant (default 80: 480 worlds);
 * set the environment variable CONVERGE_SEEDS to run more. A failing
 * seed prints its scenario, to replay with `powsim run`.
 *
 * Besides: the "converged" expectation fails on a world that ends split,
 * and the end-of-run liveness check aborts on a node left behind. */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "powsim/expect.h"
#include "powsim/invariants.h"
#include "powsim/report.h"
#include "powsim/scenario.h"
#include "powsim/world.h"

#define MINE_S 60   /* the disturbed phase */
#define LEAD_S 40   /* the lead miner alone */

struct variant {
	const char *relay;
	bool compact;
};

static const struct variant variants[] = {
	{ "push", false }, { "push", true }, { "inv", false },
	{ "inv", true }, { "pull-chain", false }, { "pull-chain", true },
};

/* The names of the world's nodes, as the scenario reader gives them. */
struct names {
	GPtrArray *all;   /* every node */
	uint32_t miners;  /* the first MINERS of ALL mine ("lead" first) */
	bool trader;
};

static void add_group(struct names *nm, const char *name, uint32_t count)
{
	for (uint32_t i = 1; i <= count; i++)
		g_ptr_array_add(nm->all, count == 1 ? g_strdup(name) : g_strdup_printf("%s%u", name, i));
}

static const char *pick(GRand *r, const struct names *nm)
{
	return g_ptr_array_index(nm->all, g_rand_int_range(r, 0, (gint32)nm->all->len));
}

static const char *pick_miner(GRand *r, const struct names *nm)
{
	return g_ptr_array_index(nm->all, g_rand_int_range(r, 0, (gint32)nm->miners));
}

static void latency_json(GString *g, GRand *r)
{
	int lo = g_rand_int_range(r, 1, 400);
	if (g_rand_boolean(r))
		g_string_append_printf(g, "\"%dms\"", lo);
	else
		g_string_append_printf(g, "{\"law\": \"uniform\", \"min\": \"%dms\", \"max\": \"%dms\"}", lo / 2, lo);
}

/* One event at a random time of the disturbed phase (fraction FROM..TO of
 * it). */
static double when(GRand *r, double from, double to)
{
	return MINE_S * g_rand_double_range(r, from, to);
}

/* A partition of the nodes into two random sides (both non-empty), healed
 * before the end of the disturbed phase. */
static void partition_json(GString *ev, GRand *r, const struct names *nm)
{
	GString *side[2] = { g_string_new(NULL), g_string_new(NULL) };
	uint32_t n[2] = { 0, 0 };
	double t = when(r, 0.05, 0.7);

	for (guint i = 0; i < nm->all->len; i++) {
		int s = i < 2 ? (int)i : g_rand_boolean(r);
		g_string_append_printf(side[s], "%s\"%s\"", n[s]++ ? ", " : "",
		                       (const char *)g_ptr_array_index(nm->all, i));
	}
	g_string_append_printf(ev, ",\n {\"at\": \"%.3fs\", \"action\": \"partition\", \"sides\": [[%s], [%s]]}",
	                       t, side[0]->str, side[1]->str);
	g_string_append_printf(ev, ",\n {\"at\": \"%.3fs\", \"action\": \"heal\"}",
	                       g_rand_double_range(r, t, MINE_S * 0.95));
	g_string_free(side[0], TRUE);
	g_string_free(side[1], TRUE);
}

static void churn_json(GString *ev, GRand *r, const struct names *nm)
{
	const char *who = pick(r, nm);
	double t = when(r, 0.05, 0.8);

	g_string_append_printf(ev, ",\n {\"at\": \"%.3fs\", \"action\": \"leave\", \"target\": \"%s\"}", t, who);
	g_string_append_printf(ev, ",\n {\"at\": \"%.3fs\", \"action\": \"join\", \"target\": \"%s\"}",
	                       g_rand_double_range(r, t, MINE_S * 0.95), who);
}

/* The scenario of SEED under variant V. The caller frees it. */
static char *world_json(uint32_t seed, const struct variant *v)
{
	GRand *r = g_rand_new_with_seed(seed * 7919u + 17u);
	struct names nm = { g_ptr_array_new_with_free_func(g_free), 0, false };
	uint32_t miners = (uint32_t)g_rand_int_range(r, 1, 7); /* beside the lead */
	uint32_t relays = (uint32_t)g_rand_int_range(r, 0, 4);
	GString *g = g_string_new(NULL), *ev = g_string_new(NULL);
	bool pull = strcmp(v->relay, "pull-chain") == 0;

	add_group(&nm, "lead", 1);
	add_group(&nm, "m", miners);
	nm.miners = miners + 1;
	add_group(&nm, "r", relays);
	nm.trader = g_rand_boolean(r);
	if (nm.trader)
		add_group(&nm, "t", 1);

	g_string_append_printf(g, "{\"name\": \"converge-%u\", \"seed\": %u,\n", seed, seed);
	g_string_append_printf(g, "\"stop\": {\"time\": \"%ds\"},\n", MINE_S + LEAD_S);
	g_string_append_printf(g, "\"consensus\": {\"mode\": \"fast\", \"difficulty\": %.2f, \"fork_choice\": \"%s\"},\n",
	                       g_rand_double_range(r, 2.0, 2.4), g_rand_int_range(r, 0, 4) ? "most-work" : "longest");
	g_string_append(g, "\"network\": {");
	if (g_rand_int_range(r, 0, 8) == 0)
		g_string_append(g, "\"topology\": \"full\"");
	else
		g_string_append_printf(g, "\"topology\": \"random\", \"degree\": %d", g_rand_int_range(r, 2, 9));
	g_string_append_printf(g, ", \"relay\": \"%s\", \"compact\": %s, \"latency\": ", v->relay,
	                       v->compact ? "true" : "false");
	latency_json(g, r);
	/* Slow links, so that fetches outlast their timeouts, yet fast
	 * enough that a node can upload each block to all its peers (up to
	 * 16) before the next one comes: a world that cannot keep up only
	 * builds a backlog that outlasts any quiet period, which says
	 * nothing of liveness. Pull-chain sends and checks the whole chain at
	 * every new tip, so it gets neither slow links nor slow checks. */
	if (!pull && g_rand_int_range(r, 0, 3) == 0)
		g_string_append_printf(g, ", \"bandwidth\": \"%dMbit/s\", \"block_size\": \"%dKB\"",
		                       g_rand_int_range(r, 8, 40), g_rand_int_range(r, 5, 30));
	if (g_rand_boolean(r))
		g_string_append_printf(g, ", \"validation\": {\"block\": \"%dms\"}",
		                       g_rand_int_range(r, 1, pull ? 20 : 300));
	g_string_append(g, "},\n\"nodes\": [\n");
	g_string_append_printf(g, " {\"name\": \"lead\", \"hashrate\": \"%dH/s\", \"balance\": 1000},\n",
	                       g_rand_int_range(r, 40, 160));
	g_string_append_printf(g, " {\"name\": \"m\", \"count\": %u, \"hashrate\": \"%dH/s\", \"balance\": 1000}",
	                       miners, g_rand_int_range(r, 40, 160));
	if (relays)
		g_string_append_printf(g, ",\n {\"name\": \"r\", \"count\": %u, \"role\": \"relay\"}", relays);
	if (nm.trader)
		g_string_append(g, ",\n {\"name\": \"t\", \"role\": \"trader\", \"balance\": 100000, "
		                   "\"trade\": {\"interval\": {\"law\": \"exponential\", \"mean\": \"2s\"}, "
		                   "\"amount\": [1, 20], \"fee\": 1, \"to\": \"m\"}}");
	g_string_append(g, "\n],\n\"events\": [");

	/* The disturbances, then the end: every miner but the lead stops,
	 * the lead mines alone (faster, so that its blocks come often). */
	g_string_append_printf(ev, "\n {\"at\": \"%ds\", \"action\": \"hashrate\", \"target\": \"m\", \"value\": \"0.001H/s\"}", MINE_S);
	g_string_append_printf(ev, ",\n {\"at\": \"%ds\", \"action\": \"hashrate\", \"target\": \"lead\", \"value\": \"300H/s\"}", MINE_S);
	for (int k = g_rand_int_range(r, 0, 3); k > 0; k--)
		partition_json(ev, r, &nm);
	for (int k = g_rand_int_range(r, 0, 3); k > 0; k--)
		churn_json(ev, r, &nm);
	for (int k = g_rand_int_range(r, 0, 3); k > 0; k--) {
		g_string_append_printf(ev, ",\n {\"at\": \"%.3fs\", \"action\": \"latency\", \"latency\": ", when(r, 0, 0.95));
		latency_json(ev, r);
		if (g_rand_boolean(r))
			g_string_append_printf(ev, ", \"target\": \"%s\"", pick(r, &nm));
		g_string_append(ev, "}");
	}
	for (int k = g_rand_int_range(r, 0, 3); k > 0; k--)
		g_string_append_printf(ev, ",\n {\"at\": \"%.3fs\", \"action\": \"hashrate\", \"target\": \"%s\", \"value\": \"%dH/s\"}",
		                       when(r, 0, 0.95), pick_miner(r, &nm), g_rand_int_range(r, 40, 320));
	if (nm.trader && g_rand_boolean(r))
		g_string_append_printf(ev, ",\n {\"at\": \"%.3fs\", \"action\": \"burst\", \"count\": %d}",
		                       when(r, 0, 0.9), g_rand_int_range(r, 10, 200));
	g_string_append(g, ev->str);
	g_string_append(g, "\n]}\n");

	g_string_free(ev, TRUE);
	g_ptr_array_unref(nm.all);
	g_rand_free(r);
	return g_string_free(g, FALSE);
}

static uint32_t seeds_per_variant(void)
{
	const char *s = g_getenv("CONVERGE_SEEDS");
	char *end = NULL;
	unsigned long n = s ? strtoul(s, &end, 10) : 0;

	return s && end && *end == '\0' && n > 0 && n < 100000 ? (uint32_t)n : 80;
}

/* Run seed SEED of V; returns whether it converged, printing why not. */
static bool run_one(uint32_t seed, const struct variant *v)
{
	char *text = world_json(seed, v);
	struct scenario sc;
	struct invariants_convergence c;
	GError *err = NULL;
	world_t *w;
	bool ok;

	if (!scenario_load_string(text, "converge.json", NULL, &sc, &err))
		g_error("seed %u: %s\n%s", seed, err->message, text);
	w = world_new(&sc, &err);
	g_assert_no_error(err);
	world_run(w, NULL);
	ok = invariants_converged(w, &c);
	g_assert_cmpuint(c.nodes, ==, world_node_count(w)); /* everyone back, all honest */
	if (ok) {
		invariants_check(NULL, w);
		invariants_check_end(w);
	} else {
		char name[64];
		world_node_name(w, c.off_best != UINT32_MAX ? c.off_best : c.with_orphan, name, sizeof name);
		g_test_message("seed %u (%s%s): %u tips, %u orphans; %s %s; %s\n%s", seed, v->relay,
		               v->compact ? ", compact" : "", c.tips, c.orphans, name,
		               c.off_best != UINT32_MAX ? "is off the best tip" : "keeps an orphan",
		               world_quiet(w) ? "quiet at the end" : "still busy at the end of the drain", text);
	}
	world_free(w);
	config_clear(&sc);
	g_free(text);
	return ok;
}

static void test_variant(gconstpointer data)
{
	const struct variant *v = data;
	uint32_t n = seeds_per_variant(), failed = 0;
	uint32_t base = (uint32_t)(v - variants) * 100000u;

	for (uint32_t k = 0; k < n; k++)
		failed += !run_one(base + k, v);
	g_test_message("%s%s: %u of %u worlds did not converge", v->relay, v->compact ? " compact" : "",
	               failed, n);
	g_assert_cmpuint(failed, ==, 0);
}

/* Two sides that never heal, both mining: two tips at the end (without
 * the events: one network). */
static const char split_json[] =
	"{\"seed\": 3, \"stop\": {\"time\": \"30s\"},\n"
	" \"consensus\": {\"mode\": \"fast\", \"difficulty\": 2},\n"
	" \"network\": {\"latency\": \"10ms\"},\n"
	" \"nodes\": [{\"name\": \"a\", \"count\": 2, \"hashrate\": \"100H/s\"},\n"
	"            {\"name\": \"b\", \"count\": 2, \"hashrate\": \"100H/s\"}],\n"
	" \"events\": [%s],\n"
	" \"expect\": {\"converged\": %s}}\n";
static const char split_events[] =
	"{\"at\": \"1s\", \"action\": \"partition\", \"sides\": [[\"a\"], [\"b\"]]}";

static world_t *run_text(const char *text, struct scenario *sc)
{
	GError *err = NULL;
	world_t *w;

	if (!scenario_load_string(text, "converge.json", NULL, sc, &err))
		g_error("%s\n%s", err->message, text);
	w = world_new(sc, &err);
	g_assert_no_error(err);
	world_run(w, NULL);
	return w;
}

/* "converged": true fails on a split world and false passes. */
static void test_expectation(void)
{
	static const char *const want[] = { "true", "false" };
	for (int k = 0; k < 2; k++) {
		char *text = g_strdup_printf(split_json, split_events, want[k]);
		struct scenario sc;
		struct invariants_convergence c;
		world_t *w = run_text(text, &sc);
		struct report *rep = report_new(w);
		GArray *res = expect_evaluate(rep);
		g_assert_false(invariants_converged(w, &c));
		g_assert_cmpuint(c.tips, ==, 2);
		g_assert_cmpuint(c.nodes, ==, 4);
		g_assert_cmpuint(res->len, ==, 1);
		g_assert_cmpuint(expect_failures(res), ==, k == 0 ? 1 : 0);
		g_assert_cmpfloat(g_array_index(res, struct expect_result, 0).measured, ==, 0);
		invariants_check_end(w); /* a partition may last: no breach */
		expect_results_free(res);
		report_free(rep);
		world_free(w);
		config_clear(&sc);
		g_free(text);
	}
}

/* A node whose tip is behind a reachable peer's after the run is a
 * liveness breach: the end-of-run check aborts and names it. */
static void test_end_check_fails(void)
{
	if (g_test_subprocess()) {
		char *text = g_strdup_printf(split_json, "", "true");
		struct scenario sc;
		world_t *w = run_text(text, &sc);
		struct node *n = (struct node *)world_node(w, 0);
		g_assert_nonnull(n->view.tip->parent);
		n->view.tip = n->view.tip->parent; /* forget its last block */
		invariants_check_end(w);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr("*after the run, its tip*is worse than the tip*of its reachable peer*");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/converge/expectation", test_expectation);
	g_test_add_func("/converge/end-check-fails", test_end_check_fails);
	for (guint i = 0; i < G_N_ELEMENTS(variants); i++) {
		char *path = g_strdup_printf("/converge/%s%s", variants[i].relay,
		                             variants[i].compact ? "-compact" : "");
		g_test_add_data_func(path, &variants[i], test_variant);
		g_free(path);
	}
	return g_test_run();
}
