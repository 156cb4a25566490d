/* Tests for the scenario reader and for config's node naming.
 *
 * Scenario texts here are written with ' for " (JSON needs double quotes;
 * C strings full of \" are unreadable); q() swaps them back. Every bad
 * input must fail with a message naming the file and the JSON path. */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "powsim/scenario.h"

#define STOP "'stop': {'time': '10min'}"
#define NODES "'nodes': [{'name': 'miner', 'count': 3, 'hashrate': '60kH/s'}, " \
	"{'name': 'shop', 'role': 'trader', 'trade': {'interval': '4.5s'}}]"
#define BASE "{" STOP ", " NODES

/* TEXT with every ' turned into " (g_free it). */
static char *q(const char *text)
{
	char *s = g_strdup(text);

	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	return s;
}

static char *data_path(const char *name)
{
	const char *dir = g_getenv("G_TEST_SRCDIR");
	char *path = g_build_filename(dir ? dir : "tests", "data", "scenarios", name, NULL);

	if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
		g_printerr("test data %s not found (run from the repository root or set G_TEST_SRCDIR)\n", path);
		g_test_fail();
	}
	return path;
}

/* tests/data/scenarios/NAME loaded into S, or fail the test; the path
 * (g_free it). */
static char *load_data(const char *name, struct scenario *s)
{
	GError *err = NULL;
	char *path = data_path(name);

	g_assert_true(scenario_load(path, NULL, s, &err));
	g_assert_no_error(err);
	return path;
}

/* TEXT (single quotes for double) loaded as FILE into S, or fail the test. */
static void load_as(const char *text, const char *file, char **ov, struct scenario *s)
{
	GError *err = NULL;
	char *t = q(text);
	bool ok = scenario_load_string(t, file, ov, s, &err);

	g_assert_no_error(err);
	g_assert_true(ok);
	g_free(t);
}

static void load_ok(const char *text, char **ov, struct scenario *s)
{
	load_as(text, "good.json", ov, s);
}

/* Load TEXT as "bad.json"; it must fail with a message holding every
 * NULL-terminated substring given, and "bad.json". */
static void G_GNUC_NULL_TERMINATED expect_error(const char *text, char **ov, ...)
{
	struct scenario s;
	GError *err = NULL;
	char *t = q(text);
	va_list ap;
	bool ok = scenario_load_string(t, "bad.json", ov, &s, &err);

	g_assert_false(ok);
	g_assert_error(err, SCENARIO_ERROR, SCENARIO_ERROR_INPUT);
	g_test_message("error: %s", err->message);
	if (strstr(err->message, "bad.json") == NULL) {
		g_printerr("message without the file name: %s\n", err->message);
		g_test_fail();
	}
	va_start(ap, ov);
	for (const char *sub = va_arg(ap, const char *); sub != NULL; sub = va_arg(ap, const char *)) {
		char *want = q(sub);
		if (strstr(err->message, want) == NULL) {
			g_printerr("input: %s\nmessage: %s\nlacks: %s\n", t, err->message, want);
			g_test_fail();
		}
		g_free(want);
	}
	va_end(ap);
	g_error_free(err);
	config_clear(&s);
	g_free(t);
}

static const struct group_cfg *grp(const struct scenario *s, guint i)
{
	g_assert_cmpuint(i, <, s->groups->len);
	return &g_array_index(s->groups, struct group_cfg, i);
}

static const struct event_cfg *ev(const struct scenario *s, guint i)
{
	g_assert_cmpuint(i, <, s->events->len);
	return &g_array_index(s->events, struct event_cfg, i);
}

/* ------------------------------------------------------------------ */

static void check_full_header(const struct scenario *s)
{
	g_assert_cmpstr(s->name, ==, "every-field");
	g_assert_cmpuint(s->seed, ==, G_MAXUINT64);
	g_assert_cmpint(s->stop.time, ==, 90 * SIMTIME_MIN);
	g_assert_cmpuint(s->stop.height, ==, 500);
	g_assert_cmpuint(s->stop.blocks, ==, 600);
	g_assert_cmpint(s->consensus.mode, ==, MINING_FAST);
	g_assert_cmpuint(s->consensus.millizeros, ==, 5500);
	g_assert_cmpint(s->consensus.fork_choice, ==, FORK_LONGEST);
	g_assert_cmpuint(s->consensus.reward, ==, 25);
	g_assert_cmpuint(s->consensus.max_block_txs, ==, 200);
	g_assert_cmpuint(s->consensus.retarget_every, ==, 20);
	g_assert_cmpint(s->consensus.retarget_interval, ==, 10 * SIMTIME_S);
	g_assert_cmpfloat(s->consensus.retarget_clamp, ==, 2.5);
	g_assert_cmpint(s->mempool.order, ==, MEMPOOL_FEE);
	g_assert_cmpuint(s->mempool.capacity, ==, 5000);
	g_assert_cmpint(s->mempool.refresh, ==, REFRESH_ON_BLOCK);
	g_assert_cmpint(s->sample, ==, 500 * SIMTIME_MS);
}

static void check_full_network(const struct scenario *s)
{
	const struct network_cfg *n = &s->network;
	static const char *const edges[] = { "miner1", "miner2", "miner2", "miner3", "miner3", "shop", "shop", "relay" };

	g_assert_cmpint(n->topology, ==, TOPO_EDGES);
	g_assert_cmpuint(n->edges->len, ==, G_N_ELEMENTS(edges));
	for (guint i = 0; i < n->edges->len; i++)
		g_assert_cmpstr(n->edges->pdata[i], ==, edges[i]);
	g_assert_cmpint(n->latency.law, ==, LAT_LOGNORMAL);
	g_assert_cmpint(n->latency.value, ==, 100 * SIMTIME_MS);
	g_assert_cmpfloat(n->latency.shape, ==, 0.5);
	g_assert_cmpint(n->processing, ==, 2 * SIMTIME_MS);
	g_assert_cmpint(n->relay, ==, RELAY_INV);
	g_assert_cmpint(n->validate_block, ==, 10 * SIMTIME_MS);
	g_assert_cmpint(n->validate_tx, ==, 50 * SIMTIME_US);
	g_assert_cmpfloat(n->bandwidth, ==, 100e6);
	g_assert_cmpuint(n->header_bytes, ==, 1000);
	g_assert_cmpuint(n->tx_bytes, ==, 300);
}

static void check_full_nodes(const struct scenario *s)
{
	g_assert_cmpuint(s->groups->len, ==, 3);
	g_assert_cmpstr(grp(s, 0)->name, ==, "miner");
	g_assert_cmpuint(grp(s, 0)->count, ==, 3);
	g_assert_cmpint(grp(s, 0)->role, ==, ROLE_MINER);
	g_assert_cmpfloat(grp(s, 0)->hashrate, ==, 60e3);
	g_assert_cmpuint(grp(s, 0)->balance, ==, 7);
	g_assert_cmpstr(grp(s, 1)->name, ==, "shop");
	g_assert_cmpuint(grp(s, 1)->count, ==, 1);
	g_assert_cmpint(grp(s, 1)->role, ==, ROLE_TRADER);
	g_assert_cmpuint(grp(s, 1)->balance, ==, 1000);
	g_assert_cmpint(grp(s, 1)->trade.law, ==, INTERVAL_EXP);
	g_assert_cmpint(grp(s, 1)->trade.interval, ==, 4500 * SIMTIME_MS);
	g_assert_cmpuint(grp(s, 1)->trade.amount_min, ==, 1);
	g_assert_cmpuint(grp(s, 1)->trade.amount_max, ==, 21);
	g_assert_cmpuint(grp(s, 1)->trade.fee, ==, 2);
	g_assert_cmpstr(grp(s, 1)->trade.to, ==, "miner1");
	g_assert_cmpint(grp(s, 1)->trade.start, ==, 30 * SIMTIME_S);
	g_assert_cmpstr(grp(s, 2)->name, ==, "relay");
	g_assert_cmpint(grp(s, 2)->role, ==, ROLE_RELAY);
	g_assert_cmpuint(config_node_count(s), ==, 5);
}

