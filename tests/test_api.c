/* api (live mode's node API as JSON) and net_add_link: the readers of
 * request bodies against hostile input, the names a node answers to, the
 * response shapes, and links added at run time keeping every peer number. */
#include <string.h>

#include "powsim/api.h"
#include "powsim/net.h"
#include "powsim/scenario.h"
#include "powsim/wallet.h"
#include "testkit.h"

static const char text[] =
	"{\"name\": \"api\", \"seed\": 3, \"stop\": {\"time\": \"10s\"},"
	" \"consensus\": {\"difficulty\": 2},"
	" \"nodes\": [{\"name\": \"Node\", \"count\": 3, \"role\": \"miner\", \"hashrate\": \"1kH/s\"},"
	"            {\"name\": \"Node4\", \"role\": \"trader\", \"balance\": 100,"
	"             \"trade\": {\"interval\": \"1h\", \"amount\": [1, 2]}}]}";

struct fixture {
	struct scenario sc;
	world_t *w;
};

static void setup(struct fixture *f)
{
	GError *err = NULL;
	g_assert_true(scenario_load_string(text, "api.json", NULL, &f->sc, &err));
	g_assert_no_error(err);
	f->w = world_new(&f->sc, &err);
	g_assert_no_error(err);
}

static void teardown(struct fixture *f)
{
	world_free(f->w);
	config_clear(&f->sc);
}

static void test_names(void)
{
	struct fixture f;
	setup(&f);
	char addr[WALLET_ADDR_HEX_SIZE];
	wallet_address_hex(tx_keys_wallet(world_keys(f.w), 3), addr);
	g_assert_cmpuint(api_node(f.w, "Node4", 0), ==, 3);
	g_assert_cmpuint(api_node(f.w, "Node2", 0), ==, 1);
	g_assert_cmpuint(api_node(f.w, addr, 0), ==, 3);
	g_assert_cmpuint(api_node(f.w, "127.0.0.1:5002", 5000), ==, 2);
	g_assert_cmpuint(api_node(f.w, "http://localhost:5003/", 5000), ==, 3);
	/* not nodes: a group, a stranger, ports outside, ports when none given */
	g_assert_cmpuint(api_node(f.w, "Node", 0), ==, API_NO_NODE);
	g_assert_cmpuint(api_node(f.w, "HNLee", 0), ==, API_NO_NODE);
	g_assert_cmpuint(api_node(f.w, "127.0.0.1:5004", 5000), ==, API_NO_NODE);
	g_assert_cmpuint(api_node(f.w, "127.0.0.1:4999", 5000), ==, API_NO_NODE);
	g_assert_cmpuint(api_node(f.w, "127.0.0.1:5001", 0), ==, API_NO_NODE);
	g_assert_cmpuint(api_node(f.w, "127.0.0.1:5001x", 5000), ==, API_NO_NODE);
	g_assert_cmpuint(api_node(f.w, "", 5000), ==, API_NO_NODE);
	teardown(&f);
}

/* A body that must be refused, with a reason. */
static void refused_tx(world_t *w, const char *body, size_t len, const char *says)
{
	struct event_cfg e = { 0 };
	char *why = NULL;
	g_assert_false(api_parse_transaction(w, body, len, &e, &why));
	g_assert_nonnull(why);
	g_test_message("%.60s -> %s", body ? body : "(null)", why);
	g_assert_nonnull(strstr(why, says));
	g_assert_null(e.from);
	g_free(why);
}

