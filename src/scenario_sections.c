/* scenario_sections: the tables of the top-level sections "stop",
 * "consensus", "network", "mempool" and "output", and the laws of
 * latencies and intervals. */
#include "scenario_int.h"

#include <math.h>
#include <string.h>

#include "powsim/units.h"

/* ------------------------------------------------------------------ */
/* Latency laws and trade intervals                                     */

static const char *const latency_laws[] = { "constant", "uniform", "lognormal", "pareto", NULL };

static const char *const interval_laws[] = { "fixed", "uniform", "exponential", NULL };

#define LAT(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct latency_cfg, m), __VA_ARGS__ }

static const struct field lat_constant[] = {
	{ .key = "law" }, LAT("value", scn_duration, value),
};

static const struct field lat_uniform[] = {
	{ .key = "law" }, LAT("min", scn_duration, value), LAT("max", scn_duration, max),
};

static const struct field lat_lognormal[] = {
	{ .key = "law" },
	LAT("median", scn_duration, value, .lo = 1),
	LAT("sigma", scn_double, shape),
};

static const struct field lat_pareto[] = {
	{ .key = "law" },
	LAT("mean", scn_duration, value, .lo = 1),
	LAT("shape", scn_pareto_shape, shape),
};

static const struct field iv_fixed[] = {
	{ .key = "law" }, TRADE("value", scn_duration, interval, .lo = 1),
};

static const struct field iv_uniform[] = {
	{ .key = "law" },
	TRADE("min", scn_duration, interval, .lo = 1),
	TRADE("max", scn_duration, interval_max, .lo = 1),
};

static const struct field iv_exponential[] = {
	{ .key = "law" }, TRADE("mean", scn_duration, interval, .lo = 1),
};

struct law {
	const struct field *fields;
	size_t n;
	const char *example;
};

static const struct law latency_tables[] = {
	{ TABLE(lat_constant), "{\"law\": \"constant\", \"value\": \"50ms\"}" },
	{ TABLE(lat_uniform), "{\"law\": \"uniform\", \"min\": \"10ms\", \"max\": \"90ms\"}" },
	{ TABLE(lat_lognormal), "{\"law\": \"lognormal\", \"median\": \"100ms\", \"sigma\": 0.5}" },
	{ TABLE(lat_pareto), "{\"law\": \"pareto\", \"mean\": \"100ms\", \"shape\": 3}" },
};

static const struct law interval_tables[] = {
	{ TABLE(iv_fixed), "{\"law\": \"fixed\", \"value\": \"4.5s\"}" },
	{ TABLE(iv_uniform), "{\"law\": \"uniform\", \"min\": \"4s\", \"max\": \"5s\"}" },
	{ TABLE(iv_exponential), "{\"law\": \"exponential\", \"mean\": \"4.5s\"}" },
};

/* An object {"law": L, ...} whose other keys depend on L: read "law",
 * then the law's table, all of whose keys are required. Returns the law's
 * index, or -1 with the error set. */
static int parse_law(struct ctx *c, const cJSON *v, const struct jpath *p, const char *const *names,
                     const struct law *tables, void *base)
{
	const cJSON *lv;
	struct jpath lp = { p, "law", 0 };
	uint32_t seen;
	int law;

	if (!cJSON_IsObject(v))
		return -1;
	lv = cJSON_GetObjectItemCaseSensitive(v, "law");
	if (lv == NULL) {
		GString *g = g_string_new(NULL);
		scn_append_names(g, names);
		scn_fail(c, p, "missing \"law\" (one of %s)", g->str);
		g_string_free(g, TRUE);
		return -1;
	}
	law = scn_read_enum(c, lv, &lp, names);
	if (law < 0)
		return -1;
	if (!scn_parse_object(c, v, p, tables[law].fields, tables[law].n, base, &seen))
		return -1;
	for (size_t i = 1; i < tables[law].n; i++)
		if (!((seen >> i) & 1u)) {
			scn_fail(c, p, "missing \"%s\" for law \"%s\" (e.g. %s)",
				 tables[law].fields[i].key, names[law], tables[law].example);
			return -1;
		}
	return law;
}

