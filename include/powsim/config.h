/* config: the settings of one run, as plain data.
 *
 * struct scenario is what a scenario file says once it has been read,
 * validated and completed with defaults (scenario.h reads it; the world
 * runs it). Every field has a documented default in scenarios/README.md.
 * Strings and arrays are owned by the struct and freed by config_clear().
 *
 * Each module's own settings live in its header and are composed here:
 * consensus_cfg (consensus.h), network_cfg and its latency, bandwidth and
 * backbone parts (net.h), mempool_cfg (mempool.h), strategy_cfg
 * (strategy.h), the fork rule (chain.h), node roles (node.h). What only
 * the run as a whole needs (groups, traders, the timeline, the stop rule,
 * expectations) is defined here.
 *
 * Node names: a group of COUNT > 1 named "miner" gives nodes "miner1" ..
 * "minerCOUNT"; a group of one gives a node named after the group. Node
 * ids follow group order, then index: they are stable for a scenario.
 * The reader resolves every name a scenario uses to node ids once (the
 * *_ids fields beside the names, guint32 in config_resolve's order); the
 * names stay for messages and the outputs, nothing below the reader looks
 * them up again.
 */
#ifndef POWSIM_CONFIG_H
#define POWSIM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "powsim/chain.h"
#include "powsim/consensus.h"
#include "powsim/mempool.h"
#include "powsim/net.h"
#include "powsim/node.h"
#include "powsim/simtime.h"
#include "powsim/strategy.h"

enum interval_law { INTERVAL_FIXED, INTERVAL_UNIFORM, INTERVAL_EXP };

/* How a trader trades. fixed: every INTERVAL; uniform: INTERVAL..
 * INTERVAL_MAX; exponential: mean INTERVAL. Amounts uniform in
 * [AMOUNT_MIN, AMOUNT_MAX]. TO names the recipient nodes, one drawn per
 * transfer (NULL: a random other node each time). */
struct trade_cfg {
	enum interval_law law;
	simtime_t interval;
	simtime_t interval_max;
	uint64_t amount_min, amount_max;
	uint64_t fee;
	char *to;
	GArray *to_ids;  /* the nodes TO names (NULL when TO is) */
	simtime_t start; /* first transfer no earlier than this */
};

struct group_cfg {
	char *name;
	uint32_t count;
	enum node_role role;
	double hashrate;   /* H/s per node; miners only */
	uint64_t balance;  /* genesis allocation per node */
	struct trade_cfg trade; /* traders only */
	GArray *shares;    /* double, COUNT of them: miner k gets HASHRATE (then
			    * the group's total) * shares[k] / sum(shares) */
	struct strategy_cfg strategy; /* miners only */
	struct bw_cfg upload, download; /* per node of the group */
	double compact_fail;   /* P(rebuild fails) at its nodes; < 0: the network's */
};

enum tl_action {
	TL_DIFFICULTY, TL_HASHRATE, TL_BURST, TL_LEAVE, TL_JOIN,
	TL_PARTITION, TL_HEAL, TL_LATENCY,
	TL_INVALID_TXS,  /* TARGET sends COUNT bad transfers of KIND */
	TL_INJECT_BLOCK, /* TARGET crafts one block of KIND and pushes it */
	TL_WITHHOLD,     /* miner TARGET keeps its blocks to itself */
	TL_RELEASE,      /* miner TARGET publishes its private chain */
	/* Live mode's requests, recorded as timeline actions (powsim serve): */
	TL_TRANSFER,     /* node TARGET takes a transfer FROM -> LINK_TO of AMOUNT */
	TL_MINE,         /* node TARGET mines until it has mined one block */
	TL_SUBMIT,       /* node TARGET's template with NONCE, found outside */
	TL_RESOLVE,      /* node TARGET asks its peers for their chains */
	TL_LINK,         /* a new link TARGET - LINK_TO */
	TL_STOP,         /* the run stops here (a live run ended from outside) */
};

/* A timeline action. It fires AT (simulated time) or, if BY_HEIGHT, when
 * the highest main-chain height first reaches AT_HEIGHT. A difficulty
 * action is also a consensus rule: blocks whose height >= AT_HEIGHT (or
 * whose timestamp >= AT) require MILLIZEROS; of the rules that bind one
 * block the last in trigger order wins (consensus.h). AT_HEIGHT of a
 * difficulty action is at least 1: the genesis takes no change. */
struct event_cfg {
	simtime_t at;
	uint32_t at_height;
	bool by_height;
	enum tl_action action;
	char *target;          /* node or group name; NULL = all */
	GArray *target_ids;    /* the nodes TARGET names (NULL when TARGET is) */
	uint32_t millizeros;   /* difficulty */
	double hashrate;       /* hashrate: new H/s per node */
	uint32_t count;        /* burst: transfers */
	GPtrArray *sides;      /* partition: array of GStrv of node/group names */
	GArray *side_of;       /* partition: guint32 per node, its side + 1 in
				* SIDES, 0 = on none (the unnamed side) */
	struct latency_cfg latency; /* latency */
	char *link_to;         /* latency: with TARGET, only link TARGET-LINK_TO */
	GArray *to_ids;        /* the nodes LINK_TO names (NULL when LINK_TO is) */
	char *kind;            /* invalid-txs, inject-block: what is wrong */
	simtime_t duration;    /* withhold: release after this (0: at a release);
				* inject-block withheld-parent: parent's delay */
	char *from;            /* transfer: the sender's node */
	GArray *from_ids;      /* the node FROM names (NULL when FROM is) */
	uint64_t amount;       /* transfer */
	uint64_t nonce;        /* submit */
};

