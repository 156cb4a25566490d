/* api: the documents' node API as JSON (see api.h). */
#include "powsim/api.h"

#include <math.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "powsim/budget.h"
#include "powsim/hash.h"
#include "powsim/report.h"
#include "powsim/trace.h"
#include "powsim/wallet.h"

/* A cJSON tree as a g_malloc'ed string; deletes the tree. */
static char *text_of(cJSON *o)
{
	char *t = cJSON_PrintUnformatted(o);
	char *out = g_strdup(t ? t : "{}");
	cJSON_free(t);
	cJSON_Delete(o);
	return out;
}

static void address_of(const world_t *w, uint32_t id, char buf[WALLET_ADDR_HEX_SIZE])
{
	wallet_address_hex(tx_keys_wallet(world_keys(w), id), buf);
}

static char *http_address(unsigned base_port, uint32_t id)
{
	return g_strdup_printf("127.0.0.1:%u", base_port + id);
}

/* The port of "HOST:PORT" or "http://HOST:PORT[/]" for a local HOST, or 0. */
static unsigned local_port(const char *s)
{
	if (g_str_has_prefix(s, "http://"))
		s += 7;
	const char *host[] = { "127.0.0.1:", "localhost:" };
	for (unsigned i = 0; i < G_N_ELEMENTS(host); i++) {
		if (!g_str_has_prefix(s, host[i]))
			continue;
		const char *p = s + strlen(host[i]);
		char *end = NULL;
		guint64 v = g_ascii_strtoull(p, &end, 10);
		if (end == p || (*end && strcmp(end, "/") != 0) || v == 0 || v > 65535)
			return 0;
		return (unsigned)v;
	}
	return 0;
}

uint32_t api_node(const world_t *w, const char *s, unsigned base_port)
{
	uint32_t n = world_node_count(w);
	if (!s || !*s || strlen(s) > 200)
		return API_NO_NODE;
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	uint32_t id = API_NO_NODE;
	if (config_resolve(world_scenario(w), s, ids) && ids->len == 1)
		id = g_array_index(ids, guint32, 0);
	g_array_free(ids, TRUE);
	if (id != API_NO_NODE)
		return id;
	if (strlen(s) == WALLET_ADDR_HEX_SIZE - 1) {
		char buf[WALLET_ADDR_HEX_SIZE];
		for (uint32_t i = 0; i < n; i++) {
			address_of(w, i, buf);
			if (g_ascii_strcasecmp(buf, s) == 0)
				return i;
		}
	}
	unsigned port = base_port ? local_port(s) : 0;
	if (port > 0 && port >= base_port && port - base_port < n)
		return port - base_port;
	return API_NO_NODE;
}

char *api_message(const char *message, const char *reason)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "message", message);
	if (reason)
		cJSON_AddStringToObject(o, "reason", reason);
	return text_of(o);
}

char *api_chain(const world_t *w, uint32_t id)
{
	return trace_chain_json(w, world_node(w, id)->view.tip);
}

char *api_mined(const world_t *w, const struct block *b)
{
	char *bt = trace_block_json(w, b);
	cJSON *o = cJSON_Parse(bt);
	g_free(bt);
	if (!o)
		o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "message", "New Block Forged");
	return text_of(o);
}

static cJSON *peers_json(const world_t *w, uint32_t id, unsigned base_port)
{
	cJSON *a = cJSON_CreateArray();
	GArray *peers = g_array_new(FALSE, FALSE, sizeof(guint32));
	world_peers(w, id, peers);
	for (guint i = 0; i < peers->len; i++) {
		char *addr = http_address(base_port, g_array_index(peers, guint32, i));
		cJSON_AddItemToArray(a, cJSON_CreateString(addr));
		g_free(addr);
	}
	g_array_free(peers, TRUE);
	return a;
}

char *api_nodes(const world_t *w, uint32_t id, unsigned base_port, const char *message)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *a = peers_json(w, id, base_port);
	int len = cJSON_GetArraySize(a);
	if (message) {
		cJSON_AddStringToObject(o, "message", message);
		cJSON_AddItemToObject(o, "total_nodes", a);
	} else {
		cJSON_AddItemToObject(o, "nodes", a);
		cJSON_AddNumberToObject(o, "length", len);
	}
	return text_of(o);
}

char *api_resolved(const world_t *w, uint32_t id, bool replaced)
{
	char *ct = api_chain(w, id);
	cJSON *c = cJSON_Parse(ct);
	g_free(ct);
	cJSON *chain = c ? cJSON_DetachItemFromObject(c, "chain") : NULL;
	cJSON_Delete(c);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "message", replaced ? "Our chain was replaced"
						       : "Our chain is authoritative");
	cJSON_AddItemToObject(o, replaced ? "new_chain" : "chain",
			      chain ? chain : cJSON_CreateArray());
	return text_of(o);
}

