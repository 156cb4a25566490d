/* node: the protocol of one virtual node.
 *
 * A node holds its view of the chain, its mempool and, if it mines, its
 * block template. It reacts to messages delivered by the network, to the
 * end of its modelled validation work, and to its own mined blocks; it
 * relays by the scenario's protocol:
 *   push        send every newly connected block to every peer;
 *   inv         announce the hash; a peer that lacks the block asks for
 *               it and the block follows;
 *   pull-chain  announce a new tip; a peer whose tip is worse fetches the
 *               announcer's whole chain (its size grows with the chain)
 *               and adopts it if valid, as in the source documents.
 * Transactions are always pushed. A node that joins, or whose partition
 * heals, asks every peer for its chain.
 *
 * Liveness: a block known only by its hash (an inv) or as the missing
 * ancestor of an orphan (chain_view_missing) is fetched (struct
 * node_fetch): from the peer that told of it first, then from each other
 * reachable peer in turn, moving on at a "not found", or at a timeout
 * when the request or its answer was lost. Every request is answered
 * (the block, a chain, or "not found") unless the network loses it (a
 * link down, a node offline); the simulator sees that loss, and the
 * fetch then times out NODE_FETCH_TIMEOUT later (a node event relative
 * to now). So a fetch never waits for nothing, and a run that loses no
 * message runs no timer: its events are those of a plain request. A chain that brings
 * a missing block is checked and stored even when it only ties the tip
 * or is worse, so later blocks on it connect. When every peer has been
 * asked in vain the fetch ends and the request is forgotten (a peer that
 * gets the block later announces or pushes it); a new orphan on it, a
 * join or a heal starts it again. The states a block goes through are in chain.h.
 *
 * Validation costs modelled time: each node validates one thing at a
 * time (busy_until), validate_block per block plus validate_tx per
 * transaction. The verdict itself is computed once for the world and
 * cached in the block store.
 *
 * Nodes never touch the event queue except by scheduling relative to now.
 * The world (world.h) owns the nodes, runs the mining engine, and learns
 * what happens through the hooks below.
 */
#ifndef POWSIM_NODE_H
#define POWSIM_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "powsim/chain.h"
#include "powsim/consensus.h"
#include "powsim/evq.h"
#include "powsim/mempool.h"
#include "powsim/net.h"
#include "powsim/rng.h"
#include "powsim/strategy.h"

/* What a node does besides relaying: mine, trade (the world's traders,
 * world.h), or neither. */
enum node_role { ROLE_MINER, ROLE_TRADER, ROLE_RELAY };

/* Event kinds the node protocol schedules (the world registers them). */
enum node_event {
	NODE_EV_MSG = 0,      /* a message delivered: see enum node_msg */
	NODE_EV_VALIDATED,    /* p.ptr: the block validated; p.c: sender */
	NODE_EV_CHAIN_DONE,   /* p.ptr: tip of a fetched chain validated */
	NODE_EV_FETCH_TIMEOUT,/* p.ptr: the block wanted */
	NODE_EV_KINDS,
};

/* Messages: p.a = type, p.c = sender, p.ptr = block or tx. */
enum node_msg {
	MSG_BLOCK = 1,   /* a block */
	MSG_INV,         /* "I have this block" */
	MSG_GETDATA,     /* "send me this block" */
	MSG_ANNOUNCE,    /* pull-chain: "my tip is this block" */
	MSG_GETCHAIN,    /* "send me your chain" (p.ptr NULL), or the chain
			  * holding this block (your tip's, else the block's) */
	MSG_CHAIN,       /* a whole chain, by its tip */
	MSG_TX,          /* a transaction */
	MSG_GETBLOCKTXN, /* compact block did not rebuild: "send what I lack" */
	MSG_BLOCKTXN,    /* the missing transactions of a block */
	MSG_NOTFOUND,    /* "I do not have this block" (answers a GETCHAIN) */
};

/* One past the last message kind: the size of a table by kind (keep it
 * after the enum's last member). */
#define MSG_KINDS (MSG_NOTFOUND + 1)

/* How long after a fetch's request or answer was lost the fetch turns
 * to the next peer. */
#define NODE_FETCH_TIMEOUT (2 * SIMTIME_S)

