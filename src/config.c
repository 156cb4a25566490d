/* config: defaults, ownership and node naming for struct scenario
 * (see config.h). The defaults here are the ones documented in
 * scenarios/README.md; change both together. */
#include "powsim/config.h"

#include <string.h>

static void free_ids(GArray *ids)
{
	if (ids != NULL)
		g_array_unref(ids);
}

static void group_clear(void *p)
{
	struct group_cfg *g = p;

	if (g->shares != NULL)
		g_array_unref(g->shares);
	g_free(g->name);
	g_free(g->trade.to);
	free_ids(g->trade.to_ids);
	g_free(g->strategy.name);
	g_free(g->strategy.variant);
	g_free(g->strategy.merchant);
	memset(g, 0, sizeof *g);
}

static void event_clear(void *p)
{
	struct event_cfg *e = p;

	g_free(e->target);
	g_free(e->link_to);
	g_free(e->kind);
	g_free(e->from);
	if (e->sides != NULL)
		g_ptr_array_unref(e->sides);
	free_ids(e->target_ids);
	free_ids(e->to_ids);
	free_ids(e->from_ids);
	free_ids(e->side_of);
	memset(e, 0, sizeof *e);
}

const char *const config_action_names[] = {
	[TL_DIFFICULTY] = "difficulty", [TL_HASHRATE] = "hashrate", [TL_BURST] = "burst",
	[TL_LEAVE] = "leave", [TL_JOIN] = "join", [TL_PARTITION] = "partition",
	[TL_HEAL] = "heal", [TL_LATENCY] = "latency", [TL_INVALID_TXS] = "invalid-txs",
	[TL_INJECT_BLOCK] = "inject-block", [TL_WITHHOLD] = "withhold", [TL_RELEASE] = "release",
	[TL_TRANSFER] = "transfer", [TL_MINE] = "mine", [TL_SUBMIT] = "submit",
	[TL_RESOLVE] = "resolve", [TL_LINK] = "link", [TL_STOP] = "stop", [TL_STOP + 1] = NULL,
};
const char *const config_mode_names[] = {
	[MINING_REAL] = "real", [MINING_FAST] = "fast", [MINING_MODEL] = "model",
	[MINING_MODEL + 1] = NULL,
};
const char *const config_fork_names[] = {
	[FORK_MOST_WORK] = "most-work", [FORK_LONGEST] = "longest", [FORK_LONGEST + 1] = NULL,
};
const char *const config_relay_names[] = {
	[RELAY_PUSH] = "push", [RELAY_PULL_CHAIN] = "pull-chain", [RELAY_INV] = "inv",
	[RELAY_INV + 1] = NULL,
};

const char *const config_expect_metrics[EXPECT_M_COUNT + 1] = {
	[EXPECT_M_DISTINCT_TIPS] = "distinct_tips",
	[EXPECT_M_HEIGHT] = "height",
	[EXPECT_M_BLOCKS_MINED] = "blocks_mined",
	[EXPECT_M_BLOCKS_INJECTED] = "blocks_injected",
	[EXPECT_M_STALE] = "stale",
	[EXPECT_M_STALE_RATE] = "stale_rate",
	[EXPECT_M_REORGS] = "reorgs",
	[EXPECT_M_DEEPEST_REORG] = "deepest_reorg",
	[EXPECT_M_TXS_CREATED] = "txs_created",
	[EXPECT_M_TXS_CONFIRMED] = "txs_confirmed",
	[EXPECT_M_CONFIRMED_SHARE] = "confirmed_share",
	[EXPECT_M_INJECTED_ON_MAIN] = "injected_on_main",
	[EXPECT_M_INJECTED_CONFIRMED] = "injected_confirmed",
	[EXPECT_M_FINAL_DIFFICULTY] = "final_difficulty",
	[EXPECT_M_COUNT] = NULL,
};

static void expect_clear(void *p)
{
	struct expect_cfg *e = p;

	g_free(e->label);
	g_free(e->reason);
	g_free(e->node);
	free_ids(e->node_ids);
	memset(e, 0, sizeof *e);
}

