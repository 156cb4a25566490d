/* config: the settings of one run, as plain data.
 *
 * struct scenario is what a scenario file says once it has been read,
 * validated and completed with defaults (scenario.h reads it; the world
 * runs it). Every field has a documented default in scenarios/README.md.
 * Strings and arrays are owned by the struct and freed by config_clear().
 * Node names: a group of COUNT > 1 named "miner" gives nodes "miner1" ..
 * "minerCOUNT"; a group of one gives a node named after the group. Node
 * ids follow group order, then index: they are stable for a scenario.
 */
#ifndef POWSIM_CONFIG_H
#define POWSIM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "powsim/simtime.h"

enum mining_mode { MINING_REAL, MINING_FAST, MINING_MODEL };
enum fork_choice { FORK_MOST_WORK, FORK_LONGEST };
enum topology { TOPO_FULL, TOPO_RANDOM, TOPO_EDGES };
enum relay { RELAY_PUSH, RELAY_PULL_CHAIN, RELAY_INV };
enum latency_law { LAT_CONSTANT, LAT_UNIFORM, LAT_LOGNORMAL, LAT_PARETO };
enum node_role { ROLE_MINER, ROLE_TRADER, ROLE_RELAY };
enum interval_law { INTERVAL_FIXED, INTERVAL_UNIFORM, INTERVAL_EXP };
enum mempool_order { MEMPOOL_ARRIVAL, MEMPOOL_FEE };
enum template_refresh { REFRESH_ON_TX, REFRESH_ON_BLOCK };

/* A latency law. constant: VALUE. uniform: VALUE..MAX. lognormal: median
 * VALUE, SHAPE = sigma of the log. pareto: mean VALUE, SHAPE = alpha > 1. */
struct latency_cfg {
	enum latency_law law;
	simtime_t value;
	simtime_t max;
	double shape;
};

/* How a trader trades. fixed: every INTERVAL; uniform: INTERVAL..
 * INTERVAL_MAX; exponential: mean INTERVAL. Amounts uniform in
 * [AMOUNT_MIN, AMOUNT_MAX]. TO names the recipient node (NULL: a random
 * other node each time). */
struct trade_cfg {
	enum interval_law law;
	simtime_t interval;
	simtime_t interval_max;
	uint64_t amount_min, amount_max;
	uint64_t fee;
	char *to;
	simtime_t start; /* first transfer no earlier than this */
};

/* A miner group's strategy (strategy.h). NAME is a registered strategy;
 * NULL means honest. The other fields are the parameters of the
 * strategies that read them (defaults: scenarios/README.md, "Attacks"). */
struct strategy_cfg {
	char *name;
	char *variant;          /* stubborn: "lead", "equal-fork", "trail" or
				 * several joined by '+' */
	uint32_t trail;         /* stubborn trail: blocks behind it keeps mining */
	char *merchant;         /* double-spend: the node it pays */
	uint32_t confirmations; /* double-spend: blocks the merchant waits */
	uint32_t give_up;       /* double-spend: deficit at which it gives up */
	uint32_t premine;       /* double-spend: private blocks before paying */
	uint64_t amount;        /* double-spend: the payment */
};

/* A node's bandwidth in one direction, set per group: a constant, a law
 * drawn per node, or a draw from its region's histogram (network
 * "bandwidth_histograms"). */
enum bw_kind {
	BW_NETWORK,   /* unset: the histogram if the network has one, else
		       * the region's (or the network's) bandwidth */
	BW_CONSTANT,  /* VALUE bit/s; 0 = unlimited */
	BW_LOGNORMAL, /* median VALUE bit/s, sigma SHAPE */
	BW_UNIFORM,   /* VALUE to MAX bit/s */
	BW_HISTOGRAM, /* the region's histogram (the network must have one) */
};

struct bw_cfg {
	enum bw_kind kind;
	double value, max, shape;
};

/* One bin of a bandwidth histogram: a node drawn into it gets a rate
 * uniform in [LO, HI) bit/s; bins are drawn by weight (CUM: cumulative
 * weight up to and including this bin). */
struct bw_bin {
	double lo, hi, cum;
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
	uint32_t millizeros;   /* difficulty */
	double hashrate;       /* hashrate: new H/s per node */
	uint32_t count;        /* burst: transfers */
	GPtrArray *sides;      /* partition: array of GStrv of node/group names */
	struct latency_cfg latency; /* latency */
	char *link_to;         /* latency: with TARGET, only link TARGET-LINK_TO */
	char *kind;            /* invalid-txs, inject-block: what is wrong */
	simtime_t duration;    /* withhold: release after this (0: at a release);
				* inject-block withheld-parent: parent's delay */
	char *from;            /* transfer: the sender's node */
	uint64_t amount;       /* transfer */
	uint64_t nonce;        /* submit */
};

/* A scheduled difficulty change: a timeline "difficulty" action, whose
 * value binds the first block of a chain that crosses its trigger
 * (consensus.h says how). The reader puts each one here, in file order;
 * the action stays in the events too, as what the timeline log shows. */
struct difficulty_change {
	bool by_height;
	uint32_t height;            /* by_height: the block at this height */
	simtime_t at;               /* else: the first block stamped at or after */
	uint32_t millizeros;
};