bool scn_latency(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		 const struct field *f)
{
	static const char what[] = "a latency: a duration like \"50ms\" or an object like "
	                           "{\"law\": \"uniform\", \"min\": \"10ms\", \"max\": \"90ms\"}";
	struct latency_cfg *l = dst;
	int law;

	memset(l, 0, sizeof *l);
	if (cJSON_IsString(v)) {
		l->law = LAT_CONSTANT;
		return scn_duration(c, v, p, &l->value, f);
	}
	if (!cJSON_IsObject(v))
		return scn_fail_found(c, p, v, what);
	law = parse_law(c, v, p, latency_laws, latency_tables, l);
	if (law < 0)
		return false;
	l->law = (enum latency_law)law;
	if (l->law == LAT_UNIFORM && l->max < l->value)
		return scn_fail(c, p, "\"min\" must not be above \"max\"");
	return true;
}

/* A group's "upload"/"download": a bandwidth string, or a law drawn per
 * node: {"law": "lognormal", "median": "8Mbit/s", "sigma": 1},
 * {"law": "uniform", "min": ..., "max": ...}, or {"law": "histogram"}
 * (the region's, from the network's "bandwidth_histograms"). */
static const char *const bw_laws[] = { "lognormal", "uniform", "histogram", NULL };
#define BWF(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct bw_cfg, m), __VA_ARGS__ }
static const struct field bw_lognormal[] = {
	{ .key = "law" }, BWF("median", scn_bandwidth, value), BWF("sigma", scn_double, shape),
};
static const struct field bw_uniform[] = {
	{ .key = "law" }, BWF("min", scn_bandwidth, value), BWF("max", scn_bandwidth, max),
};
static const struct field bw_histogram[] = { { .key = "law" } };
static const struct law bw_tables[] = {
	{ TABLE(bw_lognormal), "{\"law\": \"lognormal\", \"median\": \"8Mbit/s\", \"sigma\": 1}" },
	{ TABLE(bw_uniform),
	  "{\"law\": \"uniform\", \"min\": \"1Mbit/s\", \"max\": \"10Mbit/s\"}" },
	{ TABLE(bw_histogram), "{\"law\": \"histogram\"}" },
};

bool scn_node_bw(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		 const struct field *f)
{
	struct bw_cfg *b = dst;
	memset(b, 0, sizeof *b);
	if (cJSON_IsString(v)) {
		b->kind = BW_CONSTANT;
		return scn_bandwidth(c, v, p, &b->value, f);
	}
	if (!cJSON_IsObject(v))
		return scn_fail_found(c, p, v, "a bandwidth like \"100Mbit/s\" or a law like "
		                  "{\"law\": \"histogram\"}");
	int law = parse_law(c, v, p, bw_laws, bw_tables, b);
	if (law < 0)
		return false;
	b->kind = (enum bw_kind)(BW_LOGNORMAL + law);
	if (b->kind == BW_UNIFORM && b->max < b->value)
		return scn_fail(c, p, "\"min\" must not be above \"max\"");
	if (b->kind != BW_HISTOGRAM && b->value <= 0)
		return scn_fail(c, p, "a law's bandwidths must be finite (not \"unlimited\")");
	return true;
}

bool scn_interval(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		  const struct field *f)
{
	static const char what[] = "an interval: a duration like \"4.5s\" or an object like "
	                           "{\"law\": \"exponential\", \"mean\": \"4.5s\"}";
	struct trade_cfg *t = dst;
	struct field positive = *f;
	int law;

	if (cJSON_IsString(v)) {
		t->law = INTERVAL_FIXED;
		positive.lo = 1;
		return scn_duration(c, v, p, &t->interval, &positive);
	}
	if (!cJSON_IsObject(v))
		return scn_fail_found(c, p, v, what);
	law = parse_law(c, v, p, interval_laws, interval_tables, t);
	if (law < 0)
		return false;
	t->law = (enum interval_law)law;
	if (t->law == INTERVAL_UNIFORM && t->interval_max < t->interval)
		return scn_fail(c, p, "\"min\" must not be above \"max\"");
	return true;
}

