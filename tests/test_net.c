/* Tests for net, on networks built from scenario text: full-mesh degrees,
 * random graphs (connected, every node with at least min(d, n-1) links,
 * no loops, no repeats, symmetric), explicit edges, FIFO per link under
 * random jitter, the bandwidth term bytes*8/bw and the link queue behind
 * it, the processing delay, partitions and offline nodes, per-link latency
 * overrides, and the topology as a function of the seed. */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "powsim/config.h"
#include "powsim/net.h"
#include "powsim/scenario.h"

/* ---- helpers ---- */

/* A scenario of RELAYS miner nodes (group "r": nodes r1..rN) whose
 * "network" object is NETWORK (JSON text). */
static void load(struct scenario *sc, uint32_t relays, const char *network)
{
	GError *err = NULL;
	char *text = g_strdup_printf("{\"stop\": {\"blocks\": 1}, \"network\": %s, "
				     "\"nodes\": [{\"name\": \"r\", \"count\": %u, \"role\": \"miner\", \"hashrate\": \"1kH/s\"}]}",
				     network, relays);
	bool ok = scenario_load_string(text, "net-test.json", NULL, sc, &err);
	if (!ok)
		g_error("scenario: %s\n%s", err->message, text);
	g_free(text);
}

static net_t *build(const struct scenario *sc, uint64_t seed)
{
	struct net_node_bw *bw = config_node_bw(sc);
	net_t *net = net_new(&sc->network, config_node_count(sc), bw, seed);
	g_free(bw);
	g_assert_nonnull(net);
	return net;
}

/* Integrity: peers distinct, no self-loop, links symmetric, link count
 * equal to half the sum of degrees, peer_index the inverse of peer. */
static void check_integrity(const net_t *net)
{
	uint32_t n = net_node_count(net);
	uint64_t sum = 0;

	for (uint32_t a = 0; a < n; a++) {
		uint32_t d = net_degree(net, a);
		sum += d;
		for (uint32_t i = 0; i < d; i++) {
			uint32_t p = net_peer(net, a, i);
			g_assert_cmpuint(p, <, n);
			g_assert_cmpuint(p, !=, a);
			g_assert_cmpuint(net_peer_index(net, a, p), ==, i);
			g_assert_cmpuint(net_peer_index(net, p, a), !=, NET_NO_PEER);
			for (uint32_t j = 0; j < i; j++)
				g_assert_cmpuint(net_peer(net, a, j), !=, p);
		}
	}
	g_assert_cmpuint(sum, ==, 2 * net_link_count(net));
}

static bool connected(const net_t *net)
{
	uint32_t n = net_node_count(net), seen = 1, head = 0;
	uint32_t *queue = g_new(uint32_t, n);
	bool *mark = g_new0(bool, n);

	queue[0] = 0;
	mark[0] = true;
	for (uint32_t tail = 1; head < tail; head++) {
		uint32_t a = queue[head];
		for (uint32_t i = 0; i < net_degree(net, a); i++) {
			uint32_t p = net_peer(net, a, i);
			if (!mark[p]) {
				mark[p] = true;
				queue[tail++] = p;
				seen++;
			}
		}
	}
	g_free(queue);
	g_free(mark);
	return seen == n;
}

/* ---- topology ---- */

static void test_full_mesh(void)
{
	for (uint32_t n = 1; n <= 9; n++) {
		struct scenario sc;
		load(&sc, n, "{\"topology\": \"full\"}");
		net_t *net = build(&sc, 1);
		g_assert_cmpuint(net_node_count(net), ==, n);
		g_assert_cmpuint(net_link_count(net), ==, (uint64_t)n * (n - 1) / 2);
		for (uint32_t a = 0; a < n; a++) {
			g_assert_cmpuint(net_degree(net, a), ==, n - 1);
			for (uint32_t b = 0; b < n; b++)
				g_assert_cmpuint(net_peer_index(net, a, b) == NET_NO_PEER, ==, a == b);
		}
		check_integrity(net);
		net_free(net);
		config_clear(&sc);
	}
	net_free(NULL);
}

/* A full mesh of 2000 nodes, built directly: every node a peer of every
 * other exactly once, and each link's reverse number leading back. (Its
 * cost, O(links), is a benchmark's matter, not a test's: a timed ratio
 * here measured the cache more than the algorithm.) */
static void test_full_mesh_large(void)
{
	struct scenario sc;
	const uint32_t n = 2000;
	load(&sc, n, "{\"topology\": \"full\"}");
	net_t *net = build(&sc, 1);
	g_assert_cmpuint(net_link_count(net), ==, (uint64_t)n * (n - 1) / 2);
	guint8 *seen = g_new0(guint8, n);
	for (uint32_t a = 0; a < n; a++) {
		g_assert_cmpuint(net_degree(net, a), ==, n - 1);
		memset(seen, 0, n);
		for (uint32_t i = 0; i < n - 1; i++) {
			uint32_t p = net_peer(net, a, i);
			g_assert_cmpuint(p, !=, a);
			g_assert_cmpuint(seen[p], ==, 0);
			seen[p] = 1;
			g_assert_cmpuint(net_peer(net, p, net_reverse_index(net, a, i)), ==, a);
		}
	}
	g_free(seen);
	net_free(net);
	config_clear(&sc);
}

