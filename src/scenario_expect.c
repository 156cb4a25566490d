/* scenario_expect: the "expect" section, the run's checks. */
#include "scenario_int.h"

#include <math.h>
#include <string.h>

#include "powsim/units.h"

/* ------------------------------------------------------------------ */
/* Expectations                                                         */

/* A bound being read: its sides, and whether they are durations. */
struct bound_ctx {
	struct expect_bound b;
	bool duration;
};

static int metric_index(const char *name)
{
	for (int i = 0; config_expect_metrics[i] != NULL; i++)
		if (strcmp(config_expect_metrics[i], name) == 0)
			return i;
	return -1;
}

/* One side of a bound: a number >= 0, a duration (durations only), or
 * the name of a metric (its measured value). F->lo: 0 min, 1 max. */
static bool h_bound_side(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
			 const struct field *f)
{
	struct bound_ctx *bc = dst;
	bool is_max = f->lo > 0;
	double *x = is_max ? &bc->b.max : &bc->b.min;
	int *ref = is_max ? &bc->b.max_ref : &bc->b.min_ref;
	simtime_t t;
	const char *why = NULL;

	*(is_max ? &bc->b.has_max : &bc->b.has_min) = true;
	if (bc->duration) {
		if (!cJSON_IsString(v) || !units_parse_duration(v->valuestring, &t, &why))
			return scn_fail_found(
				c, p, v,
				why ? why : "a duration like \"250ms\", \"4.5s\" or \"2m13s\"");
		*x = simtime_to_s(t);
		return true;
	}
	if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble >= 0) {
		*x = v->valuedouble;
		return true;
	}
	if (cJSON_IsString(v) && (*ref = metric_index(v->valuestring)) >= 0)
		return true;
	{
		GString *g = g_string_new("a number >= 0 or the name of a measured figure (");
		for (int i = 0; config_expect_metrics[i] != NULL; i++)
			g_string_append_printf(g, "%s\"%s\"", i ? ", " : "",
					       config_expect_metrics[i]);
		g_string_append_c(g, ')');
		scn_fail_found(c, p, v, g->str);
		g_string_free(g, TRUE);
		return false;
	}
}

static const struct field bound_fields[] = {
	{ .key = "min", .fn = h_bound_side, .lo = 0 },
	{ .key = "max", .fn = h_bound_side, .lo = 1 },
};

/* A bound: a number (exactly that; not for durations) or {"min": .., "max": ..}. */
static bool read_bound(struct ctx *c, const cJSON *v, const struct jpath *p, bool duration,
		       struct expect_bound *out)
{
	struct bound_ctx bc = { { false, false, 0, 0, -1, -1 }, duration };
	uint32_t seen;

	if (!duration && cJSON_IsString(v) && metric_index(v->valuestring) >= 0) {
		bc.b.has_min = bc.b.has_max = true;
		bc.b.min_ref = bc.b.max_ref = metric_index(v->valuestring);
	} else if (!duration && cJSON_IsNumber(v)) {
		if (!isfinite(v->valuedouble) || v->valuedouble < 0)
			return scn_fail_found(
				c, p, v, "a number >= 0 or a range {\"min\": .., \"max\": ..}");
		bc.b.has_min = bc.b.has_max = true;
		bc.b.min = bc.b.max = v->valuedouble;
	} else if (!cJSON_IsObject(v)) {
		return scn_fail_found(
			c, p, v,
			duration ? "a range of durations like {\"min\": \"2s\", \"max\": \"8s\"}"
				 : "a number (exact), a measured figure's name (exactly its value) "
				   "or a range like {\"min\": 1, \"max\": 5}");
	} else {
		if (!scn_parse_object(c, v, p, TABLE(bound_fields), &bc, &seen))
			return false;
		if (seen == 0)
			return scn_fail(c, p,
					"expected \"min\", \"max\" or both, found an empty object");
		if (bc.b.has_min && bc.b.has_max && bc.b.min_ref < 0 && bc.b.max_ref < 0 &&
		    bc.b.min > bc.b.max)
			return scn_fail(c, p, "\"min\" must not be above \"max\"");
	}
	*out = bc.b;
	return true;
}

static struct expect_cfg *expect_append(struct ctx *c, enum expect_kind kind, const struct jpath *p)
{
	struct expect_cfg e;
	GString *g = g_string_new(NULL);

