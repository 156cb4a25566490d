/* scenario: the scenario-file reader (see scenario.h; the format is
 * documented in scenarios/README.md).
 *
 * Reading goes: bytes -> checks (empty, NUL, UTF-8) -> cJSON tree ->
 * overrides applied to the tree -> validation into struct scenario.
 * Validation is table-driven: each JSON object of the format has a table
 * of its keys, each key a handler that checks one value and stores it at
 * an offset in the struct being filled. scn_parse_object() rejects unknown
 * and duplicate keys (cJSON keeps both copies of a duplicate), so every
 * value of the tree is either visited or reported.
 *
 * The engine (paths, messages, key tables, scalar handlers) is in
 * scenario_json.c; the sections in scenario_sections.c and
 * scenario_expect.c; --set in scenario_set.c; presets in
 * scenario_preset.c. This file holds the nodes, the events, the root, the
 * entry points and describe.
 *
 * "nodes" is read before every other key, so that later handlers (edges,
 * event targets, partition sides) can resolve names as they go, with the
 * exact JSON path at hand for the message.
 */
#include "scenario_int.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "powsim/strategy.h"
#include "powsim/units.h"

G_DEFINE_QUARK(powsim-scenario-error-quark, scenario_error)

/* ------------------------------------------------------------------ */
/* Names of nodes                                                       */

static const char *const role_names[] = { "miner", "trader", "relay", NULL };

static const struct group_cfg *group_at(const struct scenario *s, guint i)
{
	return &g_array_index(s->groups, struct group_cfg, i);
}

/* "known names: miner1..miner5 (group miner), trader" for messages. */
static char *known_names(const struct scenario *s)
{
	GString *g = g_string_new("known names: ");

	for (guint i = 0; i < s->groups->len && i < 8; i++) {
		const struct group_cfg *gr = group_at(s, i);
		if (i > 0)
			g_string_append(g, ", ");
		if (gr->count == 1)
			g_string_append(g, gr->name);
		else
			g_string_append_printf(g, "%s1..%s%u (group %s)", gr->name, gr->name,
					       gr->count, gr->name);
	}
	if (s->groups->len > 8)
		g_string_append(g, ", ...");
	return g_string_free(g, FALSE);
}

/* Resolve V (a string naming a node or a group) into IDS (cleared). */
bool scn_resolve(struct ctx *c, const cJSON *v, const struct jpath *p, GArray *ids)
{
	char *known;

	g_array_set_size(ids, 0);
	if (!cJSON_IsString(v))
		return scn_fail_found(c, p, v, "a node or group name");
	if (config_resolve(c->s, v->valuestring, ids))
		return true;
	known = known_names(c->s);
	scn_fail(c, p, "unknown node or group \"%s\"; %s", v->valuestring, known);
	g_free(known);
	return false;
}

/* Resolve V, require that every node named has role ROLE, store the
 * name in *DST. */
static bool target_with_role(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
			     int role)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	bool ok = scn_resolve(c, v, p, ids);

	for (guint i = 0; ok && role >= 0 && i < ids->len; i++) {
		uint32_t gi = config_node_group(c->s, g_array_index(ids, guint32, i));
		if ((int)group_at(c->s, gi)->role != role)
			ok = scn_fail(c, p,
				      "\"%s\" includes nodes of group \"%s\", which are not %ss",
				      v->valuestring, group_at(c->s, gi)->name, role_names[role]);
	}
	g_array_unref(ids);
	if (ok) {
		g_free(*(char **)dst);
		*(char **)dst = g_strdup(v->valuestring);
	}
	return ok;
}

bool scn_target(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		const struct field *f)
{
	return target_with_role(c, v, p, dst, (int)f->lo - 1);
}

/* The value of the decimal digits D if it is 1..MAX without a leading
 * zero, else 0. */
static uint32_t index_value(const char *d, uint32_t max)
{
	uint64_t v = 0;

	if (*d < '1' || *d > '9')
		return 0;
	for (; *d; d++) {
		if (!g_ascii_isdigit(*d))
			return 0;
		v = v * 10 + (uint64_t)(*d - '0');
		if (v > max)
			return 0;
	}
	return (uint32_t)v;
}

/* Names must be unambiguous: group names are distinct, and no group name
 * is also a node name of another group ("miner2" next to a group "miner"
 * of 3). That second rule also rules out two groups sharing a node name:
 * if "a" x 20 and "a1" x 5 both had "a11", "a1" would be a node of "a". */