static void test_random_graph(void)
{
	static const uint32_t ns[] = { 2, 3, 5, 9, 20, 64, 200 };
	static const uint32_t ds[] = { 1, 2, 3, 4, 8, 12 };
	uint32_t checked = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(ns); i++)
		for (size_t j = 0; j < G_N_ELEMENTS(ds); j++)
			for (uint64_t seed = 1; seed <= 5; seed++) {
				struct scenario sc;
				char *net_json = g_strdup_printf("{\"topology\": \"random\", \"degree\": %u}",
								 ds[j]);
				load(&sc, ns[i], net_json);
				g_free(net_json);
				net_t *net = build(&sc, seed);
				uint32_t want = MIN(ds[j], ns[i] - 1);
				for (uint32_t a = 0; a < ns[i]; a++)
					g_assert_cmpuint(net_degree(net, a), >=, want);
				g_assert_true(connected(net));
				check_integrity(net);
				net_free(net);
				config_clear(&sc);
				checked++;
			}
	g_assert_cmpuint(checked, ==, G_N_ELEMENTS(ns) * G_N_ELEMENTS(ds) * 5);
}

/* Degree 1 on many nodes makes many components before joining them. */
static void test_random_sparse_connected(void)
{
	for (uint64_t seed = 1; seed <= 20; seed++) {
		struct scenario sc;
		load(&sc, 500, "{\"topology\": \"random\", \"degree\": 1}");
		net_t *net = build(&sc, seed);
		g_assert_true(connected(net));
		check_integrity(net);
		net_free(net);
		config_clear(&sc);
	}
}

static void test_seed_topology(void)
{
	struct scenario sc;
	load(&sc, 60, "{\"topology\": \"random\", \"degree\": 4}");
	net_t *a = build(&sc, 7), *b = build(&sc, 7), *c = build(&sc, 8);
	bool differ = false;

	for (uint32_t x = 0; x < 60; x++) {
		g_assert_cmpuint(net_degree(a, x), ==, net_degree(b, x));
		for (uint32_t i = 0; i < net_degree(a, x); i++)
			g_assert_cmpuint(net_peer(a, x, i), ==, net_peer(b, x, i));
		if (net_degree(a, x) != net_degree(c, x))
			differ = true;
		for (uint32_t i = 0; !differ && i < net_degree(a, x); i++)
			differ = net_peer(a, x, i) != net_peer(c, x, i);
	}
	g_assert_true(differ);
	net_free(a);
	net_free(b);
	net_free(c);
	config_clear(&sc);
}

static void test_edges(void)
{
	struct scenario sc;
	GError *err = NULL;
	const char *text =
		"{\"stop\": {\"blocks\": 1},"
		" \"network\": {\"topology\": \"edges\", \"edges\": [[\"a\", \"b\"], [\"c\", \"b\"], [\"r2\", \"d\"]]},"
		" \"nodes\": [{\"name\": \"a\", \"role\": \"miner\", \"hashrate\": \"1kH/s\"}, {\"name\": \"b\", \"role\": \"relay\"},"
		"            {\"name\": \"c\", \"role\": \"relay\"}, {\"name\": \"d\", \"role\": \"relay\"},"
		"            {\"name\": \"r\", \"count\": 2, \"role\": \"relay\"}]}";
	g_assert_true(scenario_load_string(text, "edges.json", NULL, &sc, &err));
	g_assert_no_error(err);
	net_t *net = build(&sc, 1);
	/* ids: a0 b1 c2 d3 r1=4 r2=5 */
	g_assert_cmpuint(net_node_count(net), ==, 6);
	g_assert_cmpuint(net_link_count(net), ==, 3);
	g_assert_cmpuint(net_degree(net, 0), ==, 1);
	g_assert_cmpuint(net_degree(net, 1), ==, 2);
	g_assert_cmpuint(net_degree(net, 2), ==, 1);
	g_assert_cmpuint(net_degree(net, 3), ==, 1);
	g_assert_cmpuint(net_degree(net, 4), ==, 0);
	g_assert_cmpuint(net_degree(net, 5), ==, 1);
	g_assert_cmpuint(net_peer(net, 0, 0), ==, 1);
	g_assert_cmpuint(net_peer_index(net, 1, 0), !=, NET_NO_PEER);
	g_assert_cmpuint(net_peer_index(net, 1, 2), !=, NET_NO_PEER);
	g_assert_cmpuint(net_peer_index(net, 0, 2), ==, NET_NO_PEER);
	g_assert_cmpuint(net_peer(net, 5, 0), ==, 3);
	g_assert_cmpuint(net_peer(net, 3, 0), ==, 5);
	check_integrity(net);
	net_free(net);
	config_clear(&sc);
}

/* ---- delays ---- */

/* Many sends on one link under heavy jitter: deliveries never reorder. */
static void test_fifo_under_jitter(void)
{
	static const char *const laws[] = {
		"{\"law\": \"uniform\", \"min\": \"1ms\", \"max\": \"500ms\"}",
		"{\"law\": \"lognormal\", \"median\": \"100ms\", \"sigma\": 1.5}",
		"{\"law\": \"pareto\", \"mean\": \"100ms\", \"shape\": 1.5}",
	};
	for (size_t l = 0; l < G_N_ELEMENTS(laws); l++) {
		struct scenario sc;
		char *json = g_strdup_printf("{\"topology\": \"full\", \"latency\": %s, \"processing\": \"0s\"}",
					     laws[l]);
		load(&sc, 3, json);
		g_free(json);
		net_t *net = build(&sc, 99);
		simtime_t now = 0, last[2] = { 0, 0 };
		uint32_t held = 0;
		GHashTable *distinct = g_hash_table_new(g_int64_hash, g_int64_equal);
		gint64 *keys = g_new(gint64, 20000);
		for (int i = 0; i < 20000; i++) {
			uint32_t pi = (uint32_t)(i & 1); /* two links of node 0 */
			simtime_t d = net_send(net, 0, pi, 100, now, NET_MSG_BLOCK);
			g_assert_cmpint(d, >=, 0);
			simtime_t at = now + d;
			g_assert_cmpint(at, >=, last[pi]);
			if (at == last[pi])
				held++;
			last[pi] = at;
			keys[i] = d;
			g_hash_table_add(distinct, &keys[i]);
			now += (i % 7 == 0) ? 0 : SIMTIME_MS; /* some sends at the same instant */
		}
		/* the jitter is real (many distinct delays) and reordering was
		 * prevented (some deliveries were held back to the previous one) */
		g_assert_cmpuint(g_hash_table_size(distinct), >, 1000);
		g_assert_cmpuint(held, >, 100);
		g_hash_table_destroy(distinct);
		g_free(keys);
		net_free(net);
		config_clear(&sc);
	}
}

