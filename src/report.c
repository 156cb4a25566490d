/* report: the facts of a finished run. See report.h. */
#include "powsim/report.h"

#include <string.h>

#include "powsim/attack.h"
#include "powsim/chain.h"
#include "powsim/pow.h"

/* ---- who is honest ---- */

/* Whether the timeline makes nodes attackers: invalid-txs, inject-block,
 * withhold and release name the nodes that misbehave (a node with a
 * mining strategy other than honest is an attacker too: mark_strategic). */
static bool is_attack(enum tl_action a)
{
	return a == TL_INVALID_TXS || a == TL_INJECT_BLOCK || a == TL_WITHHOLD || a == TL_RELEASE;
}

/* Mark in FLAGS (by node id) the nodes that actions matching WANT name. */
static void mark_named(const world_t *w, bool (*want)(enum tl_action), bool *flags)
{
	const struct scenario *sc = world_scenario(w);
	for (guint i = 0; i < sc->events->len; i++) {
		const struct event_cfg *e = &g_array_index(sc->events, struct event_cfg, i);
		if (!want(e->action))
			continue;
		if (e->target_ids == NULL)
			for (guint32 k = 0; k < world_node_count(w); k++)
				flags[k] = true;
		for (guint k = 0; e->target_ids && k < e->target_ids->len; k++)
			flags[g_array_index(e->target_ids, guint32, k)] = true;
	}
}

static bool is_withhold(enum tl_action a)
{
	return a == TL_WITHHOLD;
}

/* Mark in FLAGS the nodes that mine by a strategy (strategy.h): they keep
 * private chains, as a withholding miner does. */
static void mark_strategic(const world_t *w, bool *flags)
{
	for (uint32_t i = 0; i < world_node_count(w); i++)
		if (world_node(w, i)->strategy)
			flags[i] = true;
}

/* A new array, by node id: true for the nodes no attack action names. */
bool *report_honest_nodes(const world_t *w)
{
	uint32_t n = world_node_count(w);
	bool *attacker = g_new0(bool, n + 1);
	mark_named(w, is_attack, attacker);
	mark_strategic(w, attacker);
	for (uint32_t i = 0; i < n; i++)
		attacker[i] = !attacker[i];
	return attacker;
}

/* ---- the main chain ---- */

/* The best tip of the nodes that PICK (by node id, NULL: all) selects
 * and, if ONLINE, that are online; NULL if none is. */
static const struct block *best_tip(const world_t *w, const bool *pick, bool online)
{
	uint32_t n = world_node_count(w), k = 0;
	const struct block **tips = g_new(const struct block *, n + 1);
	for (uint32_t i = 0; i < n; i++) {
		const struct node *nd = world_node(w, i);
		if ((!pick || pick[i]) && (!online || nd->online))
			tips[k++] = nd->view.tip;
	}
	const struct block *best =
		k ? chain_best(tips, k, world_scenario(w)->consensus.fork_choice) : NULL;
	g_free(tips);
	return best;
}

static const struct block *main_tip(const world_t *w, const bool *honest)
{
	const struct block *tip = best_tip(w, honest, true);
	if (!tip)
		tip = best_tip(w, honest, false);
	if (!tip)
		tip = best_tip(w, NULL, true);
	if (!tip)
		tip = best_tip(w, NULL, false);
	return tip ? tip : chain_store_genesis(world_store(w));
}

const struct block *report_main_tip(const world_t *w)
{
	bool *honest = report_honest_nodes(w);
	const struct block *tip = main_tip(w, honest);
	g_free(honest);
	return tip;
}

