/* attack: per-node and per-group results of strategies. See attack.h. */
#include "powsim/attack.h"

static void row_init(struct attack_row *r, const char *strategy)
{
	r->strategy = strategy;
	r->confirmations = g_array_new(FALSE, FALSE, sizeof(guint32));
}

/* Add node row N into group row G. */
static void row_add(struct attack_row *g, const struct attack_row *n)
{
	g->nodes += n->nodes;
	g->hash_share += n->hash_share;
	g->blocks += n->blocks;
	g->main_blocks += n->main_blocks;
	g->orphaned += n->orphaned;
	g->revenue += n->revenue;
	g->revenue_share += n->revenue_share;
	g->races += n->races;
	g->races_won += n->races_won;
	g->gamma_n += n->gamma_n;
	g->gamma_sum += n->gamma_sum;
	g->attempts += n->attempts;
	g->successes += n->successes;
	g->double_spent += n->double_spent;
	g_array_append_vals(g->confirmations, n->confirmations->data, n->confirmations->len);
}

static void count_blocks(struct attack_stats *a, const world_t *w, const uint8_t *on_main)
{
	const chain_store_t *s = world_store(w);
	uint64_t total = 0;
	for (uint32_t id = 1; id < chain_store_count(s); id++) {
		const struct block *b = chain_store_get(s, id);
		if (b->h.miner >= a->n_nodes)
			continue;   /* crafted by an inject-block action */
		struct attack_row *r = &a->node[b->h.miner];
		r->blocks++;
		if (on_main[id] != 1) {
			r->orphaned++;
			continue;
		}
		uint64_t reward = b->n_tx ? b->txs[0]->amount : 0;
		r->main_blocks++;
		r->revenue += reward;
		total += reward;
	}
	for (uint32_t i = 0; i < a->n_nodes; i++)
		a->node[i].revenue_share = total ? (double)a->node[i].revenue / (double)total : 0;
}

static void count_events(struct attack_stats *a, const world_t *w, const uint8_t *on_main)
{
	const GArray *ev = world_strategy_events(w);
	for (guint i = 0; i < ev->len; i++) {
		const struct world_strategy_event *e = &g_array_index(ev, struct world_strategy_event, i);
		struct attack_row *r = &a->node[e->node];
		if (e->e.kind == STRATEGY_RACE) {
			r->races++;
			r->races_won += on_main[e->e.own->id] == 1;
			if (e->gamma >= 0) {
				r->gamma_n++;
				r->gamma_sum += e->gamma;
			}
		} else {
			guint32 conf = e->e.confirmations;
			r->attempts++;
			r->successes += e->e.success;
			if (e->e.success)
				r->double_spent += g_array_index(world_scenario(w)->groups, struct group_cfg,
					config_node_group(world_scenario(w), e->node)).strategy.amount;
			g_array_append_val(r->confirmations, conf);
		}
	}
}

struct attack_stats *attack_stats_new(const world_t *w, const uint8_t *on_main)
{
	const struct scenario *sc = world_scenario(w);
	struct attack_stats *a = g_new0(struct attack_stats, 1);
	a->n_nodes = world_node_count(w);
	a->n_groups = sc->groups->len;
	a->node = g_new0(struct attack_row, a->n_nodes);
	a->group = g_new0(struct attack_row, a->n_groups);
	double hash_total = 0;
	for (uint32_t i = 0; i < a->n_nodes; i++)
		hash_total += world_node_hash_time(w, i);
	for (uint32_t g = 0; g < a->n_groups; g++) {
		const char *name = g_array_index(sc->groups, struct group_cfg, g).strategy.name;
		row_init(&a->group[g], name ? name : "honest");
	}
	row_init(&a->all, "strategic");
	for (uint32_t i = 0; i < a->n_nodes; i++) {
		row_init(&a->node[i], a->group[config_node_group(sc, i)].strategy);
		a->node[i].nodes = 1;
		a->node[i].hash_share = hash_total > 0 ? world_node_hash_time(w, i) / hash_total : 0;
	}
	count_blocks(a, w, on_main);
	count_events(a, w, on_main);
	for (uint32_t i = 0; i < a->n_nodes; i++) {
		row_add(&a->group[config_node_group(sc, i)], &a->node[i]);
		if (world_node(w, i)->strategy)
			row_add(&a->all, &a->node[i]);
	}
	return a;
}

void attack_stats_free(struct attack_stats *a)
{
	if (!a)
		return;
	for (uint32_t i = 0; i < a->n_nodes; i++)
		g_array_free(a->node[i].confirmations, TRUE);
	for (uint32_t g = 0; g < a->n_groups; g++)
		g_array_free(a->group[g].confirmations, TRUE);
	g_array_free(a->all.confirmations, TRUE);
	g_free(a->node);
	g_free(a->group);
	g_free(a);
}

double attack_gamma(const struct attack_row *r)
{
	return r->gamma_n ? r->gamma_sum / (double)r->gamma_n : -1;
}
