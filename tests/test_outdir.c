/* outdir: staging beside the target, one-step replacement, refusals, the
 * lock, and what killed processes leave behind. */
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "powsim/outdir.h"

static const char *const run_files[] = { "a.csv", "b.json", "plots", NULL };

static char *make_root(void)
{
	GError *err = NULL;
	char *root = g_dir_make_tmp("outdir-XXXXXX", &err);
	g_assert_no_error(err);
	return root;
}

static void put(const char *dir, const char *name, const char *text)
{
	g_autofree char *p = g_build_filename(dir, name, NULL);
	GError *err = NULL;
	g_file_set_contents(p, text, -1, &err);
	g_assert_no_error(err);
}

static char *get(const char *dir, const char *name)
{
	g_autofree char *p = g_build_filename(dir, name, NULL);
	char *text = NULL;
	if (!g_file_get_contents(p, &text, NULL, NULL))
		return NULL;
	return text;
}

static gint cmp_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of DIR, sorted and joined by spaces ("" if empty). */
static char *listing(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	g_assert_nonnull(d);
	GPtrArray *a = g_ptr_array_new();
	const char *n;
	while ((n = g_dir_read_name(d)))
		g_ptr_array_add(a, g_strdup(n));
	g_dir_close(d);
	g_ptr_array_sort(a, cmp_names);
	g_ptr_array_add(a, NULL);
	char **v = (char **)g_ptr_array_free(a, FALSE);
	char *s = g_strjoinv(" ", v);
	g_strfreev(v);
	return s;
}

static void cleanup(char *root)
{
	g_assert_true(outdir_remove_tree(root, NULL));
	g_free(root);
}

static void test_fresh(void)
{
	char *root = make_root();
	g_autofree char *target = g_build_filename(root, "run", NULL);
	GError *err = NULL;
	outdir_lock_t *l = outdir_lock(target, &err);
	g_assert_no_error(err);
	outdir_t *o = outdir_begin(target, run_files, &err);
	g_assert_no_error(err);
	g_assert_false(g_file_test(target, G_FILE_TEST_EXISTS));
	put(outdir_staging(o), "a.csv", "new");
	g_assert_true(outdir_commit(o, &err));
	g_assert_no_error(err);
	outdir_free(o);
	outdir_unlock(l);
	g_autofree char *a = get(target, "a.csv");
	g_assert_cmpstr(a, ==, "new");
	g_autofree char *ls = listing(root);
	g_assert_cmpstr(ls, ==, ".run.lock run");
	cleanup(root);
}

/* An earlier run and its figures are replaced whole: nothing of it stays. */
static void test_replace(void)
{
	char *root = make_root();
	g_autofree char *target = g_build_filename(root, "run", NULL);
	g_autofree char *plots = g_build_filename(target, "plots", NULL);
	g_assert_cmpint(g_mkdir_with_parents(plots, 0755), ==, 0);
	put(target, "a.csv", "old");
	put(target, "b.json", "old");
	put(plots, "x.png", "old");
	GError *err = NULL;
	outdir_t *o = outdir_begin(target, run_files, &err);
	g_assert_no_error(err);
	put(outdir_staging(o), "a.csv", "new");
	g_autofree char *before = get(target, "a.csv");
	g_assert_cmpstr(before, ==, "old");
	g_assert_true(outdir_commit(o, &err));
	outdir_free(o);
	g_autofree char *ls = listing(target);
	g_assert_cmpstr(ls, ==, "a.csv");
	g_autofree char *up = listing(root);
	g_assert_cmpstr(up, ==, "run");
	cleanup(root);
}

/* Dropped without a commit: the target is as it was, no staging left. */
static void test_abandon(void)
{
	char *root = make_root();
	g_autofree char *target = g_build_filename(root, "run", NULL);
	g_assert_cmpint(g_mkdir(target, 0755), ==, 0);
	put(target, "a.csv", "old");
	GError *err = NULL;
	outdir_t *o = outdir_begin(target, run_files, &err);
	g_assert_no_error(err);
	put(outdir_staging(o), "a.csv", "new");
	outdir_free(o);
	g_autofree char *a = get(target, "a.csv");
	g_assert_cmpstr(a, ==, "old");
	g_autofree char *up = listing(root);
	g_assert_cmpstr(up, ==, "run");
	cleanup(root);
}