	memset(&e, 0, sizeof e);
	e.kind = kind;
	e.metric = -1;
	e.injected = -1;
	e.main = -1;
	e.bound.min_ref = e.bound.max_ref = -1;
	scn_path_render(g, p);
	e.label = g_string_free(g, FALSE);
	g_array_append_val(c->s->expects, e);
	return &g_array_index(c->s->expects, struct expect_cfg, c->s->expects->len - 1);
}

static bool h_expect_metric(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
			    const struct field *f)
{
	struct expect_bound b;

	(void)dst;
	if (!read_bound(c, v, p, false, &b))
		return false;
	expect_append(c, EXPECT_METRIC, p)->metric = (int)f->lo;
	g_array_index(c->s->expects, struct expect_cfg, c->s->expects->len - 1).bound = b;
	return true;
}

/* "one_tip": true means distinct_tips = 1; false means >= 2. */
static bool h_one_tip(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		      const struct field *f)
{
	struct expect_cfg *e;

	bool one;

	(void)dst;
	(void)f;
	if (!scn_read_bool(c, v, p, &one))
		return false;
	e = expect_append(c, EXPECT_METRIC, p);
	e->metric = EXPECT_M_DISTINCT_TIPS;
	g_free(e->label);
	e->label = g_strdup("expect.one_tip (distinct tips of the online honest nodes)");
	e->bound = (struct expect_bound){ true, one, one ? 1 : 2, 1, -1, -1 };
	return true;
}

/* "converged": true means one tip and no orphans at the online honest
 * nodes (invariants_converged); false means not so. */
static bool h_converged(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
			const struct field *f)
{
	struct expect_cfg *e;
	bool yes;

	(void)dst;
	(void)f;
	if (!scn_read_bool(c, v, p, &yes))
		return false;
	e = expect_append(c, EXPECT_CONVERGED, p);
	g_free(e->label);
	e->label =
		g_strdup("expect.converged (1: one tip and no orphans at the online honest nodes)");
	double want = yes ? 1 : 0;
	e->bound = (struct expect_bound){ true, true, want, want, -1, -1 };
	return true;
}

/* A reason string as the simulator writes them: [a-z0-9-]+. */
static bool reason_ok(const char *s)
{
	if (*s == '\0' || strlen(s) > NAME_MAX_LEN)
		return false;
	for (; *s; s++)
		if (!g_ascii_islower(*s) && !g_ascii_isdigit(*s) && *s != '-')
			return false;
	return true;
}

/* {"bad-merkle": 1, "high-hash": {"min": 1}}. F->lo: the kind. */
static bool h_expect_rejects(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
			     const struct field *f)
{
	GHashTable *seen;
	bool ok = true;

	(void)dst;
	if (!cJSON_IsObject(v))
		return scn_fail_found(c, p, v,
				      "an object of reasons and counts like {\"bad-merkle\": 1}");
	seen = g_hash_table_new(g_str_hash, g_str_equal);
	for (const cJSON *it = v->child; ok && it != NULL; it = it->next) {
		struct jpath kp = { p, it->string ? it->string : "", 0 };
		struct expect_bound b;
		if (!reason_ok(kp.key))
			ok = scn_fail(c, &kp,
				      "expected a reason like \"bad-merkle\" (lower-case letters, "
				      "digits and -)");
		else if (!g_hash_table_add(seen, (gpointer)kp.key))
			ok = scn_fail(
				c, &kp,
				"duplicate key \"%s\" (each key may appear once in an object)",
				kp.key);
		else if ((ok = read_bound(c, it, &kp, false, &b))) {
			struct expect_cfg *e = expect_append(c, (enum expect_kind)f->lo, &kp);
			e->reason = g_strdup(kp.key);
			e->bound = b;
		}
	}
	g_hash_table_unref(seen);
	return ok;
}

struct phase_spec {
	uint32_t index, millizeros;
	struct expect_bound interval, blocks;
};

static bool h_phase_interval(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
			     const struct field *f)
{
	(void)f;
	return read_bound(c, v, p, true, dst);
}

static bool h_count(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		    const struct field *f)
{
	(void)f;
	return read_bound(c, v, p, false, dst);
}

#define PHASE(k, h, m, ...)                                                                        \
	{                                                                                          \
		.key = k, .fn = h, .off = offsetof(struct phase_spec, m), __VA_ARGS__              \
	}

