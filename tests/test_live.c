/* Live mode's engine contract (world.h, "live mode"): a run driven by
 * world_advance with actions scheduled at world_live_slot gives the same
 * outputs as world_run on the scenario that carries those actions from the
 * start (what `powsim serve --record` writes and `powsim run` replays). */
#include <string.h>

#include <cjson/cJSON.h>

#include "powsim/pow.h"
#include "powsim/scenario.h"
#include "testkit.h"

static const char base_text[] =
	"{\"name\": \"live\", \"seed\": 11, \"stop\": {\"time\": \"40s\"},"
	" \"consensus\": {\"mode\": \"real\", \"difficulty\": 3, \"fork_choice\": \"longest\"},"
	" \"network\": {\"topology\": \"edges\", \"edges\": [[\"m1\", \"m2\"], [\"m2\", \"t\"], [\"t\", \"r\"]],"
	"   \"latency\": \"30ms\"},"
	" \"mempool\": {\"refresh\": \"on-tx\"},"
	" \"nodes\": [{\"name\": \"m1\", \"role\": \"miner\", \"hashrate\": \"1kH/s\"},"
	"            {\"name\": \"m2\", \"role\": \"miner\", \"hashrate\": \"1kH/s\"},"
	"            {\"name\": \"t\", \"role\": \"trader\", \"balance\": 1000,"
	"             \"trade\": {\"interval\": \"3s\", \"amount\": [1, 3]}},"
	"            {\"name\": \"r\", \"role\": \"relay\"}],"
	" \"events\": [{\"at\": \"12s\", \"action\": \"burst\", \"target\": \"t\", \"count\": 3}%s],"
	" \"output\": {\"sample\": \"1s\"}}";

/* The live actions of the test, each asked for at a wall-clock target. */
struct ask {
	simtime_t target;
	const char *json; /* the event's fields after "at" */
};

static const struct ask asks[] = {
	/* exactly when a sample is due: the slot must come after it */
	{ 5 * SIMTIME_S, "\"action\": \"transfer\", \"target\": \"r\", \"from\": \"t\", \"to\": \"m1\", \"amount\": 7" },
	{ 5 * SIMTIME_S, "\"action\": \"link\", \"target\": \"m1\", \"to\": \"r\"" },
	{ 9 * SIMTIME_S + 123, "\"action\": \"difficulty\", \"value\": 2.5" },
	{ 12 * SIMTIME_S, "\"action\": \"mine\", \"target\": \"r\"" },
	{ 15 * SIMTIME_S, "\"action\": \"resolve\", \"target\": \"t\"" },
	{ 16 * SIMTIME_S, NULL }, /* a submit by m2, its nonce found at its time (submit_json) */
	{ 25 * SIMTIME_S, "\"action\": \"stop\"" },
};

static void load(const char *extra, struct scenario *sc)
{
	char *text = g_strdup_printf(base_text, extra);
	GError *err = NULL;
	gboolean ok = scenario_load_string(text, "live.json", NULL, sc, &err);
	g_assert_no_error(err);
	g_assert_true(ok);
	g_free(text);
}

#define SUBMIT 5 /* the index of the submit in asks */

/* The submit's fields: a nonce that meets m2's template at its slot, found
 * by the live run as a client would (world_template and a nonce scan). */
static char submit_json[128];

static const char *ask_json(const struct ask *a)
{
	return a->json ? a->json : submit_json;
}

/* A nonce for node ID's current template (2.5 zeros: about 1000 tries). */
static uint64_t client_nonce(world_t *w, uint32_t id)
{
	uint8_t header[POW_HEADER_SIZE], hash[32];
	struct u256 target;
	g_assert_true(world_template(w, id, header, &target));
	pow_scan_t *scan = pow_scan_new(header);
	uint64_t nonce = 0;
	g_assert_true(pow_scan_run(scan, 0, 1u << 24, &target, &nonce, hash));
	pow_scan_free(scan);
	return nonce;
}

