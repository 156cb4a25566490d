/* scenario: the scenario-file reader (see scenario.h; the format is
 * documented in scenarios/README.md).
 *
 * Reading goes: bytes -> checks (empty, NUL, UTF-8) -> cJSON tree ->
 * overrides applied to the tree -> validation into struct scenario.
 * Validation is table-driven: each JSON object of the format has a table
 * of its keys, each key a handler that checks one value and stores it at
 * an offset in the struct being filled. parse_object() rejects unknown
 * and duplicate keys (cJSON keeps both copies of a duplicate), so every
 * value of the tree is either visited or reported.
 *
 * "nodes" is read before every other key, so that later handlers (edges,
 * event targets, partition sides) can resolve names as they go, with the
 * exact JSON path at hand for the message.
 */
#include "powsim/scenario.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>
#include <glib/gstdio.h>

#include "powsim/strategy.h"
#include "powsim/units.h"

G_DEFINE_QUARK(powsim-scenario-error-quark, scenario_error)

/* The largest integer a JSON number (a double) holds exactly. */
#define EXACT_INT_MAX 9007199254740992.0
#define NAME_MAX_LEN 32
#define FOUND_MAX_CHARS 40
#define DIFFICULTY_MAX 60

/* ------------------------------------------------------------------ */
/* Context, paths and messages                                          */

/* One step of a JSON path, chained to its parent on the C stack. */
struct jpath {
	const struct jpath *up;
	const char *key;   /* NULL: an array element */
	long index;
};

struct override {
	char *path;        /* normalised, as jpath renders it */
	char *created;     /* the outermost node it created, or NULL */
	char *text;        /* PATH=VALUE as given */
};

struct ctx {
	const char *file;
	GPtrArray *overrides; /* of struct override *, in order applied */
	struct scenario *s;
	GError **err;
	bool nul_marked;      /* some text had a \u0000 escape (see mark_nul) */
};

static bool is_ident(const char *k)
{
	if (*k == '\0')
		return false;
	for (; *k; k++)
		if (!g_ascii_isalnum(*k) && *k != '_')
			return false;
	return true;
}

/* Append S quoted, with quotes, backslashes and control characters
 * escaped and at most MAX characters kept (S is made valid UTF-8). */
static void append_quoted(GString *g, const char *s, long max)
{
	char *valid = g_utf8_make_valid(s, -1);
	long n = 0;

	g_string_append_c(g, '"');
	for (const char *p = valid; *p && n < max; p = g_utf8_next_char(p), n++) {
		gunichar ch = g_utf8_get_char(p);
		if (ch == '"' || ch == '\\')
			g_string_append_printf(g, "\\%c", (char)ch);
		else if (ch < 0x20 || ch == 0x7f)
			g_string_append_printf(g, "\\u%04x", ch);
		else
			g_string_append_unichar(g, ch);
	}
	if (g_utf8_strlen(valid, -1) > max)
		g_string_append(g, "...");
	g_string_append_c(g, '"');
	g_free(valid);
}

static void path_render(GString *g, const struct jpath *p)
{
	if (p == NULL)
		return;
	path_render(g, p->up);
	if (p->key == NULL) {
		g_string_append_printf(g, "[%ld]", p->index);
	} else if (is_ident(p->key)) {
		if (g->len > 0)
			g_string_append_c(g, '.');
		g_string_append(g, p->key);
	} else {
		g_string_append_c(g, '[');
		append_quoted(g, p->key, FOUND_MAX_CHARS);
		g_string_append_c(g, ']');
	}
}

static bool path_within(const char *path, const char *top)
{
	size_t n = top ? strlen(top) : 0;

	return top != NULL && strncmp(path, top, n) == 0 && (path[n] == '\0' || path[n] == '.' || path[n] == '[');
}

/* The last override that set PATH or an ancestor of it, or that created
 * an ancestor of PATH. */
static const struct override *override_for(const struct ctx *c, const char *path)
{
	for (guint i = c->overrides->len; i-- > 0;) {
		const struct override *o = c->overrides->pdata[i];
		if (path_within(path, o->path) || path_within(path, o->created))
			return o;
	}
	return NULL;
}

/* Set the error "FILE: PATH (from --set ...): MESSAGE"; returns false. */
static bool G_GNUC_PRINTF(3, 4) fail(struct ctx *c, const struct jpath *p, const char *fmt, ...)
{
	GString *g = g_string_new(c->file);
	GString *ps = g_string_new(NULL);
	va_list ap;

	g_string_append(g, ": ");
	path_render(ps, p);
	if (ps->len > 0) {
		const struct override *o = override_for(c, ps->str);
		g_string_append(g, ps->str);
		if (o != NULL)
			g_string_append_printf(g, " (from --set %s)", o->text);
		g_string_append(g, ": ");
	}
	va_start(ap, fmt);
	g_string_append_vprintf(g, fmt, ap);
	va_end(ap);
	g_set_error_literal(c->err, SCENARIO_ERROR, SCENARIO_ERROR_INPUT, g->str);
	g_string_free(ps, TRUE);
	g_string_free(g, TRUE);
	return false;
}

/* A short description of a JSON value for "found ..." (g_free it). */
static char *found(const cJSON *v)
{
	GString *g = g_string_new(NULL);

	if (v == NULL)
		g_string_append(g, "nothing");
	else if (cJSON_IsString(v))
		append_quoted(g, v->valuestring, FOUND_MAX_CHARS);
	else if (cJSON_IsNumber(v) && !isfinite(v->valuedouble))
		g_string_append(g, "a number too large to represent");
	else if (cJSON_IsNumber(v)) {
		char buf[G_ASCII_DTOSTR_BUF_SIZE];
		g_string_append(g, g_ascii_formatd(buf, sizeof buf, "%.15g", v->valuedouble));
	} else if (cJSON_IsBool(v))
		g_string_append(g, cJSON_IsTrue(v) ? "true" : "false");
	else if (cJSON_IsNull(v))
		g_string_append(g, "null");
	else if (cJSON_IsArray(v) && cJSON_GetArraySize(v) == 0)
		g_string_append(g, "an empty array");
	else if (cJSON_IsArray(v))
		g_string_append_printf(g, "an array of %d", cJSON_GetArraySize(v));
	else if (cJSON_IsObject(v))
		g_string_append(g, "an object");
	else
		g_string_append(g, "an unknown value");
	return g_string_free(g, FALSE);
}

/* "expected WHAT, found <V>"; returns false. */
static bool fail_found(struct ctx *c, const struct jpath *p, const cJSON *v, const char *what)
{
	char *f = found(v);
	const char *hint = "";

	if (cJSON_IsNumber(v) && strstr(what, "duration") != NULL)
		hint = " (a bare number: add a unit, as in \"5s\")";
	fail(c, p, "expected %s, found %s%s", what, f, hint);
	g_free(f);
	return false;
}

/* ------------------------------------------------------------------ */
/* Tables of keys                                                       */

struct field;
typedef bool (*field_fn)(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
                         const struct field *f);

struct field {
	const char *key;
	field_fn fn;              /* NULL: read elsewhere (checked there) */
	size_t off;               /* where fn stores, from the table's base */
	double lo, hi;            /* numeric range, in the field's unit */
	const char *const *names; /* enum spellings, NULL-terminated */
};

#define TABLE(t) t, G_N_ELEMENTS(t)

static void append_keys(GString *g, const struct field *fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		g_string_append_printf(g, "%s%s", i ? ", " : "", fields[i].key);
}

static bool fail_unknown_key(struct ctx *c, const struct jpath *kp, const struct field *fields, size_t n)
{
	GString *g = g_string_new(NULL);

	append_quoted(g, kp->key, FOUND_MAX_CHARS);
	g_string_append(g, "; expected one of: ");
	append_keys(g, fields, n);
	fail(c, kp, "unknown key %s", g->str);
	g_string_free(g, TRUE);
	return false;
}

/* Check that OBJ is an object whose keys are all in FIELDS, each once,
 * and run each key's handler on BASE. *SEEN gets bit i for fields[i]. */
static bool parse_object(struct ctx *c, const cJSON *obj, const struct jpath *p, const struct field *fields,
                         size_t n, void *base, uint32_t *seen)
{
	g_assert(n <= 32);
	*seen = 0;
	if (!cJSON_IsObject(obj))
		return fail_found(c, p, obj, "an object { ... }");
	for (const cJSON *it = obj->child; it != NULL; it = it->next) {
		struct jpath kp = { p, it->string ? it->string : "", 0 };
		size_t i = 0;

		while (i < n && strcmp(fields[i].key, kp.key) != 0)
			i++;
		if (i == n)
			return fail_unknown_key(c, &kp, fields, n);
		if (*seen & (1u << i))
			return fail(c, &kp, "duplicate key \"%s\" (each key may appear once in an object)", kp.key);
		*seen |= 1u << i;
		if (fields[i].fn != NULL && !fields[i].fn(c, it, &kp, (char *)base + fields[i].off, &fields[i]))
			return false;
	}
	return true;
}

static bool has_key(const struct field *fields, size_t n, uint32_t seen, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(fields[i].key, key) == 0)
			return (seen >> i) & 1u;
	g_error("scenario: no key %s in table", key);
}

static bool require_key(struct ctx *c, const struct jpath *p, const struct field *fields, size_t n,
                        uint32_t seen, const char *key, const char *example)
{
	if (has_key(fields, n, seen, key))
		return true;
	return fail(c, p, "missing \"%s\" (e.g. \"%s\": %s)", key, key, example);
}

/* ------------------------------------------------------------------ */
/* Scalar handlers                                                      */

static bool read_uint(struct ctx *c, const cJSON *v, const struct jpath *p, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char what[96];
	uint64_t x = 0;

	if (hi == UINT64_MAX)
		g_snprintf(what, sizeof what, "an integer >= %" G_GUINT64_FORMAT, lo);
	else
		g_snprintf(what, sizeof what, "an integer from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT, lo, hi);
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (!isfinite(d) || d != floor(d) || d < 0)
			return fail_found(c, p, v, what);
		if (d > EXACT_INT_MAX)
			return fail(c, p, "%.17g is too large to be exact as a JSON number; write it as a string "
			            "of digits", d);
		x = (uint64_t)d;
	} else if (cJSON_IsString(v)) {
		/* Digit strings carry integers beyond 2^53 exactly. */
		if (!g_ascii_string_to_unsigned(v->valuestring, 10, 0, UINT64_MAX, &x, NULL))
			return fail_found(c, p, v, what);
	} else {
		return fail_found(c, p, v, what);
	}
	if (x < lo || x > hi)
		return fail_found(c, p, v, what);
	*out = x;
	return true;
}

static bool h_u64(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	return read_uint(c, v, p, (uint64_t)f->lo, f->hi > 0 ? (uint64_t)f->hi : UINT64_MAX, dst);
}

static bool h_u32(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	uint64_t x;

	if (!read_uint(c, v, p, (uint64_t)f->lo, f->hi > 0 ? (uint64_t)f->hi : UINT32_MAX, &x))
		return false;
	*(uint32_t *)dst = (uint32_t)x;
	return true;
}

/* A finite number in [f->lo, f->hi]; f->hi == 0 means no upper bound. */
static bool h_double(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	char what[96];
	double d;

	if (f->hi > 0)
		g_snprintf(what, sizeof what, "a number from %g to %g", f->lo, f->hi);
	else
		g_snprintf(what, sizeof what, "a number >= %g", f->lo);
	if (!cJSON_IsNumber(v))
		return fail_found(c, p, v, what);
	d = v->valuedouble;
	if (!isfinite(d) || d < f->lo || (f->hi > 0 && d > f->hi))
		return fail_found(c, p, v, what);
	*(double *)dst = d;
	return true;
}

