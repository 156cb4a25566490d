/* net: the modelled network between nodes.
 *
 * Topology (full mesh, random graph of a fixed or drawn outbound degree,
 * explicit edges), the delay of each message, and who can reach whom. A
 * message of B bytes sent from A to a peer P starts when A's uplink is
 * free (a node's uploads queue behind each other), occupies it for
 * B*8/rate, where rate is the network's bandwidth or, with regions,
 * min(A's region upload, P's region download) capped between regions,
 * or min(A's own upload, P's own download) when nodes have their own
 * rates (a group's "upload"/"download", or the network's per-region
 * bandwidth histograms, drawn per node from its own stream);
 * then it travels for a latency drawn from the link's law (with regions:
 * Pareto jitter around the region pair's mean). The receiver's downlink
 * is shared too: each message books B*8/downlink of it (the network's
 * bandwidth, or P's region download), at the earliest free gap after its
 * first bit arrives (sending start + latency); it is received when both
 * its upload and latency and its downlink share are done. Uncontended,
 * the downlink adds nothing (its share ends before the upload does);
 * transfers overlapping at a receiver queue there. Messages are then
 * processed for the configured per-message time (block messages:
 * "processing", others: "control_processing"). With network "sharing":
 * "link" neither end is shared: each link queues only its own messages.
 * Backbone links (network "backbone") use a backbone uplink and downlink
 * of their own at the backbone's rate and latency. Deliveries on one link keep their order
 * (links behave like TCP connections). Latencies are drawn from the
 * network's own random stream, so the same sends give the same delays.
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

#include "powsim/config.h"
#include "powsim/simtime.h"

typedef struct net net_t;

#define NET_NO_PEER UINT32_MAX

/* The longest latency of one message; draws above it are cut to it. */
#define NET_LATENCY_MAX SIMTIME_DAY

/* Build the network of N nodes for scenario SC, drawing the random graph
 * from SEED's topology stream. Edges name nodes as config.h resolves them.
 * Returns NULL with ERR set if an edge names no node. */
net_t *net_new(const struct scenario *sc, uint32_t n, uint64_t seed, GError **err);

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
 * its peer number PEER_INDEX is delivered and processed. Books the
 * sender's uplink and the receiver's downlink. */
simtime_t net_send(net_t *net, uint32_t from, uint32_t peer_index, uint64_t bytes,
		   simtime_t now, enum net_msg kind);

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
