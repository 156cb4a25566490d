/* powsim run: run a scenario, write its traces, print a summary. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "commands.h"
#include "powsim/budget.h"
#include "powsim/expect.h"
#include "powsim/hash.h"
#include "powsim/invariants.h"
#include "powsim/outdir.h"
#include "powsim/plot.h"
#include "powsim/report.h"
#include "powsim/scenario.h"
#include "powsim/trace.h"
#include "powsim/units.h"
#include "powsim/world.h"

/* The first SIGINT or SIGTERM received (0: none). The run stops at the
 * next check and still writes its outputs; a second signal ends the
 * process at once, before anything replaced the earlier outputs. */
static volatile sig_atomic_t interrupted;
static char stop_msg[512];
static size_t stop_len;
static char staging_path[4096]; /* the staging directory, once made */
/* Set while the outputs are written, before the swap: a signal then (the
 * first one too) stops at once, since the outputs would be dropped. */
static volatile sig_atomic_t writing;

/* Only async-signal-safe calls here: write, rmdir, _exit. The staging
 * directory is still empty while the simulation runs; if the signal comes
 * while the outputs are written, it stays behind, and the next run aimed
 * at the same directory removes it (outdir.h). */
static void on_signal(int sig)
{
	if (interrupted || writing) {
		if (staging_path[0])
			rmdir(staging_path);
		ssize_t n = write(STDERR_FILENO, stop_msg, stop_len);
		(void)n;
		_exit(128 + sig);
	}
	interrupted = sig;
}

