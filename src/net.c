/* net: topology, message delays, partitions and churn. See net.h. */
#include "powsim/net.h"

#include <math.h>
#include <string.h>

#include "powsim/check.h"
#include "powsim/mem.h"
#include "powsim/rng.h"

/* One direction of a link, stored in the sender's adjacency (32 bytes,
 * one cache line's half). */
struct link {
	uint32_t peer;
	uint32_t back;           /* our peer number at the peer */
	int32_t law;             /* index into net->laws; -1 = network law */
	bool backbone;           /* a backbone link (its own rate and law) */
	simtime_t busy_until;    /* sharing "link": when this link is idle */
	simtime_t last_delivery; /* deliveries keep their order */
};
_Static_assert(64 % sizeof(struct link) == 0, "a link sits in one cache line");

/* A node's links: peer number i (what callers see) is links[i], whose
 * peer is also peers[i] (a relay scanning its peers reads one cache line
 * of ids, not its links). Each node starts its sends at its own
 * random offset, so no node is first in everyone's upload queue (ids
 * would otherwise decide who hears of blocks first): net_new rotates each
 * list by a drawn offset once the graph is built. */
struct adj {
	struct link *links;
	uint32_t *peers;         /* set by rotate_all, then kept up */
	uint32_t len, cap;
};

/* Reachability of a node in one word: its side, or NET_OFFLINE. */
#define NET_OFFLINE UINT32_MAX

/* A span [start, end) during which a node's downlink is booked. */
struct span {
	simtime_t start, end;
};

/* A downlink's booked spans, by start: held inline while there is one
 * at most, so that a booking on an idle or once-booked downlink (the
 * usual case) touches this 32-byte record alone, in the node's record (a
 * list behind a pointer cost a run of 100,000 nodes two cache misses a
 * message); two or more are in V, which is kept for the next time. */
struct downlink {
	uint32_t len;            /* 0 or 1: the span is ONE; more: in V */
	uint32_t cap;            /* of V (0: none yet) */
	struct span one;
	struct span *v;
};

/* What a message touches of a node, in one cache line: sending, its
 * uplink, rate, region and reach; receiving, its downlink, rate, region
 * and reach (one record a node rather than an array per field, so the
 * receiving end of a send costs one cache miss, not four). */
struct node_rec {
	struct downlink dl;      /* its downlink's booked spans */
	simtime_t upload_free;   /* when its uplink is idle */
	double up, down;         /* bit/s (0 = unlimited), when RATES */
	uint32_t reach;          /* its side if online, else NET_OFFLINE */
	uint8_t region;          /* when the network has regions */
};
_Static_assert(sizeof(struct node_rec) == 64, "a node's record is one cache line");

struct net {
	uint32_t n;
	struct adj *adj;
	uint32_t *side;          /* per node: its side of a partition */
	struct node_rec *rec;    /* per node, line-aligned */
	bool has_regions;        /* rec[].region is set */
	bool rates;              /* rec[].up, .down are set: some node's
				  * bandwidth is its own */
	simtime_t *bb_up_free;   /* per node, with a backbone: its backbone */
	struct downlink *bb_spans; /* uplink and downlink, as above */
	const struct network_cfg *cfg;
	struct latency_cfg law;  /* the network's law */
	bool law_overridden;     /* a latency action replaced the regions' law */
	GArray *laws;            /* per-link overrides */
	simtime_t processing;
	simtime_t control_processing; /* non-block messages */
	double bandwidth;        /* bit/s, 0 = unlimited */
	struct rng rng;
	uint64_t links;
	bool built;              /* rotate_all ran: adjacencies final */
	/* Since rotate_all: every node's links in one line-aligned array,
	 * each node's starting on a line, and their peers in another (both on
	 * huge pages when large). A list that net_add_link grows moves out to
	 * an allocation of its own. */
	struct link *link_arena;
	uint64_t link_arena_len;
	uint32_t *peer_arena;
	uint64_t peer_arena_len;
};

static bool has_link(const struct net *net, uint32_t a, uint32_t b)
{
	const struct adj *x = &net->adj[a];
	for (uint32_t i = 0; i < x->len; i++)
		if (x->links[i].peer == b)
			return true;
	return false;
}

/* Whether P lies in the N elements of SIZE bytes from BASE (compared as
 * addresses: P may belong to another allocation). */
static bool in_block(const void *p, const void *base, uint64_t n, size_t size)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)base;
	return base && a >= b && a - b < n * size;
}