static const struct field phase_fields[] = {
	PHASE("index", scn_u32, index, .lo = 1),
	PHASE("difficulty", scn_difficulty, millizeros),
	PHASE("mean_interval", h_phase_interval, interval),
	PHASE("blocks", h_count, blocks),
};

static bool read_phase(struct ctx *c, const cJSON *v, const struct jpath *ep)
{
	struct phase_spec ps;
	struct jpath ip = { ep, "mean_interval", 0 }, bp = { ep, "blocks", 0 };
	uint32_t seen;
	bool by_index, by_diff;

	memset(&ps, 0, sizeof ps);
	if (!scn_parse_object(c, v, ep, TABLE(phase_fields), &ps, &seen))
		return false;
	by_index = scn_has_key(TABLE(phase_fields), seen, "index");
	by_diff = scn_has_key(TABLE(phase_fields), seen, "difficulty");
	if (by_index == by_diff)
		return scn_fail(c, ep,
				"give \"index\" (1 = the first phase) or \"difficulty\" (the first "
				"phase at "
				"that difficulty), exactly one");
	if (!scn_has_key(TABLE(phase_fields), seen, "mean_interval") &&
	    !scn_has_key(TABLE(phase_fields), seen, "blocks"))
		return scn_fail(c, ep,
				"missing \"mean_interval\" or \"blocks\" (e.g. \"mean_interval\": "
				"{\"min\": \"2s\", \"max\": \"8s\"})");
	for (int k = 0; k < 2; k++) {
		struct expect_cfg *e;
		if (!scn_has_key(TABLE(phase_fields), seen, k ? "blocks" : "mean_interval"))
			continue;
		e = expect_append(c, k ? EXPECT_PHASE_BLOCKS : EXPECT_PHASE_INTERVAL,
				  k ? &bp : &ip);
		e->phase = by_index ? ps.index : 0;
		e->millizeros = ps.millizeros;
		e->bound = k ? ps.blocks : ps.interval;
	}
	return true;
}

static bool h_expect_phases(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
			    const struct field *f)
{
	(void)dst;
	(void)f;
	return scn_read_array(
		c, v, p, "an array like [{\"index\": 1, \"mean_interval\": {\"min\": \"2s\"}}]",
		read_phase);
}

struct interval_spec {
	uint32_t last;
	struct bound_ctx bc;
};

static const struct field interval_fields[] = {
	{ .key = "last", .fn = scn_u32, .off = offsetof(struct interval_spec, last), .lo = 1 },
	{ .key = "min", .fn = h_bound_side, .off = offsetof(struct interval_spec, bc), .lo = 0 },
	{ .key = "max", .fn = h_bound_side, .off = offsetof(struct interval_spec, bc), .lo = 1 },
};

/* {"last": 20, "min": "5s", "max": "15s"}. */
static bool h_expect_interval(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
			      const struct field *f)
{
	struct interval_spec is = { 0, { { false, false, 0, 0, -1, -1 }, true } };
	struct expect_cfg *e;
	uint32_t seen;

	(void)dst;
	(void)f;
	if (!scn_parse_object(c, v, p, TABLE(interval_fields), &is, &seen) ||
	    !scn_require_key(c, p, TABLE(interval_fields), seen, "last", "20"))
		return false;
	if (!is.bc.b.has_min && !is.bc.b.has_max)
		return scn_fail(c, p, "missing \"min\" or \"max\" (e.g. \"min\": \"5s\")");
	if (is.bc.b.has_min && is.bc.b.has_max && is.bc.b.min > is.bc.b.max)
		return scn_fail(c, p, "\"min\" must not be above \"max\"");
	e = expect_append(c, EXPECT_INTERVAL, p);
	e->last = is.last;
	e->bound = is.bc.b;
	return true;
}

static bool h_flag(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		   const struct field *f)
{
	bool yes;

	(void)f;
	if (!scn_read_bool(c, v, p, &yes))
		return false;
	*(int *)dst = yes ? 1 : 0;
	return true;
}

#define SEL(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct expect_cfg, m), __VA_ARGS__ }

static const struct field block_sel_fields[] = {
	SEL("miner", scn_target, node),
	SEL("injected", h_flag, injected),
	SEL("main", h_flag, main),
	SEL("count", h_count, bound),
};