/* "amount": 5 or [min, max]. */
bool scn_amount(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		const struct field *f)
{
	static const char what[] = "an amount: an integer >= 1 or a range [min, max]";
	struct trade_cfg *t = dst;
	struct jpath p0 = { p, NULL, 0 }, p1 = { p, NULL, 1 };

	(void)f;
	if (cJSON_IsNumber(v) || cJSON_IsString(v)) {
		if (!scn_read_uint(c, v, p, 1, UINT64_MAX, &t->amount_min))
			return false;
		t->amount_max = t->amount_min;
		return true;
	}
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2)
		return scn_fail_found(c, p, v, what);
	if (!scn_read_uint(c, v->child, &p0, 1, UINT64_MAX, &t->amount_min) ||
	    !scn_read_uint(c, v->child->next, &p1, 1, UINT64_MAX, &t->amount_max))
		return false;
	if (t->amount_max < t->amount_min)
		return scn_fail(c, p, "the range [min, max] has min above max");
	return true;
}

/* ------------------------------------------------------------------ */
/* Sections                                                             */

#define STOP(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct stop_cfg, m), __VA_ARGS__ }

static const struct field stop_fields[] = {
	STOP("time", scn_duration, time, .lo = 1),
	STOP("height", scn_u32, height, .lo = 1),
	STOP("blocks", scn_u32, blocks, .lo = 1),
};

bool scn_stop(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
	      const struct field *f)
{
	uint32_t seen;

	(void)f;
	if (!scn_parse_object(c, v, p, TABLE(stop_fields), dst, &seen))
		return false;
	if (seen == 0)
		return scn_fail(c, p, "expected at least one of \"time\", \"height\", \"blocks\" "
		            "(e.g. {\"time\": \"10min\"}); the first reached stops the run");
	return true;
}

#define CONS(k, h, m, ...)                                                                         \
	{                                                                                          \
		.key = k, .fn = h, .off = offsetof(struct consensus_cfg, m), __VA_ARGS__           \
	}

static const struct field retarget_fields[] = {
	CONS("every", scn_u32, retarget_every, .lo = 1),
	CONS("interval", scn_duration, retarget_interval, .lo = 1),
	CONS("clamp", scn_double, retarget_clamp, .lo = 1),
};

static const struct field consensus_fields[] = {
	CONS("mode", scn_enum, mode, .names = config_mode_names),
	CONS("difficulty", scn_difficulty, millizeros),
	CONS("fork_choice", scn_enum, fork_choice, .names = config_fork_names),
	CONS("reward", scn_u64, reward),
	CONS("max_block_txs", scn_u32, max_block_txs, .lo = 1, .hi = 1000000),
	{ .key = "retarget",
	  .off = 0,
	  SUB_OBJECT(retarget_fields, "every", "10", "interval", "\"10s\"", NULL) },
};

bool scn_consensus(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		   const struct field *f)
{
	uint32_t seen;

	(void)f;
	return scn_parse_object(c, v, p, TABLE(consensus_fields), dst, &seen);
}

