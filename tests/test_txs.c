/* Issue 3's proofs, on whole runs (in process: scenario -> world ->
 * trace files in a temporary directory, then read back as a user would):
 *  - replaying the final main chain from genesis using chain.json alone
 *    (cJSON) never drives a balance below zero (uint64 with explicit
 *    checks), never skips or repeats a sender's sequence number, and every
 *    coinbase pays exactly reward + the block's fees;
 *  - every transfer's signature verifies against its "message" with its
 *    "sender_pubkey" (wallet_verify), the message decodes to the JSON
 *    fields at tx.h's offsets, and the id is SHA-256(message || signature);
 *  - injected invalid transactions never reach the main chain, and their
 *    rejection reasons are counted in summary.json;
 *  - scenarios/tx-burst.json: the backlog rises above the block limit in
 *    timeline.csv, drains, and every burst transfer is confirmed;
 *  - a reorg at world level: transfers confirmed only on a losing branch
 *    come back and are confirmed on the winning chain. */
#include <inttypes.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "powsim/block.h"
#include "powsim/hash.h"
#include "powsim/scenario.h"
#include "powsim/trace.h"
#include "powsim/tx.h"
#include "powsim/wallet.h"
#include "powsim/world.h"

#include "powsim/invariants.h"

#include "testkit.h"

/* ---- helpers (after tests/test_world.c) ---- */

/* A JSON number that must be a non-negative integer below 2^53. */
static uint64_t jint(const cJSON *o, const char *key)
{
	double d = jnum(o, key);
	g_assert_cmpfloat(d, >=, 0);
	g_assert_cmpfloat(d, <, 9007199254740992.0);
	g_assert_cmpfloat(d, ==, (double)(uint64_t)d);
	return (uint64_t)d;
}

