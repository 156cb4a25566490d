/* plot: run gnuplot over the scripts in plots/ (see plot.h). */
#include "powsim/plot.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "powsim/csv.h"
#include "powsim/outdir.h"

G_DEFINE_QUARK(powsim-plot-error-quark, plot_error)

/* The figures of one run, in the order they are drawn. */
static const char *const run_figures[] = {
	"intervals", "forks", "propagation", "backlog", "miners",
};
static const char *const compare_figures[] = { "intervals-compare", "forks-compare" };

const char *const plot_run_entries[] = {
	PLOT_SUBDIR, "." PLOT_SUBDIR ".staging-*", "." PLOT_SUBDIR ".old-*", ".plots-*", NULL,
};

/* The CSVs the scripts read and the columns they rely on (csv.h). */
struct run_file {
	const char *name;
	const char *header;
	bool for_compare; /* read by the comparison figures too */
};
static const struct run_file run_files[] = {
	{ "blocks.csv", CSV_BLOCKS, true },
	{ "reorgs.csv", CSV_REORGS, true },
	{ "txs.csv", CSV_TXS, false },
	{ "timeline.csv", CSV_TIMELINE, false },
	{ "events.csv", CSV_EVENTS, false },
	{ "phases.csv", CSV_PHASES, true },
	{ "miners.csv", CSV_MINERS, false },
};

/* Check that FILE exists and starts with the expected header line. */
static bool check_csv(const char *dir, const struct run_file *f, GError **err)
{
	g_autofree char *path = g_build_filename(dir, f->name, NULL);
	FILE *fp = fopen(path, "r");
	if (!fp) {
		g_set_error(err, PLOT_ERROR, PLOT_ERROR_INPUT, "%s: %s (is %s a finished run directory?)",
			    path, g_strerror(errno), dir);
		return false;
	}
	char line[512];
	bool ok = fgets(line, sizeof line, fp) != NULL;
	fclose(fp);
	if (ok) {
		line[strcspn(line, "\r\n")] = '\0';
		size_t n = strlen(f->header);
		ok = strncmp(line, f->header, n) == 0 && (line[n] == '\0' || line[n] == ',');
	}
	if (!ok) {
		g_set_error(err, PLOT_ERROR, PLOT_ERROR_INPUT, "%s: expected the header row \"%s\", found \"%s\"",
			    path, f->header, line);
		return false;
	}
	return true;
}

static bool check_run_dir(const char *dir, bool compare_only, GError **err)
{
	if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		g_set_error(err, PLOT_ERROR, PLOT_ERROR_INPUT, "%s: no such run directory", dir);
		return false;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(run_files); i++) {
		if (compare_only && !run_files[i].for_compare)
			continue;
		if (!check_csv(dir, &run_files[i], err))
			return false;
	}
	return true;
}

static bool has_scripts(const char *dir)
{
	g_autofree char *probe = g_build_filename(dir, "intervals.gp", NULL);
	return g_file_test(probe, G_FILE_TEST_IS_REGULAR);
}

/* The directory holding the scripts (see plot.h for the search order). */
static char *find_scripts(GError **err)
{
	const char *env = g_getenv("POWSIM_PLOTS");
	if (env && *env) {
		if (has_scripts(env))
			return g_strdup(env);
		g_set_error(err, PLOT_ERROR, PLOT_ERROR_IO,
			    "POWSIM_PLOTS=%s: no intervals.gp there (it should name the plots/ directory)", env);
		return NULL;
	}
	g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
	if (exe) {
		g_autofree char *bin = g_path_get_dirname(exe);
		g_autofree char *beside = g_build_filename(bin, "plots", NULL);
		if (has_scripts(beside))
			return g_steal_pointer(&beside);
		g_autofree char *share = g_build_filename(bin, "..", "share", "powsim", "plots", NULL);
		if (has_scripts(share))
			return g_steal_pointer(&share);
	}
	if (has_scripts("plots"))
		return g_strdup("plots");
	g_set_error(err, PLOT_ERROR, PLOT_ERROR_IO,
		    "cannot find the gnuplot scripts (plots/intervals.gp): not beside %s nor in ./plots; "
		    "set POWSIM_PLOTS to the plots/ directory", exe ? exe : "the powsim binary");
	return NULL;
}

/* Append NAME='VALUE' to S, VALUE quoted for gnuplot: a single quote is
 * doubled; control characters (a newline would end the -e command) are
 * refused. */
