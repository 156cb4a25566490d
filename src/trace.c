/* trace: CSV and JSON outputs of a finished run. See trace.h. */
#include "powsim/trace.h"
#include "powsim/version.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <cjson/cJSON.h>

#include "powsim/hash.h"
#include "powsim/pow.h"

#define TRACE_ERROR (g_quark_from_static_string("trace-error"))

/* One output under construction: DIR/.NAME.tmp, renamed at commit; the
 * earlier output is kept as DIR/.NAME.bak until every rename succeeded. */
struct out {
	char *final, *tmp, *bak;
	FILE *f;
	bool created;   /* we made .NAME.tmp */
	bool backed_up; /* the earlier output now sits at .NAME.bak */
	bool placed;    /* .NAME.tmp now sits at NAME */
};

static bool out_open(struct out *o, const char *dir, const char *name, GError **err)
{
	o->final = g_build_filename(dir, name, NULL);
	char *tmpname = g_strdup_printf(".%s.tmp", name);
	char *bakname = g_strdup_printf(".%s.bak", name);
	o->tmp = g_build_filename(dir, tmpname, NULL);
	o->bak = g_build_filename(dir, bakname, NULL);
	g_free(tmpname);
	g_free(bakname);
	o->f = fopen(o->tmp, "w");
	if (!o->f) {
		g_set_error(err, TRACE_ERROR, 3, "%s: cannot create: %s", o->tmp, g_strerror(errno));
		return false;
	}
	o->created = true;
	return true;
}

static bool out_close(struct out *o, GError **err)
{
	bool bad = ferror(o->f) != 0;
	if (fclose(o->f) != 0)
		bad = true;
	o->f = NULL;
	if (bad) {
		g_set_error(err, TRACE_ERROR, 3, "%s: write failed: %s", o->tmp, g_strerror(errno));
		return false;
	}
	return true;
}

static void out_discard(struct out *o)
{
	if (o->f)
		fclose(o->f);
	if (o->created && !o->placed)
		g_remove(o->tmp);
	g_free(o->final);
	g_free(o->tmp);
	g_free(o->bak);
	memset(o, 0, sizeof *o);
}

/* Whether O's destination is absent or a regular file we may replace. */
static bool out_replaceable(const struct out *o, GError **err)
{
	if (g_file_test(o->final, G_FILE_TEST_EXISTS) &&
	    !g_file_test(o->final, G_FILE_TEST_IS_REGULAR)) {
		g_set_error(err, TRACE_ERROR, 3, "%s: exists and is not a regular file; not replaced",
			    o->final);
		return false;
	}
	return true;
}

/* Put O's new file in place, keeping the earlier one aside. */
static bool out_place(struct out *o, GError **err)
{
	if (g_file_test(o->final, G_FILE_TEST_EXISTS)) {
		if (g_rename(o->final, o->bak) != 0) {
			g_set_error(err, TRACE_ERROR, 3, "%s: cannot replace: %s", o->final,
				    g_strerror(errno));
			return false;
		}
		o->backed_up = true;
	}
	if (g_rename(o->tmp, o->final) != 0) {
		g_set_error(err, TRACE_ERROR, 3, "%s: cannot rename into place: %s", o->final,
			    g_strerror(errno));
		return false;
	}
	o->placed = true;
	return true;
}

/* Undo out_place(): the earlier file (or none) is back at NAME. */
static void out_unplace(struct out *o)
{
	if (o->placed)
		g_remove(o->final);
	if (o->backed_up)
		g_rename(o->bak, o->final);
	o->placed = o->backed_up = false;
}

bool trace_prepare_dir(const char *dir, GError **err)
{
	if (g_mkdir_with_parents(dir, 0755) != 0) {
		g_set_error(err, TRACE_ERROR, 2, "%s: cannot create the output directory: %s", dir,
			    g_strerror(errno));
		return false;
	}
	char *probe = g_build_filename(dir, ".powsim-probe.tmp", NULL);
	FILE *f = fopen(probe, "w");
	int e = errno;
	if (f) {
		fclose(f);
		g_remove(probe);
	}
	g_free(probe);
	if (!f) {
		g_set_error(err, TRACE_ERROR, 2, "%s: output directory is not writable: %s", dir,
			    g_strerror(e));
		return false;
	}
	return true;
}