static void check_full_events(const struct scenario *s)
{
	GPtrArray *sides;

	g_assert_cmpuint(s->events->len, ==, 8);
	g_assert_cmpint(ev(s, 0)->action, ==, TL_DIFFICULTY);
	g_assert_cmpint(ev(s, 0)->at, ==, 133 * SIMTIME_S);
	g_assert_false(ev(s, 0)->by_height);
	g_assert_cmpuint(ev(s, 0)->millizeros, ==, 6000);
	g_assert_cmpint(ev(s, 1)->action, ==, TL_HASHRATE);
	g_assert_true(ev(s, 1)->by_height);
	g_assert_cmpuint(ev(s, 1)->at_height, ==, 130);
	g_assert_cmpstr(ev(s, 1)->target, ==, "miner2");
	g_assert_cmpfloat(ev(s, 1)->hashrate, ==, 10e3);
	g_assert_cmpint(ev(s, 2)->action, ==, TL_BURST);
	g_assert_cmpstr(ev(s, 2)->target, ==, "shop");
	g_assert_cmpuint(ev(s, 2)->count, ==, 40);
	g_assert_cmpint(ev(s, 3)->action, ==, TL_LEAVE);
	g_assert_cmpstr(ev(s, 3)->target, ==, "miner3");
	g_assert_cmpint(ev(s, 4)->action, ==, TL_JOIN);
	g_assert_cmpint(ev(s, 5)->action, ==, TL_PARTITION);
	sides = ev(s, 5)->sides;
	g_assert_nonnull(sides);
	g_assert_cmpuint(sides->len, ==, 2);
	g_assert_cmpuint(g_strv_length(sides->pdata[0]), ==, 2);
	g_assert_cmpstr(((char **)sides->pdata[0])[1], ==, "miner2");
	g_assert_cmpstr(((char **)sides->pdata[1])[0], ==, "miner3");
	g_assert_cmpint(ev(s, 6)->action, ==, TL_HEAL);
	g_assert_cmpint(ev(s, 6)->at, ==, 8 * SIMTIME_MIN);
	g_assert_cmpint(ev(s, 7)->action, ==, TL_LATENCY);
	g_assert_cmpint(ev(s, 7)->latency.law, ==, LAT_PARETO);
	g_assert_cmpint(ev(s, 7)->latency.value, ==, 100 * SIMTIME_MS);
	g_assert_cmpfloat(ev(s, 7)->latency.shape, ==, 3);
	g_assert_cmpstr(ev(s, 7)->target, ==, "miner1");
	g_assert_cmpstr(ev(s, 7)->link_to, ==, "miner2");
}

static void test_full(void)
{
	struct scenario s;
	char *path = load_data("full.json", &s);
	char *summary;

	g_assert_cmpstr(s.file, ==, path);
	check_full_header(&s);
	check_full_network(&s);
	check_full_nodes(&s);
	check_full_events(&s);
	summary = scenario_describe(&s);
	g_assert_nonnull(strstr(summary, "every-field: 5 nodes"));
	g_assert_nonnull(strstr(summary, "8 timeline events"));
	g_free(summary);
	config_clear(&s);
	g_free(path);
}

static void test_lecture(void)
{
	struct scenario s;
	char *path = load_data("lecture.json", &s);

	g_assert_cmpuint(config_node_count(&s), ==, 6);
	g_assert_cmpint(grp(&s, 1)->trade.law, ==, INTERVAL_UNIFORM);
	g_assert_cmpint(grp(&s, 1)->trade.interval, ==, 4 * SIMTIME_S);
	g_assert_cmpint(grp(&s, 1)->trade.interval_max, ==, 5 * SIMTIME_S);
	g_assert_cmpuint(ev(&s, 2)->millizeros, ==, 5000);
	config_clear(&s);
	g_free(path);
}

static void test_defaults(void)
{
	struct scenario s;

	load_as("{'nodes': [{'name': 'm', 'hashrate': '1kH/s'}], 'stop': {'height': 10}}", "dir/min.json", NULL, &s);
	g_assert_cmpstr(s.name, ==, "min");
	g_assert_cmpuint(s.seed, ==, 1);
	g_assert_cmpint(s.stop.time, ==, 0);
	g_assert_cmpuint(s.stop.height, ==, 10);
	g_assert_cmpuint(s.stop.blocks, ==, 0);
	g_assert_cmpint(s.consensus.mode, ==, MINING_REAL);
	g_assert_cmpuint(s.consensus.millizeros, ==, 4000);
	g_assert_cmpint(s.consensus.fork_choice, ==, FORK_MOST_WORK);
	g_assert_cmpuint(s.consensus.reward, ==, 50);
	g_assert_cmpuint(s.consensus.max_block_txs, ==, 1000);
	g_assert_cmpuint(s.consensus.retarget_every, ==, 0);
	g_assert_cmpint(s.network.topology, ==, TOPO_FULL);
	g_assert_cmpuint(s.network.degree, ==, 8);
	g_assert_cmpuint(s.network.edges->len, ==, 0);
	g_assert_cmpint(s.network.latency.law, ==, LAT_CONSTANT);
	g_assert_cmpint(s.network.latency.value, ==, 50 * SIMTIME_MS);
	g_assert_cmpint(s.network.processing, ==, SIMTIME_MS);
	g_assert_cmpint(s.network.relay, ==, RELAY_PUSH);
	g_assert_cmpint(s.network.validate_block, ==, SIMTIME_MS);
	g_assert_cmpint(s.network.validate_tx, ==, 10 * SIMTIME_US);
	g_assert_cmpfloat(s.network.bandwidth, ==, 0);
	g_assert_cmpuint(s.network.header_bytes, ==, 96);
	g_assert_cmpuint(s.network.tx_bytes, ==, 250);
	g_assert_cmpint(s.mempool.order, ==, MEMPOOL_ARRIVAL);
	g_assert_cmpuint(s.mempool.capacity, ==, 10000);
	g_assert_cmpint(s.mempool.refresh, ==, REFRESH_ON_TX);
	g_assert_cmpint(s.sample, ==, SIMTIME_S);
	g_assert_cmpuint(grp(&s, 0)->count, ==, 1);
	g_assert_cmpint(grp(&s, 0)->role, ==, ROLE_MINER);
	g_assert_cmpuint(grp(&s, 0)->balance, ==, 0);
	g_assert_cmpuint(s.events->len, ==, 0);
	config_clear(&s);

	/* Defaults inside a trader's trade section. */
	load_ok(BASE "}", NULL, &s);
	g_assert_cmpint(grp(&s, 1)->trade.law, ==, INTERVAL_FIXED);
	g_assert_cmpint(grp(&s, 1)->trade.interval, ==, 4500 * SIMTIME_MS);
	g_assert_cmpuint(grp(&s, 1)->trade.amount_min, ==, 1);
	g_assert_cmpuint(grp(&s, 1)->trade.amount_max, ==, 1);
	g_assert_null(grp(&s, 1)->trade.to);
	g_assert_cmpint(grp(&s, 1)->trade.start, ==, 0);
	g_assert_cmpstr(s.name, ==, "good");
	config_clear(&s);
}