/* Pareto shape: the mean is finite only above 1. */
static bool h_pareto_shape(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	static const char what[] = "a number above 1 (the Pareto mean is infinite at 1 and below)";

	(void)f;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || !(v->valuedouble > 1))
		return fail_found(c, p, v, what);
	*(double *)dst = v->valuedouble;
	return true;
}

static bool h_duration(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	const char *why = NULL;
	simtime_t t;

	if (!cJSON_IsString(v) || !units_parse_duration(v->valuestring, &t, &why))
		return fail_found(c, p, v, why ? why : "a duration like \"250ms\", \"4.5s\" or \"2m13s\"");
	if (f->lo > 0 && t < (simtime_t)f->lo)
		return fail_found(c, p, v, "a duration above zero");
	*(simtime_t *)dst = t;
	return true;
}

static bool h_hashrate(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	const char *why = "a hash rate like \"60kH/s\"";

	(void)f;
	if (!cJSON_IsString(v) || !units_parse_hashrate(v->valuestring, dst, &why))
		return fail_found(c, p, v, why);
	return true;
}

/* A probability: a number in [0, 1]. */
static bool h_fraction(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	(void)f;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0 || v->valuedouble > 1)
		return fail_found(c, p, v, "a probability from 0 to 1");
	*(double *)dst = v->valuedouble;
	return true;
}

static bool h_bandwidth(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	const char *why = "a bandwidth like \"100Mbit/s\" or \"unlimited\"";

	(void)f;
	if (cJSON_IsString(v) && strcmp(v->valuestring, "unlimited") == 0) {
		*(double *)dst = 0;
		return true;
	}
	if (!cJSON_IsString(v) || !units_parse_bandwidth(v->valuestring, dst, &why))
		return fail_found(c, p, v, why);
	return true;
}

/* A size: an integer (bytes) or a string with a unit ("1KB"). */
static bool h_size(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	const char *why = "a size like 250 (bytes) or \"1KB\"";
	uint64_t b;

	if (cJSON_IsNumber(v))
		return h_u64(c, v, p, dst, f);
	if (!cJSON_IsString(v) || !units_parse_size(v->valuestring, &b, &why))
		return fail_found(c, p, v, why);
	if (b < (uint64_t)f->lo)
		return fail_found(c, p, v, "a size of at least 1 byte");
	*(uint64_t *)dst = b;
	return true;
}

static bool h_difficulty(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	(void)f;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0 ||
	    v->valuedouble > DIFFICULTY_MAX)
		return fail_found(c, p, v, "a difficulty in leading hex zeros from 0 to 60 (fractions allowed)");
	*(uint32_t *)dst = (uint32_t)lround(v->valuedouble * 1000);
	return true;
}

static void append_names(GString *g, const char *const *names)
{
	for (size_t i = 0; names[i] != NULL; i++)
		g_string_append_printf(g, "%s\"%s\"", i ? ", " : "", names[i]);
}

/* The index of V's string in NAMES, or -1 with the error set. */
static int read_enum(struct ctx *c, const cJSON *v, const struct jpath *p, const char *const *names)
{
	GString *g;

	if (cJSON_IsString(v))
		for (int i = 0; names[i] != NULL; i++)
			if (strcmp(names[i], v->valuestring) == 0)
				return i;
	g = g_string_new("one of ");
	append_names(g, names);
	fail_found(c, p, v, g->str);
	g_string_free(g, TRUE);
	return -1;
}

/* Every enum of config.h is int-sized with values from 0 in order. */
G_STATIC_ASSERT(sizeof(enum mining_mode) == sizeof(int));
G_STATIC_ASSERT(sizeof(enum relay) == sizeof(int));

static bool h_enum(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	int i = read_enum(c, v, p, f->names);

	if (i < 0)
		return false;
	memcpy(dst, &i, sizeof i);
	return true;
}

/* A string from F->names, kept as a string. */
static bool h_kind(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	if (read_enum(c, v, p, f->names) < 0)
		return false;
	g_free(*(char **)dst);
	*(char **)dst = g_strdup(v->valuestring);
	return true;
}

static bool h_string(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	(void)f;
	if (!cJSON_IsString(v))
		return fail_found(c, p, v, "a string");
	g_free(*(char **)dst);
	*(char **)dst = g_strdup(v->valuestring);
	return true;
}

/* Checked and dropped: a free-text description for people. */
static bool h_comment(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	(void)dst;
	(void)f;
	if (!cJSON_IsString(v))
		return fail_found(c, p, v, "a string");
	return true;
}

/* A name usable as a node name, in CSV columns and as a directory:
 * 1..32 characters from A-Z a-z 0-9 _ - . and not starting with . or -. */
static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > NAME_MAX_LEN || s[0] == '.' || s[0] == '-')
		return false;
	for (; *s; s++)
		if (!g_ascii_isalnum(*s) && *s != '_' && *s != '-' && *s != '.')
			return false;
	return true;
}

bool scenario_name_ok(const char *s)
{
	return s && name_ok(s);
}

static bool h_name(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	if (!cJSON_IsString(v) || !name_ok(v->valuestring))
		return fail_found(c, p, v, "a name of 1 to 32 characters from A-Z a-z 0-9 _ - . (not starting with . or -)");
	return h_string(c, v, p, dst, f);
}

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
			g_string_append_printf(g, "%s1..%s%u (group %s)", gr->name, gr->name, gr->count, gr->name);
	}
	if (s->groups->len > 8)
		g_string_append(g, ", ...");
	return g_string_free(g, FALSE);
}

/* Resolve V (a string naming a node or a group) into IDS (cleared). */
static bool resolve(struct ctx *c, const cJSON *v, const struct jpath *p, GArray *ids)
{
	char *known;

	g_array_set_size(ids, 0);
	if (!cJSON_IsString(v))
		return fail_found(c, p, v, "a node or group name");
	if (config_resolve(c->s, v->valuestring, ids))
		return true;
	known = known_names(c->s);
	fail(c, p, "unknown node or group \"%s\"; %s", v->valuestring, known);
	g_free(known);
	return false;
}

/* Resolve V, require that every node named has role ROLE, store the
 * name in *DST. */
static bool target_with_role(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, int role)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	bool ok = resolve(c, v, p, ids);

	for (guint i = 0; ok && role >= 0 && i < ids->len; i++) {
		uint32_t gi = config_node_group(c->s, g_array_index(ids, guint32, i));
		if ((int)group_at(c->s, gi)->role != role)
			ok = fail(c, p, "\"%s\" includes nodes of group \"%s\", which are not %ss", v->valuestring,
			          group_at(c->s, gi)->name, role_names[role]);
	}
	g_array_unref(ids);
	if (ok) {
		g_free(*(char **)dst);
		*(char **)dst = g_strdup(v->valuestring);
	}
	return ok;
}

static bool h_target(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	(void)f;
	return target_with_role(c, v, p, dst, -1);
}

static bool h_target_miners(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	(void)f;
	return target_with_role(c, v, p, dst, ROLE_MINER);
}

static bool h_target_traders(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	(void)f;
	return target_with_role(c, v, p, dst, ROLE_TRADER);
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
			ok = fail(c, &np, "group name \"%s\" is already used by nodes[%u]", name, GPOINTER_TO_UINT(prev));
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
					ok = fail(c, &np, "group name \"%s\" is also the name of node %s of group \"%s\" "
					          "(nodes[%u]); rename one of the groups", name, name + k, o->name,
					          GPOINTER_TO_UINT(gi));
			}
			g_free(prefix);
		}
	}
	g_hash_table_unref(by_name);
	return ok;
}

/* ------------------------------------------------------------------ */
/* Latency laws and trade intervals                                     */

static const char *const latency_laws[] = { "constant", "uniform", "lognormal", "pareto", NULL };
static const char *const interval_laws[] = { "fixed", "uniform", "exponential", NULL };

#define LAT(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct latency_cfg, m), __VA_ARGS__ }
static const struct field lat_constant[] = {
	{ .key = "law" }, LAT("value", h_duration, value),
};
static const struct field lat_uniform[] = {
	{ .key = "law" }, LAT("min", h_duration, value), LAT("max", h_duration, max),
};
static const struct field lat_lognormal[] = {
	{ .key = "law" }, LAT("median", h_duration, value, .lo = 1), LAT("sigma", h_double, shape),
};
static const struct field lat_pareto[] = {
	{ .key = "law" }, LAT("mean", h_duration, value, .lo = 1), LAT("shape", h_pareto_shape, shape),
};

#define TRADE(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct trade_cfg, m), __VA_ARGS__ }
static const struct field iv_fixed[] = {
	{ .key = "law" }, TRADE("value", h_duration, interval, .lo = 1),
};
static const struct field iv_uniform[] = {
	{ .key = "law" }, TRADE("min", h_duration, interval, .lo = 1), TRADE("max", h_duration, interval_max, .lo = 1),
};
static const struct field iv_exponential[] = {
	{ .key = "law" }, TRADE("mean", h_duration, interval, .lo = 1),
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
		append_names(g, names);
		fail(c, p, "missing \"law\" (one of %s)", g->str);
		g_string_free(g, TRUE);
		return -1;
	}
	law = read_enum(c, lv, &lp, names);
	if (law < 0)
		return -1;
	if (!parse_object(c, v, p, tables[law].fields, tables[law].n, base, &seen))
		return -1;
	for (size_t i = 1; i < tables[law].n; i++)
		if (!((seen >> i) & 1u)) {
			fail(c, p, "missing \"%s\" for law \"%s\" (e.g. %s)", tables[law].fields[i].key, names[law],
			     tables[law].example);
			return -1;
		}
	return law;
}

static bool h_latency(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	static const char what[] = "a latency: a duration like \"50ms\" or an object like "
	                           "{\"law\": \"uniform\", \"min\": \"10ms\", \"max\": \"90ms\"}";
	struct latency_cfg *l = dst;
	int law;

	memset(l, 0, sizeof *l);
	if (cJSON_IsString(v)) {
		l->law = LAT_CONSTANT;
		return h_duration(c, v, p, &l->value, f);
	}
	if (!cJSON_IsObject(v))
		return fail_found(c, p, v, what);
	law = parse_law(c, v, p, latency_laws, latency_tables, l);
	if (law < 0)
		return false;
	l->law = (enum latency_law)law;
	if (l->law == LAT_UNIFORM && l->max < l->value)
		return fail(c, p, "\"min\" must not be above \"max\"");
	return true;
}

/* A group's "upload"/"download": a bandwidth string, or a law drawn per
 * node: {"law": "lognormal", "median": "8Mbit/s", "sigma": 1},
 * {"law": "uniform", "min": ..., "max": ...}, or {"law": "histogram"}
 * (the region's, from the network's "bandwidth_histograms"). */
static const char *const bw_laws[] = { "lognormal", "uniform", "histogram", NULL };
#define BWF(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct bw_cfg, m), __VA_ARGS__ }
static const struct field bw_lognormal[] = {
	{ .key = "law" }, BWF("median", h_bandwidth, value), BWF("sigma", h_double, shape),
};
static const struct field bw_uniform[] = {
	{ .key = "law" }, BWF("min", h_bandwidth, value), BWF("max", h_bandwidth, max),
};
static const struct field bw_histogram[] = { { .key = "law" } };
static const struct law bw_tables[] = {
	{ TABLE(bw_lognormal), "{\"law\": \"lognormal\", \"median\": \"8Mbit/s\", \"sigma\": 1}" },
	{ TABLE(bw_uniform), "{\"law\": \"uniform\", \"min\": \"1Mbit/s\", \"max\": \"10Mbit/s\"}" },
	{ TABLE(bw_histogram), "{\"law\": \"histogram\"}" },
};

