/* world_timeline: the scenario's timeline actions, at their time or
 * height, and who they address. */
#include "world_int.h"
#include "powsim/check.h"

static void rebuild_all(world_t *w)
{
	for (uint32_t k = 0; k < w->n_miners; k++)
		node_rebuild_template(&w->env, &w->nodes[w->miner_ids[k]]);
}

#define ANY_ROLE (-1)

/* The nodes an action's target designates (NAMED, its resolved ids); without a
 * target, every node of ROLE (or every node, ANY_ROLE). */
static GArray *targets_of(world_t *w, const GArray *named, int role)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	if (named) {
		g_array_append_vals(ids, named->data, named->len);
		return ids;
	}
	for (guint32 i = 0; i < w->n; i++)
		if (role == ANY_ROLE || (int)w->nodes[i].role == role)
			g_array_append_val(ids, i);
	return ids;
}

/* Who an action without a target addresses: hashrate all miners, burst
 * all traders, the rest every node. */
static int default_role(enum tl_action a)
{
	return a == TL_HASHRATE ? ROLE_MINER : a == TL_BURST ? ROLE_TRADER : ANY_ROLE;
}

static void set_online(world_t *w, uint32_t id, bool online)
{
	struct node *n = &w->nodes[id];
	if (n->online == online)
		return;
	world_account_rate(w, id);
	n->online = online;
	net_set_online(w->net, id, online);
	if (online) {
		node_request_chains(&w->env, n);
		node_rebuild_template(&w->env, n);
	} else {
		n->has_template = false;
		world_template_changed(w, n);
	}
}

static void do_partition(world_t *w, const struct event_cfg *e)
{
	CHECK(e->side_of != NULL && e->side_of->len == w->n);
	net_partition(w->net, (const uint32_t *)(const void *)e->side_of->data);
}

/* A latency action: every link; the links of the targets; or the links
 * between the targets and the nodes named by "to". */
static void set_latency(world_t *w, const struct event_cfg *e, GArray *ids)
{
	if (!e->target) {
		net_set_latency(w->net, &e->latency, NET_NO_PEER, NET_NO_PEER);
		return;
	}
	const GArray *to = e->to_ids;
	for (guint i = 0; i < ids->len; i++) {
		uint32_t a = g_array_index(ids, guint32, i);
		uint32_t d = net_degree(w->net, a);
		for (uint32_t k = 0; k < d; k++) {
			uint32_t b = net_peer(w->net, a, k);
			bool named = !to;
			for (guint j = 0; to && j < to->len; j++)
				named |= g_array_index(to, guint32, j) == b;
			if (named)
				net_set_latency(w->net, &e->latency, a, b);
		}
	}
}

static void apply_event(world_t *w, const struct event_cfg *e)
{
	GArray *ids = targets_of(w, e->target_ids, default_role(e->action));
	char *value = NULL;
	switch (e->action) {
	case TL_DIFFICULTY:
		value = g_strdup_printf("%.3f", e->millizeros / 1000.0);
		rebuild_all(w); /* templates from now on carry the new rule */
		break;
	case TL_HASHRATE:
		value = g_strdup_printf("%.0f", e->hashrate);
		for (guint i = 0; i < ids->len; i++) {
			struct node *n = &w->nodes[g_array_index(ids, guint32, i)];
			world_account_rate(w, n->id);
			n->hashrate = (uint64_t)(e->hashrate + 0.5);
			node_rebuild_template(&w->env, n);
		}
		break;
	case TL_BURST:
		value = g_strdup_printf("%u", e->count);
		for (guint i = 0; i < ids->len; i++)
			for (uint32_t k = 0; k < e->count; k++)
				world_make_transfer(w, &w->nodes[g_array_index(ids, guint32, i)]);
		break;
	case TL_LEAVE:
	case TL_JOIN:
		for (guint i = 0; i < ids->len; i++)
			set_online(w, g_array_index(ids, guint32, i), e->action == TL_JOIN);
		break;
	case TL_PARTITION:
		value = g_strdup_printf("%u sides", e->sides->len);
		do_partition(w, e);
		break;
	case TL_HEAL:
		net_heal(w->net);
		for (uint32_t i = 0; i < w->n; i++)
			if (w->nodes[i].online)
				node_request_chains(&w->env, &w->nodes[i]);
		break;
	case TL_LATENCY:
		set_latency(w, e, ids);
		value = g_strdup_printf("%.6f", simtime_to_s(e->latency.value));
		break;
	case TL_INVALID_TXS:
		value = g_strdup_printf("%u %s", e->count ? e->count : 1, e->kind);
		for (guint i = 0; i < ids->len; i++)
			for (uint32_t k = 0; k < (e->count ? e->count : 1); k++)
				world_inject_tx(w, &w->nodes[g_array_index(ids, guint32, i)],
						e->kind);
		break;
	case TL_INJECT_BLOCK:
		value = g_strdup(e->kind);
		for (guint i = 0; i < ids->len; i++)
			world_inject_block(w, &w->nodes[g_array_index(ids, guint32, i)], e);
		break;
	case TL_WITHHOLD:
		for (guint i = 0; i < ids->len; i++) {
			uint32_t id = g_array_index(ids, guint32, i);
			node_withhold(&w->nodes[id]);
			if (e->duration)
				world_schedule(w, e->duration, WORLD_EV_RELEASE, id, 0);
		}
		break;
	case TL_RELEASE:
		for (guint i = 0; i < ids->len; i++)
			world_release(w, g_array_index(ids, guint32, i));
		break;
	case TL_TRANSFER:
	case TL_MINE:
	case TL_SUBMIT:
	case TL_RESOLVE:
	case TL_LINK:
		value = world_live_apply(w, e, ids);
		break;
	case TL_STOP:
		w->stopped = true;
		break;
	}
	g_array_free(ids, TRUE);
	world_log_fired(w, e, value ? value : g_strdup(""));
}

void world_ev_timeline(void *ctx, const struct evq_event *ev)
{
	world_t *w = ctx;
	apply_event(w, &g_array_index(w->sc->events, struct event_cfg, ev->p.a));
}

void world_fire_height_events(world_t *w)
{
	for (guint i = 0; i < w->sc->events->len; i++) {
		const struct event_cfg *e = &g_array_index(w->sc->events, struct event_cfg, i);
		/* A difficulty change takes effect when consensus says miners
		 * switch to it. */
		struct difficulty_change d = { .by_height = true, .height = e->at_height };
		uint32_t h =
			e->action == TL_DIFFICULTY ? consensus_switch_height(&d) : e->at_height;
		if (e->by_height && !w->height_fired[i] && w->max_height >= h) {
			w->height_fired[i] = true;
			/* After the current event, at the same instant. */
			world_schedule(w, 0, WORLD_EV_TIMELINE, 0, i);
		}
	}
}