/* [["a", "b"], ...]: each name one node, no self-links, no repeats. */
static bool read_edge(struct ctx *c, const cJSON *pair, const struct jpath *ep, uint32_t end[2])
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	const cJSON *it = pair->child;
	bool ok = true;

	if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2)
		ok = scn_fail_found(c, ep, pair, "a pair of node names [\"a\", \"b\"]");
	for (long k = 0; ok && k < 2; k++, it = it->next) {
		struct jpath np = { ep, NULL, k };
		ok = scn_resolve(c, it, &np, ids);
		if (ok && ids->len != 1)
			ok = scn_fail(c, &np,
				      "\"%s\" is a group of %u nodes; an edge joins two nodes "
				      "(e.g. \"%s1\")",
				      it->valuestring, ids->len, it->valuestring);
		if (ok)
			end[k] = g_array_index(ids, guint32, 0);
	}
	g_array_unref(ids);
	if (ok && end[0] == end[1])
		ok = scn_fail(c, ep, "an edge must join two different nodes");
	return ok;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static bool h_edges(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		    const struct field *f)
{
	GPtrArray *edges = *(GPtrArray **)dst;
	GArray *keys = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	long i = 0;
	bool ok = true;

	(void)f;
	if (!cJSON_IsArray(v))
		ok = scn_fail_found(c, p, v, "an array of pairs [[\"miner1\", \"miner2\"], ...]");
	g_ptr_array_set_size(edges, 0);
	if (c->s->network.edge_ids)
		g_array_unref(c->s->network.edge_ids);
	c->s->network.edge_ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	for (const cJSON *it = ok ? v->child : NULL; ok && it != NULL; it = it->next, i++) {
		struct jpath ep = { p, NULL, i };
		uint32_t end[2];
		uint64_t key;
		ok = read_edge(c, it, &ep, end);
		if (ok) {
			/* (low id, high id, file index) sorts repeats next to each other. */
			key = ((uint64_t)MIN(end[0], end[1]) << 42) |
			      ((uint64_t)MAX(end[0], end[1]) << 21);
			key |= (uint64_t)i & 0x1fffff;
			g_array_append_val(keys, key);
			g_ptr_array_add(edges, g_strdup(it->child->valuestring));
			g_ptr_array_add(edges, g_strdup(it->child->next->valuestring));
			g_array_append_vals(c->s->network.edge_ids, end, 2);
		}
	}
	if (ok && keys->len > 1) {
		g_array_sort(keys, cmp_u64);
		for (guint k = 1; ok && k < keys->len; k++) {
			uint64_t a = g_array_index(keys, uint64_t, k - 1),
				 b = g_array_index(keys, uint64_t, k);
			struct jpath ep = { p, NULL, (long)(b & 0x1fffff) };
			if (a >> 21 == b >> 21)
				ok = scn_fail(c, &ep, "this edge repeats edges[%ld]",
					      (long)(a & 0x1fffff));
		}
	}
	g_array_unref(keys);
	return ok;
}

static const char *const topology_names[] = { "full", "random", "edges", NULL };


#define NET(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct network_cfg, m), __VA_ARGS__ }

static const struct field validation_fields[] = {
	NET("block", scn_duration, validate_block),
	NET("tx", scn_duration, validate_tx),
	NET("mb", scn_duration, validate_mb),
};

/* The field of a value read outside a table: no bounds. */
static const struct field plain_field = { .key = "" };

/* A JSON array of exactly N items (N = 0: any length >= 1). */
static bool expect_array(struct ctx *c, const cJSON *v, const struct jpath *p, int n,
			 const char *what)
{
	int len = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : -1;
	if (len < 1 || (n > 0 && len != n)) {
		char *msg = n > 0 ? g_strdup_printf("an array of %d %s", n, what)
				  : g_strdup_printf("a non-empty array of %s", what);
		bool r = scn_fail_found(c, p, v, msg);
		g_free(msg);
		return r;
	}
	return true;
}

/* An array of N numbers >= 0 into a new double[N]. */
bool scn_read_numbers(struct ctx *c, const cJSON *v, const struct jpath *p, int n, double **out)
{
	if (!expect_array(c, v, p, n, "numbers >= 0"))
		return false;
	int len = cJSON_GetArraySize(v);
	double *a = g_new(double, len);
	long i = 0;
	for (const cJSON *it = v->child; it; it = it->next, i++) {
		struct jpath ip = { p, NULL, i };
		if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) || it->valuedouble < 0) {
			g_free(a);
			return scn_fail_found(c, &ip, it, "a number >= 0");
		}
		a[i] = it->valuedouble;
	}
	*out = a;
	return true;
}

bool scn_numbers(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		 const struct field *f)
{
	GArray **out = dst;
	double *a = NULL;
	(void)f;
	if (!scn_read_numbers(c, v, p, 0, &a))
		return false;
	if (*out)
		g_array_unref(*out);
	*out = g_array_new(FALSE, FALSE, sizeof(double));
	g_array_append_vals(*out, a, cJSON_GetArraySize(v));
	g_free(a);
	return true;
}