/* Every block's status, and the totals of stale and withheld blocks. */
static void classify_blocks(struct report *r)
{
	const world_t *w = r->world;
	const chain_store_t *s = world_store(w);
	bool *withholder = g_new0(bool, world_node_count(w) + 1);
	mark_named(w, is_withhold, withholder);
	mark_strategic(w, withholder);
	r->status = g_new0(uint8_t, chain_store_count(s));
	for (const struct block *b = r->tip; b; b = b->parent)
		r->status[b->id] = REPORT_MAIN;
	for (uint32_t id = 1; id < chain_store_count(s); id++) {
		const struct block *b = chain_store_get(s, id);
		const struct world_block_stat *st = world_block_stat(w, id);
		if (r->status[id] == REPORT_MAIN)
			continue;
		/* Only its miner ever held it: never published. */
		if (b->h.miner < world_node_count(w) && withholder[b->h.miner] && st->held <= 1)
			r->status[id] = REPORT_WITHHELD;
		if (st->injected)
			continue;
		if (r->status[id] == REPORT_WITHHELD)
			r->withheld++;
		else
			r->stale++;
	}
	g_free(withholder);
}

/* ---- tips, reorgs ---- */

static void count_tips(struct report *r)
{
	const world_t *w = r->world;
	GHashTable *tips = g_hash_table_new(g_direct_hash, g_direct_equal);
	const struct block *first = NULL;
	r->all_same_tip = true;
	for (uint32_t i = 0; i < world_node_count(w); i++) {
		const struct node *nd = world_node(w, i);
		if (!nd->online)
			continue;
		if (first && nd->view.tip != first)
			r->all_same_tip = false;
		first = nd->view.tip;
		if (r->honest[i])
			g_hash_table_add(tips, (gpointer)nd->view.tip);
	}
	r->honest_tips = g_hash_table_size(tips);
	g_hash_table_unref(tips);
}

static void count_reorgs(struct report *r)
{
	const GArray *a = world_reorgs(r->world);
	r->reorgs = a->len;
	for (guint i = 0; i < a->len; i++)
		r->deepest = MAX(r->deepest, g_array_index(a, struct world_reorg, i).depth);
}

/* ---- phases ---- */

/* Mean total hash rate of the run, H/s: the hashing summed over time. */
static double mean_total_rate(const world_t *w)
{
	double sum = 0;
	for (uint32_t i = 0; i < world_node_count(w); i++)
		sum += world_node_hash_time(w, i);
	double t = simtime_to_s(world_stop_time(w));
	return t > 0 ? sum / t : 0;
}

static void close_phase(struct report_phase *p, double interval_sum, uint32_t intervals,
			double rate)
{
	p->mean_interval_s = intervals ? interval_sum / intervals : 0;
	struct u256 target, work;
	pow_target_from_millizeros(p->millizeros, &target);
	pow_work_from_target(&target, &work);
	p->expected_interval_s = rate > 0 ? u256_to_double(&work) / rate : 0;
	p->blocks_per_min = p->mean_interval_s > 0 ? 60.0 / p->mean_interval_s : 0;
}

/* When the difficulty of a phase starting with block B took effect: the
 * latest time-keyed change of the schedule to its value due after B's
 * parent was mined and by the time B was; else (a height-keyed change, a
 * retarget) B's parent's time. */
static simtime_t phase_start(const world_t *w, const struct block *b)
{
	simtime_t start = b->parent->mined_at, at;
	if (consensus_change_due(world_consensus(w), b->h.millizeros, start, b->mined_at, &at))
		start = at;
	return start;
}

/* The phases of the main chain ending at TIP. O(height). */
static GArray *chain_phases(const world_t *w, const struct block *tip)
{
	GArray *out = g_array_new(FALSE, TRUE, sizeof(struct report_phase));
	GPtrArray *chain = g_ptr_array_new();
	for (const struct block *b = tip; b->parent; b = b->parent)
		g_ptr_array_add(chain, (void *)b);
	double rate = mean_total_rate(w), sum = 0;
	uint32_t intervals = 0;
	struct report_phase cur = { 0 };
	for (guint i = chain->len; i-- > 0;) {
		const struct block *b = g_ptr_array_index(chain, i);
		if (cur.blocks == 0 || b->h.millizeros != cur.millizeros) {
			if (cur.blocks) {
				close_phase(&cur, sum, intervals, rate);
				g_array_append_val(out, cur);
			}
			cur = (struct report_phase){ .millizeros = b->h.millizeros,
						     .start_height = b->h.height,
						     .start = phase_start(w, b) };
			sum = 0;
			intervals = 0;
		}
		cur.blocks++;
		cur.end_height = b->h.height;
		cur.end = b->mined_at;
		cur.txs += b->n_tx - 1;
		/* An interval straddling a change measures neither difficulty. */
		if (b->parent->h.millizeros == b->h.millizeros) {
			sum += simtime_to_s(b->mined_at - b->parent->mined_at);
			intervals++;
		}
	}
	if (cur.blocks) {
		close_phase(&cur, sum, intervals, rate);
		g_array_append_val(out, cur);
	}
	g_ptr_array_free(chain, TRUE);
	return out;
}