static bool check_names(struct ctx *c, const struct jpath *nodes_path)
{
	GHashTable *by_name = g_hash_table_new(g_str_hash, g_str_equal);
	bool ok = true;

	for (guint i = 0; ok && i < c->s->groups->len; i++) {
		const char *name = group_at(c->s, i)->name;
		struct jpath ep = { nodes_path, NULL, (long)i }, np = { &ep, "name", 0 };
		gpointer prev;

		if (g_hash_table_lookup_extended(by_name, name, NULL, &prev))
			ok = scn_fail(c, &np, "group name \"%s\" is already used by nodes[%u]",
				      name, GPOINTER_TO_UINT(prev));
		else
			g_hash_table_insert(by_name, (gpointer)name, GUINT_TO_POINTER(i));
	}
	for (guint i = 0; ok && i < c->s->groups->len; i++) {
		const char *name = group_at(c->s, i)->name;
		size_t len = strlen(name), t = len;
		struct jpath ep = { nodes_path, NULL, (long)i }, np = { &ep, "name", 0 };

		while (t > 0 && g_ascii_isdigit(name[t - 1]))
			t--;
		for (size_t k = t > 0 ? t : 1; ok && k < len; k++) {
			char *prefix = g_strndup(name, k);
			gpointer gi;
			if (g_hash_table_lookup_extended(by_name, prefix, NULL, &gi)) {
				const struct group_cfg *o = group_at(c->s, GPOINTER_TO_UINT(gi));
				if (o->count > 1 && index_value(name + k, o->count) > 0)
					ok = scn_fail(c, &np,
						      "group name \"%s\" is also the name of node "
						      "%s of group \"%s\" "
						      "(nodes[%u]); rename one of the groups",
						      name, name + k, o->name,
						      GPOINTER_TO_UINT(gi));
			}
			g_free(prefix);
		}
	}
	g_hash_table_unref(by_name);
	return ok;
}

/* ------------------------------------------------------------------ */
/* Nodes                                                                */

static const struct field trade_fields[] = {
	{ .key = "interval", .fn = scn_interval, .off = 0 },
	{ .key = "amount", .fn = scn_amount, .off = 0 },
	TRADE("fee", scn_u64, fee),
	TRADE("to", scn_string, to),
	TRADE("start", scn_duration, start),
};

/* "strategy": "honest" (kept as NULL) or a registered strategy. */
static bool h_strategy(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		       const struct field *f)
{
	(void)f;
	if (cJSON_IsString(v) && strcmp(v->valuestring, "honest") == 0)
		return true;
	if (cJSON_IsString(v) && strategy_find(v->valuestring)) {
		g_free(*(char **)dst);
		*(char **)dst = g_strdup(v->valuestring);
		return true;
	}
	GString *g = g_string_new("one of \"honest\"");
	for (unsigned i = 0; strategy_at(i); i++)
		g_string_append_printf(g, ", \"%s\"", strategy_at(i)->name);
	scn_fail_found(c, p, v, g->str);
	g_string_free(g, TRUE);
	return false;
}

static const char *const stubborn_variants[] = {
	"lead", "equal-fork", "trail", "lead+equal-fork", "lead+trail", "equal-fork+trail",
	"lead+equal-fork+trail", NULL,
};

#define STRAT(k, h, m, ...)                                                                        \
	{                                                                                          \
		.key = k, .fn = h, .off = offsetof(struct strategy_cfg, m), __VA_ARGS__            \
	}

static const struct field stubborn_fields[] = {
	STRAT("variant", scn_kind, variant, .names = stubborn_variants),
	STRAT("trail", scn_u32, trail, .lo = 1, .hi = 1000),
};

static bool h_stubborn(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		       const struct field *f)
{
	uint32_t seen;
	struct strategy_cfg *s = dst;

	(void)f;
	if (!scn_parse_object(c, v, p, TABLE(stubborn_fields), dst, &seen) ||
	    !scn_require_key(c, p, TABLE(stubborn_fields), seen, "variant", "\"lead\""))
		return false;
	struct jpath tp = { p, "trail", 0 };
	if (scn_has_key(TABLE(stubborn_fields), seen, "trail") && !strstr(s->variant, "trail"))
		return scn_fail(c, &tp,
				"only the \"trail\" variant has a trail depth; this one is \"%s\"",
				s->variant);
	return true;
}

static const struct field double_spend_fields[] = {
	STRAT("merchant", scn_string, merchant),
	STRAT("confirmations", scn_u32, confirmations, .lo = 1, .hi = 1000),
	STRAT("give_up", scn_u32, give_up, .lo = 1, .hi = 10000),
	STRAT("premine", scn_u32, premine, .lo = 0, .hi = 100),
	STRAT("amount", scn_u64, amount, .lo = 1),
};

#define GROUP(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct group_cfg, m), __VA_ARGS__ }

static const struct field group_fields[] = {
	GROUP("name", scn_name, name),
	GROUP("count", scn_u32, count, .lo = 1, .hi = SCENARIO_MAX_NODES),
	GROUP("role", scn_enum, role, .names = role_names),
	GROUP("hashrate", scn_hashrate, hashrate),
	GROUP("balance", scn_u64, balance),
	{ .key = "trade",
	  .off = offsetof(struct group_cfg, trade),
	  SUB_OBJECT(trade_fields, "interval", "\"4.5s\"", NULL) },
	GROUP("shares", scn_numbers, shares), /* one per node of the group */
	GROUP("strategy", h_strategy, strategy.name),
	GROUP("stubborn", h_stubborn, strategy),
	{ .key = "double_spend",
	  .off = offsetof(struct group_cfg, strategy),
	  SUB_OBJECT(double_spend_fields, "merchant", "\"shop\"", NULL) },
	GROUP("compact_fail", scn_fraction, compact_fail),
	GROUP("upload", scn_node_bw, upload),
	GROUP("download", scn_node_bw, download),
};

