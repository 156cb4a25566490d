/* Tests for budget: the estimate's counts on scenarios whose costs are
 * known exactly (links of each topology, samples, blocks of a stop), and
 * the refusals of issue 10's runaway and aborting inputs, each naming
 * its field; scenarios that run today stay accepted. */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "powsim/budget.h"
#include "powsim/scenario.h"

/* scenarios/quickstart.json, whose variants issue 10 lists. */
static const char quickstart[] =
	"{\"name\": \"quickstart\", \"seed\": 42, \"stop\": {\"blocks\": 60},"
	" \"consensus\": {\"mode\": \"real\", \"difficulty\": 5, \"reward\": 50},"
	" \"network\": {\"topology\": \"full\", \"latency\": {\"law\": \"lognormal\", \"median\": \"80ms\","
	" \"sigma\": 0.4}, \"processing\": \"2ms\"},"
	" \"nodes\": [{\"name\": \"miner\", \"count\": 3, \"role\": \"miner\", \"hashrate\": \"70kH/s\"}]}";

static void load(struct scenario *sc, const char *text, const char *set1, const char *set2)
{
	char *sets[] = { (char *)set1, (char *)set2, NULL };
	GError *err = NULL;
	if (!scenario_load_string(text, "budget-test.json", set1 ? sets : NULL, sc, &err))
		g_error("scenario: %s", err->message);
}

static void test_links(void)
{
	static const struct {
		const char *set1, *set2;
		double links;
	} cases[] = {
		{ "nodes[0].count=10000", NULL, 10000.0 * 9999 / 2 },
		{ "nodes[0].count=1000", "network={\"topology\": \"random\", \"degree\": 8}", 1000.0 * 8 + 1000 },
		{ "nodes[0].count=4", "network={\"topology\": \"random\", \"degree\": 8}", 6 },
		{ "network={\"topology\": \"edges\", \"edges\": [[\"miner1\", \"miner2\"], [\"miner2\", \"miner3\"]]}", NULL, 2 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct scenario sc;
		struct budget b;
		load(&sc, quickstart, cases[i].set1, cases[i].set2);
		budget_estimate(&sc, &b);
		g_assert_cmpfloat(b.links, ==, cases[i].links);
		config_clear(&sc);
	}
}

/* Samples: the run's time over the interval; blocks: the first stop. */
static void test_counts(void)
{
	struct scenario sc;
	struct budget b;

	load(&sc, quickstart, "stop={\"time\": \"100s\"}", "output.sample=1ms");
	budget_estimate(&sc, &b);
	g_assert_cmpfloat(fabs(b.samples - 1e5), <, 1e-6);
	/* 3 x 70 kH/s at 16^5 hashes a block: 100 s hold 20.03 blocks */
	g_assert_cmpfloat(fabs(b.blocks - 100 * 210e3 / 1048576), <, 1e-9);
	g_assert_cmpfloat(b.block_hashes, ==, 1048576);
	config_clear(&sc);
	/* a crafted block searches its nonce: 16^z hashes whatever the stop
	 * (found by fuzz_run: tests/fuzz/crashes-fixed/run-timeout-*) */
	load(&sc, quickstart, "stop={\"time\": \"1s\"}",
	     "events=[{\"at\": \"0.5s\", \"action\": \"inject-block\", \"target\": \"miner1\", "
	     "\"kind\": \"bad-prev\"}]");
	budget_estimate(&sc, &b);
	g_assert_cmpfloat(b.hashes, >=, 1048576);
	config_clear(&sc);
	load(&sc, quickstart, "consensus.mode=model", NULL);
	budget_estimate(&sc, &b);
	g_assert_cmpfloat(b.blocks, ==, 60);
	g_assert_cmpfloat(b.hashes, ==, 0);
	config_clear(&sc);
}

/* Each input refused with its field in the message, or accepted. */
static void test_refusals(void)
{
	static const struct {
		const char *set1, *set2;
		const char *field; /* NULL: accepted */
	} cases[] = {
		{ NULL, NULL, NULL },
		/* item 3: each aborted the run */
		{ "network.bandwidth=1bit/s", "network.block_size=2GB", "network.bandwidth:" },
		{ "network.validation.block=2540000h", NULL, "network.validation.block:" },
		{ "network.validation.tx=2h", "nodes[1]={\"name\": \"t\", \"role\": \"trader\", \"trade\": {\"interval\": \"1s\"}}",
		  "network.validation.tx:" },
		{ "network.processing=25h", NULL, "network.processing:" },
		{ "network.latency=25h", NULL, "network.latency:" },
		/* item 4: each ran away */
		{ "output.sample=1ns", NULL, "output.sample:" },
		{ "nodes[0].count=10000", NULL, "network.topology:" },
		{ "nodes[0].count=999999", NULL, "network.topology:" },
		{ "nodes[0].count=999999", "network.topology=random", "network.degree:" },
		{ "consensus={\"mode\": \"fast\", \"difficulty\": 12}", "nodes[0].hashrate=1TH/s",
		  "consensus.difficulty:" },
		{ "consensus.difficulty=0", "stop={\"time\": \"10min\"}", "stop.time:" },
		/* difficulty 0 in real mode with a stop in blocks is 60 hashes */
		{ "consensus.difficulty=0", NULL, NULL },
		{ "consensus.difficulty=9", "stop.blocks=10", NULL },
		{ "consensus.difficulty=9", NULL, "stop.blocks:" }, /* 4e12 hashes in all */
		{ "consensus.difficulty=9.5", NULL, "consensus.difficulty:" },
		{ "stop.blocks=100000", NULL, NULL },             /* 1e11 hashes in all */
		{ "stop.blocks=2000000", NULL, "stop.blocks:" },  /* 2e12 */
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct scenario sc;
		GError *err = NULL;
		GError *lerr = NULL;
		char *sets[] = { (char *)cases[i].set1, (char *)cases[i].set2, NULL };
		if (!scenario_load_string(quickstart, "budget-test.json", cases[i].set1 ? sets : NULL, &sc, &lerr)) {
			/* a value the reader refuses: fine if no field was wanted */
			g_assert_null(cases[i].field);
			g_error_free(lerr);
			continue;
		}
		bool ok = budget_check(&sc, NULL, &err);
		if (cases[i].field == NULL) {
			if (!ok)
				g_error("case %zu refused: %s", i, err->message);
		} else {
			g_assert_false(ok);
			g_assert_error(err, BUDGET_ERROR, BUDGET_ERROR_TOO_BIG);
			g_test_message("%s", err->message);
			g_assert_nonnull(strstr(err->message, "budget-test.json: "));
			g_assert_nonnull(strstr(err->message, cases[i].field));
			g_assert_null(strchr(err->message, '\n'));
			g_error_free(err);
		}
		config_clear(&sc);
	}
}

/* budget_admit clears what it refuses, like a failed scenario_load. */
static void test_admit(void)
{
	struct scenario sc;
	GError *err = NULL;

	load(&sc, quickstart, "output.sample=1ns", NULL);
	g_assert_false(budget_admit(&sc, &err));
	g_assert_null(sc.groups);
	g_clear_error(&err);
	config_clear(&sc);
	load(&sc, quickstart, NULL, NULL);
	g_assert_true(budget_admit(&sc, &err));
	g_assert_no_error(err);
	config_clear(&sc);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/budget/links", test_links);
	g_test_add_func("/budget/counts", test_counts);
	g_test_add_func("/budget/refusals", test_refusals);
	g_test_add_func("/budget/admit", test_admit);
	return g_test_run();
}
