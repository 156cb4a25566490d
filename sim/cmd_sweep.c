/* powsim sweep: run a sweep spec's grid of settings x seeds as separate
 * `powsim run` processes (--jobs at once), or hand the runs to GNU
 * parallel (--tasks) or Slurm (--slurm), then aggregate the run
 * directories into runs.csv, points.csv, sweep.json and figures. The
 * spec, the runs and the tables are sweep.h's; this file only executes. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "commands.h"
#include "powsim/config.h"
#include "powsim/plot.h"
#include "powsim/scenario.h"
#include "powsim/stats.h"
#include "powsim/sweep.h"
#include "powsim/units.h"

struct sweep_opts {
	int jobs;
	char *out;
	gboolean quiet, force, tasks, collect, slurm, no_plot;
	char **slurm_opts;
};

/* ---- local execution ---- */

struct exec {
	const struct sweep *s;
	const char *powsim, *runs_dir;
	GArray *pending;       /* guint run indices, in run order */
	guint next;            /* next index into pending to start */
	guint running, done, failed;
	int jobs;
	GHashTable *children;  /* GSubprocess * -> run index */
	GMainLoop *loop;
	int stop_signal;       /* SIGINT or SIGTERM once asked to stop */
	bool tty, quiet;
	gint64 started_us;
};

static void progress(struct exec *x)
{
	if (!x->tty)
		return;
	guint total = x->pending->len;
	char eta[32] = "-";
	if (x->done > 0 && x->done < total) {
		double per_us = (double)(g_get_monotonic_time() - x->started_us) / x->done;
		double left_s = ceil(per_us * (total - x->done) / 1e6); /* whole seconds */
		units_format_duration((simtime_t)left_s * SIMTIME_S, eta, sizeof eta);
	}
	fprintf(stderr, "\r\033[K  sweep %s: %u of %u done, %u failed, %u running, ETA %s", x->s->name, x->done,
		total, x->failed, x->running, eta);
}

static void start_more(struct exec *x);

/* The first line of run I's log, for the failure message. */
static char *log_head(const struct exec *x, guint i)
{
	const struct sweep_run *run = &g_array_index(x->s->runs, struct sweep_run, i);
	g_autofree char *file = g_strconcat(run->name, ".log", NULL);
	g_autofree char *path = g_build_filename(x->runs_dir, file, NULL);
	g_autofree char *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL) || !*text)
		return g_strdup("(no error output)");
	text[strcspn(text, "\n")] = '\0';
	return g_strdup(text);
}

static void remove_empty_log(const struct exec *x, guint i)
{
	const struct sweep_run *run = &g_array_index(x->s->runs, struct sweep_run, i);
	g_autofree char *file = g_strconcat(run->name, ".log", NULL);
	g_autofree char *path = g_build_filename(x->runs_dir, file, NULL);
	GStatBuf st;
	if (g_stat(path, &st) == 0 && st.st_size == 0)
		g_unlink(path);
}

static void write_rc(const struct exec *x, guint i, int status)
{
	const struct sweep_run *run = &g_array_index(x->s->runs, struct sweep_run, i);
	g_autofree char *file = g_strconcat(run->name, ".rc", NULL);
	g_autofree char *path = g_build_filename(x->runs_dir, file, NULL);
	g_autofree char *text = sweep_rc_text(x->s, i, status);
	GError *e = NULL;
	if (!g_file_set_contents(path, text, -1, &e)) {
		fprintf(stderr, "\npowsim sweep: %s\n", e->message);
		g_error_free(e);
	}
}

