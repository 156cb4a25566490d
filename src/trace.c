/* trace: CSV and JSON outputs of a finished run. See trace.h. */
#include "powsim/trace.h"
#include "powsim/version.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <cjson/cJSON.h>

#include "powsim/attack.h"
#include "powsim/csv.h"
#include "powsim/hash.h"
#include "powsim/pow.h"

#define TRACE_ERROR (g_quark_from_static_string("trace-error"))

/* One output file: DIR/NAME, written directly (DIR is a fresh directory
 * that replaces the target as one unit, see outdir.h). */
struct out {
	char *path;
	FILE *f;
};

static bool out_open(struct out *o, const char *dir, const char *name, GError **err)
{
	o->path = g_build_filename(dir, name, NULL);
	o->f = fopen(o->path, "w");
	if (!o->f) {
		g_set_error(err, TRACE_ERROR, 3, "%s: cannot create: %s", o->path, g_strerror(errno));
		return false;
	}
	return true;
}

/* Close O, reporting any write error (a full disk shows here at the
 * latest). */
static bool out_close(struct out *o, GError **err)
{
	bool bad = ferror(o->f) != 0;
	int e = errno;
	if (fclose(o->f) != 0) {
		bad = true;
		e = errno;
	}
	o->f = NULL;
	if (bad)
		g_set_error(err, TRACE_ERROR, 3, "%s: write failed: %s", o->path, g_strerror(e));
	g_clear_pointer(&o->path, g_free);
	return !bad;
}

/* ---- formatting ---- */

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

static void write_blocks(FILE *f, const struct report *r)
{
	const world_t *w = r->world;
	const chain_store_t *s = world_store(w);
	fputs(CSV_BLOCKS "\n", f);
	for (uint32_t id = 1; id < chain_store_count(s); id++) {
		const struct block *b = chain_store_get(s, id);
		const struct world_block_stat *st = world_block_stat(w, id);
		char h[HASH_HEX_SIZE], p[HASH_HEX_SIZE], miner[64];
		hash_hex(b->hash, 32, h);
		hash_hex(b->parent->hash, 32, p);
		world_node_name(w, b->h.miner, miner, sizeof miner);
		fprintf(f, "%.6f,%u,%s,%s,%s,%g,%" G_GUINT64_FORMAT ",%u,%.6f,%d,", secs(b->mined_at),
			b->h.height, h, p, miner, block_zeros(b), b->h.nonce, b->n_tx,
			secs(b->mined_at - b->parent->mined_at), r->status[id]);
		put_time(f, st->t50, ",");
		put_time(f, st->t90, ",");
		put_time(f, st->t100, ",");
		fprintf(f, "%" G_GUINT64_FORMAT "\n", b->size);
	}
}