static void test_constant_and_processing(void)
{
	struct scenario sc;
	load(&sc, 2, "{\"latency\": \"40ms\", \"processing\": \"3ms\"}");
	net_t *net = build(&sc, 1);
	for (int i = 0; i < 10; i++)
		g_assert_cmpint(net_send(net, 0, 0, 1000000, i * SIMTIME_S, NET_MSG_BLOCK), ==, 43 * SIMTIME_MS);
	net_free(net);
	config_clear(&sc);
}

static void test_bandwidth(void)
{
	struct scenario sc;
	/* 1 Mbit/s: 1250 bytes take 10 ms on the wire */
	load(&sc, 3, "{\"latency\": \"50ms\", \"processing\": \"2ms\", \"bandwidth\": \"1Mbit/s\"}");
	g_assert_cmpfloat_with_epsilon(sc.network.bandwidth, 1e6, 1e-6);
	net_t *net = build(&sc, 1);
	simtime_t base = 52 * SIMTIME_MS;
	g_assert_cmpint(net_send(net, 0, 0, 1250, 0, NET_MSG_BLOCK), ==, base + 10 * SIMTIME_MS);
	/* the uplink is busy until 10 ms: a second message queues behind it */
	g_assert_cmpint(net_send(net, 0, 0, 1250, 0, NET_MSG_BLOCK), ==, base + 20 * SIMTIME_MS);
	/* so does one to another peer: a node's uploads share its uplink */
	g_assert_cmpint(net_send(net, 0, 1, 1250, 0, NET_MSG_BLOCK), ==, base + 30 * SIMTIME_MS);
	/* the peer's own uplink is free */
	g_assert_cmpint(net_send(net, 1, net_peer_index(net, 1, 0), 1250, 0, NET_MSG_BLOCK), ==,
			base + 10 * SIMTIME_MS);
	/* once the link is idle, no queueing: 1 s later, 125000 bytes = 1 s */
	g_assert_cmpint(net_send(net, 0, 0, 125000, SIMTIME_S, NET_MSG_BLOCK), ==, base + SIMTIME_S);
	g_assert_cmpint(net_send(net, 0, 0, 0, 3 * SIMTIME_S, NET_MSG_BLOCK), ==, base);
	net_free(net);
	config_clear(&sc);

	/* bytes*8/bw for a few sizes and rates, each on an idle link */
	static const struct {
		const char *bw;
		double bps;
	} rates[] = { { "8bit/s", 8 }, { "1kB/s", 8000 }, { "2.5Mbit/s", 2.5e6 } };
	static const uint64_t sizes[] = { 1, 96, 250, 100000 };
	for (size_t r = 0; r < G_N_ELEMENTS(rates); r++) {
		char *json = g_strdup_printf("{\"latency\": \"1us\", \"processing\": \"0s\", "
					     "\"bandwidth\": \"%s\"}", rates[r].bw);
		load(&sc, 2, json);
		g_free(json);
		net = build(&sc, 1);
		simtime_t now = 0;
		for (size_t s = 0; s < G_N_ELEMENTS(sizes); s++) {
			simtime_t want = simtime_from_s((double)sizes[s] * 8.0 / rates[r].bps);
			g_assert_cmpint(net_send(net, 0, 0, sizes[s], now, NET_MSG_BLOCK), ==, want + SIMTIME_US);
			now += want + SIMTIME_S;
		}
		net_free(net);
		config_clear(&sc);
	}
}

/* Two senders into one receiver share its downlink: at 1 Mbit/s two
 * 125 000-byte messages sent at once from nodes 1 and 2 to node 0 take
 * 1 s and 2 s (each uplink alone would deliver both at 1 s, the old
 * model's answer); a third from a far sender whose first bit arrives
 * after the downlink is free again waits for nothing. */
static void test_downlink_shared(void)
{
	struct scenario sc;
	load(&sc, 4, "{\"latency\": \"50ms\", \"processing\": \"0s\", \"bandwidth\": \"1Mbit/s\"}");
	net_t *net = build(&sc, 1);
	simtime_t lat = 50 * SIMTIME_MS;
	simtime_t d1 = net_send(net, 1, net_peer_index(net, 1, 0), 125000, 0, NET_MSG_BLOCK);
	simtime_t d2 = net_send(net, 2, net_peer_index(net, 2, 0), 125000, 0, NET_MSG_BLOCK);
	g_assert_cmpint(d1, ==, lat + SIMTIME_S);
	g_assert_cmpint(d2, ==, lat + 2 * SIMTIME_S);
	/* node 3's message, sent at 3 s, finds node 0's downlink idle */
	simtime_t d3 = net_send(net, 3, net_peer_index(net, 3, 0), 125000, 3 * SIMTIME_S, NET_MSG_BLOCK);
	g_assert_cmpint(d3, ==, lat + SIMTIME_S);
	/* other receivers are not held up by node 0's downlink */
	simtime_t d4 = net_send(net, 0, net_peer_index(net, 0, 1), 125000, 3 * SIMTIME_S, NET_MSG_BLOCK);
	g_assert_cmpint(d4, ==, lat + SIMTIME_S);
	net_free(net);
	config_clear(&sc);
}