/* Free X's lists unless they lie in the arenas (rotate_all's). */
static void free_lists(struct net *net, struct adj *x)
{
	if (!net->built) {
		g_free(x->links);
		return;
	}
	if (!in_block(x->links, net->link_arena, net->link_arena_len, sizeof(struct link)))
		g_aligned_free(x->links);
	if (!in_block(x->peers, net->peer_arena, net->peer_arena_len, sizeof(uint32_t)))
		g_free(x->peers);
}

static void add_half(struct net *net, uint32_t a, uint32_t b)
{
	struct adj *x = &net->adj[a];
	if (x->len == x->cap && !net->built) {
		x->cap = x->cap ? 2 * x->cap : 8;
		x->links = g_renew(struct link, x->links, x->cap);
	} else if (x->len == x->cap) { /* net_add_link: aligned, peers[] follows */
		x->cap = x->cap ? 2 * x->cap : 8;
		struct link *grown = g_aligned_alloc(x->cap, sizeof *grown, 64);
		uint32_t *peers = g_new(uint32_t, x->cap);
		if (x->len) {
			memcpy(grown, x->links, x->len * sizeof *grown);
			memcpy(peers, x->peers, x->len * sizeof *peers);
		}
		free_lists(net, x);
		x->links = grown;
		x->peers = peers;
	}
	if (net->built)
		x->peers[x->len] = b;
	x->links[x->len++] = (struct link){ .peer = b, .law = -1 };
}

/* Add the undirected link a-b, known to be new and not a loop. O(1). */
static void add_new_link(struct net *net, uint32_t a, uint32_t b)
{
	uint32_t ia = net->adj[a].len, ib = net->adj[b].len;
	add_half(net, a, b);
	add_half(net, b, a);
	net->adj[a].links[ia].back = ib;
	net->adj[b].links[ib].back = ia;
	net->links++;
}

/* Add the undirected link a-b unless it exists or is a loop. O(degree). */
static void add_link(struct net *net, uint32_t a, uint32_t b)
{
	if (a != b && !has_link(net, a, b))
		add_new_link(net, a, b);
}

/* Every pair, built directly: node a's peers are 0..a-1, a+1..n-1 in
 * that order (the order one add_link() per pair a < b gives), and the
 * link a-b sits at index b - (b > a) in a's list. O(links). */
static void build_full(struct net *net)
{
	uint32_t n = net->n;
	for (uint32_t a = 0; a < n; a++) {
		struct adj *x = &net->adj[a];
		x->len = x->cap = n - 1;
		x->links = g_new(struct link, n > 1 ? n - 1 : 1);
		for (uint32_t b = 0, i = 0; b < n; b++)
			if (b != a)
				x->links[i++] = (struct link){ .peer = b, .back = a - (a > b), .law = -1 };
	}
	net->links = (uint64_t)n * (n - 1) / 2;
}

/* An outbound degree drawn from CDF (P(degree <= k+1) at index k). */
static uint32_t draw_degree(struct net *net, const GArray *cdf)
{
	double u = rng_unit(&net->rng);
	for (guint k = 0; k < cdf->len; k++)
		if (u < g_array_index(cdf, double, k))
			return k + 1;
	return cdf->len;
}

/* Each node opens DEGREE outbound links (or a degree drawn from CDF) to
 * distinct random others. Node a's current peers are stamped with a + 1
 * in SEEN, so each draw is checked in O(1) (a dense graph made a scan of
 * a's peers per draw cubic): O(links + draws), draws <= 50 d + 100. */
static void build_random(struct net *net, uint32_t degree, const GArray *cdf)
{
	uint32_t *seen = g_new0(uint32_t, net->n);
	for (uint32_t a = 0; a < net->n; a++) {
		uint32_t want = cdf ? draw_degree(net, cdf) : degree;
		uint32_t d = want < net->n - 1 ? want : net->n - 1;
		uint32_t opened = 0, tries = 0;
		const struct adj *x = &net->adj[a];
		for (uint32_t i = 0; i < x->len; i++)
			seen[x->links[i].peer] = a + 1;
		while (opened < d && tries < 50 * d + 100) {
			uint32_t b = (uint32_t)rng_below(&net->rng, net->n);
			tries++;
			if (b == a || seen[b] == a + 1)
				continue;
			add_new_link(net, a, b);
			seen[b] = a + 1;
			opened++;
		}
	}
	g_free(seen);
}

