/* expect: evaluation of a scenario's expectations (see expect.h; the
 * format and the meaning of each figure are in scenarios/README.md). */
#include "powsim/expect.h"

#include <math.h>
#include <string.h>

#include "powsim/chain.h"
#include "powsim/invariants.h"
#include "powsim/report.h"

/* ---- the figures ---- */

/* Transactions matching INJECTED (-1 either) and, if CONFIRMED is 1,
 * confirmed on the main chain; with a non-NULL SENDERS, only theirs. */
static uint32_t count_txs(const struct report *r, int injected, int confirmed,
			  const GArray *senders)
{
	const GArray *txs = world_txs(r->world);
	uint32_t n = 0;

	for (guint i = 0; i < txs->len; i++) {
		const struct world_tx *rec = &g_array_index(txs, struct world_tx, i);
		bool in = report_tx_block(r, rec->tx) != NULL, ok = true;
		if (injected >= 0 && (int)rec->injected != injected)
			continue;
		if (confirmed >= 0 && (int)in != confirmed)
			continue;
		if (senders != NULL) {
			ok = false;
			for (guint k = 0; k < senders->len && !ok; k++)
				ok = g_array_index(senders, guint32, k) == rec->tx->sender;
		}
		n += ok;
	}
	return n;
}

/* Blocks (genesis excluded) matching INJECTED and MAIN (-1 either; 0:
 * off the main chain, stale or withheld), mined by one of MINERS if not
 * NULL. */
static uint32_t count_blocks(const struct report *r, int injected, int main,
			     const GArray *miners)
{
	const world_t *w = r->world;
	const chain_store_t *s = world_store(w);
	uint32_t n = 0;

	for (uint32_t id = 1; id < chain_store_count(s); id++) {
		const struct block *b = chain_store_get(s, id);
		bool ok = true;
		if (injected >= 0 && (int)world_block_stat(w, id)->injected != injected)
			continue;
		if (main >= 0 && (r->status[id] == REPORT_MAIN) != main)
			continue;
		if (miners != NULL) {
			ok = false;
			for (guint k = 0; k < miners->len && !ok; k++)
				ok = g_array_index(miners, guint32, k) == b->h.miner;
		}
		n += ok;
	}
	return n;
}

/* 1 if W converged (invariants_converged), else 0. */
static double converged(const world_t *w)
{
	struct invariants_convergence c;

	return invariants_converged(w, &c) ? 1 : 0;
}

/* The value of metric M (enum expect_metric) on the finished world W. */
static double expect_metric(const struct report *r, int m)
{
	const world_t *w = r->world;
	const struct world_counts *c = world_counts(w);
	uint32_t honest;

	switch ((enum expect_metric)m) {
	case EXPECT_M_DISTINCT_TIPS: return r->honest_tips;
	case EXPECT_M_HEIGHT: return r->main_length;
	case EXPECT_M_BLOCKS_MINED: return (double)c->blocks_mined;
	case EXPECT_M_BLOCKS_INJECTED: return (double)c->blocks_injected;
	case EXPECT_M_STALE: return (double)r->stale;
	case EXPECT_M_STALE_RATE: return c->blocks_mined ? (double)r->stale / (double)c->blocks_mined : 0;
	case EXPECT_M_REORGS: return r->reorgs;
	case EXPECT_M_DEEPEST_REORG: return r->deepest;
	case EXPECT_M_TXS_CREATED: return world_txs(w)->len;
	case EXPECT_M_TXS_CONFIRMED: return count_txs(r, -1, 1, NULL);
	case EXPECT_M_CONFIRMED_SHARE:
		honest = count_txs(r, 0, -1, NULL);
		return honest ? (double)count_txs(r, 0, 1, NULL) / honest : 0;
	case EXPECT_M_INJECTED_ON_MAIN: return count_blocks(r, 1, 1, NULL);
	case EXPECT_M_INJECTED_CONFIRMED: return count_txs(r, 1, 1, NULL);
	case EXPECT_M_FINAL_DIFFICULTY: return r->tip->h.millizeros / 1000.0;
	case EXPECT_M_COUNT: break;
	}
	g_error("expect: no metric %d", m);
}

static uint32_t reason_count(GHashTable *t, const char *reason)
{
	return GPOINTER_TO_UINT(g_hash_table_lookup(t, reason));
}

/* The phase E names, or NULL. */
static const struct report_phase *find_phase(const GArray *phases, const struct expect_cfg *e)
{
	for (guint i = 0; i < phases->len; i++) {
		const struct report_phase *p = &g_array_index(phases, struct report_phase, i);
		if (e->phase > 0 ? i + 1 == e->phase : p->millizeros == e->millizeros)
			return p;
	}
	return NULL;
}

/* ---- formatting ---- */

static char *fmt_value(double x, bool seconds)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	g_ascii_formatd(buf, sizeof buf, "%.6g", x);
	return g_strdup_printf("%s%s", buf, seconds ? "s" : "");
}

static char *fmt_side(const struct report *r, double x, int ref, bool seconds)
{
	char *v, *s;

	if (ref < 0)
		return fmt_value(x, seconds);
	v = fmt_value(expect_metric(r, ref), false);
	s = g_strdup_printf("%s (%s)", config_expect_metrics[ref], v);
	g_free(v);
	return s;
}