/* ---- helpers over the main chain ---- */

struct main_chain {
	const struct block *tip;
	uint8_t *on_main;          /* by block id */
	GHashTable *tx_block;      /* tx -> main-chain block including it */
};

static void main_chain_init(struct main_chain *m, const world_t *w)
{
	const chain_store_t *s = world_store(w);
	m->tip = world_main_tip(w);
	m->on_main = g_new0(uint8_t, chain_store_count(s));
	m->tx_block = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (const struct block *b = m->tip; b; b = b->parent) {
		m->on_main[b->id] = 1;
		for (uint32_t i = 0; i < b->n_tx; i++)
			g_hash_table_insert(m->tx_block, (gpointer)b->txs[i], (gpointer)b);
	}
}

static void main_chain_clear(struct main_chain *m)
{
	g_free(m->on_main);
	g_hash_table_destroy(m->tx_block);
}

static double secs(simtime_t t)
{
	return simtime_to_s(t);
}

static void put_time(FILE *f, simtime_t t, const char *sep)
{
	if (t < 0)
		fprintf(f, "%s", sep);
	else
		fprintf(f, "%.6f%s", secs(t), sep);
}

/* ---- the CSVs ---- */

static void write_blocks(FILE *f, const world_t *w, const struct main_chain *m)
{
	const chain_store_t *s = world_store(w);
	fputs("time_s,height,hash,parent,miner,zeros,nonce,n_tx,interval_s,main_chain,"
	      "t50_s,t90_s,t100_s,size_bytes\n", f);
	for (uint32_t id = 1; id < chain_store_count(s); id++) {
		const struct block *b = chain_store_get(s, id);
		const struct world_block_stat *st = world_block_stat(w, id);
		char h[HASH_HEX_SIZE], p[HASH_HEX_SIZE], miner[64];
		hash_hex(b->hash, 32, h);
		hash_hex(b->parent->hash, 32, p);
		world_node_name(w, b->h.miner, miner, sizeof miner);
		fprintf(f, "%.6f,%u,%s,%s,%s,%g,%" G_GUINT64_FORMAT ",%u,%.6f,%d,", secs(b->mined_at),
			b->h.height, h, p, miner, block_zeros(b), b->h.nonce, b->n_tx,
			secs(b->mined_at - b->parent->mined_at), m->on_main[id]);
		put_time(f, st->t50, ",");
		put_time(f, st->t90, ",");
		put_time(f, st->t100, ",");
		fprintf(f, "%" G_GUINT64_FORMAT "\n", b->size);
	}
}

static void write_reorgs(FILE *f, const world_t *w)
{
	const GArray *r = world_reorgs(w);
	fputs("time_s,node,old_tip,new_tip,depth,old_height,new_height\n", f);
	for (guint i = 0; i < r->len; i++) {
		const struct world_reorg *x = &g_array_index(r, struct world_reorg, i);
		char o[HASH_HEX_SIZE], nw[HASH_HEX_SIZE], name[64];
		hash_hex(x->old_tip->hash, 32, o);
		hash_hex(x->new_tip->hash, 32, nw);
		world_node_name(w, x->node, name, sizeof name);
		fprintf(f, "%.6f,%s,%s,%s,%u,%u,%u\n", secs(x->time), name, o, nw, x->depth,
			x->old_tip->h.height, x->new_tip->h.height);
	}
}

static const char *tx_status(const struct world_tx *rec, const struct block *inc)
{
	if (inc)
		return "confirmed";
	return rec->rejected ? "rejected" : "pending";
}

static void write_txs(FILE *f, const world_t *w, const struct main_chain *m)
{
	const GArray *txs = world_txs(w);
	fputs("id,created_s,sender,recipient,amount,fee,status,included_height,included_s,"
	      "latency_s,reason\n", f);
	for (guint i = 0; i < txs->len; i++) {
		const struct world_tx *rec = &g_array_index(txs, struct world_tx, i);
		const struct tx *t = rec->tx;
		const struct block *inc = g_hash_table_lookup(m->tx_block, t);
		char id[HASH_HEX_SIZE], from[64], to[64];
		tx_id_hex(t, id);
		world_node_name(w, t->sender, from, sizeof from);
		world_node_name(w, t->recipient, to, sizeof to);
		fprintf(f, "%s,%.6f,%s,%s,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%s,", id,
			secs(t->created), from, to, t->amount, t->fee, tx_status(rec, inc));
		if (inc)
			fprintf(f, "%u,%.6f,%.6f,", inc->h.height, secs(inc->mined_at),
				secs(inc->mined_at - t->created));
		else
			fputs(",,,", f);
		fprintf(f, "%s\n", !inc && rec->rejected ? rec->rejected : "");
	}
}