/* With "sharing": "link" each connection is a channel of its own: two
 * sends out of node 0 at once and two into node 0 at once each take 1 s,
 * while one link still queues its own messages. */
static void test_sharing_link(void)
{
	struct scenario sc;
	load(&sc, 3, "{\"latency\": \"50ms\", \"processing\": \"0s\", \"bandwidth\": \"1Mbit/s\", "
	     "\"sharing\": \"link\"}");
	net_t *net = build(&sc, 1);
	simtime_t one = 50 * SIMTIME_MS + SIMTIME_S;
	g_assert_cmpint(net_send(net, 0, 0, 125000, 0, NET_MSG_BLOCK), ==, one);
	g_assert_cmpint(net_send(net, 0, 1, 125000, 0, NET_MSG_BLOCK), ==, one);
	g_assert_cmpint(net_send(net, 0, 0, 125000, 0, NET_MSG_BLOCK), ==, one + SIMTIME_S);
	simtime_t t = 10 * SIMTIME_S;
	g_assert_cmpint(net_send(net, 1, net_peer_index(net, 1, 0), 125000, t, NET_MSG_BLOCK), ==, one);
	g_assert_cmpint(net_send(net, 2, net_peer_index(net, 2, 0), 125000, t, NET_MSG_BLOCK), ==, one);
	net_free(net);
	config_clear(&sc);
}

/* A message booked later whose first bit arrives sooner takes the gap
 * before one booked earlier: node 1 (1 s away) books node 0's downlink
 * from 1 s to 2 s; node 2 (10 ms away) sends 0.5 s of bits at once and
 * is not held up behind it; node 3's 0.5 s message at 10 ms no longer
 * fits before 1 s and goes after the far one. */
static void test_downlink_gap(void)
{
	struct scenario sc;
	load(&sc, 4, "{\"latency\": \"10ms\", \"processing\": \"0s\", \"bandwidth\": \"1Mbit/s\"}");
	net_t *net = build(&sc, 1);
	struct latency_cfg far = { .law = LAT_CONSTANT, .value = SIMTIME_S };
	net_set_latency(net, &far, 1, 0);
	simtime_t d1 = net_send(net, 1, net_peer_index(net, 1, 0), 125000, 0, NET_MSG_BLOCK);
	g_assert_cmpint(d1, ==, 2 * SIMTIME_S);
	simtime_t d2 = net_send(net, 2, net_peer_index(net, 2, 0), 62500, 0, NET_MSG_BLOCK);
	g_assert_cmpint(d2, ==, 510 * SIMTIME_MS);
	simtime_t d3 = net_send(net, 3, net_peer_index(net, 3, 0), 62500, 0, NET_MSG_BLOCK);
	g_assert_cmpint(d3, ==, 2500 * SIMTIME_MS);
	net_free(net);
	config_clear(&sc);
}

/* A downlink holding many spans at once: eight far senders (node i is
 * i s away) book node 0's downlink at [i, i + 0.5 s), eight spans apart,
 * past the record's inline one and its first growth; a 1 s message from
 * a near sender fits no 0.5 s gap and goes after the last (9.5 s); a
 * 0.5 s one fits the gap before the first (0.51 s); the next 0.5 s one
 * fills the gap [1.5 s, 2 s) exactly, joining the spans on both sides,
 * so a last one finds the next gap from 2.5 s on (3 s). */
static void test_downlink_many(void)
{
	struct scenario sc;
	load(&sc, 13, "{\"latency\": \"10ms\", \"processing\": \"0s\", \"bandwidth\": \"1Mbit/s\"}");
	net_t *net = build(&sc, 1);
	for (uint32_t i = 1; i <= 8; i++) {
		struct latency_cfg far = { .law = LAT_CONSTANT, .value = i * SIMTIME_S };
		net_set_latency(net, &far, i, 0);
		g_assert_cmpint(net_send(net, i, net_peer_index(net, i, 0), 62500, 0, NET_MSG_BLOCK), ==,
				i * SIMTIME_S + 500 * SIMTIME_MS);
	}
	g_assert_cmpint(net_send(net, 9, net_peer_index(net, 9, 0), 125000, 0, NET_MSG_BLOCK), ==,
			9500 * SIMTIME_MS);
	g_assert_cmpint(net_send(net, 10, net_peer_index(net, 10, 0), 62500, 0, NET_MSG_BLOCK), ==,
			510 * SIMTIME_MS);
	g_assert_cmpint(net_send(net, 11, net_peer_index(net, 11, 0), 62500, 0, NET_MSG_BLOCK), ==,
			2 * SIMTIME_S);
	g_assert_cmpint(net_send(net, 12, net_peer_index(net, 12, 0), 62500, 0, NET_MSG_BLOCK), ==,
			3 * SIMTIME_S);
	net_free(net);
	config_clear(&sc);
}

/* Non-block messages take "control_processing" when it is set, and
 * "processing" otherwise. */