/* A group's strategy and its parameter object agree. */
static bool check_strategy(struct ctx *c, const struct group_cfg *g, const struct jpath *ep,
			   uint32_t seen)
{
	static const char *const keyed[][2] = { { "stubborn", "stubborn" },
						{ "double-spend", "double_spend" } };
	struct jpath sp = { ep, "strategy", 0 };
	const char *name = g->strategy.name ? g->strategy.name : "honest";

	if (g->strategy.name && g->role != ROLE_MINER)
		return scn_fail(c, &sp, "only miners have a strategy; this group is a %s",
				role_names[g->role]);
	for (size_t i = 0; i < G_N_ELEMENTS(keyed); i++) {
		struct jpath kp = { ep, keyed[i][1], 0 };
		bool mine = strcmp(name, keyed[i][0]) == 0,
		     given = scn_has_key(TABLE(group_fields), seen, keyed[i][1]);
		if (given && !mine)
			return scn_fail(c, &kp,
					"\"%s\" is for \"strategy\": \"%s\"; this group's strategy "
					"is \"%s\"",
					keyed[i][1], keyed[i][0], name);
		if (mine && !given)
			return scn_fail(
				c, ep,
				"missing \"%s\": strategy \"%s\" needs its parameters (e.g. %s)",
				keyed[i][1], keyed[i][0],
				i == 0 ? "\"stubborn\": {\"variant\": \"lead\"}"
				       : "\"double_spend\": {\"merchant\": \"shop\", "
					 "\"confirmations\": 6}");
	}
	return true;
}

/* Each double-spender's merchant is one node outside its group. Run
 * after all groups are read. */
static bool check_merchants(struct ctx *c, const struct jpath *nodes_path)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	bool ok = true;

	for (guint i = 0; ok && i < c->s->groups->len; i++) {
		const struct group_cfg *g = group_at(c->s, i);
		struct jpath ep = { nodes_path, NULL, (long)i }, dp = { &ep, "double_spend", 0 },
			     mp = { &dp, "merchant", 0 };
		cJSON *name;

		if (g->strategy.merchant == NULL)
			continue;
		name = cJSON_CreateString(g->strategy.merchant);
		ok = name != NULL && scn_resolve(c, name, &mp, ids);
		cJSON_Delete(name);
		if (ok && ids->len != 1)
			ok = scn_fail(c, &mp, "\"%s\" names %u nodes; the merchant is one node",
				      g->strategy.merchant, ids->len);
		else if (ok && config_node_group(c->s, g_array_index(ids, guint32, 0)) == i)
			ok = scn_fail(c, &mp, "the merchant \"%s\" is in the attacker's own group",
				      g->strategy.merchant);
	}
	g_array_unref(ids);
	return ok;
}

/* The role-dependent rules of one group. */
static bool check_group(struct ctx *c, const struct group_cfg *g, const struct jpath *ep,
			uint32_t seen)
{
	struct jpath hp = { ep, "hashrate", 0 }, tp = { ep, "trade", 0 };

	if (!scn_require_key(c, ep, TABLE(group_fields), seen, "name", "\"miner\""))
		return false;
	if (g->role == ROLE_MINER && !scn_has_key(TABLE(group_fields), seen, "hashrate"))
		return scn_fail(
			c, ep,
			"missing \"hashrate\": a miner needs one (e.g. \"hashrate\": \"60kH/s\")");
	if (g->role != ROLE_MINER && scn_has_key(TABLE(group_fields), seen, "hashrate"))
		return scn_fail(c, &hp, "only miners have a hash rate; this group is a %s",
				role_names[g->role]);
	if (g->role == ROLE_TRADER && !scn_has_key(TABLE(group_fields), seen, "trade"))
		return scn_fail(c, ep,
				"missing \"trade\": a trader needs one (e.g. \"trade\": "
				"{\"interval\": \"4.5s\", "
				"\"amount\": [1, 21]})");
	if (g->role != ROLE_TRADER && scn_has_key(TABLE(group_fields), seen, "trade"))
		return scn_fail(c, &tp, "only traders trade; this group is a %s",
				role_names[g->role]);
	struct jpath sp = { ep, "shares", 0 };
	if (g->shares && g->role != ROLE_MINER)
		return scn_fail(c, &sp, "only miners have hash-rate shares; this group is a %s",
				role_names[g->role]);
	if (g->shares && g->shares->len != g->count)
		return scn_fail(c, &sp, "one share per node: %u shares for a count of %u",
				g->shares->len, g->count);
	return check_strategy(c, g, ep, seen);
}

/* Each trader's "to" names nodes other than itself. Run after all groups
 * are read. */
static bool check_trade_targets(struct ctx *c, const struct jpath *nodes_path)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	bool ok = true;

	for (guint i = 0; ok && i < c->s->groups->len; i++) {
		const struct group_cfg *g = group_at(c->s, i);
		struct jpath ep = { nodes_path, NULL, (long)i }, tp = { &ep, "trade", 0 },
			     top = { &tp, "to", 0 };
		cJSON *name;

		if (g->role != ROLE_TRADER || g->trade.to == NULL)
			continue;
		name = cJSON_CreateString(g->trade.to);
		ok = name != NULL && scn_resolve(c, name, &top, ids);
		cJSON_Delete(name);
		if (ok && ids->len == 1 && g->count == 1 &&
		    config_node_group(c->s, g_array_index(ids, guint32, 0)) == i)
			ok = scn_fail(c, &top, "a trader cannot pay only itself");
		if (ok) {
			struct group_cfg *gm = &g_array_index(c->s->groups, struct group_cfg, i);
			gm->trade.to_ids = g_array_copy(ids);
		}
	}
	g_array_unref(ids);
	return ok;
}

