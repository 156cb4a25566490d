/* Tests for sweep: spec validation (each error names the spec, the field,
 * what was expected and found), grid and seed expansion in a fixed order,
 * stable run names, metric paths into a summary, the done check, and the
 * tables against statistics computed here. */
#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "powsim/stats.h"
#include "powsim/sweep.h"
#include "powsim/version.h"

static const char *scenario_text =
	"{ \"name\": \"tiny\", \"seed\": 1, \"stop\": { \"blocks\": 5 },\n"
	"  \"consensus\": { \"mode\": \"model\", \"difficulty\": 6 },\n"
	"  \"network\": { \"relay\": \"push\" },\n"
	"  \"nodes\": [ { \"name\": \"m\", \"count\": 3, \"role\": \"miner\", \"hashrate\": \"100kH/s\" } ] }\n";

static char *tmpdir;

static char *write_spec(const char *name, const char *text)
{
	char *path = g_build_filename(tmpdir, name, NULL);
	g_assert_true(g_file_set_contents(path, text, -1, NULL));
	return path;
}

static struct sweep *load(const char *text, GError **err)
{
	g_autofree char *path = write_spec("spec.json", text);
	return sweep_load(path, err);
}

static void test_grid_order(void)
{
	GError *err = NULL;
	struct sweep *s = load("{ \"scenario\": \"tiny.json\", \"metrics\": [\"stale_rate\"],"
			       "  \"set\": { \"network.relay\": [\"inv\", \"push\"], \"consensus.difficulty\": [5.5, 6, 6.5] },"
			       "  \"seeds\": { \"from\": 10, \"count\": 2 } }", &err);
	g_assert_no_error(err);
	g_assert_cmpstr(s->name, ==, "spec");
	g_assert_cmpuint(s->params->len, ==, 2);
	g_assert_cmpuint(s->points->len, ==, 6);
	g_assert_cmpuint(s->runs->len, ==, 12);
	/* first parameter slowest, seeds innermost */
	static const char *const names[] = {
		"relay=inv_difficulty=5.5_seed=10", "relay=inv_difficulty=5.5_seed=11",
		"relay=inv_difficulty=6_seed=10",
	};
	for (guint i = 0; i < G_N_ELEMENTS(names); i++)
		g_assert_cmpstr(g_array_index(s->runs, struct sweep_run, i).name, ==, names[i]);
	const struct sweep_run *last = &g_array_index(s->runs, struct sweep_run, 11);
	g_assert_cmpstr(last->name, ==, "relay=push_difficulty=6.5_seed=11");
	g_assert_cmpstr(last->sets[0], ==, "network.relay=push");
	g_assert_cmpstr(last->sets[1], ==, "consensus.difficulty=6.5");
	g_assert_null(last->sets[2]);
	/* digests differ by seed and by setting */
	const struct sweep_run *r0 = &g_array_index(s->runs, struct sweep_run, 0);
	const struct sweep_run *r1 = &g_array_index(s->runs, struct sweep_run, 1);
	g_assert_cmpstr(r0->digest, !=, r1->digest);
	g_assert_cmpuint(strlen(r0->digest), ==, 64);
	sweep_free(s);
}

