/* Tests for whole runs, in process: scenario text -> world -> trace files
 * in a temporary directory.
 *  - determinism: the same scenario and seed give byte-identical outputs
 *    (but for summary.json's one "wall_s" line); another seed another run;
 *  - chain.json re-verified with cJSON: every header re-hashes to its hash,
 *    meets its difficulty, links to its parent, carries its proof at
 *    offset 88 and the merkle root of its listed transactions;
 *  - the world's invariants after runs in every mining mode and relay;
 *  - two statistical tests against the exponential law (real-mode block
 *    interval; fast/model-mode fork rate on a full mesh);
 *  - interrupt semantics: outputs stay consistent. */
#include <math.h>
#include <signal.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "powsim/block.h"
#include "powsim/hash.h"
#include "powsim/pow.h"
#include "powsim/scenario.h"
#include "powsim/trace.h"
#include "powsim/world.h"

#include "powsim/invariants.h"

#include "testkit.h"

static const char *const outputs[] = {
	"blocks.csv", "reorgs.csv", "txs.csv", "timeline.csv", "events.csv",
	"phases.csv", "miners.csv", "summary.json", "chain.json",
};

/* ---- helpers ---- */

static void load(struct scenario *sc, const char *text, char **overrides)
{
	GError *err = NULL;
	if (!scenario_load_string(text, "world-test.json", overrides, sc, &err))
		g_error("scenario: %s\n%s", err->message, text);
}

/* TEXT without the lines that contain NEEDLE. */
static char *drop_lines(const char *text, const char *needle)
{
	GString *g = g_string_new(NULL);
	char **lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		if (strstr(*l, needle))
			continue;
		g_string_append(g, *l);
		if (l[1])
			g_string_append_c(g, '\n');
	}
	g_strfreev(lines);
	return g_string_free(g, FALSE);
}