static uint64_t le_read(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static double num(const char *s)
{
	char *end;
	double d = g_ascii_strtod(s, &end);
	g_assert_true(end != s && *end == '\0');
	return d;
}

/* ---- replaying chain.json ---- */

struct account {
	uint64_t balance;
	uint32_t next_seq;
};

struct replay {
	uint32_t blocks, transfers;
	uint64_t fees;
};

/* Check one transfer J of chain.json against its own message, signature
 * and id, and apply it to ACCTS (address hex -> struct account). Returns
 * its fee. */
static uint64_t replay_transfer(GHashTable *accts, const cJSON *j)
{
	uint8_t msg[TX_MSG_SIZE], sig[WALLET_SIG_SIZE], pub[WALLET_PUBKEY_SIZE];
	uint8_t addr[WALLET_ADDR_SIZE], wire[TX_WIRE_SIZE], id[HASH_SIZE];
	char hex[2 * TX_WIRE_SIZE + 1];

	g_assert_cmpuint(strlen(jstr(j, "message")), ==, 2 * TX_MSG_SIZE);
	g_assert_true(hash_unhex(jstr(j, "message"), msg, TX_MSG_SIZE));
	g_assert_true(hash_unhex(jstr(j, "signature"), sig, WALLET_SIG_SIZE));
	g_assert_true(hash_unhex(jstr(j, "sender_pubkey"), pub, WALLET_PUBKEY_SIZE));
	/* the signature: by the sender's key, of exactly the message */
	g_assert_true(wallet_verify(pub, msg, TX_MSG_SIZE, sig));
	/* the id: SHA-256 of the wire bytes, message || signature */
	memcpy(wire, msg, TX_MSG_SIZE);
	memcpy(wire + TX_OFF_SIG, sig, WALLET_SIG_SIZE);
	hash_sha256(wire, TX_WIRE_SIZE, id);
	hash_hex(id, HASH_SIZE, hex);
	g_assert_cmpstr(hex, ==, jstr(j, "id"));
	/* the message decodes to the JSON's fields (tx.h offsets) */
	g_assert_cmpuint(msg[TX_OFF_VERSION], ==, TX_VERSION);
	g_assert_cmpmem(msg + TX_OFF_SENDER, WALLET_PUBKEY_SIZE, pub, WALLET_PUBKEY_SIZE);
	wallet_pubkey_address(pub, addr);
	hash_hex(addr, WALLET_ADDR_SIZE, hex);
	g_assert_cmpstr(hex, ==, jstr(j, "sender"));
	hash_hex(msg + TX_OFF_RECIPIENT, WALLET_ADDR_SIZE, hex);
	g_assert_cmpstr(hex, ==, jstr(j, "recipient"));
	uint64_t amount = jint(j, "amount"), fee = jint(j, "fee");
	uint32_t seq = (uint32_t)jint(j, "seq");
	g_assert_cmpuint(le_read(msg + TX_OFF_AMOUNT, 8), ==, amount);
	g_assert_cmpuint(le_read(msg + TX_OFF_FEE, 8), ==, fee);
	g_assert_cmpuint(le_read(msg + TX_OFF_SEQ, 4), ==, seq);

	struct account *from = g_hash_table_lookup(accts, jstr(j, "sender"));
	struct account *to = g_hash_table_lookup(accts, jstr(j, "recipient"));
	g_assert_nonnull(from);
	g_assert_nonnull(to);
	/* the sender's next sequence number: none skipped, none repeated */
	g_assert_cmpuint(seq, ==, from->next_seq);
	from->next_seq++;
	/* balances never go below zero: checked before subtracting */
	g_assert_cmpuint(amount, <=, UINT64_MAX - fee);
	g_assert_cmpuint(from->balance, >=, amount + fee);
	from->balance -= amount + fee;
	g_assert_cmpuint(to->balance, <=, UINT64_MAX - amount);
	to->balance += amount;
	return fee;
}

/* Replay DIR/chain.json from W's genesis allocation (every account's
 * group balance) with REWARD per block; assert everything above. */
static struct replay replay_chain(const world_t *w, const char *dir, uint64_t reward)
{
	const struct scenario *sc = world_scenario(w);
	GHashTable *accts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (uint32_t i = 0; i < world_node_count(w); i++) {
		char hex[WALLET_ADDR_HEX_SIZE];
		wallet_address_hex(tx_keys_wallet(world_keys(w), i), hex);
		struct account *a = g_new0(struct account, 1);
		a->balance = g_array_index(sc->groups, struct group_cfg,
					   config_node_group(sc, i)).balance;
		g_hash_table_insert(accts, g_strdup(hex), a);
	}
	struct replay r = { 0 };
	cJSON *root = parse_file(dir, "chain.json");
	const cJSON *chain = cJSON_GetObjectItemCaseSensitive(root, "chain"), *b;
	g_assert_true(cJSON_IsArray(chain));
	cJSON_ArrayForEach(b, chain) {
		uint64_t index = jint(b, "index");
		const cJSON *txs = cJSON_GetObjectItemCaseSensitive(b, "transactions"), *t;
		g_assert_true(cJSON_IsArray(txs));
		if (index == 0)
			continue; /* genesis: no transactions to replay */
		int k = 0;
		uint64_t fees = 0;
		const cJSON *cb = NULL;
		cJSON_ArrayForEach(t, txs) {
			bool coinbase = strcmp(jstr(t, "sender"), "0") == 0;
			/* the coinbase first, and only first */
			g_assert_cmpint(coinbase, ==, k == 0);
			if (coinbase) {
				cb = t;
			} else {
				uint64_t fee = replay_transfer(accts, t);
				g_assert_cmpuint(fees, <=, UINT64_MAX - fee);
				fees += fee;
				r.transfers++;
			}
			k++;
		}
		g_assert_nonnull(cb);
		g_assert_cmpuint(k, <=, (int)sc->consensus.max_block_txs + 1);
		/* the coinbase pays reward + fees to the miner, after the
		 * transfers; its seq is the height */
		g_assert_cmpuint(jint(cb, "amount"), ==, reward + fees);
		g_assert_cmpuint(jint(cb, "fee"), ==, 0);
		g_assert_cmpuint(jint(cb, "seq"), ==, index);
		struct account *m = g_hash_table_lookup(accts, jstr(cb, "recipient"));
		g_assert_nonnull(m);
		m->balance += reward + fees;
		r.fees += fees;
		r.blocks++;
	}
	/* the replayed state is the world's: the main tip's ledger */
	const struct block *tip = report_main_tip(w);
	g_assert_cmpuint(r.blocks, ==, tip->h.height);
	cJSON_Delete(root);
	g_hash_table_destroy(accts);
	return r;
}

/* ---- the burst scenario, from its file ---- */

/* The scenario file NAME under scenarios/ (tests run from the root). */
static char *scenario_path(const char *name)
{
	char *p = g_build_filename("scenarios", name, NULL);
	if (!g_file_test(p, G_FILE_TEST_EXISTS)) {
		char *src = g_path_get_dirname(__FILE__);
		g_free(p);
		p = g_build_filename(src, "..", "scenarios", name, NULL);
		g_free(src);
	}
	return p;
}

static void load_file(struct scenario *sc, const char *name)
{
	char *path = scenario_path(name);
	GError *err = NULL;
	if (!scenario_load(path, NULL, sc, &err))
		g_error("%s: %s", path, err->message);
	g_free(path);
}

/* tx-burst.json: the traders' burst (every transfer created at the burst's
 * instant) rises above the block limit in timeline.csv, drains back to
 * near zero, and every burst transfer is confirmed; blocks respect the
 * limit; the chain replays. */
static void test_burst(void)
{
	struct scenario sc;
	load_file(&sc, "tx-burst.json");
	const struct event_cfg *burst = NULL;
	for (guint i = 0; i < sc.events->len; i++)
		if (g_array_index(sc.events, struct event_cfg, i).action == TL_BURST)
			burst = &g_array_index(sc.events, struct event_cfg, i);
	g_assert_nonnull(burst);
	GArray *traders = g_array_new(FALSE, FALSE, sizeof(guint32));
	g_assert_true(config_resolve(&sc, burst->target, traders));
	const uint32_t limit = sc.consensus.max_block_txs;
	const uint32_t burst_total = burst->count * traders->len;
	const double burst_s = simtime_to_s(burst->at);
	/* "far above what one block holds" */
	g_assert_cmpuint(burst_total, >=, 4 * limit);

	world_t *w = run_world(&sc, NULL);
	invariants_check(NULL, w);
	char *dir = tmpdir();
	write_traces(w, dir);
	struct replay r = replay_chain(w, dir, sc.consensus.reward);
	g_assert_cmpuint(r.transfers, >=, burst_total);

	/* txs.csv: the burst's transfers, all created at its instant, all
	 * confirmed in the final main chain */
	GPtrArray *txs = csv_read(dir, "txs.csv");
	int c_created = csv_col(txs, "created_s"), c_status = csv_col(txs, "status");
	int c_lat = csv_col(txs, "latency_s");
	uint32_t at_burst = 0, confirmed = 0;
	double worst = 0;
	for (guint i = 1; i < txs->len; i++) {
		char **row = g_ptr_array_index(txs, i);
		if (num(row[c_created]) != burst_s)
			continue;
		at_burst++;
		if (strcmp(row[c_status], "confirmed") == 0) {
			confirmed++;
			worst = MAX(worst, num(row[c_lat]));
		}
	}
	g_test_message("burst: %u transfers at %.3f s (limit %u a block), %u confirmed, "
		       "the last after %.3f s", at_burst, burst_s, limit, confirmed, worst);
	g_assert_cmpuint(at_burst, ==, burst_total);
	g_assert_cmpuint(confirmed, ==, burst_total);

	/* blocks.csv: no block above the limit (n_tx counts the coinbase) */
	GPtrArray *blocks = csv_read(dir, "blocks.csv");
	int c_ntx = csv_col(blocks, "n_tx");
	for (guint i = 1; i < blocks->len; i++)
		g_assert_cmpfloat(num(((char **)g_ptr_array_index(blocks, i))[c_ntx]), <=,
				  limit + 1);

	/* timeline.csv: the backlog above one block's worth after the
	 * burst, then drained: some later sample (and the last) is back to
	 * a trickle's worth, a few transfers */
	GPtrArray *tl = csv_read(dir, "timeline.csv");
	int c_time = csv_col(tl, "time_s"), c_pool = csv_col(tl, "max_mempool");
	double peak = 0, peak_t = 0, before = 0, after_min = 1e18, last = 0;
	for (guint i = 1; i < tl->len; i++) {
		char **row = g_ptr_array_index(tl, i);
		double t = num(row[c_time]), m = num(row[c_pool]);
		if (t < burst_s)
			before = MAX(before, m);
		else if (m > peak)
			peak = m, peak_t = t;
		last = m;
	}
	for (guint i = 1; i < tl->len; i++) {
		char **row = g_ptr_array_index(tl, i);
		if (num(row[c_time]) > peak_t)
			after_min = MIN(after_min, num(row[c_pool]));
	}
	g_test_message("mempool: before the burst at most %.0f, peak %.0f at %.0f s, "
		       "then down to %.0f; last sample %.0f", before, peak, peak_t, after_min, last);
	g_assert_cmpfloat(before, <, limit);
	g_assert_cmpfloat(peak, >, limit);
	g_assert_cmpfloat(peak, >=, burst_total / 2.0);
	g_assert_cmpfloat(after_min, <=, 2);
	g_assert_cmpfloat(last, <, limit);

	g_ptr_array_free(tl, TRUE);
	g_ptr_array_free(blocks, TRUE);
	g_ptr_array_free(txs, TRUE);
	g_array_free(traders, TRUE);
	world_free(w);
	rm_dir(dir);
	config_clear(&sc);
}

/* ---- injections ---- */

static const char *const injection_scenario =
	"{\"name\": \"inject\", \"seed\": 9,"
	" \"stop\": {\"time\": \"90s\"},"
	" \"consensus\": {\"mode\": \"real\", \"difficulty\": 3.5, \"max_block_txs\": 100},"
	" \"network\": {\"topology\": \"full\", \"latency\": \"40ms\", \"processing\": \"1ms\"},"
	" \"nodes\": ["
	"   {\"name\": \"miner\", \"count\": 3, \"role\": \"miner\", \"hashrate\": \"4kH/s\"},"
	"   {\"name\": \"trader\", \"count\": 2, \"role\": \"trader\", \"balance\": 1000,"
	"    \"trade\": {\"interval\": {\"law\": \"exponential\", \"mean\": \"1s\"},"
	"                \"amount\": [1, 9], \"fee\": 1}}],"
	" \"events\": ["
	"   {\"at\": \"10s\", \"action\": \"invalid-txs\", \"target\": \"trader1\", \"kind\": \"bad-signature\", \"count\": 5},"
	"   {\"at\": \"20s\", \"action\": \"invalid-txs\", \"target\": \"trader2\", \"kind\": \"overspend\", \"count\": 3},"
	"   {\"at\": \"30s\", \"action\": \"invalid-txs\", \"target\": \"trader1\", \"kind\": \"replay\", \"count\": 4},"
	"   {\"at\": \"40s\", \"action\": \"inject-block\", \"target\": \"miner1\", \"kind\": \"bad-signature\"},"
	"   {\"at\": \"45s\", \"action\": \"inject-block\", \"target\": \"miner2\", \"kind\": \"overspend\"},"
	"   {\"at\": \"50s\", \"action\": \"inject-block\", \"target\": \"miner3\", \"kind\": \"double-spend\"},"
	"   {\"at\": \"55s\", \"action\": \"inject-block\", \"target\": \"miner1\", \"kind\": \"bad-pow\"},"
	"   {\"at\": \"60s\", \"action\": \"inject-block\", \"target\": \"miner2\", \"kind\": \"bad-coinbase\"}"
	" ]}";

/* The count under REASON in summary.json's object AT (0 if absent). */
static double reason_count(const cJSON *summary, const char *at, const char *reason)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(summary, at);
	if (!o) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(summary, "transactions");
		o = cJSON_GetObjectItemCaseSensitive(t, at);
	}
	g_assert_true(cJSON_IsObject(o));
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, reason);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static void test_injections(void)
{
	struct scenario sc;
	GError *err = NULL;
	if (!scenario_load_string(injection_scenario, "inject.json", NULL, &sc, &err))
		g_error("%s", err->message);
	world_t *w = run_world(&sc, NULL);
	invariants_check(NULL, w);
	char *dir = tmpdir();
	write_traces(w, dir);
	struct replay r = replay_chain(w, dir, sc.consensus.reward);
	g_test_message("replayed %u blocks, %u transfers, %" PRIu64 " in fees", r.blocks,
		       r.transfers, r.fees);
	g_assert_cmpuint(r.transfers, >, 20);

	/* the injected transactions, by id */
	GHashTable *injected = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	const GArray *recs = world_txs(w);
	for (guint i = 0; i < recs->len; i++) {
		const struct world_tx *rec = &g_array_index(recs, struct world_tx, i);
		char id[HASH_HEX_SIZE];
		if (!rec->injected)
			continue;
		tx_id_hex(rec->tx, id);
		g_hash_table_add(injected, g_strdup(id));
	}
	/* 5 + 3 + 4 flooded, and the bad transfers of the crafted blocks:
	 * bad-signature 1, overspend 1, double-spend 2 */
	const guint flooded = 5 + 3 + 4, records = flooded + 1 + 1 + 2;
	guint n_injected = 0;
	for (guint i = 0; i < recs->len; i++)
		n_injected += g_array_index(recs, struct world_tx, i).injected;
	g_assert_cmpuint(n_injected, ==, records);

	/* txs.csv: none of them confirmed */
	GPtrArray *txs = csv_read(dir, "txs.csv");
	int c_id = csv_col(txs, "id"), c_status = csv_col(txs, "status");
	guint seen = 0, rejected = 0;
	for (guint i = 1; i < txs->len; i++) {
		char **row = g_ptr_array_index(txs, i);
		if (!g_hash_table_contains(injected, row[c_id]))
			continue;
		seen++;
		g_assert_cmpstr(row[c_status], !=, "confirmed");
		rejected += strcmp(row[c_status], "rejected") == 0;
	}
	g_assert_cmpuint(seen, ==, records);
	/* every flooded one was refused by the peers it reached */
	g_assert_cmpuint(rejected, >=, flooded);

	/* summary.json: nothing injected confirmed; the reasons counted */
	cJSON *s = parse_file(dir, "summary.json");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(s, "transactions");
	g_assert_cmpfloat(jnum(t, "injected_invalid"), ==, records);
	g_assert_cmpfloat(jnum(t, "injected_confirmed"), ==, 0);
	double bad_sig = reason_count(s, "rejected_by_reason", "bad-signature");
	double overspend = reason_count(s, "rejected_by_reason", "overspend");
	double replayed = reason_count(s, "rejected_by_reason", "bad-seq") +
			  reason_count(s, "rejected_by_reason", "duplicate");
	g_test_message("tx rejections: bad-signature %.0f, overspend %.0f, bad-seq+duplicate %.0f",
		       bad_sig, overspend, replayed);
	g_assert_cmpfloat(bad_sig, >=, 5);
	g_assert_cmpfloat(overspend, >=, 3);
	g_assert_cmpfloat(replayed, >=, 4);
	/* and every crafted block was refused, for its reason */
	g_assert_cmpfloat(jnum(s, "blocks_injected"), ==, 5);
	g_assert_cmpfloat(reason_count(s, "blocks_rejected_by_reason", "bad-signature"), ==, 1);
	g_assert_cmpfloat(reason_count(s, "blocks_rejected_by_reason", "overspend"), ==, 1);
	g_assert_cmpfloat(reason_count(s, "blocks_rejected_by_reason", "bad-coinbase"), ==, 1);
	double blocks_rejected = 0;
	const cJSON *br = cJSON_GetObjectItemCaseSensitive(s, "blocks_rejected_by_reason"), *v;
	cJSON_ArrayForEach(v, br)
		blocks_rejected += v->valuedouble;
	g_assert_cmpfloat(blocks_rejected, ==, 5);
	/* no crafted block on the main chain */
	for (const struct block *b = report_main_tip(w); b->parent; b = b->parent)
		g_assert_false(world_block_stat(w, b->id)->injected);

	g_test_message("%u injected transactions, %u distinct ids", records,
		       g_hash_table_size(injected));
	cJSON_Delete(s);
	g_ptr_array_free(txs, TRUE);
	g_hash_table_destroy(injected);
	world_free(w);
	rm_dir(dir);
	config_clear(&sc);
}