static bool h_node_bw(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	struct bw_cfg *b = dst;
	memset(b, 0, sizeof *b);
	if (cJSON_IsString(v)) {
		b->kind = BW_CONSTANT;
		return h_bandwidth(c, v, p, &b->value, f);
	}
	if (!cJSON_IsObject(v))
		return fail_found(c, p, v, "a bandwidth like \"100Mbit/s\" or a law like "
		                  "{\"law\": \"histogram\"}");
	int law = parse_law(c, v, p, bw_laws, bw_tables, b);
	if (law < 0)
		return false;
	b->kind = (enum bw_kind)(BW_LOGNORMAL + law);
	if (b->kind == BW_UNIFORM && b->max < b->value)
		return fail(c, p, "\"min\" must not be above \"max\"");
	if (b->kind != BW_HISTOGRAM && b->value <= 0)
		return fail(c, p, "a law's bandwidths must be finite (not \"unlimited\")");
	return true;
}

static bool h_interval(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	static const char what[] = "an interval: a duration like \"4.5s\" or an object like "
	                           "{\"law\": \"exponential\", \"mean\": \"4.5s\"}";
	struct trade_cfg *t = dst;
	struct field positive = *f;
	int law;

	if (cJSON_IsString(v)) {
		t->law = INTERVAL_FIXED;
		positive.lo = 1;
		return h_duration(c, v, p, &t->interval, &positive);
	}
	if (!cJSON_IsObject(v))
		return fail_found(c, p, v, what);
	law = parse_law(c, v, p, interval_laws, interval_tables, t);
	if (law < 0)
		return false;
	t->law = (enum interval_law)law;
	if (t->law == INTERVAL_UNIFORM && t->interval_max < t->interval)
		return fail(c, p, "\"min\" must not be above \"max\"");
	return true;
}

/* "amount": 5 or [min, max]. */
static bool h_amount(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	static const char what[] = "an amount: an integer >= 1 or a range [min, max]";
	struct trade_cfg *t = dst;
	struct jpath p0 = { p, NULL, 0 }, p1 = { p, NULL, 1 };

	(void)f;
	if (cJSON_IsNumber(v) || cJSON_IsString(v)) {
		if (!read_uint(c, v, p, 1, UINT64_MAX, &t->amount_min))
			return false;
		t->amount_max = t->amount_min;
		return true;
	}
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2)
		return fail_found(c, p, v, what);
	if (!read_uint(c, v->child, &p0, 1, UINT64_MAX, &t->amount_min) ||
	    !read_uint(c, v->child->next, &p1, 1, UINT64_MAX, &t->amount_max))
		return false;
	if (t->amount_max < t->amount_min)
		return fail(c, p, "the range [min, max] has min above max");
	return true;
}

/* ------------------------------------------------------------------ */
/* Sections                                                             */

#define STOP(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct stop_cfg, m), __VA_ARGS__ }
static const struct field stop_fields[] = {
	STOP("time", h_duration, time, .lo = 1),
	STOP("height", h_u32, height, .lo = 1),
	STOP("blocks", h_u32, blocks, .lo = 1),
};

static bool h_stop(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	uint32_t seen;

	(void)f;
	if (!parse_object(c, v, p, TABLE(stop_fields), dst, &seen))
		return false;
	if (seen == 0)
		return fail(c, p, "expected at least one of \"time\", \"height\", \"blocks\" "
		            "(e.g. {\"time\": \"10min\"}); the first reached stops the run");
	return true;
}

static const char *const mode_names[] = { "real", "fast", "model", NULL };
static const char *const fork_names[] = { "most-work", "longest", NULL };

#define CONS(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct consensus_cfg, m), __VA_ARGS__ }
static const struct field retarget_fields[] = {
	CONS("every", h_u32, retarget_every, .lo = 1),
	CONS("interval", h_duration, retarget_interval, .lo = 1),
	CONS("clamp", h_double, retarget_clamp, .lo = 1),
};

static bool h_retarget(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	uint32_t seen;

	(void)f;
	return parse_object(c, v, p, TABLE(retarget_fields), dst, &seen) &&
	       require_key(c, p, TABLE(retarget_fields), seen, "every", "10") &&
	       require_key(c, p, TABLE(retarget_fields), seen, "interval", "\"10s\"");
}

static const struct field consensus_fields[] = {
	CONS("mode", h_enum, mode, .names = mode_names),
	CONS("difficulty", h_difficulty, millizeros),
	CONS("fork_choice", h_enum, fork_choice, .names = fork_names),
	CONS("reward", h_u64, reward),
	CONS("max_block_txs", h_u32, max_block_txs, .lo = 1, .hi = 1000000),
	{ .key = "retarget", .fn = h_retarget, .off = 0 },
};

static bool h_consensus(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	uint32_t seen;

	(void)f;
	return parse_object(c, v, p, TABLE(consensus_fields), dst, &seen);
}

/* [["a", "b"], ...]: each name one node, no self-links, no repeats. */
static bool read_edge(struct ctx *c, const cJSON *pair, const struct jpath *ep, uint32_t end[2])
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	const cJSON *it = pair->child;
	bool ok = true;

	if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2)
		ok = fail_found(c, ep, pair, "a pair of node names [\"a\", \"b\"]");
	for (long k = 0; ok && k < 2; k++, it = it->next) {
		struct jpath np = { ep, NULL, k };
		ok = resolve(c, it, &np, ids);
		if (ok && ids->len != 1)
			ok = fail(c, &np, "\"%s\" is a group of %u nodes; an edge joins two nodes (e.g. \"%s1\")",
			          it->valuestring, ids->len, it->valuestring);
		if (ok)
			end[k] = g_array_index(ids, guint32, 0);
	}
	g_array_unref(ids);
	if (ok && end[0] == end[1])
		ok = fail(c, ep, "an edge must join two different nodes");
	return ok;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static bool h_edges(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	GPtrArray *edges = *(GPtrArray **)dst;
	GArray *keys = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	long i = 0;
	bool ok = true;

	(void)f;
	if (!cJSON_IsArray(v))
		ok = fail_found(c, p, v, "an array of pairs [[\"miner1\", \"miner2\"], ...]");
	g_ptr_array_set_size(edges, 0);
	for (const cJSON *it = ok ? v->child : NULL; ok && it != NULL; it = it->next, i++) {
		struct jpath ep = { p, NULL, i };
		uint32_t end[2];
		uint64_t key;
		ok = read_edge(c, it, &ep, end);
		if (ok) {
			/* (low id, high id, file index) sorts repeats next to each other. */
			key = ((uint64_t)MIN(end[0], end[1]) << 42) | ((uint64_t)MAX(end[0], end[1]) << 21);
			key |= (uint64_t)i & 0x1fffff;
			g_array_append_val(keys, key);
			g_ptr_array_add(edges, g_strdup(it->child->valuestring));
			g_ptr_array_add(edges, g_strdup(it->child->next->valuestring));
		}
	}
	if (ok && keys->len > 1) {
		g_array_sort(keys, cmp_u64);
		for (guint k = 1; ok && k < keys->len; k++) {
			uint64_t a = g_array_index(keys, uint64_t, k - 1), b = g_array_index(keys, uint64_t, k);
			struct jpath ep = { p, NULL, (long)(b & 0x1fffff) };
			if (a >> 21 == b >> 21)
				ok = fail(c, &ep, "this edge repeats edges[%ld]", (long)(a & 0x1fffff));
		}
	}
	g_array_unref(keys);
	return ok;
}

static const char *const topology_names[] = { "full", "random", "edges", NULL };
static const char *const relay_names[] = { "push", "pull-chain", "inv", NULL };

#define NET(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct network_cfg, m), __VA_ARGS__ }
static const struct field validation_fields[] = {
	NET("block", h_duration, validate_block),
	NET("tx", h_duration, validate_tx),
	NET("mb", h_duration, validate_mb),
};

static bool h_validation(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	uint32_t seen;

	(void)f;
	return parse_object(c, v, p, TABLE(validation_fields), dst, &seen);
}

static bool h_bool(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	(void)f;
	if (!cJSON_IsBool(v))
		return fail_found(c, p, v, "true or false");
	*(bool *)dst = cJSON_IsTrue(v);
	return true;
}

/* The field of a value read outside a table: no bounds. */
static const struct field plain_field = { .key = "" };

/* A JSON array of exactly N items (N = 0: any length >= 1). */
static bool expect_array(struct ctx *c, const cJSON *v, const struct jpath *p, int n, const char *what)
{
	int len = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : -1;
	if (len < 1 || (n > 0 && len != n)) {
		char *msg = n > 0 ? g_strdup_printf("an array of %d %s", n, what)
				  : g_strdup_printf("a non-empty array of %s", what);
		bool r = fail_found(c, p, v, msg);
		g_free(msg);
		return r;
	}
	return true;
}

/* An array of N numbers >= 0 into a new double[N]. */
static bool read_numbers(struct ctx *c, const cJSON *v, const struct jpath *p, int n, double **out)
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
			return fail_found(c, &ip, it, "a number >= 0");
		}
		a[i] = it->valuedouble;
	}
	*out = a;
	return true;
}