static void test_points_and_seeds(void)
{
	GError *err = NULL;
	struct sweep *s = load("{ \"name\": \"p\", \"scenario\": \"tiny.json\", \"metrics\": [\"stale_rate\"],"
			       "  \"points\": [ { \"network.relay\": \"inv\" }, { \"stop.blocks\": 7 } ],"
			       "  \"seeds\": [3, \"18446744073709551615\"] }", &err);
	g_assert_no_error(err);
	g_assert_cmpuint(s->params->len, ==, 2);
	const struct sweep_point *p1 = &g_array_index(s->points, struct sweep_point, 1);
	g_assert_null(p1->values[0]); /* left at the scenario's value */
	g_assert_cmpstr(p1->values[1], ==, "7");
	g_assert_cmpstr(g_array_index(s->runs, struct sweep_run, 3).name, ==, "blocks=7_seed=18446744073709551615");
	sweep_free(s);
	/* a string that only starts like a number stays a string */
	s = load("{ \"scenario\": \"tiny.json\", \"metrics\": [\"stale_rate\"], \"seeds\": 1,"
		 "  \"set\": { \"network.block_size\": [\"535KB\", 1000] } }", &err);
	g_assert_no_error(err);
	g_assert_cmpstr(g_array_index(s->runs, struct sweep_run, 0).sets[0], ==, "network.block_size=535KB");
	g_assert_cmpstr(g_array_index(s->runs, struct sweep_run, 0).name, ==, "block_size=535KB_seed=1");
	g_assert_cmpstr(g_array_index(s->runs, struct sweep_run, 1).sets[0], ==, "network.block_size=1000");
	sweep_free(s);
	/* no set, no points: replications of the scenario */
	s = load("{ \"scenario\": \"tiny.json\", \"metrics\": [\"stale_rate\"], \"seeds\": 3 }", &err);
	g_assert_no_error(err);
	g_assert_cmpuint(s->runs->len, ==, 3);
	g_assert_cmpstr(g_array_index(s->runs, struct sweep_run, 2).name, ==, "seed=3");
	sweep_free(s);
}

/* Every bad spec is refused with the spec file, the field and what was
 * expected named. */
static void test_errors(void)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "[1]", "spec.json: expected a JSON object" },
		{ "{ \"scenario\": \"tiny.json\", \"metrics\": [\"x\"], ", "spec.json: not valid JSON at line 1" },
		{ "{ \"metrics\": [\"x\"], \"seeds\": 1 }", "spec.json: scenario: expected the scenario file" },
		{ "{ \"scenario\": \"nope.json\", \"metrics\": [\"x\"], \"seeds\": 1 }", "spec.json: scenario: cannot read" },
		{ "{ \"scenario\": \"tiny.json\", \"metrics\": [\"x\"], \"seeds\": 0 }",
		  "spec.json: seeds: expected a count from 1 to 100000, found 0" },
		{ "{ \"scenario\": \"tiny.json\", \"metrics\": [\"x\"], \"seeds\": [1, 1] }",
		  "spec.json: seeds[1]: seed 1 is listed twice" },
		{ "{ \"scenario\": \"tiny.json\", \"metrics\": [\"x\"], \"seeds\": {\"from\": -1, \"count\": 2} }",
		  "spec.json: seeds.from: expected a seed" },
		{ "{ \"scenario\": \"tiny.json\", \"metrics\": [], \"seeds\": 1 }", "spec.json: metrics: expected a non-empty list" },
		{ "{ \"scenario\": \"tiny.json\", \"metrics\": [\"a..b\"], \"seeds\": 1 }",
		  "spec.json: metrics[0]: expected a summary.json path" },
		{ "{ \"scenario\": \"tiny.json\", \"metrics\": [\"x\"], \"seeds\": 1, \"sets\": {} }",
		  "spec.json: sets: unknown key" },
		{ "{ \"scenario\": \"tiny.json\", \"metrics\": [\"x\"], \"seeds\": 1, \"set\": { \"network.relay\": [] } }",
		  "spec.json: set[\"network.relay\"]: expected a non-empty list of values, found an array of 0" },
		{ "{ \"scenario\": \"tiny.json\", \"metrics\": [\"x\"], \"seeds\": 1, \"set\": { \"seed\": [1, 2] } }",
		  "spec.json: set[\"seed\"]: the seed is swept by \"seeds\"" },
		/* a point's value is checked against the scenario before anything runs */
		{ "{ \"scenario\": \"tiny.json\", \"metrics\": [\"x\"], \"seeds\": 1,"
		  "  \"set\": { \"network.relay\": [\"inv\", \"smoke-signals\"] } }",
		  "spec.json: set[\"network.relay\"][1]: " },
		{ "{ \"scenario\": \"tiny.json\", \"metrics\": [\"x\"], \"seeds\": 1,"
		  "  \"points\": [ { \"stop.blocks\": 5 }, { \"stop.blocks\": \"lots\" } ] }",
		  "spec.json: points[1][\"stop.blocks\"]: " },
		{ "{ \"scenario\": \"tiny.json\", \"metrics\": [\"x\"], \"seeds\": 1,"
		  "  \"points\": [ { \"stop.blocks\": 5 }, { \"stop.blocks\": 5 } ] }",
		  "two points give the same run name \"blocks=5_seed=1\"" },
		{ "{ \"scenario\": \"tiny.json\", \"metrics\": [\"x\"], \"seeds\": 1, \"name\": \"../up\" }",
		  "spec.json: name: expected a name of letters" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GError *err = NULL;
		struct sweep *s = load(cases[i].text, &err);
		g_assert_null(s);
		g_assert_error(err, SWEEP_ERROR, SWEEP_ERROR_INPUT);
		if (!strstr(err->message, cases[i].want))
			g_error("case %zu: \"%s\" lacks \"%s\"", i, err->message, cases[i].want);
		g_assert_true(strstr(err->message, tmpdir) != NULL); /* the file is named */
		g_error_free(err);
	}
	/* the scenario's own message comes through: its file and its path */
	GError *err = NULL;
	g_assert_null(load("{ \"scenario\": \"tiny.json\", \"metrics\": [\"x\"], \"seeds\": 1,"
			   "  \"set\": { \"network.relay\": [\"smoke\"] } }", &err));
	g_assert_true(strstr(err->message, "tiny.json: network.relay (from --set network.relay=smoke)") != NULL);
	g_error_free(err);
}