static void child_done(GObject *src, GAsyncResult *res, gpointer data)
{
	struct exec *x = data;
	GSubprocess *p = G_SUBPROCESS(src);
	guint i = GPOINTER_TO_UINT(g_hash_table_lookup(x->children, p));
	g_subprocess_wait_finish(p, res, NULL);
	int status = g_subprocess_get_if_exited(p) ? g_subprocess_get_exit_status(p)
		     : 128 + g_subprocess_get_term_sig(p);
	g_hash_table_remove(x->children, p);
	x->running--;
	/* A run we stopped is left for the next invocation, not recorded:
	 * its summary (complete or marked interrupted) decides. */
	if (!x->stop_signal) {
		write_rc(x, i, status);
		if (status == 0)
			remove_empty_log(x, i);
		x->done++;
		if (status != 0) {
			x->failed++;
			g_autofree char *head = log_head(x, i);
			fprintf(stderr, "%spowsim sweep: run %s failed (exit %d): %s\n", x->tty ? "\r\033[K" : "",
				g_array_index(x->s->runs, struct sweep_run, i).name, status, head);
		}
	}
	start_more(x);
	progress(x);
	if (x->running == 0 && (x->stop_signal || x->next >= x->pending->len))
		g_main_loop_quit(x->loop);
}

static bool spawn_run(struct exec *x, guint i, GError **err)
{
	const struct sweep_run *run = &g_array_index(x->s->runs, struct sweep_run, i);
	g_auto(GStrv) argv = sweep_run_argv(x->s, i, x->powsim, x->runs_dir);
	g_autofree char *file = g_strconcat(run->name, ".log", NULL);
	g_autofree char *log = g_build_filename(x->runs_dir, file, NULL);
	GSubprocessLauncher *l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
	g_subprocess_launcher_set_stderr_file_path(l, log);
	GSubprocess *p = g_subprocess_launcher_spawnv(l, (const char *const *)argv, err);
	g_object_unref(l);
	if (!p)
		return false;
	g_hash_table_insert(x->children, p, GUINT_TO_POINTER(i));
	x->running++;
	g_subprocess_wait_async(p, NULL, child_done, x);
	return true;
}

static void start_more(struct exec *x)
{
	while (!x->stop_signal && x->running < (guint)x->jobs && x->next < x->pending->len) {
		guint i = g_array_index(x->pending, guint, x->next++);
		GError *e = NULL;
		if (!spawn_run(x, i, &e)) {
			/* cannot even start: recorded like a run that failed inside */
			fprintf(stderr, "powsim sweep: %s\n", e->message);
			g_error_free(e);
			write_rc(x, i, EXIT_INTERNAL);
			x->done++;
			x->failed++;
		}
	}
}

static gboolean on_stop(gpointer data, int sig)
{
	struct exec *x = data;
	if (!x->stop_signal && !x->quiet)
		fprintf(stderr, "%spowsim sweep: stopping %u running run%s; finished runs are kept\n",
			x->tty ? "\r\033[K" : "", x->running, x->running == 1 ? "" : "s");
	x->stop_signal = sig;
	GHashTableIter it;
	gpointer key;
	g_hash_table_iter_init(&it, x->children);
	while (g_hash_table_iter_next(&it, &key, NULL))
		g_subprocess_send_signal(key, SIGINT);
	if (x->running == 0)
		g_main_loop_quit(x->loop);
	return G_SOURCE_CONTINUE;
}

static gboolean on_sigint(gpointer data)
{
	return on_stop(data, SIGINT);
}

static gboolean on_sigterm(gpointer data)
{
	return on_stop(data, SIGTERM);
}

/* Run the PENDING runs, JOBS at once. Returns the signal that stopped
 * it, or 0. */
static int run_local(const struct sweep *s, GArray *pending, const char *powsim, const char *runs_dir,
		     const struct sweep_opts *o)
{
	struct exec x = { s, powsim, runs_dir, pending, 0, 0, 0, 0, o->jobs, NULL, NULL, 0,
			  !o->quiet && isatty(STDERR_FILENO), o->quiet, g_get_monotonic_time() };
	if (pending->len == 0)
		return 0;
	x.children = g_hash_table_new_full(g_direct_hash, g_direct_equal, g_object_unref, NULL);
	x.loop = g_main_loop_new(NULL, FALSE);
	guint si = g_unix_signal_add(SIGINT, on_sigint, &x);
	guint st = g_unix_signal_add(SIGTERM, on_sigterm, &x);
	start_more(&x);
	progress(&x);
	if (x.running > 0)
		g_main_loop_run(x.loop);
	g_source_remove(si);
	g_source_remove(st);
	if (x.tty)
		fputs("\r\033[K", stderr);
	g_main_loop_unref(x.loop);
	g_hash_table_unref(x.children);
	return x.stop_signal;
}