/* ---- miners ---- */

static void count_miners(struct report *r)
{
	const world_t *w = r->world;
	const chain_store_t *s = world_store(w);
	uint32_t n = world_node_count(w), main_total = 0;
	double hash_total = 0;
	r->miners = g_new0(struct report_miner, n + 1);
	for (uint32_t id = 1; id < chain_store_count(s); id++) {
		const struct block *b = chain_store_get(s, id);
		if (b->h.miner >= n)
			continue;
		struct report_miner *m = &r->miners[b->h.miner];
		m->blocks++;
		m->main_blocks += r->status[id] == REPORT_MAIN;
		m->withheld += r->status[id] == REPORT_WITHHELD;
		main_total += r->status[id] == REPORT_MAIN;
	}
	for (uint32_t i = 0; i < n; i++)
		hash_total += world_node_hash_time(w, i);
	for (uint32_t i = 0; i < n; i++) {
		struct report_miner *m = &r->miners[i];
		m->hashrate_share = hash_total > 0 ? world_node_hash_time(w, i) / hash_total : 0;
		m->main_share = main_total ? (double)m->main_blocks / main_total : 0;
	}
}

/* ---- transactions ---- */

static void count_reason(GHashTable *t, const char *reason)
{
	gpointer v = g_hash_table_lookup(t, reason);
	g_hash_table_insert(t, (gpointer)reason, GUINT_TO_POINTER(GPOINTER_TO_UINT(v) + 1));
}

/* Which main-chain block holds each transaction; each rejected one
 * counted once, by its first reason, unless the main chain confirmed it
 * (a late duplicate is not a rejection). */
static void settle_txs(struct report *r)
{
	const GArray *txs = world_txs(r->world);
	r->tx_block = g_hash_table_new(g_direct_hash, g_direct_equal);
	r->tx_rejects = g_hash_table_new(g_str_hash, g_str_equal);
	r->tx_rejected = g_new0(const char *, txs->len + 1);
	for (const struct block *b = r->tip; b; b = b->parent)
		for (uint32_t i = 0; i < b->n_tx; i++)
			g_hash_table_insert(r->tx_block, (gpointer)b->txs[i], (gpointer)b);
	for (guint i = 0; i < txs->len; i++) {
		const struct world_tx *rec = &g_array_index(txs, struct world_tx, i);
		if (!rec->rejected || g_hash_table_contains(r->tx_block, rec->tx))
			continue;
		r->tx_rejected[i] = rec->rejected;
		count_reason(r->tx_rejects, rec->rejected);
	}
}

/* ---- the report ---- */

struct report *report_new(const world_t *w)
{
	struct report *r = g_new0(struct report, 1);
	r->world = w;
	r->honest = report_honest_nodes(w);
	r->tip = main_tip(w, r->honest);
	r->main_length = r->tip->h.height;
	classify_blocks(r);
	count_tips(r);
	count_reorgs(r);
	r->phases = chain_phases(w, r->tip);
	count_miners(r);
	settle_txs(r);
	r->attack = attack_stats_new(w, r->status);
	return r;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	g_free(r->status);
	g_free(r->honest);
	g_array_free(r->phases, TRUE);
	g_free(r->miners);
	g_hash_table_destroy(r->tx_block);
	g_free(r->tx_rejected);
	g_hash_table_destroy(r->tx_rejects);
	attack_stats_free(r->attack);
	g_free(r);
}

const struct block *report_tx_block(const struct report *r, const struct tx *t)
{
	return g_hash_table_lookup(r->tx_block, t);
}