static bool gp_assign(GString *s, const char *name, const char *value, GError **err)
{
	for (const char *p = value; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			g_set_error(err, PLOT_ERROR, PLOT_ERROR_INPUT,
				    "%s: a control character in a path or name given to gnuplot", value);
			return false;
		}
	}
	g_string_append_printf(s, "%s='", name);
	for (const char *p = value; *p; p++) {
		if (*p == '\'')
			g_string_append_c(s, '\'');
		g_string_append_c(s, *p);
	}
	g_string_append(s, "'; ");
	return true;
}

/* Run gnuplot -e VARS SCRIPTS/FIGURE.gp. gnuplot's stderr goes into ERR on
 * failure; its warnings (empty data, handled by the scripts) are dropped on
 * success. */
static bool run_gnuplot(const char *scripts, const char *figure, const char *vars, GError **err)
{
	g_autofree char *gnuplot = g_find_program_in_path("gnuplot");
	if (!gnuplot) {
		g_set_error(err, PLOT_ERROR, PLOT_ERROR_GNUPLOT,
			    "gnuplot not found; install gnuplot-nox (make deps does)");
		return false;
	}
	g_autofree char *name = g_strconcat(figure, ".gp", NULL);
	g_autofree char *script = g_build_filename(scripts, name, NULL);
	if (!g_file_test(script, G_FILE_TEST_IS_REGULAR)) {
		g_set_error(err, PLOT_ERROR, PLOT_ERROR_IO, "%s: no such script", script);
		return false;
	}
	char *argv[] = { gnuplot, (char *)"-e", (char *)vars, script, NULL };
	g_autofree char *out = NULL, *errout = NULL;
	int status = 0;
	GError *spawn_err = NULL;
	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &errout, &status,
			  &spawn_err)) {
		g_set_error(err, PLOT_ERROR, PLOT_ERROR_GNUPLOT, "cannot run %s: %s", gnuplot, spawn_err->message);
		g_error_free(spawn_err);
		return false;
	}
#if GLIB_CHECK_VERSION(2, 70, 0)
	bool ok = g_spawn_check_wait_status(status, NULL);
#else
	bool ok = g_spawn_check_exit_status(status, NULL);
#endif
	if (!ok) {
		g_set_error(err, PLOT_ERROR, PLOT_ERROR_GNUPLOT, "gnuplot failed on %s:\n%s", script,
			    errout && *errout ? g_strstrip(errout) : "(no error output)");
		return false;
	}
	return true;
}

/* Whether gnuplot wrote PATH whole: gnuplot reports no write errors (a
 * full disk leaves a short or empty file and exit status 0), so each
 * figure is checked: a PNG must start with the signature and end with
 * the IEND chunk, an SVG must end with its closing tag. */
static bool figure_complete(const char *path, bool png, GError **err)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	static const unsigned char iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };
	g_autofree char *text = NULL;
	gsize len = 0;
	GError *e = NULL;
	if (!g_file_get_contents(path, &text, &len, &e)) {
		g_set_error(err, PLOT_ERROR, PLOT_ERROR_IO, "%s: gnuplot wrote no figure: %s", path,
			    e->message);
		g_error_free(e);
		return false;
	}
	bool ok;
	if (png) {
		ok = len >= sizeof sig + sizeof iend && memcmp(text, sig, sizeof sig) == 0 &&
		     memcmp(text + len - sizeof iend, iend, sizeof iend) == 0;
	} else {
		while (len > 0 && g_ascii_isspace(text[len - 1]))
			len--;
		ok = len >= 6 && memcmp(text + len - 6, "</svg>", 6) == 0;
	}
	if (!ok)
		g_set_error(err, PLOT_ERROR, PLOT_ERROR_IO,
			    "%s: the figure is incomplete (%" G_GSIZE_FORMAT " bytes; is the disk full?)",
			    path, len);
	return ok;
}

/* Draw FIGURES (with VARS common to all, plus out=) into the existing
 * directory INTO and check that each PNG and SVG is whole. */
static bool draw(const char *scripts, const char *const *figures, size_t n_figures,
		 const char *vars, const char *into, GError **err)
{
	bool ok = true;
	for (size_t i = 0; ok && i < n_figures; i++) {
		g_autofree char *out = g_build_filename(into, figures[i], NULL);
		GString *v = g_string_new(vars);
		ok = gp_assign(v, "out", out, err) && run_gnuplot(scripts, figures[i], v->str, err);
		g_string_free(v, TRUE);
		for (int k = 0; ok && k < 2; k++) {
			g_autofree char *file = g_strconcat(out, k ? ".svg" : ".png", NULL);
			ok = figure_complete(file, k == 0, err);
		}
	}
	return ok;
}

/* Make OUTDIR if need be and a new temporary directory beside it, whose
 * path is returned (g_free it); NULL with ERR set on failure. */