static cJSON *tx_brief(const world_t *w, const struct tx *t)
{
	cJSON *o = cJSON_CreateObject();
	char addr[WALLET_ADDR_HEX_SIZE], name[64], id[HASH_HEX_SIZE];
	if (tx_is_coinbase(t)) {
		cJSON_AddStringToObject(o, "sender", "0");
	} else {
		address_of(w, t->sender, addr);
		cJSON_AddStringToObject(o, "sender", addr);
		world_node_name(w, t->sender, name, sizeof name);
		cJSON_AddStringToObject(o, "sender_node", name);
	}
	address_of(w, t->recipient, addr);
	cJSON_AddStringToObject(o, "recipient", addr);
	world_node_name(w, t->recipient, name, sizeof name);
	cJSON_AddStringToObject(o, "recipient_node", name);
	cJSON_AddNumberToObject(o, "amount", (double)t->amount);
	tx_id_hex(t, id);
	cJSON_AddStringToObject(o, "id", id);
	return o;
}

char *api_mempool(const world_t *w, uint32_t id)
{
	const struct node *n = world_node(w, id);
	uint32_t size = mempool_size(n->mempool);
	const struct tx **txs = g_new(const struct tx *, size ? size : 1);
	uint32_t k = mempool_list(n->mempool, txs, size);
	cJSON *o = cJSON_CreateObject();
	cJSON *a = cJSON_AddArrayToObject(o, "transactions");
	for (uint32_t i = 0; i < k; i++)
		cJSON_AddItemToArray(a, tx_brief(w, txs[i]));
	cJSON_AddNumberToObject(o, "length", k);
	g_free(txs);
	return text_of(o);
}

char *api_balance(const world_t *w, uint32_t id, uint32_t account)
{
	char addr[WALLET_ADDR_HEX_SIZE], name[64];
	address_of(w, account, addr);
	world_node_name(w, account, name, sizeof name);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "address", addr);
	cJSON_AddStringToObject(o, "node", name);
	cJSON_AddNumberToObject(o, "balance", (double)world_balance(w, id, account));
	return text_of(o);
}

char *api_template(const world_t *w, uint32_t id)
{
	uint8_t header[POW_HEADER_SIZE], be[32];
	struct u256 target;
	if (!world_template(w, id, header, &target))
		return NULL;
	char hex[2 * POW_HEADER_SIZE + 1];
	cJSON *o = cJSON_CreateObject();
	hash_hex(header, POW_HEADER_SIZE, hex);
	cJSON_AddStringToObject(o, "header", hex);
	u256_to_be(&target, be);
	hash_hex(be, 32, hex);
	cJSON_AddStringToObject(o, "target", hex);
	cJSON_AddNumberToObject(o, "nonce_offset", 88);
	cJSON_AddNumberToObject(o, "nonce_bytes", 8);
	cJSON_AddStringToObject(o, "byteorder", "little");
	const struct node *n = world_node(w, id);
	cJSON_AddNumberToObject(o, "difficulty", n->tpl.h.millizeros / 1000.0);
	cJSON_AddNumberToObject(o, "index", n->tpl.h.height);
	hash_hex(n->tpl.h.prev, 32, hex);
	cJSON_AddStringToObject(o, "previous_hash", hex);
	cJSON_AddNumberToObject(o, "transactions", n->tpl.txs->len);
	return text_of(o);
}

static const char *role_name(enum node_role r)
{
	return r == ROLE_MINER ? "miner" : r == ROLE_TRADER ? "trader" : "relay";
}

/* Up to COUNT main-chain blocks, newest first, with their transfers. */
static cJSON *recent_json(const world_t *w, const struct block *tip, unsigned count)
{
	cJSON *a = cJSON_CreateArray();
	char hex[HASH_HEX_SIZE], name[64];
	for (const struct block *b = tip; b && b->parent && count > 0; b = b->parent, count--) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "index", b->h.height);
		hash_hex(b->hash, 32, hex);
		cJSON_AddStringToObject(o, "hash", hex);
		world_node_name(w, b->h.miner, name, sizeof name);
		cJSON_AddStringToObject(o, "miner", name);
		cJSON_AddNumberToObject(o, "mined_at", b->mined_at / 1e9);
		cJSON_AddNumberToObject(o, "difficulty", block_zeros(b));
		cJSON_AddNumberToObject(o, "proof", (double)b->h.nonce);
		cJSON *txs = cJSON_AddArrayToObject(o, "transactions");
		for (uint32_t i = 0; i < b->n_tx && i < 50; i++)
			cJSON_AddItemToArray(txs, tx_brief(w, b->txs[i]));
		cJSON_AddNumberToObject(o, "n_tx", b->n_tx);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

