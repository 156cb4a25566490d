/* Presets, regions and pool shares: what the reader makes of them, and
 * what the network and the world then do with them. */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "powsim/net.h"
#include "powsim/report.h"
#include "powsim/scenario.h"
#include "powsim/world.h"

static const char *const base_nodes =
	"\"stop\": {\"blocks\": 1}, \"nodes\": [{\"name\": \"m\", \"count\": 4, "
	"\"hashrate\": \"1kH/s\"}, {\"name\": \"r\", \"count\": 60, \"role\": \"relay\"}]";

static bool load(const char *network, struct scenario *sc, GError **err)
{
	char *text = g_strdup_printf("{%s, \"network\": %s}", base_nodes, network);
	bool ok = scenario_load_string(text, "presets-test.json", NULL, sc, err);
	g_free(text);
	return ok;
}

static void test_merge_own_keys_win(void)
{
	struct scenario sc;
	GError *err = NULL;
	g_assert_true(load("{\"preset\": \"bitcoin-2019\", \"degree\": 3, \"relay\": \"inv\"}", &sc, &err));
	g_assert_no_error(err);
	g_assert_cmpint(sc.network.topology, ==, TOPO_RANDOM); /* from the preset */
	g_assert_cmpuint(sc.network.degree, ==, 3);            /* ours */
	g_assert_cmpint(sc.network.relay, ==, RELAY_INV);
	g_assert_cmpuint(sc.network.n_regions, ==, 6);
	g_assert_cmpstr(sc.network.region_names[1], ==, "EU");
	/* EU to JP is 252 ms in the 2019 table; shares normalised to 1 */
	g_assert_cmpint(sc.network.region_latency[1 * 6 + 4], ==, 252 * SIMTIME_MS);
	double sum = 0;
	for (int i = 0; i < 6; i++)
		sum += sc.network.region_share[i];
	g_assert_cmpfloat_with_epsilon(sum, 1.0, 1e-12);
	g_assert_cmpfloat_with_epsilon(sc.network.region_up[0], 19.2e6, 1e-3);
	g_assert_cmpfloat_with_epsilon(sc.network.inter_bandwidth, 6e6, 1e-3);
	g_assert_cmpint(sc.network.jitter_spread, ==, 5 * SIMTIME_MS);
	config_clear(&sc);
}

static void test_degree_distribution(void)
{
	struct scenario sc;
	GError *err = NULL;
	g_assert_true(load("{\"preset\": \"bitcoin-2015\"}", &sc, &err));
	g_assert_no_error(err);
	g_assert_nonnull(sc.network.degree_cdf);
	g_assert_cmpuint(sc.network.degree_cdf->len, ==, 20);
	g_assert_cmpfloat(g_array_index(sc.network.degree_cdf, double, 19), ==, 1.0);
	config_clear(&sc);
}

static void expect_error(const char *network, const char *needle)
{
	struct scenario sc;
	GError *err = NULL;
	g_assert_false(load(network, &sc, &err));
	g_assert_nonnull(err);
	if (!strstr(err->message, needle))
		g_error("message \"%s\" lacks \"%s\"", err->message, needle);
	g_assert_nonnull(strstr(err->message, "presets-test.json"));
	g_error_free(err);
	config_clear(&sc);
}

static void test_bad_input(void)
{
	expect_error("{\"preset\": \"no-such-preset\"}", "no preset \"no-such-preset\"");
	expect_error("{\"preset\": \"../etc/passwd\"}", "network.preset");
	expect_error("{\"regions\": {\"names\": [\"a\", \"b\"], \"share\": [1, 1], "
		     "\"latency\": [[\"1ms\", \"2ms\"]], \"upload\": [\"1Mbit/s\", \"1Mbit/s\"], "
		     "\"download\": [\"1Mbit/s\", \"1Mbit/s\"]}}", "network.regions.latency");
	expect_error("{\"regions\": {\"names\": [\"a\"], \"share\": [1], "
		     "\"latency\": [[\"1 parsec\"]], \"upload\": [\"1Mbit/s\"], "
		     "\"download\": [\"1Mbit/s\"]}}", "network.regions.latency[0][0]");
	expect_error("{\"regions\": {\"names\": [\"a\"], \"share\": [1]}}", "missing \"latency\"");
	expect_error("{\"degree_distribution\": [0.5, 0.4, 1]}", "network.degree_distribution");
}

