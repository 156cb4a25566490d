/* sweep: read a sweep spec, expand its runs, read their outcomes, write
 * the tables (see sweep.h). */
#include "powsim/sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <glib/gstdio.h>

#include "powsim/check.h"
#include "powsim/config.h"
#include "powsim/scenario.h"
#include "powsim/stats.h"
#include "powsim/version.h"

G_DEFINE_QUARK(powsim-sweep-error-quark, sweep_error)

/* Largest spec file read, and longest run name before it is shortened. */
#define SPEC_MAX_BYTES (4u << 20)
#define NAME_MAX_CHARS 160

/* ---- errors: "SPEC: PATH: expected ..., found ..." ---- */

static bool G_GNUC_PRINTF(4, 5) fail(GError **err, const char *file, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (path && *path)
		g_set_error(err, SWEEP_ERROR, SWEEP_ERROR_INPUT, "%s: %s: %s", file, path, msg);
	else
		g_set_error(err, SWEEP_ERROR, SWEEP_ERROR_INPUT, "%s: %s", file, msg);
	return false;
}

/* A short description of V for "found ...". */
static char *found(const cJSON *v)
{
	if (!v)
		return g_strdup("nothing");
	if (cJSON_IsString(v)) {
		g_autofree char *e = g_strescape(v->valuestring, NULL);
		return strlen(e) > 60 ? g_strdup_printf("\"%.60s...\"", e) : g_strdup_printf("\"%s\"", e);
	}
	if (cJSON_IsObject(v))
		return g_strdup("an object");
	if (cJSON_IsArray(v))
		return g_strdup_printf("an array of %d", cJSON_GetArraySize(v));
	char *t = cJSON_PrintUnformatted(v);
	char *r = g_strdup(t ? t : "?");
	cJSON_free(t);
	return r;
}

static bool fail_found(GError **err, const char *file, const char *path, const cJSON *v, const char *what)
{
	g_autofree char *f = found(v);
	return fail(err, file, path, "expected %s, found %s", what, f);
}

/* ---- paths: key(.key|[N])* ---- */

struct seg {
	char *key;   /* NULL: an element of an array */
	long index;  /* [N]; negative: from the end ([-1] is the last) */
	char *fkey, *fval; /* [KEY=VALUE]: the first element whose KEY is VALUE */
};

static void seg_clear(void *p)
{
	struct seg *s = p;
	g_free(s->key);
	g_free(s->fkey);
	g_free(s->fval);
}

/* The inside of [...] at P (up to CLOSE) into S: N, or with EXTENDED
 * also -N and KEY=VALUE. */
static bool parse_bracket(const char *p, const char *close, bool extended, struct seg *s)
{
	g_autofree char *in = g_strndup(p, (gsize)(close - p));
	const char *eq = strchr(in, '=');
	guint64 v;
	if (extended && eq && eq > in && eq[1]) {
		for (const char *k = in; k < eq; k++)
			if (!g_ascii_isalnum(*k) && *k != '_')
				return false;
		s->fkey = g_strndup(in, (gsize)(eq - in));
		s->fval = g_strdup(eq + 1);
		return true;
	}
	bool neg = extended && in[0] == '-';
	if (!g_ascii_string_to_unsigned(in + neg, 10, neg ? 1 : 0, 1000000000, &v, NULL))
		return false;
	s->index = neg ? -(long)v : (long)v;
	return true;
}

/* Split PATH into segments; NULL if it is not in the --set path syntax
 * (KEY(.KEY|[N])*), or with EXTENDED the metric syntax, which also takes
 * [-N] and [KEY=VALUE]. */
static GArray *parse_path(const char *path, bool extended)
{
	GArray *segs = g_array_new(FALSE, TRUE, sizeof(struct seg));
	g_array_set_clear_func(segs, seg_clear);
	const char *p = path;
	while (*p) {
		struct seg s = { NULL, 0, NULL, NULL };
		if (*p == '[') {
			const char *close = strchr(p, ']');
			bool ok = close && parse_bracket(p + 1, close, extended, &s);
			if (!ok) {
				seg_clear(&s);
				goto bad;
			}
			p = close + 1;
		} else {
			if (segs->len > 0 && *p++ != '.')
				goto bad;
			const char *start = p;
			while (g_ascii_isalnum(*p) || *p == '_')
				p++;
			if (p == start)
				goto bad;
			s.key = g_strndup(start, (gsize)(p - start));
		}
		g_array_append_val(segs, s);
	}
	if (segs->len > 0 && g_array_index(segs, struct seg, 0).key != NULL)
		return segs;
bad:
	g_array_unref(segs);
	return NULL;
}

static bool path_ok(const char *path, bool extended)
{
	GArray *segs = parse_path(path, extended);
	if (segs)
		g_array_unref(segs);
	return segs != NULL;
}

/* Whether V (a number or a string) reads as TEXT. */
static bool json_equals(const cJSON *v, const char *text)
{
	if (cJSON_IsString(v))
		return strcmp(v->valuestring, text) == 0;
	char *end = NULL;
	double d = g_ascii_strtod(text, &end);
	return cJSON_IsNumber(v) && end && *end == '\0' && v->valuedouble == d;
}

/* The element of array CUR that S picks, or NULL. */
static const cJSON *pick(const cJSON *cur, const struct seg *s)
{
	if (!cJSON_IsArray(cur))
		return NULL;
	if (s->fkey) {
		for (const cJSON *it = cur->child; it; it = it->next)
			if (cJSON_IsObject(it) && json_equals(cJSON_GetObjectItemCaseSensitive(it, s->fkey), s->fval))
				return it;
		return NULL;
	}
	long n = cJSON_GetArraySize(cur);
	long i = s->index < 0 ? n + s->index : s->index;
	return i >= 0 && i < n ? cJSON_GetArrayItem(cur, (int)i) : NULL;
}