/* A flood of COUNT invalid transactions is COUNT different transactions:
 * the same transaction sent COUNT times is dropped as a duplicate after
 * the first and tests nothing more, and txs.csv would list one id COUNT
 * times. */
static void test_injections_distinct(void)
{
	struct scenario sc;
	GError *err = NULL;
	if (!scenario_load_string(injection_scenario, "inject.json", NULL, &sc, &err))
		g_error("%s", err->message);
	world_t *w = run_world(&sc, NULL);
	GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	const GArray *recs = world_txs(w);
	for (guint i = 0; i < recs->len; i++) {
		char id[HASH_HEX_SIZE];
		tx_id_hex(g_array_index(recs, struct world_tx, i).tx, id);
		g_hash_table_add(ids, g_strdup(id));
	}
	g_test_message("%u transactions created, %u distinct ids", recs->len,
		       g_hash_table_size(ids));
	g_assert_cmpuint(g_hash_table_size(ids), ==, recs->len);
	g_hash_table_destroy(ids);
	world_free(w);
	config_clear(&sc);
}

/* ---- a reorg at world level ---- */

/* The trader sits on the weak side of a partition (west, a tenth of the
 * hash rate): while split, its transfers are confirmed only on west's
 * branch. After the heal, west adopts east's chain; the transfers of the
 * abandoned blocks go back to the mempools (they are still valid: nobody
 * else spent the trader's balance or sequence numbers) and end up
 * confirmed on the winning chain, in other blocks. (The other half of the
 * ledger's reorg rule, a transfer that became invalid not coming back,
 * needs one sender signing conflicting transfers on both sides, which no
 * scenario action can make; tests/test_mempool.c "/mempool/reorg" proves
 * it on the mempool itself.) */