static uint64_t le_read(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* ---- scenarios ---- */

/* Five miners of unequal rates and two traders; lognormal latency, so
 * forks, reorgs and transactions all happen. %s: mode, %s: relay,
 * %g: difficulty, %u: blocks. */
static char *busy_scenario(const char *mode, const char *relay, double zeros, unsigned blocks)
{
	return g_strdup_printf(
		"{\"name\": \"busy\", \"seed\": 5,"
		" \"stop\": {\"blocks\": %u},"
		" \"consensus\": {\"mode\": \"%s\", \"difficulty\": %g},"
		" \"network\": {\"topology\": \"full\", \"relay\": \"%s\","
		"   \"latency\": {\"law\": \"lognormal\", \"median\": \"300ms\", \"sigma\": 0.6},"
		"   \"processing\": \"2ms\"},"
		" \"nodes\": ["
		"   {\"name\": \"m\", \"count\": 3, \"role\": \"miner\", \"hashrate\": \"2kH/s\"},"
		"   {\"name\": \"big\", \"role\": \"miner\", \"hashrate\": \"5kH/s\"},"
		"   {\"name\": \"small\", \"role\": \"miner\", \"hashrate\": \"500H/s\"},"
		"   {\"name\": \"t\", \"count\": 2, \"role\": \"trader\", \"balance\": 1000,"
		"    \"trade\": {\"interval\": {\"law\": \"exponential\", \"mean\": \"700ms\"}, \"amount\": [1, 9], \"fee\": 1}}"
		" ]}",
		blocks, mode, zeros, relay);
}

/* ---- determinism ---- */

static void run_to_dir(const char *text, char **overrides, char *dir)
{
	struct scenario sc;
	load(&sc, text, overrides);
	world_t *w = run_world(&sc, NULL);
	invariants_check(NULL, w);
	write_traces(w, dir);
	world_free(w);
	config_clear(&sc);
}

static void check_same_outputs(const char *text)
{
	char *a = tmpdir(), *b = tmpdir(), *c = tmpdir();
	char *other[] = { "seed=6", NULL };

	run_to_dir(text, NULL, a);
	run_to_dir(text, NULL, b);
	run_to_dir(text, other, c);
	for (size_t i = 0; i < G_N_ELEMENTS(outputs); i++) {
		char *x = slurp(a, outputs[i]), *y = slurp(b, outputs[i]);
		char *xs = drop_lines(x, "\"wall_s\""), *ys = drop_lines(y, "\"wall_s\"");
		g_assert_cmpstr(xs, ==, ys);
		if (strcmp(outputs[i], "summary.json") == 0) {
			/* exactly one line was dropped */
			g_assert_cmpuint(strlen(x) - strlen(xs), >, 0);
			g_assert_null(strstr(xs, "wall"));
		} else {
			g_assert_cmpstr(x, ==, y);
		}
		g_free(x);
		g_free(y);
		g_free(xs);
		g_free(ys);
	}
	char *x = slurp(a, "blocks.csv"), *z = slurp(c, "blocks.csv");
	g_assert_cmpint(strcmp(x, z), !=, 0); /* (cmpstr would print both files) */
	g_assert_cmpuint(strlen(x), >, 200); /* a real run, not two headers */
	g_free(x);
	g_free(z);
	rm_dir(a);
	rm_dir(b);
	rm_dir(c);
}

static void test_determinism_fast(void)
{
	char *text = busy_scenario("fast", "push", 2.5, 60);
	check_same_outputs(text);
	g_free(text);
}

static void test_determinism_real(void)
{
	char *text = busy_scenario("real", "inv", 3, 40);
	check_same_outputs(text);
	g_free(text);
}

/* ---- chain.json ---- */

/* Check chain.json in DIR against itself and against W. Returns blocks. */
static int verify_chain_json(const char *dir, const world_t *w, bool modelled)
{
	cJSON *root = parse_file(dir, "chain.json");
	const cJSON *chain = cJSON_GetObjectItemCaseSensitive(root, "chain");
	g_assert_true(cJSON_IsArray(chain));
	int n = cJSON_GetArraySize(chain);
	g_assert_cmpint((int)jnum(root, "length"), ==, n);
	const struct block *tip = report_main_tip(w);
	g_assert_cmpint(n, ==, (int)tip->h.height + 1);

	char prev_hash[HASH_HEX_SIZE] = { 0 };
	int index = 0;
	const cJSON *b;
	cJSON_ArrayForEach(b, chain) {
		uint8_t header[POW_HEADER_SIZE], hash[32];
		char hex[HASH_HEX_SIZE];
		struct block_header h;

		g_assert_cmpint((int)jnum(b, "index"), ==, index);
		/* the header bytes re-hash to the hash */
		g_assert_cmpuint(strlen(jstr(b, "header")), ==, 2 * POW_HEADER_SIZE);
		g_assert_true(hash_unhex(jstr(b, "header"), header, POW_HEADER_SIZE));
		hash_sha256(header, POW_HEADER_SIZE, hash);
		hash_hex(hash, 32, hex);
		g_assert_cmpstr(hex, ==, jstr(b, "hash"));
		block_header_decode(header, &h);
		/* the header's fields match the JSON's */
		g_assert_cmpuint(h.height, ==, (uint32_t)index);
		g_assert_cmpuint(le_read(header + 4, 4), ==, (uint32_t)index);
		hash_hex(header + 8, 32, hex);
		g_assert_cmpstr(hex, ==, jstr(b, "previous_hash"));
		if (index == 0)
			g_assert_cmpstr(hex, ==, "0000000000000000000000000000000000000000000000000000000000000000");
		else
			g_assert_cmpstr(jstr(b, "previous_hash"), ==, prev_hash);
		g_assert_cmpuint(le_read(header + POW_NONCE_OFFSET, 8), ==, (uint64_t)jnum(b, "proof"));
		g_assert_cmpfloat_with_epsilon(jnum(b, "timestamp"), (double)h.timestamp / 1e9, 1e-9);
		/* the difficulty: the header's millizeros, met by the hash */
		double zeros = jnum(b, "difficulty");
		g_assert_cmpuint(h.millizeros, ==, (uint32_t)lround(zeros * 1000));
		const cJSON *pm = cJSON_GetObjectItemCaseSensitive(b, "pow_modelled");
		g_assert_cmpint(cJSON_IsTrue(pm), ==, (h.version & BLOCK_FLAG_MODELLED) != 0);
		/* Every block meets its difficulty, genesis (difficulty 0)
		 * included; modelled blocks are exempt by design. */
		if (!modelled) {
			struct u256 target;
			pow_target_from_millizeros(h.millizeros, &target);
			g_assert_true(pow_hash_meets(hash, &target));
			if (zeros == floor(zeros)) {
				const char *hs = jstr(b, "hash");
				for (int k = 0; k < (int)zeros; k++)
					g_assert_cmpint(hs[k], ==, '0');
			}
		}
		if (index > 0)
			g_assert_cmpint(cJSON_IsTrue(pm), ==, modelled);
		/* the merkle root of the listed transaction ids */
		const cJSON *txs = cJSON_GetObjectItemCaseSensitive(b, "transactions");
		int ntx = cJSON_GetArraySize(txs);
		uint8_t (*ids)[32] = g_malloc0_n((gsize)ntx + 1, 32);
		for (int k = 0; k < ntx; k++)
			g_assert_true(hash_unhex(jstr(cJSON_GetArrayItem(txs, k), "id"), ids[k], 32));
		for (int len = ntx; len > 1; len = (len + 1) / 2)
			for (int k = 0; k < len; k += 2) {
				uint8_t pair[64];
				memcpy(pair, ids[k], 32);
				memcpy(pair + 32, ids[k + 1 < len ? k + 1 : k], 32);
				hash_sha256(pair, 64, ids[k / 2]);
			}
		uint8_t want[32] = { 0 };
		if (ntx > 0)
			memcpy(want, ids[0], 32);
		g_assert_cmpmem(header + 40, 32, want, 32);
		g_free(ids);
		if (index > 0) {
			g_assert_cmpint(ntx, >=, 1);
			g_assert_cmpstr(jstr(cJSON_GetArrayItem(txs, 0), "sender"), ==, "0");
			char name[64];
			world_node_name(w, h.miner, name, sizeof name);
			g_assert_cmpstr(jstr(b, "miner"), ==, name);
		}
		g_strlcpy(prev_hash, jstr(b, "hash"), sizeof prev_hash);
		index++;
	}
	char tiphex[HASH_HEX_SIZE];
	hash_hex(tip->hash, 32, tiphex);
	g_assert_cmpstr(prev_hash, ==, tiphex);
	cJSON_Delete(root);
	return n;
}

static void check_chain_json(const char *mode, double zeros, unsigned blocks, bool modelled)
{
	char *text = busy_scenario(mode, "push", zeros, blocks);
	struct scenario sc;
	load(&sc, text, NULL);
	world_t *w = run_world(&sc, NULL);
	char *dir = tmpdir();
	write_traces(w, dir);
	int n = verify_chain_json(dir, w, modelled);
	g_assert_cmpint(n, >, (int)blocks / 2);
	/* some blocks carry transfers, so the merkle check bites */
	g_assert_cmpuint(world_txs(w)->len, >, 5);
	world_free(w);
	config_clear(&sc);
	g_free(text);
	rm_dir(dir);
}

static void test_chain_json_real(void) { check_chain_json("real", 3, 40, false); }
static void test_chain_json_real_fractional(void) { check_chain_json("real", 2.7, 40, false); }
static void test_chain_json_fast(void) { check_chain_json("fast", 4, 40, false); }
static void test_chain_json_model(void) { check_chain_json("model", 3, 40, true); }

/* ---- invariants in every mode and relay ---- */

static void check_store(const world_t *w)
{
	const chain_store_t *s = world_store(w);
	const struct world_counts *c = world_counts(w);
	g_assert_cmpuint(chain_store_count(s), ==, c->blocks_mined + 1);
	for (uint32_t id = 1; id < chain_store_count(s); id++) {
		const struct block *b = chain_store_get(s, id);
		g_assert_cmpuint(b->id, ==, id);
		g_assert_nonnull(b->parent);
		g_assert_cmpuint(b->parent->id, <, id);
		g_assert_true(chain_store_find(s, b->hash) == b);
		g_assert_cmpint(b->mined_at, >=, b->parent->mined_at);
		/* honest runs: nothing is ever found invalid */
		g_assert_cmpint(chain_store_verdict(s, id, NULL), !=, CHAIN_INVALID);
	}
	g_assert_cmpuint(g_hash_table_size(c->block_rejects), ==, 0);
	for (uint32_t i = 0; i < world_node_count(w); i++) {
		const struct node *n = world_node(w, i);
		for (const struct block *b = n->view.tip; b; b = b->parent) {
			g_assert_cmpint(chain_view_status(&n->view, b), ==, VIEW_HAVE);
			g_assert_cmpint(chain_store_verdict(s, b->id, NULL), ==, CHAIN_VALID);
		}
	}
}

static void test_invariants_all_modes(void)
{
	static const char *const modes[] = { "real", "fast", "model" };
	static const char *const relays[] = { "push", "inv", "pull-chain" };
	static const char *const rules[] = { "most-work", "longest" };
	for (size_t m = 0; m < G_N_ELEMENTS(modes); m++)
		for (size_t r = 0; r < G_N_ELEMENTS(relays); r++)
			for (size_t f = 0; f < G_N_ELEMENTS(rules); f++) {
				char *text = busy_scenario(modes[m], relays[r], 2.5, 30);
				char *ov_rule = g_strdup_printf("consensus.fork_choice=%s", rules[f]);
				char *ov[] = { ov_rule, NULL };
				struct scenario sc;
				load(&sc, text, ov);
				world_t *w = run_world(&sc, NULL);
				g_assert_cmpuint(world_counts(w)->blocks_mined, ==, 30);
				invariants_check(NULL, w);
				check_store(w);
				g_assert_false(world_counts(w)->interrupted);
				world_free(w);
				config_clear(&sc);
				g_free(ov_rule);
				g_free(text);
			}
}

/* ---- statistics ---- */

/* Real mode, negligible latency (1 us, no processing, no validation time)
 * so forks are rare: the mean main-chain interval is the expected work of
 * a block over the total hash rate. The mean of n exponential draws has
 * standard error mean/sqrt(n); |measured - expected| < 4 SE fails by
 * chance with probability about 6e-5 (normal tails; the gamma law of the
 * mean makes the upper tail a little heavier, still below 1e-4). Also each
 * miner's share of the main chain is its share of the hash rate, within 4
 * binomial standard errors. Fixed seed: the outcome is the same every
 * run.
 *
 * Difficulty 3.1 (12.4 bits, not a whole bit, so the fractional target
 * path is used; work 5404) and 3000 blocks: about 16 M hashes, under a
 * second, and 4 SE = 7.3 % of the mean, sharper than 400 blocks at 16^4
 * (20 %) for the same hashing. Unequal miners (1:2:3:4), so a rate used
 * per template rather than per miner would show in the shares. */
static void test_stat_real_interval(void)
{
	static const double rates[] = { 10e3, 20e3, 30e3, 40e3 };
	const char *text =
		"{\"name\": \"interval\", \"seed\": 2024,"
		" \"stop\": {\"blocks\": 3000},"
		" \"consensus\": {\"mode\": \"real\", \"difficulty\": 3.1},"
		" \"network\": {\"topology\": \"full\", \"latency\": \"1us\", \"processing\": \"0s\","
		"   \"validation\": {\"block\": \"0s\", \"tx\": \"0s\"}},"
		" \"nodes\": ["
		"   {\"name\": \"a\", \"role\": \"miner\", \"hashrate\": \"10kH/s\"},"
		"   {\"name\": \"b\", \"role\": \"miner\", \"hashrate\": \"20kH/s\"},"
		"   {\"name\": \"c\", \"role\": \"miner\", \"hashrate\": \"30kH/s\"},"
		"   {\"name\": \"d\", \"role\": \"miner\", \"hashrate\": \"40kH/s\"}]}";
	struct scenario sc;
	load(&sc, text, NULL);
	g_assert_cmpuint(sc.network.latency.value, ==, SIMTIME_US);
	g_assert_cmpint(sc.network.processing, ==, 0);
	g_assert_cmpint(sc.network.validate_block, ==, 0);
	world_t *w = run_world(&sc, NULL);
	invariants_check(NULL, w);

	struct u256 target, work;
	pow_target_from_millizeros(3100, &target);
	pow_work_from_target(&target, &work);
	double total = 0;
	for (size_t i = 0; i < G_N_ELEMENTS(rates); i++)
		total += rates[i];
	double expected = u256_to_double(&work) / total;

	const struct block *tip = report_main_tip(w);
	uint32_t n = tip->h.height;
	uint32_t by_miner[4] = { 0 };
	double sum = 0;
	for (const struct block *b = tip; b->parent; b = b->parent) {
		sum += simtime_to_s(b->mined_at - b->parent->mined_at);
		g_assert_cmpuint(b->h.miner, <, 4);
		by_miner[b->h.miner]++;
	}
	double mean = sum / n, se = expected / sqrt(n);
	g_test_message("real mode: n = %u main-chain intervals, mean %.5f s, expected %.5f s "
		       "(work %.0f / %.0f H/s), SE %.5f, z = %.2f; stale %" G_GUINT64_FORMAT,
		       n, mean, expected, u256_to_double(&work), total, se, (mean - expected) / se,
		       world_counts(w)->blocks_mined - n);
	g_assert_cmpuint(n, >=, 2950);
	g_assert_cmpfloat(fabs(mean - expected), <, 4 * se);

	/* Lazy hashing: the run hashes about one block's work per block, not
	 * one per miner (all miners together hash total-rate x interval; the
	 * slices of 1/32 interval add a little beyond each find). */
	double per_block = (double)world_counts(w)->hashes / (double)world_counts(w)->blocks_mined;
	g_test_message("  hashes per block %.0f = %.3f x work", per_block,
		       per_block / u256_to_double(&work));
	g_assert_cmpfloat(per_block, <, 1.25 * u256_to_double(&work));
	g_assert_cmpfloat(per_block, >, 0.75 * u256_to_double(&work));

	for (int i = 0; i < 4; i++) {
		double p = rates[i] / total, sd = sqrt(p * (1 - p) / n);
		double share = (double)by_miner[i] / n;
		g_test_message("  miner %d: share %.4f, expected %.4f, SE %.4f", i, share, p, sd);
		g_assert_cmpfloat(fabs(share - p), <, 4 * sd);
	}
	world_free(w);
	config_clear(&sc);
}

/* Fast (and model) mode, full mesh, constant delay d, no processing or
 * validation time, N equal miners with mean interval T: a height gets a
 * second block when one of the other N-1 miners, still mining at that
 * height until the first block reaches it d later, finds one within d:
 * p = 1 - exp(-(N-1) d / (N T)). Over H heights the share of heights with
 * more than one block has binomial standard error sqrt(p (1-p) / H); we
 * assert |share - p| < 4 SE (false alarm about 6e-5 per run). The formula
 * neglects second-order effects (a miner that found the previous block
 * less than d earlier mines alone at the next height, shortening the
 * others' window): about p * (1 - exp(-d/(NT))) / 2, under 0.002 here,
 * against 4 SE of about 0.016. (Pooled over 20 seeds x 5000 heights the
 * share was 0.0839 against 0.0861 first-order and about 0.0848 with that
 * correction: the correction is real, and small next to these bounds.)
 *
 * N = 4, difficulty 2 (work floor(2^256/(2^248+1)) = 255), 51 H/s each:
 * T = 255/204 = 1.25 s; d = 150 ms: d/T = 0.12, p = 1 - exp(-0.09). The
 * last heights are left out: the run stops when the top height is first
 * reached, which cuts their windows short. */
static void check_fork_rate(const char *mode, uint64_t seed)
{
	const uint32_t heights = 5000;
	const double n_miners = 4;
	const double d = 0.150;
	char *text = g_strdup_printf(
		"{\"name\": \"forkrate\", \"seed\": %" G_GUINT64_FORMAT ","
		" \"stop\": {\"height\": %u},"
		" \"consensus\": {\"mode\": \"%s\", \"difficulty\": 2},"
		" \"network\": {\"topology\": \"full\", \"latency\": \"150ms\", \"processing\": \"0s\","
		"   \"validation\": {\"block\": \"0s\", \"tx\": \"0s\"}},"
		" \"nodes\": [{\"name\": \"m\", \"count\": %u, \"role\": \"miner\", \"hashrate\": \"51H/s\"}]}",
		seed, heights + 10, mode, (unsigned)n_miners);
	struct scenario sc;
	load(&sc, text, NULL);
	g_free(text);
	g_assert_cmpint(sc.network.latency.law, ==, LAT_CONSTANT);
	g_assert_cmpint(sc.network.latency.value, ==, 150 * SIMTIME_MS);
	world_t *w = run_world(&sc, NULL);
	invariants_check(NULL, w);

	struct u256 target, work;
	pow_target_from_millizeros(2000, &target);
	pow_work_from_target(&target, &work);
	g_assert_cmpfloat(u256_to_double(&work), ==, 255.0);
	double T = u256_to_double(&work) / (51.0 * n_miners);
	double p = 1 - exp(-(n_miners - 1) * d / (n_miners * T));

	const chain_store_t *s = world_store(w);
	uint32_t *count = g_new0(uint32_t, heights + 20);
	for (uint32_t id = 1; id < chain_store_count(s); id++) {
		const struct block *b = chain_store_get(s, id);
		if (b->h.height <= heights)
			count[b->h.height]++;
	}
	uint32_t multi = 0;
	for (uint32_t h = 1; h <= heights; h++) {
		g_assert_cmpuint(count[h], >=, 1);
		multi += count[h] > 1;
	}
	double share = (double)multi / heights, se = sqrt(p * (1 - p) / heights);
	g_test_message("%s mode: %u heights, %u with more than one block: share %.5f, predicted %.5f, "
		       "SE %.5f, z = %.2f (d = %.3f s, T = %.4f s)", mode, heights, multi, share, p, se,
		       (share - p) / se, d, T);
	g_assert_cmpfloat(fabs(share - p), <, 4 * se);
	g_free(count);
	world_free(w);
	config_clear(&sc);
}

static void test_stat_fork_rate_fast(void) { check_fork_rate("fast", 7); }
static void test_stat_fork_rate_model(void) { check_fork_rate("model", 8); }

/* ---- interrupts ---- */

static void test_interrupt_before_start(void)
{
	char *text = busy_scenario("real", "push", 3, 40);
	struct scenario sc;
	load(&sc, text, NULL);
	volatile sig_atomic_t stop = 1;
	gint64 t0 = g_get_monotonic_time();
	world_t *w = run_world(&sc, &stop);
	g_assert_cmpint(g_get_monotonic_time() - t0, <, G_USEC_PER_SEC);
	const struct world_counts *c = world_counts(w);
	g_assert_true(c->interrupted);
	g_assert_cmpuint(c->blocks_mined, ==, 0);
	g_assert_cmpuint(c->events, ==, 0);
	g_assert_cmpint(world_now(w), ==, 0);
	invariants_check(NULL, w);

	char *dir = tmpdir();
	write_traces(w, dir);
	char *blocks = slurp(dir, "blocks.csv");
	g_assert_cmpstr(blocks, ==, "time_s,height,hash,parent,miner,zeros,nonce,n_tx,interval_s,"
			"main_chain,t50_s,t90_s,t100_s,size_bytes\n");
	g_free(blocks);
	cJSON *sum = parse_file(dir, "summary.json");
	g_assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sum, "interrupted")));
	g_assert_cmpfloat(jnum(sum, "blocks_mined"), ==, 0);
	g_assert_cmpfloat(jnum(sum, "main_chain_length"), ==, 0);
	cJSON_Delete(sum);
	g_assert_cmpint(verify_chain_json(dir, w, false), ==, 1);
	for (size_t i = 0; i < G_N_ELEMENTS(outputs); i++) {
		char *t = slurp(dir, outputs[i]);
		g_assert_cmpuint(strlen(t), >, 0);
		g_free(t);
	}
	world_free(w);
	config_clear(&sc);
	g_free(text);
	rm_dir(dir);
}