static bool read_group(struct ctx *c, const cJSON *v, const struct jpath *ep, uint64_t *total)
{
	struct group_cfg g;
	struct jpath cp = { ep, "count", 0 };
	uint32_t seen;
	bool ok;

	memset(&g, 0, sizeof g);
	g.count = 1;
	g.role = ROLE_MINER;
	g.trade.law = INTERVAL_FIXED;
	g.trade.amount_min = g.trade.amount_max = 1;
	g.strategy.confirmations = 6;
	g.strategy.give_up = 10;
	g.strategy.amount = 1;
	g.compact_fail = -1;
	ok = scn_parse_object(c, v, ep, TABLE(group_fields), &g, &seen);
	g_array_append_val(c->s->groups, g); /* the array owns its strings now */
	if (!ok || !check_group(c, &g, ep, seen))
		return false;
	*total += g.count;
	if (*total > SCENARIO_MAX_NODES)
		return scn_fail(c, &cp,
				"the scenario would have %" G_GUINT64_FORMAT
				" nodes; at most %u are allowed",
				*total, SCENARIO_MAX_NODES);
	return true;
}

static bool h_nodes(struct ctx *c, const cJSON *v, const struct jpath *p)
{
	uint64_t total = 0;
	long i = 0;
	bool miner = false;

	if (!cJSON_IsArray(v) || v->child == NULL)
		return scn_fail_found(
			c, p, v,
			"a non-empty array of node groups [{\"name\": \"miner\", ...}, ...]");
	for (const cJSON *it = v->child; it != NULL; it = it->next, i++) {
		struct jpath ep = { p, NULL, i };
		if (!read_group(c, it, &ep, &total))
			return false;
		miner |= group_at(c->s, (guint)i)->role == ROLE_MINER;
	}
	if (!miner)
		return scn_fail(
			c, p, "no group has \"role\": \"miner\"; nothing would ever mine a block");
	return check_names(c, p) && check_trade_targets(c, p) && check_merchants(c, p);
}

/* ------------------------------------------------------------------ */
/* Events                                                               */


/* What an invalid-txs or inject-block action gets wrong (world.c). */
static const char *const invalid_tx_kinds[] = { "bad-signature", "overspend", "replay", NULL };

static const char *const inject_block_kinds[] = {
	"bad-pow", "bad-prev", "bad-height", "bad-merkle", "bad-coinbase", "overspend",
	"double-spend", "bad-signature", "future-time", "withheld-parent", NULL,
};

/* "sides": [["miner1", "miner2"], ["miner3"]]; nodes named on no side
 * form one more side. A node may be on one side only. */
static bool read_side(struct ctx *c, const cJSON *side, const struct jpath *sp, uint32_t *mark,
                      GPtrArray *names)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	long k = 0;
	bool ok = true;

	if (!cJSON_IsArray(side) || side->child == NULL)
		ok = scn_fail_found(c, sp, side, "a non-empty array of node or group names");
	for (const cJSON *it = ok ? side->child : NULL; ok && it != NULL; it = it->next, k++) {
		struct jpath np = { sp, NULL, k };
		ok = scn_resolve(c, it, &np, ids);
		for (guint j = 0; ok && j < ids->len; j++) {
			uint32_t id = g_array_index(ids, guint32, j);
			char buf[64];
			if (mark[id] != 0) {
				config_node_name(c->s, id, buf, sizeof buf);
				ok = scn_fail(c, &np,
					      "node \"%s\" is already on side %u; a node can be on "
					      "one side only",
					      buf, mark[id] - 1);
			}
			mark[id] = (uint32_t)sp->index + 1;
		}
		if (ok)
			g_ptr_array_add(names, g_strdup(it->valuestring));
	}
	g_array_unref(ids);
	return ok;
}

static bool h_sides(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		    const struct field *f)
{
	uint32_t n = config_node_count(c->s), nsides = 0, unnamed = 0;
	uint32_t *mark;
	GPtrArray **sides = dst;
	bool ok = true;

	(void)f;
	if (!cJSON_IsArray(v) || v->child == NULL)
		return scn_fail_found(c, p, v,
				      "an array of sides [[\"miner1\", \"miner2\"], [\"miner3\"]]");
	mark = g_new0(uint32_t, n);
	if (*sides != NULL)
		g_ptr_array_unref(*sides);
	*sides = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	for (const cJSON *it = v->child; ok && it != NULL; it = it->next, nsides++) {
		struct jpath sp = { p, NULL, (long)nsides };
		GPtrArray *names = g_ptr_array_new();
		ok = read_side(c, it, &sp, mark, names);
		g_ptr_array_add(names, NULL);
		g_ptr_array_add(*sides, g_ptr_array_free(names, FALSE));
	}
	for (uint32_t i = 0; i < n; i++)
		unnamed += mark[i] == 0;
	g_free(mark);
	if (ok && nsides + (unnamed > 0) < 2)
		return scn_fail(c, p,
				"a partition needs at least two sides (nodes named on no side form "
				"one more side)");
	return ok;
}

/* A target's required role, for scn_target (f->lo: role + 1, 0 any). */
#define MINERS (ROLE_MINER + 1)
#define TRADERS (ROLE_TRADER + 1)
#define EV(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct event_cfg, m), __VA_ARGS__ }