/* One ask's event, parsed as the scenario reader reads it. */
static struct event_cfg ask_event(const struct ask *a, simtime_t at)
{
	struct scenario one;
	char *events = g_strdup_printf("{\"at\": \"%" G_GINT64_FORMAT "ns\", %s}", at, ask_json(a));
	char *full = g_strdup_printf(
		"{\"name\": \"one\", \"stop\": {\"time\": \"1s\"},"
		" \"nodes\": [{\"name\": \"m1\", \"role\": \"miner\", \"hashrate\": \"1H/s\"}, {\"name\": \"m2\", \"role\": \"miner\", \"hashrate\": \"1H/s\"},"
		" {\"name\": \"t\", \"role\": \"relay\"}, {\"name\": \"r\", \"role\": \"relay\"}],"
		" \"events\": [%s]}", events);
	GError *err = NULL;
	gboolean ok = scenario_load_string(full, "one.json", NULL, &one, &err);
	g_assert_no_error(err);
	g_assert_true(ok);
	struct event_cfg e = g_array_index(one.events, struct event_cfg, 0);
	memset(&g_array_index(one.events, struct event_cfg, 0), 0, sizeof e); /* e owns its strings */
	config_clear(&one);
	g_free(events);
	g_free(full);
	return e;
}

/* Every block of DIR's chain.json carries the coinbase of its height. */
static void check_coinbases(const char *dir)
{
	char *text = slurp(dir, "chain.json");
	cJSON *root = cJSON_Parse(text);
	const cJSON *chain = cJSON_GetObjectItemCaseSensitive(root, "chain");
	g_assert_true(cJSON_IsArray(chain));
	g_assert_cmpint(cJSON_GetArraySize(chain), >, 5);
	const cJSON *b;
	cJSON_ArrayForEach(b, chain) {
		int index = cJSON_GetObjectItemCaseSensitive(b, "index")->valueint;
		const cJSON *cb = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(b, "transactions"), 0);
		if (index == 0 && !cb)
			continue;
		g_assert_nonnull(cb);
		g_assert_cmpstr(cJSON_GetObjectItemCaseSensitive(cb, "sender")->valuestring, ==, "0");
		g_assert_cmpint(cJSON_GetObjectItemCaseSensitive(cb, "seq")->valueint, ==, index);
	}
	cJSON_Delete(root);
	g_free(text);
}

/* Drive the world as powsim serve does; SLOTS gets each action's time. */
static char *live_run(simtime_t *slots, bool use_slot)
{
	struct scenario sc;
	load("", &sc);
	guint first = sc.events->len;
	GError *err = NULL;
	world_t *w = world_new(&sc, &err);
	g_assert_no_error(err);
	for (size_t i = 0; i < G_N_ELEMENTS(asks); i++) {
		simtime_t t = asks[i].target;
		if (use_slot) {
			t = world_live_slot(w, t);
		} else {
			world_advance(w, t - 1); /* the naive way: at the target itself */
			if (t <= world_now(w))
				t = world_now(w) + 1;
		}
		g_assert_true(world_advance(w, t - 1));
		if (i == SUBMIT)
			g_snprintf(submit_json, sizeof submit_json,
				   "\"action\": \"submit\", \"target\": \"m2\", \"nonce\": %" G_GUINT64_FORMAT,
				   client_nonce(w, 1));
		struct event_cfg e = ask_event(&asks[i], t);
		config_event_resolve(&sc, &e); /* its names in this run, as serve does */
		g_array_append_val(sc.events, e);
		world_schedule_event(w, first + (guint)i);
		slots[i] = t;
		if (i + 1 < G_N_ELEMENTS(asks) && asks[i + 1].target > t)
			world_advance(w, asks[i + 1].target - 1);
	}
	while (world_advance(w, world_now(w) + SIMTIME_S))
		;
	world_finish(w);
	const struct world_live_result *r = world_live_result(w, first);
	g_assert_true(r->applied && r->ok); /* the transfer went through */
	g_assert_true(world_live_result(w, first + 3)->ok);
	const struct world_live_result *sub = world_live_result(w, first + SUBMIT);
	if (use_slot) { /* at its slot the template is the one the nonce was found for */
		g_assert_true(sub->applied);
		g_assert_cmpstr(sub->reason, ==, NULL);
		g_assert_true(sub->ok);
		const struct block *b = sub->block;
		g_assert_cmpuint(b->h.miner, ==, 1);
		g_assert_true(b->parent && b->parent->h.height + 1 == b->h.height);
		/* its own coinbase, for its height, under its merkle root */
		g_assert_true(tx_is_coinbase(b->txs[0]));
		g_assert_cmpuint(b->txs[0]->seq, ==, b->h.height);
		uint8_t merkle[32];
		block_merkle(b->txs, b->n_tx, merkle);
		g_assert_cmpmem(merkle, 32, b->h.merkle, 32);
	}
	char *dir = tmpdir();
	write_traces(w, dir);
	check_coinbases(dir);
	world_free(w);
	config_clear(&sc);
	return dir;
}