/* A busy fast-mode run of BLOCKS blocks that a hook of the test's stops
 * by raising r->stop, as the SIGINT handler does. */
struct interrupted {
	struct scenario sc;
	char *text, *dir;
	world_t *w;
	volatile sig_atomic_t stop;
};

static world_t *interrupted_new(struct interrupted *r, unsigned blocks)
{
	GError *err = NULL;
	r->text = busy_scenario("fast", "push", 2.5, blocks);
	load(&r->sc, r->text, NULL);
	r->stop = 0;
	r->dir = NULL;
	r->w = world_new(&r->sc, &err);
	g_assert_no_error(err);
	return r->w;
}

/* Runs R: it must end marked interrupted with MINED blocks, at the
 * moment *RAISED_AT the flag was raised (nothing done after the event
 * in progress), its records consistent, and its summary saying so.
 * The outputs' directory. */
static const char *interrupted_run(struct interrupted *r, uint64_t mined, const simtime_t *raised_at)
{
	world_run(r->w, &r->stop);
	const struct world_counts *c = world_counts(r->w);
	g_assert_true(c->interrupted);
	g_assert_cmpuint(c->blocks_mined, ==, mined);
	g_assert_cmpint(world_now(r->w), ==, *raised_at);
	invariants_check(NULL, r->w);
	r->dir = tmpdir();
	write_traces(r->w, r->dir);
	cJSON *sum = parse_file(r->dir, "summary.json");
	g_assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sum, "interrupted")));
	g_assert_cmpfloat(jnum(sum, "blocks_mined"), ==, mined);
	cJSON_Delete(sum);
	return r->dir;
}