static void catch_signals(const char *dir)
{
	int n = g_snprintf(stop_msg, sizeof stop_msg,
			   "\npowsim run: signal: stopped at once; %s was not replaced\n", dir);
	stop_len = n > 0 && (size_t)n < sizeof stop_msg ? (size_t)n : 0;
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

struct run_opts {
	char *seed;
	char *out;
	char **sets;
	int threads;
	gboolean quiet;
	gboolean plot;
	char *log;
	gboolean check_invariants;
};

/* ---- progress and summary ---- */

static void progress(void *ctx, const world_t *w)
{
	(void)ctx;
	char when[32];
	units_format_duration(world_now(w), when, sizeof when);
	fprintf(stderr, "\r  simulated %-10s blocks %-8" G_GUINT64_FORMAT " ", when,
		world_counts(w)->blocks_mined);
}

static void print_summary(const struct report *r, const char *dir)
{
	const world_t *w = r->world;
	const struct scenario *sc = world_scenario(w);
	const struct world_counts *c = world_counts(w);
	char when[32];
	units_format_duration(world_stop_time(w), when, sizeof when);
	printf("powsim: %s, seed %" G_GUINT64_FORMAT ", %u nodes%s\n", sc->name, sc->seed,
	       world_node_count(w),
	       c->interrupted ? " (interrupted)"
	       : c->stalled   ? " (stopped early: no miner could mine any more)" : "");
	printf("  simulated   %-12s blocks mined  %" G_GUINT64_FORMAT "\n", when, c->blocks_mined);
	printf("  main chain  %-12u stale blocks  %" G_GUINT64_FORMAT " (%.1f %%)\n",
	       r->main_length, r->stale, c->blocks_mined ? 100.0 * r->stale / c->blocks_mined : 0.0);
	if (r->withheld)
		printf("  withheld    %-12" G_GUINT64_FORMAT " (mined, never published)\n", r->withheld);
	printf("  reorgs      %-12u deepest       %u\n", r->reorgs, r->deepest);
	printf("  txs created %-12u hashes        %.3g\n", world_txs(w)->len, (double)c->hashes);
	printf("  events      %-12" G_GUINT64_FORMAT " wall          %.2f s\n", c->events,
	       c->wall_us / 1e6);
	printf("  %-5s %-6s %-7s %-14s %-14s %-10s %s\n", "phase", "zeros", "blocks",
	       "mean interval", "expected", "blocks/min", "txs");
	for (guint i = 0; i < r->phases->len; i++) {
		const struct report_phase *p = &g_array_index(r->phases, struct report_phase, i);
		char mean[32] = "-", rate[32] = "-"; /* a phase without an interval of its own */
		if (p->mean_interval_s > 0) {
			g_snprintf(mean, sizeof mean, "%.3f", p->mean_interval_s);
			g_snprintf(rate, sizeof rate, "%.1f", p->blocks_per_min);
		}
		printf("  %-5u %-6g %-7u %-14s %-14.3f %-10s %u\n", i + 1, p->millizeros / 1000.0,
		       p->blocks, mean, p->expected_interval_s, rate, p->txs);
	}
	printf("  outputs in %s/\n", dir);
}

/* Print each expectation of the scenario (passes to stdout unless QUIET,
 * failures to stderr always). Returns the number that failed. */
static uint32_t check_expectations(const struct report *rep, bool quiet)
{
	const world_t *w = rep->world;
	GArray *res = expect_evaluate(rep);
	uint32_t failed = expect_failures(res);
	if (res->len > 0 && !quiet)
		printf("  expectations: %u of %u met\n", res->len - failed, res->len);
	for (guint i = 0; i < res->len; i++) {
		const struct expect_result *r = &g_array_index(res, struct expect_result, i);
		if (r->pass && !quiet)
			printf("  pass  %s: %s (bound %s)\n", r->label, r->measured_text, r->bound_text);
		else if (!r->pass)
			fprintf(stderr, "powsim run: %s: FAIL  %s: %s (bound %s)\n", world_scenario(w)->file,
				r->label, r->measured_text, r->bound_text);
	}
	expect_results_free(res);
	return failed;
}

/* ---- the command ---- */

static bool parse_args(int *argc, char ***argv, struct run_opts *o, GError **err)
{
	GOptionEntry entries[] = {
		{ "seed", 0, 0, G_OPTION_ARG_STRING, &o->seed, "Master seed (overrides the scenario's)", "N" },
		{ "out", 'o', 0, G_OPTION_ARG_FILENAME, &o->out, "Output directory (default out/NAME, or out/NAME-seed-N with --seed)", "DIR" },
		{ "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &o->sets, "Override a scenario field", "PATH=VALUE" },
		{ "threads", 't', 0, G_OPTION_ARG_INT, &o->threads, "Worker threads (outputs do not depend on it)", "N" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "No progress line and no summary", NULL },
		{ "plot", 0, 0, G_OPTION_ARG_NONE, &o->plot, "Render the figures into DIR/plots at the end", NULL },
		{ "log", 0, 0, G_OPTION_ARG_STRING, &o->log, "Console feed: \"lecture\" prints every mined block", "STYLE" },
		{ "check-invariants", 0, 0, G_OPTION_ARG_NONE, &o->check_invariants,
		  "Check every node's invariants after every event, and liveness at the end (slow; aborts on a breach)", NULL },
		{ NULL },
	};
	if (!cmd_parse_one(argc, argv, entries, "SCENARIO - run a scenario",
		"Runs the scenario file and writes blocks.csv, reorgs.csv, txs.csv,\n"
		"timeline.csv, events.csv, phases.csv, miners.csv, summary.json and\n"
		"chain.json into the output directory.\n\n"
		"The default directory is out/NAME, or out/NAME-seed-N when the seed is given\n"
		"on the command line (--seed N or --set seed=N). A run replaces the directory\n"
		"whole, in one step, only when every output is written; a directory in use by\n"
		"another run is refused (exit 2).\n\n"
		"Ctrl-C (SIGINT) or SIGTERM stops the run within a second: the outputs for the\n"
		"time simulated are written, marked \"interrupted\": true in summary.json, no\n"
		"expectation is judged. A second signal, or one while the outputs are written,\n"
		"stops at once and replaces nothing.\n\n"
		"Exit status: 0 success, 1 an expectation failed, 2 bad input (also: the\n"
		"output directory is in use or holds other files), 3 internal or I/O failure\n"
		"(outputs or figures could not be written), 130 interrupted by SIGINT,\n"
		"143 by SIGTERM.", "scenario file", err))
		return false;
	if (o->log && strcmp(o->log, "lecture") != 0) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "--log: expected \"lecture\", found \"%s\"", o->log);
		return false;
	}
	if (o->threads < 0 || o->threads > 256) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "--threads: expected a count from 1 to 256, found %d", o->threads);
		return false;
	}
	return true;
}

