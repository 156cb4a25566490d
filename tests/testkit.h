/* testkit: helpers shared by the tests that run whole worlds in-process
 * (test_world, test_txs, test_timeline) and the transaction tests
 * (test_tx, test_ledger, test_mempool): signed transfers, temporary
 * directories, writing the traces, reading them back. static inline, so a test pays only for
 * what it uses. */
#ifndef POWSIM_TESTKIT_H
#define POWSIM_TESTKIT_H

#include <string.h>

#include <cjson/cJSON.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "powsim/trace.h"
#include "powsim/tx.h"
#include "powsim/world.h"

/* A transfer FROM -> TO, signed with FROM's key from K (created 0). */
static inline struct tx transfer(tx_keys_t *k, uint32_t from, uint32_t to, uint64_t amount,
				 uint64_t fee, uint32_t seq)
{
	struct tx t;
	memset(&t, 0, sizeof t);
	t.sender = from;
	t.recipient = to;
	t.amount = amount;
	t.fee = fee;
	t.seq = seq;
	tx_sign(&t, k);
	return t;
}

/* A new temporary directory (free with rm_dir). */
static inline char *tmpdir(void)
{
	GError *err = NULL;
	char *d = g_dir_make_tmp("powsim-test-XXXXXX", &err);
	g_assert_no_error(err);
	return d;
}

/* Write W's outputs into DIR, or fail the test. */
static inline void write_traces(const world_t *w, const char *dir)
{
	GError *err = NULL;
	struct report *r = report_new(w);
	gboolean ok = trace_write(r, dir, &err);
	report_free(r);
	g_assert_no_error(err);
	g_assert_true(ok);
}

/* Remove DIR and the files in it (no subdirectories), and free DIR. */
static inline void rm_dir(char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name(d)) != NULL) {
		char *p = g_build_filename(dir, name, NULL);
		g_remove(p);
		g_free(p);
	}
	if (d)
		g_dir_close(d);
	g_rmdir(dir);
	g_free(dir);
}

/* A new world for SC, run to its end (or until *STOP, if STOP). */
static inline world_t *run_world(const struct scenario *sc, volatile sig_atomic_t *stop)
{
	GError *err = NULL;
	world_t *w = world_new(sc, &err);
	g_assert_no_error(err);
	g_assert_nonnull(w);
	world_run(w, stop);
	return w;
}

/* The contents of DIR/NAME, or fail the test. */
static inline char *slurp(const char *dir, const char *name)
{
	char *path = g_build_filename(dir, name, NULL), *text = NULL;
	GError *err = NULL;
	g_file_get_contents(path, &text, NULL, &err);
	g_assert_no_error(err);
	g_free(path);
	return text;
}

/* A CSV file as rows of fields (header row first); free with
 * g_ptr_array_unref(). Fields of powsim's CSVs never hold commas. */
static inline GPtrArray *csv_read(const char *dir, const char *name)
{
	char *text = slurp(dir, name);
	GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	char **lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++)
		if (**l)
			g_ptr_array_add(rows, g_strsplit(*l, ",", -1));
	g_strfreev(lines);
	g_free(text);
	g_assert_cmpuint(rows->len, >=, 1);
	return rows;
}

/* The index of column NAME in ROWS' header row, or fail the test. */
static inline int csv_col(GPtrArray *rows, const char *name)
{
	char **h = g_ptr_array_index(rows, 0);
	for (int i = 0; h[i]; i++)
		if (strcmp(h[i], name) == 0)
			return i;
	g_error("no column \"%s\"", name);
	return -1;
}

/* The string or number at KEY of JSON object O, or fail the test. */
static inline const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsString(v))
		g_error("\"%s\" is not a string", key);
	return v->valuestring;
}

static inline double jnum(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsNumber(v))
		g_error("\"%s\" is not a number", key);
	return v->valuedouble;
}

/* DIR/NAME parsed as JSON, or fail the test (cJSON_Delete it). */
static inline cJSON *parse_file(const char *dir, const char *name)
{
	char *text = slurp(dir, name);
	cJSON *j = cJSON_Parse(text);
	if (!j)
		g_error("%s/%s does not parse near: %.40s", dir, name, cJSON_GetErrorPtr());
	g_free(text);
	return j;
}

#endif