/* ---- outputs ---- */

static bool write_file(const char *dir, const char *name, const char *text, GError **err)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);
	return g_file_set_contents(path, text, -1, err); /* temporary file, then rename */
}

/* A metric's figure name: brackets become dots ("phases.0.mean_interval_s"). */
static char *figure_name(const char *metric)
{
	GString *g = g_string_new(NULL);
	for (const char *p = metric; *p; p++)
		if (*p == '[')
			g_string_append_c(g, '.');
		else if (*p != ']')
			g_string_append_c(g, *p);
	return g_string_free(g, FALSE);
}

static bool is_number(const char *v)
{
	char *end = NULL;
	if (!v || !*v)
		return false;
	double d = g_ascii_strtod(v, &end);
	return end && *end == '\0' && isfinite(d);
}

/* plots/sweep.dat for plots/sweep.gp: one block (gnuplot index) per
 * combination of the other parameters, one line per value of the first:
 * x, label, then mean, lo, hi of each metric ("NaN" when undefined).
 * *TITLES gets the blocks' legend entries joined by '|'. */
static char *sweep_dat(const struct sweep *s, const struct sweep_result *res, bool *numeric_x, char **titles)
{
	guint np = s->points->len, nm = s->metrics->len;
	*numeric_x = s->params->len > 0;
	for (guint p = 0; p < np && *numeric_x; p++)
		*numeric_x = *numeric_x && is_number(g_array_index(s->points, struct sweep_point, p).values[0]);
	/* series keys: the values of parameters 2.., in first-seen order */
	GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
	GArray *series_of = g_array_sized_new(FALSE, FALSE, sizeof(guint), np);
	for (guint p = 0; p < np; p++) {
		const struct sweep_point *pt = &g_array_index(s->points, struct sweep_point, p);
		GString *k = g_string_new(NULL);
		for (guint j = 1; j < s->params->len; j++)
			g_string_append_printf(k, "%s%s=%s", j > 1 ? ", " : "", (char *)s->params->pdata[j],
					       pt->values[j] ? pt->values[j] : "(scenario)");
		guint idx = 0;
		while (idx < keys->len && strcmp(keys->pdata[idx], k->str) != 0)
			idx++;
		if (idx == keys->len)
			g_ptr_array_add(keys, g_strdup(k->str));
		g_string_free(k, TRUE);
		g_array_append_val(series_of, idx);
	}
	GString *g = g_string_new("# x label, then per metric: mean ci95_lo ci95_hi\n");
	char num[40];
	for (guint k = 0; k < keys->len; k++) {
		if (k > 0)
			g_string_append(g, "\n\n");
		guint pos = 0;
		for (guint p = 0; p < np; p++) {
			if (g_array_index(series_of, guint, p) != k)
				continue;
			const struct sweep_point *pt = &g_array_index(s->points, struct sweep_point, p);
			const char *label = s->params->len ? (pt->values[0] ? pt->values[0] : "(scenario)") : "all";
			pos++;
			if (*numeric_x)
				g_string_append(g, label);
			else
				g_string_append_printf(g, "%u", pos);
			g_autofree char *ql = g_strescape(label, NULL);
			g_string_append_printf(g, " \"%s\"", ql);
			for (guint m = 0; m < nm; m++) {
				struct stats_summary st;
				sweep_point_stats(s, res, p, m, &st);
				/* one run: a point without a bar; none: a gap */
				const double v[3] = { st.mean, isnan(st.ci_lo) ? st.mean : st.ci_lo,
						      isnan(st.ci_hi) ? st.mean : st.ci_hi };
				for (int c = 0; c < 3; c++) {
					sweep_format_number(v[c], num, sizeof num);
					g_string_append_printf(g, " %s", *num ? num : "NaN");
				}
			}
			g_string_append_c(g, '\n');
		}
	}
	GString *t = g_string_new(NULL);
	for (guint k = 0; k < keys->len; k++)
		g_string_append_printf(t, "%s%s", k ? "|" : "", *(char *)keys->pdata[k] ? (char *)keys->pdata[k] : "mean");
	*titles = g_string_free(t, FALSE);
	g_ptr_array_unref(keys);
	g_array_unref(series_of);
	return g_string_free(g, FALSE);
}

