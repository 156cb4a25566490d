/* expect: check a finished run against its scenario's expectations.
 *
 * A scenario's "expect" section (scenarios/README.md, config.h struct
 * expect_cfg) bounds figures of the run: the main chain's height, stale
 * blocks, reorgs, how many nodes share a tip, rejections by reason, the
 * mean interval of a difficulty phase or of the last blocks, and counts
 * of blocks or transactions matching a selector. expect_evaluate()
 * measures each on a finished run's report (report.h: the main chain,
 * totals, phases, tips) and says whether it is within its bound.
 * Measuring only reads; the result is a function of the scenario and
 * the seed.
 */
#ifndef POWSIM_EXPECT_H
#define POWSIM_EXPECT_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "powsim/report.h"

/* The outcome of one expectation. */
struct expect_result {
	const char *label;  /* its JSON path, e.g. "expect.height" (the scenario's) */
	bool pass;
	bool measured_ok;   /* false: nothing to measure (no such phase) */
	double measured;
	char *measured_text;/* the measured value, formatted ("42", "3.12s", "no phase 3") */
	char *bound_text;   /* the bound, formatted (">= 20", "2s..8s", "= 1", "<= stale (4)") */
};


/* Evaluate every expectation of the scenario of the run R reports on, in
 * file order. Returns a new array of struct expect_result; free it with
 * expect_results_free(). */
GArray *expect_evaluate(const struct report *r);

/* The number of results that failed. */
uint32_t expect_failures(const GArray *results);

/* NULL-safe. */
void expect_results_free(GArray *results);

#endif