static char *replay_run(const simtime_t *slots)
{
	GString *ev = g_string_new(NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(asks); i++)
		g_string_append_printf(ev, ", {\"at\": \"%" G_GINT64_FORMAT "ns\", %s}", slots[i],
				       ask_json(&asks[i]));
	struct scenario sc;
	char *text = g_strdup_printf(base_text, ev->str);
	GError *err = NULL;
	gboolean ok = scenario_load_string(text, "live-replay.json", NULL, &sc, &err);
	g_assert_no_error(err);
	g_assert_true(ok);
	g_free(text);
	g_string_free(ev, TRUE);
	world_t *w = world_new(&sc, &err);
	g_assert_no_error(err);
	world_run(w, NULL);
	char *dir = tmpdir();
	write_traces(w, dir);
	world_free(w);
	config_clear(&sc);
	return dir;
}

static const char *const files[] = {
	"blocks.csv", "reorgs.csv", "txs.csv", "timeline.csv", "events.csv", "phases.csv",
	"miners.csv", "chain.json", "summary.json",
};

/* DIR's FILE without summary.json's wall_s line, nor its scenario_sha256:
 * the digest of the scenario's text, which differs here (the live run's
 * scenario has no actions); powsim serve gives its run the digest of its
 * recording (scn_serve.sh compares those). */
static char *output(const char *dir, const char *file)
{
	char *t = slurp(dir, file);
	char **lines = g_strsplit(t, "\n", -1);
	GString *g = g_string_new(NULL);
	for (char **l = lines; *l; l++)
		if (!strstr(*l, "\"wall_s\"") && !strstr(*l, "\"scenario_sha256\""))
			g_string_append_printf(g, "%s\n", *l);
	g_strfreev(lines);
	g_free(t);
	return g_string_free(g, FALSE);
}

static int differing(const char *a, const char *b)
{
	int n = 0;
	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		char *x = output(a, files[i]), *y = output(b, files[i]);
		if (strcmp(x, y) != 0) {
			g_test_message("%s differs", files[i]);
			n++;
		}
		g_free(x);
		g_free(y);
	}
	return n;
}

static void test_replay_equal(void)
{
	simtime_t slots[G_N_ELEMENTS(asks)];
	char *live = live_run(slots, true);
	/* the slot of an ask that falls on a queued sample comes after it */
	g_assert_cmpint(slots[0], >, 5 * SIMTIME_S);
	g_assert_cmpint(slots[1], >, slots[0]);
	char *replay = replay_run(slots);
	g_assert_cmpint(differing(live, replay), ==, 0);
	rm_dir(live);
	rm_dir(replay);
}

/* Without the slot rule an action scheduled at an instant where an event
 * is already queued runs after it live and before it in the replay: the
 * outputs differ, which is what the rule is for. */
static void test_naive_differs(void)
{
	simtime_t slots[G_N_ELEMENTS(asks)];
	char *live = live_run(slots, false);
	g_assert_cmpint(slots[0], ==, 5 * SIMTIME_S);
	char *replay = replay_run(slots);
	g_assert_cmpint(differing(live, replay), >, 0);
	rm_dir(live);
	rm_dir(replay);
}