static uint32_t find_root(uint32_t *parent, uint32_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

/* Join disconnected components of a random graph, deterministically: each
 * component's lowest node links to node 0's component. */
static void connect_components(struct net *net)
{
	uint32_t *parent = g_new(uint32_t, net->n);
	for (uint32_t i = 0; i < net->n; i++)
		parent[i] = i;
	for (uint32_t a = 0; a < net->n; a++)
		for (uint32_t j = 0; j < net->adj[a].len; j++) {
			uint32_t ra = find_root(parent, a);
			uint32_t rb = find_root(parent, net->adj[a].links[j].peer);
			if (ra != rb)
				parent[ra < rb ? rb : ra] = ra < rb ? ra : rb;
		}
	for (uint32_t a = 1; a < net->n; a++) {
		uint32_t r = find_root(parent, a);
		if (r != find_root(parent, 0)) {
			add_link(net, a, (uint32_t)rng_below(&net->rng, a));
			parent[r] = find_root(parent, 0);
		}
	}
	g_free(parent);
}

/* The links of CFG's edges (node id pairs, as the reader resolved them). */
static void build_edges(struct net *net, const struct network_cfg *cfg)
{
	/* Links made so far, as (low << 32 | high), so that a duplicate is
	 * found in O(1) (a scan of a hub's peers per edge was O(degree)). */
	GHashTable *made = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	const GArray *ids = cfg->edge_ids;
	CHECK(ids != NULL); /* the reader resolves "edges" to ids */
	for (guint i = 0; i + 1 < ids->len; i += 2) {
		uint32_t u = g_array_index(ids, guint32, i), v = g_array_index(ids, guint32, i + 1);
		gint64 key = (gint64)(((uint64_t)MIN(u, v) << 32) | MAX(u, v));
		if (u == v || g_hash_table_contains(made, &key))
			continue;
		g_hash_table_add(made, g_memdup2(&key, sizeof key));
		add_new_link(net, u, v);
	}
	g_hash_table_destroy(made);
}

/* Each node's region, drawn by the regions' shares. */
static void assign_regions(struct net *net)
{
	const struct network_cfg *c = net->cfg;
	net->has_regions = true;
	for (uint32_t i = 0; i < net->n; i++) {
		double u = rng_unit(&net->rng), acc = 0;
		uint32_t r = c->n_regions - 1;
		for (uint32_t k = 0; k < c->n_regions; k++) {
			acc += c->region_share[k];
			if (u < acc) {
				r = k;
				break;
			}
		}
		net->rec[i].region = (uint8_t)r;
	}
}

/* A rate drawn from histogram H with R (a bin by weight, then uniform
 * inside it). O(log bins). */
static double draw_hist(struct rng *r, const GArray *h)
{
	const struct bw_bin *b = (const struct bw_bin *)(const void *)h->data;
	double u = rng_unit(r) * b[h->len - 1].cum;
	guint lo = 0, hi = h->len - 1;
	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		if (u < b[mid].cum)
			hi = mid;
		else
			lo = mid + 1;
	}
	return rng_uniform(r, b[lo].lo, b[lo].hi);
}

/* NODE's rate in one direction under B; HIST is its region's histogram
 * (NULL: none), DFLT what the network gives it otherwise. */
static double draw_bw(struct rng *r, const struct bw_cfg *b, const GArray *hist, double dflt)
{
	switch (b->kind) {
	case BW_NETWORK:
		return hist ? draw_hist(r, hist) : dflt;
	case BW_CONSTANT:
		return b->value;
	case BW_LOGNORMAL:
		return rng_lognormal(r, b->value, b->shape);
	case BW_UNIFORM:
		return rng_uniform(r, b->value, b->max);
	case BW_HISTOGRAM:
		CHECK(hist != NULL); /* the reader requires the network's histograms */
		return draw_hist(r, hist);
	}
	return dflt;
}

/* Per-node bandwidths, when a node has laws of its own (BW) or the
 * network has histograms: node i draws its upload, then its download,
 * from its own stream (RNG_STREAM_BANDWIDTH + i), so adding a node or a
 * group changes no other node's draw. */