static void test_control_processing(void)
{
	struct scenario sc;
	load(&sc, 2, "{\"latency\": \"40ms\", \"processing\": \"3ms\"}");
	net_t *net = build(&sc, 1);
	g_assert_cmpint(net_send(net, 0, 0, 100, 0, NET_MSG_CONTROL), ==, 43 * SIMTIME_MS);
	net_free(net);
	config_clear(&sc);
	load(&sc, 2, "{\"latency\": \"40ms\", \"processing\": \"3ms\", \"control_processing\": \"250us\"}");
	net = build(&sc, 1);
	g_assert_cmpint(net_send(net, 0, 0, 100, 0, NET_MSG_CONTROL), ==, 40 * SIMTIME_MS + 250 * SIMTIME_US);
	g_assert_cmpint(net_send(net, 0, 0, 100, SIMTIME_S, NET_MSG_BLOCK), ==, 43 * SIMTIME_MS);
	net_free(net);
	config_clear(&sc);
}

/* A scenario whose network is NETWORK and whose groups are GROUPS (JSON
 * text of the "nodes" array). */
static void load_groups(struct scenario *sc, const char *network, const char *groups)
{
	GError *err = NULL;
	char *text = g_strdup_printf("{\"stop\": {\"blocks\": 1}, \"network\": %s, \"nodes\": %s}",
				     network, groups);
	if (!scenario_load_string(text, "net-test.json", NULL, sc, &err))
		g_error("scenario: %s\n%s", err->message, text);
	g_free(text);
}

#define ONE_REGION "\"regions\": {\"names\": [\"A\"], \"share\": [1], \"latency\": [[\"10ms\"]], " \
	"\"upload\": [\"1Mbit/s\"], \"download\": [\"2Mbit/s\"]}"

/* Per-node rates from the region's histogram: bins [1, 2) Mbit/s of
 * weight 1 and [10, 20) of weight 3, so a node lands in the upper bin
 * with p = 3/4; over 4000 nodes the share's standard error is 0.0068,
 * and the bound is 5 of them. Every rate lies inside a bin. A group's
 * constant overrides the histogram, and a node's draw does not depend
 * on the groups after it (its own stream). */
static void test_bandwidth_histogram(void)
{
	static const char net_json[] = "{\"topology\": \"random\", \"degree\": 2, " ONE_REGION ", "
		"\"bandwidth_histograms\": {\"upload\": [[[1, 2, 1], [10, 20, 3]]], "
		"\"download\": [[[1, 2, 1], [10, 20, 3]]]}}";
	struct scenario sc;
	load_groups(&sc, net_json, "[{\"name\": \"m\", \"count\": 2, \"hashrate\": \"1kH/s\", "
		    "\"upload\": \"100Mbit/s\", \"download\": \"unlimited\"}, "
		    "{\"name\": \"r\", \"count\": 4000, \"role\": \"relay\"}]");
	net_t *net = build(&sc, 7);
	double up, down;
	g_assert_true(net_node_rates(net, 0, &up, &down));
	g_assert_cmpfloat(up, ==, 100e6);
	g_assert_cmpfloat(down, ==, 0);
	uint32_t high_up = 0, high_down = 0, n = 4000;
	double first_up = 0, first_down = 0;
	for (uint32_t i = 2; i < 2 + n; i++) {
		g_assert_true(net_node_rates(net, i, &up, &down));
		g_assert_true((up >= 1e6 && up < 2e6) || (up >= 10e6 && up < 20e6));
		g_assert_true((down >= 1e6 && down < 2e6) || (down >= 10e6 && down < 20e6));
		high_up += up >= 10e6;
		high_down += down >= 10e6;
		if (i == 2) {
			first_up = up;
			first_down = down;
		}
	}
	g_assert_cmpfloat(fabs((double)high_up / n - 0.75), <, 5 * 0.0068);
	g_assert_cmpfloat(fabs((double)high_down / n - 0.75), <, 5 * 0.0068);
	/* upload and download are drawn separately (not the same number) */
	g_assert_cmpfloat(first_up, !=, first_down);
	/* a transfer from a miner (100 Mbit/s up) runs at the receiver's own download */
	uint32_t p = net_peer(net, 0, 0);
	g_assert_true(net_node_rates(net, p, &up, &down));
	simtime_t d = net_send(net, 0, 0, 125000, 0, NET_MSG_BLOCK);
	g_assert_cmpint(d, >=, simtime_from_s(1e6 / down));
	net_free(net);
	config_clear(&sc);

	/* fewer relays after node 2: node 2 draws the same rates */
	load_groups(&sc, net_json, "[{\"name\": \"m\", \"count\": 2, \"hashrate\": \"1kH/s\"}, "
		    "{\"name\": \"r\", \"count\": 10, \"role\": \"relay\"}]");
	net = build(&sc, 7);
	g_assert_true(net_node_rates(net, 2, &up, &down));
	g_assert_cmpfloat(up, ==, first_up);
	g_assert_cmpfloat(down, ==, first_down);
	net_free(net);
	config_clear(&sc);
}

/* Without histograms or group rates nodes have none of their own; a
 * group's law draws per node; a histogram law without histograms is a
 * reader's error naming the group's field. */
