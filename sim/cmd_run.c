/* powsim run: run a scenario, write its traces, print a summary. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "commands.h"
#include "powsim/expect.h"
#include "powsim/hash.h"
#include "powsim/invariants.h"
#include "powsim/plot.h"
#include "powsim/scenario.h"
#include "powsim/trace.h"
#include "powsim/units.h"
#include "powsim/world.h"

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
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

/* ---- the lecture's console feed (--log lecture) ---- */

static void print_tx(const world_t *w, const struct tx *t)
{
	char from[WALLET_ADDR_HEX_SIZE] = "0", to[WALLET_ADDR_HEX_SIZE];
	tx_keys_t *k = world_keys(w);
	if (!tx_is_coinbase(t))
		wallet_address_hex(tx_keys_wallet(k, t->sender), from);
	wallet_address_hex(tx_keys_wallet(k, t->recipient), to);
	printf("  { 'Sender': '%s', 'Recipient': '%s', 'Amount': %" G_GUINT64_FORMAT " }\n",
	       from, to, t->amount);
}

static void lecture_mined(void *ctx, const world_t *w, const struct block *b)
{
	(void)ctx;
	char name[64], prev[HASH_HEX_SIZE], hash[HASH_HEX_SIZE], when[32];
	world_node_name(w, b->h.miner, name, sizeof name);
	hash_hex(b->h.prev, 32, prev);
	hash_hex(b->hash, 32, hash);
	units_format_duration(b->mined_at, when, sizeof when);
	printf("[%s] %s has mined!\n\n-----\n", when, name);
	printf("Index      : %u\nTransactions:\n", b->h.height);
	for (uint32_t i = 0; i < b->n_tx; i++)
		print_tx(w, b->txs[i]);
	printf("Proof      : %" G_GUINT64_FORMAT "\n", b->h.nonce);
	printf("Num_zeros  : %g\n", block_zeros(b));
	printf("Previous_hash : %s\nPresent_hash  : %s\n-----\n\n", prev, hash);
	fflush(stdout);
}

/* ---- progress and summary ---- */

static void progress(void *ctx, const world_t *w)
{
	(void)ctx;
	char when[32];
	units_format_duration(world_now(w), when, sizeof when);
	fprintf(stderr, "\r  simulated %-10s blocks %-8" G_GUINT64_FORMAT " ", when,
		world_counts(w)->blocks_mined);
}

static void print_summary(const world_t *w, const char *dir)
{
	const struct scenario *sc = world_scenario(w);
	const struct world_counts *c = world_counts(w);
	struct trace_totals t;
	trace_totals(w, &t);
	char when[32];
	units_format_duration(world_stop_time(w), when, sizeof when);
	printf("powsim: %s, seed %" G_GUINT64_FORMAT ", %u nodes%s\n", sc->name, sc->seed,
	       world_node_count(w),
	       c->interrupted ? " (interrupted)"
	       : c->stalled   ? " (stopped early: no miner could mine any more)" : "");
	printf("  simulated   %-12s blocks mined  %" G_GUINT64_FORMAT "\n", when, c->blocks_mined);
	printf("  main chain  %-12u stale blocks  %" G_GUINT64_FORMAT " (%.1f %%)\n",
	       t.main_length, t.stale, c->blocks_mined ? 100.0 * t.stale / c->blocks_mined : 0.0);
	printf("  reorgs      %-12u deepest       %u\n", t.reorgs, t.deepest);
	printf("  txs created %-12u hashes        %.3g\n", world_txs(w)->len, (double)c->hashes);
	printf("  events      %-12" G_GUINT64_FORMAT " wall          %.2f s\n", c->events,
	       c->wall_us / 1e6);
	GArray *ph = trace_phases(w);
	printf("  %-5s %-6s %-7s %-14s %-14s %-10s %s\n", "phase", "zeros", "blocks",
	       "mean interval", "expected", "blocks/min", "txs");
	for (guint i = 0; i < ph->len; i++) {
		const struct trace_phase *p = &g_array_index(ph, struct trace_phase, i);
		char mean[32] = "-", rate[32] = "-"; /* a phase without an interval of its own */
		if (p->mean_interval_s > 0) {
			g_snprintf(mean, sizeof mean, "%.3f", p->mean_interval_s);
			g_snprintf(rate, sizeof rate, "%.1f", p->blocks_per_min);
		}
		printf("  %-5u %-6g %-7u %-14s %-14.3f %-10s %u\n", i + 1, p->millizeros / 1000.0,
		       p->blocks, mean, p->expected_interval_s, rate, p->txs);
	}
	g_array_free(ph, TRUE);
	printf("  outputs in %s/\n", dir);
}