/* An array of N bandwidths into a new double[N] (bit/s). */
static bool read_bandwidths(struct ctx *c, const cJSON *v, const struct jpath *p, int n,
			    double **out)
{
	if (!expect_array(c, v, p, n, "bandwidths like \"20Mbit/s\""))
		return false;
	double *a = g_new0(double, n);
	long i = 0;
	for (const cJSON *it = v->child; it; it = it->next, i++) {
		struct jpath ip = { p, NULL, i };
		if (!scn_bandwidth(c, it, &ip, &a[i], &plain_field)) {
			g_free(a);
			return false;
		}
	}
	*out = a;
	return true;
}

struct regions_in {
	const cJSON *names, *share, *latency, *jitter, *upload, *download, *inter;
};

static bool read_latency_matrix(struct ctx *c, const cJSON *v, const struct jpath *p, int n,
				simtime_t **out)
{
	if (!expect_array(c, v, p, n, "rows (one per region)"))
		return false;
	simtime_t *m = g_new0(simtime_t, (size_t)n * n);
	long r = 0;
	for (const cJSON *row = v->child; row; row = row->next, r++) {
		struct jpath rp = { p, NULL, r };
		if (!expect_array(c, row, &rp, n, "durations like \"124ms\"")) {
			g_free(m);
			return false;
		}
		long k = 0;
		for (const cJSON *it = row->child; it; it = it->next, k++) {
			struct jpath kp = { &rp, NULL, k };
			if (!scn_duration(c, it, &kp, &m[r * n + k], &plain_field)) {
				g_free(m);
				return false;
			}
		}
	}
	*out = m;
	return true;
}

static bool read_region_names(struct ctx *c, const cJSON *v, const struct jpath *p, char ***out)
{
	if (!expect_array(c, v, p, 0, "region names"))
		return false;
	int n = cJSON_GetArraySize(v);
	if (n > 255)
		return scn_fail(c, p, "at most 255 regions, found %d", n);
	char **names = g_new0(char *, n + 1);
	long i = 0;
	for (const cJSON *it = v->child; it; it = it->next, i++) {
		struct jpath ip = { p, NULL, i };
		if (!cJSON_IsString(it) || it->valuestring[0] == '\0') {
			g_strfreev(names);
			return scn_fail_found(c, &ip, it, "a region name");
		}
		names[i] = g_strdup(it->valuestring);
	}
	*out = names;
	return true;
}

#define REG(k, m) { .key = k, .fn = h_keep, .off = offsetof(struct regions_in, m) }

static bool h_keep(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		   const struct field *f)
{
	(void)c;
	(void)p;
	(void)f;
	*(const cJSON **)dst = v;
	return true;
}

static const struct field region_fields[] = {
	REG("names", names), REG("share", share), REG("latency", latency), REG("jitter", jitter),
	REG("upload", upload), REG("download", download), REG("inter", inter),
};

/* "regions": {"names": [...], "share": [...], "latency": [[...]...],
 * "jitter": "5ms", "upload": [...], "download": [...], "inter": "6Mbit/s"} */
static bool h_regions(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		      const struct field *f)
{
	struct network_cfg *net = dst;
	struct regions_in in = { 0 };
	uint32_t seen;
	(void)f;
	config_network_clear_regions(net); /* a second "regions" replaces the first */
	if (!scn_parse_object(c, v, p, TABLE(region_fields), &in, &seen))
		return false;
	static const char *const need[] = { "names", "share", "latency", "upload", "download" };
	for (size_t i = 0; i < G_N_ELEMENTS(need); i++)
		if (!scn_require_key(c, p, TABLE(region_fields), seen, need[i], "[...]"))
			return false;
	struct jpath np = { p, "names", 0 }, sp = { p, "share", 0 }, lp = { p, "latency", 0 };
	struct jpath up = { p, "upload", 0 }, dp = { p, "download", 0 };
	if (!read_region_names(c, in.names, &np, &net->region_names))
		return false;
	int n = (int)g_strv_length(net->region_names);
	net->n_regions = (uint32_t)n;
	if (!scn_read_numbers(c, in.share, &sp, n, &net->region_share) ||
	    !read_latency_matrix(c, in.latency, &lp, n, &net->region_latency) ||
	    !read_bandwidths(c, in.upload, &up, n, &net->region_up) ||
	    !read_bandwidths(c, in.download, &dp, n, &net->region_down))
		return false;
	double sum = 0;
	for (int i = 0; i < n; i++)
		sum += net->region_share[i];
	if (sum <= 0)
		return scn_fail(c, &sp, "the shares must not all be zero");
	for (int i = 0; i < n; i++)
		net->region_share[i] /= sum;
	struct jpath jp = { p, "jitter", 0 }, ip = { p, "inter", 0 };
	if (in.jitter && !scn_duration(c, in.jitter, &jp, &net->jitter_spread, &plain_field))
		return false;
	if (in.inter && !scn_bandwidth(c, in.inter, &ip, &net->inter_bandwidth, &plain_field))
		return false;
	return true;
}

