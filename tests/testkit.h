/* testkit: helpers shared by the tests that run whole worlds in-process
 * (test_world, test_txs, test_timeline): temporary directories, writing
 * the traces, reading them back. static inline, so a test pays only for
 * what it uses. */
#ifndef POWSIM_TESTKIT_H
#define POWSIM_TESTKIT_H

#include <glib.h>
#include <glib/gstdio.h>

#include "powsim/trace.h"
#include "powsim/world.h"

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
	gboolean ok = trace_write(w, dir, &err);
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

#endif