/* A block a node wants and is asking its peers for, one at a time. */
struct node_fetch {
	const struct block *want;
	uint32_t first;            /* peer index asked first */
	uint32_t tried;            /* peers asked so far, from FIRST on */
	uint32_t peer;             /* peer index asked now */
	evq_id_t timer;            /* the pending timeout, or 0 */
};

/* A miner's current template: what it hashes, or draws a time for. */
struct node_template {
	struct block_header h;     /* nonce not set; merkle set once sealed */
	GPtrArray *txs;            /* const struct tx *, coinbase first */
	uint64_t fees;
	const struct block *parent;/* the block it builds on */
	simtime_t t0;              /* when hashing on it started */
	uint64_t gen;              /* bumped at every rebuild */
	/* The coinbase's fields, written into txs[0] (with its id) only when
	 * the template is sealed: in model mode most templates are never
	 * mined, and their coinbase id and merkle root would be wasted work. */
	struct tx *cb;             /* the node's own coinbase, txs[0] (NULL: none yet) */
	uint32_t cb_height;
	uint64_t cb_amount;
	simtime_t cb_created;
	bool cb_stale;             /* CB does not hold the fields above yet */
	bool cb_alone;             /* TXS is exactly { CB } */
	bool sealed;               /* CB and h.merkle are complete */
};

/* Line-aligned (allocate it 64-byte aligned): the fields relaying a block
 * reads come first, in the first two cache lines, which the lookahead
 * fetches (a run of a million nodes touches each node's few lines at
 * random); the template and the strategy's state follow. */
struct node {
	_Alignas(64) uint32_t id;
	enum node_role role;
	bool online;
	bool withholding;          /* keeps the blocks it mines to itself */
	bool has_template;
	bool pooled;               /* a transaction entered its mempool once:
				    * while false the pool is empty */
	uint32_t n_fetches, cap_fetches;
	bool fetches_own;          /* FETCHES is its own allocation, not its
				    * slots in node_env's FETCH_SLOTS */
	struct chain_view view;
	simtime_t busy_until;      /* end of the validation work queued */
	struct node_fetch *fetches;/* N_FETCHES of CAP_FETCHES, oldest first */
	/* A strategic miner (strategy.h; NULL: honest) withholds its blocks,
	 * mines on MINE_ON and publishes what its strategy says. */
	const struct strategy_ops *strategy;
	uint64_t hashrate;         /* H/s, integer so mining times are exact */
	mempool_t *mempool;
	const struct block *fetching; /* tip of the chain being checked, or NULL */
	const struct block *public_tip; /* what it shows peers while withholding */
	void *strategy_state;
	const struct block *mine_on;
	const struct block *published; /* its last published own block */
	struct rng rng;            /* its trading draws (world_trade.c) */
	struct node_template tpl;
	double compact_fail;       /* its node_spec's */
};

struct node_hooks;

/* Fetches a node holds in node_env's FETCH_SLOTS before it needs an
 * allocation of its own (one per missing branch: rarely more than one). */
#define NODE_FETCH_SLOTS 2

/* What the nodes share: the world's machinery, read-mostly. */
struct node_env {
	evq_t *q;
	net_t *net;
	chain_store_t *store;
	consensus_t *cons;
	/* The run's settings the protocol reads (the scenario's sections). */
	const struct network_cfg *net_cfg;   /* relay, sizes, validation, compact */
	const struct consensus_cfg *cons_cfg;/* fork rule, block size, mode */
	const struct mempool_cfg *pool_cfg;
	uint64_t seed;                       /* for the per-node streams */
	const uint8_t *compact;              /* per node, 1: it uses compact relay
					      * (node_compact_users); NULL: none does */
	tx_keys_t *keys;
	struct node *nodes;
	uint32_t n;
	/* NODE_FETCH_SLOTS fetches per node, node i's from i * NODE_FETCH_SLOTS
	 * (the world's: one array, on huge pages, rather than a small
	 * allocation per node that each block's arrival reads); NULL: each
	 * node allocates its own. */
	struct node_fetch *fetch_slots;
	GPtrArray *tx_arena;       /* the world's: owns coinbases nodes make */
	const struct node_hooks *hooks;
	void *hook_ctx;
};