static void test_naming(void)
{
	struct scenario s;
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	static const char *const names[] = { "miner1", "miner2", "miner3", "shop" };
	char buf[64];

	load_ok(BASE "}", NULL, &s);
	g_assert_cmpuint(config_node_count(&s), ==, 4);
	for (uint32_t id = 0; id < 4; id++) {
		config_node_name(&s, id, buf, sizeof buf);
		g_assert_cmpstr(buf, ==, names[id]);
		g_assert_cmpuint(config_node_group(&s, id), ==, id < 3 ? 0 : 1);
		g_array_set_size(ids, 0);
		g_assert_true(config_resolve(&s, names[id], ids));
		g_assert_cmpuint(ids->len, ==, 1);
		g_assert_cmpuint(g_array_index(ids, guint32, 0), ==, id);
	}
	g_array_set_size(ids, 0);
	g_assert_true(config_resolve(&s, "miner", ids));
	g_assert_cmpuint(ids->len, ==, 3);
	for (guint i = 0; i < 3; i++)
		g_assert_cmpuint(g_array_index(ids, guint32, i), ==, i);
	g_array_set_size(ids, 0);
	g_assert_false(config_resolve(&s, "miner4", ids));
	g_assert_false(config_resolve(&s, "miner0", ids));
	g_assert_false(config_resolve(&s, "miner01", ids));
	g_assert_false(config_resolve(&s, "shop1", ids));
	g_assert_false(config_resolve(&s, "nobody", ids));
	g_assert_false(config_resolve(&s, "", ids));
	g_assert_cmpuint(ids->len, ==, 0);
	config_node_name(&s, 2, buf, 4); /* truncates, never overflows */
	g_assert_cmpstr(buf, ==, "min");
	config_clear(&s);
	config_clear(&s); /* cleared twice: harmless */
	config_clear(NULL);
	g_array_unref(ids);
}

/* The name of a file without "name", as scenario_load_string gives it. */
static char *default_name_of(const char *file)
{
	struct scenario s;

	load_as(BASE "}", file, NULL, &s);
	char *name = g_strdup(s.name);
	config_clear(&s);
	return name;
}

/* Issue 10, item 7: file names in any script keep their letters (they
 * all became "_" before), and names changed to be safe in a file name
 * carry a hash of the original, so distinct files never share one. */
static void test_default_names(void)
{
	static const struct {
		const char *file, *name;
	} cases[] = {
		{ "dir/quickstart.json", "quickstart" },
		{ "сеть.json", "сеть" },
		{ "тест.json", "тест" },
		{ "网络.json", "网络" },
		{ "a_b.json", "a_b" },
		{ "a b.json", "a_b-c8687a08" },
		{ "a/b c/d?e.json", "d_e-" },
		{ ".hidden.json", "_hidden-" },
		{ "\xff\xfe.json", "__-" },
		{ "0123456789012345678901234567890123456789.json", "01234567890123456789012345678901-" },
	};
	GPtrArray *seen = g_ptr_array_new_with_free_func(g_free);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *name = default_name_of(cases[i].file);
		g_test_message("%s -> %s", cases[i].file, name);
		g_assert_true(g_utf8_validate(name, -1, NULL));
		g_assert_null(strchr(name, '/'));
		g_assert_true(g_str_has_prefix(name, cases[i].name));
		if (!g_str_has_suffix(cases[i].name, "-"))
			g_assert_cmpstr(name, ==, cases[i].name);
		for (guint k = 0; k < seen->len; k++)
			g_assert_cmpstr(name, !=, g_ptr_array_index(seen, k));
		g_ptr_array_add(seen, name);
	}
	g_ptr_array_unref(seen);
}

/* Issue 10, items 7 and 8: "\u0000" in a string (cJSON would cut the
 * string there) and a difficulty change at height 0 are errors naming
 * the field. */
static void test_nul_and_height_zero(void)
{
	char *ov_nul[] = { "stop.time=\"1s\\u0000x\"", NULL };
	struct scenario s;

	expect_error("{'stop': {'time': '2min\\u0000garbage'}, " NODES "}", NULL, "stop.time: ", "NUL", NULL);
	expect_error(BASE ", 'description': 'a\\u0000'}", NULL, "description: ", "NUL", NULL);
	expect_error(BASE ", 'events': [{'at': '1s', 'action': 'burst', 'count': 1, 'target': 'sh\\u0000op'}]}",
		     NULL, "events[0].target: ", "NUL", NULL);
	expect_error(BASE ", 'x\\u0000y': 1}", NULL, "NUL", NULL);
	expect_error(BASE "}", ov_nul, "stop.time (from --set", "NUL", NULL);
	/* an escaped backslash, then "u0000", is text */
	load_ok(BASE ", 'description': 'a\\\\u0000'}", NULL, &s);
	config_clear(&s);
	expect_error(BASE ", 'events': [{'at_height': 0, 'action': 'difficulty', 'value': 3}]}", NULL,
		     "events[0].at_height: ", "at least 1", NULL);
	load_ok(BASE ", 'events': [{'at_height': 1, 'action': 'difficulty', 'value': 3},"
		" {'at_height': 0, 'action': 'hashrate', 'value': '1kH/s'}]}", NULL, &s);
	config_clear(&s);
}

static void test_overrides_good(void)
{
	struct scenario s;
	char *ov1[] = { "consensus.difficulty=5.5", "nodes[0].hashrate=1MH/s", "stop.time=30s", "seed=7", NULL };
	char *ov2[] = { "consensus.retarget.every=5", "consensus.retarget.interval=2s", "mempool.order=\"fee\"",
		        "output={\"sample\": \"250ms\"}", "nodes[2]={\"name\": \"late\", \"hashrate\": \"5kH/s\"}",
		        "events[0]={\"at\": \"1m\", \"action\": \"heal\"}", "name=over", NULL };
	char *ov3[] = { "seed=18446744073709551615", "stop.height=99", "stop.time=null", "nodes[0].count=2", NULL };

	load_ok(BASE "}", ov1, &s);
	g_assert_cmpuint(s.consensus.millizeros, ==, 5500);
	g_assert_cmpfloat(grp(&s, 0)->hashrate, ==, 1e6);
	g_assert_cmpint(s.stop.time, ==, 30 * SIMTIME_S);
	g_assert_cmpuint(s.seed, ==, 7);
	config_clear(&s);

	/* New keys and new objects that the file does not have. */
	load_ok(BASE "}", ov2, &s);
	g_assert_cmpuint(s.consensus.retarget_every, ==, 5);
	g_assert_cmpint(s.consensus.retarget_interval, ==, 2 * SIMTIME_S);
	g_assert_cmpint(s.mempool.order, ==, MEMPOOL_FEE);
	g_assert_cmpint(s.sample, ==, 250 * SIMTIME_MS);
	g_assert_cmpuint(s.groups->len, ==, 3);
	g_assert_cmpstr(grp(&s, 2)->name, ==, "late");
	g_assert_cmpuint(s.events->len, ==, 1);
	g_assert_cmpint(ev(&s, 0)->action, ==, TL_HEAL);
	g_assert_cmpstr(s.name, ==, "over");
	config_clear(&s);

	/* A 64-bit seed keeps every digit; null removes a key. */
	load_ok(BASE "}", ov3, &s);
	g_assert_cmpuint(s.seed, ==, G_MAXUINT64);
	g_assert_cmpint(s.stop.time, ==, 0);
	g_assert_cmpuint(s.stop.height, ==, 99);
	g_assert_cmpuint(config_node_count(&s), ==, 3);
	config_clear(&s);
}