static void test_group_bandwidth(void)
{
	struct scenario sc;
	load_groups(&sc, "{\"topology\": \"full\", " ONE_REGION "}",
		    "[{\"name\": \"m\", \"count\": 3, \"hashrate\": \"1kH/s\"}]");
	net_t *net = build(&sc, 1);
	double up, down;
	g_assert_false(net_node_rates(net, 0, &up, &down));
	net_free(net);
	config_clear(&sc);

	load_groups(&sc, "{\"topology\": \"full\", " ONE_REGION "}",
		    "[{\"name\": \"m\", \"count\": 3, \"hashrate\": \"1kH/s\", "
		    "\"upload\": {\"law\": \"uniform\", \"min\": \"3Mbit/s\", \"max\": \"4Mbit/s\"}}]");
	net = build(&sc, 1);
	for (uint32_t i = 0; i < 3; i++) {
		g_assert_true(net_node_rates(net, i, &up, &down));
		g_assert_cmpfloat(up, >=, 3e6);
		g_assert_cmpfloat(up, <, 4e6);
		g_assert_cmpfloat(down, ==, 2e6); /* unset: the region's */
	}
	net_free(net);
	config_clear(&sc);

	/* the reader refuses a histogram law without histograms */
	GError *err = NULL;
	const char *text = "{\"stop\": {\"blocks\": 1}, \"network\": {\"topology\": \"full\", "
		ONE_REGION "}, \"nodes\": [{\"name\": \"m\", \"count\": 3, \"hashrate\": \"1kH/s\", "
		"\"download\": {\"law\": \"histogram\"}}]}";
	g_assert_false(scenario_load_string(text, "net-test.json", NULL, &sc, &err));
	g_assert_nonnull(err);
	g_assert_nonnull(strstr(err->message, "net-test.json: nodes[0].download"));
	g_assert_nonnull(strstr(err->message, "bandwidth_histograms"));
	g_error_free(err);
	config_clear(&sc);
}

/* One fast node f1 (8 Mbit/s both ways) and two slow ones s1, s2
 * (1 Mbit/s), fully meshed, 10 ms apart, under discipline SHARING. */
static net_t *fast_and_slow(struct scenario *sc, const char *sharing)
{
	char *json = g_strdup_printf("{\"topology\": \"full\", \"latency\": \"10ms\", "
				     "\"processing\": \"0s\", \"sharing\": \"%s\"}", sharing);
	load_groups(sc, json,
		    "[{\"name\": \"f\", \"count\": 1, \"hashrate\": \"1kH/s\", "
		    "\"upload\": \"8Mbit/s\", \"download\": \"8Mbit/s\"}, "
		    "{\"name\": \"s\", \"count\": 2, \"hashrate\": \"1kH/s\", "
		    "\"upload\": \"1Mbit/s\", \"download\": \"1Mbit/s\"}]");
	g_free(json);
	return build(sc, 1);
}

/* The fast node sends 125 000 bytes (1 Mbit) to each slow one at once.
 * "node": its uplink is busy 125 ms per message, each slow downlink 1 s,
 * so the two land at 1.010 s and 1.135 s; "pair": the uplink is held for
 * the slow transfer, 1.010 s and 2.010 s; "link": 1.010 s both; "slot":
 * the slot is held through the flight too, 1.010 s and 2.020 s, while a
 * control message passes at its latency. A slow sender into the fast
 * node takes its own upload time under "node" (1.010 s). */
static void test_disciplines(void)
{
	static const struct {
		const char *sharing;
		simtime_t first, second;
	} cases[] = {
		{ "node", 1010 * SIMTIME_MS, 1135 * SIMTIME_MS },
		{ "pair", 1010 * SIMTIME_MS, 2010 * SIMTIME_MS },
		{ "link", 1010 * SIMTIME_MS, 1010 * SIMTIME_MS },
		{ "slot", 1010 * SIMTIME_MS, 2020 * SIMTIME_MS },
	};
	for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
		struct scenario sc;
		net_t *net = fast_and_slow(&sc, cases[c].sharing);
		g_test_message("sharing %s", cases[c].sharing);
		uint32_t to1 = net_peer_index(net, 0, 1), to2 = net_peer_index(net, 0, 2);
		g_assert_cmpint(net_send(net, 0, to1, 125000, 0, NET_MSG_BLOCK), ==, cases[c].first);
		g_assert_cmpint(net_send(net, 0, to2, 125000, 0, NET_MSG_BLOCK), ==, cases[c].second);
		if (strcmp(cases[c].sharing, "slot") == 0) {
			uint32_t back = net_peer_index(net, 1, 0);
			/* at 1 s: its latency, landing with the block on its link */
			g_assert_cmpint(net_send(net, 0, to1, 80, SIMTIME_S, NET_MSG_CONTROL), ==,
					10 * SIMTIME_MS);
			/* at 1.5 s the sender's slot is held (to 2.020 s by the block to
			 * node 2): a control message still takes only its latency */
			g_assert_cmpint(net_send(net, 0, to1, 80, 1500 * SIMTIME_MS, NET_MSG_CONTROL), ==,
					10 * SIMTIME_MS);
			g_assert_cmpint(net_send(net, 1, back, 80, 0, NET_MSG_CONTROL), ==,
					10 * SIMTIME_MS);
		}
		if (strcmp(cases[c].sharing, "node") == 0)
			g_assert_cmpint(net_send(net, 1, net_peer_index(net, 1, 0), 125000, 5 * SIMTIME_S,
						 NET_MSG_BLOCK), ==, 1010 * SIMTIME_MS);
		net_free(net);
		config_clear(&sc);
	}
}

/* Under "node" a capped connection (between regions) lasts at least
 * bytes*8/cap, but holds the uplink only for bytes*8/up: at 8 Mbit/s
 * with a 1 Mbit/s cap, two 125 000-byte messages from one node to
 * another region land at 1.010 s and 1.135 s, one to its own region at
 * 135 ms; under "pair" the uplink is held at the cap (1.010 s, 2.010 s). */
