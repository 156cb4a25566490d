/* scenario_set: --set PATH=VALUE, applied to the JSON tree before it is
 * read, so a value set there is checked like one from the file. */
#include "scenario_int.h"

#include <string.h>

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
			bool ok = digits &&
				  g_ascii_string_to_unsigned(digits, 10, 0, 1000000000, &v, NULL);
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
char *scn_mark_nul(const char *text, size_t len, bool *found)
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
	marked = scn_mark_nul(value, n, nul_marked);
	v = cJSON_ParseWithOpts(marked, NULL, 1);
	g_free(marked);
	return v != NULL ? v : cJSON_CreateString(value);
}

/* TEXT (LEN bytes) as JSON, NUL escapes marked; NULL if it does not parse. */
cJSON *scn_parse_value_text(const char *text, size_t len, bool *nul_marked)
{
	char *marked = scn_mark_nul(text, len, nul_marked);
	cJSON *v = cJSON_Parse(marked);
	g_free(marked);
	return v;
}

static const char *type_name(const cJSON *v)
{
	return cJSON_IsObject(v)   ? "an object"
	       : cJSON_IsArray(v)  ? "an array"
	       : cJSON_IsString(v) ? "a string"
	       : cJSON_IsNumber(v) ? "a number"
	       : cJSON_IsBool(v)   ? "a boolean"
				   : "null";
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
	if (s->key != NULL ? !cJSON_AddItemToObject(cur, s->key, child)
			   : !cJSON_AddItemToArray(cur, child)) {
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
		return g_strdup_printf("%s is %s, so it has no key \"%s\"", where, type_name(cur),
				       s->key);
	if (s->key == NULL && !cJSON_IsArray(cur))
		return g_strdup_printf("%s is %s, so it has no index [%ld]", where, type_name(cur),
				       s->index);
	if (s->key == NULL && s->index > cJSON_GetArraySize(cur))
		return g_strdup_printf(
			"%s has %d elements; [%ld] is out of range (use [%d] to add one)", where,
			cJSON_GetArraySize(cur), s->index, cJSON_GetArraySize(cur));
	return NULL;
}

static bool fail_override(struct ctx *c, const char *text, const char *msg)
{
	return scn_fail(c, NULL, "--set %s: %s", text, msg);
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
static char *put_path(cJSON *root, const GArray *segs, const char *value, GString *where,
		      char **created, bool *nul_marked)
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

bool scn_apply_override(struct ctx *c, cJSON *root, const char *text)
{
	const char *eq = strchr(text, '=');
	GArray *segs = g_array_new(FALSE, FALSE, sizeof(struct seg));
	char *path = eq ? g_strndup(text, (gsize)(eq - text)) : NULL, *msg;
	struct override *o = g_new0(struct override, 1);
	GString *where = g_string_new(NULL);
	bool ok;

	g_array_set_clear_func(segs, seg_clear);
	if (path == NULL || !parse_path(path, segs))
		msg = g_strdup("expected PATH=VALUE with PATH like consensus.difficulty or "
			       "nodes[0].hashrate");
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

void scn_override_free(void *p)
{
	struct override *o = p;

	g_free(o->path);
	g_free(o->created);
	g_free(o->text);
	g_free(o);
}