#define EV_COMMON                                                                                  \
	EV("at", scn_duration, at), EV("at_height", scn_u32, at_height),                           \
	{                                                                                          \
		.key = "action"                                                                    \
	}

static const struct field ev_difficulty[] = { EV_COMMON, EV("value", scn_difficulty, millizeros) };

static const struct field ev_hashrate[] = {
	EV_COMMON,
	EV("target", scn_target, target, .lo = MINERS),
	EV("value", scn_hashrate, hashrate),
};

static const struct field ev_burst[] = {
	EV_COMMON,
	EV("target", scn_target, target, .lo = TRADERS),
	EV("count", scn_u32, count, .lo = 1, .hi = 1000000),
};

static const struct field ev_churn[] = { EV_COMMON, EV("target", scn_target, target) };

static const struct field ev_partition[] = { EV_COMMON, EV("sides", h_sides, sides) };

static const struct field ev_heal[] = { EV_COMMON };

static const struct field ev_latency[] = {
	EV_COMMON,
	EV("latency", scn_latency, latency),
	EV("target", scn_target, target),
	EV("to", scn_target, link_to),
};

static const struct field ev_invalid_txs[] = {
	EV_COMMON,
	EV("target", scn_target, target),
	EV("count", scn_u32, count, .lo = 1, .hi = 1000000),
	EV("kind", scn_kind, kind, .names = invalid_tx_kinds),
};

static const struct field ev_inject_block[] = {
	EV_COMMON,
	EV("target", scn_target, target, .lo = MINERS),
	EV("kind", scn_kind, kind, .names = inject_block_kinds),
	EV("delay", scn_duration, duration),
};

static const struct field ev_withhold[] = {
	EV_COMMON,
	EV("target", scn_target, target, .lo = MINERS),
	EV("duration", scn_duration, duration),
};

static const struct field ev_release[] = { EV_COMMON,
					   EV("target", scn_target, target, .lo = MINERS) };

/* A name that designates exactly one node (live mode's actions act for
 * one node, as a request to one node's port does). */
static bool h_one_node(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		       const struct field *f)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	bool ok = scn_resolve(c, v, p, ids);

	(void)f;
	if (ok && ids->len != 1)
		ok = scn_fail(c, p, "\"%s\" names %u nodes; this action needs one node",
			      v->valuestring, ids->len);
	g_array_unref(ids);
	if (ok) {
		g_free(*(char **)dst);
		*(char **)dst = g_strdup(v->valuestring);
	}
	return ok;
}

static const struct field ev_transfer[] = {
	EV_COMMON, EV("target", h_one_node, target), EV("from", h_one_node, from),
	EV("to", h_one_node, link_to), EV("amount", scn_u64, amount, .lo = 1),
};

static const struct field ev_mine[] = { EV_COMMON, EV("target", h_one_node, target) };

static const struct field ev_submit[] = {
	EV_COMMON, EV("target", h_one_node, target), EV("nonce", scn_u64, nonce),
};

static const struct field ev_link[] = {
	EV_COMMON, EV("target", h_one_node, target), EV("to", h_one_node, link_to),
};

/* Per action: its table and its required keys with an example each. */
static const struct action_spec {
	const struct field *fields;
	size_t n;
	const char *required[4][2];
} actions[] = {

	[TL_DIFFICULTY] = { TABLE(ev_difficulty), { { "value", "6" } } },
	[TL_HASHRATE] = { TABLE(ev_hashrate), { { "value", "\"10kH/s\"" } } },
	[TL_BURST] = { TABLE(ev_burst), { { "count", "40" } } },
	[TL_LEAVE] = { TABLE(ev_churn), { { "target", "\"miner2\"" } } },
	[TL_JOIN] = { TABLE(ev_churn), { { "target", "\"miner2\"" } } },
	[TL_PARTITION] = { TABLE(ev_partition), { { "sides", "[[\"miner1\"], [\"miner2\"]]" } } },
	[TL_HEAL] = { TABLE(ev_heal), { { NULL } } },
	[TL_LATENCY] = { TABLE(ev_latency), { { "latency", "\"200ms\"" } } },
	[TL_INVALID_TXS] = { TABLE(ev_invalid_txs),
			     { { "target", "\"trader\"" }, { "kind", "\"bad-signature\"" } } },
	[TL_INJECT_BLOCK] = { TABLE(ev_inject_block),
			      { { "target", "\"miner1\"" }, { "kind", "\"bad-pow\"" } } },
	[TL_WITHHOLD] = { TABLE(ev_withhold), { { "target", "\"miner1\"" } } },
	[TL_RELEASE] = { TABLE(ev_release), { { "target", "\"miner1\"" } } },
	[TL_TRANSFER] = { TABLE(ev_transfer), { { "target", "\"Node1\"" }, { "from", "\"Node6\"" },
					       { "to", "\"Node1\"" }, { "amount", "5" } } },
	[TL_MINE] = { TABLE(ev_mine), { { "target", "\"Node6\"" } } },
	[TL_SUBMIT] = { TABLE(ev_submit), { { "target", "\"Node1\"" }, { "nonce", "702059" } } },
	[TL_RESOLVE] = { TABLE(ev_mine), { { "target", "\"Node1\"" } } },
	[TL_LINK] = { TABLE(ev_link), { { "target", "\"Node1\"" }, { "to", "\"Node4\"" } } },
	[TL_STOP] = { TABLE(ev_heal), { { NULL } } },
};

