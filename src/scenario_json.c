/* scenario_json: paths, messages, key tables, scalar handlers and text
 * checks of the scenario reader. See scenario_json.h. */
#include "scenario_json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "powsim/check.h"
#include "powsim/units.h"

/* The largest integer a JSON number (a double) holds exactly. */
#define EXACT_INT_MAX 9007199254740992.0
#define DIFFICULTY_MAX 60

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

void scn_path_render(GString *g, const struct jpath *p)
{
	if (p == NULL)
		return;
	scn_path_render(g, p->up);
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

	return top != NULL && strncmp(path, top, n) == 0 &&
	       (path[n] == '\0' || path[n] == '.' || path[n] == '[');
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
bool G_GNUC_PRINTF(3, 4) scn_fail(struct ctx *c, const struct jpath *p, const char *fmt, ...)
{
	GString *g = g_string_new(c->file);
	GString *ps = g_string_new(NULL);
	va_list ap;

	g_string_append(g, ": ");
	scn_path_render(ps, p);
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
char *scn_found(const cJSON *v)
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
bool scn_fail_found(struct ctx *c, const struct jpath *p, const cJSON *v, const char *what)
{
	char *f = scn_found(v);
	const char *hint = "";

	if (cJSON_IsNumber(v) && strstr(what, "duration") != NULL)
		hint = " (a bare number: add a unit, as in \"5s\")";
	scn_fail(c, p, "expected %s, found %s%s", what, f, hint);
	g_free(f);
	return false;
}

static void append_keys(GString *g, const struct field *fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		g_string_append_printf(g, "%s%s", i ? ", " : "", fields[i].key);
}

static bool fail_unknown_key(struct ctx *c, const struct jpath *kp, const struct field *fields,
			     size_t n)
{
	GString *g = g_string_new(NULL);

	append_quoted(g, kp->key, FOUND_MAX_CHARS);
	g_string_append(g, "; expected one of: ");
	append_keys(g, fields, n);
	scn_fail(c, kp, "unknown key %s", g->str);
	g_string_free(g, TRUE);
	return false;
}

/* Check that OBJ is an object whose keys are all in FIELDS, each once,
 * and run each key's handler on BASE. *SEEN gets bit i for fields[i]. */
bool scn_parse_object(struct ctx *c, const cJSON *obj, const struct jpath *p,
		      const struct field *fields, size_t n, void *base, uint32_t *seen)
{
	CHECK(n <= 32);
	*seen = 0;
	if (!cJSON_IsObject(obj))
		return scn_fail_found(c, p, obj, "an object { ... }");
	for (const cJSON *it = obj->child; it != NULL; it = it->next) {
		struct jpath kp = { p, it->string ? it->string : "", 0 };
		size_t i = 0;

		while (i < n && strcmp(fields[i].key, kp.key) != 0)
			i++;
		if (i == n)
			return fail_unknown_key(c, &kp, fields, n);
		if (*seen & (1u << i))
			return scn_fail(
				c, &kp,
				"duplicate key \"%s\" (each key may appear once in an object)",
				kp.key);
		*seen |= 1u << i;
		if (fields[i].fn != NULL &&
		    !fields[i].fn(c, it, &kp, (char *)base + fields[i].off, &fields[i]))
			return false;
	}
	return true;
}

bool scn_has_key(const struct field *fields, size_t n, uint32_t seen, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(fields[i].key, key) == 0)
			return (seen >> i) & 1u;
	g_error("scenario: no key %s in table", key);
}

bool scn_require_key(struct ctx *c, const struct jpath *p, const struct field *fields, size_t n,
                     uint32_t seen, const char *key, const char *example)
{
	if (scn_has_key(fields, n, seen, key))
		return true;
	return scn_fail(c, p, "missing \"%s\" (e.g. \"%s\": %s)", key, key, example);
}

bool scn_object(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		const struct field *f)
{
	uint32_t seen;

	if (!scn_parse_object(c, v, p, f->sub, f->nsub, dst, &seen))
		return false;
	for (const char *const *k = f->need; k && *k; k += 2)
		if (!scn_require_key(c, p, f->sub, f->nsub, seen, k[0], k[1]))
			return false;
	return true;
}

bool scn_read_array(struct ctx *c, const cJSON *v, const struct jpath *p, const char *what,
		    scn_item_fn read)
{
	long i = 0;

	if (!cJSON_IsArray(v))
		return scn_fail_found(c, p, v, what);
	for (const cJSON *it = v->child; it != NULL; it = it->next, i++) {
		struct jpath ep = { p, NULL, i };
		if (!read(c, it, &ep))
			return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Scalar handlers                                                      */

bool scn_read_uint(struct ctx *c, const cJSON *v, const struct jpath *p, uint64_t lo, uint64_t hi,
		   uint64_t *out)
{
	char what[96];
	uint64_t x = 0;

	if (hi == UINT64_MAX)
		g_snprintf(what, sizeof what, "an integer >= %" G_GUINT64_FORMAT, lo);
	else
		g_snprintf(what, sizeof what,
			   "an integer from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT, lo, hi);
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (!isfinite(d) || d != floor(d) || d < 0)
			return scn_fail_found(c, p, v, what);
		if (d > EXACT_INT_MAX)
			return scn_fail(c, p,
					"%.17g is too large to be exact as a JSON number; write it "
					"as a string "
					"of digits",
					d);
		x = (uint64_t)d;
	} else if (cJSON_IsString(v)) {
		/* Digit strings carry integers beyond 2^53 exactly. */
		if (!g_ascii_string_to_unsigned(v->valuestring, 10, 0, UINT64_MAX, &x, NULL))
			return scn_fail_found(c, p, v, what);
	} else {
		return scn_fail_found(c, p, v, what);
	}
	if (x < lo || x > hi)
		return scn_fail_found(c, p, v, what);
	*out = x;
	return true;
}

bool scn_read_bool(struct ctx *c, const cJSON *v, const struct jpath *p, bool *out)
{
	if (!cJSON_IsBool(v))
		return scn_fail_found(c, p, v, "true or false");
	*out = cJSON_IsTrue(v);
	return true;
}

bool scn_bool(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	(void)f;
	return scn_read_bool(c, v, p, dst);
}

bool scn_u64(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	return scn_read_uint(c, v, p, (uint64_t)f->lo, f->hi > 0 ? (uint64_t)f->hi : UINT64_MAX,
			     dst);
}

bool scn_u32(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst, const struct field *f)
{
	uint64_t x;

	if (!scn_read_uint(c, v, p, (uint64_t)f->lo, f->hi > 0 ? (uint64_t)f->hi : UINT32_MAX, &x))
		return false;
	*(uint32_t *)dst = (uint32_t)x;
	return true;
}

/* A finite number in [f->lo, f->hi]; f->hi == 0 means no upper bound. */
bool scn_double(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		const struct field *f)
{
	char what[96];
	double d;

	if (f->hi > 0)
		g_snprintf(what, sizeof what, "a number from %g to %g", f->lo, f->hi);
	else
		g_snprintf(what, sizeof what, "a number >= %g", f->lo);
	if (!cJSON_IsNumber(v))
		return scn_fail_found(c, p, v, what);
	d = v->valuedouble;
	if (!isfinite(d) || d < f->lo || (f->hi > 0 && d > f->hi))
		return scn_fail_found(c, p, v, what);
	*(double *)dst = d;
	return true;
}

/* Pareto shape: the mean is finite only above 1. */
bool scn_pareto_shape(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		      const struct field *f)
{
	static const char what[] = "a number above 1 (the Pareto mean is infinite at 1 and below)";

	(void)f;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || !(v->valuedouble > 1))
		return scn_fail_found(c, p, v, what);
	*(double *)dst = v->valuedouble;
	return true;
}

bool scn_duration(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		  const struct field *f)
{
	const char *why = NULL;
	simtime_t t;

	if (!cJSON_IsString(v) || !units_parse_duration(v->valuestring, &t, &why))
		return scn_fail_found(
			c, p, v, why ? why : "a duration like \"250ms\", \"4.5s\" or \"2m13s\"");
	if (f->lo > 0 && t < (simtime_t)f->lo)
		return scn_fail_found(c, p, v, "a duration above zero");
	*(simtime_t *)dst = t;
	return true;
}

bool scn_hashrate(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		  const struct field *f)
{
	const char *why = "a hash rate like \"60kH/s\"";

	(void)f;
	if (!cJSON_IsString(v) || !units_parse_hashrate(v->valuestring, dst, &why))
		return scn_fail_found(c, p, v, why);
	return true;
}

/* A probability: a number in [0, 1]. */
bool scn_fraction(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		  const struct field *f)
{
	(void)f;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0 ||
	    v->valuedouble > 1)
		return scn_fail_found(c, p, v, "a probability from 0 to 1");
	*(double *)dst = v->valuedouble;
	return true;
}

bool scn_bandwidth(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		   const struct field *f)
{
	const char *why = "a bandwidth like \"100Mbit/s\" or \"unlimited\"";

	(void)f;
	if (cJSON_IsString(v) && strcmp(v->valuestring, "unlimited") == 0) {
		*(double *)dst = 0;
		return true;
	}
	if (!cJSON_IsString(v) || !units_parse_bandwidth(v->valuestring, dst, &why))
		return scn_fail_found(c, p, v, why);
	return true;
}

/* A size: an integer (bytes) or a string with a unit ("1KB"). */
bool scn_size(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
	      const struct field *f)
{
	const char *why = "a size like 250 (bytes) or \"1KB\"";
	uint64_t b;

	if (cJSON_IsNumber(v))
		return scn_u64(c, v, p, dst, f);
	if (!cJSON_IsString(v) || !units_parse_size(v->valuestring, &b, &why))
		return scn_fail_found(c, p, v, why);
	if (b < (uint64_t)f->lo)
		return scn_fail_found(c, p, v, "a size of at least 1 byte");
	*(uint64_t *)dst = b;
	return true;
}

bool scn_difficulty(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		    const struct field *f)
{
	(void)f;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0 ||
	    v->valuedouble > DIFFICULTY_MAX)
		return scn_fail_found(
			c, p, v,
			"a difficulty in leading hex zeros from 0 to 60 (fractions allowed)");
	*(uint32_t *)dst = (uint32_t)lround(v->valuedouble * 1000);
	return true;
}