static char *staging_beside(const char *outdir, GError **err)
{
	if (g_mkdir_with_parents(outdir, 0777) != 0) {
		g_set_error(err, PLOT_ERROR, PLOT_ERROR_IO, "%s: cannot create: %s", outdir, g_strerror(errno));
		return NULL;
	}
	g_autofree char *abs = g_canonicalize_filename(outdir, NULL);
	g_autofree char *parent = g_path_get_dirname(abs);
	char *tmp = g_build_filename(parent, ".plots-XXXXXX", NULL);
	if (!g_mkdtemp(tmp)) {
		g_set_error(err, PLOT_ERROR, PLOT_ERROR_IO, "%s: cannot create a temporary directory: %s",
			    parent, g_strerror(errno));
		g_free(tmp);
		return NULL;
	}
	return tmp;
}

/* Rename FROM_DIR/NAME to OUTDIR/NAME. */
static bool move_into(const char *from_dir, const char *name, const char *outdir, GError **err)
{
	g_autofree char *from = g_build_filename(from_dir, name, NULL);
	g_autofree char *to = g_build_filename(outdir, name, NULL);
	if (g_rename(from, to) == 0)
		return true;
	g_set_error(err, PLOT_ERROR, PLOT_ERROR_IO, "cannot move %s to %s: %s", from, to,
		    g_strerror(errno));
	return false;
}

/* Draw FIGURES into a temporary directory beside OUTDIR, then rename each
 * PNG and SVG into OUTDIR (the comparison figures: OUTDIR may hold other
 * files, which stay). */
static bool render(const char *scripts, const char *const *figures, size_t n_figures,
		   const char *vars, const char *outdir, GError **err)
{
	g_autofree char *tmp = staging_beside(outdir, err);
	if (!tmp)
		return false;
	bool ok = draw(scripts, figures, n_figures, vars, tmp, err);
	for (size_t i = 0; ok && i < n_figures; i++) {
		for (int k = 0; ok && k < 2; k++) {
			g_autofree char *file = g_strconcat(figures[i], k ? ".svg" : ".png", NULL);
			ok = move_into(tmp, file, outdir, err);
		}
	}
	outdir_remove_tree(tmp, NULL);
	return ok;
}

/* The last component of DIR ("out/lecture/" gives "lecture"). */
static char *run_basename(const char *dir)
{
	g_autofree char *abs = g_canonicalize_filename(dir, NULL);
	return g_path_get_basename(abs);
}

/* The gnuplot variables of one run: its directory and its name. */
static bool run_vars(GString *vars, const char *dir, const char *name, GError **err)
{
	return gp_assign(vars, "dir", dir, err) && gp_assign(vars, "name", name, err);
}

bool plot_render(const char *dir, const char *name, const char *into, GError **err)
{
	g_return_val_if_fail(dir != NULL && name != NULL && into != NULL, false);
	if (!check_run_dir(dir, false, err))
		return false;
	g_autofree char *scripts = find_scripts(err);
	if (!scripts)
		return false;
	g_autoptr(GString) vars = g_string_new(NULL);
	if (!run_vars(vars, dir, name, err))
		return false;
	if (g_mkdir_with_parents(into, 0755) != 0) {
		g_set_error(err, PLOT_ERROR, PLOT_ERROR_IO, "%s: cannot create: %s", into, g_strerror(errno));
		return false;
	}
	return draw(scripts, run_figures, G_N_ELEMENTS(run_figures), vars->str, into, err);
}

bool plot_available(GError **err)
{
	g_autofree char *scripts = find_scripts(err);
	if (!scripts)
		return false;
	g_autofree char *gnuplot = g_find_program_in_path("gnuplot");
	if (!gnuplot) {
		g_set_error(err, PLOT_ERROR, PLOT_ERROR_GNUPLOT,
			    "gnuplot not found; install gnuplot-nox (make deps does)");
		return false;
	}
	return true;
}

