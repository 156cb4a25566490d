/* net: the modelled network between nodes.
 *
 * Topology (full mesh, random graph of a fixed or drawn outbound degree,
 * explicit edges), the delay of each message, and who can reach whom.
 *
 * Rates. A node's upload and download are the network's bandwidth or,
 * with regions, its region's, or its own when nodes have their own rates
 * (a group's "upload"/"download", or the network's per-region bandwidth
 * histograms, drawn per node from its own stream). Between regions a
 * connection may be capped (the regions' "inter" rate). Latencies are
 * drawn from the link's law (with regions: Pareto jitter around the
 * region pair's mean) from the network's own random stream, so the same
 * sends give the same delays.
 *
 * Disciplines (network "sharing"): how a message of B bytes from A to a
 * peer P is timed.
 * - "node" (the default, the physical one): each end is a resource at
 *   its own rate. The message starts when A's uplink is free (A's
 *   uploads queue behind each other, FIFO) and holds it for B*8/up(A);
 *   it books B*8/down(P) of P's downlink at the earliest free gap after
 *   its first bit arrives (start + latency), so transfers converging on
 *   P queue there; a capped connection lasts at least B*8/cap from its
 *   first bit. It arrives at the latest of: upload + latency, the end
 *   of its downlink share, the cap's floor. A fast sender is thus not
 *   held up by a slow receiver, nor a fast receiver by a slow sender.
 * - "pair": A's uplink is held for B*8/min(up(A), down(P), cap), then
 *   the latency, with P's downlink booked as above (a 100 Mbit/s node
 *   serving a 2 Mbit/s peer blocks its uplink for the slow transfer).
 * - "link": neither end is shared; each link queues only its own
 *   messages, at min(up(A), down(P), cap) (simulators that give every
 *   connection its own point-to-point channel).
 * - "slot" (SimBlock's): a block message waits for A's single upload
 *   slot and holds it, at min(up(A), down(P), cap), until it has landed
 *   and been processed (transfer + latency + processing); other messages
 *   take their latency alone, unqueued and free of bandwidth.
 * Backbone links (network "backbone") use a backbone uplink and downlink
 * of their own at the backbone's rate (no cap) and latency. Messages are
 * then processed for the configured per-message time (block messages:
 * "processing", others: "control_processing"). Deliveries on one link
 * keep their order (links behave like TCP connections). Uncontended and
 * with equal rates at both ends, "node" and "pair" give the same delays.
 *
 * A drawn latency is cut at NET_LATENCY_MAX (a heavy tail, such as a
 * lognormal of sigma 20, would otherwise draw centuries), and every sum
 * of delays saturates at SIMTIME_NEVER rather than wrapping.
 *
 * Nodes may be offline (churn) and the network may be partitioned into
 * sides; a message never crosses sides or reaches an offline node.
 */
#ifndef POWSIM_NET_H
#define POWSIM_NET_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "powsim/simtime.h"

typedef struct net net_t;

enum topology { TOPO_FULL, TOPO_RANDOM, TOPO_EDGES };

/* How nodes relay blocks (node.h says what each does). Declared here
 * because network_cfg, which the network section fills, carries it. */
enum relay { RELAY_PUSH, RELAY_PULL_CHAIN, RELAY_INV };

enum latency_law { LAT_CONSTANT, LAT_UNIFORM, LAT_LOGNORMAL, LAT_PARETO };

/* A latency law. constant: VALUE. uniform: VALUE..MAX. lognormal: median
 * VALUE, SHAPE = sigma of the log. pareto: mean VALUE, SHAPE = alpha > 1. */
struct latency_cfg {
	enum latency_law law;
	simtime_t value;
	simtime_t max;
	double shape;
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
	GArray *node_ids;           /* guint32: the nodes NODES name, in order
				     * (the reader resolves them) */
	bool own_latency;
	struct latency_cfg latency;
	double bandwidth;           /* bit/s, 0 = unlimited */
	uint32_t connections;
};

/* What a transfer shares and at what rate (the comment at the top has the
 * timing): NODE, both ends, each at its own rate (the sender's uplink,
 * FIFO, at its upload; the receiver's downlink at its download; the
 * inter-region cap a floor on the transfer's duration); LINK, nothing but
 * its own connection (each link a channel of its own at min(up, down), as
 * in simulators that give every connection its own point-to-point link);
 * PAIR, the sender's uplink held for the transfer at min(up, down, cap)
 * and the receiver's downlink; SLOT, SimBlock's: one block upload at a
 * time per sender at min(up, down, cap), its slot held until the block has
 * landed (transfer, latency, processing), control messages unqueued. */
enum net_sharing { NET_SHARE_NODE, NET_SHARE_LINK, NET_SHARE_PAIR, NET_SHARE_SLOT };

