/* powsim bench [--json] [--seconds S] [--repeat R] [--kernel NAME]:
 * measure, on one core and on CPU time, the rates the design sets bars for.
 *
 *   pow_midstate  SHA-256 header hashes/s of pow_scan_run, the scan powsim
 *                 uses, with its kernel (pow.h; --kernel or
 *                 POWSIM_POW_KERNEL to force one); bars 60 M/s and 2.5x
 *                 pow_openssl
 *   pow_openssl   the same scan through OpenSSL's one-chunk
 *                 SHA256_Transform on the midstate (kernel "openssl")
 *   pow_naive     the same search with a one-shot EVP digest per nonce
 *                 (pow_scan_run_naive); no bar, shown for comparison
 *   pow_kernel_*  every kernel of pow.h by name (sha_ni, sha_ni_2,
 *                 sha_ni_4, avx512), or unavailable on this CPU
 *   evq_hold      events/s of the event engine in the hold model: 1e5
 *                 pending events, each step pops one and schedules one at
 *                 now + a random delay; bar 8 M/s
 *   sig_verify    Ed25519 verifications/s (wallet.h)
 *
 * Time is the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so
 * neighbours on a shared machine slow a benchmark less than on the wall
 * clock. Each benchmark runs R repetitions (default 5) of S/R CPU seconds
 * (S default 1); the best repetition's rate is reported. The repetitions
 * of all benchmarks are interleaved, so that a load change hits every
 * rate alike and the ratios to pow_openssl come from the same run. The
 * table marks each rate "pass" or "BELOW" its bar; the exit code is 0
 * either way (a measurement is not a test).
 *
 * --json prints one object instead, with fixed keys that scripts read:
 *   {"cpu": "...", "seconds": S, "repeat": R, "clock": "thread-cpu",
 *    "benchmarks": {"<key>": {"rate": R, "unit": "hashes/s", "bar": B,
 *                             "pass": true|false, ...}, ...}}
 * where "bar" and "pass" are null for a benchmark without a bar. Hashing
 * rows add "kernel" (its name) and "ratio_to_openssl"; pow_midstate adds
 * "ratio_bar" and "ratio_pass"; a kernel this CPU lacks has "rate": null
 * and "available": false. The keys of "benchmarks" are the keys of
 * bench_cases[] below.
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "powsim/check.h"
#include "powsim/evq.h"
#include "powsim/pow.h"
#include "powsim/rng.h"
#include "powsim/wallet.h"

#include "commands.h"

#define BENCH_DEFAULT_SECONDS 1.0
#define BENCH_MAX_SECONDS 60.0
#define BENCH_DEFAULT_REPEAT 5
#define BENCH_MAX_REPEAT 100
#define HOLD_PENDING 100000
#define HOLD_MEAN_DELAY SIMTIME_MS /* delays uniform in [0, 2 ms) */
#define POW_BAR 60e6
#define POW_RATIO_BAR 2.5

/* What one repetition measured. */
struct bench_result {
	uint64_t ops;   /* hashes, events, ... */
	double seconds; /* CPU time they took */
};

struct bench_case;

/* Run one repetition of benchmark B for about SECONDS of CPU time. */
typedef void (*bench_fn)(const struct bench_case *b, double seconds,
			 struct bench_result *out);

struct bench_case {
	const char *key;   /* JSON key; fixed once published */
	const char *label; /* table row */
	const char *unit;  /* per second */
	double bar;        /* the design's bar in units/s; 0 = none */
	bench_fn run;
	int kernel;        /* hashing rows: the pow kernel, or -1 */
};

/* The kernel pow_midstate uses: pow_kernel_default() or --kernel. */
static enum pow_kernel midstate_kernel;