static void test_reorg_returns(void)
{
	const char *text =
		"{\"name\": \"reorg-txs\", \"seed\": 21,"
		" \"stop\": {\"time\": \"150s\"},"
		" \"consensus\": {\"mode\": \"real\", \"difficulty\": 3.5},"
		" \"network\": {\"topology\": \"full\", \"latency\": \"30ms\", \"processing\": \"1ms\"},"
		" \"nodes\": ["
		"   {\"name\": \"east\", \"count\": 3, \"role\": \"miner\", \"hashrate\": \"3kH/s\"},"
		"   {\"name\": \"west\", \"role\": \"miner\", \"hashrate\": \"1kH/s\"},"
		"   {\"name\": \"trader\", \"role\": \"trader\", \"balance\": 1000,"
		"    \"trade\": {\"interval\": \"2s\", \"amount\": [1, 5], \"to\": \"east1\"}}],"
		" \"events\": ["
		"   {\"at\": \"20s\", \"action\": \"partition\", \"sides\": [[\"east\"], [\"west\", \"trader\"]]},"
		"   {\"at\": \"80s\", \"action\": \"heal\"}]}";
	struct scenario sc;
	GError *err = NULL;
	if (!scenario_load_string(text, "reorg-txs.json", NULL, &sc, &err))
		g_error("%s", err->message);
	world_t *w = run_world(&sc, NULL);
	invariants_check(NULL, w);
	char *dir = tmpdir();
	write_traces(w, dir);
	replay_chain(w, dir, sc.consensus.reward);

	/* where each transfer sits on the main chain */
	GHashTable *main_block = g_hash_table_new(g_direct_hash, g_direct_equal);
	GHashTable *on_main = g_hash_table_new(g_direct_hash, g_direct_equal);
	const struct block *tip = report_main_tip(w);
	for (const struct block *b = tip; b; b = b->parent) {
		g_hash_table_add(on_main, (gpointer)b);
		for (uint32_t i = 1; i < b->n_tx; i++)
			g_hash_table_insert(main_block, (gpointer)b->txs[i], (gpointer)b);
	}
	/* every transfer of an abandoned block mined by west while split */
	const chain_store_t *st = world_store(w);
	uint32_t returned = 0, west = 3;
	for (uint32_t id = 1; id < chain_store_count(st); id++) {
		const struct block *b = chain_store_get(st, id);
		if (g_hash_table_contains(on_main, b) || b->h.miner != west)
			continue;
		for (uint32_t i = 1; i < b->n_tx; i++) {
			const struct block *m = g_hash_table_lookup(main_block, b->txs[i]);
			g_assert_nonnull(m);            /* confirmed again ... */
			g_assert_true(m != b);          /* ... in another block */
			returned++;
		}
	}
	/* the partition did what it should: west's transfers were stranded */
	g_test_message("%u transfers confirmed on west's lost branch, all confirmed again "
		       "on the main chain", returned);
	g_assert_cmpuint(returned, >=, 5);
	/* and every one the trader made before the end's last minutes is in */
	const GArray *recs = world_txs(w);
	for (guint i = 0; i < recs->len; i++) {
		const struct world_tx *rec = &g_array_index(recs, struct world_tx, i);
		if (rec->tx->created < 120 * SIMTIME_S)
			g_assert_true(g_hash_table_contains(main_block, rec->tx));
	}
	g_hash_table_destroy(main_block);
	g_hash_table_destroy(on_main);
	world_free(w);
	rm_dir(dir);
	config_clear(&sc);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/txs/burst", test_burst);
	g_test_add_func("/txs/injections", test_injections);
	g_test_add_func("/txs/reorg-returns", test_reorg_returns);
	g_test_add_func("/txs/injections-distinct", test_injections_distinct);
	return g_test_run();
}
