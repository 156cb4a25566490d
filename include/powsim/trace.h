/* trace: the outputs of a finished run.
 *
 * Writes, into one directory, the files whose columns README.md
 * ("Outputs") documents: blocks.csv, reorgs.csv, txs.csv, timeline.csv,
 * events.csv, phases.csv, miners.csv, summary.json and chain.json. The
 * directory given is written as is: a caller that replaces an earlier
 * run's outputs gives a fresh staging directory and swaps it in whole
 * (outdir.h), so a failed write never replaces an earlier good run.
 *
 * Everything written is a function of the scenario and the seed, except
 * summary.json's "wall_s" line, the one figure measured outside the
 * simulation.
 */
#ifndef POWSIM_TRACE_H
#define POWSIM_TRACE_H

#include <stdbool.h>

#include <glib.h>

#include "powsim/world.h"

/* The names of the files trace_write() writes, NULL-terminated. */
extern const char *const trace_files[];

/* Write every output of W into the existing directory DIR, each file
 * under its final name (an existing one is overwritten). Returns false
 * with ERR naming the file on an I/O failure (a full disk included);
 * files in DIR are then incomplete, and the caller discards DIR. */
bool trace_write(const world_t *w, const char *dir, GError **err);

/* One per run of main-chain blocks of one difficulty. The mean interval
 * counts only blocks whose parent has the same difficulty: the interval of
 * a phase's first block straddles the change and measures neither. */
struct trace_phase {
	uint32_t millizeros;
	uint32_t start_height, end_height, blocks;
	simtime_t start;            /* the change took effect (or the parent was mined) */
	simtime_t end;              /* the last block was mined */
	double mean_interval_s;
	double expected_interval_s; /* work / mean total hash rate of the run */
	double blocks_per_min;      /* 60 / mean interval */
	uint32_t txs;               /* transfers included, coinbases excluded */
};

/* The headline figures of a finished run. */
struct trace_totals {
	const struct block *tip;   /* of the main chain */
	uint32_t main_length;      /* blocks after genesis */
	uint64_t stale;            /* mined (not injected), off the main chain */
	uint32_t reorgs, deepest;
};

void trace_totals(const world_t *w, struct trace_totals *t);

/* The phases of W's main chain into a new array of struct trace_phase. */
GArray *trace_phases(const world_t *w);

#endif