void scn_append_names(GString *g, const char *const *names)
{
	for (size_t i = 0; names[i] != NULL; i++)
		g_string_append_printf(g, "%s\"%s\"", i ? ", " : "", names[i]);
}

/* The index of V's string in NAMES, or -1 with the error set. */
int scn_read_enum(struct ctx *c, const cJSON *v, const struct jpath *p, const char *const *names)
{
	GString *g;

	if (cJSON_IsString(v))
		for (int i = 0; names[i] != NULL; i++)
			if (strcmp(names[i], v->valuestring) == 0)
				return i;
	g = g_string_new("one of ");
	scn_append_names(g, names);
	scn_fail_found(c, p, v, g->str);
	g_string_free(g, TRUE);
	return -1;
}

/* Every enum the format reads (config.h and the headers it composes) is
 * int-sized with values from 0 in order. */
G_STATIC_ASSERT(sizeof(enum mining_mode) == sizeof(int));

G_STATIC_ASSERT(sizeof(enum relay) == sizeof(int));

bool scn_enum(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
	      const struct field *f)
{
	int i = scn_read_enum(c, v, p, f->names);

	if (i < 0)
		return false;
	memcpy(dst, &i, sizeof i);
	return true;
}

/* A string from F->names, kept as a string. */
bool scn_kind(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
	      const struct field *f)
{
	if (scn_read_enum(c, v, p, f->names) < 0)
		return false;
	g_free(*(char **)dst);
	*(char **)dst = g_strdup(v->valuestring);
	return true;
}

