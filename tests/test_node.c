/* The node protocol over three nodes on a line, m1 - m2 - m3, without a
 * world: the test owns the queue, the network and the store, makes blocks
 * from the nodes' templates (model mode), and counts the messages each
 * relay protocol sends. Announce and request (inv), orphans (a child
 * before its parent), chain fetches (pull-chain and a healed partition)
 * and a reorg. */
#include <string.h>

#include <glib.h>

#include "powsim/node.h"
#include "powsim/scenario.h"

#define N 3

struct harness {
	struct scenario sc;
	evq_t *q;
	net_t *net;
	chain_store_t *store;
	consensus_t *cons;
	tx_keys_t *keys;
	GPtrArray *arena;
	struct node nodes[N];
	struct node_hooks hooks;
	struct node_env env;
	uint32_t msgs[MSG_KINDS];    /* messages delivered, by type */
	uint32_t reorg_depth[N];     /* deepest reorg of each node */
	uint64_t nonce;
};

static void on_event(void *ctx, const struct evq_event *ev)
{
	struct harness *h = ctx;
	if (ev->kind == NODE_EV_MSG) {
		g_assert_cmpuint(ev->p.a, <, MSG_KINDS);
		h->msgs[ev->p.a]++;
	}
	node_handle(&h->env, &h->nodes[ev->dst], ev);
}

static void tip_changed(void *ctx, const struct node *n, const struct chain_reorg *r)
{
	struct harness *h = ctx;
	h->reorg_depth[n->id] = MAX(h->reorg_depth[n->id], r->depth);
}

static void free_state(void *p)
{
	ledger_unref(p);
}

/* Three miners on a line under RELAY, 100 ms per link. */
static struct harness *harness_new(const char *relay)
{
	/* line-aligned: it holds struct nodes (node.h) */
	struct harness *h = g_aligned_alloc0(1, sizeof *h, 64);
	char *text = g_strdup_printf(
		"{\"stop\": {\"time\": \"1min\"}, \"consensus\": {\"mode\": \"model\", \"difficulty\": 1},"
		" \"network\": {\"relay\": \"%s\", \"latency\": \"100ms\", \"topology\": \"edges\","
		"  \"edges\": [[\"m1\", \"m2\"], [\"m2\", \"m3\"]]},"
		" \"nodes\": [{\"name\": \"m\", \"count\": 3, \"hashrate\": \"1kH/s\"}]}", relay);
	GError *err = NULL;
	if (!scenario_load_string(text, "node-test.json", NULL, &h->sc, &err))
		g_error("%s", err->message);
	g_free(text);
	h->q = evq_new();
	h->net = net_new(&h->sc.network, N, NULL, h->sc.seed);
	h->store = chain_store_new(block_genesis());
	chain_store_set_verdict(h->store, 0, CHAIN_VALID, NULL);
	uint64_t bal[N] = { 0 };
	chain_store_set_aux(h->store, 0, ledger_genesis(N, bal));
	h->cons = consensus_new(&h->sc.consensus);
	h->keys = tx_keys_new(h->sc.seed, N);
	h->arena = g_ptr_array_new_with_free_func(g_free);
	h->hooks = (struct node_hooks){ .tip_changed = tip_changed };
	h->env = (struct node_env){
		.q = h->q, .net = h->net, .store = h->store, .cons = h->cons,
		.net_cfg = &h->sc.network, .cons_cfg = &h->sc.consensus, .pool_cfg = &h->sc.mempool,
		.seed = h->sc.seed,
		.keys = h->keys, .nodes = h->nodes, .n = N, .tx_arena = h->arena,
		.hooks = &h->hooks, .hook_ctx = h,
	};
	struct node_spec spec = config_node_spec(&h->sc, 0);
	for (uint32_t i = 0; i < N; i++)
		node_init(&h->nodes[i], i, &spec, &h->env);
	for (uint32_t k = 0; k < NODE_EV_KINDS; k++)
		evq_register(h->q, k, on_event, h);
	return h;
}

static void harness_free(struct harness *h)
{
	for (uint32_t i = 0; i < N; i++)
		node_clear(&h->nodes[i]);
	chain_store_free(h->store, free_state);
	g_ptr_array_free(h->arena, TRUE);
	consensus_free(h->cons);
	tx_keys_free(h->keys);
	net_free(h->net);
	evq_free(h->q);
	config_clear(&h->sc);
	g_aligned_free(h);
}

/* A block by miner ID on PARENT, now, with its coinbase alone, added to
 * the store (not yet known to any node). */