struct consensus_cfg {
	enum mining_mode mode;
	uint32_t millizeros;        /* initial difficulty */
	enum fork_choice fork_choice;
	uint64_t reward;
	uint32_t max_block_txs;     /* transactions per block, coinbase excluded */
	uint32_t retarget_every;    /* 0 = no automatic retargeting */
	simtime_t retarget_interval;/* target block interval */
	double retarget_clamp;      /* max factor per retarget, >= 1 */
	GArray *schedule;           /* struct difficulty_change, file order */
};

/* A backbone (the 2015 Relay Network, FIBRE, Gervais et al.'s miners): its
 * NODES (node or group names) are all linked with each other over links
 * of their own LATENCY and BANDWIDTH that use neither end's ordinary
 * uplink or downlink (a separate network: each backbone node has a
 * backbone uplink and downlink of BANDWIDTH); each backbone node also
 * opens ordinary links to random others until it has CONNECTIONS peers
 * outside the backbone (0: only what the topology gave it). Off unless
 * ENABLED (set by the "backbone" object; "enabled": false turns it off).
 * Without OWN_LATENCY its links keep the network's latency (the regions'). */
struct backbone_cfg {
	bool enabled;
	GPtrArray *nodes;           /* char *, names */
	bool own_latency;
	struct latency_cfg latency;
	double bandwidth;           /* bit/s, 0 = unlimited */
	uint32_t connections;
};

/* What a transfer shares and at what rate (net.h has the timing):
 * NODE, both ends, each at its own rate (the sender's uplink, FIFO, at
 * its upload; the receiver's downlink at its download; the inter-region
 * cap a floor on the transfer's duration); LINK, nothing but its own
 * connection (each link a channel of its own at min(up, down), as in
 * simulators that give every connection its own point-to-point link);
 * PAIR, the sender's uplink held for the transfer at min(up, down, cap)
 * and the receiver's downlink; SLOT, SimBlock's: one block upload at a
 * time per sender at min(up, down), its slot held until the block has
 * landed (transfer, latency, processing), control messages unqueued. */
enum net_sharing { NET_SHARE_NODE, NET_SHARE_LINK, NET_SHARE_PAIR, NET_SHARE_SLOT };

struct network_cfg {
	enum topology topology;
	enum net_sharing sharing;
	uint32_t degree;            /* random: outbound links per node */
	GPtrArray *edges;           /* edges: node names, pairs in order */
	struct latency_cfg latency;
	simtime_t processing;       /* per message received */
	simtime_t control_processing; /* per non-block message; -1: PROCESSING */
	enum relay relay;
	simtime_t validate_block;   /* per block validated */
	simtime_t validate_tx;      /* per transaction in a validated block */
	double bandwidth;           /* bit/s per link, 0 = unlimited */
	uint64_t header_bytes;      /* wire size of a header/announcement */
	uint64_t tx_bytes;          /* wire size of one transaction */
	/* Regions (a preset's): node i lies in a region drawn by the shares;
	 * latency between regions a and b has mean m = latency[a * n + b] with
	 * Pareto jitter of scale m - JITTER_SPREAD (shape m / spread, as
	 * SimBlock draws it; 0: constant); a transfer runs at
	 * min(upload of the sender's region, download of the receiver's),
	 * capped at INTER between regions (0: no cap). n_regions 0: none. */
	uint32_t n_regions;
	char **region_names;        /* n_regions, owned */
	double *region_share;       /* n_regions, sum 1 */
	simtime_t *region_latency;  /* n_regions * n_regions means */
	simtime_t jitter_spread;    /* 0: no jitter */
	double *region_up, *region_down; /* bit/s, n_regions each */
	double inter_bandwidth;     /* bit/s cap between regions, 0 = none */
	uint64_t block_size;        /* bytes of a block without simulated
				     * transactions; 0 = header + txs */
	GArray *degree_cdf;         /* double: P(outbound degree <= k+1); NULL = fixed */
	bool compact;               /* compact relay: blocks cross as short ids */
	double compact_share;       /* of nodes using it (drawn per node); 1 = all */
	double compact_fail;        /* P(a compact block fails to rebuild) */
	double compact_missing;     /* of a block a failed rebuild fetches
				     * (blocktxn); < 0: all it lacks, the
				     * block less the compact block */
	uint32_t compact_hb;        /* BIP 152 high-bandwidth peers: a compact
				     * node pushes new blocks unsolicited to its
				     * first this many compact peers (inv relay) */
	simtime_t validate_mb;      /* validation time per megabyte of block */
	/* Per-node bandwidth histograms per region (bit/s), HIST_N of each
	 * (n_regions when set, 0 = none): index [region], a GArray of
	 * struct bw_bin. A node whose group leaves its bandwidth unset
	 * draws it from its region's histogram. */
	uint32_t hist_n;
	GArray **hist_up, **hist_down;
	struct backbone_cfg backbone;
};

struct mempool_cfg {
	enum mempool_order order;
	uint32_t capacity;
	enum template_refresh refresh;
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
 * Returns false if NAME names nothing. */
bool config_resolve(const struct scenario *s, const char *name, GArray *out);

#endif