bool scn_string(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		const struct field *f)
{
	(void)f;
	if (!cJSON_IsString(v))
		return scn_fail_found(c, p, v, "a string");
	g_free(*(char **)dst);
	*(char **)dst = g_strdup(v->valuestring);
	return true;
}

/* Checked and dropped: a free-text description for people. */
bool scn_comment(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
		 const struct field *f)
{
	(void)dst;
	(void)f;
	if (!cJSON_IsString(v))
		return scn_fail_found(c, p, v, "a string");
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

bool scn_name(struct ctx *c, const cJSON *v, const struct jpath *p, void *dst,
	      const struct field *f)
{
	if (!cJSON_IsString(v) || !name_ok(v->valuestring))
		return scn_fail_found(c, p, v,
				      "a name of 1 to 32 characters from A-Z a-z 0-9 _ - . (not "
				      "starting with . or -)");
	return scn_string(c, v, p, dst, f);
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

bool scn_fail_json(struct ctx *c, const char *text, size_t len, const char *at)
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
			g_string_append_printf(near, "; nested deeper than %d levels",
					       CJSON_NESTING_LIMIT);
		else if (open)
			g_string_append(near, "; the file ends inside an unclosed string, object "
					      "or array (truncated?)");
	}
	g_set_error(c->err, SCENARIO_ERROR, SCENARIO_ERROR_INPUT, "%s:%u:%u: %s", c->file, line,
		    col, near->str);
	g_string_free(near, TRUE);
	return false;
}