static void test_refused(void)
{
	char *root = make_root();
	g_autofree char *target = g_build_filename(root, "run", NULL);
	g_assert_cmpint(g_mkdir(target, 0755), ==, 0);
	put(target, "a.csv", "old");
	put(target, "thesis.tex", "mine");
	GError *err = NULL;
	g_assert_null(outdir_begin(target, run_files, &err));
	g_assert_error(err, OUTDIR_ERROR, OUTDIR_ERROR_REFUSED);
	g_assert_nonnull(strstr(err->message, "thesis.tex"));
	g_clear_error(&err);
	g_autofree char *ls = listing(target);
	g_assert_cmpstr(ls, ==, "a.csv thesis.tex");
	/* A plain file and a symbolic link are refused too. */
	g_autofree char *file = g_build_filename(root, "file", NULL);
	put(root, "file", "x");
	g_assert_null(outdir_begin(file, run_files, &err));
	g_assert_error(err, OUTDIR_ERROR, OUTDIR_ERROR_REFUSED);
	g_clear_error(&err);
	g_autofree char *link = g_build_filename(root, "link", NULL);
	g_assert_cmpint(symlink(target, link), ==, 0);
	g_assert_null(outdir_begin(link, run_files, &err));
	g_assert_error(err, OUTDIR_ERROR, OUTDIR_ERROR_REFUSED);
	g_clear_error(&err);
	g_autofree char *up = listing(root);
	g_assert_cmpstr(up, ==, "file link run");
	cleanup(root);
}

/* A second lock on one target is refused at once, naming the holder;
 * flock() locks belong to open files, so this holds within one process. */
static void test_lock(void)
{
	char *root = make_root();
	g_autofree char *target = g_build_filename(root, "deep", "run", NULL);
	GError *err = NULL;
	outdir_lock_t *a = outdir_lock(target, &err);
	g_assert_no_error(err);
	g_assert_null(outdir_lock(target, &err));
	g_assert_error(err, OUTDIR_ERROR, OUTDIR_ERROR_BUSY);
	g_autofree char *pid = g_strdup_printf("process %ld", (long)getpid());
	g_assert_nonnull(strstr(err->message, pid));
	g_clear_error(&err);
	/* Another target in the same parent is free. */
	g_autofree char *other = g_build_filename(root, "deep", "run2", NULL);
	outdir_lock_t *b = outdir_lock(other, &err);
	g_assert_no_error(err);
	outdir_unlock(b);
	outdir_unlock(a);
	a = outdir_lock(target, &err);
	g_assert_no_error(err);
	outdir_unlock(a);
	cleanup(root);
}

/* What a killed process left: staging directories go (and only ours);
 * a set-aside earlier run comes back when the target is missing. */
static void test_leftovers(void)
{
	char *root = make_root();
	g_autofree char *target = g_build_filename(root, "run", NULL);
	g_autofree char *stale = g_build_filename(root, ".run.staging-AbC123", NULL);
	g_autofree char *other = g_build_filename(root, ".run.staging-x.staging-AbC123", NULL);
	g_autofree char *aside = g_build_filename(root, ".run.old-Zz9876", NULL);
	g_assert_cmpint(g_mkdir(stale, 0755), ==, 0);
	g_assert_cmpint(g_mkdir(other, 0755), ==, 0);
	g_assert_cmpint(g_mkdir(aside, 0755), ==, 0);
	put(stale, "a.csv", "half");
	put(aside, "a.csv", "earlier");
	GError *err = NULL;
	outdir_t *o = outdir_begin(target, run_files, &err);
	g_assert_no_error(err);
	g_autofree char *a = get(target, "a.csv");
	g_assert_cmpstr(a, ==, "earlier");
	g_assert_false(g_file_test(stale, G_FILE_TEST_EXISTS));
	g_assert_true(g_file_test(other, G_FILE_TEST_IS_DIR));
	outdir_free(o);
	g_autofree char *up = listing(root);
	g_assert_cmpstr(up, ==, ".run.staging-x.staging-AbC123 run");
	cleanup(root);
}

/* Removing a tree never follows a symbolic link out of it. */
static void test_remove_tree(void)
{
	char *root = make_root();
	g_autofree char *keep = g_build_filename(root, "keep", NULL);
	g_autofree char *tree = g_build_filename(root, "tree", "sub", NULL);
	g_assert_cmpint(g_mkdir_with_parents(keep, 0755), ==, 0);
	g_assert_cmpint(g_mkdir_with_parents(tree, 0755), ==, 0);
	put(keep, "precious", "x");
	put(tree, "f", "y");
	g_autofree char *link = g_build_filename(tree, "link", NULL);
	g_assert_cmpint(symlink(keep, link), ==, 0);
	g_autofree char *top = g_build_filename(root, "tree", NULL);
	GError *err = NULL;
	g_assert_true(outdir_remove_tree(top, &err));
	g_assert_no_error(err);
	g_assert_false(g_file_test(top, G_FILE_TEST_EXISTS));
	g_autofree char *p = get(keep, "precious");
	g_assert_cmpstr(p, ==, "x");
	cleanup(root);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/outdir/fresh", test_fresh);
	g_test_add_func("/outdir/replace", test_replace);
	g_test_add_func("/outdir/abandon", test_abandon);
	g_test_add_func("/outdir/refused", test_refused);
	g_test_add_func("/outdir/lock", test_lock);
	g_test_add_func("/outdir/leftovers", test_leftovers);
	g_test_add_func("/outdir/remove-tree", test_remove_tree);
	return g_test_run();
}