static void test_overrides_bad(void)
{
	char *unknown[] = { "consensus.difficultly=3", NULL };
	char *badval[] = { "nodes[0].hashrate=fast", NULL };
	char *range[] = { "nodes[5].hashrate=1kH/s", NULL };
	char *syntax1[] = { "nodes[x].count=1", NULL };
	char *syntax2[] = { "=5", NULL };
	char *syntax3[] = { "noequals", NULL };
	char *syntax4[] = { "stop..time=1s", NULL };
	char *into_number[] = { "seed=5", "seed.low=1", NULL };
	char *created[] = { "seed.low=1", NULL };
	char *index_object[] = { "stop[0]=1", NULL };
	char *unknown_section[] = { "netwrok.relay=inv", NULL };
	char *removed[] = { "stop=null", NULL };

	expect_error(BASE "}", unknown, "--set consensus.difficultly=3", "consensus.difficultly",
	             "unknown key 'difficultly'", "expected one of: mode, difficulty", NULL);
	expect_error(BASE "}", badval, "nodes[0].hashrate (from --set nodes[0].hashrate=fast)", "found 'fast'",
	             NULL);
	expect_error(BASE "}", range, "--set nodes[5].hashrate=1kH/s", "nodes has 2 elements", "use [2]", NULL);
	expect_error(BASE "}", syntax1, "--set nodes[x].count=1", "PATH=VALUE", NULL);
	expect_error(BASE "}", syntax2, "--set =5", NULL);
	expect_error(BASE "}", syntax3, "--set noequals", NULL);
	expect_error(BASE "}", syntax4, "--set stop..time=1s", NULL);
	expect_error(BASE "}", into_number, "--set seed.low=1", "seed is a number", NULL);
	expect_error(BASE "}", created, "seed (from --set seed.low=1): expected an integer", NULL);
	expect_error(BASE "}", index_object, "stop is an object", NULL);
	expect_error(BASE "}", unknown_section, "netwrok (from --set netwrok.relay=inv)", "unknown key 'netwrok'",
	             NULL);
	expect_error(BASE "}", removed, "missing 'stop'", NULL);
}

/* One bad input per case: the text and substrings of its message. */
static void test_bad_keys_and_types(void)
{
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'hashrat': '1kH/s'}]}", NULL, "nodes[0].hashrat",
	             "unknown key 'hashrat'; expected one of: name, count, role, hashrate, balance, trade", NULL);
	expect_error(BASE ", 'seed': 1, 'seed': 2}", NULL, "bad.json: seed: duplicate key 'seed'", NULL);
	expect_error(BASE ", 'consensus': {'mode': 'fast', 'mode': 'real'}}", NULL, "consensus.mode: duplicate key",
	             NULL);
	expect_error(BASE ", 'seed': 'abc'}", NULL, "seed: expected an integer", "found 'abc'", NULL);
	expect_error(BASE ", 'seed': -1}", NULL, "seed: expected an integer", "found -1", NULL);
	expect_error(BASE ", 'seed': 1152921504606846976}", NULL, "seed:", "write it as a string", NULL);
	expect_error(BASE ", 'seed': 1.5}", NULL, "seed: expected an integer", NULL);
	expect_error(BASE ", 'stop': {'height': 'ten'}}", NULL, "duplicate key 'stop'", NULL);
	expect_error("{'stop': {'height': 'ten'}, " NODES "}", NULL, "stop.height: expected an integer from 1",
	             "found 'ten'", NULL);
	expect_error("{'stop': {'time': 30}, " NODES "}", NULL, "stop.time: expected a duration",
	             "found 30 (a bare number: add a unit", NULL);
	expect_error("{'stop': {'time': {'deep': {'deeper': []}}}, " NODES "}", NULL,
	             "stop.time: expected a duration", "found an object", NULL);
	expect_error(BASE ", 'consensus': {'difficulty': 1e999}}", NULL, "consensus.difficulty",
	             "found a number too large", NULL);
	expect_error(BASE ", 'consensus': {'difficulty': 61}}", NULL, "consensus.difficulty", "from 0 to 60", NULL);
	expect_error(BASE ", 'consensus': {'retarget': {'every': 10, 'clamp': 1e400}}}", NULL,
	             "consensus.retarget.clamp", "too large", NULL);
	expect_error(BASE ", 'consensus': {'retarget': {'every': 10}}}", NULL, "consensus.retarget: missing 'interval'",
	             NULL);
	expect_error(BASE ", 'consensus': {'mode': 'turbo'}}", NULL, "consensus.mode",
	             "one of 'real', 'fast', 'model'", "found 'turbo'", NULL);
	expect_error(BASE ", 'name': 'my scenario'}", NULL, "name: expected a name", NULL);
	expect_error(BASE ", 'output': {'sample': '0s'}}", NULL, "output.sample", "above zero", NULL);
	expect_error(BASE ", 'mempool': []}", NULL, "mempool: expected an object", "found an empty array", NULL);
	expect_error(BASE ", 'network': {'bandwidth': '10 furlongs'}}", NULL, "network.bandwidth",
	             "found '10 furlongs'", NULL);
	expect_error(BASE ", 'network': {'header_bytes': 0}}", NULL, "network.header_bytes", NULL);
	expect_error(BASE ", 'network': {'tx_bytes': '1MiB'}}", NULL, "network.tx_bytes", "a size like", NULL);
}

static void test_bad_structure(void)
{
	expect_error("[1, 2]", NULL, "bad.json: expected a JSON object", "found an array", NULL);
	expect_error("{" NODES "}", NULL, "missing 'stop'", NULL);
	expect_error(BASE ", 'stop': {}}", NULL, "duplicate key 'stop'", NULL);
	expect_error("{'stop': {}, " NODES "}", NULL, "stop: expected at least one of 'time', 'height', 'blocks'",
	             NULL);
	expect_error("{" STOP "}", NULL, "missing 'nodes'", NULL);
	expect_error("{" STOP ", 'nodes': []}", NULL, "nodes: expected a non-empty array", "found an empty array", NULL);
	expect_error("{" STOP ", 'nodes': {}}", NULL, "nodes: expected a non-empty array", "found an object", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'm'}]}", NULL, "nodes[0]: missing 'hashrate'", NULL);
	expect_error("{" STOP ", 'nodes': [{'hashrate': '1kH/s'}]}", NULL, "nodes[0]: missing 'name'", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'hashrate': '1kH/s'}, {'name': 't', 'role': 'trader'}]}",
	             NULL, "nodes[1]: missing 'trade'", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'hashrate': '1kH/s', 'trade': {'interval': '1s'}}]}",
	             NULL, "nodes[0].trade: only traders trade", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'hashrate': '1kH/s'}, {'name': 'r', 'role': 'relay', "
	             "'hashrate': '1kH/s'}]}", NULL, "nodes[1].hashrate: only miners", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'r', 'role': 'relay'}]}", NULL, "nodes: no group", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'count': -1, 'hashrate': '1kH/s'}]}", NULL,
	             "nodes[0].count: expected an integer from 1 to 1000000", "found -1", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'count': 0, 'hashrate': '1kH/s'}]}", NULL,
	             "nodes[0].count", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'count': 2.5, 'hashrate': '1kH/s'}]}", NULL,
	             "nodes[0].count", "found 2.5", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'a', 'count': 600000, 'hashrate': '1kH/s'}, "
	             "{'name': 'b', 'count': 600000, 'hashrate': '1kH/s'}]}", NULL, "nodes[1].count",
	             "1200000 nodes; at most 1000000", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'hashrate': '0kH/s'}]}", NULL, "nodes[0].hashrate",
	             "above zero", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'hashrate': 'inf H/s'}]}", NULL, "nodes[0].hashrate", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'hashrate': '1kH/s'}, {'name': 'm', 'hashrate': '1kH/s'}]}",
	             NULL, "nodes[1].name: group name 'm' is already used by nodes[0]", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'miner', 'count': 3, 'hashrate': '1kH/s'}, "
	             "{'name': 'miner2', 'hashrate': '1kH/s'}]}", NULL, "nodes[1].name",
	             "also the name of node 2 of group 'miner'", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'a1', 'count': 5, 'hashrate': '1kH/s'}, "
	             "{'name': 'a', 'count': 20, 'hashrate': '1kH/s'}]}", NULL, "nodes[0].name", NULL);
}