/* This thread's CPU time in seconds. */
static double cpu_s(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		g_error("bench: clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- proof of work ------------------------------------------------------ */

typedef bool (*scan_fn)(pow_scan_t *s, uint64_t from, uint64_t count,
			const struct u256 *target, uint64_t *nonce, uint8_t hash[32]);

/* Hash nonces in chunks of CHUNK with kernel K until SECONDS of CPU time
 * have passed, at a difficulty no nonce meets (60 hex zeros), so that
 * every nonce is hashed. */
static void bench_scan(scan_fn scan, enum pow_kernel k, uint64_t chunk, double seconds,
		       struct bench_result *out)
{
	uint8_t header[POW_HEADER_SIZE], hash[32];
	struct u256 target;
	uint64_t from = 0, nonce;

	for (size_t i = 0; i < sizeof header; i++)
		header[i] = (uint8_t)(i * 37 + 11);
	pow_target_from_millizeros(POW_MAX_MILLIZEROS, &target);
	pow_scan_t *s = pow_scan_new(header);

	pow_scan_set_kernel(s, k);
	(void)scan(s, from, chunk, &target, &nonce, hash); /* warm up */
	from += chunk;
	uint64_t first = from;
	double t0 = cpu_s(), t1 = t0;

	while (t1 - t0 < seconds) {
		if (scan(s, from, chunk, &target, &nonce, hash))
			from = nonce + 1; /* about 2^-240 per nonce: never in practice */
		else
			from += chunk;
		t1 = cpu_s();
	}
	out->ops = from - first;
	out->seconds = t1 - t0;
	pow_scan_free(s);
}

static void bench_pow_midstate(const struct bench_case *b, double seconds,
			       struct bench_result *out)
{
	(void)b;
	bench_scan(pow_scan_run, midstate_kernel, 1 << 15, seconds, out);
}

static void bench_pow_kernel(const struct bench_case *b, double seconds,
			     struct bench_result *out)
{
	bench_scan(pow_scan_run, (enum pow_kernel)b->kernel, 1 << 15, seconds, out);
}

static void bench_pow_naive(const struct bench_case *b, double seconds,
			    struct bench_result *out)
{
	(void)b;
	bench_scan(pow_scan_run_naive, POW_KERNEL_OPENSSL, 1 << 13, seconds, out);
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

/* Run evq_step in batches until SECONDS of CPU time have passed. */
static void hold_run(struct hold *h, double seconds, struct bench_result *out)
{
	const int batch = 4096;
	uint64_t first = evq_processed(h->q);
	double t0 = cpu_s(), t1 = t0;

	while (t1 - t0 < seconds) {
		for (int i = 0; i < batch; i++)
			evq_step(h->q);
		t1 = cpu_s();
	}
	out->ops = evq_processed(h->q) - first;
	out->seconds = t1 - t0;
}

static void bench_evq_hold(const struct bench_case *b, double seconds,
			   struct bench_result *out)
{
	struct hold h = { .q = evq_new() };
	struct bench_result warm;

	(void)b;
	rng_seed(&h.r, 1, 0);
	evq_register(h.q, 0, hold_handler, &h);
	for (uint32_t i = 0; i < HOLD_PENDING; i++)
		evq_schedule(h.q, hold_delay(&h), 0, i, NULL);
	/* Let the queue reach its steady shape before the clock starts. */
	hold_run(&h, seconds / 10, &warm);
	hold_run(&h, seconds, out);
	CHECK(evq_pending(h.q) == HOLD_PENDING);
	evq_free(h.q);
}

/* Ed25519 verifications of a transaction-sized message (wallet.h). The
 * wallet times its loop on the wall clock; the count it made is put over
 * the CPU time the call took. */
static void bench_sig_verify(const struct bench_case *b, double seconds,
			     struct bench_result *out)
{
	(void)b;
	gint64 w0 = g_get_monotonic_time();
	double t0 = cpu_s();
	double rate = wallet_bench_verify(seconds);
	double wall = (double)(g_get_monotonic_time() - w0) / 1e6;

	out->seconds = cpu_s() - t0;
	out->ops = (uint64_t)(rate * wall);
}

/* ---- the benchmarks ----------------------------------------------------- */

/* The table of benchmarks, printed in this order. To add one, write a
 * bench_fn above and add a row here; the table, the JSON and --help
 * follow. Keep existing keys unchanged: scripts read them. */
static const struct bench_case bench_cases[] = {
	{ "pow_midstate", "SHA-256 header, the scan", "hashes/s", POW_BAR, bench_pow_midstate, -1 },
	{ "pow_openssl", "SHA-256 header, OpenSSL midstate", "hashes/s", 0, bench_pow_kernel,
	  POW_KERNEL_OPENSSL },
	{ "pow_naive", "SHA-256 header, one-shot EVP", "hashes/s", 0, bench_pow_naive, -1 },
	{ "pow_kernel_sha_ni", "  kernel sha-ni", "hashes/s", 0, bench_pow_kernel, POW_KERNEL_SHA_NI },
	{ "pow_kernel_sha_ni_2", "  kernel sha-ni-2", "hashes/s", 0, bench_pow_kernel,
	  POW_KERNEL_SHA_NI_2 },
	{ "pow_kernel_sha_ni_4", "  kernel sha-ni-4", "hashes/s", 0, bench_pow_kernel,
	  POW_KERNEL_SHA_NI_4 },
	{ "pow_kernel_avx512", "  kernel avx512", "hashes/s", 0, bench_pow_kernel, POW_KERNEL_AVX512 },
	{ "evq_hold", "event engine, hold 1e5 pending", "events/s", 8e6, bench_evq_hold, -1 },
	{ "sig_verify", "Ed25519 signature verify", "verifies/s", 0, bench_sig_verify, -1 },
};

#define N_BENCH G_N_ELEMENTS(bench_cases)
#define OPENSSL_ROW 1 /* bench_cases[1] is pow_openssl */

/* What the command reports per benchmark: the best repetition. */
struct bench_best {
	bool available; /* false: a kernel this CPU lacks; not run */
	double rate;    /* best units/s */
};

/* The pow kernel of row I: its own, the scan's for pow_midstate, -1. */
static int row_kernel(size_t i)
{
	if (bench_cases[i].run == bench_pow_midstate)
		return (int)midstate_kernel;
	return bench_cases[i].kernel;
}

/* A hashing row's ratio to pow_openssl, or 0. */
static double row_ratio(size_t i, const struct bench_best *res)
{
	if (row_kernel(i) < 0 || !res[i].available || res[OPENSSL_ROW].rate <= 0)
		return 0;
	return res[i].rate / res[OPENSSL_ROW].rate;
}

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

static const char *json_bool(bool b)
{
	return b ? "true" : "false";
}

static void print_json(const char *cpu, double seconds, int repeat,
		       const struct bench_best *res)
{
	printf("{\"cpu\": ");
	json_print_string(cpu);
	printf(", \"seconds\": %g, \"repeat\": %d, \"clock\": \"thread-cpu\", \"benchmarks\": {",
	       seconds, repeat);
	for (size_t i = 0; i < N_BENCH; i++) {
		const struct bench_case *b = &bench_cases[i];
		double rate = res[i].rate;
		int k = row_kernel(i);

		printf("%s\n  \"%s\": {", i ? "," : "", b->key);
		if (res[i].available)
			printf("\"rate\": %.0f, ", rate);
		else
			printf("\"rate\": null, \"available\": false, ");
		printf("\"unit\": \"%s\", ", b->unit);
		if (b->bar > 0)
			printf("\"bar\": %.0f, \"pass\": %s", b->bar, json_bool(rate >= b->bar));
		else
			printf("\"bar\": null, \"pass\": null");
		if (k >= 0) {
			printf(", \"kernel\": \"%s\"", pow_kernel_name((enum pow_kernel)k));
			if (res[i].available)
				printf(", \"ratio_to_openssl\": %.3f", row_ratio(i, res));
			else
				printf(", \"ratio_to_openssl\": null");
		}
		if (b->run == bench_pow_midstate)
			printf(", \"ratio_bar\": %.1f, \"ratio_pass\": %s", POW_RATIO_BAR,
			       json_bool(row_ratio(i, res) >= POW_RATIO_BAR));
		printf("}");
	}
	printf("\n}}\n");
}

static void print_table(const char *cpu, double seconds, int repeat,
			const struct bench_best *res)
{
	printf("powsim bench: one core, CPU time, best of %d x %.2f s per benchmark\ncpu: %s\n\n",
	       repeat, seconds / repeat, cpu);
	printf("%-34s %10s   %-10s %9s  %-12s %s\n", "benchmark", "rate", "", "bar", "",
	       "vs openssl");
	for (size_t i = 0; i < N_BENCH; i++) {
		const struct bench_case *b = &bench_cases[i];
		double rate = res[i].rate;
		char label[64];
		int k = row_kernel(i);

		if (b->run == bench_pow_midstate)
			g_snprintf(label, sizeof label, "%s (%s)", b->label,
				   pow_kernel_name((enum pow_kernel)k));
		else
			g_strlcpy(label, b->label, sizeof label);
		if (!res[i].available) {
			printf("%-34s %12s %-10s %9s  %-12s %s\n", label, "-", "", "-", "",
			       "not on this CPU");
			continue;
		}
		if (rate >= 1e6)
			printf("%-34s %10.2f M %-10s", label, rate / 1e6, b->unit);
		else
			printf("%-34s %10.2f k %-10s", label, rate / 1e3, b->unit);
		if (b->bar > 0)
			printf(" %7.1f M  %-12s", b->bar / 1e6, rate >= b->bar ? "pass" : "BELOW");
		else
			printf(" %9s  %-12s", "-", "");
		if (b->run == bench_pow_midstate)
			printf(" %.2fx (bar %.1fx: %s)\n", row_ratio(i, res), POW_RATIO_BAR,
			       row_ratio(i, res) >= POW_RATIO_BAR ? "pass" : "BELOW");
		else if (k >= 0)
			printf(" %.2fx\n", row_ratio(i, res));
		else
			printf("\n");
	}
}

/* Run every available benchmark REPEAT times for SECONDS/REPEAT each,
 * round robin, keeping each one's best rate. */
static void run_all(double seconds, int repeat, struct bench_best *res)
{
	for (size_t i = 0; i < N_BENCH; i++) {
		int k = bench_cases[i].kernel;

		res[i].available = k < 0 || pow_kernel_available((enum pow_kernel)k);
		res[i].rate = 0;
	}
	for (int r = 0; r < repeat; r++) {
		for (size_t i = 0; i < N_BENCH; i++) {
			struct bench_result one = { 0, 0 };

			if (!res[i].available)
				continue;
			bench_cases[i].run(&bench_cases[i], seconds / repeat, &one);
			double rate = one.seconds > 0 ? (double)one.ops / one.seconds : 0;

			if (rate > res[i].rate)
				res[i].rate = rate;
		}
	}
}

/* ---- the command -------------------------------------------------------- */

int cmd_bench(int argc, char **argv)
{
	gboolean json = FALSE;
	double seconds = BENCH_DEFAULT_SECONDS;
	int repeat = BENCH_DEFAULT_REPEAT;
	char *kernel = NULL;
	GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object instead of a table", NULL },
		{ "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds,
		  "CPU time per benchmark, all repetitions (default 1, at most 60)", "S" },
		{ "repeat", 0, 0, G_OPTION_ARG_INT, &repeat,
		  "Repetitions per benchmark; the best counts (default 5, at most 100)", "R" },
		{ "kernel", 0, 0, G_OPTION_ARG_STRING, &kernel,
		  "Kernel of the scan row: openssl, sha-ni, sha-ni-2, sha-ni-4, avx512 "
		  "(default: POWSIM_POW_KERNEL, else the fastest this CPU has)", "NAME" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new("- measure hashing and event throughput on one core");
	GError *err = NULL;

	g_option_context_set_summary(ctx, "Bars: 60 M SHA-256 header hashes/s for the scan and "
				     "2.5x the OpenSSL midstate path, 8 M events/s with 1e5 pending "
				     "events. Rates are on CPU time.");
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
		g_free(kernel);
		return EXIT_INPUT;
	}
	if (repeat < 1 || repeat > BENCH_MAX_REPEAT) {
		fprintf(stderr, "powsim bench: --repeat: expected a count in [1, %d], found %d\n",
			BENCH_MAX_REPEAT, repeat);
		g_free(kernel);
		return EXIT_INPUT;
	}
	if (kernel != NULL) {
		bool known = pow_kernel_parse(kernel, &midstate_kernel);

		if (!known || !pow_kernel_available(midstate_kernel)) {
			fprintf(stderr, "powsim bench: --kernel: expected %s, found \"%s\"%s\n",
				"openssl, sha-ni, sha-ni-2, sha-ni-4 or avx512", kernel,
				known ? " (not supported by this CPU)" : "");
			g_free(kernel);
			return EXIT_INPUT;
		}
		g_free(kernel);
	} else {
		midstate_kernel = pow_kernel_default();
	}

	struct bench_best res[N_BENCH];
	char *cpu = cpu_model();

	run_all(seconds, repeat, res);
	if (json)
		print_json(cpu, seconds, repeat, res);
	else
		print_table(cpu, seconds, repeat, res);
	g_free(cpu);
	return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_INTERNAL;
}