static bool check_event(struct ctx *c, const struct action_spec *a, const struct event_cfg *e,
                        const struct jpath *ep, uint32_t seen)
{
	bool at = scn_has_key(a->fields, a->n, seen, "at"),
	     ah = scn_has_key(a->fields, a->n, seen, "at_height");

	if (at && ah)
		return scn_fail(c, ep,
				"give \"at\" (a time) or \"at_height\" (a height), not both");
	if (!at && !ah)
		return scn_fail(c, ep,
				"missing \"at\" (a time, e.g. \"2m13s\") or \"at_height\" (a "
				"height, e.g. 130)");
	for (size_t i = 0; i < G_N_ELEMENTS(a->required) && a->required[i][0] != NULL; i++)
		if (!scn_require_key(c, ep, a->fields, a->n, seen, a->required[i][0],
				     a->required[i][1]))
			return false;
	if (e->action == TL_DIFFICULTY && ah && e->at_height == 0) {
		struct jpath hp = { ep, "at_height", 0 };
		return scn_fail(
			c, &hp,
			"expected a height of at least 1 (a difficulty change binds the block at "
			"that height, and height 0 is the genesis), found 0");
	}
	if (e->action == TL_LATENCY && e->link_to != NULL && e->target == NULL)
		return scn_fail(c, ep,
				"\"to\" needs \"target\" (the link from \"target\" to \"to\")");
	return true;
}

static bool read_event(struct ctx *c, const cJSON *v, const struct jpath *ep)
{
	struct jpath ap = { ep, "action", 0 };
	const cJSON *av;
	struct event_cfg e;
	uint32_t seen;
	int action;
	bool ok;

	if (!cJSON_IsObject(v))
		return scn_fail_found(c, ep, v,
				      "an event object {\"at\": \"2m13s\", \"action\": ...}");
	av = cJSON_GetObjectItemCaseSensitive(v, "action");
	if (av == NULL) {
		GString *g = g_string_new(NULL);
		scn_append_names(g, config_action_names);
		scn_fail(c, ep, "missing \"action\" (one of %s)", g->str);
		g_string_free(g, TRUE);
		return false;
	}
	action = scn_read_enum(c, av, &ap, config_action_names);
	if (action < 0)
		return false;
	memset(&e, 0, sizeof e);
	e.action = (enum tl_action)action;
	ok = scn_parse_object(c, v, ep, actions[action].fields, actions[action].n, &e, &seen);
	e.by_height = scn_has_key(actions[action].fields, actions[action].n, seen, "at_height");
	g_array_append_val(c->s->events, e); /* the array owns its strings now */
	if (!ok || !check_event(c, &actions[action], &e, ep, seen))
		return false;
	config_event_resolve(c->s, &g_array_index(c->s->events, struct event_cfg,
						  c->s->events->len - 1));
	if (e.action == TL_DIFFICULTY) {
		struct difficulty_change d = { .by_height = e.by_height, .height = e.at_height,
					       .at = e.at, .millizeros = e.millizeros };
		g_array_append_val(c->s->consensus.schedule, d);
	}
	return true;
}

static bool h_events(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		     const struct field *f)
{
	(void)dst;
	(void)f;
	return scn_read_array(c, v, p,
			      "an array of events [{\"at\": \"2m13s\", \"action\": ...}, ...]",
			      read_event);
}

/* ------------------------------------------------------------------ */
/* The top level                                                        */

#define TOP(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct scenario, m), __VA_ARGS__ }

static const struct field root_fields[] = {
	TOP("name", scn_name, name),
	{ .key = "description", .fn = scn_comment },
	TOP("seed", scn_u64, seed),
	TOP("stop", scn_stop, stop),
	TOP("consensus", scn_consensus, consensus),
	TOP("network", scn_network, network),
	TOP("mempool", scn_mempool, mempool),
	{ .key = "nodes" }, /* read first, by parse_root */
	TOP("events", h_events, events),
	TOP("output", scn_output, sample),
	TOP("expect", scn_expect, expects),
};

/* The default name, used for the output directory: the file's basename
 * without ".json", letters and digits of any script kept (UTF-8), and
 * any other character but _ - . replaced by '_', at most NAME_MAX_LEN
 * characters. A name that had to be changed gets "-" and 8 hex digits of
 * the basename's SHA-256 appended, so that distinct file names ("a b"
 * and "a_b") never share a directory. */
static char *default_name(const char *file)
{
	char *base = g_path_get_basename(file);
	size_t n = strlen(base);
	char *valid;
	GString *g = g_string_new(NULL);
	bool changed = false;
	unsigned chars = 0;

	if (n > 5 && g_str_has_suffix(base, ".json"))
		base[n - 5] = '\0';
	valid = g_utf8_make_valid(base, -1);
	changed = strcmp(valid, base) != 0;
	for (const char *q = valid; *q; q = g_utf8_next_char(q)) {
		gunichar u = g_utf8_get_char(q);
		bool keep = g_unichar_isalnum(u) || u == '_' || u == '-' || u == '.';
		if (chars == 0 && (u == '.' || u == '-'))
			keep = false;
		if (chars == NAME_MAX_LEN) {
			changed = true;
			break;
		}
		if (keep)
			g_string_append_unichar(g, u);
		else
			g_string_append_c(g, '_');
		changed |= !keep;
		chars++;
	}
	if (g->len == 0) {
		g_string_append_c(g, '_');
		changed = true;
	}
	if (changed) {
		char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, base, -1);
		g_string_append_printf(g, "-%.8s", sum);
		g_free(sum);
	}
	g_free(valid);
	g_free(base);
	return g_string_free(g, FALSE);
}