static void test_bad_trade(void)
{
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'hashrate': '1kH/s'}, {'name': 't', 'role': 'trader', "
	             "'trade': {'amount': 5}}]}", NULL, "nodes[1].trade: missing 'interval'", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'hashrate': '1kH/s'}, {'name': 't', 'role': 'trader', "
	             "'trade': {'interval': '0s'}}]}", NULL, "nodes[1].trade.interval", "above zero", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'hashrate': '1kH/s'}, {'name': 't', 'role': 'trader', "
	             "'trade': {'interval': {'law': 'uniform', 'min': '5s', 'max': '4s'}}}]}", NULL,
	             "nodes[1].trade.interval: 'min' must not be above 'max'", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'hashrate': '1kH/s'}, {'name': 't', 'role': 'trader', "
	             "'trade': {'interval': {'law': 'poisson', 'mean': '5s'}}}]}", NULL,
	             "nodes[1].trade.interval.law", "'fixed', 'uniform', 'exponential'", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'hashrate': '1kH/s'}, {'name': 't', 'role': 'trader', "
	             "'trade': {'interval': {'law': 'exponential', 'min': '5s'}}}]}", NULL,
	             "nodes[1].trade.interval.min: unknown key 'min'; expected one of: law, mean", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'hashrate': '1kH/s'}, {'name': 't', 'role': 'trader', "
	             "'trade': {'interval': {'law': 'exponential'}}}]}", NULL,
	             "nodes[1].trade.interval: missing 'mean'", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'hashrate': '1kH/s'}, {'name': 't', 'role': 'trader', "
	             "'trade': {'interval': '1s', 'amount': [5, 1]}}]}", NULL, "nodes[1].trade.amount", "min above max",
	             NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'hashrate': '1kH/s'}, {'name': 't', 'role': 'trader', "
	             "'trade': {'interval': '1s', 'amount': [1, 'x']}}]}", NULL, "nodes[1].trade.amount[1]", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'hashrate': '1kH/s'}, {'name': 't', 'role': 'trader', "
	             "'trade': {'interval': '1s', 'amount': [1, 2, 3]}}]}", NULL, "nodes[1].trade.amount", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'hashrate': '1kH/s'}, {'name': 't', 'role': 'trader', "
	             "'trade': {'interval': '1s', 'to': 'm9'}}]}", NULL, "nodes[1].trade.to",
	             "unknown node or group 'm9'", NULL);
	expect_error("{" STOP ", 'nodes': [{'name': 'm', 'hashrate': '1kH/s'}, {'name': 't', 'role': 'trader', "
	             "'trade': {'interval': '1s', 'to': 't'}}]}", NULL, "nodes[1].trade.to", "itself", NULL);
}

static void test_bad_network(void)
{
	expect_error(BASE ", 'network': {'topology': 'edges', 'edges': [['miner1', 'miner9']]}}", NULL,
	             "network.edges[0][1]: unknown node or group 'miner9'", "miner1..miner3", NULL);
	expect_error(BASE ", 'network': {'topology': 'edges', 'edges': [['miner', 'shop']]}}", NULL,
	             "bad.json: network.edges[0][0]: 'miner' is a group of 3 nodes; an edge joins two nodes",
	             "(e.g. 'miner1')", NULL);
	expect_error(BASE ", 'network': {'topology': 'edges', 'edges': [['shop', 'shop']]}}", NULL,
	             "network.edges[0]: an edge must join two different nodes", NULL);
	expect_error(BASE ", 'network': {'topology': 'edges', 'edges': [['miner1', 'shop'], ['miner2', 'shop'], "
	             "['shop', 'miner1']]}}", NULL, "network.edges[2]: this edge repeats edges[0]", NULL);
	expect_error(BASE ", 'network': {'topology': 'edges', 'edges': [['miner1']]}}", NULL, "network.edges[0]",
	             NULL);
	expect_error(BASE ", 'network': {'topology': 'edges'}}", NULL, "network: 'topology': 'edges' needs", NULL);
	expect_error(BASE ", 'network': {'degree': 4}}", NULL, "network.degree", "random", NULL);
	expect_error(BASE ", 'network': {'topology': 'random', 'degree': 0}}", NULL, "network.degree", NULL);
	expect_error(BASE ", 'network': {'latency': {'law': 'uniform', 'min': '90ms', 'max': '10ms'}}}", NULL,
	             "network.latency: 'min' must not be above 'max'", NULL);
	expect_error(BASE ", 'network': {'latency': {'law': 'pareto', 'mean': '100ms', 'shape': 1}}}", NULL,
	             "network.latency.shape", "above 1", NULL);
	expect_error(BASE ", 'network': {'latency': {'law': 'lognormal', 'median': '100ms'}}}", NULL,
	             "network.latency: missing 'sigma'", NULL);
	expect_error(BASE ", 'network': {'latency': {'value': '100ms'}}}", NULL, "network.latency: missing 'law'",
	             NULL);
	expect_error(BASE ", 'network': {'latency': 50}}", NULL, "network.latency", "found 50", NULL);
	expect_error(BASE ", 'network': {'validation': {'block': '1ms', 'txs': '1us'}}}", NULL,
	             "network.validation.txs: unknown key", NULL);
	expect_error(BASE ", 'network': {'backbone': {'nodes': ['miner', 'pool']}}}", NULL,
	             "bad.json: network.backbone.nodes[1]: unknown node or group 'pool'", "miner1..miner3", NULL);
	expect_error(BASE ", 'network': {'backbone': {'nodes': ['miner', 7]}}}", NULL,
	             "network.backbone.nodes[1]", NULL);
	expect_error("{" STOP ", 'network': {'regions': {'names': ['A'], 'share': [1], 'latency': [['10ms']], "
		     "'upload': ['1Mbit/s'], 'download': ['2Mbit/s']}}, "
		     "'nodes': [{'name': 'm', 'hashrate': '1kH/s', 'upload': {'law': 'histogram'}}]}", NULL,
	             "bad.json: nodes[0].upload: {'law': 'histogram'} needs network.bandwidth_histograms", NULL);
	/* the same on download alone: the message names the download field */
	expect_error("{" STOP ", 'network': {'regions': {'names': ['A'], 'share': [1], 'latency': [['10ms']], "
		     "'upload': ['1Mbit/s'], 'download': ['2Mbit/s']}}, "
		     "'nodes': [{'name': 'm', 'hashrate': '1kH/s'}, "
		     "{'name': 'r', 'role': 'relay', 'download': {'law': 'histogram'}}]}", NULL,
	             "bad.json: nodes[1].download: {'law': 'histogram'} needs network.bandwidth_histograms",
	             "the network has none", NULL);
	/* histograms for two regions on a network of one, and on one without regions */
	expect_error("{" STOP ", " NODES ", 'network': {'regions': {'names': ['A'], 'share': [1], "
		     "'latency': [['10ms']], 'upload': ['1Mbit/s'], 'download': ['2Mbit/s']}, "
		     "'bandwidth_histograms': {'upload': [[[1, 2, 1]], [[1, 2, 1]]], "
		     "'download': [[[1, 2, 1]], [[1, 2, 1]]]}}}", NULL,
	             "bad.json: network.bandwidth_histograms: one histogram per region: 1 regions, 2 histograms",
	             NULL);
	expect_error(BASE ", 'network': {'bandwidth_histograms': {'upload': [[[1, 2, 1]]], "
		     "'download': [[[1, 2, 1]]]}}}", NULL,
	             "bad.json: network.bandwidth_histograms: one histogram per region: 0 regions, 1 histograms",
	             NULL);
	/* a backbone object without its nodes; "enabled": false needs none */
	expect_error(BASE ", 'network': {'backbone': {'bandwidth': '100Mbit/s', 'connections': 5}}}", NULL,
	             "bad.json: network.backbone: a backbone needs 'nodes'", NULL);
	expect_error(BASE ", 'network': {'backbone': {'enabled': true}}}", NULL,
	             "bad.json: network.backbone: a backbone needs 'nodes'", NULL);
}