/* The last key of PATH ("network.block_size" -> "block_size",
 * "nodes[0].hashrate" -> "hashrate", "events[2]" -> "events2"). */
static char *last_key(const char *path)
{
	GArray *segs = parse_path(path, false);
	CHECK(segs && segs->len > 0);
	GString *g = g_string_new(NULL);
	guint i = segs->len;
	while (i-- > 0 && g_array_index(segs, struct seg, i).key == NULL)
		;
	const struct seg *k = &g_array_index(segs, struct seg, i);
	g_string_append(g, k->key);
	for (guint j = i + 1; j < segs->len; j++)
		g_string_append_printf(g, "%ld", g_array_index(segs, struct seg, j).index);
	g_array_unref(segs);
	return g_string_free(g, FALSE);
}

bool sweep_json_number(const char *json_text, const char *path, double *out, char **why)
{
	GArray *segs = parse_path(path, true);
	if (!segs) {
		*why = g_strdup_printf("\"%s\" is not a path like phases[0].mean_interval_s", path);
		return false;
	}
	cJSON *root = cJSON_Parse(json_text);
	const cJSON *cur = root;
	GString *where = g_string_new(NULL);
	bool ok = root != NULL;
	if (!ok)
		*why = g_strdup("not valid JSON");
	for (guint i = 0; ok && i < segs->len; i++) {
		const struct seg *s = &g_array_index(segs, struct seg, i);
		const cJSON *next = s->key ? (cJSON_IsObject(cur) ? cJSON_GetObjectItemCaseSensitive(cur, s->key) : NULL)
					   : pick(cur, s);
		if (s->key)
			g_string_append_printf(where, "%s%s", where->len ? "." : "", s->key);
		else if (s->fkey)
			g_string_append_printf(where, "[%s=%s]", s->fkey, s->fval);
		else
			g_string_append_printf(where, "[%ld]", s->index);
		if (!next) {
			*why = g_strdup_printf("no %s in it", where->str);
			ok = false;
		}
		cur = next;
	}
	if (ok) {
		char *end = NULL;
		if (cJSON_IsNumber(cur)) {
			*out = cur->valuedouble;
		} else if (cJSON_IsBool(cur)) {
			*out = cJSON_IsTrue(cur) ? 1 : 0;
		} else if (cJSON_IsString(cur) && *cur->valuestring &&
			   (*out = g_ascii_strtod(cur->valuestring, &end), end && *end == '\0')) {
			/* a number written as a string (the seed) */
		} else {
			g_autofree char *f = found(cur);
			*why = g_strdup_printf("%s is %s, not a number", path, f);
			ok = false;
		}
	}
	g_string_free(where, TRUE);
	cJSON_Delete(root);
	g_array_unref(segs);
	return ok;
}

/* ---- reading the spec ---- */

struct reader {
	const char *file;
	GError **err;
	struct sweep *s;
	GPtrArray *grid;  /* per parameter of a grid, its value texts (GStrv) */
};

/* The --set text of a spec value: strings as they are (quoted as JSON
 * when they would otherwise read as a number or another JSON value),
 * anything else as compact JSON. */
static char *value_text(const cJSON *v)
{
	if (cJSON_IsString(v)) {
		cJSON *probe = cJSON_ParseWithOpts(v->valuestring, NULL, 1);
		bool plain = probe == NULL || cJSON_IsString(probe);
		cJSON_Delete(probe);
		if (plain)
			return g_strdup(v->valuestring);
	}
	char *t = cJSON_PrintUnformatted(v);
	char *r = g_strdup(t);
	cJSON_free(t);
	return r;
}

static bool read_name(struct reader *r, const cJSON *root)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "name");
	if (!v) {
		g_autofree char *base = g_path_get_basename(r->file);
		if (g_str_has_suffix(base, ".json"))
			base[strlen(base) - 5] = '\0';
		r->s->name = g_strdup(base);
		return true;
	}
	if (!cJSON_IsString(v) || !*v->valuestring || strlen(v->valuestring) > 100 ||
	    strspn(v->valuestring, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
		    strlen(v->valuestring) || v->valuestring[0] == '.')
		return fail_found(r->err, r->file, "name", v,
				  "a name of letters, digits, '.', '_' and '-' (it names the output directory)");
	r->s->name = g_strdup(v->valuestring);
	return true;
}

static bool read_scenario(struct reader *r, const cJSON *root)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "scenario");
	if (!cJSON_IsString(v) || !*v->valuestring)
		return fail_found(r->err, r->file, "scenario", v,
				  "the scenario file, relative to the spec (\"../six-node-lecture.json\")");
	g_autofree char *dir = g_path_get_dirname(r->file);
	g_autofree char *joined = g_path_is_absolute(v->valuestring) ? g_strdup(v->valuestring)
				  : g_build_filename(dir, v->valuestring, NULL);
	r->s->scenario = g_canonicalize_filename(joined, NULL);
	g_autofree char *text = NULL;
	gsize len = 0;
	GError *e = NULL;
	if (!g_file_get_contents(r->s->scenario, &text, &len, &e)) {
		fail(r->err, r->file, "scenario", "cannot read %s: %s", r->s->scenario, e->message);
		g_error_free(e);
		return false;
	}
	r->s->scenario_sha256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)text, len);
	return true;
}