static void assign_bandwidths(struct net *net, const struct net_node_bw *bw, uint64_t seed)
{
	const struct network_cfg *c = net->cfg;
	static const struct net_node_bw unset = { { BW_NETWORK, 0, 0, 0 }, { BW_NETWORK, 0, 0, 0 } };
	bool any = c->hist_n > 0;
	for (uint32_t id = 0; bw && !any && id < net->n; id++)
		any = bw[id].upload.kind != BW_NETWORK || bw[id].download.kind != BW_NETWORK;
	if (!any)
		return;
	net->rates = true;
	for (uint32_t id = 0; id < net->n; id++) {
		const struct net_node_bw *b = bw ? &bw[id] : &unset;
		struct rng r;
		rng_seed(&r, seed, RNG_STREAM_BANDWIDTH + id);
		int reg = net->has_regions ? net->rec[id].region : -1;
		const GArray *hu = reg >= 0 && c->hist_n ? c->hist_up[reg] : NULL;
		const GArray *hd = reg >= 0 && c->hist_n ? c->hist_down[reg] : NULL;
		double du = reg >= 0 ? c->region_up[reg] : c->bandwidth;
		double dd = reg >= 0 ? c->region_down[reg] : c->bandwidth;
		net->rec[id].up = draw_bw(&r, &b->upload, hu, du);
		net->rec[id].down = draw_bw(&r, &b->download, hd, dd);
	}
}

/* Mark the link a-b (both halves) as a backbone link. O(degree). */
static void mark_backbone(struct net *net, uint32_t a, uint32_t b)
{
	for (int side = 0; side < 2; side++) {
		struct adj *x = &net->adj[side ? b : a];
		uint32_t other = side ? a : b;
		for (uint32_t i = 0; i < x->len; i++)
			if (x->links[i].peer == other)
				x->links[i].backbone = true;
	}
}

/* The backbone: every pair of its nodes linked by a backbone link, then
 * each opens ordinary links to random nodes outside it until it has
 * CONNECTIONS of them (draws from the topology stream, bounded as in
 * build_random). O(members^2 * degree + connections * degree). */
static void build_backbone(struct net *net, const struct backbone_cfg *bb)
{
	const GArray *ids = bb->node_ids;
	CHECK(ids != NULL); /* the reader resolves the backbone's names to ids */
	uint8_t *member = g_new0(uint8_t, net->n);
	for (guint i = 0; i < ids->len; i++)
		member[g_array_index(ids, guint32, i)] = 1;
	for (uint32_t a = 0; a < net->n; a++)
		for (uint32_t b = a + 1; member[a] && b < net->n; b++)
			if (member[b]) {
				add_link(net, a, b);
				mark_backbone(net, a, b);
			}
	uint32_t outside = 0;
	for (uint32_t a = 0; a < net->n; a++)
		outside += !member[a];
	for (uint32_t a = 0; a < net->n && bb->connections > 0; a++) {
		if (!member[a])
			continue;
		uint32_t have = 0;
		for (uint32_t i = 0; i < net->adj[a].len; i++)
			have += !member[net->adj[a].links[i].peer];
		uint32_t want = MIN(bb->connections, outside);
		for (uint32_t tries = 0; have < want && tries < 50 * want + 100; tries++) {
			uint32_t b = (uint32_t)rng_below(&net->rng, net->n);
			if (member[b] || has_link(net, a, b))
				continue;
			add_new_link(net, a, b);
			have++;
		}
	}
	g_free(member);
	net->bb_up_free = mem_alloc0(net->n, sizeof(simtime_t));
	net->bb_spans = mem_alloc0(net->n, sizeof(struct downlink));
}

/* Rotate each node's list by an offset drawn from the topology stream
 * (peer number i becomes what was links[(i + start) % len]), each link's
 * back index following its peer's rotation; lists shrink to their
 * length. O(links). */
static void rotate_all(struct net *net)
{
	uint32_t *start = g_new0(uint32_t, net->n);
	for (uint32_t a = 0; a < net->n; a++)
		if (net->adj[a].len > 0)
			start[a] = (uint32_t)rng_below(&net->rng, net->adj[a].len);
	for (uint32_t a = 0; a < net->n; a++)
		for (uint32_t j = 0; j < net->adj[a].len; j++) {
			struct link *k = &net->adj[a].links[j];
			uint32_t s = start[k->peer], len = net->adj[k->peer].len;
			k->back = k->back >= s ? k->back - s : k->back + len - s;
		}
	/* each node's links from a line's start: a 32-byte link never
	 * straddles two cache lines */
	const uint64_t per_line = 64 / sizeof(struct link);
	for (uint32_t a = 0; a < net->n; a++) {
		net->link_arena_len += (net->adj[a].len + per_line - 1) / per_line * per_line;
		net->peer_arena_len += net->adj[a].len;
	}
	net->link_arena = mem_alloc0(net->link_arena_len, sizeof(struct link));
	net->peer_arena = mem_alloc0(net->peer_arena_len, sizeof(uint32_t));
	uint64_t lo = 0, po = 0;
	for (uint32_t a = 0; a < net->n; a++) {
		struct adj *x = &net->adj[a];
		if (x->len == 0) {
			g_free(x->links);
			*x = (struct adj){ 0 };
			continue;
		}
		struct link *ordered = net->link_arena + lo;
		x->peers = net->peer_arena + po;
		for (uint32_t i = 0; i < x->len; i++) {
			uint32_t p = i + start[a];
			ordered[i] = x->links[p >= x->len ? p - x->len : p];
			x->peers[i] = ordered[i].peer;
		}
		g_free(x->links);
		x->links = ordered;
		x->cap = x->len;
		lo += (x->len + per_line - 1) / per_line * per_line;
		po += x->len;
	}
	g_free(start);
	net->built = true;
}

