/* libFuzzer target for whole runs: any bytes, NUL-terminated, read as a
 * scenario; one that the reader and the budget accept is cut down to a
 * short run (at most FUZZ_RUN_NODES nodes, FUZZ_RUN_STOP of simulated
 * time and FUZZ_RUN_BLOCKS blocks) and, if its estimate stays under the
 * small caps below, built, run with the invariant checks, and freed. A
 * crash, an assertion (one of the engine's, or an invariant), a
 * sanitizer report, a leak or a hang is a finding: a hang means the
 * budget let through a run it should have refused or bounded.
 * Run: make fuzz-run FUZZ_SECONDS=60. Every input that ever failed is kept
 * in tests/fuzz/crashes-fixed/ and replayed by tests/test_fuzz_replay.c
 * in make check. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "powsim/budget.h"
#include "powsim/invariants.h"
#include "powsim/scenario.h"
#include "powsim/world.h"

#define FUZZ_RUN_NODES 12
#define FUZZ_RUN_STOP (60 * SIMTIME_S)
#define FUZZ_RUN_BLOCKS 20
#define FUZZ_RUN_EVENTS 3e4
#define FUZZ_RUN_HASHES 5e5
#define FUZZ_RUN_TXS 60
#define FUZZ_RUN_SAMPLES 2e4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Cut S down to a short run. */
static void shorten(struct scenario *s)
{
	if (s->stop.time == 0 || s->stop.time > FUZZ_RUN_STOP)
		s->stop.time = FUZZ_RUN_STOP;
	if (s->stop.blocks == 0 || s->stop.blocks > FUZZ_RUN_BLOCKS)
		s->stop.blocks = FUZZ_RUN_BLOCKS;
}

static bool small_enough(const struct budget *b)
{
	return b->nodes <= FUZZ_RUN_NODES && b->events <= FUZZ_RUN_EVENTS && b->hashes <= FUZZ_RUN_HASHES &&
	       b->txs <= FUZZ_RUN_TXS && b->samples <= FUZZ_RUN_SAMPLES;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = g_malloc(size + 1);
	struct scenario s;
	struct budget b;
	GError *err = NULL;

	memcpy(text, data, size);
	text[size] = '\0';
	if (!scenario_load_string(text, "fuzz-run.json", NULL, &s, &err)) {
		g_assert(err != NULL && err->message != NULL);
		g_clear_error(&err);
		g_free(text);
		return 0;
	}
	g_free(text);
	shorten(&s);
	if (!budget_check(&s, &b, &err)) {
		g_assert(err != NULL && strchr(err->message, '\n') == NULL);
		g_clear_error(&err);
	} else if (small_enough(&b)) {
		world_t *w = world_new(&s, &err);
		if (w != NULL) {
			world_on_step(w, invariants_check, NULL);
			world_run(w, NULL);
			invariants_check(NULL, w);
			world_free(w);
		} else {
			g_clear_error(&err);
		}
	}
	config_clear(&s);
	return 0;
}