/* The overrides: every --set, then --seed as "seed=N". */
static char **overrides(const struct run_opts *o)
{
	GPtrArray *a = g_ptr_array_new();
	for (char **s = o->sets; s && *s; s++)
		g_ptr_array_add(a, g_strdup(*s));
	if (o->seed)
		g_ptr_array_add(a, g_strdup_printf("seed=%s", o->seed));
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

static void free_opts(struct run_opts *o)
{
	g_free(o->seed);
	g_free(o->out);
	g_strfreev(o->sets);
	g_free(o->log);
}

/* What a run directory may hold for a run to replace it: our outputs,
 * the figures, and the temporary names of versions that wrote file by
 * file. */
static char **run_dir_entries(void)
{
	GPtrArray *a = g_ptr_array_new();
	for (const char *const *f = trace_files; *f; f++)
		g_ptr_array_add(a, g_strdup(*f));
	for (const char *const *f = plot_run_entries; *f; f++)
		g_ptr_array_add(a, g_strdup(*f));
	g_ptr_array_add(a, g_strdup(".*.tmp"));
	g_ptr_array_add(a, g_strdup(".*.bak"));
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

/* Write the outputs (and figures) of the run REP reports on into the
 * staging directory of OD and swap it in. Returns an exit code; on any
 * failure, or a signal caught after the simulation had ended, the earlier
 * directory stays. */
static int write_outputs(const struct report *rep, const struct run_opts *o, outdir_t *od)
{
	const world_t *w = rep->world;
	GError *err = NULL;
	const char *staging = outdir_staging(od);
	bool cut = world_counts(w)->interrupted;
	writing = !interrupted;
	bool ok = trace_write(rep, staging, &err);
	if (ok && o->plot && !cut && !interrupted) {
		g_autofree char *abs = g_canonicalize_filename(outdir_target(od), NULL);
		g_autofree char *name = g_path_get_basename(abs);
		g_autofree char *into = g_build_filename(staging, PLOT_SUBDIR, NULL);
		ok = plot_render(staging, name, into, &err);
	}
	/* A signal after the simulation had ended (world_run marks one
	 * that came while the network drained), while the outputs were being
	 * written: they are dropped, and the earlier directory stays. */
	if (interrupted && !cut) {
		fprintf(stderr, "powsim run: interrupted after the simulation; %s was not replaced\n",
			outdir_target(od));
		g_clear_error(&err);
		return 128 + interrupted;
	}
	/* The swap and the end of `writing` go together: a signal pending
	 * meanwhile is taken after both, as a first signal. */
	sigset_t saved;
	outdir_block_stops(&saved);
	if (ok && !outdir_commit(od, &err))
		ok = false;
	writing = 0;
	outdir_unblock_stops(&saved);
	if (!ok) {
		fprintf(stderr, "powsim run: %s\n(nothing was replaced: %s holds the earlier outputs, if any)\n",
			err->message, outdir_target(od));
		g_error_free(err);
		return EXIT_INTERNAL;
	}
	if (cut && o->plot)
		fprintf(stderr, "powsim run: interrupted: no figures drawn (powsim plot %s draws them)\n",
			outdir_target(od));
	return EXIT_OK;
}

static int run_world(const struct scenario *sc, const struct run_opts *o, outdir_t *od)
{
	GError *err = NULL;
	world_t *w = world_new(sc, &err);
	if (!w) {
		fprintf(stderr, "powsim run: %s\n", err->message);
		g_error_free(err);
		return EXIT_INPUT;
	}
	if (o->log)
		world_on_mined(w, cmd_lecture_mined, NULL);
	/* Hashing threads never take SIGINT or SIGTERM (they inherit this
	 * mask), so the main thread alone handles them and the swap of the
	 * output directory, done with them blocked, cannot be cut. */
	sigset_t saved;
	outdir_block_stops(&saved);
	world_set_threads(w, o->threads > 0 ? (unsigned)o->threads : 1);
	outdir_unblock_stops(&saved);
	if (o->check_invariants)
		world_on_step(w, invariants_check, NULL);
	bool tty = !o->quiet && isatty(STDERR_FILENO);
	if (tty)
		world_on_progress(w, progress, NULL, 200000);
	world_run(w, &interrupted);
	if (o->check_invariants)
		invariants_check_end(w);
	if (tty)
		fputs("\r\033[K", stderr);
	struct report *rep = report_new(w);
	int rc = write_outputs(rep, o, od);
	if (rc == EXIT_OK) {
		if (!o->quiet)
			print_summary(rep, outdir_target(od));
		/* A run cut short by a signal measures too little to judge. */
		if (world_counts(w)->interrupted) {
			fprintf(stderr, "powsim run: interrupted: expectations not checked\n");
			rc = 128 + interrupted;
		} else if (check_expectations(rep, o->quiet) > 0) {
			rc = EXIT_EXPECT;
		}
		/* A signal during the swap (blocked then) or after it: the
		 * outputs are whole and in place, but a shell loop must still
		 * see the interruption. */
		if (interrupted && rc == EXIT_OK) {
			fprintf(stderr, "powsim run: interrupted after the outputs were written\n");
			rc = 128 + interrupted;
		}
	}
	report_free(rep);
	world_free(w);
	return rc;
}

/* Whether the seed was given on the command line (--seed, --set seed=). */
static bool seed_given(const struct run_opts *o)
{
	if (o->seed)
		return true;
	for (char **s = o->sets; s && *s; s++) {
		const char *eq = strchr(*s, '=');
		g_autofree char *path = eq ? g_strndup(*s, (gsize)(eq - *s)) : NULL;
		if (path && strcmp(g_strstrip(path), "seed") == 0)
			return true;
	}
	return false;
}

char *cmd_output_dir(const struct scenario *sc, const char *out, bool seed_given)
{
	if (out)
		return g_strdup(out);
	if (!seed_given)
		return g_build_filename("out", sc->name, NULL);
	g_autofree char *base = g_strdup_printf("%s-seed-%" G_GUINT64_FORMAT, sc->name, sc->seed);
	return g_build_filename("out", base, NULL);
}

/* Lock DIR and start its staging directory; NULL with a message. */
outdir_t *cmd_claim_outdir(const char *cmd, const char *dir, outdir_lock_t **lock)
{
	GError *err = NULL;
	outdir_t *od = NULL;
	*lock = outdir_lock(dir, &err);
	if (*lock) {
		char **entries = run_dir_entries();
		od = outdir_begin(dir, (const char *const *)entries, &err);
		g_strfreev(entries);
	}
	if (!od) {
		bool busy = g_error_matches(err, OUTDIR_ERROR, OUTDIR_ERROR_BUSY);
		fprintf(stderr, "powsim %s: %s%s\n", cmd, err->message,
			busy ? "; refused: wait for that run to end, or choose another --out" : "");
		g_error_free(err);
		outdir_unlock(*lock);
		*lock = NULL;
	}
	return od;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	GError *err = NULL;
	if (!parse_args(&argc, &argv, &o, &err)) {
		fprintf(stderr, "powsim run: %s\n(see powsim run --help)\n", err->message);
		g_error_free(err);
		free_opts(&o);
		return EXIT_INPUT;
	}
	char **ov = overrides(&o);
	struct scenario sc;
	bool ok = scenario_load(argv[1], ov, &sc, &err) && budget_admit(&sc, &err);
	g_strfreev(ov);
	if (!ok) {
		fprintf(stderr, "powsim run: %s\n", err->message);
		g_error_free(err);
		free_opts(&o);
		return EXIT_INPUT;
	}
	char *dir = cmd_output_dir(&sc, o.out, seed_given(&o));
	catch_signals(dir);
	int rc = EXIT_INPUT;
	outdir_lock_t *lock = NULL;
	if (o.plot && !plot_available(&err)) {
		fprintf(stderr, "powsim run: --plot: %s\n", err->message);
		g_clear_error(&err);
		rc = EXIT_INTERNAL;
	} else {
		outdir_t *od = cmd_claim_outdir("run", dir, &lock);
		if (od && g_strlcpy(staging_path, outdir_staging(od), sizeof staging_path) >= sizeof staging_path)
			staging_path[0] = '\0';
		if (od)
			rc = run_world(&sc, &o, od);
		staging_path[0] = '\0';
		outdir_free(od);
		outdir_unlock(lock);
	}
	g_free(dir);
	config_clear(&sc);
	free_opts(&o);
	return rc;
}