net_t *net_new(const struct network_cfg *cfg, uint32_t n, const struct net_node_bw *bw,
	       uint64_t seed)
{
	net_t *net = g_new0(net_t, 1);
	net->n = n;
	net->adj = mem_alloc0(n, sizeof(struct adj));
	net->side = mem_alloc0(n, sizeof(uint32_t));
	net->rec = mem_alloc0(n, sizeof(struct node_rec));
	net->cfg = cfg;
	net->law = cfg->latency;
	net->laws = g_array_new(FALSE, FALSE, sizeof(struct latency_cfg));
	net->processing = cfg->processing;
	net->control_processing = cfg->control_processing >= 0 ?
		cfg->control_processing : cfg->processing;
	net->bandwidth = cfg->bandwidth;
	rng_seed(&net->rng, seed, RNG_STREAM_TOPOLOGY);
	if (cfg->n_regions > 0)
		assign_regions(net);
	assign_bandwidths(net, bw, seed);
	switch (cfg->topology) {
	case TOPO_FULL:
		build_full(net);
		break;
	case TOPO_RANDOM:
		if (n > 1) {
			build_random(net, cfg->degree, cfg->degree_cdf);
			connect_components(net);
		}
		break;
	case TOPO_EDGES:
		build_edges(net, cfg);
		break;
	}
	if (cfg->backbone.enabled)
		build_backbone(net, &cfg->backbone);
	rotate_all(net);
	rng_seed(&net->rng, seed, RNG_STREAM_LATENCY);
	return net;
}

void net_free(net_t *net)
{
	if (!net)
		return;
	for (uint32_t i = 0; i < net->n; i++)
		free_lists(net, &net->adj[i]);
	mem_free(net->link_arena, net->link_arena_len, sizeof(struct link));
	mem_free(net->peer_arena, net->peer_arena_len, sizeof(uint32_t));
	mem_free(net->adj, net->n, sizeof(struct adj));
	mem_free(net->side, net->n, sizeof(uint32_t));
	for (uint32_t i = 0; i < net->n; i++)
		g_free(net->rec[i].dl.v);
	mem_free(net->rec, net->n, sizeof(struct node_rec));
	for (uint32_t i = 0; net->bb_spans && i < net->n; i++)
		g_free(net->bb_spans[i].v);
	mem_free(net->bb_spans, net->n, sizeof(struct downlink));
	mem_free(net->bb_up_free, net->n, sizeof(simtime_t));
	g_array_free(net->laws, TRUE);
	g_free(net);
}

uint32_t net_node_count(const net_t *net)
{
	return net->n;
}

uint64_t net_link_count(const net_t *net)
{
	return net->links;
}

bool net_node_rates(const net_t *net, uint32_t node, double *up, double *down)
{
	if (!net->rates)
		return false;
	*up = net->rec[node].up;
	*down = net->rec[node].down;
	return true;
}

uint32_t net_degree(const net_t *net, uint32_t node)
{
	return net->adj[node].len;
}

const uint32_t *net_peers(const net_t *net, uint32_t node)
{
	return net->adj[node].peers;
}

uint32_t net_peer(const net_t *net, uint32_t node, uint32_t index)
{
	const struct adj *x = &net->adj[node];
	CHECK(index < x->len);
	return x->links[index].peer;
}

uint32_t net_reverse_index(const net_t *net, uint32_t node, uint32_t index)
{
	const struct adj *x = &net->adj[node];
	CHECK(index < x->len);
	return x->links[index].back;
}

uint32_t net_peer_index(const net_t *net, uint32_t from, uint32_t to)
{
	const struct adj *x = &net->adj[from];
	for (uint32_t i = 0; i < x->len; i++)
		if (x->links[i].peer == to)
			return i;
	return NET_NO_PEER;
}

bool net_reachable(const net_t *net, uint32_t from, uint32_t to)
{
	return net->rec[from].reach == net->rec[to].reach && net->rec[from].reach != NET_OFFLINE;
}