static void test_inter_cap(void)
{
	for (int pair = 0; pair < 2; pair++) {
		struct scenario sc;
		char *json = g_strdup_printf(
			"{\"topology\": \"full\", \"processing\": \"0s\", \"sharing\": \"%s\", "
			"\"regions\": {\"names\": [\"A\", \"B\"], \"share\": [0.5, 0.5], "
			"\"latency\": [[\"10ms\", \"10ms\"], [\"10ms\", \"10ms\"]], "
			"\"upload\": [\"8Mbit/s\", \"8Mbit/s\"], \"download\": [\"8Mbit/s\", \"8Mbit/s\"], "
			"\"inter\": \"1Mbit/s\"}}", pair ? "pair" : "node");
		load(&sc, 8, json);
		g_free(json);
		net_t *net = build(&sc, 1);
		/* node 0, a node of the other region and one of its own */
		uint32_t other = NET_NO_PEER, same = NET_NO_PEER;
		for (uint32_t i = 1; i < 8; i++) {
			if (net_region(net, i) != net_region(net, 0) && other == NET_NO_PEER)
				other = i;
			if (net_region(net, i) == net_region(net, 0) && same == NET_NO_PEER)
				same = i;
		}
		g_assert_cmpuint(other, !=, NET_NO_PEER);
		g_assert_cmpuint(same, !=, NET_NO_PEER);
		uint32_t po = net_peer_index(net, 0, other), ps = net_peer_index(net, 0, same);
		g_assert_cmpint(net_send(net, 0, po, 125000, 0, NET_MSG_BLOCK), ==, 1010 * SIMTIME_MS);
		g_assert_cmpint(net_send(net, 0, po, 125000, 0, NET_MSG_BLOCK), ==,
				(pair ? 2010 : 1135) * SIMTIME_MS);
		simtime_t t = 10 * SIMTIME_S;
		g_assert_cmpint(net_send(net, 0, ps, 125000, t, NET_MSG_BLOCK), ==, 135 * SIMTIME_MS);
		net_free(net);
		config_clear(&sc);
	}
}

/* A backbone links its nodes pairwise with links of its own latency and
 * rate, on an uplink and downlink of their own: a pool whose ordinary
 * uplink is busy for 10 s still reaches another pool at once. Each pool
 * has at least "connections" peers outside the backbone. "enabled":
 * false leaves the topology as without it, connections included. */
static void test_backbone(void)
{
	static const char groups[] = "[{\"name\": \"pool\", \"count\": 4, \"hashrate\": \"1kH/s\"}, "
		"{\"name\": \"r\", \"count\": 200, \"role\": \"relay\"}]";
	struct scenario sc;
	load_groups(&sc, "{\"topology\": \"random\", \"degree\": 2, \"latency\": \"100ms\", "
		    "\"processing\": \"0s\", \"bandwidth\": \"1Mbit/s\", "
		    "\"backbone\": {\"nodes\": [\"pool\"], \"latency\": \"2ms\", "
		    "\"bandwidth\": \"1Gbit/s\", \"connections\": 30}}", groups);
	net_t *net = build(&sc, 3);
	check_integrity(net);
	for (uint32_t a = 0; a < 4; a++) {
		uint32_t outside = 0;
		for (uint32_t i = 0; i < net_degree(net, a); i++)
			outside += net_peer(net, a, i) >= 4;
		g_assert_cmpuint(outside, >=, 30);
		for (uint32_t b = 0; b < 4; b++)
			g_assert_cmpuint(net_peer_index(net, a, b) == NET_NO_PEER, ==, a == b);
	}
	/* 1.25 MB on pool 0's ordinary uplink: 10 s */
	uint32_t relay = 0;
	while (net_peer(net, 0, relay) < 4)
		relay++;
	g_assert_cmpint(net_send(net, 0, relay, 1250000, 0, NET_MSG_BLOCK), ==, 10 * SIMTIME_S + 100 * SIMTIME_MS);
	/* 125 000 bytes over the backbone at 1 Gbit/s: 1 ms + 2 ms */
	simtime_t d = net_send(net, 0, net_peer_index(net, 0, 1), 125000, 0, NET_MSG_BLOCK);
	g_assert_cmpint(d, ==, 3 * SIMTIME_MS);
	net_free(net);
	config_clear(&sc);

	/* turned off: the same graph as with no backbone at all, its
	 * connections dropped with it (as --set network.backbone.enabled=false
	 * leaves the 2015 scenario's 750) */
	load_groups(&sc, "{\"topology\": \"random\", \"degree\": 2, "
		    "\"backbone\": {\"nodes\": [\"pool\"], \"bandwidth\": \"1Gbit/s\", "
		    "\"connections\": 30, \"enabled\": false}}", groups);
	net = build(&sc, 3);
	struct scenario plain;
	load_groups(&plain, "{\"topology\": \"random\", \"degree\": 2}", groups);
	net_t *ref = build(&plain, 3);
	g_assert_cmpuint(net_link_count(net), ==, net_link_count(ref));
	for (uint32_t a = 0; a < net_node_count(net); a++) {
		g_assert_cmpuint(net_degree(net, a), ==, net_degree(ref, a));
		for (uint32_t i = 0; i < net_degree(net, a); i++)
			g_assert_cmpuint(net_peer(net, a, i), ==, net_peer(ref, a, i));
	}
	net_free(ref);
	net_free(net);
	config_clear(&plain);
	config_clear(&sc);
}