static void interrupted_free(struct interrupted *r)
{
	world_free(r->w);
	config_clear(&r->sc);
	g_free(r->text);
	rm_dir(r->dir);
}

struct stop_after {
	volatile sig_atomic_t *flag;
	uint64_t after;
	simtime_t raised_at;
};

static void mined_cb(void *ctx, const world_t *w, const struct block *b)
{
	struct stop_after *s = ctx;
	(void)b;
	if (world_counts(w)->blocks_mined >= s->after && !*s->flag) { /* b already counted */
		*s->flag = 1;
		s->raised_at = world_now(w);
	}
}

/* A flag raised mid-run (as the SIGINT handler does) stops the run after
 * the event in progress; the outputs describe exactly what was done. */
static void test_interrupt_mid_run(void)
{
	struct interrupted r;
	world_t *w = interrupted_new(&r, 60);
	struct stop_after sa = { &r.stop, 17, -1 };
	world_on_mined(w, mined_cb, &sa);
	/* no event after the one that raised the flag (none later in time;
	 * the 17th block's own relays are all in the future) */
	const char *dir = interrupted_run(&r, 17, &sa.raised_at);
	char *blocks = slurp(dir, "blocks.csv");
	char **lines = g_strsplit(blocks, "\n", -1);
	g_assert_cmpuint(g_strv_length(lines), ==, 1 + 17 + 1); /* header, rows, "" */
	g_strfreev(lines);
	g_free(blocks);
	verify_chain_json(dir, w, false);
	interrupted_free(&r);
}