void config_init(struct scenario *s)
{
	memset(s, 0, sizeof *s);
	s->seed = 1;

	s->consensus.mode = MINING_REAL;
	s->consensus.millizeros = 4000;
	s->consensus.fork_choice = FORK_MOST_WORK;
	s->consensus.reward = 50;
	s->consensus.max_block_txs = 1000;
	s->consensus.retarget_every = 0;
	s->consensus.retarget_interval = 0;
	s->consensus.retarget_clamp = 4;
	s->consensus.schedule = g_array_new(FALSE, FALSE, sizeof(struct difficulty_change));

	s->network.topology = TOPO_FULL;
	s->network.degree = 8;
	s->network.edges = g_ptr_array_new_with_free_func(g_free);
	s->network.latency.law = LAT_CONSTANT;
	s->network.latency.value = 50 * SIMTIME_MS;
	s->network.processing = 1 * SIMTIME_MS;
	s->network.control_processing = -1;
	s->network.compact_share = 1;
	s->network.compact_missing = -1;
	s->network.relay = RELAY_PUSH;
	s->network.validate_block = 1 * SIMTIME_MS;
	s->network.validate_tx = 10 * SIMTIME_US;
	s->network.bandwidth = 0;
	s->network.header_bytes = 96;
	s->network.tx_bytes = 250;

	s->mempool.order = MEMPOOL_ARRIVAL;
	s->mempool.capacity = 10000;
	s->mempool.refresh = REFRESH_ON_TX;

	s->groups = g_array_new(FALSE, TRUE, sizeof(struct group_cfg));
	g_array_set_clear_func(s->groups, group_clear);
	s->events = g_array_new(FALSE, TRUE, sizeof(struct event_cfg));
	g_array_set_clear_func(s->events, event_clear);

	s->sample = 1 * SIMTIME_S;

	s->expects = g_array_new(FALSE, TRUE, sizeof(struct expect_cfg));
	g_array_set_clear_func(s->expects, expect_clear);
}

void config_network_clear_regions(struct network_cfg *n)
{
	g_strfreev(n->region_names);
	g_free(n->region_share);
	g_free(n->region_latency);
	g_free(n->region_up);
	g_free(n->region_down);
	n->region_names = NULL;
	n->region_share = n->region_up = n->region_down = NULL;
	n->region_latency = NULL;
	n->n_regions = 0;
}

void config_clear(struct scenario *s)
{
	if (s == NULL)
		return;
	g_free(s->file);
	g_free(s->name);
	g_free(s->digest);
	if (s->consensus.schedule != NULL)
		g_array_unref(s->consensus.schedule);
	if (s->network.edges != NULL)
		g_ptr_array_unref(s->network.edges);
	free_ids(s->network.edge_ids);
	config_network_clear_regions(&s->network);
	for (uint32_t r = 0; r < s->network.hist_n; r++) {
		if (s->network.hist_up[r])
			g_array_unref(s->network.hist_up[r]);
		if (s->network.hist_down[r])
			g_array_unref(s->network.hist_down[r]);
	}
	g_free(s->network.hist_up);
	if (s->network.backbone.nodes != NULL)
		g_ptr_array_unref(s->network.backbone.nodes);
	free_ids(s->network.backbone.node_ids);
	g_free(s->network.hist_down);
	if (s->network.degree_cdf != NULL)
		g_array_unref(s->network.degree_cdf);
	if (s->groups != NULL)
		g_array_unref(s->groups);
	if (s->events != NULL)
		g_array_unref(s->events);
	if (s->expects != NULL)
		g_array_unref(s->expects);
	memset(s, 0, sizeof *s);
}

static const struct group_cfg *group_at(const struct scenario *s, guint i)
{
	return &g_array_index(s->groups, struct group_cfg, i);
}

uint32_t config_node_count(const struct scenario *s)
{
	uint32_t n = 0;

	for (guint i = 0; s->groups != NULL && i < s->groups->len; i++)
		n += group_at(s, i)->count;
	return n;
}

/* The group of node ID and the node's index in it. O(groups). */
static uint32_t locate(const struct scenario *s, uint32_t id, uint32_t *index)
{
	uint32_t first = 0;

	for (guint i = 0; s->groups != NULL && i < s->groups->len; i++) {
		uint32_t c = group_at(s, i)->count;
		if (id - first < c) {
			*index = id - first;
			return i;
		}
		first += c;
	}
	g_error("config: node id %u out of range (%u nodes)", id, first);
}