static bool add_param(struct reader *r, const char *path, const char *where)
{
	if (!path_ok(path, false))
		return fail(r->err, r->file, where, "expected a scenario path like network.block_size or "
			    "nodes[0].hashrate, found \"%s\"", path);
	if (strcmp(path, "seed") == 0)
		return fail(r->err, r->file, where, "the seed is swept by \"seeds\", not as a setting");
	for (guint i = 0; i < r->s->params->len; i++)
		if (strcmp(r->s->params->pdata[i], path) == 0)
			return true;
	g_ptr_array_add(r->s->params, g_strdup(path));
	return true;
}

/* "set": { PATH: [V, ...], ... }, the grid in key order, the first key
 * varying slowest. */
static bool read_grid(struct reader *r, const cJSON *set)
{
	if (!cJSON_IsObject(set) || !set->child)
		return fail_found(r->err, r->file, "set", set,
				  "an object of lists { \"network.relay\": [\"inv\", \"push\"], ... }");
	GPtrArray *lists = g_ptr_array_new();
	size_t total = 1;
	for (const cJSON *it = set->child; it; it = it->next) {
		g_autofree char *where = g_strdup_printf("set[\"%s\"]", it->string);
		bool ok = add_param(r, it->string, where);
		if (ok && (!cJSON_IsArray(it) || cJSON_GetArraySize(it) == 0))
			ok = fail_found(r->err, r->file, where, it, "a non-empty list of values");
		if (ok && (total *= (size_t)cJSON_GetArraySize(it)) > SWEEP_MAX_RUNS)
			ok = fail(r->err, r->file, "set", "the grid has more than %u points", SWEEP_MAX_RUNS);
		if (!ok) {
			g_ptr_array_free(lists, TRUE);
			return false;
		}
		g_ptr_array_add(lists, (void *)it);
		GPtrArray *texts = g_ptr_array_new();
		for (const cJSON *v = it->child; v; v = v->next)
			g_ptr_array_add(texts, value_text(v));
		g_ptr_array_add(texts, NULL);
		g_ptr_array_add(r->grid, g_ptr_array_free(texts, FALSE));
	}
	guint np = lists->len;
	for (size_t k = 0; k < total; k++) {
		struct sweep_point pt = { (guint)k + 1, g_new0(char *, np + 1) };
		size_t rest = k;
		for (guint j = np; j-- > 0;) {
			const cJSON *list = lists->pdata[j];
			size_t n = (size_t)cJSON_GetArraySize(list);
			pt.values[j] = value_text(cJSON_GetArrayItem(list, (int)(rest % n)));
			rest /= n;
		}
		g_array_append_val(r->s->points, pt);
	}
	g_ptr_array_free(lists, TRUE);
	return true;
}

/* "points": [ { PATH: V, ... }, ... ]; the parameters are every path
 * named, in order of first appearance. */
static bool read_points(struct reader *r, const cJSON *list)
{
	if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0)
		return fail_found(r->err, r->file, "points", list,
				  "a non-empty list of settings [ { \"network.relay\": \"inv\" }, ... ]");
	int i = 0;
	for (const cJSON *p = list->child; p; p = p->next, i++) {
		g_autofree char *where = g_strdup_printf("points[%d]", i);
		if (!cJSON_IsObject(p))
			return fail_found(r->err, r->file, where, p, "an object { \"PATH\": VALUE, ... }");
		for (const cJSON *it = p->child; it; it = it->next) {
			g_autofree char *w2 = g_strdup_printf("points[%d][\"%s\"]", i, it->string);
			if (!add_param(r, it->string, w2))
				return false;
		}
	}
	guint np = r->s->params->len;
	i = 0;
	for (const cJSON *p = list->child; p; p = p->next, i++) {
		struct sweep_point pt = { (guint)i + 1, g_new0(char *, np + 1) };
		for (guint j = 0; j < np; j++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, r->s->params->pdata[j]);
			pt.values[j] = v ? value_text(v) : NULL;
		}
		g_array_append_val(r->s->points, pt);
	}
	return true;
}

static bool seed_value(struct reader *r, const cJSON *v, const char *where, uint64_t *out)
{
	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 9007199254740992.0 &&
	    v->valuedouble == floor(v->valuedouble)) {
		*out = (uint64_t)v->valuedouble;
		return true;
	}
	guint64 u;
	if (cJSON_IsString(v) && g_ascii_string_to_unsigned(v->valuestring, 10, 0, G_MAXUINT64, &u, NULL)) {
		*out = u;
		return true;
	}
	return fail_found(r->err, r->file, where, v, "a seed (a whole number >= 0, or digits in a string)");
}

