/* plot: the figures of a finished run, drawn by gnuplot.
 *
 * The figures are plain gnuplot scripts (plots/NAME.gp), one per figure, each
 * readable on its own and runnable by hand; this module only finds them,
 * checks that a run directory holds the CSVs they read (the output contract
 * in README.md), runs gnuplot on each with g_spawn_sync (an argv, no shell)
 * and puts the PNG (pngcairo) and SVG files in place. Variables reach the
 * scripts with `-e "dir='...'; out='...'"`; a single quote in a path is
 * doubled, as gnuplot's single-quoted strings want, and control characters
 * are refused.
 *
 * Scripts are looked up in $POWSIM_PLOTS if set, else in the `plots`
 * directory beside the running executable (/proc/self/exe), else in
 * ../share/powsim/plots beside it, else in ./plots. gnuplot is looked up in
 * PATH. Needs gnuplot >= 5.4 (the scripts rely on stats warning, not
 * failing, on empty data).
 */
#ifndef POWSIM_PLOT_H
#define POWSIM_PLOT_H

#include <stdbool.h>

#include <glib.h>

#define PLOT_ERROR (plot_error_quark())
GQuark plot_error_quark(void);

enum plot_error {
	PLOT_ERROR_INPUT,   /* a run directory or CSV is missing or malformed */
	PLOT_ERROR_GNUPLOT, /* gnuplot missing or failed; the message has its stderr */
	PLOT_ERROR_IO,      /* scripts not found, cannot create or rename outputs */
};

/* Render every figure of the finished run in DIR into DIR/plots/
 * (intervals, forks, propagation, backlog, miners; each NAME.png, 1200x700,
 * and NAME.svg). Figures are drawn in a temporary directory inside DIR and
 * renamed into DIR/plots/ only when all succeeded, so a failure leaves the
 * earlier figures in place. Returns false with ERR (PLOT_ERROR) naming what
 * failed: the missing file, or gnuplot's own error output. */
bool plot_run(const char *dir, GError **err);

/* Overlay the block-interval and fork figures of the N runs DIRS into
 * OUTDIR (created if needed): intervals-compare and forks-compare, PNG and
 * SVG. LABELS[i] names DIRS[i] in the legend; a NULL LABELS, or a NULL
 * entry, names a run by the last component of its directory (the
 * scenario's name under the default out/<scenario>/), with the parent
 * directory added when two runs share that name. Returns false with ERR. */
bool plot_compare(const char *const *dirs, const char *const *labels, unsigned n,
		  const char *outdir, GError **err);

/* Run the script plots/SCRIPT.gp with the N variables NAMES[i]=VALUES[i]
 * (strings) and out= a temporary directory (ending in '/') into which the
 * script writes whatever figures it draws (out."stale_rate.png", ...);
 * once gnuplot succeeded, every file there is renamed into OUTDIR
 * (created if needed). For figures whose number depends on the data, as
 * a sweep's one per metric. Returns false with ERR. */
bool plot_script(const char *script, const char *const *names, const char *const *values, unsigned n,
		 const char *outdir, GError **err);

#endif