static void test_bad_events(void)
{
	expect_error(BASE ", 'events': [{'at': '1m', 'action': 'heal'}, {'at': '1m', 'action': 'heal'}, "
	             "{'at': '1m', 'action': 'heal'}, {'at': '4.5 parsecs', 'action': 'heal'}]}", NULL,
	             "bad.json: events[3].at: expected a duration like", "found '4.5 parsecs'", NULL);
	expect_error(BASE ", 'events': [{'at': '1m', 'at_height': 3, 'action': 'heal'}]}", NULL,
	             "events[0]: give 'at'", "not both", NULL);
	expect_error(BASE ", 'events': [{'action': 'heal'}]}", NULL, "events[0]: missing 'at'", NULL);
	expect_error(BASE ", 'events': [{'at': '1m'}]}", NULL, "events[0]: missing 'action'", NULL);
	expect_error(BASE ", 'events': [{'at': '1m', 'action': 'explode'}]}", NULL, "events[0].action",
	             "found 'explode'", NULL);
	/* live actions act for one node: a group name is refused */
	expect_error(BASE ", 'events': [{'at': '1m', 'action': 'mine', 'target': 'miner'}]}", NULL,
	             "bad.json: events[0].target: 'miner' names 3 nodes; this action needs one node", NULL);
	expect_error(BASE ", 'events': [{'at': '1m', 'action': 'link', 'target': 'miner1', 'to': 'miner'}]}",
	             NULL, "bad.json: events[0].to: 'miner' names 3 nodes; this action needs one node", NULL);
	expect_error(BASE ", 'events': [{'at': '1m', 'action': 'difficulty'}]}", NULL, "events[0]: missing 'value'",
	             NULL);
	expect_error(BASE ", 'events': [{'at': '1m', 'action': 'heal', 'target': 'miner1'}]}", NULL,
	             "events[0].target: unknown key 'target'; expected one of: at, at_height, action", NULL);
	expect_error(BASE ", 'events': [{'at': '1m', 'action': 'hashrate', 'target': 'shop', 'value': '1kH/s'}]}",
	             NULL, "events[0].target", "not miners", NULL);
	expect_error(BASE ", 'events': [{'at': '1m', 'action': 'burst', 'target': 'miner1', 'count': 3}]}", NULL,
	             "events[0].target", "not traders", NULL);
	expect_error(BASE ", 'events': [{'at': '1m', 'action': 'burst', 'target': 'shop', 'count': 0}]}", NULL,
	             "events[0].count", NULL);
	expect_error(BASE ", 'events': [{'at': '1m', 'action': 'leave'}]}", NULL, "events[0]: missing 'target'", NULL);
	expect_error(BASE ", 'events': [{'at': '1m', 'action': 'join', 'target': 'ghost'}]}", NULL,
	             "events[0].target: unknown node or group 'ghost'", NULL);
	expect_error(BASE ", 'events': [{'at': '1m', 'action': 'partition', 'sides': [['miner1', 'miner'], "
	             "['shop']]}]}", NULL, "events[0].sides[0][1]", "'miner1' is already on side 0", NULL);
	expect_error(BASE ", 'events': [{'at': '1m', 'action': 'partition', 'sides': [['miner', 'shop']]}]}", NULL,
	             "events[0].sides: a partition needs at least two sides", NULL);
	expect_error(BASE ", 'events': [{'at': '1m', 'action': 'partition', 'sides': [[]]}]}", NULL,
	             "events[0].sides[0]", NULL);
	expect_error(BASE ", 'events': [{'at': '1m', 'action': 'latency', 'latency': '1s', 'to': 'miner1'}]}", NULL,
	             "events[0]: 'to' needs 'target'", NULL);
	expect_error(BASE ", 'events': {}}", NULL, "events: expected an array", NULL);
	expect_error(BASE ", 'events': [5]}", NULL, "events[0]: expected an event object", NULL);
}

/* Good partitions: unnamed nodes form their own side. */
static void test_partition_rest(void)
{
	struct scenario s;

	load_ok(BASE ", 'events': [{'at': '1m', 'action': 'partition', 'sides': [['miner1']]}]}", NULL, &s);
	g_assert_cmpuint(ev(&s, 0)->sides->len, ==, 1);
	config_clear(&s);
}

/* IDS holds exactly the node ids of WANT (-1 terminated), in order. */
static void assert_ids(const GArray *ids, const int *want)
{
	guint n = 0;

	g_assert_nonnull(ids);
	for (; want[n] >= 0; n++) {
		g_assert_cmpuint(n, <, ids->len);
		g_assert_cmpuint(g_array_index(ids, guint32, n), ==, (guint32)want[n]);
	}
	g_assert_cmpuint(ids->len, ==, n);
}

/* The reader resolves every name once: event targets and "to", transfer
 * senders, partition sides (per node), trade targets, expectation nodes,
 * edges and backbone nodes (BASE: miner1..miner3 are ids 0..2, shop 3). */