/* "degree_distribution": [P(d <= 1), P(d <= 2), ...], rising to 1. */
static bool h_degree_cdf(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
			 const struct field *f)
{
	GArray **out = dst;
	if (!scn_numbers(c, v, p, dst, f))
		return false;
	const double *a = (const double *)(void *)(*out)->data;
	guint n = (*out)->len;
	bool ok = n >= 1 && n <= 1000 && fabs(a[n - 1] - 1.0) < 1e-9;
	for (guint i = 1; ok && i < n; i++)
		ok = a[i] >= a[i - 1];
	return ok || scn_fail(c, p,
			      "cumulative probabilities P(degree <= k), rising, ending at 1 (at "
			      "most 1000)");
}

/* One region's histogram: [[lo_mbps, hi_mbps, weight], ...], lo < hi,
 * weight >= 0, some weight > 0. */
static bool read_histogram(struct ctx *c, const cJSON *v, const struct jpath *p, GArray **out)
{
	if (!expect_array(c, v, p, 0, "bins [lo Mbit/s, hi Mbit/s, weight]"))
		return false;
	GArray *a = g_array_new(FALSE, FALSE, sizeof(struct bw_bin));
	double cum = 0;
	long i = 0;
	for (const cJSON *it = v->child; it; it = it->next, i++) {
		struct jpath ip = { p, NULL, i };
		const cJSON *lo = cJSON_GetArrayItem(it, 0), *hi = cJSON_GetArrayItem(it, 1),
			    *w = cJSON_GetArrayItem(it, 2);
		if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) != 3 || !cJSON_IsNumber(lo) ||
		    !cJSON_IsNumber(hi) || !cJSON_IsNumber(w) || !isfinite(lo->valuedouble) ||
		    !isfinite(hi->valuedouble) || !isfinite(w->valuedouble) ||
		    lo->valuedouble <= 0 || hi->valuedouble < lo->valuedouble ||
		    w->valuedouble < 0) {
			g_array_unref(a);
			return scn_fail_found(
				c, &ip, it, "a bin [lo Mbit/s > 0, hi Mbit/s >= lo, weight >= 0]");
		}
		cum += w->valuedouble;
		struct bw_bin b = { lo->valuedouble * 1e6, hi->valuedouble * 1e6, cum };
		g_array_append_val(a, b);
	}
	if (cum <= 0) {
		g_array_unref(a);
		return scn_fail(c, p, "the bins' weights must not all be zero");
	}
	*out = a;
	return true;
}

/* "bandwidth_histograms": {"upload": [REGION BINS...], "download": [...]},
 * one list of bins per region in the regions' order (checked against
 * "regions" once the network object is read). */