/* The scenario's facts a closed-form overlay needs: the miners N, the
 * block delay d (latency value + processing + block validation, s) and
 * the total hash rate (H/s). */
static void scenario_facts(const struct sweep *s, char *miners, char *delay, char *hashrate, size_t size)
{
	struct scenario sc;
	double n = 0, h = 0, d = 0;
	if (scenario_load(s->scenario, NULL, &sc, NULL)) {
		for (guint i = 0; i < sc.groups->len; i++) {
			const struct group_cfg *g = &g_array_index(sc.groups, struct group_cfg, i);
			if (g->role == ROLE_MINER) {
				n += g->count;
				h += g->hashrate * g->count;
			}
		}
		d = (double)(sc.network.latency.value + sc.network.processing + sc.network.validate_block) / SIMTIME_S;
		config_clear(&sc);
	}
	g_snprintf(miners, size, "%g", n);
	g_snprintf(delay, size, "%.17g", d);
	g_snprintf(hashrate, size, "%.17g", h);
}

static bool draw_figures(const struct sweep *s, const struct sweep_result *res, const char *dir,
			 const char *extra, GError **err)
{
	g_autofree char *plots = g_build_filename(dir, "plots", NULL);
	if (g_mkdir_with_parents(plots, 0777) != 0) {
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: cannot create: %s", plots,
			    g_strerror(errno));
		return false;
	}
	/* figures of metrics no longer in the spec go */
	GDir *old = g_dir_open(plots, 0, NULL);
	for (const char *e; old && (e = g_dir_read_name(old));) {
		if (g_str_has_suffix(e, ".png") || g_str_has_suffix(e, ".svg")) {
			g_autofree char *p = g_build_filename(plots, e, NULL);
			g_unlink(p);
		}
	}
	if (old)
		g_dir_close(old);
	bool numeric = true;
	g_autofree char *titles = NULL;
	g_autofree char *dat = sweep_dat(s, res, &numeric, &titles);
	if (!write_file(plots, "sweep.dat", dat, err))
		return false;
	g_autofree char *datpath = g_build_filename(plots, "sweep.dat", NULL);
	g_autofree char *points = g_build_filename(dir, "points.csv", NULL);
	GString *names = g_string_new(NULL), *labels = g_string_new(NULL);
	for (guint m = 0; m < s->metrics->len; m++) {
		g_autofree char *f = figure_name(s->metrics->pdata[m]);
		g_string_append_printf(names, "%s%s", m ? "|" : "", f);
		g_string_append_printf(labels, "%s%s", m ? "|" : "", (char *)s->metrics->pdata[m]);
	}
	char nm[16], miners[40], delay[40], hashrate[40];
	g_snprintf(nm, sizeof nm, "%u", s->metrics->len);
	scenario_facts(s, miners, delay, hashrate, sizeof miners);
	const char *xname = s->params->len ? s->params->pdata[0] : "";
	const char *vn[] = { "dat", "points", "name", "xname", "numeric_x", "nmetrics", "files", "metrics",
			     "titles", "miners", "delay_s", "hashrate" };
	const char *vv[] = { datpath, points, s->name, xname, numeric ? "1" : "0", nm, names->str, labels->str,
			     titles, miners, delay, hashrate };
	bool ok = plot_script("sweep", vn, vv, G_N_ELEMENTS(vn), plots, err);
	if (ok && extra)
		ok = plot_script(extra, vn, vv, G_N_ELEMENTS(vn), plots, err);
	g_string_free(names, TRUE);
	g_string_free(labels, TRUE);
	return ok;
}