static const struct field tx_sel_fields[] = {
	SEL("sender", scn_target, node),
	SEL("injected", h_flag, injected),
	SEL("confirmed", h_flag, main),
	SEL("count", h_count, bound),
};

/* [{"miner": "selfish", "main": true, "count": {"min": 3}}, ...]. F->lo:
 * the kind (blocks or txs). */
static bool h_expect_select(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
			    const struct field *f)
{
	bool txs = (enum expect_kind)f->lo == EXPECT_TXS;
	const struct field *fields = txs ? tx_sel_fields : block_sel_fields;
	long i = 0;

	(void)dst;
	if (!cJSON_IsArray(v))
		return scn_fail_found(c, p, v,
				      txs ? "an array like [{\"injected\": true, \"confirmed\": "
					    "true, \"count\": 0}]"
					  : "an array like [{\"miner\": \"selfish\", \"main\": "
					    "true, \"count\": {\"min\": 3}}]");
	for (const cJSON *it = v->child; it != NULL; it = it->next, i++) {
		struct jpath ep = { p, NULL, i };
		struct expect_cfg *e = expect_append(c, txs ? EXPECT_TXS : EXPECT_BLOCKS, &ep);
		uint32_t seen;
		if (!scn_parse_object(c, it, &ep, fields, G_N_ELEMENTS(block_sel_fields), e,
				      &seen) ||
		    !scn_require_key(c, &ep, fields, G_N_ELEMENTS(block_sel_fields), seen, "count",
				     "{\"min\": 1}"))
			return false;
		e->node_ids = config_resolve_new(c->s, e->node);
	}
	return true;
}

static const struct field expect_fields[] = {
	{ .key = "one_tip", .fn = h_one_tip },
	{ .key = "converged", .fn = h_converged },
	{ .key = "distinct_tips", .fn = h_expect_metric, .lo = EXPECT_M_DISTINCT_TIPS },
	{ .key = "height", .fn = h_expect_metric, .lo = EXPECT_M_HEIGHT },
	{ .key = "blocks_mined", .fn = h_expect_metric, .lo = EXPECT_M_BLOCKS_MINED },
	{ .key = "blocks_injected", .fn = h_expect_metric, .lo = EXPECT_M_BLOCKS_INJECTED },
	{ .key = "stale", .fn = h_expect_metric, .lo = EXPECT_M_STALE },
	{ .key = "stale_rate", .fn = h_expect_metric, .lo = EXPECT_M_STALE_RATE },
	{ .key = "reorgs", .fn = h_expect_metric, .lo = EXPECT_M_REORGS },
	{ .key = "deepest_reorg", .fn = h_expect_metric, .lo = EXPECT_M_DEEPEST_REORG },
	{ .key = "txs_created", .fn = h_expect_metric, .lo = EXPECT_M_TXS_CREATED },
	{ .key = "txs_confirmed", .fn = h_expect_metric, .lo = EXPECT_M_TXS_CONFIRMED },
	{ .key = "confirmed_share", .fn = h_expect_metric, .lo = EXPECT_M_CONFIRMED_SHARE },
	{ .key = "injected_on_main", .fn = h_expect_metric, .lo = EXPECT_M_INJECTED_ON_MAIN },
	{ .key = "injected_confirmed", .fn = h_expect_metric, .lo = EXPECT_M_INJECTED_CONFIRMED },
	{ .key = "final_difficulty", .fn = h_expect_metric, .lo = EXPECT_M_FINAL_DIFFICULTY },
	{ .key = "rejected", .fn = h_expect_rejects, .lo = EXPECT_BLOCK_REJECTS },
	{ .key = "tx_rejected", .fn = h_expect_rejects, .lo = EXPECT_TX_REJECTS },
	{ .key = "phases", .fn = h_expect_phases },
	{ .key = "interval", .fn = h_expect_interval },
	{ .key = "blocks", .fn = h_expect_select, .lo = EXPECT_BLOCKS },
	{ .key = "txs", .fn = h_expect_select, .lo = EXPECT_TXS },
};

G_STATIC_ASSERT(EXPECT_M_COUNT == 14); /* one key above per metric */

bool scn_expect(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		const struct field *f)
{
	uint32_t seen;

	(void)f;
	(void)dst;
	return scn_parse_object(c, v, p, TABLE(expect_fields), c->s, &seen);
}