/* An array of N bandwidths into a new double[N] (bit/s). */
static bool read_bandwidths(struct ctx *c, const cJSON *v, const struct jpath *p, int n, double **out)
{
	if (!expect_array(c, v, p, n, "bandwidths like \"20Mbit/s\""))
		return false;
	double *a = g_new0(double, n);
	long i = 0;
	for (const cJSON *it = v->child; it; it = it->next, i++) {
		struct jpath ip = { p, NULL, i };
		if (!h_bandwidth(c, it, &ip, &a[i], &plain_field)) {
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
			if (!h_duration(c, it, &kp, &m[r * n + k], &plain_field)) {
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
		return fail(c, p, "at most 255 regions, found %d", n);
	char **names = g_new0(char *, n + 1);
	long i = 0;
	for (const cJSON *it = v->child; it; it = it->next, i++) {
		struct jpath ip = { p, NULL, i };
		if (!cJSON_IsString(it) || it->valuestring[0] == '\0') {
			g_strfreev(names);
			return fail_found(c, &ip, it, "a region name");
		}
		names[i] = g_strdup(it->valuestring);
	}
	*out = names;
	return true;
}

#define REG(k, m) { .key = k, .fn = h_keep, .off = offsetof(struct regions_in, m) }
static bool h_keep(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
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
static bool h_regions(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	struct network_cfg *net = dst;
	struct regions_in in = { 0 };
	uint32_t seen;
	(void)f;
	config_network_clear_regions(net); /* a second "regions" replaces the first */
	if (!parse_object(c, v, p, TABLE(region_fields), &in, &seen))
		return false;
	static const char *const need[] = { "names", "share", "latency", "upload", "download" };
	for (size_t i = 0; i < G_N_ELEMENTS(need); i++)
		if (!require_key(c, p, TABLE(region_fields), seen, need[i], "[...]"))
			return false;
	struct jpath np = { p, "names", 0 }, sp = { p, "share", 0 }, lp = { p, "latency", 0 };
	struct jpath up = { p, "upload", 0 }, dp = { p, "download", 0 };
	if (!read_region_names(c, in.names, &np, &net->region_names))
		return false;
	int n = (int)g_strv_length(net->region_names);
	net->n_regions = (uint32_t)n;
	if (!read_numbers(c, in.share, &sp, n, &net->region_share) ||
	    !read_latency_matrix(c, in.latency, &lp, n, &net->region_latency) ||
	    !read_bandwidths(c, in.upload, &up, n, &net->region_up) ||
	    !read_bandwidths(c, in.download, &dp, n, &net->region_down))
		return false;
	double sum = 0;
	for (int i = 0; i < n; i++)
		sum += net->region_share[i];
	if (sum <= 0)
		return fail(c, &sp, "the shares must not all be zero");
	for (int i = 0; i < n; i++)
		net->region_share[i] /= sum;
	struct jpath jp = { p, "jitter", 0 }, ip = { p, "inter", 0 };
	if (in.jitter && !h_duration(c, in.jitter, &jp, &net->jitter_spread, &plain_field))
		return false;
	if (in.inter && !h_bandwidth(c, in.inter, &ip, &net->inter_bandwidth, &plain_field))
		return false;
	return true;
}

/* "degree_distribution": [P(d <= 1), P(d <= 2), ...], rising to 1. */
static bool h_degree_cdf(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	GArray **out = dst;
	double *a = NULL;
	(void)f;
	if (!read_numbers(c, v, p, 0, &a))
		return false;
	int n = cJSON_GetArraySize(v);
	bool ok = n <= 1000 && fabs(a[n - 1] - 1.0) < 1e-9;
	for (int i = 1; ok && i < n; i++)
		ok = a[i] >= a[i - 1];
	if (ok) {
		if (*out)
			g_array_unref(*out);
		*out = g_array_new(FALSE, FALSE, sizeof(double));
		g_array_append_vals(*out, a, n);
	}
	g_free(a);
	return ok || fail(c, p, "cumulative probabilities P(degree <= k), rising, ending at 1 (at most 1000)");
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
		    !isfinite(hi->valuedouble) || !isfinite(w->valuedouble) || lo->valuedouble <= 0 ||
		    hi->valuedouble < lo->valuedouble || w->valuedouble < 0) {
			g_array_unref(a);
			return fail_found(c, &ip, it, "a bin [lo Mbit/s > 0, hi Mbit/s >= lo, weight >= 0]");
		}
		cum += w->valuedouble;
		struct bw_bin b = { lo->valuedouble * 1e6, hi->valuedouble * 1e6, cum };
		g_array_append_val(a, b);
	}
	if (cum <= 0) {
		g_array_unref(a);
		return fail(c, p, "the bins' weights must not all be zero");
	}
	*out = a;
	return true;
}

/* "bandwidth_histograms": {"upload": [REGION BINS...], "download": [...]},
 * one list of bins per region in the regions' order (checked against
 * "regions" once the network object is read). */
static bool h_histograms(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	struct network_cfg *net = dst;
	static const char *const dirs[] = { "upload", "download" };
	(void)f;
	if (!cJSON_IsObject(v))
		return fail_found(c, p, v, "an object {\"upload\": [...], \"download\": [...]}");
	for (const cJSON *it = v->child; it; it = it->next)
		if (strcmp(it->string, dirs[0]) != 0 && strcmp(it->string, dirs[1]) != 0) {
			struct jpath kp = { p, it->string, 0 };
			return fail(c, &kp, "unknown key; expected \"upload\" or \"download\"");
		}
	const cJSON *up = cJSON_GetObjectItemCaseSensitive(v, dirs[0]);
	const cJSON *down = cJSON_GetObjectItemCaseSensitive(v, dirs[1]);
	if (!up || !down)
		return fail(c, p, "needs both \"upload\" and \"download\"");
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

/* "nodes": a non-empty array of node or group names (resolved when the
 * network is built). */
static bool h_names(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	GPtrArray **out = dst;
	long i = 0;
	(void)f;
	if (!cJSON_IsArray(v) || v->child == NULL)
		return fail_found(c, p, v, "a non-empty array of node or group names");
	if (*out)
		g_ptr_array_unref(*out);
	*out = g_ptr_array_new_with_free_func(g_free);
	for (const cJSON *it = v->child; it; it = it->next, i++) {
		struct jpath ip = { p, NULL, i };
		if (!cJSON_IsString(it) || it->valuestring[0] == '\0')
			return fail_found(c, &ip, it, "a node or group name");
		g_ptr_array_add(*out, g_strdup(it->valuestring));
	}
	return true;
}

#define BB(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct backbone_cfg, m), __VA_ARGS__ }
static const struct field backbone_fields[] = {
	BB("enabled", h_bool, enabled),
	BB("nodes", h_names, nodes),
	BB("latency", h_latency, latency),
	BB("bandwidth", h_bandwidth, bandwidth),
	BB("connections", h_u32, connections),
};

/* "backbone": {"nodes": [...], "latency": ..., "bandwidth": ...,
 * "connections": N, "enabled": true}. */
static bool h_backbone(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	struct backbone_cfg *b = dst;
	uint32_t seen;
	(void)f;
	b->enabled = true;
	if (!parse_object(c, v, p, TABLE(backbone_fields), b, &seen))
		return false;
	b->own_latency = has_key(TABLE(backbone_fields), seen, "latency");
	if (!b->nodes && b->enabled)
		return fail(c, p, "a backbone needs \"nodes\": [names of its nodes or groups]");
	return true;
}

static const char *const sharing_names[] = { "node", "link", NULL };

static const struct field network_fields[] = {
	NET("topology", h_enum, topology, .names = topology_names),
	NET("sharing", h_enum, sharing, .names = sharing_names),
	NET("degree", h_u32, degree, .lo = 1),
	NET("edges", h_edges, edges),
	NET("latency", h_latency, latency),
	NET("processing", h_duration, processing),
	NET("control_processing", h_duration, control_processing),
	NET("relay", h_enum, relay, .names = relay_names),
	{ .key = "validation", .fn = h_validation, .off = 0 },
	NET("bandwidth", h_bandwidth, bandwidth),
	NET("header_bytes", h_size, header_bytes, .lo = 1),
	NET("tx_bytes", h_size, tx_bytes, .lo = 1),
	{ .key = "regions", .fn = h_regions, .off = 0 },
	NET("degree_distribution", h_degree_cdf, degree_cdf),
	NET("block_size", h_size, block_size),
	NET("compact", h_bool, compact),
	NET("compact_share", h_fraction, compact_share),
	NET("compact_fail", h_fraction, compact_fail),
	NET("compact_hb", h_u32, compact_hb, .hi = 1000),
	{ .key = "bandwidth_histograms", .fn = h_histograms, .off = 0 },
	NET("backbone", h_backbone, backbone),
};

static bool h_network(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	struct network_cfg *n = dst;
	struct jpath dp = { p, "degree", 0 }, ep = { p, "edges", 0 };
	uint32_t seen;

	(void)f;
	if (!parse_object(c, v, p, TABLE(network_fields), dst, &seen))
		return false;
	if (has_key(TABLE(network_fields), seen, "degree") && n->topology != TOPO_RANDOM)
		return fail(c, &dp, "\"degree\" applies only to \"topology\": \"random\"");
	if (has_key(TABLE(network_fields), seen, "edges") && n->topology != TOPO_EDGES)
		return fail(c, &ep, "\"edges\" applies only to \"topology\": \"edges\"");
	struct jpath hp = { p, "bandwidth_histograms", 0 };
	if (n->hist_n > 0 && n->hist_n != n->n_regions)
		return fail(c, &hp, "one histogram per region: %u regions, %u histograms",
			    n->n_regions, n->hist_n);
	if (n->topology == TOPO_EDGES && n->edges->len == 0)
		return fail(c, p, "\"topology\": \"edges\" needs a non-empty \"edges\" list, "
		            "e.g. [[\"miner1\", \"miner2\"]]");
	return true;
}

static const char *const order_names[] = { "arrival", "fee", NULL };
static const char *const refresh_names[] = { "on-tx", "on-block", NULL };

#define MEMPOOL(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct mempool_cfg, m), __VA_ARGS__ }
static const struct field mempool_fields[] = {
	MEMPOOL("order", h_enum, order, .names = order_names),
	MEMPOOL("capacity", h_u32, capacity, .lo = 1),
	MEMPOOL("refresh", h_enum, refresh, .names = refresh_names),
};

static bool h_mempool(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	uint32_t seen;

	(void)f;
	return parse_object(c, v, p, TABLE(mempool_fields), dst, &seen);
}

static const struct field output_fields[] = {
	{ .key = "sample", .fn = h_duration, .off = offsetof(struct scenario, sample), .lo = 1 },
};

static bool h_output(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	uint32_t seen;

	(void)f;
	(void)dst;
	return parse_object(c, v, p, TABLE(output_fields), c->s, &seen);
}

/* ------------------------------------------------------------------ */
/* Nodes                                                                */

static const struct field trade_fields[] = {
	{ .key = "interval", .fn = h_interval, .off = 0 },
	{ .key = "amount", .fn = h_amount, .off = 0 },
	TRADE("fee", h_u64, fee),
	TRADE("to", h_string, to),
	TRADE("start", h_duration, start),
};

static bool h_trade(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	uint32_t seen;

	(void)f;
	return parse_object(c, v, p, TABLE(trade_fields), dst, &seen) &&
	       require_key(c, p, TABLE(trade_fields), seen, "interval", "\"4.5s\"");
}

/* "shares": [0.289, 0.196, ...], one per node of the group. */
static bool h_shares(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	GArray **out = dst;
	double *a = NULL;
	(void)f;
	if (!read_numbers(c, v, p, 0, &a))
		return false;
	if (*out)
		g_array_unref(*out);
	*out = g_array_new(FALSE, FALSE, sizeof(double));
	g_array_append_vals(*out, a, cJSON_GetArraySize(v));
	g_free(a);
	return true;
}

/* "strategy": "honest" (kept as NULL) or a registered strategy. */
static bool h_strategy(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
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
	fail_found(c, p, v, g->str);
	g_string_free(g, TRUE);
	return false;
}

static const char *const stubborn_variants[] = {
	"lead", "equal-fork", "trail", "lead+equal-fork", "lead+trail", "equal-fork+trail",
	"lead+equal-fork+trail", NULL,
};

#define STRAT(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct strategy_cfg, m), __VA_ARGS__ }
static const struct field stubborn_fields[] = {
	STRAT("variant", h_kind, variant, .names = stubborn_variants),
	STRAT("trail", h_u32, trail, .lo = 1, .hi = 1000),
};

static bool h_stubborn(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	uint32_t seen;
	struct strategy_cfg *s = dst;

	(void)f;
	if (!parse_object(c, v, p, TABLE(stubborn_fields), dst, &seen) ||
	    !require_key(c, p, TABLE(stubborn_fields), seen, "variant", "\"lead\""))
		return false;
	struct jpath tp = { p, "trail", 0 };
	if (has_key(TABLE(stubborn_fields), seen, "trail") && !strstr(s->variant, "trail"))
		return fail(c, &tp, "only the \"trail\" variant has a trail depth; this one is \"%s\"", s->variant);
	return true;
}

static const struct field double_spend_fields[] = {
	STRAT("merchant", h_string, merchant),
	STRAT("confirmations", h_u32, confirmations, .lo = 1, .hi = 1000),
	STRAT("give_up", h_u32, give_up, .lo = 1, .hi = 10000),
	STRAT("premine", h_u32, premine, .lo = 0, .hi = 100),
	STRAT("amount", h_u64, amount, .lo = 1),
};

static bool h_double_spend(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	uint32_t seen;

	(void)f;
	return parse_object(c, v, p, TABLE(double_spend_fields), dst, &seen) &&
	       require_key(c, p, TABLE(double_spend_fields), seen, "merchant", "\"shop\"");
}

#define GROUP(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct group_cfg, m), __VA_ARGS__ }
static const struct field group_fields[] = {
	GROUP("name", h_name, name),
	GROUP("count", h_u32, count, .lo = 1, .hi = SCENARIO_MAX_NODES),
	GROUP("role", h_enum, role, .names = role_names),
	GROUP("hashrate", h_hashrate, hashrate),
	GROUP("balance", h_u64, balance),
	GROUP("trade", h_trade, trade),
	GROUP("shares", h_shares, shares),
	GROUP("strategy", h_strategy, strategy.name),
	GROUP("stubborn", h_stubborn, strategy),
	GROUP("double_spend", h_double_spend, strategy),
	GROUP("compact_fail", h_fraction, compact_fail),
	GROUP("upload", h_node_bw, upload),
	GROUP("download", h_node_bw, download),
};

/* A group's strategy and its parameter object agree. */
static bool check_strategy(struct ctx *c, const struct group_cfg *g, const struct jpath *ep, uint32_t seen)
{
	static const char *const keyed[][2] = { { "stubborn", "stubborn" }, { "double-spend", "double_spend" } };
	struct jpath sp = { ep, "strategy", 0 };
	const char *name = g->strategy.name ? g->strategy.name : "honest";

	if (g->strategy.name && g->role != ROLE_MINER)
		return fail(c, &sp, "only miners have a strategy; this group is a %s", role_names[g->role]);
	for (size_t i = 0; i < G_N_ELEMENTS(keyed); i++) {
		struct jpath kp = { ep, keyed[i][1], 0 };
		bool mine = strcmp(name, keyed[i][0]) == 0, given = has_key(TABLE(group_fields), seen, keyed[i][1]);
		if (given && !mine)
			return fail(c, &kp, "\"%s\" is for \"strategy\": \"%s\"; this group's strategy is \"%s\"",
			            keyed[i][1], keyed[i][0], name);
		if (mine && !given)
			return fail(c, ep, "missing \"%s\": strategy \"%s\" needs its parameters (e.g. %s)",
			            keyed[i][1], keyed[i][0],
			            i == 0 ? "\"stubborn\": {\"variant\": \"lead\"}"
			                   : "\"double_spend\": {\"merchant\": \"shop\", \"confirmations\": 6}");
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
		ok = name != NULL && resolve(c, name, &mp, ids);
		cJSON_Delete(name);
		if (ok && ids->len != 1)
			ok = fail(c, &mp, "\"%s\" names %u nodes; the merchant is one node", g->strategy.merchant,
			          ids->len);
		else if (ok && config_node_group(c->s, g_array_index(ids, guint32, 0)) == i)
			ok = fail(c, &mp, "the merchant \"%s\" is in the attacker's own group", g->strategy.merchant);
	}
	g_array_unref(ids);
	return ok;
}

/* The role-dependent rules of one group. */
static bool check_group(struct ctx *c, const struct group_cfg *g, const struct jpath *ep, uint32_t seen)
{
	struct jpath hp = { ep, "hashrate", 0 }, tp = { ep, "trade", 0 };

	if (!require_key(c, ep, TABLE(group_fields), seen, "name", "\"miner\""))
		return false;
	if (g->role == ROLE_MINER && !has_key(TABLE(group_fields), seen, "hashrate"))
		return fail(c, ep, "missing \"hashrate\": a miner needs one (e.g. \"hashrate\": \"60kH/s\")");
	if (g->role != ROLE_MINER && has_key(TABLE(group_fields), seen, "hashrate"))
		return fail(c, &hp, "only miners have a hash rate; this group is a %s", role_names[g->role]);
	if (g->role == ROLE_TRADER && !has_key(TABLE(group_fields), seen, "trade"))
		return fail(c, ep, "missing \"trade\": a trader needs one (e.g. \"trade\": {\"interval\": \"4.5s\", "
		            "\"amount\": [1, 21]})");
	if (g->role != ROLE_TRADER && has_key(TABLE(group_fields), seen, "trade"))
		return fail(c, &tp, "only traders trade; this group is a %s", role_names[g->role]);
	struct jpath sp = { ep, "shares", 0 };
	if (g->shares && g->role != ROLE_MINER)
		return fail(c, &sp, "only miners have hash-rate shares; this group is a %s", role_names[g->role]);
	if (g->shares && g->shares->len != g->count)
		return fail(c, &sp, "one share per node: %u shares for a count of %u", g->shares->len, g->count);
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
		struct jpath ep = { nodes_path, NULL, (long)i }, tp = { &ep, "trade", 0 }, top = { &tp, "to", 0 };
		cJSON *name;

		if (g->role != ROLE_TRADER || g->trade.to == NULL)
			continue;
		name = cJSON_CreateString(g->trade.to);
		ok = name != NULL && resolve(c, name, &top, ids);
		cJSON_Delete(name);
		if (ok && ids->len == 1 && g->count == 1 &&
		    config_node_group(c->s, g_array_index(ids, guint32, 0)) == i)
			ok = fail(c, &top, "a trader cannot pay only itself");
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
	ok = parse_object(c, v, ep, TABLE(group_fields), &g, &seen);
	g_array_append_val(c->s->groups, g); /* the array owns its strings now */
	if (!ok || !check_group(c, &g, ep, seen))
		return false;
	*total += g.count;
	if (*total > SCENARIO_MAX_NODES)
		return fail(c, &cp, "the scenario would have %" G_GUINT64_FORMAT " nodes; at most %u are allowed",
		            *total, SCENARIO_MAX_NODES);
	return true;
}

static bool h_nodes(struct ctx *c, const cJSON *v, const struct jpath *p)
{
	uint64_t total = 0;
	long i = 0;
	bool miner = false;

	if (!cJSON_IsArray(v) || v->child == NULL)
		return fail_found(c, p, v, "a non-empty array of node groups [{\"name\": \"miner\", ...}, ...]");
	for (const cJSON *it = v->child; it != NULL; it = it->next, i++) {
		struct jpath ep = { p, NULL, i };
		if (!read_group(c, it, &ep, &total))
			return false;
		miner |= group_at(c->s, (guint)i)->role == ROLE_MINER;
	}
	if (!miner)
		return fail(c, p, "no group has \"role\": \"miner\"; nothing would ever mine a block");
	return check_names(c, p) && check_trade_targets(c, p) && check_merchants(c, p);
}

/* ------------------------------------------------------------------ */
/* Events                                                               */

static const char *const action_names[] = {
	"difficulty", "hashrate", "burst", "leave", "join", "partition", "heal", "latency",
	"invalid-txs", "inject-block", "withhold", "release",
	"transfer", "mine", "submit", "resolve", "link", "stop", NULL,
};

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
		ok = fail_found(c, sp, side, "a non-empty array of node or group names");
	for (const cJSON *it = ok ? side->child : NULL; ok && it != NULL; it = it->next, k++) {
		struct jpath np = { sp, NULL, k };
		ok = resolve(c, it, &np, ids);
		for (guint j = 0; ok && j < ids->len; j++) {
			uint32_t id = g_array_index(ids, guint32, j);
			char buf[64];
			if (mark[id] != 0) {
				config_node_name(c->s, id, buf, sizeof buf);
				ok = fail(c, &np, "node \"%s\" is already on side %u; a node can be on one side only",
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

static bool h_sides(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	uint32_t n = config_node_count(c->s), nsides = 0, unnamed = 0;
	uint32_t *mark;
	GPtrArray **sides = dst;
	bool ok = true;

	(void)f;
	if (!cJSON_IsArray(v) || v->child == NULL)
		return fail_found(c, p, v, "an array of sides [[\"miner1\", \"miner2\"], [\"miner3\"]]");
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
		return fail(c, p, "a partition needs at least two sides (nodes named on no side form one more side)");
	return ok;
}

#define EV(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct event_cfg, m), __VA_ARGS__ }
#define EV_COMMON EV("at", h_duration, at), EV("at_height", h_u32, at_height), { .key = "action" }
static const struct field ev_difficulty[] = { EV_COMMON, EV("value", h_difficulty, millizeros) };
static const struct field ev_hashrate[] = {
	EV_COMMON, EV("target", h_target_miners, target), EV("value", h_hashrate, hashrate),
};
static const struct field ev_burst[] = {
	EV_COMMON, EV("target", h_target_traders, target), EV("count", h_u32, count, .lo = 1, .hi = 1000000),
};
static const struct field ev_churn[] = { EV_COMMON, EV("target", h_target, target) };
static const struct field ev_partition[] = { EV_COMMON, EV("sides", h_sides, sides) };
static const struct field ev_heal[] = { EV_COMMON };
static const struct field ev_latency[] = {
	EV_COMMON, EV("latency", h_latency, latency), EV("target", h_target, target), EV("to", h_target, link_to),
};
static const struct field ev_invalid_txs[] = {
	EV_COMMON, EV("target", h_target, target), EV("count", h_u32, count, .lo = 1, .hi = 1000000),
	EV("kind", h_kind, kind, .names = invalid_tx_kinds),
};
static const struct field ev_inject_block[] = {
	EV_COMMON, EV("target", h_target_miners, target),
	EV("kind", h_kind, kind, .names = inject_block_kinds), EV("delay", h_duration, duration),
};
static const struct field ev_withhold[] = {
	EV_COMMON, EV("target", h_target_miners, target), EV("duration", h_duration, duration),
};
static const struct field ev_release[] = { EV_COMMON, EV("target", h_target_miners, target) };

/* A name that designates exactly one node (live mode's actions act for
 * one node, as a request to one node's port does). */
static bool h_one_node(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
	bool ok = resolve(c, v, p, ids);

	(void)f;
	if (ok && ids->len != 1)
		ok = fail(c, p, "\"%s\" names %u nodes; this action needs one node", v->valuestring, ids->len);
	g_array_unref(ids);
	if (ok) {
		g_free(*(char **)dst);
		*(char **)dst = g_strdup(v->valuestring);
	}
	return ok;
}

static const struct field ev_transfer[] = {
	EV_COMMON, EV("target", h_one_node, target), EV("from", h_one_node, from),
	EV("to", h_one_node, link_to), EV("amount", h_u64, amount, .lo = 1),
};
static const struct field ev_mine[] = { EV_COMMON, EV("target", h_one_node, target) };
static const struct field ev_submit[] = {
	EV_COMMON, EV("target", h_one_node, target), EV("nonce", h_u64, nonce),
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
	bool at = has_key(a->fields, a->n, seen, "at"), ah = has_key(a->fields, a->n, seen, "at_height");

	if (at && ah)
		return fail(c, ep, "give \"at\" (a time) or \"at_height\" (a height), not both");
	if (!at && !ah)
		return fail(c, ep, "missing \"at\" (a time, e.g. \"2m13s\") or \"at_height\" (a height, e.g. 130)");
	for (size_t i = 0; i < G_N_ELEMENTS(a->required) && a->required[i][0] != NULL; i++)
		if (!require_key(c, ep, a->fields, a->n, seen, a->required[i][0], a->required[i][1]))
			return false;
	if (e->action == TL_DIFFICULTY && ah && e->at_height == 0) {
		struct jpath hp = { ep, "at_height", 0 };
		return fail(c, &hp, "expected a height of at least 1 (a difficulty change binds the block at "
		            "that height, and height 0 is the genesis), found 0");
	}
	if (e->action == TL_LATENCY && e->link_to != NULL && e->target == NULL)
		return fail(c, ep, "\"to\" needs \"target\" (the link from \"target\" to \"to\")");
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
		return fail_found(c, ep, v, "an event object {\"at\": \"2m13s\", \"action\": ...}");
	av = cJSON_GetObjectItemCaseSensitive(v, "action");
	if (av == NULL) {
		GString *g = g_string_new(NULL);
		append_names(g, action_names);
		fail(c, ep, "missing \"action\" (one of %s)", g->str);
		g_string_free(g, TRUE);
		return false;
	}
	action = read_enum(c, av, &ap, action_names);
	if (action < 0)
		return false;
	memset(&e, 0, sizeof e);
	e.action = (enum tl_action)action;
	ok = parse_object(c, v, ep, actions[action].fields, actions[action].n, &e, &seen);
	e.by_height = has_key(actions[action].fields, actions[action].n, seen, "at_height");
	g_array_append_val(c->s->events, e); /* the array owns its strings now */
	return ok && check_event(c, &actions[action], &e, ep, seen);
}

static bool h_events(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	long i = 0;

	(void)dst;
	(void)f;
	if (!cJSON_IsArray(v))
		return fail_found(c, p, v, "an array of events [{\"at\": \"2m13s\", \"action\": ...}, ...]");
	for (const cJSON *it = v->child; it != NULL; it = it->next, i++) {
		struct jpath ep = { p, NULL, i };
		if (!read_event(c, it, &ep))
			return false;
	}
	return true;
}

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
static bool h_bound_side(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
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
			return fail_found(c, p, v, why ? why : "a duration like \"250ms\", \"4.5s\" or \"2m13s\"");
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
			g_string_append_printf(g, "%s\"%s\"", i ? ", " : "", config_expect_metrics[i]);
		g_string_append_c(g, ')');
		fail_found(c, p, v, g->str);
		g_string_free(g, TRUE);
		return false;
	}
}

static const struct field bound_fields[] = {
	{ .key = "min", .fn = h_bound_side, .lo = 0 },
	{ .key = "max", .fn = h_bound_side, .lo = 1 },
};

/* A bound: a number (exactly that; not for durations) or {"min": .., "max": ..}. */
static bool read_bound(struct ctx *c, const cJSON *v, const struct jpath *p, bool duration, struct expect_bound *out)
{
	struct bound_ctx bc = { { false, false, 0, 0, -1, -1 }, duration };
	uint32_t seen;

	if (!duration && cJSON_IsString(v) && metric_index(v->valuestring) >= 0) {
		bc.b.has_min = bc.b.has_max = true;
		bc.b.min_ref = bc.b.max_ref = metric_index(v->valuestring);
	} else if (!duration && cJSON_IsNumber(v)) {
		if (!isfinite(v->valuedouble) || v->valuedouble < 0)
			return fail_found(c, p, v, "a number >= 0 or a range {\"min\": .., \"max\": ..}");
		bc.b.has_min = bc.b.has_max = true;
		bc.b.min = bc.b.max = v->valuedouble;
	} else if (!cJSON_IsObject(v)) {
		return fail_found(c, p, v, duration ? "a range of durations like {\"min\": \"2s\", \"max\": \"8s\"}"
		                                    : "a number (exact), a measured figure's name (exactly its value) or a range like {\"min\": 1, \"max\": 5}");
	} else {
		if (!parse_object(c, v, p, TABLE(bound_fields), &bc, &seen))
			return false;
		if (seen == 0)
			return fail(c, p, "expected \"min\", \"max\" or both, found an empty object");
		if (bc.b.has_min && bc.b.has_max && bc.b.min_ref < 0 && bc.b.max_ref < 0 && bc.b.min > bc.b.max)
			return fail(c, p, "\"min\" must not be above \"max\"");
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
	path_render(g, p);
	e.label = g_string_free(g, FALSE);
	g_array_append_val(c->s->expects, e);
	return &g_array_index(c->s->expects, struct expect_cfg, c->s->expects->len - 1);
}

static bool h_expect_metric(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
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
static bool h_one_tip(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	struct expect_cfg *e;

	(void)dst;
	(void)f;
	if (!cJSON_IsBool(v))
		return fail_found(c, p, v, "true or false");
	e = expect_append(c, EXPECT_METRIC, p);
	e->metric = EXPECT_M_DISTINCT_TIPS;
	g_free(e->label);
	e->label = g_strdup("expect.one_tip (distinct tips of the online honest nodes)");
	e->bound = (struct expect_bound){ true, cJSON_IsTrue(v), cJSON_IsTrue(v) ? 1 : 2, 1, -1, -1 };
	return true;
}

/* "converged": true means one tip and no orphans at the online honest
 * nodes (invariants_converged); false means not so. */
static bool h_converged(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	struct expect_cfg *e;
	double want;

	(void)dst;
	(void)f;
	if (!cJSON_IsBool(v))
		return fail_found(c, p, v, "true or false");
	e = expect_append(c, EXPECT_CONVERGED, p);
	g_free(e->label);
	e->label = g_strdup("expect.converged (1: one tip and no orphans at the online honest nodes)");
	want = cJSON_IsTrue(v) ? 1 : 0;
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
static bool h_expect_rejects(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	GHashTable *seen;
	bool ok = true;

	(void)dst;
	if (!cJSON_IsObject(v))
		return fail_found(c, p, v, "an object of reasons and counts like {\"bad-merkle\": 1}");
	seen = g_hash_table_new(g_str_hash, g_str_equal);
	for (const cJSON *it = v->child; ok && it != NULL; it = it->next) {
		struct jpath kp = { p, it->string ? it->string : "", 0 };
		struct expect_bound b;
		if (!reason_ok(kp.key))
			ok = fail(c, &kp, "expected a reason like \"bad-merkle\" (lower-case letters, digits and -)");
		else if (!g_hash_table_add(seen, (gpointer)kp.key))
			ok = fail(c, &kp, "duplicate key \"%s\" (each key may appear once in an object)", kp.key);
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

static bool h_phase_interval(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	(void)f;
	return read_bound(c, v, p, true, dst);
}

static bool h_count(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	(void)f;
	return read_bound(c, v, p, false, dst);
}

#define PHASE(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct phase_spec, m), __VA_ARGS__ }
static const struct field phase_fields[] = {
	PHASE("index", h_u32, index, .lo = 1),
	PHASE("difficulty", h_difficulty, millizeros),
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
	if (!parse_object(c, v, ep, TABLE(phase_fields), &ps, &seen))
		return false;
	by_index = has_key(TABLE(phase_fields), seen, "index");
	by_diff = has_key(TABLE(phase_fields), seen, "difficulty");
	if (by_index == by_diff)
		return fail(c, ep, "give \"index\" (1 = the first phase) or \"difficulty\" (the first phase at "
		            "that difficulty), exactly one");
	if (!has_key(TABLE(phase_fields), seen, "mean_interval") && !has_key(TABLE(phase_fields), seen, "blocks"))
		return fail(c, ep, "missing \"mean_interval\" or \"blocks\" (e.g. \"mean_interval\": "
		            "{\"min\": \"2s\", \"max\": \"8s\"})");
	for (int k = 0; k < 2; k++) {
		struct expect_cfg *e;
		if (!has_key(TABLE(phase_fields), seen, k ? "blocks" : "mean_interval"))
			continue;
		e = expect_append(c, k ? EXPECT_PHASE_BLOCKS : EXPECT_PHASE_INTERVAL, k ? &bp : &ip);
		e->phase = by_index ? ps.index : 0;
		e->millizeros = ps.millizeros;
		e->bound = k ? ps.blocks : ps.interval;
	}
	return true;
}

static bool h_expect_phases(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	long i = 0;

	(void)dst;
	(void)f;
	if (!cJSON_IsArray(v))
		return fail_found(c, p, v, "an array like [{\"index\": 1, \"mean_interval\": {\"min\": \"2s\"}}]");
	for (const cJSON *it = v->child; it != NULL; it = it->next, i++) {
		struct jpath ep = { p, NULL, i };
		if (!read_phase(c, it, &ep))
			return false;
	}
	return true;
}

struct interval_spec {
	uint32_t last;
	struct bound_ctx bc;
};

static const struct field interval_fields[] = {
	{ .key = "last", .fn = h_u32, .off = offsetof(struct interval_spec, last), .lo = 1 },
	{ .key = "min", .fn = h_bound_side, .off = offsetof(struct interval_spec, bc), .lo = 0 },
	{ .key = "max", .fn = h_bound_side, .off = offsetof(struct interval_spec, bc), .lo = 1 },
};

/* {"last": 20, "min": "5s", "max": "15s"}. */
static bool h_expect_interval(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	struct interval_spec is = { 0, { { false, false, 0, 0, -1, -1 }, true } };
	struct expect_cfg *e;
	uint32_t seen;

	(void)dst;
	(void)f;
	if (!parse_object(c, v, p, TABLE(interval_fields), &is, &seen) ||
	    !require_key(c, p, TABLE(interval_fields), seen, "last", "20"))
		return false;
	if (!is.bc.b.has_min && !is.bc.b.has_max)
		return fail(c, p, "missing \"min\" or \"max\" (e.g. \"min\": \"5s\")");
	if (is.bc.b.has_min && is.bc.b.has_max && is.bc.b.min > is.bc.b.max)
		return fail(c, p, "\"min\" must not be above \"max\"");
	e = expect_append(c, EXPECT_INTERVAL, p);
	e->last = is.last;
	e->bound = is.bc.b;
	return true;
}

static bool h_flag(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	(void)f;
	if (!cJSON_IsBool(v))
		return fail_found(c, p, v, "true or false");
	*(int *)dst = cJSON_IsTrue(v) ? 1 : 0;
	return true;
}

#define SEL(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct expect_cfg, m), __VA_ARGS__ }
static const struct field block_sel_fields[] = {
	SEL("miner", h_target, node), SEL("injected", h_flag, injected), SEL("main", h_flag, main),
	SEL("count", h_count, bound),
};
static const struct field tx_sel_fields[] = {
	SEL("sender", h_target, node), SEL("injected", h_flag, injected), SEL("confirmed", h_flag, main),
	SEL("count", h_count, bound),
};

/* [{"miner": "selfish", "main": true, "count": {"min": 3}}, ...]. F->lo:
 * the kind (blocks or txs). */
static bool h_expect_select(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	bool txs = (enum expect_kind)f->lo == EXPECT_TXS;
	const struct field *fields = txs ? tx_sel_fields : block_sel_fields;
	long i = 0;

	(void)dst;
	if (!cJSON_IsArray(v))
		return fail_found(c, p, v, txs ? "an array like [{\"injected\": true, \"confirmed\": true, \"count\": 0}]"
		                               : "an array like [{\"miner\": \"selfish\", \"main\": true, \"count\": {\"min\": 3}}]");
	for (const cJSON *it = v->child; it != NULL; it = it->next, i++) {
		struct jpath ep = { p, NULL, i };
		struct expect_cfg *e = expect_append(c, txs ? EXPECT_TXS : EXPECT_BLOCKS, &ep);
		uint32_t seen;
		if (!parse_object(c, it, &ep, fields, G_N_ELEMENTS(block_sel_fields), e, &seen) ||
		    !require_key(c, &ep, fields, G_N_ELEMENTS(block_sel_fields), seen, "count", "{\"min\": 1}"))
			return false;
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

static bool h_expect(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	uint32_t seen;

	(void)f;
	(void)dst;
	return parse_object(c, v, p, TABLE(expect_fields), c->s, &seen);
}

/* ------------------------------------------------------------------ */
/* The top level                                                        */

#define TOP(k, h, m, ...) { .key = k, .fn = h, .off = offsetof(struct scenario, m), __VA_ARGS__ }
static const struct field root_fields[] = {
	TOP("name", h_name, name),
	{ .key = "description", .fn = h_comment },
	TOP("seed", h_u64, seed),
	TOP("stop", h_stop, stop),
	TOP("consensus", h_consensus, consensus),
	TOP("network", h_network, network),
	TOP("mempool", h_mempool, mempool),
	{ .key = "nodes" }, /* read first, by parse_root */
	TOP("events", h_events, events),
	TOP("output", h_output, sample),
	TOP("expect", h_expect, expects),
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

static bool parse_root(struct ctx *c, const cJSON *root)
{
	struct jpath np = { NULL, "nodes", 0 };
	const cJSON *nodes = cJSON_GetObjectItemCaseSensitive(root, "nodes");
	uint32_t seen;

	if (nodes == NULL)
		return fail(c, NULL, "missing \"nodes\" (e.g. \"nodes\": [{\"name\": \"miner\", \"count\": 3, "
		            "\"hashrate\": \"60kH/s\"}])");
	if (!h_nodes(c, nodes, &np))
		return false;
	if (!parse_object(c, root, NULL, TABLE(root_fields), c->s, &seen))
		return false;
	if (!require_key(c, NULL, TABLE(root_fields), seen, "stop", "{\"time\": \"10min\"}"))
		return false;
	if (c->s->name == NULL)
		c->s->name = default_name(c->file);
	return true;
}

/* ------------------------------------------------------------------ */
/* Overrides                                                            */

struct seg {
	char *key;   /* NULL: an index */
	long index;
};

static void seg_clear(void *p)
{
	g_free(((struct seg *)p)->key);
}

/* PATH: key ( "." key | "[" digits "]" )*, keys from A-Z a-z 0-9 _. */
static bool parse_path(const char *path, GArray *segs)
{
	const char *p = path;

	while (*p) {
		struct seg s = { NULL, 0 };
		if (*p == '[') {
			guint64 v;
			const char *close = strchr(p, ']');
			char *digits = close ? g_strndup(p + 1, (gsize)(close - p - 1)) : NULL;
			bool ok = digits && g_ascii_string_to_unsigned(digits, 10, 0, 1000000000, &v, NULL);
			g_free(digits);
			if (!ok)
				return false;
			s.index = (long)v;
			p = close + 1;
		} else {
			const char *start;
			if (segs->len > 0 && *p++ != '.')
				return false;
			start = p;
			while (g_ascii_isalnum(*p) || *p == '_')
				p++;
			if (p == start)
				return false;
			s.key = g_strndup(start, (gsize)(p - start));
		}
		g_array_append_val(segs, s);
	}
	return segs->len > 0 && g_array_index(segs, struct seg, 0).key != NULL;
}

/* cJSON decodes "\u0000" inside a string and then sees the string end
 * there ("2min\u0000garbage" would read as "2min"). So before parsing,
 * each such escape inside a string becomes "\u0001" (same length); the
 * tree is then searched for that byte (find_nul) to name the field. A
 * copy of TEXT (LEN bytes) is returned; *FOUND is set if it changed. */
static char *mark_nul(const char *text, size_t len, bool *found)
{
	char *t = g_strndup(text, len);
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		if (!in_string) {
			in_string = t[i] == '"';
		} else if (t[i] == '"') {
			in_string = false;
		} else if (t[i] == '\\' && i + 1 < len) {
			if (len - i >= 6 && memcmp(t + i + 1, "u0000", 5) == 0) {
				t[i + 5] = '1';
				*found = true;
			}
			i++; /* the escaped character */
		}
	}
	return t;
}

/* VALUE as JSON if it parses, else as a string; long digit strings stay
 * strings so that 64-bit integers (seeds) keep every digit. */
static cJSON *parse_value(const char *value, bool *nul_marked)
{
	size_t n = strlen(value);
	cJSON *v;
	char *marked;

	if (n > 15 && strspn(value, "0123456789") == n)
		return cJSON_CreateString(value);
	marked = mark_nul(value, n, nul_marked);
	v = cJSON_ParseWithOpts(marked, NULL, 1);
	g_free(marked);
	return v != NULL ? v : cJSON_CreateString(value);
}

/* TEXT (LEN bytes) as JSON, NUL escapes marked; NULL if it does not parse. */
static cJSON *parse_value_text(const char *text, size_t len, bool *nul_marked)
{
	char *marked = mark_nul(text, len, nul_marked);
	cJSON *v = cJSON_Parse(marked);
	g_free(marked);
	return v;
}

static const char *type_name(const cJSON *v)
{
	return cJSON_IsObject(v) ? "an object" : cJSON_IsArray(v) ? "an array" : cJSON_IsString(v) ? "a string"
	       : cJSON_IsNumber(v) ? "a number" : cJSON_IsBool(v) ? "a boolean" : "null";
}

/* Put VAL (owned) at segment S of CUR, replacing, appending or (VAL is
 * null) deleting. Returns NULL on success or a message. */
static const char *put_last(cJSON *cur, const struct seg *s, cJSON *val)
{
	bool ok;

	if (s->key != NULL) {
		if (cJSON_IsNull(val)) {
			cJSON_Delete(val);
			cJSON_DeleteItemFromObjectCaseSensitive(cur, s->key);
			return NULL;
		}
		ok = cJSON_GetObjectItemCaseSensitive(cur, s->key) != NULL
		     ? cJSON_ReplaceItemInObjectCaseSensitive(cur, s->key, val)
		     : cJSON_AddItemToObject(cur, s->key, val);
	} else if (s->index < cJSON_GetArraySize(cur)) {
		if (cJSON_IsNull(val)) {
			cJSON_Delete(val);
			cJSON_DeleteItemFromArray(cur, (int)s->index);
			return NULL;
		}
		ok = cJSON_ReplaceItemInArray(cur, (int)s->index, val);
	} else {
		ok = cJSON_AddItemToArray(cur, val);
	}
	if (!ok)
		cJSON_Delete(val);
	return ok ? NULL : "out of memory";
}

/* Walk CUR down one intermediate segment S, creating what is missing
 * (NEXT says whether to create an object or an array; *CREATED is set
 * if it does). */
static cJSON *step(cJSON *cur, const struct seg *s, const struct seg *next, bool *created)
{
	cJSON *child = s->key != NULL ? cJSON_GetObjectItemCaseSensitive(cur, s->key)
	                              : cJSON_GetArrayItem(cur, (int)s->index);

	*created = child == NULL;
	if (child != NULL)
		return child;
	child = next->key != NULL ? cJSON_CreateObject() : cJSON_CreateArray();
	if (child == NULL)
		return NULL;
	if (s->key != NULL ? !cJSON_AddItemToObject(cur, s->key, child) : !cJSON_AddItemToArray(cur, child)) {
		cJSON_Delete(child);
		return NULL;
	}
	return child;
}

/* Check that CUR can take segment S: the right container, and for an
 * index at most one past the end. Returns NULL or a message (g_free). */
static char *can_take(const cJSON *cur, const struct seg *s, const char *where)
{
	if (s->key != NULL && !cJSON_IsObject(cur))
		return g_strdup_printf("%s is %s, so it has no key \"%s\"", where, type_name(cur), s->key);
	if (s->key == NULL && !cJSON_IsArray(cur))
		return g_strdup_printf("%s is %s, so it has no index [%ld]", where, type_name(cur), s->index);
	if (s->key == NULL && s->index > cJSON_GetArraySize(cur))
		return g_strdup_printf("%s has %d elements; [%ld] is out of range (use [%d] to add one)", where,
		                       cJSON_GetArraySize(cur), s->index, cJSON_GetArraySize(cur));
	return NULL;
}

static bool fail_override(struct ctx *c, const char *text, const char *msg)
{
	return fail(c, NULL, "--set %s: %s", text, msg);
}

static void append_seg(GString *where, const struct seg *s)
{
	if (s->key != NULL)
		g_string_append_printf(where, "%s%s", where->len ? "." : "", s->key);
	else
		g_string_append_printf(where, "[%ld]", s->index);
}

/* Set SEGS to VALUE in ROOT. Returns NULL or a message (g_free it).
 * WHERE gets the normalised path, *CREATED the outermost node created. */
static char *put_path(cJSON *root, const GArray *segs, const char *value, GString *where, char **created,
                      bool *nul_marked)
{
	cJSON *cur = root;

	for (guint i = 0; i < segs->len; i++) {
		const struct seg *s = &g_array_index(segs, struct seg, i);
		char *msg = can_take(cur, s, where->len ? where->str : "the top level");
		bool made = false;

		if (msg != NULL)
			return msg;
		if (i + 1 == segs->len) {
			const char *m = put_last(cur, s, parse_value(value, nul_marked));
			if (m != NULL)
				return g_strdup(m);
		} else if ((cur = step(cur, s, s + 1, &made)) == NULL) {
			return g_strdup("out of memory");
		}
		append_seg(where, s);
		if (made && *created == NULL)
			*created = g_strdup(where->str);
	}
	return NULL;
}

static bool apply_override(struct ctx *c, cJSON *root, const char *text)
{
	const char *eq = strchr(text, '=');
	GArray *segs = g_array_new(FALSE, FALSE, sizeof(struct seg));
	char *path = eq ? g_strndup(text, (gsize)(eq - text)) : NULL, *msg;
	struct override *o = g_new0(struct override, 1);
	GString *where = g_string_new(NULL);
	bool ok;

	g_array_set_clear_func(segs, seg_clear);
	if (path == NULL || !parse_path(path, segs))
		msg = g_strdup("expected PATH=VALUE with PATH like consensus.difficulty or nodes[0].hashrate");
	else
		msg = put_path(root, segs, eq + 1, where, &o->created, &c->nul_marked);
	ok = msg == NULL;
	if (ok) {
		o->path = g_string_free(where, FALSE);
		o->text = g_strdup(text);
		g_ptr_array_add(c->overrides, o);
	} else {
		fail_override(c, text, msg);
		g_string_free(where, TRUE);
		g_free(o->created);
		g_free(o);
	}
	g_free(msg);
	g_array_unref(segs);
	g_free(path);
	return ok;
}

static void override_free(void *p)
{
	struct override *o = p;

	g_free(o->path);
	g_free(o->created);
	g_free(o->text);
	g_free(o);
}

/* ------------------------------------------------------------------ */
/* Text checks and entry points                                         */

static void line_col(const char *text, size_t pos, unsigned *line, unsigned *col)
{
	size_t start = 0;

	*line = 1;
	for (size_t i = 0; i < pos; i++)
		if (text[i] == '\n') {
			(*line)++;
			start = i + 1;
		}
	*col = (unsigned)g_utf8_strlen(text + start, (gssize)(pos - start)) + 1;
}

/* Whether TEXT ends inside a string or with an object or array open: the
 * usual shape of a truncated file. *MAX_DEPTH gets the deepest nesting. */
static bool ends_open(const char *text, size_t len, long *max_depth)
{
	long depth = 0;

	*max_depth = 0;
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		char ch = text[i];
		if (in_string) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_string = false;
		} else if (ch == '"') {
			in_string = true;
		} else if (ch == '{' || ch == '[') {
			depth++;
			*max_depth = MAX(*max_depth, depth);
		} else if (ch == '}' || ch == ']') {
			depth--;
		}
	}
	return in_string || depth > 0;
}

static bool fail_json(struct ctx *c, const char *text, size_t len, const char *at)
{
	size_t pos = at != NULL && at >= text && at <= text + len ? (size_t)(at - text) : len;
	unsigned line, col;
	GString *near = g_string_new(NULL);
	size_t rest = pos;
	long depth;
	bool open = ends_open(text, len, &depth);

	while (rest < len && g_ascii_isspace(text[rest]))
		rest++;
	line_col(text, pos, &line, &col);
	if (rest >= len) {
		g_string_append(near, "unexpected end of the file (truncated JSON?)");
	} else {
		char *snip = g_utf8_make_valid(text + pos, (gssize)MIN(len - pos, 24));
		g_string_append(near, "invalid JSON near ");
		append_quoted(near, snip, 20);
		g_free(snip);
		if (depth >= CJSON_NESTING_LIMIT)
			g_string_append_printf(near, "; nested deeper than %d levels", CJSON_NESTING_LIMIT);
		else if (open)
			g_string_append(near, "; the file ends inside an unclosed string, object or array (truncated?)");
	}
	g_set_error(c->err, SCENARIO_ERROR, SCENARIO_ERROR_INPUT, "%s:%u:%u: %s", c->file, line, col, near->str);
	g_string_free(near, TRUE);
	return false;
}

/* The first string (value or key) holding a marked NUL: an error naming
 * its path. */
static bool find_nul(struct ctx *c, const cJSON *v, const struct jpath *p)
{
	long i = 0;

	if (cJSON_IsString(v) && strchr(v->valuestring, '\x01') != NULL)
		return fail(c, p, "expected text without NUL characters, found \\u0000 inside a string");
	for (const cJSON *it = v->child; it != NULL; it = it->next, i++) {
		struct jpath ip = cJSON_IsObject(v) ? (struct jpath){ p, it->string, 0 } : (struct jpath){ p, NULL, i };
		if (cJSON_IsObject(v) && it->string != NULL && strchr(it->string, '\x01') != NULL)
			return fail(c, p, "expected keys without NUL characters, found \\u0000 inside key %ld", i + 1);
		if (!find_nul(c, it, &ip))
			return false;
	}
	return true;
}

/* Empty, NUL bytes, not UTF-8: each gets its own message. */
static bool check_text(struct ctx *c, const char *text, size_t len)
{
	const char *bad, *nul = memchr(text, '\0', len);
	size_t i = 0;
	unsigned line, col;

	while (i < len && g_ascii_isspace(text[i]))
		i++;
	if (i == len)
		return fail(c, NULL, "the file is empty; expected a JSON object like "
		            "{\"nodes\": [...], \"stop\": {\"time\": \"10min\"}}");
	if (nul != NULL)
		return fail(c, NULL, "not a text file (a NUL byte at offset %zu); expected JSON",
		            (size_t)(nul - text));
	if (!g_utf8_validate(text, (gssize)len, &bad)) {
		line_col(text, (size_t)(bad - text), &line, &col);
		g_set_error(c->err, SCENARIO_ERROR, SCENARIO_ERROR_INPUT,
		            "%s:%u:%u: not UTF-8 text (a binary file?); expected JSON", c->file, line, col);
		return false;
	}
	return true;
}

/* ---- presets: {"preset": "NAME"} merges scenarios/presets/NAME.json ---- */

#define PRESET_MAX_DEPTH 4

/* The file of preset NAME, looked for beside the scenario (presets/ and
 * ../presets/), in $POWSIM_PRESETS, beside the program, and in
 * ./scenarios/presets; NULL if none. */
static char *find_preset(const struct ctx *c, const char *name)
{
	char *file = g_strdup_printf("%s.json", name);
	char *dir = g_path_get_dirname(c->file);
	char *exe = g_file_read_link("/proc/self/exe", NULL);
	char *exedir = exe ? g_path_get_dirname(exe) : g_strdup(".");
	const char *env = g_getenv("POWSIM_PRESETS");
	char *cands[] = {
		g_build_filename(dir, "presets", file, NULL),
		g_build_filename(dir, "..", "presets", file, NULL),
		env ? g_build_filename(env, file, NULL) : NULL,
		g_build_filename(exedir, "scenarios", "presets", file, NULL),
		g_build_filename("scenarios", "presets", file, NULL),
	};
	char *found = NULL;
	for (size_t i = 0; i < G_N_ELEMENTS(cands); i++) {
		if (!found && cands[i] && g_file_test(cands[i], G_FILE_TEST_IS_REGULAR))
			found = g_strdup(cands[i]);
		g_free(cands[i]);
	}
	g_free(file);
	g_free(dir);
	g_free(exe);
	g_free(exedir);
	return found;
}

static bool preset_name_ok(const char *s)
{
	if (!s[0] || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!g_ascii_isalnum(*s) && *s != '-' && *s != '_')
			return false;
	return true;
}

static bool expand_presets(struct ctx *c, cJSON *obj, const struct jpath *p, int depth);

/* Merge preset "preset" of OBJ (at P) under OBJ: its keys that OBJ lacks
 * are added ("description" excepted); OBJ's own keys win. */
static bool merge_preset(struct ctx *c, cJSON *obj, const struct jpath *p, int depth)
{
	cJSON *pv = cJSON_GetObjectItemCaseSensitive(obj, "preset");
	struct jpath pp = { p, "preset", 0 };
	if (!cJSON_IsString(pv) || !preset_name_ok(pv->valuestring))
		return fail_found(c, &pp, pv, "a preset name like \"bitcoin-2019\" (letters, digits, - and _)");
	if (depth >= PRESET_MAX_DEPTH)
		return fail(c, &pp, "presets nest deeper than %d levels", PRESET_MAX_DEPTH);
	char *path = find_preset(c, pv->valuestring);
	if (!path)
		return fail(c, &pp, "no preset \"%s\" (looked for %s.json in presets/ beside the scenario, "
			    "in $POWSIM_PRESETS and in scenarios/presets/)", pv->valuestring, pv->valuestring);
	char *text = NULL;
	gsize len = 0;
	cJSON *preset = NULL;
	bool ok = g_file_get_contents(path, &text, &len, NULL) && len < SCENARIO_MAX_FILE_BYTES &&
		  (preset = parse_value_text(text, len, &c->nul_marked)) != NULL && cJSON_IsObject(preset);
	if (!ok)
		ok = fail(c, &pp, "preset file %s is not a JSON object", path);
	if (ok)
		ok = expand_presets(c, preset, p, depth + 1);
	for (cJSON *it = ok ? preset->child : NULL; it; it = it->next)
		if (strcmp(it->string, "description") != 0 &&
		    !cJSON_GetObjectItemCaseSensitive(obj, it->string))
			cJSON_AddItemToObject(obj, it->string, cJSON_Duplicate(it, 1));
	cJSON_DeleteItemFromObjectCaseSensitive(obj, "preset");
	cJSON_Delete(preset);
	g_free(text);
	g_free(path);
	return ok;
}

/* Expand every "preset" key in the objects of the tree at OBJ. */
static bool expand_presets(struct ctx *c, cJSON *obj, const struct jpath *p, int depth)
{
	if (cJSON_IsObject(obj) && cJSON_GetObjectItemCaseSensitive(obj, "preset") &&
	    !merge_preset(c, obj, p, depth))
		return false;
	long i = 0;
	for (cJSON *it = obj->child; it; it = it->next, i++) {
		if (!cJSON_IsObject(it) && !cJSON_IsArray(it))
			continue;
		struct jpath ip = cJSON_IsObject(obj) ? (struct jpath){ p, it->string, 0 }
						      : (struct jpath){ p, NULL, i };
		if (!expand_presets(c, it, &ip, depth))
			return false;
	}
	return true;
}

static bool load_text(const char *text, size_t len, const char *name, char **overrides, struct scenario *out,
                      GError **err)
{
	struct ctx c = { name, NULL, out, err };
	const char *end = NULL;
	cJSON *root = NULL;
	bool ok;

	out->file = g_strdup(name);
	c.overrides = g_ptr_array_new_with_free_func(override_free);
	ok = check_text(&c, text, len);
	if (ok && len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3; /* a UTF-8 byte-order mark */
		len -= 3;
	}
	if (ok) {
		char *marked = mark_nul(text, len, &c.nul_marked);
		root = cJSON_ParseWithOpts(marked, &end, 1);
		if (end != NULL)
			end = text + (end - marked);
		g_free(marked);
		ok = root != NULL || fail_json(&c, text, len, end);
	}
	if (ok && !cJSON_IsObject(root))
		ok = fail_found(&c, NULL, root, "a JSON object { ... } at the top level");
	for (size_t i = 0; ok && overrides != NULL && overrides[i] != NULL; i++)
		ok = apply_override(&c, root, overrides[i]);
	if (ok)
		ok = expand_presets(&c, root, NULL, 0);
	if (ok && c.nul_marked)
		ok = find_nul(&c, root, NULL);
	if (ok) {
		char *flat = cJSON_PrintUnformatted(root);
		ok = flat != NULL || fail(&c, NULL, "out of memory");
		out->digest = flat ? g_compute_checksum_for_string(G_CHECKSUM_SHA256, flat, -1) : NULL;
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
		g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_INPUT, "%s: no scenario text", name);
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
		g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_INPUT, "%s: cannot read: %s", path, g_strerror(errsv));
		config_clear(out);
		return false;
	}
	if (S_ISDIR(st.st_mode) || !S_ISREG(st.st_mode) || (guint64)st.st_size > SCENARIO_MAX_FILE_BYTES) {
		g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_INPUT, "%s: %s", path,
		            S_ISDIR(st.st_mode) ? "is a directory, not a scenario file"
		            : !S_ISREG(st.st_mode) ? "is not a regular file"
		            : "is too large for a scenario file (over 64 MiB)");
		config_clear(out);
		return false;
	}
	if (!g_file_get_contents(path, &text, &len, &e)) {
		g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_INPUT, "%s: cannot read: %s", path, e->message);
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
	case LAT_LOGNORMAL: g_string_append_printf(g, "lognormal, median %s, sigma %g", a, l->shape); break;
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
			g_string_append_printf(g, "%s1..%s%u (%u %s", gr->name, gr->name, gr->count, gr->count,
			                       plural[gr->role]);
		else
			g_string_append_printf(g, "%s (%s", gr->name, role_names[gr->role]);
		if (gr->role == ROLE_MINER) {
			units_format_hashrate(gr->hashrate, rate, sizeof rate);
			if (gr->shares) {
				g_string_append_printf(g, ", %s in all, shared by %u shares", rate, gr->shares->len);
				*miner_hps += gr->hashrate;
			} else {
				g_string_append_printf(g, ", %s%s", rate, gr->count > 1 ? " each" : "");
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
	g_string_append_printf(g, ". Mining mode %s, difficulty %s leading hex zeros", mode_names[s->consensus.mode],
	                       g_ascii_formatd(zs, sizeof zs, "%g", z));
	if (hps > 0) {
		units_format_duration(simtime_from_s(pow(16, z) / hps), iv, sizeof iv);
		g_string_append_printf(g, " (about %s per block)", iv);
	}
	g_string_append_printf(g, ", fork choice %s%s. Network: %s", fork_names[s->consensus.fork_choice],
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
	g_string_append_printf(g, ", relay %s. It ", relay_names[s->network.relay]);
	describe_stop(g, &s->stop);
	g_string_append_printf(g, "; %u timeline event%s; seed %" G_GUINT64_FORMAT ".\n", s->events->len,
	                       s->events->len == 1 ? "" : "s", s->seed);
	return g_string_free(g, FALSE);
}