/* The first string (value or key) holding a marked NUL: an error naming
 * its path. */
bool scn_find_nul(struct ctx *c, const cJSON *v, const struct jpath *p)
{
	long i = 0;

	if (cJSON_IsString(v) && strchr(v->valuestring, '\x01') != NULL)
		return scn_fail(
			c, p,
			"expected text without NUL characters, found \\u0000 inside a string");
	for (const cJSON *it = v->child; it != NULL; it = it->next, i++) {
		struct jpath ip = cJSON_IsObject(v) ? (struct jpath){ p, it->string, 0 }
						    : (struct jpath){ p, NULL, i };
		if (cJSON_IsObject(v) && it->string != NULL && strchr(it->string, '\x01') != NULL)
			return scn_fail(c, p,
					"expected keys without NUL characters, found \\u0000 "
					"inside key %ld",
					i + 1);
		if (!scn_find_nul(c, it, &ip))
			return false;
	}
	return true;
}

/* Empty, NUL bytes, not UTF-8: each gets its own message. */
bool scn_check_text(struct ctx *c, const char *text, size_t len)
{
	const char *bad, *nul = memchr(text, '\0', len);
	size_t i = 0;
	unsigned line, col;

	while (i < len && g_ascii_isspace(text[i]))
		i++;
	if (i == len)
		return scn_fail(c, NULL, "the file is empty; expected a JSON object like "
		            "{\"nodes\": [...], \"stop\": {\"time\": \"10min\"}}");
	if (nul != NULL)
		return scn_fail(c, NULL,
				"not a text file (a NUL byte at offset %zu); expected JSON",
				(size_t)(nul - text));
	if (!g_utf8_validate(text, (gssize)len, &bad)) {
		line_col(text, (size_t)(bad - text), &line, &col);
		g_set_error(c->err, SCENARIO_ERROR, SCENARIO_ERROR_INPUT,
			    "%s:%u:%u: not UTF-8 text (a binary file?); expected JSON", c->file,
			    line, col);
		return false;
	}
	return true;
}