static void write_timeline(FILE *f, const world_t *w)
{
	const GArray *s = world_samples(w);
	fputs("time_s,max_height,min_height,distinct_tips,max_mempool,mean_mempool,"
	      "online_nodes,zeros\n", f);
	for (guint i = 0; i < s->len; i++) {
		const struct world_sample *x = &g_array_index(s, struct world_sample, i);
		fprintf(f, "%.6f,%u,%u,%u,%u,%.3f,%u,%g\n", secs(x->time), x->max_height,
			x->min_height, x->distinct_tips, x->max_mempool, x->mean_mempool, x->online,
			x->millizeros / 1000.0);
	}
}

static const char *action_name(enum tl_action a)
{
	static const char *const names[] = {
		[TL_DIFFICULTY] = "difficulty", [TL_HASHRATE] = "hashrate", [TL_BURST] = "burst",
		[TL_LEAVE] = "leave", [TL_JOIN] = "join", [TL_PARTITION] = "partition",
		[TL_HEAL] = "heal", [TL_LATENCY] = "latency", [TL_INVALID_TXS] = "invalid-txs",
		[TL_INJECT_BLOCK] = "inject-block", [TL_WITHHOLD] = "withhold",
		[TL_RELEASE] = "release",
	};
	return names[a];
}

static void write_events(FILE *f, const world_t *w)
{
	const GArray *e = world_fired(w);
	fputs("time_s,action,target,value\n", f);
	for (guint i = 0; i < e->len; i++) {
		const struct world_fired *x = &g_array_index(e, struct world_fired, i);
		fprintf(f, "%.6f,%s,%s,%s\n", secs(x->time), action_name(x->action), x->target,
			x->value);
	}
}

/* Mean total hash rate of the run, H/s: the hashing summed over time. */
static double mean_total_rate(const world_t *w)
{
	double sum = 0;
	for (uint32_t i = 0; i < world_node_count(w); i++)
		sum += world_node_hash_time(w, i);
	double t = secs(world_stop_time(w));
	return t > 0 ? sum / t : 0;
}

