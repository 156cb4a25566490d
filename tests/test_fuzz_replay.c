/* Replays every input the fuzzers ever failed on (tests/fuzz/crashes-
 * fixed/, one file each, named after what it found) through both fuzz
 * targets, the reader's and the whole run's: each must now pass without
 * an assertion or a sanitizer report. A cheap test: the inputs are
 * small, and the run target cuts every run short. */
#include <glib.h>

#define LLVMFuzzerTestOneInput fuzz_run_one
#include "fuzz/fuzz_run.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_scenario_one
#include "fuzz/fuzz_scenario.c"
#undef LLVMFuzzerTestOneInput

#ifndef CRASHES_DIR
#define CRASHES_DIR "tests/fuzz/crashes-fixed"
#endif

static gint by_name(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

static void replay(gconstpointer path)
{
	char *text = NULL;
	gsize len = 0;
	GError *err = NULL;

	g_assert_true(g_file_get_contents(path, &text, &len, &err));
	g_assert_no_error(err);
	fuzz_scenario_one((const uint8_t *)text, len);
	fuzz_run_one((const uint8_t *)text, len);
	g_free(text);
}

int main(int argc, char **argv)
{
	GDir *dir;
	const char *name;
	GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
	GError *err = NULL;

	g_test_init(&argc, &argv, NULL);
	dir = g_dir_open(CRASHES_DIR, 0, &err);
	g_assert_no_error(err);
	while ((name = g_dir_read_name(dir)) != NULL)
		if (g_str_has_suffix(name, ".json"))
			g_ptr_array_add(paths, g_build_filename(CRASHES_DIR, name, NULL));
	g_dir_close(dir);
	g_ptr_array_sort(paths, by_name);
	g_assert_cmpuint(paths->len, >, 0);
	for (guint i = 0; i < paths->len; i++) {
		char *base = g_path_get_basename(g_ptr_array_index(paths, i));
		char *test = g_strdup_printf("/fuzz/replay/%s", base);
		g_test_add_data_func(test, g_ptr_array_index(paths, i), replay);
		g_free(test);
		g_free(base);
	}
	int rc = g_test_run();
	g_ptr_array_unref(paths);
	return rc;
}