void config_node_name(const struct scenario *s, uint32_t id, char *buf, unsigned len)
{
	uint32_t index;
	const struct group_cfg *g = group_at(s, locate(s, id, &index));

	if (g->count == 1)
		g_strlcpy(buf, g->name, len);
	else
		g_snprintf(buf, len, "%s%u", g->name, index + 1);
}

uint32_t config_node_group(const struct scenario *s, uint32_t id)
{
	uint32_t index;

	return locate(s, id, &index);
}

/* If NAME is PREFIX followed by a decimal index 1..COUNT with no leading
 * zero, store the index (from 1) in *K. */
static bool split_index(const char *name, const char *prefix, uint32_t count, uint32_t *k)
{
	size_t plen = strlen(prefix);
	const char *d = name + plen;
	uint64_t v = 0;

	if (strncmp(name, prefix, plen) != 0 || *d < '1' || *d > '9')
		return false;
	for (; *d; d++) {
		if (!g_ascii_isdigit(*d))
			return false;
		v = v * 10 + (uint64_t)(*d - '0');
		if (v > count)
			return false;
	}
	*k = (uint32_t)v;
	return true;
}

bool config_resolve(const struct scenario *s, const char *name, GArray *out)
{
	uint32_t first = 0, k;

	if (name == NULL || s->groups == NULL)
		return false;
	/* A group name wins; the scenario reader rejects files where a group
	 * name is also the name of another group's node. */
	for (guint i = 0; i < s->groups->len; i++) {
		const struct group_cfg *g = group_at(s, i);
		if (strcmp(g->name, name) == 0) {
			for (uint32_t j = 0; j < g->count; j++) {
				guint32 id = first + j;
				g_array_append_val(out, id);
			}
			return true;
		}
		first += g->count;
	}
	first = 0;
	for (guint i = 0; i < s->groups->len; i++) {
		const struct group_cfg *g = group_at(s, i);
		if (g->count > 1 && split_index(name, g->name, g->count, &k)) {
			guint32 id = first + k - 1;
			g_array_append_val(out, id);
			return true;
		}
		first += g->count;
	}
	return false;
}

GArray *config_resolve_new(const struct scenario *s, const char *name)
{
	if (name == NULL)
		return NULL;
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	config_resolve(s, name, ids);
	return ids;
}

/* *IDS = the ids NAME names (NULL for no name), replacing what it held. */
static void resolve_into(const struct scenario *s, const char *name, GArray **ids)
{
	free_ids(*ids);
	*ids = config_resolve_new(s, name);
}

void config_event_resolve(const struct scenario *s, struct event_cfg *e)
{
	resolve_into(s, e->target, &e->target_ids);
	resolve_into(s, e->link_to, &e->to_ids);
	resolve_into(s, e->from, &e->from_ids);
	free_ids(e->side_of);
	e->side_of = NULL;
	if (e->sides == NULL)
		return;
	/* Later sides win a node named twice (the reader refuses that). */
	uint32_t n = config_node_count(s);
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	e->side_of = g_array_new(FALSE, TRUE, sizeof(guint32));
	g_array_set_size(e->side_of, n);
	for (guint k = 0; k < e->sides->len; k++) {
		GStrv names = g_ptr_array_index(e->sides, k);
		for (guint j = 0; names[j]; j++) {
			g_array_set_size(ids, 0);
			config_resolve(s, names[j], ids);
			for (guint i = 0; i < ids->len; i++)
				g_array_index(e->side_of, guint32, g_array_index(ids, guint32, i)) = k + 1;
		}
	}
	g_array_unref(ids);
}

struct net_node_bw *config_node_bw(const struct scenario *s)
{
	uint32_t n = config_node_count(s), id = 0;
	struct net_node_bw *bw = g_new(struct net_node_bw, n ? n : 1);

	for (guint g = 0; g < s->groups->len; g++) {
		const struct group_cfg *gc = group_at(s, g);
		for (uint32_t k = 0; k < gc->count; k++, id++)
			bw[id] = (struct net_node_bw){ gc->upload, gc->download };
	}
	return bw;
}

struct node_spec config_node_spec(const struct scenario *s, uint32_t g)
{
	const struct group_cfg *gc = group_at(s, g);

	return (struct node_spec){
		.role = gc->role,
		.hashrate = gc->hashrate,
		.strategy = &gc->strategy,
		.compact_fail = gc->compact_fail >= 0 ? gc->compact_fail : s->network.compact_fail,
	};
}