static void test_resolved_names(void)
{
	struct scenario s;

	load_ok("{" STOP ", 'nodes': [{'name': 'miner', 'count': 3, 'hashrate': '60kH/s'}, "
		"{'name': 'shop', 'role': 'trader', 'trade': {'interval': '4.5s', 'to': 'miner'}}], "
		"'network': {'topology': 'edges', 'edges': [['miner3', 'shop'], ['miner1', 'miner2']], "
		"'backbone': {'nodes': ['shop', 'miner'], 'enabled': false}}, "
		"'events': [{'at': '1m', 'action': 'hashrate', 'target': 'miner', 'value': '1kH/s'}, "
		"{'at': '1m', 'action': 'latency', 'latency': '1s', 'target': 'miner2', 'to': 'shop'}, "
		"{'at': '1m', 'action': 'partition', 'sides': [['miner3'], ['shop', 'miner1']]}, "
		"{'at': '1m', 'action': 'transfer', 'target': 'miner1', 'from': 'shop', 'to': 'miner2', "
		"'amount': 1}, {'at': '1m', 'action': 'heal'}], "
		"'expect': {'blocks': [{'miner': 'miner', 'count': {'min': 0}}, {'count': {'min': 0}}]}}",
		NULL, &s);
	assert_ids(ev(&s, 0)->target_ids, (const int[]){ 0, 1, 2, -1 });
	assert_ids(ev(&s, 1)->target_ids, (const int[]){ 1, -1 });
	assert_ids(ev(&s, 1)->to_ids, (const int[]){ 3, -1 });
	g_assert_null(ev(&s, 2)->target_ids);
	assert_ids(ev(&s, 2)->side_of, (const int[]){ 2, 0, 1, 2, -1 });
	assert_ids(ev(&s, 3)->from_ids, (const int[]){ 3, -1 });
	assert_ids(ev(&s, 3)->to_ids, (const int[]){ 1, -1 });
	g_assert_null(ev(&s, 4)->target_ids);
	g_assert_null(ev(&s, 4)->side_of);
	const struct group_cfg *shop = &g_array_index(s.groups, struct group_cfg, 1);
	assert_ids(shop->trade.to_ids, (const int[]){ 0, 1, 2, -1 });
	g_assert_null(g_array_index(s.groups, struct group_cfg, 0).trade.to_ids);
	assert_ids(s.network.edge_ids, (const int[]){ 2, 3, 0, 1, -1 });
	assert_ids(s.network.backbone.node_ids, (const int[]){ 3, 0, 1, 2, -1 });
	assert_ids(g_array_index(s.expects, struct expect_cfg, 0).node_ids, (const int[]){ 0, 1, 2, -1 });
	g_assert_null(g_array_index(s.expects, struct expect_cfg, 1).node_ids);
	config_clear(&s);
}

static void test_bad_text(void)
{
	GString *deep = g_string_new("{'stop': ");

	expect_error("", NULL, "bad.json: the file is empty", NULL);
	expect_error("  \n\t ", NULL, "bad.json: the file is empty", NULL);
	expect_error("{'stop': {'time': '10min'},\n 'nodes': [{'name': 'm', ", NULL, "bad.json:2:",
	             "truncated", NULL);
	expect_error("{'stop': {'time': '10min'},\n 'nodes': [{'name': 'm' 'x'}]}", NULL, "bad.json:2:", "invalid JSON",
	             NULL);
	expect_error("\x80\x81\xfe\xff garbage", NULL, "bad.json:1:1: not UTF-8", NULL);
	expect_error("{} trailing", NULL, "bad.json:1:4", NULL);
	/* Deeper than cJSON's nesting limit: an error, not a stack overflow. */
	for (int i = 0; i < 5000; i++)
		g_string_append_c(deep, '[');
	expect_error(deep->str, NULL, "bad.json:1:", "invalid JSON", "nested deeper than", NULL);
	g_string_free(deep, TRUE);
}

static void test_files(void)
{
	GError *err = NULL;
	char *dir = g_dir_make_tmp("powsim-test-XXXXXX", &err);
	char *bin = g_build_filename(dir, "binary.json", NULL);
	char *trunc = g_build_filename(dir, "trunc.json", NULL);
	char *missing = g_build_filename(dir, "missing.json", NULL);
	struct scenario s;
	char *t = q("{'stop': {'time': '10min'}, 'nodes': [{'name': 'm', 'hash");

	g_assert_no_error(err);
	g_assert_true(g_file_set_contents(bin, "\x7f" "ELF\0\0\0\1\2", 9, &err));
	g_assert_true(g_file_set_contents(trunc, t, -1, &err));

	g_assert_false(scenario_load(bin, NULL, &s, &err));
	g_assert_error(err, SCENARIO_ERROR, SCENARIO_ERROR_INPUT);
	g_assert_nonnull(strstr(err->message, "binary.json: not a text file"));
	g_clear_error(&err);
	/* A failed load leaves nothing behind to free. */
	g_assert_null(s.groups);
	g_assert_null(s.file);
	g_assert_null(s.network.edges);

	g_assert_false(scenario_load(trunc, NULL, &s, &err));
	g_assert_nonnull(strstr(err->message, "trunc.json:1:"));
	g_assert_nonnull(strstr(err->message, "truncated"));
	g_clear_error(&err);
	config_clear(&s);

	g_assert_false(scenario_load(missing, NULL, &s, &err));
	g_assert_nonnull(strstr(err->message, "missing.json: cannot read"));
	g_clear_error(&err);
	config_clear(&s);

	g_assert_false(scenario_load(dir, NULL, &s, &err));
	g_assert_nonnull(strstr(err->message, "is a directory"));
	g_clear_error(&err);
	config_clear(&s);

	g_assert_false(scenario_load("", NULL, &s, &err));
	g_clear_error(&err);
	config_clear(&s);

	g_unlink(bin);
	g_unlink(trunc);
	g_rmdir(dir);
	g_free(t);
	g_free(bin);
	g_free(trunc);
	g_free(missing);
	g_free(dir);
}

/* ---- the expect section ---- */

static const struct expect_cfg *xp(const struct scenario *s, guint i)
{
	g_assert_cmpuint(i, <, s->expects->len);
	return &g_array_index(s->expects, struct expect_cfg, i);
}