static simtime_t cut(simtime_t t)
{
	return t < NET_LATENCY_MAX ? t : NET_LATENCY_MAX;
}

static simtime_t sample_latency(struct net *net, const struct latency_cfg *l)
{
	double v = (double)l->value / 1e9;
	switch (l->law) {
	case LAT_CONSTANT:
		return cut(l->value);
	case LAT_UNIFORM:
		return cut(simtime_from_s(rng_uniform(&net->rng, v, (double)l->max / 1e9)));
	case LAT_LOGNORMAL:
		return cut(simtime_from_s(rng_lognormal(&net->rng, v, l->shape)));
	case LAT_PARETO:
		return cut(simtime_from_s(rng_pareto(&net->rng, v, l->shape)));
	}
	return cut(l->value);
}


/* Bits per second of TO's downlink, 0 for unlimited. */
static double down_rate(const struct net *net, uint32_t to)
{
	if (net->rates)
		return net->rec[to].down;
	if (!net->has_regions)
		return net->bandwidth;
	return net->cfg->region_down[net->rec[to].region];
}

static struct span *dl_at(struct downlink *d)
{
	return d->len > 1 ? d->v : &d->one;
}

/* Remove N spans of D from index AT on (back inline at one). */
static void dl_remove(struct downlink *d, uint32_t at, uint32_t n)
{
	struct span *x = dl_at(d);
	memmove(x + at, x + at + n, (d->len - at - n) * sizeof *x);
	if (d->len > 1 && d->len - n == 1)
		d->one = x[0];
	d->len -= n;
}

/* Insert SP into D at index AT (out of line from two spans on). */
static void dl_insert(struct downlink *d, uint32_t at, struct span sp)
{
	if (d->len == 0) {
		d->one = sp;
		d->len = 1;
		return;
	}
	if (d->len + 1 > d->cap) {
		d->cap = MAX(4u, d->cap * 2);
		d->v = g_renew(struct span, d->v, d->cap);
	}
	if (d->len == 1)
		d->v[0] = d->one;
	memmove(d->v + at + 1, d->v + at, (d->len - at) * sizeof *d->v);
	d->v[at] = sp;
	d->len++;
}

/* Book DUR of downlink D at the earliest START >= EARLIEST where it
 * is free (the first gap that fits: a message booked later whose first
 * bit arrives sooner goes first, so a far sender does not hold up a near
 * one). Spans ending by NOW are dropped first: no booking starts before
 * NOW. Adjacent spans merge. Returns the span's end. O(spans booked). */
static simtime_t book_down(struct downlink *d, simtime_t earliest, simtime_t dur, simtime_t now)
{
	uint32_t drop = 0;
	while (drop < d->len && dl_at(d)[drop].end <= now)
		drop++;
	if (drop)
		dl_remove(d, 0, drop);
	const struct span *x = dl_at(d);
	simtime_t s = earliest;
	uint32_t i = 0;
	for (; i < d->len; i++) {
		if (x[i].end <= s)
			continue;
		if (x[i].start >= simtime_add_sat(s, dur))
			break;
		s = x[i].end;
	}
	struct span mine = { s, simtime_add_sat(s, dur) };
	/* merge with the span before (ends at s at the latest) and after */
	if (i > 0 && x[i - 1].end == mine.start) {
		i--;
		mine.start = x[i].start;
		dl_remove(d, i, 1);
	}
	x = dl_at(d);
	if (i < d->len && x[i].start == mine.end) {
		mine.end = x[i].end;
		dl_remove(d, i, 1);
	}
	dl_insert(d, i, mine);
	return simtime_add_sat(s, dur);
}

/* The latency of one message on link K from FROM to TO. */
static simtime_t link_latency(struct net *net, const struct link *k, uint32_t from, uint32_t to)
{
	if (k->law >= 0)
		return sample_latency(net, &g_array_index(net->laws, struct latency_cfg, k->law));
	if (k->backbone && net->cfg->backbone.own_latency)
		return sample_latency(net, &net->cfg->backbone.latency);
	if (!net->has_regions || net->law_overridden)
		return sample_latency(net, &net->law);
	const struct network_cfg *c = net->cfg;
	simtime_t mean = c->region_latency[net->rec[from].region * c->n_regions + net->rec[to].region];
	if (c->jitter_spread <= 0 || c->jitter_spread >= mean)
		return cut(mean);
	double alpha = (double)mean / (double)c->jitter_spread;
	return cut(simtime_from_s(rng_pareto(&net->rng, simtime_to_s(mean), alpha)));
}