static void test_link_latency_override(void)
{
	struct scenario sc;
	load(&sc, 3, "{\"latency\": \"10ms\", \"processing\": \"0s\"}");
	net_t *net = build(&sc, 1);
	struct latency_cfg slow = { .law = LAT_CONSTANT, .value = 300 * SIMTIME_MS };
	net_set_latency(net, &slow, 0, 2);
	simtime_t t = 0;
	g_assert_cmpint(net_send(net, 0, net_peer_index(net, 0, 2), 1, t, NET_MSG_BLOCK), ==, 300 * SIMTIME_MS);
	g_assert_cmpint(net_send(net, 2, net_peer_index(net, 2, 0), 1, t, NET_MSG_BLOCK), ==, 300 * SIMTIME_MS);
	g_assert_cmpint(net_send(net, 0, net_peer_index(net, 0, 1), 1, t, NET_MSG_BLOCK), ==, 10 * SIMTIME_MS);
	struct latency_cfg all = { .law = LAT_CONSTANT, .value = 70 * SIMTIME_MS };
	t = 10 * SIMTIME_S;
	net_set_latency(net, &all, NET_NO_PEER, NET_NO_PEER);
	g_assert_cmpint(net_send(net, 0, net_peer_index(net, 0, 2), 1, t, NET_MSG_BLOCK), ==, 70 * SIMTIME_MS);
	g_assert_cmpint(net_send(net, 1, net_peer_index(net, 1, 2), 1, t, NET_MSG_BLOCK), ==, 70 * SIMTIME_MS);
	net_free(net);
	config_clear(&sc);
}

/* The same sends on networks of the same seed give the same delays. */
static void test_latency_stream_seeded(void)
{
	struct scenario sc;
	load(&sc, 4, "{\"latency\": {\"law\": \"lognormal\", \"median\": \"80ms\", \"sigma\": 0.5}}");
	net_t *a = build(&sc, 3), *b = build(&sc, 3), *c = build(&sc, 4);
	bool differ = false;
	for (int i = 0; i < 200; i++) {
		simtime_t now = (simtime_t)i * SIMTIME_S;
		simtime_t da = net_send(a, (uint32_t)i % 4, (uint32_t)i % 3, 500, now, NET_MSG_BLOCK);
		simtime_t db = net_send(b, (uint32_t)i % 4, (uint32_t)i % 3, 500, now, NET_MSG_BLOCK);
		simtime_t dc = net_send(c, (uint32_t)i % 4, (uint32_t)i % 3, 500, now, NET_MSG_BLOCK);
		g_assert_cmpint(da, ==, db);
		differ |= da != dc;
	}
	g_assert_true(differ);
	net_free(a);
	net_free(b);
	net_free(c);
	config_clear(&sc);
}

/* ---- reachability ---- */

static void test_partition_and_offline(void)
{
	struct scenario sc;
	load(&sc, 5, "{\"topology\": \"full\"}");
	net_t *net = build(&sc, 1);
	for (uint32_t a = 0; a < 5; a++) {
		g_assert_true(net_online(net, a));
		g_assert_cmpuint(net_side(net, a), ==, 0);
		for (uint32_t b = 0; b < 5; b++)
			g_assert_true(net_reachable(net, a, b));
	}
	uint32_t side[5] = { 1, 1, 2, 2, 0 };
	net_partition(net, side);
	for (uint32_t a = 0; a < 5; a++)
		for (uint32_t b = 0; b < 5; b++)
			g_assert_cmpint(net_reachable(net, a, b), ==, side[a] == side[b]);
	g_assert_cmpuint(net_side(net, 2), ==, 2);

	net_set_online(net, 1, false);
	g_assert_false(net_online(net, 1));
	g_assert_false(net_reachable(net, 0, 1));
	g_assert_false(net_reachable(net, 1, 0));
	g_assert_true(net_reachable(net, 2, 3));

	net_heal(net);
	for (uint32_t a = 0; a < 5; a++) {
		g_assert_cmpuint(net_side(net, a), ==, 0);
		for (uint32_t b = 0; b < 5; b++)
			g_assert_cmpint(net_reachable(net, a, b), ==, a != 1 && b != 1);
	}
	net_set_online(net, 1, true);
	for (uint32_t a = 0; a < 5; a++)
		for (uint32_t b = 0; b < 5; b++)
			g_assert_true(net_reachable(net, a, b));
	/* links are untouched by churn and partitions */
	check_integrity(net);
	g_assert_cmpuint(net_link_count(net), ==, 10);
	net_free(net);
	config_clear(&sc);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/net/topology/full-mesh", test_full_mesh);
	g_test_add_func("/net/topology/full-mesh-large", test_full_mesh_large);
	g_test_add_func("/net/topology/random-degree-connected", test_random_graph);
	g_test_add_func("/net/topology/random-sparse-connected", test_random_sparse_connected);
	g_test_add_func("/net/topology/seed", test_seed_topology);
	g_test_add_func("/net/topology/edges", test_edges);
	g_test_add_func("/net/delay/fifo-under-jitter", test_fifo_under_jitter);
	g_test_add_func("/net/delay/constant-and-processing", test_constant_and_processing);
	g_test_add_func("/net/delay/bandwidth", test_bandwidth);
	g_test_add_func("/net/delay/downlink-shared", test_downlink_shared);
	g_test_add_func("/net/delay/downlink-gap", test_downlink_gap);
	g_test_add_func("/net/delay/downlink-many", test_downlink_many);
	g_test_add_func("/net/delay/sharing-link", test_sharing_link);
	g_test_add_func("/net/delay/disciplines", test_disciplines);
	g_test_add_func("/net/delay/inter-cap", test_inter_cap);
	g_test_add_func("/net/delay/control-processing", test_control_processing);
	g_test_add_func("/net/bandwidth/histogram", test_bandwidth_histogram);
	g_test_add_func("/net/bandwidth/group", test_group_bandwidth);
	g_test_add_func("/net/topology/backbone", test_backbone);
	g_test_add_func("/net/delay/link-override", test_link_latency_override);
	g_test_add_func("/net/delay/seeded", test_latency_stream_seeded);
	g_test_add_func("/net/reach/partition-offline", test_partition_and_offline);
	return g_test_run();
}