char *api_state(const world_t *w, unsigned base_port, double speed)
{
	const struct block *tip = report_main_tip(w);
	cJSON *o = cJSON_CreateObject();
	char hex[HASH_HEX_SIZE], name[64];
	cJSON_AddStringToObject(o, "scenario", world_scenario(w)->name);
	cJSON_AddNumberToObject(o, "time_s", world_now(w) / 1e9);
	cJSON_AddNumberToObject(o, "speed", speed);
	cJSON_AddNumberToObject(o, "blocks_mined", (double)world_counts(w)->blocks_mined);
	cJSON_AddNumberToObject(o, "difficulty", block_zeros(tip));
	uint32_t best = 0;
	for (uint32_t i = 0; i < world_node_count(w); i++)
		if (world_node(w, i)->view.tip == tip)
			best = i;
	cJSON_AddNumberToObject(o, "next_difficulty", world_next_difficulty(w, best) / 1000.0);
	cJSON *nodes = cJSON_AddArrayToObject(o, "nodes");
	for (uint32_t i = 0; i < world_node_count(w); i++) {
		const struct node *n = world_node(w, i);
		cJSON *x = cJSON_CreateObject();
		world_node_name(w, i, name, sizeof name);
		cJSON_AddStringToObject(x, "name", name);
		char *addr = http_address(base_port, i);
		cJSON_AddStringToObject(x, "address", addr);
		g_free(addr);
		cJSON_AddStringToObject(x, "role", role_name(n->role));
		cJSON_AddBoolToObject(x, "online", n->online);
		cJSON_AddNumberToObject(x, "height", n->view.tip->h.height);
		hash_hex(n->view.tip->hash, 32, hex);
		cJSON_AddStringToObject(x, "tip", hex);
		cJSON_AddNumberToObject(x, "mempool", mempool_size(n->mempool));
		cJSON_AddNumberToObject(x, "balance", (double)world_balance(w, i, i));
		cJSON_AddItemToArray(nodes, x);
	}
	cJSON_AddItemToObject(o, "recent", recent_json(w, tip, 12));
	uint32_t k = world_node_count(w) - 1, size = 0;
	for (uint32_t i = 0; i < world_node_count(w); i++)
		if (mempool_size(world_node(w, i)->mempool) > size) {
			size = mempool_size(world_node(w, i)->mempool);
			k = i;
		}
	char *mp = api_mempool(w, k);
	cJSON *m = cJSON_Parse(mp);
	g_free(mp);
	if (m) {
		world_node_name(w, k, name, sizeof name);
		cJSON_AddStringToObject(m, "node", name);
		cJSON_AddItemToObject(o, "mempool", m);
	}
	return text_of(o);
}

/* ---- request bodies ---- */

static cJSON *parse_object(const char *body, size_t len, char **why)
{
	if (len > API_MAX_BODY) {
		*why = g_strdup_printf("the body has %zu bytes; at most %u are read", len, API_MAX_BODY);
		return NULL;
	}
	cJSON *o = body && len ? cJSON_ParseWithLength(body, len) : NULL;
	if (!cJSON_IsObject(o)) {
		*why = g_strdup(o ? "expected a JSON object" : "the body is not JSON");
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* A positive integer as a JSON number or a digit string. */
static bool read_count(const cJSON *v, uint64_t max, uint64_t *out)
{
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (!isfinite(d) || d != floor(d) || d < 0 || d > 9007199254740991.0 || d > (double)max)
			return false;
		*out = (uint64_t)d;
		return true;
	}
	guint64 x;
	if (cJSON_IsString(v) &&
	    g_ascii_string_to_unsigned(v->valuestring, 10, 0, max, &x, NULL)) {
		*out = x;
		return true;
	}
	return false;
}

bool api_parse_transaction(const world_t *w, const char *body, size_t len,
			   struct event_cfg *e, char **why)
{
	cJSON *o = parse_object(body, len, why);
	if (!o)
		return false;
	const char *keys[] = { "sender", "recipient", "amount" };
	for (unsigned i = 0; i < G_N_ELEMENTS(keys); i++)
		if (!cJSON_GetObjectItemCaseSensitive(o, keys[i])) {
			*why = g_strdup_printf("Missing values: \"%s\" (required: sender, recipient, amount)",
					       keys[i]);
			cJSON_Delete(o);
			return false;
		}
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "sender");
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(o, "recipient");
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "amount");
	uint32_t from = cJSON_IsString(s) ? api_node(w, s->valuestring, 0) : API_NO_NODE;
	uint32_t to = cJSON_IsString(r) ? api_node(w, r->valuestring, 0) : API_NO_NODE;
	uint64_t amount = 0;
	bool ok = false;
	if (!cJSON_IsString(s))
		*why = g_strdup("\"sender\": expected a node name or a wallet address");
	else if (from == API_NO_NODE)
		*why = g_strdup_printf("unknown sender \"%.64s\": not a node of this network (a name "
				       "such as \"Node6\" or a wallet address)", s->valuestring);
	else if (!cJSON_IsString(r))
		*why = g_strdup("\"recipient\": expected a node name or a wallet address");
	else if (to == API_NO_NODE)
		*why = g_strdup_printf("unknown recipient \"%.64s\": not a node of this network",
				       r->valuestring);
	else if (!read_count(a, UINT64_MAX, &amount) || amount == 0)
		*why = g_strdup("\"amount\": expected a whole number of coins above zero");
	else if (from == to)
		*why = g_strdup("sender and recipient are the same account");
	else
		ok = true;
	if (ok) {
		char name[64];
		g_free(e->from);
		g_free(e->link_to);
		world_node_name(w, from, name, sizeof name);
		e->from = g_strdup(name);
		world_node_name(w, to, name, sizeof name);
		e->link_to = g_strdup(name);
		e->amount = amount;
	}
	cJSON_Delete(o);
	return ok;
}