/* Bits per second of FROM's uplink, 0 for unlimited. */
static double up_rate(const struct net *net, uint32_t from)
{
	if (net->rates)
		return net->rec[from].up;
	if (!net->has_regions)
		return net->bandwidth;
	return net->cfg->region_up[net->rec[from].region];
}

/* The cap on one connection from FROM to TO (the inter-region rate when
 * their regions differ), 0 for none. */
static double link_cap(const struct net *net, uint32_t from, uint32_t to)
{
	double inter = net->cfg->inter_bandwidth;
	return net->has_regions && inter > 0 && net->rec[from].region != net->rec[to].region ? inter : 0;
}

/* The slower of two rates in bit/s, 0 meaning unlimited. */
static double slower(double a, double b)
{
	return a == 0 ? b : b == 0 ? a : MIN(a, b);
}

/* Bits per second of one transfer from FROM to TO held to both ends and
 * the connection's cap ("pair", "link", "slot"), 0 for unlimited. */
static double rate(const struct net *net, uint32_t from, uint32_t to)
{
	return slower(slower(up_rate(net, from), down_rate(net, to)), link_cap(net, from, to));
}

/* The time BYTES take at BPS bit/s (0: unlimited, no time). */
static simtime_t tx_time(uint64_t bytes, double bps)
{
	return bps > 0 ? simtime_from_s((double)bytes * 8.0 / bps) : 0;
}

/* The ends of one transfer: the uplink it queues on (*UP_FREE, when it
 * is idle) and its rate, the downlink it books (*SPANS, NULL: none) and
 * its rate, and a per-connection rate CAP (0: none) that floors the
 * transfer's duration from its first bit's arrival. */
struct ends {
	simtime_t *up_free;
	struct downlink *spans;
	double up, down, cap;
};

/* A transfer of BYTES on link K from FROM over ENDS: it starts when the
 * uplink is free, holds it for BYTES at the uplink's rate, travels for
 * the link's latency, and books its share of the downlink from its first
 * bit's arrival on (uncontended, the share adds time only when the
 * downlink is slower than the uplink). Returns when it has arrived: the
 * latest of the upload plus latency, the downlink share's end, and the
 * cap's floor. O(spans booked at the receiver). */
static simtime_t transfer(struct net *net, struct link *k, uint32_t from, uint64_t bytes,
			  simtime_t now, const struct ends *e)
{
	simtime_t start = *e->up_free > now ? *e->up_free : now;
	*e->up_free = simtime_add_sat(start, tx_time(bytes, e->up));
	simtime_t lat = link_latency(net, k, from, k->peer);
	simtime_t first = simtime_add_sat(start, lat);
	simtime_t done = simtime_add_sat(*e->up_free, lat);
	if (e->cap > 0) {
		simtime_t capped = simtime_add_sat(first, tx_time(bytes, e->cap));
		if (capped > done)
			done = capped;
	}
	if (e->spans && e->down > 0 && bytes > 0) {
		simtime_t end = book_down(e->spans, first, tx_time(bytes, e->down), now);
		if (end > done)
			done = end;
	}
	return done;
}

/* SimBlock's discipline: a block message waits for the sender's single
 * upload slot and holds it, at min(up, down), until it has landed and
 * been processed (PROC); other messages take their latency alone. */
static simtime_t transfer_slot(struct net *net, struct link *k, uint32_t from, uint64_t bytes,
			       simtime_t now, enum net_msg kind, simtime_t proc)
{
	if (kind != NET_MSG_BLOCK)
		return simtime_add_sat(now, link_latency(net, k, from, k->peer));
	simtime_t *slot = k->backbone ? &net->bb_up_free[from] : &net->rec[from].upload_free;
	double bps = k->backbone ? net->cfg->backbone.bandwidth : rate(net, from, k->peer);
	simtime_t start = *slot > now ? *slot : now;
	simtime_t done = simtime_add_sat(simtime_add_sat(start, tx_time(bytes, bps)),
					 link_latency(net, k, from, k->peer));
	*slot = simtime_add_sat(done, proc);
	return done;
}