static bool h_histograms(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
			 const struct field *f)
{
	struct network_cfg *net = dst;
	static const char *const dirs[] = { "upload", "download" };
	(void)f;
	if (!cJSON_IsObject(v))
		return scn_fail_found(c, p, v,
				      "an object {\"upload\": [...], \"download\": [...]}");
	for (const cJSON *it = v->child; it; it = it->next)
		if (strcmp(it->string, dirs[0]) != 0 && strcmp(it->string, dirs[1]) != 0) {
			struct jpath kp = { p, it->string, 0 };
			return scn_fail(c, &kp, "unknown key; expected \"upload\" or \"download\"");
		}
	const cJSON *up = cJSON_GetObjectItemCaseSensitive(v, dirs[0]);
	const cJSON *down = cJSON_GetObjectItemCaseSensitive(v, dirs[1]);
	if (!up || !down)
		return scn_fail(c, p, "needs both \"upload\" and \"download\"");
	int n = cJSON_IsArray(up) ? cJSON_GetArraySize(up) : -1;
	struct jpath upp = { p, dirs[0], 0 }, dp = { p, dirs[1], 0 };
	if (!expect_array(c, up, &upp, 0, "one list of bins per region") ||
	    !expect_array(c, down, &dp, n, "one list of bins per region, as many as \"upload\""))
		return false;
	for (uint32_t r = 0; r < net->hist_n; r++) {
		g_array_unref(net->hist_up[r]);
		g_array_unref(net->hist_down[r]);
	}
	g_free(net->hist_up);
	g_free(net->hist_down);
	net->hist_n = (uint32_t)n;
	net->hist_up = g_new0(GArray *, n);
	net->hist_down = g_new0(GArray *, n);
	for (int r = 0; r < n; r++) {
		struct jpath ur = { &upp, NULL, r }, dr = { &dp, NULL, r };
		if (!read_histogram(c, cJSON_GetArrayItem(up, r), &ur, &net->hist_up[r]) ||
		    !read_histogram(c, cJSON_GetArrayItem(down, r), &dr, &net->hist_down[r])) {
			for (int k = 0; k <= r; k++) {
				if (net->hist_up[k])
					g_array_unref(net->hist_up[k]);
				if (net->hist_down[k])
					g_array_unref(net->hist_down[k]);
			}
			g_free(net->hist_up);
			g_free(net->hist_down);
			net->hist_up = net->hist_down = NULL;
			net->hist_n = 0;
			return false;
		}
	}
	return true;
}

/* "nodes": a non-empty array of node or group names (resolved by
 * h_backbone). */
static bool h_names(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		    const struct field *f)
{
	GPtrArray **out = dst;
	long i = 0;
	(void)f;
	if (!cJSON_IsArray(v) || v->child == NULL)
		return scn_fail_found(c, p, v, "a non-empty array of node or group names");
	if (*out)
		g_ptr_array_unref(*out);
	*out = g_ptr_array_new_with_free_func(g_free);
	for (const cJSON *it = v->child; it; it = it->next, i++) {
		struct jpath ip = { p, NULL, i };
		if (!cJSON_IsString(it) || it->valuestring[0] == '\0')
			return scn_fail_found(c, &ip, it, "a node or group name");
		g_ptr_array_add(*out, g_strdup(it->valuestring));
	}
	return true;
}

#define BB(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct backbone_cfg, m), __VA_ARGS__ }
static const struct field backbone_fields[] = {
	BB("enabled", scn_bool, enabled),
	BB("nodes", h_names, nodes),
	BB("latency", scn_latency, latency),
	BB("bandwidth", scn_bandwidth, bandwidth),
	BB("connections", scn_u32, connections),
};

/* B's node ids, from the names of V's "nodes" (every one a node or a
 * group), in order. */
static bool resolve_backbone(struct ctx *c, const cJSON *v, const struct jpath *p,
			     struct backbone_cfg *b)
{
	const cJSON *names = cJSON_GetObjectItemCaseSensitive(v, "nodes");
	struct jpath np = { p, "nodes", 0 };
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	long i = 0;
	bool ok = true;

	if (b->node_ids)
		g_array_unref(b->node_ids);
	b->node_ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	for (const cJSON *it = names ? names->child : NULL; ok && it; it = it->next, i++) {
		struct jpath ip = { &np, NULL, i };
		ok = scn_resolve(c, it, &ip, ids);
		if (ok)
			g_array_append_vals(b->node_ids, ids->data, ids->len);
	}
	g_array_unref(ids);
	return ok;
}

/* "backbone": {"nodes": [...], "latency": ..., "bandwidth": ...,
 * "connections": N, "enabled": true}. */
static bool h_backbone(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		       const struct field *f)
{
	struct backbone_cfg *b = dst;
	uint32_t seen;
	(void)f;
	b->enabled = true;
	if (!scn_parse_object(c, v, p, TABLE(backbone_fields), b, &seen))
		return false;
	b->own_latency = scn_has_key(TABLE(backbone_fields), seen, "latency");
	if (!b->nodes && b->enabled)
		return scn_fail(c, p, "a backbone needs \"nodes\": [names of its nodes or groups]");
	return resolve_backbone(c, v, p, b);
}