/* Read every run's outcome and write the tables and the manifest.
 * Returns false with ERR on an I/O failure; *FAILED and *MISSING count
 * the runs that are not OK. */
static bool aggregate(const struct sweep *s, const char *dir, const char *runs_dir, bool plot,
		      guint *failed, guint *missing, GError **err)
{
	guint n = s->runs->len;
	struct sweep_result *res = g_new0(struct sweep_result, n);
	guint ok_runs = 0;
	*failed = *missing = 0;
	for (guint i = 0; i < n; i++) {
		sweep_read_result(s, i, runs_dir, &res[i]);
		ok_runs += res[i].state == SWEEP_RUN_OK;
		*failed += res[i].state == SWEEP_RUN_FAILED;
		*missing += res[i].state == SWEEP_RUN_MISSING;
	}
	g_autofree char *runs = sweep_runs_csv(s, res);
	g_autofree char *points = sweep_points_csv(s, res);
	g_autofree char *manifest = sweep_manifest(s, res);
	bool ok = write_file(dir, "runs.csv", runs, err) && write_file(dir, "points.csv", points, err) &&
		  write_file(dir, "sweep.json", manifest, err);
	if (ok && plot && ok_runs > 0) {
		ok = draw_figures(s, res, dir, s->plot, err);
	}
	for (guint i = 0; i < n; i++)
		sweep_result_clear(&res[i]);
	g_free(res);
	return ok;
}

/* ---- Slurm ---- */

static bool write_slurm(const struct sweep *s, GArray *pending, const char *powsim, const char *spec_abs,
			const char *dir, const char *runs_dir, const struct sweep_opts *o, GError **err)
{
	GString *tasks = g_string_new(NULL);
	for (guint k = 0; k < pending->len; k++) {
		g_autofree char *line = sweep_task_line(s, g_array_index(pending, guint, k), powsim, runs_dir);
		g_string_append_printf(tasks, "%s\n", line);
	}
	g_autofree char *tasks_path = g_build_filename(dir, "tasks.txt", NULL);
	g_autofree char *logs = g_build_filename(dir, "slurm", NULL);
	g_mkdir_with_parents(logs, 0777);
	g_autofree char *qt = g_shell_quote(tasks_path);
	g_autofree char *qpowsim = g_shell_quote(powsim), *qspec = g_shell_quote(spec_abs), *qdir = g_shell_quote(dir);
	GString *opts = g_string_new(NULL);
	for (char **p = o->slurm_opts; p && *p; p++)
		g_string_append_printf(opts, "#SBATCH %s\n", *p);
	guint limit = o->jobs > 0 ? (guint)o->jobs : pending->len;
	GString *arr = g_string_new(NULL);
	g_string_append_printf(arr,
		"#!/bin/sh\n"
		"# The runs of sweep %s as a Slurm job array: task K runs line K of tasks.txt.\n"
		"#SBATCH --job-name=%s\n"
		"#SBATCH --array=1-%u%%%u\n"
		"#SBATCH --output=%s/run-%%a.out\n"
		"%s"
		"line=$(sed -n \"${SLURM_ARRAY_TASK_ID}p\" %s)\n"
		"exec sh -c \"$line\"\n",
		s->name, s->name, pending->len, limit, logs, opts->str, qt);
	GString *col = g_string_new(NULL);
	g_string_append_printf(col,
		"#!/bin/sh\n"
		"# Aggregates sweep %s once its array has ended (submitted with --dependency=afterany).\n"
		"#SBATCH --job-name=%s-collect\n"
		"#SBATCH --output=%s/collect.out\n"
		"%s"
		"exec %s sweep %s --out %s --collect --quiet\n",
		s->name, s->name, logs, opts->str, qpowsim, qspec, qdir);
	bool ok = write_file(dir, "tasks.txt", tasks->str, err) && write_file(dir, "sweep.sbatch", arr->str, err) &&
		  write_file(dir, "collect.sbatch", col->str, err);
	if (ok) {
		g_autofree char *a = g_build_filename(dir, "sweep.sbatch", NULL), *c = g_build_filename(dir, "collect.sbatch", NULL);
		g_autofree char *qa = g_shell_quote(a), *qc = g_shell_quote(c);
		printf("jid=$(sbatch --parsable %s) && sbatch --dependency=afterany:${jid%%%%;*} %s\n", qa, qc);
	}
	g_string_free(tasks, TRUE);
	g_string_free(opts, TRUE);
	g_string_free(arr, TRUE);
	g_string_free(col, TRUE);
	return ok;
}