/* A signal while the network drains after the stop: the run ends there,
 * marked interrupted like one cut during mining, and its records are
 * consistent (before, it was left unmarked and its outputs dropped). */
struct drain_stop {
	volatile sig_atomic_t *flag;
	uint64_t stop_blocks;
	unsigned steps_after;
	simtime_t raised_at;
};

static void drain_step(void *ctx, const world_t *w)
{
	struct drain_stop *d = ctx;
	if (world_counts(w)->blocks_mined < d->stop_blocks || *d->flag)
		return;
	if (++d->steps_after == 3) {
		*d->flag = 1;
		d->raised_at = world_now(w);
	}
}

static void test_interrupt_drain(void)
{
	struct interrupted r;
	world_t *w = interrupted_new(&r, 12);
	struct drain_stop d = { &r.stop, 12, 0, -1 };
	world_on_step(w, drain_step, &d);
	interrupted_run(&r, 12, &d.raised_at);
	g_assert_cmpint(d.raised_at, >=, world_stop_time(w)); /* raised in the drain */
	interrupted_free(&r);
}

/* A node's mining and its trading draw from streams of their own: a
 * trader told to mine a block (a "mine" action) sends the same transfers
 * at the same times, to the same recipients, as without the action. */
static GArray *trader_transfers(const char *events)
{
	char *text = g_strdup_printf(
		"{\"seed\": 3, \"stop\": {\"time\": \"60s\"},"
		" \"consensus\": {\"mode\": \"fast\", \"difficulty\": 3},"
		" \"nodes\": [{\"name\": \"m\", \"count\": 2, \"hashrate\": \"1kH/s\"},"
		"   {\"name\": \"t\", \"role\": \"trader\", \"balance\": 100000,"
		"    \"trade\": {\"interval\": {\"law\": \"exponential\", \"mean\": \"2s\"},"
		"     \"amount\": [1, 9]}}], \"events\": [%s]}",
		events);
	struct scenario sc;
	load(&sc, text, NULL);
	world_t *w = run_world(&sc, NULL);
	GArray *out = g_array_new(FALSE, FALSE, sizeof(struct tx));
	uint32_t t_mined = 0;
	for (uint32_t id = 1; id < chain_store_count(world_store(w)); id++)
		t_mined += chain_store_get(world_store(w), id)->h.miner == 2;
	const GArray *txs = world_txs(w);
	for (guint i = 0; i < txs->len; i++) {
		const struct tx *t = g_array_index(txs, struct world_tx, i).tx;
		if (t->sender == 2)
			g_array_append_val(out, *t);
	}
	g_test_message("%s: t sent %u transfers, mined %u blocks", *events ? "mine" : "plain",
		       out->len, t_mined);
	g_assert_cmpuint(t_mined, ==, *events ? 1 : 0);
	world_free(w);
	config_clear(&sc);
	g_free(text);
	return out;
}