/* "seeds": N (1..N), [S, ...], or {"from": A, "count": N}. */
static bool read_seeds(struct reader *r, const cJSON *root)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "seeds");
	GArray *seeds = r->s->seeds;
	const char *what = "a count of seeds N (seeds 1..N), a list of seeds, or {\"from\": A, \"count\": N}";
	if (cJSON_IsNumber(v)) {
		if (!(v->valuedouble >= 1 && v->valuedouble <= SWEEP_MAX_RUNS && v->valuedouble == floor(v->valuedouble)))
			return fail_found(r->err, r->file, "seeds", v, "a count from 1 to 100000");
		for (uint64_t k = 1; k <= (uint64_t)v->valuedouble; k++)
			g_array_append_val(seeds, k);
	} else if (cJSON_IsArray(v) && cJSON_GetArraySize(v) > 0) {
		int i = 0;
		for (const cJSON *it = v->child; it; it = it->next, i++) {
			g_autofree char *where = g_strdup_printf("seeds[%d]", i);
			uint64_t sd;
			if (!seed_value(r, it, where, &sd))
				return false;
			for (guint j = 0; j < seeds->len; j++)
				if (g_array_index(seeds, uint64_t, j) == sd)
					return fail(r->err, r->file, where, "seed %" G_GUINT64_FORMAT " is listed twice", sd);
			g_array_append_val(seeds, sd);
		}
	} else if (cJSON_IsObject(v)) {
		const cJSON *from = cJSON_GetObjectItemCaseSensitive(v, "from");
		const cJSON *count = cJSON_GetObjectItemCaseSensitive(v, "count");
		for (const cJSON *it = v->child; it; it = it->next)
			if (strcmp(it->string, "from") != 0 && strcmp(it->string, "count") != 0)
				return fail(r->err, r->file, "seeds", "unknown key \"%s\" (expected \"from\" and \"count\")",
					    it->string);
		uint64_t a;
		if (!seed_value(r, from, "seeds.from", &a))
			return false;
		if (!cJSON_IsNumber(count) || !(count->valuedouble >= 1 && count->valuedouble <= SWEEP_MAX_RUNS) ||
		    count->valuedouble != floor(count->valuedouble))
			return fail_found(r->err, r->file, "seeds.count", count, "a count from 1 to 100000");
		uint64_t n = (uint64_t)count->valuedouble;
		if (a > G_MAXUINT64 - n)
			return fail(r->err, r->file, "seeds", "seeds from %" G_GUINT64_FORMAT " run past 2^64", a);
		for (uint64_t k = 0; k < n; k++) {
			uint64_t sd = a + k;
			g_array_append_val(seeds, sd);
		}
	} else {
		return fail_found(r->err, r->file, "seeds", v, what);
	}
	return true;
}

static bool read_metrics(struct reader *r, const cJSON *root)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "metrics");
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
		return fail_found(r->err, r->file, "metrics", v,
				  "a non-empty list of summary.json paths [\"stale_rate\", \"phases[0].mean_interval_s\"]");
	int i = 0;
	for (const cJSON *it = v->child; it; it = it->next, i++) {
		g_autofree char *where = g_strdup_printf("metrics[%d]", i);
		if (!cJSON_IsString(it) || !path_ok(it->valuestring, true))
			return fail_found(r->err, r->file, where, it,
					  "a summary.json path like \"reorgs.deepest\" or \"phases[0].mean_interval_s\"");
		for (guint j = 0; j < r->s->metrics->len; j++)
			if (strcmp(r->s->metrics->pdata[j], it->valuestring) == 0)
				return fail(r->err, r->file, where, "\"%s\" is listed twice", it->valuestring);
		g_ptr_array_add(r->s->metrics, g_strdup(it->valuestring));
	}
	return true;
}

/* ---- runs ---- */

/* Characters kept in a run name; others become '_'. */
static void append_clean(GString *g, const char *s)
{
	for (const char *p = s; *p; p++)
		g_string_append_c(g, g_ascii_isalnum(*p) || strchr(".+-", *p) ? *p : '_');
}

/* The name of point PT with SEED: "KEY=VALUE_..._seed=S", each KEY the
 * parameter's last key (its whole path if two parameters share one). */
static char *run_name(const struct sweep *s, const struct sweep_point *pt, uint64_t seed)
{
	GString *g = g_string_new(NULL);
	for (guint j = 0; j < s->params->len; j++) {
		if (!pt->values[j])
			continue;
		g_autofree char *key = last_key(s->params->pdata[j]);
		for (guint k = 0; k < s->params->len; k++) {
			g_autofree char *other = last_key(s->params->pdata[k]);
			if (k != j && strcmp(key, other) == 0) {
				g_free(key);
				key = g_strdup(s->params->pdata[j]);
				break;
			}
		}
		append_clean(g, key);
		g_string_append_c(g, '=');
		append_clean(g, pt->values[j]);
		g_string_append_c(g, '_');
	}
	if (g->len > NAME_MAX_CHARS) {
		/* keep it readable and unique: a prefix and a digest of the rest */
		g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, g->str, -1);
		g_string_truncate(g, NAME_MAX_CHARS - 13);
		g_string_append_printf(g, "~%.12s_", sum);
	}
	g_string_append_printf(g, "seed=%" G_GUINT64_FORMAT, seed);
	return g_string_free(g, FALSE);
}