static void test_expect_good(void)
{
	struct scenario s;

	load_ok(BASE ", 'expect': {'one_tip': true, 'height': {'min': 3, 'max': 'blocks_mined'}, "
	        "'stale_rate': {'max': 0.1}, 'deepest_reorg': 'stale', 'rejected': {'bad-merkle': 1}, "
	        "'tx_rejected': {'bad-seq': {'min': 2}}, "
	        "'phases': [{'index': 2, 'mean_interval': {'min': '2s', 'max': '8s'}, 'blocks': 5}, "
	        "{'difficulty': 3.5, 'blocks': {'max': 9}}], 'interval': {'last': 20, 'min': '500ms'}, "
	        "'blocks': [{'miner': 'miner2', 'main': true, 'count': {'min': 1}}], "
	        "'txs': [{'sender': 'shop', 'injected': false, 'confirmed': false, 'count': 0}]}}", NULL, &s);
	g_assert_cmpuint(s.expects->len, ==, 12);
	g_assert_cmpint(xp(&s, 0)->kind, ==, EXPECT_METRIC);
	g_assert_cmpint(xp(&s, 0)->metric, ==, EXPECT_M_DISTINCT_TIPS);
	g_assert_true(xp(&s, 0)->bound.has_min && xp(&s, 0)->bound.has_max);
	g_assert_cmpfloat(xp(&s, 0)->bound.max, ==, 1);
	g_assert_cmpint(xp(&s, 1)->metric, ==, EXPECT_M_HEIGHT);
	g_assert_cmpfloat(xp(&s, 1)->bound.min, ==, 3);
	g_assert_cmpint(xp(&s, 1)->bound.min_ref, ==, -1);
	g_assert_cmpint(xp(&s, 1)->bound.max_ref, ==, EXPECT_M_BLOCKS_MINED);
	g_assert_cmpstr(xp(&s, 1)->label, ==, "expect.height");
	g_assert_false(xp(&s, 2)->bound.has_min);
	g_assert_cmpint(xp(&s, 3)->bound.min_ref, ==, EXPECT_M_STALE);
	g_assert_cmpint(xp(&s, 3)->bound.max_ref, ==, EXPECT_M_STALE);
	g_assert_cmpint(xp(&s, 4)->kind, ==, EXPECT_BLOCK_REJECTS);
	g_assert_cmpstr(xp(&s, 4)->reason, ==, "bad-merkle");
	g_assert_cmpint(xp(&s, 5)->kind, ==, EXPECT_TX_REJECTS);
	g_assert_cmpint(xp(&s, 6)->kind, ==, EXPECT_PHASE_INTERVAL);
	g_assert_cmpuint(xp(&s, 6)->phase, ==, 2);
	g_assert_cmpfloat(xp(&s, 6)->bound.min, ==, 2.0);
	g_assert_cmpfloat(xp(&s, 6)->bound.max, ==, 8.0);
	g_assert_cmpint(xp(&s, 7)->kind, ==, EXPECT_PHASE_BLOCKS);
	g_assert_cmpint(xp(&s, 8)->kind, ==, EXPECT_PHASE_BLOCKS);
	g_assert_cmpuint(xp(&s, 8)->phase, ==, 0);
	g_assert_cmpuint(xp(&s, 8)->millizeros, ==, 3500);
	g_assert_cmpint(xp(&s, 9)->kind, ==, EXPECT_INTERVAL);
	g_assert_cmpuint(xp(&s, 9)->last, ==, 20);
	g_assert_cmpfloat(xp(&s, 9)->bound.min, ==, 0.5);
	g_assert_cmpint(xp(&s, 10)->kind, ==, EXPECT_BLOCKS);
	g_assert_cmpstr(xp(&s, 10)->node, ==, "miner2");
	g_assert_cmpint(xp(&s, 10)->main, ==, 1);
	g_assert_cmpint(xp(&s, 10)->injected, ==, -1);
	g_assert_cmpint(xp(&s, 11)->kind, ==, EXPECT_TXS);
	g_assert_cmpint(xp(&s, 11)->injected, ==, 0);
	g_assert_cmpint(xp(&s, 11)->main, ==, 0);
	config_clear(&s);

	/* No section: no expectations; an override adds one. */
	char *ov[] = { "expect.stale=0", NULL };
	load_ok(BASE "}", NULL, &s);
	g_assert_cmpuint(s.expects->len, ==, 0);
	config_clear(&s);
	load_ok(BASE "}", ov, &s);
	g_assert_cmpuint(s.expects->len, ==, 1);
	g_assert_cmpint(xp(&s, 0)->metric, ==, EXPECT_M_STALE);
	config_clear(&s);
}

static void test_expect_bad(void)
{
	expect_error(BASE ", 'expect': []}", NULL, "expect:", "an object", NULL);
	expect_error(BASE ", 'expect': {'heigth': 3}}", NULL, "expect.heigth", "unknown key", NULL);
	expect_error(BASE ", 'expect': {'height': -1}}", NULL, "expect.height", NULL);
	expect_error(BASE ", 'expect': {'height': {}}}", NULL, "expect.height", "'min', 'max' or both", NULL);
	expect_error(BASE ", 'expect': {'height': {'min': 5, 'max': 2}}}", NULL, "expect.height", "above", NULL);
	expect_error(BASE ", 'expect': {'height': {'min': 'stal'}}}", NULL, "expect.height.min", "'stale'", NULL);
	expect_error(BASE ", 'expect': {'height': {'min': 1, 'min': 2}}}", NULL, "duplicate", NULL);
	expect_error(BASE ", 'expect': {'one_tip': 1}}", NULL, "expect.one_tip", "true or false", NULL);
	expect_error(BASE ", 'expect': {'rejected': {'Bad Merkle': 1}}}", NULL, "expect.rejected", "a reason", NULL);
	expect_error(BASE ", 'expect': {'rejected': {'high-hash': 1, 'high-hash': 2}}}", NULL,
	             "expect.rejected['high-hash']", "duplicate", NULL);
	expect_error(BASE ", 'expect': {'phases': [{'mean_interval': {'min': '1s'}}]}}", NULL,
	             "expect.phases[0]", "'index'", NULL);
	expect_error(BASE ", 'expect': {'phases': [{'index': 1, 'difficulty': 3, 'blocks': 1}]}}", NULL,
	             "expect.phases[0]", "exactly one", NULL);
	expect_error(BASE ", 'expect': {'phases': [{'index': 1}]}}", NULL, "expect.phases[0]", "missing", NULL);
	expect_error(BASE ", 'expect': {'phases': [{'index': 1, 'mean_interval': {'min': 2}}]}}", NULL,
	             "expect.phases[0].mean_interval.min", "duration", NULL);
	expect_error(BASE ", 'expect': {'phases': [{'index': 1, 'mean_interval': '2s'}]}}", NULL,
	             "expect.phases[0].mean_interval", "a range of durations", NULL);
	expect_error(BASE ", 'expect': {'interval': {'min': '1s'}}}", NULL, "expect.interval", "missing \"last\"", NULL);
	expect_error(BASE ", 'expect': {'interval': {'last': 5}}}", NULL, "expect.interval", "'min' or 'max'", NULL);
	expect_error(BASE ", 'expect': {'interval': {'last': 5, 'min': '3s', 'max': '1s'}}}", NULL,
	             "expect.interval", "above", NULL);
	expect_error(BASE ", 'expect': {'blocks': [{'miner': 'nobody', 'count': 1}]}}", NULL,
	             "expect.blocks[0].miner", "unknown node or group", NULL);
	expect_error(BASE ", 'expect': {'blocks': [{'main': true}]}}", NULL, "expect.blocks[0]", "missing \"count\"", NULL);
	expect_error(BASE ", 'expect': {'blocks': [{'sender': 'shop', 'count': 1}]}}", NULL,
	             "expect.blocks[0].sender", "unknown key", NULL);
	expect_error(BASE ", 'expect': {'txs': [{'confirmed': 'yes', 'count': 1}]}}", NULL,
	             "expect.txs[0].confirmed", "true or false", NULL);
	expect_error(BASE ", 'expect': {'stale_rate': 1e999}}", NULL, "expect.stale_rate", NULL);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/scenario/full", test_full);
	g_test_add_func("/scenario/lecture", test_lecture);
	g_test_add_func("/scenario/defaults", test_defaults);
	g_test_add_func("/scenario/naming", test_naming);
	g_test_add_func("/scenario/default-names", test_default_names);
	g_test_add_func("/scenario/nul-and-height-zero", test_nul_and_height_zero);
	g_test_add_func("/scenario/overrides/good", test_overrides_good);
	g_test_add_func("/scenario/overrides/bad", test_overrides_bad);
	g_test_add_func("/scenario/bad/keys-and-types", test_bad_keys_and_types);
	g_test_add_func("/scenario/bad/structure", test_bad_structure);
	g_test_add_func("/scenario/bad/trade", test_bad_trade);
	g_test_add_func("/scenario/bad/network", test_bad_network);
	g_test_add_func("/scenario/bad/events", test_bad_events);
	g_test_add_func("/scenario/partition-rest", test_partition_rest);
	g_test_add_func("/scenario/resolved-names", test_resolved_names);
	g_test_add_func("/scenario/bad/text", test_bad_text);
	g_test_add_func("/scenario/files", test_files);
	g_test_add_func("/scenario/expect/good", test_expect_good);
	g_test_add_func("/scenario/expect/bad", test_expect_bad);
	return g_test_run();
}