static void test_transaction_bodies(void)
{
	struct fixture f;
	setup(&f);
	struct { const char *body, *says; } bad[] = {
		{ "{not json", "not JSON" },
		{ "[1, 2]", "JSON object" },
		{ "", "not JSON" },
		{ "{\"sender\": \"Node4\", \"recipient\": \"Node1\"}", "Missing values: \"amount\"" },
		{ "{\"recipient\": \"Node1\", \"amount\": 1}", "\"sender\"" },
		{ "{\"sender\": 4, \"recipient\": \"Node1\", \"amount\": 1}", "\"sender\"" },
		{ "{\"sender\": \"nobody\", \"recipient\": \"Node1\", \"amount\": 1}", "unknown sender" },
		{ "{\"sender\": \"Node4\", \"recipient\": \"HNLee\", \"amount\": 1}", "unknown recipient" },
		{ "{\"sender\": \"Node4\", \"recipient\": \"Node1\", \"amount\": 0}", "\"amount\"" },
		{ "{\"sender\": \"Node4\", \"recipient\": \"Node1\", \"amount\": 1.5}", "\"amount\"" },
		{ "{\"sender\": \"Node4\", \"recipient\": \"Node1\", \"amount\": -2}", "\"amount\"" },
		{ "{\"sender\": \"Node4\", \"recipient\": \"Node1\", \"amount\": 1e300}", "\"amount\"" },
		{ "{\"sender\": \"Node4\", \"recipient\": \"Node1\", \"amount\": \"12x\"}", "\"amount\"" },
		{ "{\"sender\": \"Node4\", \"recipient\": \"Node4\", \"amount\": 1}", "same account" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
		refused_tx(f.w, bad[i].body, strlen(bad[i].body), bad[i].says);
	/* too long: refused before parsing; a body without its NUL is read by length */
	char *big = g_malloc0(API_MAX_BODY + 2);
	memset(big, ' ', API_MAX_BODY + 1);
	refused_tx(f.w, big, API_MAX_BODY + 1, "at most");
	g_free(big);
	const char good[] = "{\"sender\": \"Node4\", \"recipient\": \"Node1\", \"amount\": \"30000\"}xyz";
	struct event_cfg e = { 0 };
	char *why = NULL;
	g_assert_true(api_parse_transaction(f.w, good, strlen(good) - 3, &e, &why));
	g_assert_cmpstr(e.from, ==, "Node4");
	g_assert_cmpstr(e.link_to, ==, "Node1");
	g_assert_cmpuint(e.amount, ==, 30000);
	g_free(e.from);
	g_free(e.link_to);
	teardown(&f);
}

static void test_other_bodies(void)
{
	struct fixture f;
	setup(&f);
	char *why = NULL;
	uint64_t nonce = 0;
	uint32_t mz = 0;
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	g_assert_true(api_parse_submit("{\"nonce\": 702059}", 17, &nonce, &why));
	g_assert_cmpuint(nonce, ==, 702059);
	g_assert_true(api_parse_submit("{\"proof\": \"18446744073709551615\"}", 34, &nonce, &why));
	g_assert_cmpuint(nonce, ==, UINT64_MAX);
	g_assert_false(api_parse_submit("{\"nonce\": -1}", 13, &nonce, &why));
	g_clear_pointer(&why, g_free);
	g_assert_false(api_parse_submit("{}", 2, &nonce, &why));
	g_assert_nonnull(strstr(why, "Missing"));
	g_clear_pointer(&why, g_free);
	g_assert_true(api_parse_difficulty("{\"num_zeros\": 6}", 16, true, &mz, &why));
	g_assert_cmpuint(mz, ==, 6000);
	g_assert_true(api_parse_difficulty("{\"value\": \"4.5\"}", 16, true, &mz, &why));
	g_assert_cmpuint(mz, ==, 4500);
	g_assert_false(api_parse_difficulty("{\"num_zeros\": 61}", 17, false, &mz, &why));
	g_clear_pointer(&why, g_free);
	g_assert_false(api_parse_difficulty("{\"num_zeros\": \"six\"}", 20, true, &mz, &why));
	g_clear_pointer(&why, g_free);
	/* a block's work within the budget's per-block limit (16^9 = 2^36) when
	 * the run hashes; the model's limit is the format's */
	g_assert_true(api_parse_difficulty("{\"num_zeros\": 9}", 16, true, &mz, &why));
	g_assert_cmpuint(mz, ==, 9000);
	g_assert_false(api_parse_difficulty("{\"num_zeros\": 9.5}", 18, true, &mz, &why));
	g_assert_nonnull(strstr(why, "over the limit of 6.87e+10 (2^36"));
	g_clear_pointer(&why, g_free);
	g_assert_false(api_parse_difficulty("{\"num_zeros\": 60}", 17, true, &mz, &why));
	g_assert_nonnull(strstr(why, "2^36"));
	g_clear_pointer(&why, g_free);
	g_assert_true(api_parse_difficulty("{\"num_zeros\": 60}", 17, false, &mz, &why));
	g_assert_cmpuint(mz, ==, 60000);
	const char nodes[] = "{\"nodes\": [\"127.0.0.1:5001\", \"Node3\"]}";
	g_assert_true(api_parse_nodes(f.w, nodes, strlen(nodes), 5000, ids, &why));
	g_assert_cmpuint(ids->len, ==, 2);
	g_assert_cmpuint(g_array_index(ids, guint32, 0), ==, 1);
	g_assert_cmpuint(g_array_index(ids, guint32, 1), ==, 2);
	const char badnodes[] = "{\"nodes\": [\"127.0.0.1:5001\", \"10.0.0.1:5000\"]}";
	g_assert_false(api_parse_nodes(f.w, badnodes, strlen(badnodes), 5000, ids, &why));
	g_assert_nonnull(strstr(why, "nodes[1]"));
	g_clear_pointer(&why, g_free);
	g_assert_false(api_parse_nodes(f.w, "{\"nodes\": []}", 13, 5000, ids, &why));
	g_clear_pointer(&why, g_free);
	g_array_free(ids, TRUE);
	teardown(&f);
}

/* The response bodies carry the documents' keys. */
static void test_shapes(void)
{
	struct fixture f;
	setup(&f);
	world_run(f.w, NULL);
	char *t = api_chain(f.w, 0);
	cJSON *o = cJSON_Parse(t);
	g_assert_nonnull(o);
	const cJSON *chain = cJSON_GetObjectItemCaseSensitive(o, "chain");
	g_assert_true(cJSON_IsArray(chain));
	g_assert_cmpint(cJSON_GetArraySize(chain), ==, (int)jnum(o, "length"));
	const cJSON *last = cJSON_GetArrayItem(chain, cJSON_GetArraySize(chain) - 1);
	const char *keys[] = { "index", "timestamp", "transactions", "proof", "previous_hash", "miner",
			       "hash", "difficulty", "header" };
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		g_assert_nonnull(cJSON_GetObjectItemCaseSensitive(last, keys[i]));
	cJSON_Delete(o);
	g_free(t);
	t = api_resolved(f.w, 1, false);
	o = cJSON_Parse(t);
	g_assert_cmpstr(jstr(o, "message"), ==, "Our chain is authoritative");
	g_assert_true(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(o, "chain")));
	cJSON_Delete(o);
	g_free(t);
	t = api_nodes(f.w, 0, 5000, NULL);
	o = cJSON_Parse(t);
	g_assert_cmpint((int)jnum(o, "length"), ==, 3);
	cJSON_Delete(o);
	g_free(t);
	t = api_template(f.w, 0);
	o = cJSON_Parse(t);
	g_assert_cmpuint(strlen(jstr(o, "header")), ==, 2 * POW_HEADER_SIZE);
	g_assert_cmpint((int)jnum(o, "nonce_offset"), ==, 88);
	cJSON_Delete(o);
	g_free(t);
	g_assert_null(api_template(f.w, 3)); /* a trader has no template */
	teardown(&f);
}

/* net_add_link: every existing peer number stays, the new peer is last,
 * and reverse indices still lead back. */
static void test_add_link(void)
{
	struct scenario sc;
	GError *err = NULL;
	const char *t = "{\"stop\": {\"blocks\": 1}, \"network\": {\"topology\": \"random\", \"degree\": 2},"
			" \"nodes\": [{\"name\": \"r\", \"count\": 12, \"role\": \"miner\", \"hashrate\": \"1kH/s\"}]}";
	g_assert_true(scenario_load_string(t, "links.json", NULL, &sc, &err));
	net_t *net = net_new(&sc.network, 12, NULL, 5);
	for (uint32_t a = 0; a < 12; a++)
		for (uint32_t b = 0; b < 12; b++) {
			uint32_t before[2][16], da = net_degree(net, a), db = net_degree(net, b);
			for (uint32_t k = 0; k < da; k++)
				before[0][k] = net_peer(net, a, k);
			for (uint32_t k = 0; k < db; k++)
				before[1][k] = net_peer(net, b, k);
			bool linked = a == b || net_peer_index(net, a, b) != NET_NO_PEER;
			if (da >= 15 || db >= 15)
				continue;
			g_assert_cmpint(net_add_link(net, a, b), ==, !linked);
			for (uint32_t k = 0; k < da; k++)
				g_assert_cmpuint(net_peer(net, a, k), ==, before[0][k]);
			for (uint32_t k = 0; k < db && a != b; k++)
				g_assert_cmpuint(net_peer(net, b, k), ==, before[1][k]);
			if (!linked) {
				g_assert_cmpuint(net_peer(net, a, da), ==, b);
				g_assert_cmpuint(net_peer(net, b, db), ==, a);
			}
			for (uint32_t x = 0; x < 12; x++)
				for (uint32_t k = 0; k < net_degree(net, x); k++) {
					uint32_t p = net_peer(net, x, k);
					g_assert_cmpuint(net_peer(net, p, net_reverse_index(net, x, k)), ==, x);
				}
		}
	net_free(net);
	config_clear(&sc);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/api/names", test_names);
	g_test_add_func("/api/transaction-bodies", test_transaction_bodies);
	g_test_add_func("/api/other-bodies", test_other_bodies);
	g_test_add_func("/api/shapes", test_shapes);
	g_test_add_func("/api/add-link", test_add_link);
	return g_test_run();
}