static char **point_sets(const struct sweep *s, const struct sweep_point *pt, uint64_t seed, bool with_seed)
{
	GPtrArray *a = g_ptr_array_new();
	for (guint j = 0; j < s->params->len; j++)
		if (pt->values[j])
			g_ptr_array_add(a, g_strdup_printf("%s=%s", (char *)s->params->pdata[j], pt->values[j]));
	if (with_seed)
		g_ptr_array_add(a, g_strdup_printf("seed=%" G_GUINT64_FORMAT, seed));
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

/* Where point PT's values came from, for MSG (a scenario error): the
 * value its "(from --set PATH=VALUE)" names, set["PATH"][K] or
 * points[I]["PATH"], else the point. */
static char *point_where(const struct reader *r, const struct sweep_point *pt, bool grid, const char *msg)
{
	const struct sweep *s = r->s;
	for (guint j = 0; msg && j < s->params->len; j++) {
		if (!pt->values[j])
			continue;
		g_autofree char *tag = g_strdup_printf("(from --set %s=%s)", (char *)s->params->pdata[j], pt->values[j]);
		if (!strstr(msg, tag))
			continue;
		if (!grid)
			return g_strdup_printf("points[%u][\"%s\"]", pt->id - 1, (char *)s->params->pdata[j]);
		char **texts = r->grid->pdata[j];
		for (guint k = 0; texts[k]; k++)
			if (strcmp(texts[k], pt->values[j]) == 0)
				return g_strdup_printf("set[\"%s\"][%u]", (char *)s->params->pdata[j], k);
	}
	if (!grid)
		return g_strdup_printf("points[%u]", pt->id - 1);
	GString *g = g_string_new("set (point ");
	for (guint j = 0; j < s->params->len; j++)
		g_string_append_printf(g, "%s%s=%s", j ? ", " : "", (char *)s->params->pdata[j], pt->values[j]);
	g_string_append_c(g, ')');
	return g_string_free(g, FALSE);
}

/* Expand points x seeds and load the scenario for each run: the digest
 * a matching summary must carry, and the check that the overrides are
 * good before anything runs. */
static bool expand_runs(struct reader *r, bool grid)
{
	struct sweep *s = r->s;
	if ((guint64)s->points->len * s->seeds->len > SWEEP_MAX_RUNS)
		return fail(r->err, r->file, NULL, "%u points x %u seeds is more than %u runs", s->points->len,
			    s->seeds->len, SWEEP_MAX_RUNS);
	GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
	bool ok = true;
	for (guint p = 0; ok && p < s->points->len; p++) {
		const struct sweep_point *pt = &g_array_index(s->points, struct sweep_point, p);
		for (guint k = 0; ok && k < s->seeds->len; k++) {
			uint64_t seed = g_array_index(s->seeds, uint64_t, k);
			struct sweep_run run = { p, seed, run_name(s, pt, seed), point_sets(s, pt, seed, false), NULL };
			char **all = point_sets(s, pt, seed, true);
			struct scenario sc;
			GError *e = NULL;
			if (scenario_load(s->scenario, all, &sc, &e)) {
				run.digest = g_strdup(sc.digest);
				config_clear(&sc);
			} else {
				g_autofree char *where = point_where(r, pt, grid, e->message);
				ok = fail(r->err, r->file, where, "%s", e->message);
				g_error_free(e);
			}
			g_strfreev(all);
			if (ok && g_hash_table_contains(names, run.name)) {
				g_autofree char *where = point_where(r, pt, grid, NULL);
				ok = fail(r->err, r->file, where, "two points give the same run name \"%s\"", run.name);
			}
			g_array_append_val(s->runs, run);
			if (ok)
				g_hash_table_add(names, run.name);
			/* Only the first seed can fail on the point's own values;
			 * the others are loaded for their digests. */
		}
	}
	g_hash_table_unref(names);
	return ok;
}

static void run_clear(void *p)
{
	struct sweep_run *r = p;
	g_free(r->name);
	g_strfreev(r->sets);
	g_free(r->digest);
}

void sweep_free(struct sweep *s)
{
	if (!s)
		return;
	g_free(s->file);
	g_free(s->name);
	g_free(s->scenario);
	g_free(s->spec_sha256);
	g_free(s->scenario_sha256);
	g_free(s->spec_text);
	g_free(s->plot);
	/* values may hold NULL holes (explicit points): free by count */
	for (guint p = 0; p < s->points->len; p++) {
		char **v = g_array_index(s->points, struct sweep_point, p).values;
		for (guint j = 0; v && j < s->params->len; j++)
			g_free(v[j]);
		g_free(v);
	}
	g_ptr_array_unref(s->params);
	g_array_unref(s->points);
	g_array_unref(s->seeds);
	g_ptr_array_unref(s->metrics);
	g_array_unref(s->runs);
	g_free(s);
}

static const char *const spec_keys[] = {
	"name", "description", "scenario", "set", "points", "seeds", "metrics", "plot", NULL,
};

static bool read_root(struct reader *r, const cJSON *root)
{
	for (const cJSON *it = root->child; it; it = it->next)
		if (!g_strv_contains(spec_keys, it->string))
			return fail(r->err, r->file, it->string, "unknown key (expected one of name, description, "
				    "scenario, set, points, seeds, metrics, plot)");
	const cJSON *desc = cJSON_GetObjectItemCaseSensitive(root, "description");
	if (desc && !cJSON_IsString(desc))
		return fail_found(r->err, r->file, "description", desc, "a string");
	const cJSON *plot = cJSON_GetObjectItemCaseSensitive(root, "plot");
	if (plot && (!cJSON_IsString(plot) || strspn(plot->valuestring, "abcdefghijklmnopqrstuvwxyz0123456789-_") !=
			     strlen(plot->valuestring) || !*plot->valuestring))
		return fail_found(r->err, r->file, "plot", plot,
				  "the name of an extra figure script in plots/ (\"sweep-fork-rate\")");
	if (plot)
		r->s->plot = g_strdup(plot->valuestring);
	const cJSON *set = cJSON_GetObjectItemCaseSensitive(root, "set");
	const cJSON *points = cJSON_GetObjectItemCaseSensitive(root, "points");
	if (set && points)
		return fail(r->err, r->file, "points", "give either \"set\" (a grid) or \"points\" (a list), not both");
	if (!read_name(r, root) || !read_scenario(r, root))
		return false;
	if (set && !read_grid(r, set))
		return false;
	if (points && !read_points(r, points))
		return false;
	if (!set && !points) {
		/* replications of the scenario as it is: one point, no parameters */
		struct sweep_point pt = { 1, g_new0(char *, 1) };
		g_array_append_val(r->s->points, pt);
	}
	return read_seeds(r, root) && read_metrics(r, root) && expand_runs(r, set != NULL);
}

struct sweep *sweep_load(const char *path, GError **err)
{
	g_return_val_if_fail(path != NULL, NULL);
	struct sweep *s = g_new0(struct sweep, 1);
	s->file = g_strdup(path);
	s->params = g_ptr_array_new_with_free_func(g_free);
	s->points = g_array_new(FALSE, TRUE, sizeof(struct sweep_point));
	s->seeds = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	s->metrics = g_ptr_array_new_with_free_func(g_free);
	s->runs = g_array_new(FALSE, TRUE, sizeof(struct sweep_run));
	g_array_set_clear_func(s->runs, run_clear);

	struct reader r = { path, err, s, g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev) };
	GStatBuf st;
	gsize len = 0;
	GError *e = NULL;
	bool ok;
	if (g_stat(path, &st) != 0) {
		ok = fail(err, path, NULL, "cannot read: %s", g_strerror(errno));
	} else if (!S_ISREG(st.st_mode) || (guint64)st.st_size > SPEC_MAX_BYTES) {
		ok = fail(err, path, NULL, "%s", S_ISDIR(st.st_mode) ? "is a directory, not a sweep spec"
					     : !S_ISREG(st.st_mode) ? "is not a regular file"
					     : "is too large for a sweep spec (over 4 MiB)");
	} else if (!g_file_get_contents(path, &s->spec_text, &len, &e)) {
		ok = fail(err, path, NULL, "cannot read: %s", e->message);
		g_error_free(e);
	} else if (memchr(s->spec_text, '\0', len) || !g_utf8_validate(s->spec_text, (gssize)len, NULL)) {
		ok = fail(err, path, NULL, "is not a UTF-8 text file");
	} else {
		s->spec_sha256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)s->spec_text, len);
		const char *end = NULL;
		cJSON *root = cJSON_ParseWithOpts(s->spec_text, &end, 1);
		if (!root) {
			size_t at = end ? (size_t)(end - s->spec_text) : len;
			unsigned line = 1, col = 1;
			for (size_t i = 0; i < at && i < len; i++, col++)
				if (s->spec_text[i] == '\n')
					line++, col = 0;
			ok = fail(err, path, NULL, "not valid JSON at line %u, column %u", line, col);
		} else if (!cJSON_IsObject(root)) {
			ok = fail_found(err, path, NULL, root, "a JSON object { ... } at the top level");
		} else {
			ok = read_root(&r, root);
		}
		cJSON_Delete(root);
	}
	g_ptr_array_unref(r.grid);
	if (!ok) {
		sweep_free(s);
		return NULL;
	}
	return s;
}