static void test_json_number(void)
{
	const char *j = "{ \"a\": 1.5, \"s\": \"42\", \"t\": true, \"n\": null, \"x\": \"abc\","
			" \"p\": [ { \"z\": 5, \"v\": 1 }, { \"z\": 6, \"v\": 2 }, { \"z\": 5, \"v\": 3 } ] }";
	static const struct { const char *path; double want; } good[] = {
		{ "a", 1.5 }, { "s", 42 }, { "t", 1 }, { "p[1].v", 2 }, { "p[-1].v", 3 }, { "p[z=6].v", 2 },
		{ "p[z=5].v", 1 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
		double v = NAN;
		char *why = NULL;
		g_assert_true(sweep_json_number(j, good[i].path, &v, &why));
		g_assert_cmpfloat(v, ==, good[i].want);
	}
	static const struct { const char *path, *why; } bad[] = {
		{ "b", "no b in it" }, { "p[3].v", "no p[3] in it" }, { "p[z=7].v", "no p[z=7] in it" },
		{ "n", "n is null, not a number" }, { "x", "x is \"abc\", not a number" }, { "a.b", "no a.b in it" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		double v;
		char *why = NULL;
		g_assert_false(sweep_json_number(j, bad[i].path, &v, &why));
		g_assert_cmpstr(why, ==, bad[i].why);
		g_free(why);
	}
}

/* A fake finished run: summary.json with the run's provenance. */
static void fake_run(const struct sweep *s, guint i, const char *runs, double stale, const char *version,
		     const char *rc)
{
	const struct sweep_run *run = &g_array_index(s->runs, struct sweep_run, i);
	g_autofree char *dir = g_build_filename(runs, run->name, NULL);
	g_mkdir_with_parents(dir, 0755);
	g_autofree char *path = g_build_filename(dir, "summary.json", NULL);
	g_autofree char *text = g_strdup_printf(
		"{ \"seed\": \"%" G_GUINT64_FORMAT "\", \"interrupted\": false, \"version\": \"%s\","
		"  \"scenario_sha256\": \"%s\", \"stale_rate\": %.17g }\n", run->seed, version, run->digest, stale);
	g_assert_true(g_file_set_contents(path, text, -1, NULL));
	if (rc) {
		g_autofree char *rcf = g_strconcat(dir, ".rc", NULL);
		g_assert_true(g_file_set_contents(rcf, rc, -1, NULL));
	}
}

static void test_done_and_tables(void)
{
	GError *err = NULL;
	struct sweep *s = load("{ \"scenario\": \"tiny.json\", \"metrics\": [\"stale_rate\"],"
			       "  \"set\": { \"stop.blocks\": [5, 6] }, \"seeds\": 4 }", &err);
	g_assert_no_error(err);
	g_autofree char *runs = g_build_filename(tmpdir, "runs", NULL);
	/* point 1: seeds 1..4 fine; point 2: seed 1 stale version, seed 2
	 * failed, seeds 3 and 4 fine */
	static const double stale[8] = { 0.1, 0.25, 0.125, 0.3, 0, 0, 0.5, 0.75 };
	for (guint i = 0; i < 8; i++)
		fake_run(s, i, runs, stale[i], i == 4 ? "0.0.0-old" : POWSIM_VERSION, NULL);
	g_autofree char *rc1 = sweep_rc_text(s, 5, 1);
	fake_run(s, 5, runs, 0, POWSIM_VERSION, rc1);
	/* an .rc for other settings is ignored */
	fake_run(s, 6, runs, 0.5, POWSIM_VERSION, "1 0000\n");
	for (guint i = 0; i < 8; i++)
		g_assert_cmpint(sweep_run_pending(s, i, runs), ==, i == 4 || i == 5);
	struct sweep_result res[8];
	for (guint i = 0; i < 8; i++)
		sweep_read_result(s, i, runs, &res[i]);
	g_assert_cmpint(res[4].state, ==, SWEEP_RUN_MISSING);
	g_assert_cmpstr(res[4].error, ==, "summary.json was written by another powsim version");
	g_assert_cmpint(res[5].state, ==, SWEEP_RUN_FAILED);
	g_assert_cmpint(res[5].exit, ==, 1);
	/* a summary for other settings (run 0's, copied over run 1's) is stale */
	{
		const struct sweep_run *r0 = &g_array_index(s->runs, struct sweep_run, 0);
		const struct sweep_run *r1 = &g_array_index(s->runs, struct sweep_run, 1);
		g_autofree char *from = g_build_filename(runs, r0->name, "summary.json", NULL);
		g_autofree char *to = g_build_filename(runs, r1->name, "summary.json", NULL);
		g_autofree char *keep = NULL, *text = NULL;
		g_assert_true(g_file_get_contents(to, &keep, NULL, NULL));
		g_assert_true(g_file_get_contents(from, &text, NULL, NULL));
		/* same seed as run 1, other settings */
		g_autofree char *seed0 = g_strdup_printf("\"seed\": \"%" G_GUINT64_FORMAT "\"", r0->seed);
		g_autofree char *seed1 = g_strdup_printf("\"seed\": \"%" G_GUINT64_FORMAT "\"", r1->seed);
		g_auto(GStrv) parts = g_strsplit(text, seed0, 2);
		g_autofree char *moved = g_strjoinv(seed1, parts);
		g_assert_true(g_file_set_contents(to, moved, -1, NULL));
		struct sweep_result st;
		sweep_read_result(s, 1, runs, &st);
		g_assert_cmpint(st.state, ==, SWEEP_RUN_MISSING);
		g_assert_cmpstr(st.error, ==, "summary.json is for other settings");
		sweep_result_clear(&st);
		g_assert_true(g_file_set_contents(to, keep, -1, NULL));
	}

	g_autofree char *points = sweep_points_csv(s, res);
	g_auto(GStrv) lines = g_strsplit(points, "\n", -1);
	g_assert_cmpstr(lines[0], ==, "point,stop.blocks,n,stale_rate_mean,stale_rate_sd,stale_rate_ci95_lo,"
				       "stale_rate_ci95_hi");
	/* point 1 by hand: mean 0.19375; the interval from stats */
	struct stats_summary st;
	stats_summarize(stale, 4, 0.95, &st);
	g_assert_cmpfloat_with_epsilon(st.mean, 0.19375, 1e-15);
	char m[40], sd[40], lo[40], hi[40];
	sweep_format_number(st.mean, m, sizeof m);
	sweep_format_number(st.sd, sd, sizeof sd);
	sweep_format_number(st.ci_lo, lo, sizeof lo);
	sweep_format_number(st.ci_hi, hi, sizeof hi);
	g_autofree char *want1 = g_strdup_printf("1,5,4,%s,%s,%s,%s", m, sd, lo, hi);
	g_assert_cmpstr(lines[1], ==, want1);
	/* point 2: only seeds 3 and 4 count */
	stats_summarize(stale + 6, 2, 0.95, &st);
	sweep_format_number(st.ci_lo, lo, sizeof lo);
	g_assert_true(g_str_has_prefix(lines[2], "2,6,2,0.625,"));
	g_assert_true(strstr(lines[2], lo) != NULL);

	g_autofree char *table = sweep_runs_csv(s, res);
	g_auto(GStrv) rl = g_strsplit(table, "\n", -1);
	g_assert_cmpstr(rl[0], ==, "point,stop.blocks,seed,name,exit,error,stale_rate");
	g_assert_cmpstr(rl[2], ==, "1,5,2,blocks=5_seed=2,,,0.25");
	g_assert_cmpstr(rl[6], ==, "2,6,2,blocks=6_seed=2,1,exit 1,");
	for (guint i = 0; i < 8; i++)
		sweep_result_clear(&res[i]);
	sweep_free(s);
}

static void test_task_line(void)
{
	GError *err = NULL;
	struct sweep *s = load("{ \"scenario\": \"tiny.json\", \"metrics\": [\"stale_rate\"],"
			       "  \"set\": { \"network.relay\": [\"it's\"] }, \"seeds\": [7] }", &err);
	/* "it's" is no relay: refused */
	g_assert_null(s);
	g_clear_error(&err);
	s = load("{ \"scenario\": \"tiny.json\", \"metrics\": [\"stale_rate\"],"
		 "  \"set\": { \"nodes[0].hashrate\": [\"1 MH/s\"] }, \"seeds\": [7] }", &err);
	g_assert_no_error(err);
	g_autofree char *line = sweep_task_line(s, 0, "/bin/powsim", "/o/runs");
	const struct sweep_run *r = &g_array_index(s->runs, struct sweep_run, 0);
	g_assert_cmpstr(r->name, ==, "hashrate=1_MH_s_seed=7");
	g_autofree char *want = g_strdup_printf(
		"'/bin/powsim' 'run' '%s' '--seed' '7' '--set' 'nodes[0].hashrate=1 MH/s' '--out' "
		"'/o/runs/hashrate=1_MH_s_seed=7' '--quiet' >/dev/null; rc=$?; echo \"$rc %s\" > "
		"'/o/runs/hashrate=1_MH_s_seed=7.rc'; (exit $rc)", s->scenario, r->digest);
	g_assert_cmpstr(line, ==, want);
	sweep_free(s);
}

static void test_format_number(void)
{
	char b[40];
	sweep_format_number(0.1, b, sizeof b);
	g_assert_cmpstr(b, ==, "0.1");
	sweep_format_number(1.0 / 3, b, sizeof b);
	g_assert_cmpfloat(g_ascii_strtod(b, NULL), ==, 1.0 / 3);
	sweep_format_number(NAN, b, sizeof b);
	g_assert_cmpstr(b, ==, "");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	tmpdir = g_dir_make_tmp("test_sweep-XXXXXX", NULL);
	g_autofree char *scen = write_spec("tiny.json", scenario_text);
	g_test_add_func("/sweep/grid-order", test_grid_order);
	g_test_add_func("/sweep/points-and-seeds", test_points_and_seeds);
	g_test_add_func("/sweep/errors", test_errors);
	g_test_add_func("/sweep/json-number", test_json_number);
	g_test_add_func("/sweep/done-and-tables", test_done_and_tables);
	g_test_add_func("/sweep/task-line", test_task_line);
	g_test_add_func("/sweep/format-number", test_format_number);
	int rc = g_test_run();
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		rc = rc ? rc : 1;
	g_free(tmpdir);
	return rc;
}