/* Which of N nodes use compact relay under C: every node, or each with
 * probability compact_share drawn from its own stream (so no other draw
 * moves); NULL when C has no compact relay. Built once, for node_env's
 * COMPACT (the relay asks per peer and per block); g_free it. */
uint8_t *node_compact_users(const struct network_cfg *c, uint64_t seed, uint32_t n);

/* What the world learns of. Every hook is optional. */
struct node_hooks {
	/* N now holds B (it connected B, valid), for propagation figures. */
	void (*block_held)(void *ctx, const struct node *n, const struct block *b);
	/* N's tip changed. */
	void (*tip_changed)(void *ctx, const struct node *n, const struct chain_reorg *r);
	/* N rejected B for REASON (counted once per block by the world). */
	void (*block_rejected)(void *ctx, const struct node *n, const struct block *b,
			       const char *reason);
	/* N dropped transaction T for REASON. */
	void (*tx_rejected)(void *ctx, const struct node *n, const struct tx *t,
			    const char *reason);
	/* Whether T's signature is good (the world checks each tx once).
	 * Without this hook every transaction is taken as authentic. */
	bool (*tx_authentic)(void *ctx, const struct tx *t);
	/* N's template changed: the mining engine restarts it. */
	void (*template_changed)(void *ctx, struct node *n);
	/* N's strategy reports E (a race, a double-spend attempt). */
	void (*strategy_event)(void *ctx, const struct node *n, const struct strategy_event *e);
};

/* What node_init takes of a node's group (config.h's group_cfg). */
struct node_spec {
	enum node_role role;
	double hashrate;                     /* H/s; miners only */
	const struct strategy_cfg *strategy; /* miners only; NULL or no name: honest */
	double compact_fail;                 /* P(a compact block fails to rebuild
					      * here): the group's, else the network's */
};

/* Set up node ID of SPEC at genesis; it mines if it is a miner. */
void node_init(struct node *n, uint32_t id, const struct node_spec *spec,
	       const struct node_env *env);
void node_clear(struct node *n);

/* A hint, for the event queue's lookahead (evq.h): start loading what EV,
 * one of the kinds above still to come AHEAD events from now (1 or 2),
 * will touch: at 2 its node's first two lines, its fetch slots and the
 * network's records of both ends; at 1 what those point to (its view's
 * out-of-line list, the links it answers or relays on). Changes nothing. */
void node_prefetch(const struct node_env *env, const struct evq_event *ev, unsigned ahead);

/* Handle a delivered event of one of the kinds above. */
void node_handle(const struct node_env *env, struct node *n, const struct evq_event *ev);

/* (Re)build N's template on its tip, now; fires template_changed. */
void node_rebuild_template(const struct node_env *env, struct node *n);

/* Complete N's template (coinbase id, merkle root) if it is not yet: a
 * template must be sealed before its header is encoded or mined. */
void node_template_seal(const struct node_env *env, struct node *n);

/* N mined B (built from its template): hold it, make it the tip, relay
 * (a strategic miner asks its strategy instead). */
void node_mined(const struct node_env *env, struct node *n, const struct block *b);

/* N creates transaction T (owned by the world): pool it and relay it.
 * Returns false (and reports the reason) if N's tip state rejects it. */
bool node_submit_tx(const struct node_env *env, struct node *n, const struct tx *t);

/* N pushes T to its peers without checking it first (an attack). */
void node_inject_tx(const struct node_env *env, struct node *n, const struct tx *t);

/* N pushes block B to its peers without holding it (an attack). */
void node_inject_block(const struct node_env *env, struct node *n, const struct block *b);

/* Withholding: from now on N keeps the blocks it mines private (peers
 * asking for its chain see only its last public block), until
 * node_release(), which offers N's whole chain to every peer. Both do
 * nothing to a strategic miner, whose strategy decides. */
void node_withhold(struct node *n);
void node_release(const struct node_env *env, struct node *n);

/* N asks every reachable peer for its chain (on start, join, heal). */
void node_request_chains(const struct node_env *env, struct node *n);

/* The ledger state after N's tip. */
ledger_state_t *node_tip_state(const struct node_env *env, const struct node *n);

#endif