/* ---- outcomes ---- */

void sweep_result_clear(struct sweep_result *r)
{
	g_free(r->error);
	g_free(r->metrics);
	memset(r, 0, sizeof *r);
	r->exit = -1;
}

/* The status recorded in RUNS_DIR/NAME.rc ("STATUS DIGEST"), -1 if none,
 * unreadable, or written for other settings. */
static int read_rc(const char *runs_dir, const struct sweep_run *run)
{
	g_autofree char *file = g_strconcat(run->name, ".rc", NULL);
	g_autofree char *path = g_build_filename(runs_dir, file, NULL);
	g_autofree char *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return -1;
	g_auto(GStrv) f = g_strsplit(g_strstrip(text), " ", 3);
	guint64 v;
	if (g_strv_length(f) != 2 || strcmp(f[1], run->digest) != 0 ||
	    !g_ascii_string_to_unsigned(f[0], 10, 0, 255, &v, NULL))
		return -1;
	return (int)v;
}

/* Whether SUMMARY (text) was written, complete, for RUN. */
static bool summary_matches(const char *summary, const struct sweep_run *run, char **why)
{
	cJSON *o = cJSON_Parse(summary);
	const cJSON *seed = cJSON_GetObjectItemCaseSensitive(o, "seed");
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(o, "version");
	const cJSON *dig = cJSON_GetObjectItemCaseSensitive(o, "scenario_sha256");
	const cJSON *intr = cJSON_GetObjectItemCaseSensitive(o, "interrupted");
	char want[24];
	g_snprintf(want, sizeof want, "%" G_GUINT64_FORMAT, run->seed);
	const char *bad = !o ? "summary.json is not valid JSON"
			  : !cJSON_IsFalse(intr) ? "the run was interrupted"
			  : !cJSON_IsString(ver) || strcmp(ver->valuestring, POWSIM_VERSION) != 0
				  ? "summary.json was written by another powsim version"
			  : !cJSON_IsString(seed) || strcmp(seed->valuestring, want) != 0
				  ? "summary.json is for another seed"
			  : !cJSON_IsString(dig) || strcmp(dig->valuestring, run->digest) != 0
				  ? "summary.json is for other settings"
				  : NULL;
	cJSON_Delete(o);
	if (bad)
		*why = g_strdup(bad);
	return bad == NULL;
}

