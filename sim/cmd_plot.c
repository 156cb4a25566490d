/* powsim plot: draw the figures of finished runs (see plot.h). */
#include <stdio.h>

#include <glib.h>

#include "commands.h"
#include "powsim/plot.h"

/* Where `powsim plot DIR1 DIR2 ...` writes when --out is not given. */
#define DEFAULT_COMPARE_DIR "compare"

int cmd_plot(int argc, char **argv)
{
	char *out = NULL;
	char **labels = NULL;
	GOptionEntry entries[] = {
		{ "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
		  "Comparison only: write the figures to OUTDIR (default ./" DEFAULT_COMPARE_DIR "/)", "OUTDIR" },
		{ "label", 'l', 0, G_OPTION_ARG_STRING_ARRAY, &labels,
		  "Comparison only: legend entry of the next run, in order (repeat; default: the "
		  "directory's name)", "NAME" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_set_prgname("powsim plot");
	g_autoptr(GOptionContext) ctx = g_option_context_new("DIR [DIR2 ...] - draw the figures of finished runs");
	g_option_context_set_summary(ctx,
		"With one DIR: render every figure of that run into DIR/plots/ (intervals, forks,\n"
		"propagation, backlog, miners; PNG 1200x700 and SVG).\n"
		"With several: overlay their block-interval and fork figures into OUTDIR\n"
		"(intervals-compare, forks-compare), one legend entry per run.");
	g_option_context_set_description(ctx,
		"The figures are the gnuplot scripts in plots/ (or $POWSIM_PLOTS); see plots/README.md.\n"
		"One run's figures are drawn into a staging directory and replace DIR/plots/ in one\n"
		"step, only when every figure was written whole; a run directory in use by a run\n"
		"is refused.\n"
		"Exit status: 0 done; 2 a run directory or CSV is missing or bad, or the directory\n"
		"is in use; 3 gnuplot is missing or failed, or a figure could not be written (a\n"
		"full disk included); the earlier figures are then kept.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	GError *err = NULL;
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "powsim plot: %s\n", err->message);
		g_error_free(err);
		return EXIT_INPUT;
	}
	int rc = EXIT_OK;
	unsigned n = argc > 1 ? (unsigned)(argc - 1) : 0;
	const char *const *dirs = (const char *const *)argv + 1;
	unsigned n_labels = labels ? g_strv_length(labels) : 0;
	if (n == 0) {
		fprintf(stderr, "powsim plot: expected a run directory (powsim plot DIR); see --help\n");
		rc = EXIT_INPUT;
	} else if (n == 1 && (out || labels)) {
		fprintf(stderr, "powsim plot: --out and --label apply to comparisons of several runs; "
				"one run's figures always go to %s/plots/\n", dirs[0]);
		rc = EXIT_INPUT;
	} else if (n_labels > n) {
		fprintf(stderr, "powsim plot: %u --label options for %u runs\n", n_labels, n);
		rc = EXIT_INPUT;
	} else if (n == 1) {
		if (plot_run(dirs[0], &err))
			printf("powsim plot: wrote the figures of %s to %s/plots/\n", dirs[0], dirs[0]);
	} else {
		const char *outdir = out ? out : DEFAULT_COMPARE_DIR;
		/* Missing labels fall back to directory names. */
		g_autofree const char **all = g_new0(const char *, n);
		for (unsigned i = 0; i < n_labels; i++)
			all[i] = labels[i];
		if (plot_compare(dirs, all, n, outdir, &err))
			printf("powsim plot: wrote the comparison of %u runs to %s/\n", n, outdir);
	}
	if (err) {
		fprintf(stderr, "powsim plot: %s\n", err->message);
		rc = g_error_matches(err, PLOT_ERROR, PLOT_ERROR_INPUT) ||
		     g_error_matches(err, PLOT_ERROR, PLOT_ERROR_BUSY) ? EXIT_INPUT : EXIT_INTERNAL;
		g_error_free(err);
	}
	g_free(out);
	g_strfreev(labels);
	return rc;
}
