/* powsim bench [--json] [--seconds S]: measure, on one core, the two rates
 * the design sets bars for.
 *
 *   pow_midstate  SHA-256 header hashes/s of pow_scan_run (midstate, one
 *                 compression per nonce); bar 15 M/s
 *   pow_naive     the same scan with a one-shot EVP digest per nonce
 *                 (pow_scan_run_naive); no bar, shown for comparison
 *   evq_hold      events/s of the event engine in the hold model: 1e5
 *                 pending events, each step pops one and schedules one at
 *                 now + a random delay; bar 8 M/s
 *
 * Each benchmark runs for about S seconds of wall time (default 1), read
 * with g_get_monotonic_time. The table marks each rate "pass" or "below"
 * its bar; the exit code is 0 either way (a measurement is not a test).
 *
 * --json prints one object instead, with fixed keys that scripts read:
 *   {"cpu": "...", "seconds": S,
 *    "benchmarks": {"<key>": {"rate": R, "unit": "hashes/s", "bar": B,
 *                             "pass": true|false}, ...}}
 * where "bar" and "pass" are null for a benchmark without a bar. The keys
 * of "benchmarks" are the keys of bench_cases[] below.
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "powsim/evq.h"
#include "powsim/pow.h"
#include "powsim/rng.h"
#include "powsim/wallet.h"

#include "commands.h"

#define BENCH_DEFAULT_SECONDS 1.0
#define BENCH_MAX_SECONDS 60.0
#define HOLD_PENDING 100000
#define HOLD_MEAN_DELAY SIMTIME_MS /* delays uniform in [0, 2 ms) */

/* What one benchmark measured. */
struct bench_result {
	uint64_t ops;   /* hashes, events, ... */
	double seconds; /* wall time they took */
};

/* Run the benchmark for about SECONDS of wall time. */
typedef void (*bench_fn)(double seconds, struct bench_result *out);

struct bench_case {
	const char *key;   /* JSON key; fixed once published */
	const char *label; /* table row */
	const char *unit;  /* per second */
	double bar;        /* the design's bar in units/s; 0 = none */
	bench_fn run;
};

static double now_s(void)
{
	return (double)g_get_monotonic_time() / 1e6;
}

/* ---- proof of work ------------------------------------------------------ */

typedef bool (*scan_fn)(pow_scan_t *s, uint64_t from, uint64_t count,
			const struct u256 *target, uint64_t *nonce, uint8_t hash[32]);

/* Hash nonces in chunks of CHUNK until SECONDS have passed, at a difficulty
 * no nonce meets (60 hex zeros), so that every nonce is hashed. */
static void bench_scan(scan_fn scan, uint64_t chunk, double seconds,
		       struct bench_result *out)
{
	uint8_t header[POW_HEADER_SIZE], hash[32];
	struct u256 target;
	uint64_t from = 0, nonce;

	for (size_t i = 0; i < sizeof header; i++)
		header[i] = (uint8_t)(i * 37 + 11);
	pow_target_from_millizeros(POW_MAX_MILLIZEROS, &target);
	pow_scan_t *s = pow_scan_new(header);

	(void)scan(s, from, chunk, &target, &nonce, hash); /* warm up */
	from += chunk;
	uint64_t first = from;
	double t0 = now_s(), t1 = t0;

	while (t1 - t0 < seconds) {
		if (scan(s, from, chunk, &target, &nonce, hash))
			from = nonce + 1; /* about 2^-240 per nonce: never in practice */
		else
			from += chunk;
		t1 = now_s();
	}
	out->ops = from - first;
	out->seconds = t1 - t0;
	pow_scan_free(s);
}

static void bench_pow_midstate(double seconds, struct bench_result *out)
{
	bench_scan(pow_scan_run, 1 << 15, seconds, out);
}

static void bench_pow_naive(double seconds, struct bench_result *out)
{
	bench_scan(pow_scan_run_naive, 1 << 13, seconds, out);
}

/* ---- event engine ------------------------------------------------------- */

struct hold {
	evq_t *q;
	struct rng r;
};

static simtime_t hold_delay(struct hold *h)
{
	return (simtime_t)rng_below(&h->r, 2 * HOLD_MEAN_DELAY);
}

/* The hold model: every event schedules its successor. */
static void hold_handler(void *ctx, const struct evq_event *ev)
{
	struct hold *h = ctx;

	evq_schedule(h->q, hold_delay(h), ev->kind, ev->dst, &ev->p);
}

/* Run evq_step in batches until SECONDS have passed. */
static void hold_run(struct hold *h, double seconds, struct bench_result *out)
{
	const int batch = 4096;
	uint64_t first = evq_processed(h->q);
	double t0 = now_s(), t1 = t0;

	while (t1 - t0 < seconds) {
		for (int i = 0; i < batch; i++)
			evq_step(h->q);
		t1 = now_s();
	}
	out->ops = evq_processed(h->q) - first;
	out->seconds = t1 - t0;
}

static void bench_evq_hold(double seconds, struct bench_result *out)
{
	struct hold h = { .q = evq_new() };
	struct bench_result warm;

	rng_seed(&h.r, 1, 0);
	evq_register(h.q, 0, hold_handler, &h);
	for (uint32_t i = 0; i < HOLD_PENDING; i++)
		evq_schedule(h.q, hold_delay(&h), 0, i, NULL);
	/* Let the queue reach its steady shape before the clock starts. */
	hold_run(&h, seconds / 10, &warm);
	hold_run(&h, seconds, out);
	g_assert_cmpuint(evq_pending(h.q), ==, HOLD_PENDING);
	evq_free(h.q);
}