void sweep_read_result(const struct sweep *s, guint i, const char *runs_dir, struct sweep_result *out)
{
	const struct sweep_run *run = &g_array_index(s->runs, struct sweep_run, i);
	memset(out, 0, sizeof *out);
	out->exit = read_rc(runs_dir, run);
	g_autofree char *path = g_build_filename(runs_dir, run->name, "summary.json", NULL);
	g_autofree char *text = NULL;
	char *why = NULL;
	bool have = g_file_get_contents(path, &text, NULL, NULL) && summary_matches(text, run, &why);
	if (out->exit > 0) {
		out->state = SWEEP_RUN_FAILED;
		out->error = g_strdup_printf("exit %d", out->exit);
		g_free(why);
		return;
	}
	if (!have) {
		out->state = SWEEP_RUN_MISSING;
		out->error = why ? why : g_strdup("not run");
		return;
	}
	out->metrics = g_new(double, s->metrics->len);
	for (guint m = 0; m < s->metrics->len; m++) {
		if (!sweep_json_number(text, s->metrics->pdata[m], &out->metrics[m], &why)) {
			out->state = SWEEP_RUN_FAILED;
			out->error = g_strdup_printf("metric %s: %s", (char *)s->metrics->pdata[m], why);
			g_free(why);
			g_clear_pointer(&out->metrics, g_free);
			return;
		}
	}
	out->state = SWEEP_RUN_OK;
}

bool sweep_run_pending(const struct sweep *s, guint i, const char *runs_dir)
{
	struct sweep_result r;
	sweep_read_result(s, i, runs_dir, &r);
	/* A run that lacks only a metric ran fine: running it again would
	 * give the same summary. */
	bool pending = r.state == SWEEP_RUN_MISSING ||
		       (r.state == SWEEP_RUN_FAILED && !(r.exit == 0 && r.error && g_str_has_prefix(r.error, "metric ")));
	sweep_result_clear(&r);
	return pending;
}

/* ---- commands ---- */

char **sweep_run_argv(const struct sweep *s, guint i, const char *powsim, const char *runs_dir)
{
	const struct sweep_run *run = &g_array_index(s->runs, struct sweep_run, i);
	GPtrArray *a = g_ptr_array_new();
	g_ptr_array_add(a, g_strdup(powsim));
	g_ptr_array_add(a, g_strdup("run"));
	g_ptr_array_add(a, g_strdup(s->scenario));
	g_ptr_array_add(a, g_strdup("--seed"));
	g_ptr_array_add(a, g_strdup_printf("%" G_GUINT64_FORMAT, run->seed));
	for (char **p = run->sets; *p; p++) {
		g_ptr_array_add(a, g_strdup("--set"));
		g_ptr_array_add(a, g_strdup(*p));
	}
	g_ptr_array_add(a, g_strdup("--out"));
	g_ptr_array_add(a, g_build_filename(runs_dir, run->name, NULL));
	g_ptr_array_add(a, g_strdup("--quiet"));
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

char *sweep_task_line(const struct sweep *s, guint i, const char *powsim, const char *runs_dir)
{
	const struct sweep_run *run = &g_array_index(s->runs, struct sweep_run, i);
	char **argv = sweep_run_argv(s, i, powsim, runs_dir);
	GString *g = g_string_new(NULL);
	for (char **p = argv; *p; p++) {
		g_autofree char *q = g_shell_quote(*p);
		g_string_append_printf(g, "%s%s", p == argv ? "" : " ", q);
	}
	g_autofree char *rcname = g_strconcat(run->name, ".rc", NULL);
	g_autofree char *rc = g_build_filename(runs_dir, rcname, NULL);
	g_autofree char *q = g_shell_quote(rc);
	g_string_append_printf(g, " >/dev/null; rc=$?; echo \"$rc %s\" > %s; (exit $rc)", run->digest, q);
	g_strfreev(argv);
	return g_string_free(g, FALSE);
}

/* ---- tables ---- */

void sweep_format_number(double v, char *buf, size_t size)
{
	if (isnan(v)) {
		g_strlcpy(buf, "", size);
		return;
	}
	g_snprintf(buf, size, "%.15g", v);
	if (g_ascii_strtod(buf, NULL) != v)
		g_snprintf(buf, size, "%.17g", v);
}

/* Append S as one CSV field (quoted when it holds , " or a newline). */
static void csv_field(GString *g, const char *s)
{
	if (!s)
		return;
	if (strpbrk(s, ",\"\n\r") == NULL) {
		g_string_append(g, s);
		return;
	}
	g_string_append_c(g, '"');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			g_string_append_c(g, '"');
		g_string_append_c(g, *p);
	}
	g_string_append_c(g, '"');
}

static void csv_number(GString *g, double v)
{
	char buf[40];
	sweep_format_number(v, buf, sizeof buf);
	g_string_append(g, buf);
}

static void csv_point_head(GString *g, const struct sweep *s)
{
	g_string_append(g, "point");
	for (guint j = 0; j < s->params->len; j++) {
		g_string_append_c(g, ',');
		csv_field(g, s->params->pdata[j]);
	}
}

static void csv_point_values(GString *g, const struct sweep *s, const struct sweep_point *pt)
{
	g_string_append_printf(g, "%u", pt->id);
	for (guint j = 0; j < s->params->len; j++) {
		g_string_append_c(g, ',');
		csv_field(g, pt->values[j]);
	}
}

char *sweep_runs_csv(const struct sweep *s, const struct sweep_result *results)
{
	GString *g = g_string_new(NULL);
	csv_point_head(g, s);
	g_string_append(g, ",seed,name,exit,error");
	for (guint m = 0; m < s->metrics->len; m++) {
		g_string_append_c(g, ',');
		csv_field(g, s->metrics->pdata[m]);
	}
	g_string_append_c(g, '\n');
	for (guint i = 0; i < s->runs->len; i++) {
		const struct sweep_run *run = &g_array_index(s->runs, struct sweep_run, i);
		const struct sweep_result *r = &results[i];
		csv_point_values(g, s, &g_array_index(s->points, struct sweep_point, run->point));
		g_string_append_printf(g, ",%" G_GUINT64_FORMAT ",", run->seed);
		csv_field(g, run->name);
		g_string_append_c(g, ',');
		if (r->exit >= 0)
			g_string_append_printf(g, "%d", r->exit);
		g_string_append_c(g, ',');
		csv_field(g, r->error);
		for (guint m = 0; m < s->metrics->len; m++) {
			g_string_append_c(g, ',');
			if (r->state == SWEEP_RUN_OK)
				csv_number(g, r->metrics[m]);
		}
		g_string_append_c(g, '\n');
	}
	return g_string_free(g, FALSE);
}