/* What DIR/plots may hold to be replaced: the figures of a run. */
static char **figure_files(void)
{
	GPtrArray *a = g_ptr_array_new();
	for (size_t i = 0; i < G_N_ELEMENTS(run_figures); i++) {
		g_ptr_array_add(a, g_strconcat(run_figures[i], ".png", NULL));
		g_ptr_array_add(a, g_strconcat(run_figures[i], ".svg", NULL));
	}
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

bool plot_run(const char *dir, GError **err)
{
	g_return_val_if_fail(dir != NULL, false);
	if (!check_run_dir(dir, false, err))
		return false;
	GError *e = NULL;
	outdir_lock_t *lock = outdir_lock(dir, &e);
	if (!lock) {
		g_set_error(err, PLOT_ERROR,
			    g_error_matches(e, OUTDIR_ERROR, OUTDIR_ERROR_BUSY) ? PLOT_ERROR_BUSY : PLOT_ERROR_IO,
			    "%s", e->message);
		g_error_free(e);
		return false;
	}
	g_autofree char *name = run_basename(dir);
	g_autofree char *target = g_build_filename(dir, PLOT_SUBDIR, NULL);
	char **files = figure_files();
	outdir_t *od = outdir_begin(target, (const char *const *)files, &e);
	g_strfreev(files);
	bool ok = od != NULL;
	if (!ok) {
		g_set_error(err, PLOT_ERROR, PLOT_ERROR_IO, "%s", e->message);
		g_error_free(e);
	}
	ok = ok && plot_render(dir, name, outdir_staging(od), err);
	if (ok && !outdir_commit(od, &e)) {
		g_set_error(err, PLOT_ERROR, PLOT_ERROR_IO, "%s", e->message);
		g_error_free(e);
		ok = false;
	}
	outdir_free(od);
	outdir_unlock(lock);
	return ok;
}

/* Legend entry of run I: its label, else its directory's last component,
 * else (when another run has the same one) parent/last. O(N^2) in runs. */
static char *legend_name(const char *const *dirs, const char *const *labels, unsigned n, unsigned i)
{
	if (labels && labels[i])
		return g_strdup(labels[i]);
	g_autofree char *mine = run_basename(dirs[i]);
	for (unsigned j = 0; j < n; j++) {
		g_autofree char *other = run_basename(dirs[j]);
		if (j != i && strcmp(mine, other) == 0) {
			g_autofree char *abs = g_canonicalize_filename(dirs[i], NULL);
			g_autofree char *up = g_path_get_dirname(abs);
			g_autofree char *upname = g_path_get_basename(up);
			return g_build_filename(upname, mine, NULL);
		}
	}
	return g_steal_pointer(&mine);
}

bool plot_compare(const char *const *dirs, const char *const *labels, unsigned n,
		  const char *outdir, GError **err)
{
	g_return_val_if_fail(dirs != NULL && outdir != NULL, false);
	if (n == 0) {
		g_set_error(err, PLOT_ERROR, PLOT_ERROR_INPUT, "no run directories to compare");
		return false;
	}
	for (unsigned i = 0; i < n; i++)
		if (!check_run_dir(dirs[i], true, err))
			return false;
	g_autofree char *scripts = find_scripts(err);
	if (!scripts)
		return false;
	g_autoptr(GString) vars = g_string_new(NULL);
	g_string_append_printf(vars, "n=%u; ", n);
	for (unsigned i = 0; i < n; i++) {
		char key[32];
		g_autofree char *name = legend_name(dirs, labels, n, i);
		snprintf(key, sizeof key, "dir%u", i + 1);
		if (!gp_assign(vars, key, dirs[i], err))
			return false;
		snprintf(key, sizeof key, "name%u", i + 1);
		if (!gp_assign(vars, key, name, err))
			return false;
	}
	return render(scripts, compare_figures, G_N_ELEMENTS(compare_figures), vars->str, outdir, err);
}


bool plot_script(const char *script, const char *const *names, const char *const *values, unsigned n,
		 const char *outdir, GError **err)
{
	g_return_val_if_fail(script != NULL && outdir != NULL, false);
	g_autofree char *scripts = find_scripts(err);
	if (!scripts)
		return false;
	g_autofree char *tmp = staging_beside(outdir, err);
	if (!tmp)
		return false;
	g_autoptr(GString) vars = g_string_new(NULL);
	g_autofree char *prefix = g_strconcat(tmp, G_DIR_SEPARATOR_S, NULL);
	bool ok = gp_assign(vars, "out", prefix, err);
	for (unsigned i = 0; ok && i < n; i++)
		ok = gp_assign(vars, names[i], values[i], err);
	ok = ok && run_gnuplot(scripts, script, vars->str, err);
	/* The script names its own figures: check each whole, move them all. */
	GDir *d = ok ? g_dir_open(tmp, 0, NULL) : NULL;
	for (const char *e; d && ok && (e = g_dir_read_name(d));) {
		bool png = g_str_has_suffix(e, ".png");
		if (png || g_str_has_suffix(e, ".svg")) {
			g_autofree char *file = g_build_filename(tmp, e, NULL);
			ok = figure_complete(file, png, err);
		}
		ok = ok && move_into(tmp, e, outdir, err);
	}
	if (d)
		g_dir_close(d);
	outdir_remove_tree(tmp, NULL);
	return ok;
}