simtime_t net_send(net_t *net, uint32_t from, uint32_t peer_index, uint64_t bytes,
		   simtime_t now, enum net_msg kind)
{
	struct adj *x = &net->adj[from];
	CHECK(peer_index < x->len);
	struct link *k = &x->links[peer_index];
	uint32_t to = k->peer;
	simtime_t proc = kind == NET_MSG_BLOCK ? net->processing : net->control_processing;
	/* A backbone link has its own uplink and downlink at its own rate. */
	double bb = net->cfg->backbone.bandwidth;
	struct ends e = {
		.up_free = k->backbone ? &net->bb_up_free[from] : &net->rec[from].upload_free,
		.spans = k->backbone ? &net->bb_spans[to] : &net->rec[to].dl,
	};
	simtime_t done;
	switch (net->cfg->sharing) {
	case NET_SHARE_NODE:
		e.up = k->backbone ? bb : up_rate(net, from);
		e.down = k->backbone ? bb : down_rate(net, to);
		e.cap = k->backbone ? 0 : link_cap(net, from, to);
		done = transfer(net, k, from, bytes, now, &e);
		break;
	case NET_SHARE_PAIR:
		e.up = k->backbone ? bb : rate(net, from, to);
		e.down = k->backbone ? bb : down_rate(net, to);
		done = transfer(net, k, from, bytes, now, &e);
		break;
	case NET_SHARE_LINK:
		e.up_free = &k->busy_until;
		e.spans = NULL;
		e.up = k->backbone ? bb : rate(net, from, to);
		done = transfer(net, k, from, bytes, now, &e);
		break;
	case NET_SHARE_SLOT:
	default:
		done = transfer_slot(net, k, from, bytes, now, kind, proc);
		break;
	}
	simtime_t at = simtime_add_sat(done, proc);
	if (at < k->last_delivery)
		at = k->last_delivery;
	k->last_delivery = at;
	return at - now;
}

void net_prefetch(const net_t *net, uint32_t to, uint32_t from, uint32_t back, unsigned ahead)
{
	if (to >= net->n)
		return;
	const struct adj *x = &net->adj[to];
	if (ahead == 1) {
		/* x was fetched one event ago (AHEAD 2) */
		if (back < x->len) {
			MEM_PREFETCH(&x->links[back]);
		} else if (back == NET_NO_PEER && x->len > 0) {
			MEM_PREFETCH(x->peers);
			for (uint32_t i = 0; i < x->len; i += 64 / sizeof *x->links)
				MEM_PREFETCH(&x->links[i]);
		}
		return;
	}
	MEM_PREFETCH(x);
	MEM_PREFETCH(&net->rec[to]);
	if (from < net->n)
		MEM_PREFETCH(&net->rec[from]);
}

void net_prefetch_receiver(const net_t *net, uint32_t to)
{
	MEM_PREFETCH(&net->rec[to]);
}

void net_set_online(net_t *net, uint32_t node, bool online)
{
	net->rec[node].reach = online ? net->side[node] : NET_OFFLINE;
}

bool net_online(const net_t *net, uint32_t node)
{
	return net->rec[node].reach != NET_OFFLINE;
}

void net_partition(net_t *net, const uint32_t *side_of)
{
	for (uint32_t i = 0; i < net->n; i++) {
		CHECK(side_of[i] != NET_OFFLINE);
		net->side[i] = side_of[i];
		if (net->rec[i].reach != NET_OFFLINE)
			net->rec[i].reach = side_of[i];
	}
}

void net_heal(net_t *net)
{
	for (uint32_t i = 0; i < net->n; i++) {
		net->side[i] = 0;
		if (net->rec[i].reach != NET_OFFLINE)
			net->rec[i].reach = 0;
	}
}

int net_region(const net_t *net, uint32_t node)
{
	return net->has_regions ? net->rec[node].region : -1;
}

uint32_t net_side(const net_t *net, uint32_t node)
{
	return net->side[node];
}

static void set_link_law(struct net *net, uint32_t a, uint32_t b, int32_t law)
{
	struct adj *x = &net->adj[a];
	for (uint32_t i = 0; i < x->len; i++)
		if (x->links[i].peer == b)
			x->links[i].law = law;
}

void net_set_latency(net_t *net, const struct latency_cfg *lat, uint32_t from, uint32_t to)
{
	if (from == NET_NO_PEER) {
		net->law = *lat;
		net->law_overridden = true;
		g_array_set_size(net->laws, 0);
		for (uint32_t a = 0; a < net->n; a++)
			for (uint32_t i = 0; i < net->adj[a].len; i++)
				net->adj[a].links[i].law = -1;
		return;
	}
	g_array_append_val(net->laws, *lat);
	int32_t idx = (int32_t)net->laws->len - 1;
	set_link_law(net, from, to, idx);
	set_link_law(net, to, from, idx);
}

bool net_add_link(net_t *net, uint32_t a, uint32_t b)
{
	CHECK(a < net->n && b < net->n);
	if (a == b || has_link(net, a, b))
		return false;
	add_link(net, a, b);
	return true;
}