/* Ed25519 verifications of a transaction-sized message (wallet.h). */
static void bench_sig_verify(double seconds, struct bench_result *out)
{
	double rate = wallet_bench_verify(seconds);
	out->seconds = seconds;
	out->ops = (uint64_t)(rate * seconds);
}

/* ---- the benchmarks ----------------------------------------------------- */

/* The table of benchmarks, run and printed in this order. To add one (a
 * signature-verification benchmark, say: Ed25519 verifies/s through
 * wallet.h), write a bench_fn above and add a row here; the table, the
 * JSON and --help follow. Keep existing keys unchanged: scripts read them. */
static const struct bench_case bench_cases[] = {
	{ "pow_midstate", "SHA-256 header, midstate", "hashes/s", 15e6, bench_pow_midstate },
	{ "pow_naive", "SHA-256 header, one-shot EVP", "hashes/s", 0, bench_pow_naive },
	{ "evq_hold", "event engine, hold 1e5 pending", "events/s", 8e6, bench_evq_hold },
	{ "sig_verify", "Ed25519 signature verify", "verifies/s", 0, bench_sig_verify },
};

#define N_BENCH G_N_ELEMENTS(bench_cases)

/* ---- output ------------------------------------------------------------- */

/* The "model name" of the first CPU in /proc/cpuinfo, or "unknown".
 * Returns a newly allocated string. */
static char *cpu_model(void)
{
	char *text = NULL, *model = NULL;

	if (g_file_get_contents("/proc/cpuinfo", &text, NULL, NULL)) {
		char **lines = g_strsplit(text, "\n", -1);

		for (char **l = lines; *l && !model; l++) {
			char *colon = strchr(*l, ':');

			if (g_str_has_prefix(*l, "model name") && colon)
				model = g_strstrip(g_strdup(colon + 1));
		}
		g_strfreev(lines);
		g_free(text);
	}
	return model ? model : g_strdup("unknown");
}

/* S as a JSON string literal. */
static void json_print_string(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static double rate_of(const struct bench_result *r)
{
	return r->seconds > 0 ? (double)r->ops / r->seconds : 0;
}

static void print_json(const char *cpu, double seconds, const struct bench_result *res)
{
	printf("{\"cpu\": ");
	json_print_string(cpu);
	printf(", \"seconds\": %g, \"benchmarks\": {", seconds);
	for (size_t i = 0; i < N_BENCH; i++) {
		const struct bench_case *b = &bench_cases[i];
		double rate = rate_of(&res[i]);

		printf("%s\n  \"%s\": {\"rate\": %.0f, \"unit\": \"%s\", ", i ? "," : "",
		       b->key, rate, b->unit);
		if (b->bar > 0)
			printf("\"bar\": %.0f, \"pass\": %s}", b->bar, rate >= b->bar ? "true" : "false");
		else
			printf("\"bar\": null, \"pass\": null}");
	}
	printf("\n}}\n");
}

static void print_table(const char *cpu, double seconds, const struct bench_result *res)
{
	printf("powsim bench: one core, %.1f s per benchmark\ncpu: %s\n\n", seconds, cpu);
	printf("%-32s %14s   %-10s %7s\n", "benchmark", "rate", "", "bar");
	for (size_t i = 0; i < N_BENCH; i++) {
		const struct bench_case *b = &bench_cases[i];
		double rate = rate_of(&res[i]);

		if (rate >= 1e6)
			printf("%-32s %14.2f M %-10s", b->label, rate / 1e6, b->unit);
		else
			printf("%-32s %14.2f k %-10s", b->label, rate / 1e3, b->unit);
		if (b->bar > 0)
			printf(" %7.1f M  %s\n", b->bar / 1e6, rate >= b->bar ? "pass" : "BELOW");
		else
			printf(" %9s\n", "-");
	}
}

/* ---- the command -------------------------------------------------------- */

int cmd_bench(int argc, char **argv)
{
	gboolean json = FALSE;
	double seconds = BENCH_DEFAULT_SECONDS;
	GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object instead of a table", NULL },
		{ "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds,
		  "Wall time per benchmark (default 1, at most 60)", "S" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new("- measure hashing and event throughput on one core");
	GError *err = NULL;

	g_option_context_set_summary(ctx, "Bars: 15 M SHA-256 header hashes/s (midstate), "
				     "8 M events/s with 1e5 pending events.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	bool ok = g_option_context_parse(ctx, &argc, &argv, &err);

	g_option_context_free(ctx);
	if (!ok) {
		fprintf(stderr, "powsim bench: %s\n", err->message);
		g_error_free(err);
		return EXIT_INPUT;
	}
	if (argc > 1) {
		fprintf(stderr, "powsim bench: expected no arguments, found \"%s\"\n", argv[1]);
		return EXIT_INPUT;
	}
	if (!(seconds > 0 && seconds <= BENCH_MAX_SECONDS)) {
		fprintf(stderr, "powsim bench: --seconds: expected a duration in (0, %g], found %g\n",
			BENCH_MAX_SECONDS, seconds);
		return EXIT_INPUT;
	}

	struct bench_result res[N_BENCH];
	char *cpu = cpu_model();

	for (size_t i = 0; i < N_BENCH; i++)
		bench_cases[i].run(seconds, &res[i]);
	if (json)
		print_json(cpu, seconds, res);
	else
		print_table(cpu, seconds, res);
	g_free(cpu);
	return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_INTERNAL;
}