static const struct block *make_block(struct harness *h, uint32_t id, const struct block *parent)
{
	simtime_t now = evq_now(h->q);
	struct tx *cb = g_new0(struct tx, 1);
	tx_coinbase(cb, h->keys, id, consensus_reward(h->cons), parent->h.height + 1, now);
	g_ptr_array_add(h->arena, cb);
	const struct tx *txs[1] = { cb };
	struct block_header hd = {
		.version = BLOCK_VERSION | BLOCK_FLAG_MODELLED, .height = parent->h.height + 1,
		.timestamp = now, .millizeros = consensus_required(h->cons, parent, now),
		.miner = id, .nonce = h->nonce++,
	};
	memcpy(hd.prev, parent->hash, 32);
	block_merkle(txs, 1, hd.merkle);
	struct block *b = block_new(&hd, parent, txs, 1, now, 200);
	chain_store_add(h->store, b);
	return b;
}

/* Node ID mines a block on its tip: it holds it and relays it. */
static const struct block *mine(struct harness *h, uint32_t id)
{
	const struct block *b = make_block(h, id, h->nodes[id].view.tip);
	node_mined(&h->env, &h->nodes[id], b);
	return b;
}

/* Deliver every event (a runaway protocol fails the test). */
static void run(struct harness *h)
{
	uint32_t k = 0;
	while (evq_step(h->q))
		g_assert_cmpuint(++k, <, 100000);
}

/* Deliver block B to node TO as if node FROM had sent it. */
static void deliver_block(struct harness *h, uint32_t from, uint32_t to, const struct block *b)
{
	struct evq_payload p = {
		.a = MSG_BLOCK, .b = net_peer_index(h->net, to, from), .c = from, .ptr = (void *)b,
	};
	evq_schedule(h->q, SIMTIME_MS, NODE_EV_MSG, to, &p);
}

static void assert_tips(const struct harness *h, const struct block *tip)
{
	for (uint32_t i = 0; i < N; i++) {
		g_assert_true(h->nodes[i].view.tip == tip);
		g_assert_cmpint(chain_view_status(&h->nodes[i].view, tip), ==, VIEW_HAVE);
	}
}

/* inv: a new block is announced hop by hop; each peer that lacks it asks
 * for it and gets it: one INV, one GETDATA and one BLOCK per link. */
static void test_inv(void)
{
	struct harness *h = harness_new("inv");
	const struct block *b = mine(h, 0);
	run(h);
	assert_tips(h, b);
	g_assert_cmpuint(h->msgs[MSG_INV], ==, 2);
	g_assert_cmpuint(h->msgs[MSG_GETDATA], ==, 2);
	g_assert_cmpuint(h->msgs[MSG_BLOCK], ==, 2);
	g_assert_cmpuint(h->msgs[MSG_GETCHAIN] + h->msgs[MSG_CHAIN], ==, 0);
	harness_free(h);
}

/* push: the block itself goes over each link once, nothing else. */
static void test_push(void)
{
	struct harness *h = harness_new("push");
	const struct block *b = mine(h, 2);
	run(h);
	assert_tips(h, b);
	g_assert_cmpuint(h->msgs[MSG_BLOCK], ==, 2);
	g_assert_cmpuint(h->msgs[MSG_INV] + h->msgs[MSG_GETDATA], ==, 0);
	harness_free(h);
}

/* A child before its parent waits as an orphan (each peer in turn is
 * asked for its chain); the parent connects both. */
static void test_orphan(void)
{
	struct harness *h = harness_new("push");
	const struct block *b1 = make_block(h, 0, h->nodes[0].view.tip);
	const struct block *b2 = make_block(h, 0, b1);
	struct node *m2 = &h->nodes[1];
	deliver_block(h, 0, 1, b2);
	run(h);
	g_assert_cmpint(chain_view_status(&m2->view, b2), ==, VIEW_ORPHAN);
	g_assert_true(m2->view.tip->parent == NULL);
	/* the missing parent is asked of the sender, then of m2's other
	 * peer; neither has it, so the fetch ends (node.h, "Liveness") */
	g_assert_cmpuint(h->msgs[MSG_GETCHAIN], ==, 2);
	deliver_block(h, 0, 1, b1);
	run(h);
	g_assert_true(m2->view.tip == b2);
	g_assert_true(h->nodes[2].view.tip == b2); /* relayed on to m3 */
	harness_free(h);
}

/* pull-chain: a better tip is announced, and a peer whose tip is worse
 * fetches the announcer's whole chain; no block travels alone. */
static void test_pull_chain(void)
{
	struct harness *h = harness_new("pull-chain");
	const struct block *b = NULL;
	for (int i = 0; i < 3; i++) {
		b = mine(h, 0);
		run(h);
	}
	assert_tips(h, b);
	g_assert_cmpuint(b->h.height, ==, 3);
	g_assert_cmpuint(h->msgs[MSG_ANNOUNCE], ==, 6);
	g_assert_cmpuint(h->msgs[MSG_GETCHAIN], ==, 6);
	g_assert_cmpuint(h->msgs[MSG_CHAIN], ==, 6);
	g_assert_cmpuint(h->msgs[MSG_BLOCK] + h->msgs[MSG_INV], ==, 0);
	harness_free(h);
}