static void test_streams_mining_apart(void)
{
	GArray *plain = trader_transfers("");
	GArray *mining = trader_transfers("{\"at\": \"10s\", \"action\": \"mine\", \"target\": \"t\"}");
	g_assert_cmpuint(plain->len, >=, 20);
	g_assert_cmpuint(mining->len, ==, plain->len);
	for (guint i = 0; i < plain->len; i++) {
		const struct tx *a = &g_array_index(plain, struct tx, i),
				*b = &g_array_index(mining, struct tx, i);
		g_assert_cmpint(a->created, ==, b->created);
		g_assert_cmpuint(a->recipient, ==, b->recipient);
		g_assert_cmpuint(a->amount, ==, b->amount);
	}
	g_array_unref(plain);
	g_array_unref(mining);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/world/determinism/fast", test_determinism_fast);
	g_test_add_func("/world/determinism/real", test_determinism_real);
	g_test_add_func("/world/chain-json/real", test_chain_json_real);
	g_test_add_func("/world/chain-json/real-fractional", test_chain_json_real_fractional);
	g_test_add_func("/world/chain-json/fast", test_chain_json_fast);
	g_test_add_func("/world/chain-json/model", test_chain_json_model);
	g_test_add_func("/world/invariants/modes-relays-rules", test_invariants_all_modes);
	g_test_add_func("/world/stat/real-interval", test_stat_real_interval);
	g_test_add_func("/world/stat/fork-rate-fast", test_stat_fork_rate_fast);
	g_test_add_func("/world/stat/fork-rate-model", test_stat_fork_rate_model);
	g_test_add_func("/world/interrupt/before-start", test_interrupt_before_start);
	g_test_add_func("/world/interrupt/mid-run", test_interrupt_mid_run);
	g_test_add_func("/world/interrupt/drain", test_interrupt_drain);
	g_test_add_func("/world/streams/mining-apart", test_streams_mining_apart);
	return g_test_run();
}