/* A group's {"law": "histogram"} needs the network's histograms (read
 * after the groups, so checked once both are). */
static bool check_histogram_laws(struct ctx *c, const struct jpath *nodes_path)
{
	for (guint i = 0; c->s->network.hist_n == 0 && i < c->s->groups->len; i++) {
		const struct group_cfg *g = group_at(c->s, i);
		struct jpath ep = { nodes_path, NULL, (long)i },
			     bp = { &ep, g->upload.kind == BW_HISTOGRAM ? "upload" : "download", 0 };
		if (g->upload.kind == BW_HISTOGRAM || g->download.kind == BW_HISTOGRAM)
			return scn_fail(c, &bp,
					"{\"law\": \"histogram\"} needs network.bandwidth_histograms "
					"(and regions); the network has none");
	}
	return true;
}

static bool parse_root(struct ctx *c, const cJSON *root)
{
	struct jpath np = { NULL, "nodes", 0 };
	const cJSON *nodes = cJSON_GetObjectItemCaseSensitive(root, "nodes");
	uint32_t seen;

	if (nodes == NULL)
		return scn_fail(
			c, NULL,
			"missing \"nodes\" (e.g. \"nodes\": [{\"name\": \"miner\", \"count\": 3, "
			"\"hashrate\": \"60kH/s\"}])");
	if (!h_nodes(c, nodes, &np))
		return false;
	if (!scn_parse_object(c, root, NULL, TABLE(root_fields), c->s, &seen))
		return false;
	if (!scn_require_key(c, NULL, TABLE(root_fields), seen, "stop", "{\"time\": \"10min\"}"))
		return false;
	if (!check_histogram_laws(c, &np))
		return false;
	if (c->s->name == NULL)
		c->s->name = default_name(c->file);
	return true;
}

static bool load_text(const char *text, size_t len, const char *name, char **overrides,
		      struct scenario *out, GError **err)
{
	struct ctx c = { name, NULL, out, err };
	const char *end = NULL;
	cJSON *root = NULL;
	bool ok;

	out->file = g_strdup(name);
	c.overrides = g_ptr_array_new_with_free_func(scn_override_free);
	ok = scn_check_text(&c, text, len);
	if (ok && len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3; /* a UTF-8 byte-order mark */
		len -= 3;
	}
	if (ok) {
		char *marked = scn_mark_nul(text, len, &c.nul_marked);
		root = cJSON_ParseWithOpts(marked, &end, 1);
		if (end != NULL)
			end = text + (end - marked);
		g_free(marked);
		ok = root != NULL || scn_fail_json(&c, text, len, end);
	}
	if (ok && !cJSON_IsObject(root))
		ok = scn_fail_found(&c, NULL, root, "a JSON object { ... } at the top level");
	for (size_t i = 0; ok && overrides != NULL && overrides[i] != NULL; i++)
		ok = scn_apply_override(&c, root, overrides[i]);
	if (ok)
		ok = scn_expand_presets(&c, root, NULL, 0);
	if (ok && c.nul_marked)
		ok = scn_find_nul(&c, root, NULL);
	if (ok) {
		char *flat = cJSON_PrintUnformatted(root);
		ok = flat != NULL || scn_fail(&c, NULL, "out of memory");
		out->digest =
			flat ? g_compute_checksum_for_string(G_CHECKSUM_SHA256, flat, -1) : NULL;
		cJSON_free(flat);
	}
	if (ok)
		ok = parse_root(&c, root);
	cJSON_Delete(root);
	g_ptr_array_unref(c.overrides);
	return ok;
}

bool scenario_load_string(const char *text, const char *name_for_messages, char **overrides,
                          struct scenario *out, GError **err)
{
	const char *name = name_for_messages ? name_for_messages : "(string)";

	config_init(out);
	if (text == NULL) {
		g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_INPUT, "%s: no scenario text",
			    name);
		config_clear(out);
		return false;
	}
	if (!load_text(text, strlen(text), name, overrides, out, err)) {
		config_clear(out);
		return false;
	}
	return true;
}

bool scenario_load(const char *path, char **overrides, struct scenario *out, GError **err)
{
	GStatBuf st;
	GError *e = NULL;
	char *text = NULL;
	gsize len = 0;
	bool ok;

	config_init(out);
	if (path == NULL || *path == '\0') {
		g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_INPUT, "no scenario file given");
		config_clear(out);
		return false;
	}
	if (g_stat(path, &st) != 0) {
		int errsv = errno;
		g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_INPUT, "%s: cannot read: %s", path,
			    g_strerror(errsv));
		config_clear(out);
		return false;
	}
	if (S_ISDIR(st.st_mode) || !S_ISREG(st.st_mode) ||
	    (guint64)st.st_size > SCENARIO_MAX_FILE_BYTES) {
		g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_INPUT, "%s: %s", path,
		            S_ISDIR(st.st_mode) ? "is a directory, not a scenario file"
		            : !S_ISREG(st.st_mode) ? "is not a regular file"
		            : "is too large for a scenario file (over 64 MiB)");
		config_clear(out);
		return false;
	}
	if (!g_file_get_contents(path, &text, &len, &e)) {
		g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_INPUT, "%s: cannot read: %s", path,
			    e->message);
		g_error_free(e);
		config_clear(out);
		return false;
	}
	ok = load_text(text, len, path, overrides, out, err);
	g_free(text);
	if (!ok)
		config_clear(out);
	return ok;
}