static const char *const sharing_names[] = { "node", "link", "pair", "slot", NULL };

static const struct field network_fields[] = {
	NET("topology", scn_enum, topology, .names = topology_names),
	NET("sharing", scn_enum, sharing, .names = sharing_names),
	NET("degree", scn_u32, degree, .lo = 1),
	NET("edges", h_edges, edges),
	NET("latency", scn_latency, latency),
	NET("processing", scn_duration, processing),
	NET("control_processing", scn_duration, control_processing),
	NET("relay", scn_enum, relay, .names = config_relay_names),
	{ .key = "validation", .off = 0, SUB_OBJECT(validation_fields, NULL) },
	NET("bandwidth", scn_bandwidth, bandwidth),
	NET("header_bytes", scn_size, header_bytes, .lo = 1),
	NET("tx_bytes", scn_size, tx_bytes, .lo = 1),
	{ .key = "regions", .fn = h_regions, .off = 0 },
	NET("degree_distribution", h_degree_cdf, degree_cdf),
	NET("block_size", scn_size, block_size),
	NET("compact", scn_bool, compact),
	NET("compact_share", scn_fraction, compact_share),
	NET("compact_fail", scn_fraction, compact_fail),
	NET("compact_missing", scn_fraction, compact_missing),
	NET("compact_hb", scn_u32, compact_hb, .hi = 1000),
	{ .key = "bandwidth_histograms", .fn = h_histograms, .off = 0 },
	NET("backbone", h_backbone, backbone),
};

bool scn_network(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		 const struct field *f)
{
	struct network_cfg *n = dst;
	struct jpath dp = { p, "degree", 0 }, ep = { p, "edges", 0 };
	uint32_t seen;

	(void)f;
	if (!scn_parse_object(c, v, p, TABLE(network_fields), dst, &seen))
		return false;
	if (scn_has_key(TABLE(network_fields), seen, "degree") && n->topology != TOPO_RANDOM)
		return scn_fail(c, &dp, "\"degree\" applies only to \"topology\": \"random\"");
	if (scn_has_key(TABLE(network_fields), seen, "edges") && n->topology != TOPO_EDGES)
		return scn_fail(c, &ep, "\"edges\" applies only to \"topology\": \"edges\"");
	struct jpath hp = { p, "bandwidth_histograms", 0 };
	if (n->hist_n > 0 && n->hist_n != n->n_regions)
		return scn_fail(c, &hp, "one histogram per region: %u regions, %u histograms",
				n->n_regions, n->hist_n);
	if (n->topology == TOPO_EDGES && n->edges->len == 0)
		return scn_fail(c, p, "\"topology\": \"edges\" needs a non-empty \"edges\" list, "
		            "e.g. [[\"miner1\", \"miner2\"]]");
	return true;
}

static const char *const order_names[] = { "arrival", "fee", NULL };

static const char *const refresh_names[] = { "on-tx", "on-block", NULL };

#define MEMPOOL(k, h, m, ...)                                                                      \
	{                                                                                          \
		.key = k, .fn = h, .off = offsetof(struct mempool_cfg, m), __VA_ARGS__             \
	}

static const struct field mempool_fields[] = {
	MEMPOOL("order", scn_enum, order, .names = order_names),
	MEMPOOL("capacity", scn_u32, capacity, .lo = 1),
	MEMPOOL("refresh", scn_enum, refresh, .names = refresh_names),
};

bool scn_mempool(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		 const struct field *f)
{
	uint32_t seen;

	(void)f;
	return scn_parse_object(c, v, p, TABLE(mempool_fields), dst, &seen);
}

static const struct field output_fields[] = {
	{ .key = "sample", .fn = scn_duration, .off = offsetof(struct scenario, sample), .lo = 1 },
};

bool scn_output(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		const struct field *f)
{
	uint32_t seen;

	(void)f;
	(void)dst;
	return scn_parse_object(c, v, p, TABLE(output_fields), c->s, &seen);
}