/* Print each expectation of the scenario (passes to stdout unless QUIET,
 * failures to stderr always). Returns the number that failed. */
static uint32_t check_expectations(const world_t *w, bool quiet)
{
	GArray *res = expect_evaluate(w);
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
		{ "out", 'o', 0, G_OPTION_ARG_FILENAME, &o->out, "Output directory (default out/NAME)", "DIR" },
		{ "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &o->sets, "Override a scenario field", "PATH=VALUE" },
		{ "threads", 't', 0, G_OPTION_ARG_INT, &o->threads, "Worker threads (outputs do not depend on it)", "N" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "No progress line and no summary", NULL },
		{ "plot", 0, 0, G_OPTION_ARG_NONE, &o->plot, "Render the figures into DIR/plots at the end", NULL },
		{ "log", 0, 0, G_OPTION_ARG_STRING, &o->log, "Console feed: \"lecture\" prints every mined block", "STYLE" },
		{ "check-invariants", 0, 0, G_OPTION_ARG_NONE, &o->check_invariants,
		  "Check every node's invariants after every event, and liveness at the end (slow; aborts on a breach)", NULL },
		{ NULL },
	};
	GOptionContext *ctx = g_option_context_new("SCENARIO - run a scenario");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_summary(ctx,
		"Runs the scenario file and writes blocks.csv, reorgs.csv, txs.csv,\n"
		"timeline.csv, events.csv, phases.csv, miners.csv, summary.json and\n"
		"chain.json into the output directory.\n\n"
		"Exit status: 0 success, 1 an expectation failed, 2 bad input, 3 internal or I/O failure.");
	bool ok = g_option_context_parse(ctx, argc, argv, err);
	g_option_context_free(ctx);
	if (!ok)
		return false;
	if (*argc != 2) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
			    *argc < 2 ? "no scenario file given" : "one scenario file at a time");
		return false;
	}
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

static int run_world(const struct scenario *sc, const struct run_opts *o, const char *dir)
{
	GError *err = NULL;
	world_t *w = world_new(sc, &err);
	if (!w) {
		fprintf(stderr, "powsim run: %s\n", err->message);
		g_error_free(err);
		return EXIT_INPUT;
	}
	if (o->log)
		world_on_mined(w, lecture_mined, NULL);
	world_set_threads(w, o->threads > 0 ? (unsigned)o->threads : 1);
	if (o->check_invariants)
		world_on_step(w, invariants_check, NULL);
	bool tty = !o->quiet && isatty(STDERR_FILENO);
	if (tty)
		world_on_progress(w, progress, NULL, 200000);
	struct sigaction sa = { .sa_handler = on_sigint };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	world_run(w, &interrupted);
	signal(SIGINT, SIG_DFL);
	if (o->check_invariants)
		invariants_check_end(w);
	if (tty)
		fputs("\r\033[K", stderr);
	int rc = EXIT_OK;
	if (!trace_write(w, dir, &err)) {
		fprintf(stderr, "powsim run: %s\n", err->message);
		g_clear_error(&err);
		rc = EXIT_INTERNAL;
	} else {
		if (!o->quiet)
			print_summary(w, dir);
		/* A run cut short by Ctrl-C measures too little to judge. */
		if (world_counts(w)->interrupted)
			fprintf(stderr, "powsim run: interrupted: expectations not checked\n");
		else if (check_expectations(w, o->quiet) > 0)
			rc = EXIT_EXPECT;
	}
	world_free(w);
	if (rc == EXIT_OK && o->plot && !plot_run(dir, &err)) {
		fprintf(stderr, "powsim run: %s\n", err->message);
		g_clear_error(&err);
		rc = EXIT_INTERNAL;
	}
	return rc;
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
	bool ok = scenario_load(argv[1], ov, &sc, &err);
	g_strfreev(ov);
	if (!ok) {
		fprintf(stderr, "powsim run: %s\n", err->message);
		g_error_free(err);
		free_opts(&o);
		return EXIT_INPUT;
	}
	char *dir = o.out ? g_strdup(o.out) : g_build_filename("out", sc.name, NULL);
	int rc;
	if (!trace_prepare_dir(dir, &err)) {
		fprintf(stderr, "powsim run: %s\n", err->message);
		g_error_free(err);
		rc = EXIT_INPUT;
	} else {
		rc = run_world(&sc, &o, dir);
	}
	g_free(dir);
	config_clear(&sc);
	free_opts(&o);
	return rc;
}