/* A partition: m1 mines one block alone, m2 two on the other side. On
 * the heal every node asks its peers for their chains, m1 reorgs one
 * block deep onto the longer chain, and all agree. */
static void test_reorg(void)
{
	struct harness *h = harness_new("inv");
	uint32_t side[N] = { 1, 2, 2 };
	net_partition(h->net, side);
	const struct block *a1 = mine(h, 0);
	run(h);
	g_assert_true(h->nodes[1].view.tip->parent == NULL); /* a1 did not cross */
	mine(h, 1);
	run(h);
	const struct block *b2 = mine(h, 1);
	run(h);
	g_assert_true(h->nodes[0].view.tip == a1);
	net_heal(h->net);
	for (uint32_t i = 0; i < N; i++)
		node_request_chains(&h->env, &h->nodes[i]);
	run(h);
	assert_tips(h, b2);
	g_assert_cmpuint(h->reorg_depth[0], ==, 1);
	g_assert_cmpuint(h->reorg_depth[1], ==, 0);
	g_assert_cmpuint(h->reorg_depth[2], ==, 0);
	/* m1 keeps a1, now stale; the others never fetch a worse chain */
	g_assert_cmpint(chain_view_status(&h->nodes[0].view, a1), ==, VIEW_HAVE);
	g_assert_cmpint(chain_view_status(&h->nodes[1].view, a1), ==, VIEW_UNKNOWN);
	harness_free(h);
}

static void tick(void *ctx, const struct evq_event *ev)
{
	(void)ctx;
	(void)ev;
}

/* Let DT of simulated time pass on H's clock. */
static void advance(struct harness *h, simtime_t dt)
{
	evq_register(h->q, NODE_EV_KINDS, tick, NULL);
	evq_schedule(h->q, dt, NODE_EV_KINDS, 0, NULL);
	g_assert_true(evq_step(h->q));
}

/* N's template, sealed: one coinbase paying the reward at HEIGHT, made at
 * CREATED, with the id and merkle root a fresh coinbase of those fields
 * has. */
static void assert_sealed(struct harness *h, struct node *n, uint32_t height, simtime_t created)
{
	node_template_seal(&h->env, n);
	g_assert_true(n->tpl.sealed);
	g_assert_cmpuint(n->tpl.txs->len, ==, 1);
	const struct tx *cb = g_ptr_array_index(n->tpl.txs, 0);
	struct tx want;
	tx_coinbase(&want, h->keys, n->id, consensus_reward(h->cons), height, created);
	g_assert_cmpuint(cb->seq, ==, height);
	g_assert_cmpint(cb->created, ==, created);
	g_assert_cmpmem(cb->id, HASH_SIZE, want.id, HASH_SIZE);
	const struct tx *txs[1] = { &want };
	uint8_t merkle[32];
	block_merkle(txs, 1, merkle);
	g_assert_cmpmem(n->tpl.h.merkle, 32, merkle, 32);
	g_assert_cmpuint(n->tpl.h.height, ==, height);
}

/* A template is completed (coinbase id, merkle root) only when sealed, and
 * sealing late gives what building it complete did: the coinbase keeps its
 * creation time while height and amount stay, and is rewritten, dated
 * anew, when the height changes. */
static void test_template_seal(void)
{
	struct harness *h = harness_new("inv");
	struct node *m1 = &h->nodes[0];
	advance(h, SIMTIME_S);
	node_rebuild_template(&h->env, m1);
	g_assert_false(m1->tpl.sealed);
	g_assert_cmpuint(m1->tpl.txs->len, ==, 1);
	advance(h, SIMTIME_S);
	assert_sealed(h, m1, 1, SIMTIME_S); /* dated when built, not when sealed */
	node_rebuild_template(&h->env, m1);
	g_assert_false(m1->tpl.sealed);
	assert_sealed(h, m1, 1, SIMTIME_S); /* same height and amount: kept */
	const struct block *b = make_block(h, 1, m1->view.tip);
	advance(h, SIMTIME_S);
	deliver_block(h, 1, 0, b);
	run(h);
	g_assert_true(m1->view.tip == b);
	g_assert_false(m1->tpl.sealed);
	g_assert_cmpint(m1->tpl.t0, >, 3 * SIMTIME_S); /* rebuilt when b connected */
	assert_sealed(h, m1, 2, m1->tpl.t0);
	harness_free(h);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/node/inv/announce-request", test_inv);
	g_test_add_func("/node/push/each-link-once", test_push);
	g_test_add_func("/node/orphan/child-first", test_orphan);
	g_test_add_func("/node/pull-chain/fetch", test_pull_chain);
	g_test_add_func("/node/reorg/after-heal", test_reorg);
	g_test_add_func("/node/template/seal", test_template_seal);
	return g_test_run();
}