bool api_parse_nodes(const world_t *w, const char *body, size_t len, unsigned base_port,
		     GArray *ids, char **why)
{
	cJSON *o = parse_object(body, len, why);
	if (!o)
		return false;
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "nodes");
	bool ok = cJSON_IsArray(a) && a->child;
	if (!ok)
		*why = g_strdup("Error: Please supply a valid list of nodes ({\"nodes\": [\"127.0.0.1:5001\"]})");
	int k = 0;
	for (const cJSON *it = ok ? a->child : NULL; it && ok; it = it->next, k++) {
		uint32_t id = cJSON_IsString(it) ? api_node(w, it->valuestring, base_port) : API_NO_NODE;
		if (id == API_NO_NODE || k >= 1000) {
			ok = false;
			*why = k >= 1000 ? g_strdup("at most 1000 nodes at once")
			     : g_strdup_printf("nodes[%d]: not a node of this network (expected an address "
					       "such as \"127.0.0.1:%u\" or a node name)", k, base_port);
		} else {
			g_array_append_val(ids, id);
		}
	}
	cJSON_Delete(o);
	return ok;
}

bool api_parse_submit(const char *body, size_t len, uint64_t *nonce, char **why)
{
	cJSON *o = parse_object(body, len, why);
	if (!o)
		return false;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "nonce");
	if (!v)
		v = cJSON_GetObjectItemCaseSensitive(o, "proof");
	bool ok = v && read_count(v, UINT64_MAX, nonce);
	if (!ok)
		*why = g_strdup(v ? "\"nonce\": expected a whole number (a digit string above 2^53)"
				  : "Missing Value: nonce");
	cJSON_Delete(o);
	return ok;
}

bool api_parse_difficulty(const char *body, size_t len, bool hashed, uint32_t *millizeros,
			  char **why)
{
	cJSON *o = parse_object(body, len, why);
	if (!o)
		return false;
	const char *keys[] = { "num_zeros", "difficulty", "value" };
	const cJSON *v = NULL;
	for (unsigned i = 0; i < G_N_ELEMENTS(keys) && !v; i++)
		v = cJSON_GetObjectItemCaseSensitive(o, keys[i]);
	double z = -1;
	if (cJSON_IsNumber(v))
		z = v->valuedouble;
	else if (cJSON_IsString(v)) {
		char *end = NULL;
		z = g_ascii_strtod(v->valuestring, &end);
		if (end == v->valuestring || *end)
			z = -1;
	}
	bool ok = isfinite(z) && z >= 0 && z <= POW_MAX_MILLIZEROS / 1000.0;
	if (!ok) {
		*why = g_strdup(v ? "\"num_zeros\": expected leading hex zeros from 0 to 60"
				  : "Missing value: num_zeros");
	} else {
		*millizeros = (uint32_t)llround(z * 1000);
		/* As budget.h refuses it in a scenario: a block of the hashing
		 * modes costs 16^z hashes, on the thread that serves the API. */
		double work = pow(16.0, *millizeros / 1000.0);
		ok = !hashed || work <= BUDGET_MAX_BLOCK_HASHES;
		if (!ok)
			*why = g_strdup_printf("\"num_zeros\": %g makes a block take about %.3g hashes "
					       "(16^num_zeros), over the limit of %.3g (2^36, num_zeros 9, "
					       "about 15 minutes of one core) of a run that hashes its blocks",
					       *millizeros / 1000.0, work, BUDGET_MAX_BLOCK_HASHES);
	}
	cJSON_Delete(o);
	return ok;
}