static void test_pool_shares(void)
{
	const char *text =
		"{\"seed\": 3, \"stop\": {\"blocks\": 400}, \"consensus\": {\"mode\": \"model\", "
		"\"difficulty\": 3}, \"network\": {\"latency\": \"1us\", \"processing\": \"0s\", "
		"\"validation\": {\"block\": \"0s\", \"tx\": \"0s\"}}, \"nodes\": [{\"name\": \"pool\", "
		"\"preset\": \"bitcoin-pools\", \"hashrate\": \"1MH/s\"}]}";
	struct scenario sc;
	GError *err = NULL;
	g_assert_true(scenario_load_string(text, "pools.json", NULL, &sc, &err));
	g_assert_no_error(err);
	world_t *w = world_new(&sc, &err);
	g_assert_nonnull(w);
	/* pool1 holds 0.289 / 1.001 of 1 MH/s */
	g_assert_cmpuint(world_node(w, 0)->hashrate, ==, (uint64_t)(1e6 * 0.289 / 1.001 + 0.5));
	world_run(w, NULL);
	/* its share of 400 blocks: binomial, p = 0.2887; 4 standard errors */
	uint32_t mine = 0, total = 0;
	for (const struct block *b = report_main_tip(w); b->parent; b = b->parent, total++)
		mine += b->h.miner == 0;
	double p = 0.289 / 1.001, share = (double)mine / total;
	g_assert_cmpfloat(fabs(share - p), <, 4 * sqrt(p * (1 - p) / total));
	world_free(w);
	config_clear(&sc);
}

/* With regions and no jitter, every delay is the matrix entry plus the
 * transfer at min(upload, download), capped between regions. */
static void test_region_delays(void)
{
	struct scenario sc;
	GError *err = NULL;
	g_assert_true(load("{\"topology\": \"full\", \"processing\": \"0s\", \"regions\": {"
			   "\"names\": [\"a\", \"b\"], \"share\": [1, 1], "
			   "\"latency\": [[\"10ms\", \"100ms\"], [\"100ms\", \"20ms\"]], "
			   "\"upload\": [\"8Mbit/s\", \"80Mbit/s\"], \"download\": [\"80Mbit/s\", \"4Mbit/s\"], "
			   "\"inter\": \"1Mbit/s\"}}", &sc, &err));
	g_assert_no_error(err);
	net_t *net = net_new(&sc.network, 64, NULL, 1);
	g_assert_nonnull(net);
	simtime_t now = 0;
	bool seen[2][2] = { { false } };
	for (uint32_t a = 0; a < 64; a++) {
		for (uint32_t i = 0; i < net_degree(net, a); i++) {
			uint32_t b = net_peer(net, a, i);
			int ra = net_region(net, a), rb = net_region(net, b);
			double bps = ra == rb ? (ra == 0 ? 8e6 : 4e6) : 1e6;
			simtime_t lat = ra != rb ? 100 * SIMTIME_MS : ra == 0 ? 10 * SIMTIME_MS : 20 * SIMTIME_MS;
			now += SIMTIME_HOUR; /* idle uplinks */
			simtime_t d = net_send(net, a, i, 1000, now, NET_MSG_BLOCK);
			g_assert_cmpint(d, ==, lat + simtime_from_s(8000.0 / bps));
			seen[ra][rb] = true;
		}
	}
	g_assert_true(seen[0][0] && seen[0][1] && seen[1][0] && seen[1][1]);
	net_free(net);
	config_clear(&sc);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/presets/merge-own-keys-win", test_merge_own_keys_win);
	g_test_add_func("/presets/degree-distribution", test_degree_distribution);
	g_test_add_func("/presets/bad-input", test_bad_input);
	g_test_add_func("/presets/pool-shares", test_pool_shares);
	g_test_add_func("/presets/region-delays", test_region_delays);
	return g_test_run();
}