/* ---- the command ---- */

static bool parse_args(int *argc, char ***argv, struct sweep_opts *o, GError **err)
{
	GOptionEntry entries[] = {
		{ "jobs", 'j', 0, G_OPTION_ARG_INT, &o->jobs, "Runs at once (default: the number of cores; "
		  "with --slurm: array tasks at once, default all)", "N" },
		{ "out", 'o', 0, G_OPTION_ARG_FILENAME, &o->out, "Output directory (default out/NAME)", "DIR" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "No progress line and no summary", NULL },
		{ "force", 'f', 0, G_OPTION_ARG_NONE, &o->force, "Redo every run, done or not", NULL },
		{ "tasks", 0, 0, G_OPTION_ARG_NONE, &o->tasks, "Print one shell command per pending run and stop "
		  "(for GNU parallel)", NULL },
		{ "collect", 0, 0, G_OPTION_ARG_NONE, &o->collect, "Aggregate the runs that exist; run nothing", NULL },
		{ "slurm", 0, 0, G_OPTION_ARG_NONE, &o->slurm, "Write DIR/tasks.txt, DIR/sweep.sbatch and "
		  "DIR/collect.sbatch and print the sbatch command", NULL },
		{ "slurm-opt", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->slurm_opts, "An #SBATCH line for both jobs "
		  "(\"--partition=short\"; repeatable)", "OPT" },
		{ "no-plot", 0, 0, G_OPTION_ARG_NONE, &o->no_plot, "Write the tables but draw no figures", NULL },
		{ NULL },
	};
	if (!cmd_parse_one(argc, argv, entries, "SPEC - run a sweep: settings x seeds, aggregated",
		"Runs every run of the sweep spec that is not done yet (each an ordinary\n"
		"powsim run into DIR/runs/NAME), then writes DIR/runs.csv, DIR/points.csv\n"
		"(mean, sd and Student's t 95 % interval per point), DIR/sweep.json and\n"
		"DIR/plots/. The spec format is in README.md, \"Sweeps\".\n\n"
		"Exit status: 0 every run done and good, 1 a run failed or is missing,\n"
		"2 bad input, 3 internal or I/O failure, 130/143 interrupted.", "sweep spec", err))
		return false;
	if (o->jobs < 0 || o->jobs > 4096) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "--jobs: expected a count from 1 to 4096, found %d", o->jobs);
		return false;
	}
	if (o->tasks + o->collect + o->slurm > 1) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "--tasks, --collect and --slurm exclude each other");
		return false;
	}
	for (char **p = o->slurm_opts; p && *p; p++) {
		if (strchr(*p, '\n') || **p != '-') {
			g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				    "--slurm-opt: expected an sbatch option like --partition=short, found \"%s\"", *p);
			return false;
		}
	}
	return true;
}