void sweep_point_stats(const struct sweep *s, const struct sweep_result *results, guint point, guint metric,
		       struct stats_summary *out)
{
	double *x = g_new(double, s->seeds->len);
	size_t k = 0;
	/* runs are point-major: point P's are P * seeds .. (P + 1) * seeds - 1 */
	for (guint i = point * s->seeds->len; i < (point + 1) * s->seeds->len; i++)
		if (results[i].state == SWEEP_RUN_OK)
			x[k++] = results[i].metrics[metric];
	stats_summarize(x, k, 0.95, out);
	g_free(x);
}

char *sweep_points_csv(const struct sweep *s, const struct sweep_result *results)
{
	GString *g = g_string_new(NULL);
	csv_point_head(g, s);
	g_string_append(g, ",n");
	static const char *const suffix[] = { "_mean", "_sd", "_ci95_lo", "_ci95_hi" };
	for (guint m = 0; m < s->metrics->len; m++) {
		for (int k = 0; k < 4; k++) {
			g_autofree char *col = g_strconcat(s->metrics->pdata[m], suffix[k], NULL);
			g_string_append_c(g, ',');
			csv_field(g, col);
		}
	}
	g_string_append_c(g, '\n');
	for (guint p = 0; p < s->points->len; p++) {
		size_t n = 0;
		for (guint i = p * s->seeds->len; i < (p + 1) * s->seeds->len; i++)
			n += results[i].state == SWEEP_RUN_OK;
		csv_point_values(g, s, &g_array_index(s->points, struct sweep_point, p));
		g_string_append_printf(g, ",%zu", n);
		for (guint m = 0; m < s->metrics->len; m++) {
			struct stats_summary st;
			sweep_point_stats(s, results, p, m, &st);
			const double v[4] = { st.mean, st.sd, st.ci_lo, st.ci_hi };
			for (int c = 0; c < 4; c++) {
				g_string_append_c(g, ',');
				csv_number(g, v[c]);
			}
		}
		g_string_append_c(g, '\n');
	}
	return g_string_free(g, FALSE);
}

char *sweep_manifest(const struct sweep *s, const struct sweep_result *results)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", s->name);
	cJSON_AddStringToObject(o, "version", POWSIM_VERSION);
	cJSON_AddStringToObject(o, "spec_file", s->file);
	cJSON_AddStringToObject(o, "spec_sha256", s->spec_sha256);
	cJSON *spec = cJSON_Parse(s->spec_text);
	cJSON_AddItemToObject(o, "spec", spec ? spec : cJSON_CreateNull());
	cJSON_AddStringToObject(o, "scenario", s->scenario);
	cJSON_AddStringToObject(o, "scenario_sha256", s->scenario_sha256);
	cJSON *params = cJSON_AddArrayToObject(o, "parameters");
	for (guint j = 0; j < s->params->len; j++)
		cJSON_AddItemToArray(params, cJSON_CreateString(s->params->pdata[j]));
	cJSON *metrics = cJSON_AddArrayToObject(o, "metrics");
	for (guint m = 0; m < s->metrics->len; m++)
		cJSON_AddItemToArray(metrics, cJSON_CreateString(s->metrics->pdata[m]));
	cJSON *runs = cJSON_AddArrayToObject(o, "runs");
	for (guint i = 0; i < s->runs->len; i++) {
		const struct sweep_run *run = &g_array_index(s->runs, struct sweep_run, i);
		cJSON *r = cJSON_CreateObject();
		char seed[24];
		g_snprintf(seed, sizeof seed, "%" G_GUINT64_FORMAT, run->seed);
		cJSON_AddStringToObject(r, "name", run->name);
		cJSON_AddNumberToObject(r, "point", g_array_index(s->points, struct sweep_point, run->point).id);
		cJSON_AddStringToObject(r, "seed", seed);
		cJSON *sets = cJSON_AddArrayToObject(r, "overrides");
		for (char **p = run->sets; *p; p++)
			cJSON_AddItemToArray(sets, cJSON_CreateString(*p));
		cJSON_AddStringToObject(r, "scenario_sha256", run->digest);
		if (results[i].exit >= 0)
			cJSON_AddNumberToObject(r, "exit", results[i].exit);
		else
			cJSON_AddNullToObject(r, "exit");
		cJSON_AddStringToObject(r, "state", results[i].state == SWEEP_RUN_OK ? "ok"
					: results[i].state == SWEEP_RUN_FAILED ? "failed" : "missing");
		if (results[i].error)
			cJSON_AddStringToObject(r, "error", results[i].error);
		cJSON_AddItemToArray(runs, r);
	}
	char *text = cJSON_Print(o);
	cJSON_Delete(o);
	char *r = g_strconcat(text, "\n", NULL);
	cJSON_free(text);
	return r;
}

char *sweep_rc_text(const struct sweep *s, guint i, int status)
{
	return g_strdup_printf("%d %s\n", status, g_array_index(s->runs, struct sweep_run, i).digest);
}