static char *fmt_bound(const struct report *r, const struct expect_bound *b, bool seconds)
{
	char *lo = b->has_min ? fmt_side(r, b->min, b->min_ref, seconds) : NULL;
	char *hi = b->has_max ? fmt_side(r, b->max, b->max_ref, seconds) : NULL;
	char *s;

	if (lo && hi && strcmp(lo, hi) == 0)
		s = g_strdup_printf("= %s", lo);
	else if (lo && hi)
		s = g_strdup_printf("%s .. %s", lo, hi);
	else if (lo)
		s = g_strdup_printf(">= %s", lo);
	else
		s = g_strdup_printf("<= %s", hi);
	g_free(lo);
	g_free(hi);
	return s;
}

/* Whether X is within B. Seconds are compared to the microsecond, so a
 * bound written "2s" holds a mean of exactly 2 s. */
static bool within(const struct report *r, const struct expect_bound *b, double x, bool seconds)
{
	double eps = seconds ? 1e-6 : 1e-9;
	double lo = b->min_ref >= 0 ? expect_metric(r, b->min_ref) : b->min;
	double hi = b->max_ref >= 0 ? expect_metric(r, b->max_ref) : b->max;

	return (!b->has_min || x >= lo - eps) && (!b->has_max || x <= hi + eps);
}

/* ---- evaluation ---- */

/* Measure E into R (label, measured, measured_ok); returns whether the
 * bound is in seconds. */
static bool measure(const struct report *rep, const struct expect_cfg *e, struct expect_result *r)
{
	const world_t *w = rep->world;
	const GArray *phases = rep->phases;
	const struct world_counts *c = world_counts(w);
	const struct report_phase *p;
	const struct block *tip, *anc;

	r->measured_ok = true;
	switch (e->kind) {
	case EXPECT_METRIC:
		r->measured = expect_metric(rep, e->metric);
		return false;
	case EXPECT_BLOCK_REJECTS:
		r->measured = reason_count(c->block_rejects, e->reason);
		return false;
	case EXPECT_TX_REJECTS:
		r->measured = reason_count(rep->tx_rejects, e->reason);
		return false;
	case EXPECT_PHASE_INTERVAL:
	case EXPECT_PHASE_BLOCKS:
		p = find_phase(phases, e);
		if (p == NULL) {
			r->measured_ok = false;
			r->measured_text = e->phase > 0 ? g_strdup_printf("no phase %u (the run had %u)", e->phase, phases->len)
			                                : g_strdup_printf("no phase at difficulty %g", e->millizeros / 1000.0);
		} else if (e->kind == EXPECT_PHASE_BLOCKS) {
			r->measured = p->blocks;
		} else if (p->blocks < 2 && p->mean_interval_s <= 0) {
			r->measured_ok = false;
			r->measured_text = g_strdup_printf("no interval within the phase (%u blocks)", p->blocks);
		} else {
			r->measured = p->mean_interval_s;
		}
		return e->kind == EXPECT_PHASE_INTERVAL;
	case EXPECT_INTERVAL:
		tip = rep->tip;
		if (tip->h.height < e->last) {
			r->measured_ok = false;
			r->measured_text = g_strdup_printf("only %u main-chain blocks", tip->h.height);
			return true;
		}
		anc = chain_ancestor(tip, tip->h.height - e->last);
		r->measured = simtime_to_s(tip->mined_at - anc->mined_at) / e->last;
		return true;
	case EXPECT_BLOCKS:
		r->measured = count_blocks(rep, e->injected, e->main, e->node_ids);
		return false;
	case EXPECT_TXS:
		r->measured = count_txs(rep, e->injected, e->main, e->node_ids);
		return false;
	case EXPECT_CONVERGED:
		r->measured = converged(w);
		return false;
	}
	g_error("expect: no kind %d", (int)e->kind);
}

static void result_clear(void *p)
{
	struct expect_result *r = p;

	g_free(r->measured_text);
	g_free(r->bound_text);
}

GArray *expect_evaluate(const struct report *rep)
{
	const struct scenario *sc = world_scenario(rep->world);
	GArray *out = g_array_new(FALSE, TRUE, sizeof(struct expect_result));

	g_array_set_clear_func(out, result_clear);
	for (guint i = 0; sc->expects != NULL && i < sc->expects->len; i++) {
		const struct expect_cfg *e = &g_array_index(sc->expects, struct expect_cfg, i);
		struct expect_result r = { .label = e->label };
		bool seconds = measure(rep, e, &r);
		r.pass = r.measured_ok && within(rep, &e->bound, r.measured, seconds);
		if (r.measured_ok)
			r.measured_text = fmt_value(r.measured, seconds);
		r.bound_text = fmt_bound(rep, &e->bound, seconds);
		g_array_append_val(out, r);
	}
	return out;
}

uint32_t expect_failures(const GArray *results)
{
	uint32_t n = 0;

	for (guint i = 0; i < results->len; i++)
		n += !g_array_index(results, struct expect_result, i).pass;
	return n;
}

void expect_results_free(GArray *results)
{
	if (results != NULL)
		g_array_unref(results);
}