/* An interrupt flag set while world_advance hashes cuts the hashing: the
 * run ends interrupted there, and neither world_advance nor
 * world_live_slot goes on (nor spins). Real mode cuts a slice, fast mode
 * a block's nonce search. */
static void test_interrupt(void)
{
	static char *modes[][2] = { { "consensus.mode=real", NULL }, { "consensus.mode=fast", NULL } };
	for (size_t i = 0; i < G_N_ELEMENTS(modes); i++) {
		char *text = g_strdup_printf(base_text, "");
		struct scenario sc;
		GError *err = NULL;
		g_assert_true(scenario_load_string(text, "live.json", modes[i], &sc, &err));
		g_assert_no_error(err);
		g_free(text);
		world_t *w = world_new(&sc, &err);
		g_assert_no_error(err);
		volatile sig_atomic_t flag = 0;
		world_set_interrupt(w, &flag);
		g_assert_true(world_advance(w, 2 * SIMTIME_S));
		g_assert_false(world_counts(w)->interrupted);
		flag = 1;
		/* blocks come every 2 s or so: one is hashed before 60 s */
		g_assert_false(world_advance(w, 60 * SIMTIME_S));
		g_assert_true(world_counts(w)->interrupted);
		simtime_t at = world_now(w);
		g_assert_cmpint(at, <, 60 * SIMTIME_S);
		world_live_slot(w, 60 * SIMTIME_S);
		g_assert_cmpint(world_now(w), ==, at);
		world_finish(w);
		g_assert_true(world_counts(w)->interrupted);
		world_free(w);
		config_clear(&sc);
	}
}

/* The live actions in a scenario file: bad ones are refused with the
 * JSON path and what was expected. */
static void test_bad_actions(void)
{
	static const struct { const char *event, *path, *says; } cases[] = {
		{ "{\"at\": \"1s\", \"action\": \"transfer\", \"target\": \"r\", \"to\": \"m1\", \"amount\": 1}",
		  "events[1]", "\"from\"" },
		{ "{\"at\": \"1s\", \"action\": \"transfer\", \"target\": \"r\", \"from\": \"t\", \"to\": \"m1\", \"amount\": 0}",
		  "events[1].amount", "an integer >= 1" },
		{ "{\"at\": \"1s\", \"action\": \"transfer\", \"target\": \"r\", \"from\": \"nobody\", \"to\": \"m1\", \"amount\": 2}",
		  "events[1].from", "unknown node" },
		{ "{\"at\": \"1s\", \"action\": \"submit\", \"target\": \"m1\", \"nonce\": -4}",
		  "events[1].nonce", "an integer" },
		{ "{\"at\": \"1s\", \"action\": \"mine\"}", "events[1]", "\"target\"" },
		{ "{\"at\": \"1s\", \"action\": \"link\", \"target\": \"m1\", \"to\": 3}",
		  "events[1].to", "name" },
		{ "{\"at\": \"1s\", \"action\": \"stop\", \"target\": \"m1\"}", "events[1]", "target" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *extra = g_strdup_printf(", %s", cases[i].event);
		char *text = g_strdup_printf(base_text, extra);
		struct scenario sc;
		GError *err = NULL;
		g_assert_false(scenario_load_string(text, "bad.json", NULL, &sc, &err));
		g_assert_nonnull(err);
		g_test_message("%s", err->message);
		g_assert_nonnull(strstr(err->message, cases[i].path));
		g_assert_nonnull(strstr(err->message, cases[i].says));
		g_error_free(err);
		g_free(text);
		g_free(extra);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/live/replay-equal", test_replay_equal);
	g_test_add_func("/live/naive-differs", test_naive_differs);
	g_test_add_func("/live/bad-actions", test_bad_actions);
	g_test_add_func("/live/interrupt", test_interrupt);
	return g_test_run();
}