/* ------------------------------------------------------------------ */
/* Summary                                                              */

static void describe_latency(GString *g, const struct latency_cfg *l)
{
	char a[32], b[32];

	units_format_duration(l->value, a, sizeof a);
	units_format_duration(l->max, b, sizeof b);
	switch (l->law) {
	case LAT_CONSTANT: g_string_append_printf(g, "%s", a); break;
	case LAT_UNIFORM: g_string_append_printf(g, "uniform %s..%s", a, b); break;
	case LAT_LOGNORMAL:
		g_string_append_printf(g, "lognormal, median %s, sigma %g", a, l->shape);
		break;
	case LAT_PARETO: g_string_append_printf(g, "Pareto, mean %s, shape %g", a, l->shape); break;
	}
}

static void describe_groups(GString *g, const struct scenario *s, double *miner_hps)
{
	static const char *const plural[] = { "miners", "traders", "relays" };
	char rate[32];

	*miner_hps = 0;
	for (guint i = 0; i < s->groups->len; i++) {
		const struct group_cfg *gr = group_at(s, i);
		g_string_append(g, i ? ", " : "");
		if (gr->count > 1)
			g_string_append_printf(g, "%s1..%s%u (%u %s", gr->name, gr->name, gr->count,
					       gr->count, plural[gr->role]);
		else
			g_string_append_printf(g, "%s (%s", gr->name, role_names[gr->role]);
		if (gr->role == ROLE_MINER) {
			units_format_hashrate(gr->hashrate, rate, sizeof rate);
			if (gr->shares) {
				g_string_append_printf(g, ", %s in all, shared by %u shares", rate,
						       gr->shares->len);
				*miner_hps += gr->hashrate;
			} else {
				g_string_append_printf(g, ", %s%s", rate,
						       gr->count > 1 ? " each" : "");
				*miner_hps += gr->hashrate * gr->count;
			}
		}
		g_string_append_c(g, ')');
	}
}

static void describe_stop(GString *g, const struct stop_cfg *st)
{
	char t[32];
	int n = 0;

	g_string_append(g, "stops at ");
	if (st->time > 0) {
		units_format_duration(st->time, t, sizeof t);
		g_string_append_printf(g, "%s of simulated time", t);
		n++;
	}
	if (st->height > 0)
		g_string_append_printf(g, "%sheight %u", n++ ? " or " : "", st->height);
	if (st->blocks > 0)
		g_string_append_printf(g, "%s%u blocks mined", n++ ? " or " : "", st->blocks);
	if (n > 1)
		g_string_append(g, ", whichever comes first");
}

char *scenario_describe(const struct scenario *s)
{
	static const char *const topo[] = { "full mesh", "random graph", "explicit edges" };
	GString *g = g_string_new(NULL);
	double hps, z = s->consensus.millizeros / 1000.0;
	char zs[G_ASCII_DTOSTR_BUF_SIZE], iv[32];

	g_string_append_printf(g, "%s: %u nodes: ", s->name, config_node_count(s));
	describe_groups(g, s, &hps);
	g_string_append_printf(g, ". Mining mode %s, difficulty %s leading hex zeros",
			       config_mode_names[s->consensus.mode],
			       g_ascii_formatd(zs, sizeof zs, "%g", z));
	if (hps > 0) {
		units_format_duration(simtime_from_s(pow(16, z) / hps), iv, sizeof iv);
		g_string_append_printf(g, " (about %s per block)", iv);
	}
	g_string_append_printf(g, ", fork choice %s%s. Network: %s",
			       config_fork_names[s->consensus.fork_choice],
			       s->consensus.retarget_every ? ", automatic retargeting" : "",
			       topo[s->network.topology]);
	if (s->network.topology == TOPO_RANDOM)
		g_string_append_printf(g, " of degree %u", s->network.degree);
	if (s->network.n_regions > 0) {
		g_string_append_printf(g, ", %u regions (", s->network.n_regions);
		for (uint32_t i = 0; i < s->network.n_regions; i++)
			g_string_append_printf(g, "%s%s", i ? " " : "", s->network.region_names[i]);
		g_string_append(g, ") with their latency matrix and bandwidths");
	} else {
		g_string_append(g, ", latency ");
		describe_latency(g, &s->network.latency);
	}
	g_string_append_printf(g, ", relay %s. It ", config_relay_names[s->network.relay]);
	describe_stop(g, &s->stop);
	g_string_append_printf(g, "; %u timeline event%s; seed %" G_GUINT64_FORMAT ".\n",
			       s->events->len, s->events->len == 1 ? "" : "s", s->seed);
	return g_string_free(g, FALSE);
}