static void write_reorgs(FILE *f, const world_t *w)
{
	const GArray *r = world_reorgs(w);
	fputs(CSV_REORGS "\n", f);
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

static const char *tx_status(const char *rejected, const struct block *inc)
{
	if (inc)
		return "confirmed";
	return rejected ? "rejected" : "pending";
}

static void write_txs(FILE *f, const struct report *r)
{
	const world_t *w = r->world;
	const GArray *txs = world_txs(w);
	fputs(CSV_TXS ",reason\n", f);
	for (guint i = 0; i < txs->len; i++) {
		const struct world_tx *rec = &g_array_index(txs, struct world_tx, i);
		const struct tx *t = rec->tx;
		const struct block *inc = report_tx_block(r, t);
		char id[HASH_HEX_SIZE], from[64], to[64];
		tx_id_hex(t, id);
		world_node_name(w, t->sender, from, sizeof from);
		world_node_name(w, t->recipient, to, sizeof to);
		fprintf(f, "%s,%.6f,%s,%s,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%s,", id,
			secs(t->created), from, to, t->amount, t->fee, tx_status(r->tx_rejected[i], inc));
		if (inc)
			fprintf(f, "%u,%.6f,%.6f,", inc->h.height, secs(inc->mined_at),
				secs(inc->mined_at - t->created));
		else
			fputs(",,,", f);
		fprintf(f, "%s\n", r->tx_rejected[i] ? r->tx_rejected[i] : "");
	}
}

static void write_timeline(FILE *f, const world_t *w)
{
	const GArray *s = world_samples(w);
	fputs(CSV_TIMELINE "\n", f);
	for (guint i = 0; i < s->len; i++) {
		const struct world_sample *x = &g_array_index(s, struct world_sample, i);
		fprintf(f, "%.6f,%u,%u,%u,%u,%.3f,%u,%g\n", secs(x->time), x->max_height,
			x->min_height, x->distinct_tips, x->max_mempool, x->mean_mempool, x->online,
			x->millizeros / 1000.0);
	}
}

static const char *action_name(enum tl_action a)
{
	return config_action_names[a];
}

static void write_events(FILE *f, const world_t *w)
{
	const GArray *e = world_fired(w);
	fputs(CSV_EVENTS "\n", f);
	for (guint i = 0; i < e->len; i++) {
		const struct world_fired *x = &g_array_index(e, struct world_fired, i);
		fprintf(f, "%.6f,%s,%s,%s\n", secs(x->time), action_name(x->action), x->target,
			x->value);
	}
}

static void write_phases(FILE *f, const GArray *phases)
{
	fputs(CSV_PHASES "\n", f);
	for (guint i = 0; i < phases->len; i++) {
		const struct report_phase *p = &g_array_index(phases, struct report_phase, i);
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

/* ---- strategies: miners.csv's last columns, summary.json's "attack" ---- */

#define ATTACK_COLUMNS ",strategy,orphaned,revenue_share,races,races_won,gamma,attempts,successes"

static void attack_columns(FILE *f, const struct attack_row *r)
{
	fprintf(f, ",%s,%" G_GUINT64_FORMAT ",%.6f,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",",
		r->strategy, r->orphaned, r->revenue_share, r->races, r->races_won);
	if (r->gamma_n)
		fprintf(f, "%.6f", attack_gamma(r));
	fprintf(f, ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT "\n", r->attempts, r->successes);
}

static cJSON *attack_row_json(const struct attack_row *r, const char *name)
{
	cJSON *o = cJSON_CreateObject();
	if (name)
		cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "strategy", r->strategy);
	cJSON_AddNumberToObject(o, "nodes", r->nodes);
	cJSON_AddNumberToObject(o, "hashrate_share", r->hash_share);
	cJSON_AddNumberToObject(o, "blocks", (double)r->blocks);
	cJSON_AddNumberToObject(o, "main_blocks", (double)r->main_blocks);
	cJSON_AddNumberToObject(o, "orphaned", (double)r->orphaned);
	cJSON_AddNumberToObject(o, "revenue", (double)r->revenue);
	cJSON_AddNumberToObject(o, "revenue_share", r->revenue_share);
	cJSON_AddNumberToObject(o, "races", (double)r->races);
	cJSON_AddNumberToObject(o, "races_won", (double)r->races_won);
	if (r->gamma_n)
		cJSON_AddNumberToObject(o, "gamma", attack_gamma(r));
	else
		cJSON_AddNullToObject(o, "gamma");
	cJSON_AddNumberToObject(o, "gamma_races", (double)r->gamma_n);
	cJSON_AddNumberToObject(o, "attempts", (double)r->attempts);
	cJSON_AddNumberToObject(o, "successes", (double)r->successes);
	cJSON_AddNumberToObject(o, "double_spent", (double)r->double_spent);
	cJSON *conf = cJSON_AddArrayToObject(o, "confirmations");
	for (guint i = 0; i < r->confirmations->len; i++)
		cJSON_AddItemToArray(conf, cJSON_CreateNumber(g_array_index(r->confirmations, guint32, i)));
	return o;
}

/* summary.json's "attack": every group, then every strategic miner. */
static cJSON *attack_json(const struct report *r)
{
	const world_t *w = r->world;
	const struct attack_stats *a = r->attack;
	const struct scenario *sc = world_scenario(w);
	cJSON *o = cJSON_CreateObject();
	cJSON *ga = cJSON_AddObjectToObject(o, "gamma");
	cJSON_AddNumberToObject(ga, "races", (double)a->all.races);
	cJSON_AddNumberToObject(ga, "measured", (double)a->all.gamma_n);
	if (a->all.gamma_n)
		cJSON_AddNumberToObject(ga, "mean", attack_gamma(&a->all));
	else
		cJSON_AddNullToObject(ga, "mean");
	cJSON *groups = cJSON_AddArrayToObject(o, "groups");
	for (uint32_t g = 0; g < a->n_groups; g++)
		if (g_array_index(sc->groups, struct group_cfg, g).role == ROLE_MINER)
			cJSON_AddItemToArray(groups, attack_row_json(&a->group[g],
				g_array_index(sc->groups, struct group_cfg, g).name));
	cJSON *nodes = cJSON_AddArrayToObject(o, "miners");
	for (uint32_t i = 0; i < a->n_nodes; i++) {
		if (!world_node(w, i)->strategy)
			continue;
		char name[64];
		world_node_name(w, i, name, sizeof name);
		cJSON_AddItemToArray(nodes, attack_row_json(&a->node[i], name));
	}
	return o;
}

static void write_miners(FILE *f, const struct report *r)
{
	const world_t *w = r->world;
	const struct attack_stats *attack = r->attack;
	fputs(CSV_MINERS ATTACK_COLUMNS "\n", f);
	for (uint32_t i = 0; i < world_node_count(w); i++) {
		if (world_node(w, i)->role != ROLE_MINER)
			continue;
		const struct report_miner *m = &r->miners[i];
		char name[64];
		world_node_name(w, i, name, sizeof name);
		fprintf(f, "%s,%.6f,%u,%u,%.6f", name, m->hashrate_share, m->blocks,
			m->main_blocks, m->main_share);
		attack_columns(f, &attack->node[i]);
	}
}

/* ---- summary.json ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* tau, the hash-rate-weighted mean arrival delay (s): over the mined
 * blocks that every other mining node came to hold, the mean of
 * sum_j h_j d_j / H, j the other miners, d_j when j first held the block,
 * H the total hash rate (at the end). Decker and Wattenhofer: stale
 * blocks per main-chain block ~ tau / T. 0 if no block qualifies. */
static double tau_s(const world_t *w)
{
	uint64_t total = 0;
	for (uint32_t i = 0; i < world_node_count(w); i++)
		total += world_node(w, i)->hashrate;
	const chain_store_t *s = world_store(w);
	double sum = 0;
	uint32_t blocks = 0;
	for (uint32_t id = 1; total > 0 && id < chain_store_count(s); id++) {
		const struct block *b = chain_store_get(s, id);
		const struct world_block_stat *st = world_block_stat(w, id);
		if (st->injected || b->h.miner >= world_node_count(w))
			continue;
		uint64_t others = total - world_node(w, b->h.miner)->hashrate;
		if (st->hw_held < others)
			continue;
		sum += st->hw_delay / (double)total;
		blocks++;
	}
	return blocks ? sum / blocks : 0;
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

static cJSON *txs_json(const struct report *r)
{
	const GArray *txs = world_txs(r->world);
	double *lat = g_new(double, txs->len + 1);
	guint n = 0, injected = 0, injected_in = 0;
	double sum = 0;
	for (guint i = 0; i < txs->len; i++) {
		const struct world_tx *rec = &g_array_index(txs, struct world_tx, i);
		const struct block *inc = report_tx_block(r, rec->tx);
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
	cJSON_AddItemToObject(o, "rejected_by_reason", reasons_json(r->tx_rejects));
	g_free(lat);
	return o;
}

static cJSON *phases_json(const GArray *phases)
{
	cJSON *a = cJSON_CreateArray();
	for (guint i = 0; i < phases->len; i++) {
		const struct report_phase *p = &g_array_index(phases, struct report_phase, i);
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

static const char *mode_name(enum mining_mode m)
{
	return config_mode_names[m];
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

static char *summary_text(const struct report *r)
{
	const world_t *w = r->world;
	const struct scenario *sc = world_scenario(w);
	const struct world_counts *c = world_counts(w);
	uint32_t len = r->main_length;
	uint64_t stale = r->stale;
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
	cJSON_AddNumberToObject(o, "blocks_withheld", (double)r->withheld);
	cJSON_AddNumberToObject(o, "main_chain_length", len);
	cJSON_AddNumberToObject(o, "stale_blocks", (double)stale);
	cJSON_AddNumberToObject(o, "stale_rate", c->blocks_mined ? (double)stale / c->blocks_mined : 0);
	cJSON_AddNumberToObject(o, "tau_s", tau_s(w));
	cJSON_AddBoolToObject(o, "all_nodes_same_tip", r->all_same_tip);
	cJSON_AddItemToObject(o, "phases", phases_json(r->phases));
	cJSON *ro = cJSON_AddObjectToObject(o, "reorgs");
	cJSON_AddNumberToObject(ro, "count", r->reorgs);
	cJSON_AddNumberToObject(ro, "deepest", r->deepest);
	cJSON_AddItemToObject(o, "transactions", txs_json(r));
	cJSON_AddItemToObject(o, "blocks_rejected_by_reason", reasons_json(c->block_rejects));
	cJSON_AddItemToObject(o, "attack", attack_json(r));
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

/* chain.json's text: the chain of TIP back to genesis. */
static char *chain_text(const world_t *w, const struct block *tip)
{
	GPtrArray *chain = g_ptr_array_new();
	for (const struct block *b = tip; b; b = b->parent)
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

static void write_one(int which, FILE *f, const struct report *r)
{
	const world_t *w = r->world;
	char *text = NULL;
	switch (which) {
	case F_BLOCKS: write_blocks(f, r); break;
	case F_REORGS: write_reorgs(f, w); break;
	case F_TXS: write_txs(f, r); break;
	case F_TIMELINE: write_timeline(f, w); break;
	case F_EVENTS: write_events(f, w); break;
	case F_PHASES: write_phases(f, r->phases); break;
	case F_MINERS: write_miners(f, r); break;
	case F_SUMMARY: text = summary_text(r); break;
	case F_CHAIN: text = chain_text(r->world, r->tip); break;
	}
	if (text) {
		fputs(text, f);
		fputc('\n', f);
		cJSON_free(text);
	}
}

const char *const trace_files[] = {
	"blocks.csv", "reorgs.csv", "txs.csv", "timeline.csv", "events.csv",
	"phases.csv", "miners.csv", "summary.json", "chain.json", NULL,
};
G_STATIC_ASSERT(G_N_ELEMENTS(trace_files) == F_COUNT + 1);

bool trace_write(const struct report *r, const char *dir, GError **err)
{
	bool ok = true;
	for (int i = 0; ok && i < F_COUNT; i++) {
		struct out o = { 0 };
		ok = out_open(&o, dir, trace_files[i], err);
		if (ok) {
			write_one(i, o.f, r);
			ok = out_close(&o, err);
		}
		g_free(o.path);
	}
	return ok;
}

/* ---- the same JSON, for live mode's API ---- */

char *trace_block_json(const world_t *w, const struct block *b)
{
	cJSON *o = block_json(w, b);
	char *text = cJSON_PrintUnformatted(o);
	char *out = g_strdup(text);
	cJSON_free(text);
	cJSON_Delete(o);
	return out;
}

char *trace_chain_json(const world_t *w, const struct block *tip)
{
	char *text = chain_text(w, tip);
	char *out = g_strdup(text);
	cJSON_free(text);
	return out;
}