/* The run stops at the first of these that is set (0 = unset). */
struct stop_cfg {
	simtime_t time;
	uint32_t height;
	uint32_t blocks;
};

struct scenario {
	char *file;            /* where it was read from, for messages */
	char *name;
	char *digest;          /* SHA-256 (hex) of the tree as read, overrides
				* and presets applied, before defaults: the same
				* digest means the same run settings */
	uint64_t seed;
	struct stop_cfg stop;
	struct consensus_cfg consensus;
	struct network_cfg network;
	struct mempool_cfg mempool;
	GArray *groups;        /* of struct group_cfg */
	GArray *events;        /* of struct event_cfg, file order */
	simtime_t sample;      /* timeline.csv sampling interval */
	GArray *expects;       /* of struct expect_cfg, file order (expect.h) */
};

/* ---- expectations: the "expect" section, checked after a run ---- */

/* The scalar figures of a finished run an expectation may bound (their
 * meaning: scenarios/README.md, "expect"). */
enum expect_metric {
	EXPECT_M_DISTINCT_TIPS, EXPECT_M_HEIGHT, EXPECT_M_BLOCKS_MINED, EXPECT_M_BLOCKS_INJECTED,
	EXPECT_M_STALE, EXPECT_M_STALE_RATE, EXPECT_M_REORGS, EXPECT_M_DEEPEST_REORG,
	EXPECT_M_TXS_CREATED, EXPECT_M_TXS_CONFIRMED, EXPECT_M_CONFIRMED_SHARE,
	EXPECT_M_INJECTED_ON_MAIN, EXPECT_M_INJECTED_CONFIRMED, EXPECT_M_FINAL_DIFFICULTY,
	EXPECT_M_COUNT
};

/* Their names as written in a file, indexed by enum expect_metric. */
extern const char *const config_expect_metrics[EXPECT_M_COUNT + 1];

/* The spellings of the format's enums, indexed by value and NULL-
 * terminated: the reader reads them, the outputs and describe write them. */
extern const char *const config_action_names[];  /* enum tl_action */
extern const char *const config_mode_names[];    /* enum mining_mode */
extern const char *const config_fork_names[];    /* enum fork_choice */
extern const char *const config_relay_names[];   /* enum relay */

enum expect_kind {
	EXPECT_METRIC,        /* METRIC within BOUND */
	EXPECT_BLOCK_REJECTS, /* distinct blocks rejected for REASON */
	EXPECT_TX_REJECTS,    /* transactions rejected for REASON */
	EXPECT_PHASE_INTERVAL,/* mean interval (s) of difficulty phase PHASE */
	EXPECT_PHASE_BLOCKS,  /* main-chain blocks of phase PHASE */
	EXPECT_INTERVAL,      /* mean interval (s) of the last LAST main-chain blocks */
	EXPECT_BLOCKS,        /* blocks matching NODE, INJECTED, MAIN */
	EXPECT_TXS,           /* transactions matching NODE, INJECTED, MAIN */
	EXPECT_CONVERGED,     /* 1 if converged (invariants_converged), else 0 */
};

/* A range; a side is unset, a number, or (REF >= 0) the measured value of
 * metric REF. */
struct expect_bound {
	bool has_min, has_max;
	double min, max;
	int min_ref, max_ref;  /* enum expect_metric, or -1 */
};

struct expect_cfg {
	enum expect_kind kind;
	char *label;           /* its JSON path, e.g. "expect.phases[1].mean_interval" */
	int metric;            /* EXPECT_METRIC: enum expect_metric */
	char *reason;          /* *_REJECTS */
	struct expect_bound bound;
	uint32_t phase;        /* PHASE_*: 1-based index, 0 = the first of MILLIZEROS */
	uint32_t millizeros;
	uint32_t last;         /* INTERVAL: blocks */
	char *node;            /* BLOCKS: miner, TXS: sender (node or group); NULL = any */
	GArray *node_ids;      /* the nodes NODE names (NULL when NODE is) */
	int injected;          /* -1 either, 0 honest only, 1 injected only */
	int main;              /* BLOCKS: on the main chain; TXS: confirmed on it; -1 either */
};

/* Fill S with every default (no groups, no events). */
void config_init(struct scenario *s);

/* Free N's regions (part of config_clear; a second "regions" replaces
 * the first). */
void config_network_clear_regions(struct network_cfg *n);

/* Free what S owns and zero it. NULL-safe. */
void config_clear(struct scenario *s);

/* Total number of nodes over all groups. */
uint32_t config_node_count(const struct scenario *s);

/* The name of node ID into BUF (see the naming rule above). */
void config_node_name(const struct scenario *s, uint32_t id, char *buf, unsigned len);

/* The group index of node ID. */
uint32_t config_node_group(const struct scenario *s, uint32_t id);

/* Node ids named by NAME (a node or a group), appended to OUT (guint32).
 * Returns false if NAME names nothing. For the reader (and live mode's
 * requests): a run uses the ids resolved in the struct. */
bool config_resolve(const struct scenario *s, const char *name, GArray *out);

/* What the modules below take of S's groups, per node: each node's own
 * bandwidth laws for net_new (g_free it), and the node_spec of group G
 * for node_init (pointing into S). */
struct net_node_bw *config_node_bw(const struct scenario *s);
struct node_spec config_node_spec(const struct scenario *s, uint32_t g);

/* The ids NAME names as a new array (NULL if NAME is NULL). */
GArray *config_resolve_new(const struct scenario *s, const char *name);

/* Fill E's *_ids fields from its names (replacing what they held). The
 * names must have been checked: one that names nothing gives no ids. */
void config_event_resolve(const struct scenario *s, struct event_cfg *e);

#endif