static void free_opts(struct sweep_opts *o)
{
	g_free(o->out);
	g_strfreev(o->slurm_opts);
}

static int finish(const struct sweep *s, const char *dir, const char *runs_dir, const struct sweep_opts *o,
		  int stopped)
{
	GError *err = NULL;
	guint failed = 0, missing = 0;
	if (!aggregate(s, dir, runs_dir, !o->no_plot, &failed, &missing, &err)) {
		fprintf(stderr, "powsim sweep: %s\n", err->message);
		g_error_free(err);
		return EXIT_INTERNAL;
	}
	guint n = s->runs->len;
	if (!o->quiet)
		printf("powsim sweep: %s: %u runs, %u ok, %u failed, %u missing; tables in %s/\n", s->name, n,
		       n - failed - missing, failed, missing, dir);
	if (stopped)
		return 128 + stopped;
	if (failed || missing) {
		fprintf(stderr, "powsim sweep: %s: %u run%s failed, %u missing (see %s/runs.csv)\n", s->name, failed,
			failed == 1 ? "" : "s", missing, dir);
		return EXIT_EXPECT;
	}
	return EXIT_OK;
}

int cmd_sweep(int argc, char **argv)
{
	struct sweep_opts o = { 0 };
	GError *err = NULL;
	if (!parse_args(&argc, &argv, &o, &err)) {
		fprintf(stderr, "powsim sweep: %s\n(see powsim sweep --help)\n", err->message);
		g_error_free(err);
		free_opts(&o);
		return EXIT_INPUT;
	}
	struct sweep *s = sweep_load(argv[1], &err);
	if (!s) {
		fprintf(stderr, "powsim sweep: %s\n", err->message);
		g_error_free(err);
		free_opts(&o);
		return EXIT_INPUT;
	}
	g_autofree char *given = o.out ? g_strdup(o.out) : g_build_filename("out", s->name, NULL);
	g_autofree char *dir = g_canonicalize_filename(given, NULL);
	g_autofree char *runs_dir = g_build_filename(dir, "runs", NULL);
	g_autofree char *spec_abs = g_canonicalize_filename(argv[1], NULL);
	g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
	const char *powsim = exe ? exe : "powsim";
	int rc = EXIT_OK;
	if (g_mkdir_with_parents(runs_dir, 0777) != 0) {
		fprintf(stderr, "powsim sweep: %s: cannot create: %s\n", runs_dir, g_strerror(errno));
		rc = EXIT_INPUT;
		goto out;
	}
	GArray *pending = g_array_new(FALSE, FALSE, sizeof(guint));
	for (guint i = 0; !o.collect && i < s->runs->len; i++)
		if (o.force || sweep_run_pending(s, i, runs_dir))
			g_array_append_val(pending, i);
	if (o.tasks) {
		for (guint k = 0; k < pending->len; k++) {
			g_autofree char *line = sweep_task_line(s, g_array_index(pending, guint, k), powsim, runs_dir);
			printf("%s\n", line);
		}
	} else if (o.slurm) {
		if (pending->len == 0) {
			printf("# every run is done: powsim sweep %s --out %s --collect\n", spec_abs, dir);
		} else if (!write_slurm(s, pending, powsim, spec_abs, dir, runs_dir, &o, &err)) {
			fprintf(stderr, "powsim sweep: %s\n", err->message);
			g_error_free(err);
			rc = EXIT_INTERNAL;
		}
	} else {
		if (!o.collect && !o.quiet)
			printf("powsim sweep: %s: %u runs, %u to do\n", s->name, s->runs->len, pending->len);
		fflush(stdout);
		if (o.jobs == 0)
			o.jobs = (int)MAX(1, g_get_num_processors());
		int stopped = run_local(s, pending, powsim, runs_dir, &o);
		rc = finish(s, dir, runs_dir, &o, stopped);
	}
	g_array_unref(pending);
out:
	sweep_free(s);
	free_opts(&o);
	return rc;
}