struct network_cfg {
	enum topology topology;
	enum net_sharing sharing;
	uint32_t degree;            /* random: outbound links per node */
	GPtrArray *edges;           /* edges: node names, pairs in order */
	GArray *edge_ids;           /* guint32: EDGES as node ids (the reader's) */
	struct latency_cfg latency;
	simtime_t processing;       /* per message received */
	simtime_t control_processing; /* per non-block message; -1: PROCESSING */
	enum relay relay;           /* the node protocol's (node.h) */
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

#define NET_NO_PEER UINT32_MAX

/* The longest latency of one message; draws above it are cut to it. */
#define NET_LATENCY_MAX SIMTIME_DAY

/* A node's own bandwidth laws (its group's "upload" and "download"). */
struct net_node_bw {
	struct bw_cfg upload, download;
};

/* Build the network of N nodes of CFG (kept: it must outlive the
 * network), drawing the random graph from SEED's topology stream. BW: N
 * nodes' own laws, or NULL if none has one. Edges and backbone nodes are
 * CFG's resolved ids. A node whose law is BW_HISTOGRAM needs CFG's
 * histograms (the reader checks it). */
net_t *net_new(const struct network_cfg *cfg, uint32_t n, const struct net_node_bw *bw,
	       uint64_t seed);

/* NULL-safe. */
void net_free(net_t *net);

uint32_t net_node_count(const net_t *net);

/* The number of peers of NODE. */
uint32_t net_degree(const net_t *net, uint32_t node);

/* Peer number INDEX (< degree) of NODE; peers keep a fixed order. */
uint32_t net_peer(const net_t *net, uint32_t node, uint32_t index);

/* NODE's peers, by peer number (net_degree of them; NULL when it has
 * none): valid until a link is added (net_add_link). */
const uint32_t *net_peers(const net_t *net, uint32_t node);

/* The index of NODE among the peers of its peer number INDEX: what the
 * peer uses to answer NODE. O(1). */
uint32_t net_reverse_index(const net_t *net, uint32_t node, uint32_t index);

/* Index of TO among FROM's peers, or NET_NO_PEER. O(degree). */
uint32_t net_peer_index(const net_t *net, uint32_t from, uint32_t to);

/* True if a message from FROM can reach TO now: both online, same side. */
bool net_reachable(const net_t *net, uint32_t from, uint32_t to);

/* What a message is, for its processing time. */
enum net_msg {
	NET_MSG_BLOCK,   /* carries blocks: a block, a chain */
	NET_MSG_CONTROL, /* anything else: announcements, requests, txs */
};

/* The delay, from NOW, until a message of BYTES and KIND sent by FROM to
 * its peer number PEER_INDEX is delivered and processed. Books what the
 * network's sharing discipline says (the top of this file): both ends'
 * links ("node", "pair"), the link alone ("link"), or the sender's block
 * slot ("slot", where control messages book nothing). */
simtime_t net_send(net_t *net, uint32_t from, uint32_t peer_index, uint64_t bytes,
		   simtime_t now, enum net_msg kind);

/* A hint (mem.h) for an event at TO still to come, from FROM (a node id,
 * or NET_NO_PEER) whose message arrives on TO's peer number BACK: start
 * loading what TO will touch to answer or relay it. AHEAD 2 (the event
 * after next): the records of both ends; AHEAD 1 (next): what those
 * records point to (TO's link BACK, or all its links when BACK is
 * NET_NO_PEER). Ids out of range are ignored; changes nothing. */
void net_prefetch(const net_t *net, uint32_t to, uint32_t from, uint32_t back, unsigned ahead);

/* A hint: start loading what a message to TO books there (its downlink
 * and rates), for a relay about to send to several peers. */
void net_prefetch_receiver(const net_t *net, uint32_t to);

void net_set_online(net_t *net, uint32_t node, bool online);
bool net_online(const net_t *net, uint32_t node);

/* Put each node on side SIDE_OF[node] (same side: connected). */
void net_partition(net_t *net, const uint32_t *side_of);

/* One side again. */
void net_heal(net_t *net);

/* The region of NODE, or -1 if the network has none. */
int net_region(const net_t *net, uint32_t node);

/* Side of NODE (0 when not partitioned). */
uint32_t net_side(const net_t *net, uint32_t node);

/* Replace the latency law of every link (FROM == NET_NO_PEER), or of the
 * link FROM-TO in both directions. */
void net_set_latency(net_t *net, const struct latency_cfg *lat, uint32_t from, uint32_t to);

/* Add the link A-B (live mode's node registration). Existing peers keep
 * their numbers; the new peer comes last. Returns false if A == B or the
 * link exists already. O(degree). */
bool net_add_link(net_t *net, uint32_t a, uint32_t b);

/* NODE's own upload and download rates (bit/s, 0 = unlimited), drawn
 * at construction from its group's "upload"/"download" or its region's
 * histogram; false if the network has no per-node rates (the region's
 * or the network's rate applies). */
bool net_node_rates(const net_t *net, uint32_t node, double *up, double *down);

/* Total number of links (undirected). */
uint64_t net_link_count(const net_t *net);

#endif