static void close_phase(struct trace_phase *p, double interval_sum, uint32_t intervals,
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
 * last difficulty action to its value that fired by the time B was mined,
 * if later than B's parent; else B's parent's time. */
static simtime_t phase_start(const world_t *w, const struct block *b)
{
	simtime_t start = b->parent->mined_at;
	const GArray *f = world_fired(w);
	for (guint i = 0; i < f->len; i++) {
		const struct world_fired *x = &g_array_index(f, struct world_fired, i);
		if (x->action == TL_DIFFICULTY && x->time <= b->mined_at && x->time > start &&
		    x->millizeros == b->h.millizeros)
			start = x->time;
	}
	return start;
}

GArray *trace_phases(const world_t *w)
{
	GArray *out = g_array_new(FALSE, TRUE, sizeof(struct trace_phase));
	const struct block *tip = world_main_tip(w);
	GPtrArray *chain = g_ptr_array_new();
	for (const struct block *b = tip; b->parent; b = b->parent)
		g_ptr_array_add(chain, (void *)b);
	double rate = mean_total_rate(w), sum = 0;
	uint32_t intervals = 0;
	struct trace_phase cur = { 0 };
	for (guint i = chain->len; i-- > 0;) {
		const struct block *b = g_ptr_array_index(chain, i);
		if (cur.blocks == 0 || b->h.millizeros != cur.millizeros) {
			if (cur.blocks) {
				close_phase(&cur, sum, intervals, rate);
				g_array_append_val(out, cur);
			}
			cur = (struct trace_phase){ .millizeros = b->h.millizeros,
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
			sum += secs(b->mined_at - b->parent->mined_at);
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

static void write_phases(FILE *f, GArray *phases)
{
	fputs("phase,zeros,start_height,end_height,blocks,start_s,end_s,mean_interval_s,"
	      "expected_interval_s,blocks_per_min,txs\n", f);
	for (guint i = 0; i < phases->len; i++) {
		const struct trace_phase *p = &g_array_index(phases, struct trace_phase, i);
		fprintf(f, "%u,%g,%u,%u,%u,%.6f,%.6f,", i + 1, p->millizeros / 1000.0,
			p->start_height, p->end_height, p->blocks, secs(p->start), secs(p->end));
		/* A phase without an interval of its own has no mean: empty. */
		if (p->mean_interval_s > 0)
			fprintf(f, "%.6f,%.6f,%.3f,%u\n", p->mean_interval_s, p->expected_interval_s,
				p->blocks_per_min, p->txs);
		else
			fprintf(f, ",%.6f,,%u\n", p->expected_interval_s, p->txs);
	}
}

static void write_miners(FILE *f, const world_t *w, const struct main_chain *m)
{
	uint32_t n = world_node_count(w);
	uint32_t *mined = g_new0(uint32_t, n), *main = g_new0(uint32_t, n);
	const chain_store_t *s = world_store(w);
	uint32_t main_total = 0;
	double hash_total = 0;
	for (uint32_t id = 1; id < chain_store_count(s); id++) {
		const struct block *b = chain_store_get(s, id);
		mined[b->h.miner]++;
		if (m->on_main[id]) {
			main[b->h.miner]++;
			main_total++;
		}
	}
	for (uint32_t i = 0; i < n; i++)
		hash_total += world_node_hash_time(w, i);
	fputs("name,hashrate_share,blocks,main_blocks,main_share\n", f);
	for (uint32_t i = 0; i < n; i++) {
		if (world_node(w, i)->role != ROLE_MINER)
			continue;
		char name[64];
		world_node_name(w, i, name, sizeof name);
		fprintf(f, "%s,%.6f,%u,%u,%.6f\n", name,
			hash_total > 0 ? world_node_hash_time(w, i) / hash_total : 0, mined[i],
			main[i], main_total ? (double)main[i] / main_total : 0);
	}
	g_free(mined);
	g_free(main);
}

/* ---- summary.json ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The P-quantile (0..1) of N sorted values, nearest rank. */
static double quantile(const double *v, guint n, double p)
{
	if (n == 0)
		return 0;
	guint k = (guint)ceil(p * n);
	return v[k ? k - 1 : 0];
}

static cJSON *reasons_json(GHashTable *t)
{
	cJSON *o = cJSON_CreateObject();
	GList *keys = g_list_sort(g_hash_table_get_keys(t), (GCompareFunc)g_strcmp0);
	for (GList *k = keys; k; k = k->next)
		cJSON_AddNumberToObject(o, k->data, GPOINTER_TO_UINT(g_hash_table_lookup(t, k->data)));
	g_list_free(keys);
	return o;
}

static cJSON *txs_json(const world_t *w, const struct main_chain *m)
{
	const GArray *txs = world_txs(w);
	double *lat = g_new(double, txs->len + 1);
	guint n = 0, injected = 0, injected_in = 0;
	double sum = 0;
	for (guint i = 0; i < txs->len; i++) {
		const struct world_tx *rec = &g_array_index(txs, struct world_tx, i);
		const struct block *inc = g_hash_table_lookup(m->tx_block, rec->tx);
		injected += rec->injected;
		if (inc)
			injected_in += rec->injected;
		if (inc) {
			lat[n] = secs(inc->mined_at - rec->tx->created);
			sum += lat[n++];
		}
	}
	qsort(lat, n, sizeof *lat, cmp_double);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "created", txs->len);
	cJSON_AddNumberToObject(o, "confirmed", n);
	cJSON_AddNumberToObject(o, "injected_invalid", injected);
	cJSON_AddNumberToObject(o, "injected_confirmed", injected_in);
	cJSON *l = cJSON_AddObjectToObject(o, "latency_s");
	cJSON_AddNumberToObject(l, "mean", n ? sum / n : 0);
	cJSON_AddNumberToObject(l, "p50", quantile(lat, n, 0.5));
	cJSON_AddNumberToObject(l, "p90", quantile(lat, n, 0.9));
	cJSON_AddNumberToObject(l, "p99", quantile(lat, n, 0.99));
	cJSON_AddNumberToObject(l, "max", n ? lat[n - 1] : 0);
	cJSON_AddItemToObject(o, "rejected_by_reason", reasons_json(world_counts(w)->tx_rejects));
	g_free(lat);
	return o;
}

static cJSON *phases_json(GArray *phases)
{
	cJSON *a = cJSON_CreateArray();
	for (guint i = 0; i < phases->len; i++) {
		const struct trace_phase *p = &g_array_index(phases, struct trace_phase, i);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "zeros", p->millizeros / 1000.0);
		cJSON_AddNumberToObject(o, "start_height", p->start_height);
		cJSON_AddNumberToObject(o, "end_height", p->end_height);
		cJSON_AddNumberToObject(o, "blocks", p->blocks);
		cJSON_AddNumberToObject(o, "start_s", secs(p->start));
		cJSON_AddNumberToObject(o, "end_s", secs(p->end));
		if (p->mean_interval_s > 0) {
			cJSON_AddNumberToObject(o, "mean_interval_s", p->mean_interval_s);
			cJSON_AddNumberToObject(o, "blocks_per_min", p->blocks_per_min);
		} else {
			cJSON_AddNullToObject(o, "mean_interval_s");
			cJSON_AddNullToObject(o, "blocks_per_min");
		}
		cJSON_AddNumberToObject(o, "expected_interval_s", p->expected_interval_s);
		cJSON_AddNumberToObject(o, "txs", p->txs);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static bool same_tip(const world_t *w)
{
	const struct block *tip = NULL;
	for (uint32_t i = 0; i < world_node_count(w); i++) {
		const struct node *n = world_node(w, i);
		if (!n->online)
			continue;
		if (tip && n->view.tip != tip)
			return false;
		tip = n->view.tip;
	}
	return true;
}

static const char *mode_name(enum mining_mode m)
{
	return m == MINING_REAL ? "real" : m == MINING_FAST ? "fast" : "model";
}

void trace_totals(const world_t *w, struct trace_totals *t)
{
	const GArray *r = world_reorgs(w);
	const chain_store_t *s = world_store(w);
	memset(t, 0, sizeof *t);
	t->tip = world_main_tip(w);
	t->main_length = t->tip->h.height;
	uint8_t *on_main = g_new0(uint8_t, chain_store_count(s));
	for (const struct block *b = t->tip; b; b = b->parent)
		on_main[b->id] = 1;
	for (uint32_t id = 1; id < chain_store_count(s); id++)
		t->stale += !on_main[id] && !world_block_stat(w, id)->injected;
	g_free(on_main);
	t->reorgs = r->len;
	for (guint i = 0; i < r->len; i++)
		t->deepest = MAX(t->deepest, g_array_index(r, struct world_reorg, i).depth);
}

/* The share of main-chain heights 1..LEN at which more than one block was
 * mined (injected blocks not counted): the fork rate that the closed form
 * 1 - exp(-(N-1)d/(NT)) predicts. O(blocks). */
static double fork_share(const world_t *w, uint32_t len)
{
	const chain_store_t *s = world_store(w);
	if (len == 0)
		return 0;
	uint8_t *seen = g_new0(uint8_t, (gsize)len + 1);
	uint32_t forked = 0;
	for (uint32_t id = 1; id < chain_store_count(s); id++) {
		uint32_t h = chain_store_get(s, id)->h.height;
		if (h > len || world_block_stat(w, id)->injected || seen[h] == 2)
			continue;
		forked += seen[h] == 1;
		seen[h]++;
	}
	g_free(seen);
	return (double)forked / len;
}

static char *summary_text(const world_t *w, GArray *phases, const struct main_chain *m)
{
	const struct scenario *sc = world_scenario(w);
	const struct world_counts *c = world_counts(w);
	struct trace_totals tt;
	trace_totals(w, &tt);
	uint32_t len = tt.main_length;
	uint64_t stale = tt.stale;
	char seed[32];
	g_snprintf(seed, sizeof seed, "%" G_GUINT64_FORMAT, sc->seed);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "scenario", sc->name);
	cJSON_AddStringToObject(o, "seed", seed);
	cJSON_AddStringToObject(o, "mode", mode_name(sc->consensus.mode));
	cJSON_AddNumberToObject(o, "nodes", world_node_count(w));
	cJSON_AddNumberToObject(o, "simulated_s", secs(world_stop_time(w)));
	cJSON_AddNumberToObject(o, "drained_s", secs(world_now(w) - world_stop_time(w)));
	cJSON_AddBoolToObject(o, "interrupted", c->interrupted);
	cJSON_AddBoolToObject(o, "stalled", c->stalled);
	cJSON_AddNumberToObject(o, "blocks_mined", (double)c->blocks_mined);
	cJSON_AddNumberToObject(o, "blocks_injected", (double)c->blocks_injected);
	cJSON_AddNumberToObject(o, "main_chain_length", len);
	cJSON_AddNumberToObject(o, "stale_blocks", (double)stale);
	cJSON_AddNumberToObject(o, "stale_rate", c->blocks_mined ? (double)stale / c->blocks_mined : 0);
	cJSON_AddBoolToObject(o, "all_nodes_same_tip", same_tip(w));
	cJSON_AddItemToObject(o, "phases", phases_json(phases));
	cJSON *ro = cJSON_AddObjectToObject(o, "reorgs");
	cJSON_AddNumberToObject(ro, "count", tt.reorgs);
	cJSON_AddNumberToObject(ro, "deepest", tt.deepest);
	cJSON_AddItemToObject(o, "transactions", txs_json(w, m));
	cJSON_AddItemToObject(o, "blocks_rejected_by_reason", reasons_json(c->block_rejects));
	cJSON_AddNumberToObject(o, "hashes", (double)c->hashes);
	cJSON_AddNumberToObject(o, "events", (double)c->events);
	cJSON_AddNumberToObject(o, "fork_share", fork_share(w, len));
	/* What wrote this summary: a sweep counts a run as done only when
	 * these match the run it wants (sweep.h). */
	cJSON_AddStringToObject(o, "version", POWSIM_VERSION);
	cJSON_AddStringToObject(o, "scenario_sha256", sc->digest ? sc->digest : "");
	cJSON_AddNumberToObject(o, "wall_s", c->wall_us / 1e6);
	char *text = cJSON_Print(o);
	cJSON_Delete(o);
	return text;
}

/* ---- chain.json ---- */

static cJSON *tx_json(const world_t *w, const struct tx *t)
{
	tx_keys_t *k = world_keys(w);
	cJSON *o = cJSON_CreateObject();
	char buf[2 * TX_WIRE_SIZE + 1];
	if (tx_is_coinbase(t)) {
		cJSON_AddStringToObject(o, "sender", "0");
	} else {
		wallet_address_hex(tx_keys_wallet(k, t->sender), buf);
		cJSON_AddStringToObject(o, "sender", buf);
	}
	wallet_address_hex(tx_keys_wallet(k, t->recipient), buf);
	cJSON_AddStringToObject(o, "recipient", buf);
	cJSON_AddNumberToObject(o, "amount", (double)t->amount);
	cJSON_AddNumberToObject(o, "fee", (double)t->fee);
	cJSON_AddNumberToObject(o, "seq", t->seq);
	hash_hex(t->sig, WALLET_SIG_SIZE, buf);
	cJSON_AddStringToObject(o, "signature", buf);
	uint8_t msg[TX_MSG_SIZE];
	tx_message(t, k, msg);
	hash_hex(msg, TX_MSG_SIZE, buf);
	cJSON_AddStringToObject(o, "message", buf);
	if (!tx_is_coinbase(t)) {
		hash_hex(wallet_pubkey(tx_keys_wallet(k, t->sender)), WALLET_PUBKEY_SIZE, buf);
		cJSON_AddStringToObject(o, "sender_pubkey", buf);
	}
	tx_id_hex(t, buf);
	cJSON_AddStringToObject(o, "id", buf);
	return o;
}

static cJSON *block_json(const world_t *w, const struct block *b)
{
	cJSON *o = cJSON_CreateObject();
	char buf[2 * POW_HEADER_SIZE + 1], name[64];
	cJSON_AddNumberToObject(o, "index", b->h.height);
	cJSON_AddNumberToObject(o, "timestamp", secs(b->h.timestamp));
	cJSON_AddNumberToObject(o, "mined_at", secs(b->mined_at));
	cJSON *txs = cJSON_AddArrayToObject(o, "transactions");
	for (uint32_t i = 0; i < b->n_tx; i++)
		cJSON_AddItemToArray(txs, tx_json(w, b->txs[i]));
	cJSON_AddNumberToObject(o, "proof", (double)b->h.nonce);
	hash_hex(b->h.prev, 32, buf);
	cJSON_AddStringToObject(o, "previous_hash", buf);
	world_node_name(w, b->h.miner, name, sizeof name);
	cJSON_AddStringToObject(o, "miner", name);
	hash_hex(b->hash, 32, buf);
	cJSON_AddStringToObject(o, "hash", buf);
	cJSON_AddNumberToObject(o, "difficulty", block_zeros(b));
	cJSON_AddBoolToObject(o, "pow_modelled", block_pow_modelled(b));
	uint8_t header[POW_HEADER_SIZE];
	block_header_encode(&b->h, header);
	hash_hex(header, POW_HEADER_SIZE, buf);
	cJSON_AddStringToObject(o, "header", buf);
	return o;
}

static char *chain_text(const world_t *w, const struct main_chain *m)
{
	GPtrArray *chain = g_ptr_array_new();
	for (const struct block *b = m->tip; b; b = b->parent)
		g_ptr_array_add(chain, (void *)b);
	cJSON *o = cJSON_CreateObject();
	cJSON *a = cJSON_AddArrayToObject(o, "chain");
	for (guint i = chain->len; i-- > 0;)
		cJSON_AddItemToArray(a, block_json(w, g_ptr_array_index(chain, i)));
	cJSON_AddNumberToObject(o, "length", chain->len);
	g_ptr_array_free(chain, TRUE);
	char *text = cJSON_Print(o);
	cJSON_Delete(o);
	return text;
}

/* ---- writing it all ---- */

enum { F_BLOCKS, F_REORGS, F_TXS, F_TIMELINE, F_EVENTS, F_PHASES, F_MINERS, F_SUMMARY,
       F_CHAIN, F_COUNT };

static const char *const file_names[F_COUNT] = {
	"blocks.csv", "reorgs.csv", "txs.csv", "timeline.csv", "events.csv",
	"phases.csv", "miners.csv", "summary.json", "chain.json",
};

static void write_one(int which, FILE *f, const world_t *w, const struct main_chain *m,
		      GArray *phases)
{
	char *text = NULL;
	switch (which) {
	case F_BLOCKS: write_blocks(f, w, m); break;
	case F_REORGS: write_reorgs(f, w); break;
	case F_TXS: write_txs(f, w, m); break;
	case F_TIMELINE: write_timeline(f, w); break;
	case F_EVENTS: write_events(f, w); break;
	case F_PHASES: write_phases(f, phases); break;
	case F_MINERS: write_miners(f, w, m); break;
	case F_SUMMARY: text = summary_text(w, phases, m); break;
	case F_CHAIN: text = chain_text(w, m); break;
	}
	if (text) {
		fputs(text, f);
		fputc('\n', f);
		cJSON_free(text);
	}
}

bool trace_write(const world_t *w, const char *dir, GError **err)
{
	struct out outs[F_COUNT] = { 0 };
	struct main_chain m;
	main_chain_init(&m, w);
	GArray *phases = trace_phases(w);
	bool ok = true;
	for (int i = 0; ok && i < F_COUNT; i++) {
		ok = out_open(&outs[i], dir, file_names[i], err);
		if (ok) {
			write_one(i, outs[i].f, w, &m, phases);
			ok = out_close(&outs[i], err);
		}
	}
	/* All or nothing: on any failure every earlier output comes back. */
	for (int i = 0; ok && i < F_COUNT; i++)
		ok = out_replaceable(&outs[i], err);
	for (int i = 0; ok && i < F_COUNT; i++)
		ok = out_place(&outs[i], err);
	for (int i = 0; i < F_COUNT; i++) {
		if (!ok)
			out_unplace(&outs[i]);
		else if (outs[i].backed_up)
			g_remove(outs[i].bak);
		out_discard(&outs[i]);
	}
	g_array_free(phases, TRUE);
	main_chain_clear(&m);
	return ok;
}
