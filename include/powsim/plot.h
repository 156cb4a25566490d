/* plot: the figures of a finished run, drawn by gnuplot.
 *
 * The figures are plain gnuplot scripts (plots/NAME.gp), one per figure, each
 * readable on its own and runnable by hand; this module only finds them,
 * checks that a run directory holds the CSVs they read (the output contract
 * in README.md), runs gnuplot on each with g_spawn_sync (an argv, no shell)
 * and puts the PNG (pngcairo) and SVG files in place. Variables reach the
 * scripts with `-e "dir='...'; out='...'"`; a single quote in a path is
 * doubled, as gnuplot's single-quoted strings want, and control characters
 * are refused. gnuplot reports no write errors (a full disk gives a short
 * file and exit status 0), so every figure is checked to be whole (a PNG
 * ending with its IEND chunk, an SVG with its closing tag): a failure to
 * write a figure is always an error, never a silent empty PNG.
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
	PLOT_ERROR_IO,      /* scripts not found, cannot create, write or rename outputs */
	PLOT_ERROR_BUSY,    /* another process holds the run directory's lock */
};

/* Where a run's figures go inside its directory. */
#define PLOT_SUBDIR "plots"

/* Glob patterns of what the figures leave in a run directory (PLOT_SUBDIR
 * and the names of its staging directories), NULL-terminated: a run may
 * replace a directory holding these (outdir_begin()'s MAY_HOLD). */
extern const char *const plot_run_entries[];

/* Render every figure of the finished run in DIR into DIR/plots/
 * (intervals, forks, propagation, backlog, miners; each NAME.png, 1200x700,
 * and NAME.svg), holding DIR's lock (outdir_lock()) meanwhile. Figures are
 * drawn in a staging directory and DIR/plots/ is replaced by it in one
 * step only when all succeeded (outdir.h), so a failure leaves the earlier
 * figures in place. DIR/plots/ may hold only these figures. Returns false
 * with ERR (PLOT_ERROR) naming what failed: the missing file, gnuplot's
 * own error output, the incomplete figure, or the process holding the
 * lock (PLOT_ERROR_BUSY). */
bool plot_run(const char *dir, GError **err);

/* Draw the figures of the run in DIR, titled NAME, into the directory
 * INTO (created if needed; it should be empty), with no lock and no
 * replacing: for a caller that writes a whole run directory itself
 * (powsim run --plot draws into its staging directory). Returns false
 * with ERR as plot_run(); INTO then holds partial figures. */
bool plot_render(const char *dir, const char *name, const char *into, GError **err);

/* Whether figures can be drawn at all: the scripts are found and gnuplot
 * is on PATH. Returns false with ERR (PLOT_ERROR_IO or _GNUPLOT). Lets a
 * run asked for figures fail before it simulates anything. */
bool plot_available(GError **err);

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
