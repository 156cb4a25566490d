/* trace: the outputs of a finished run.
 *
 * Writes, into one directory, the files whose columns README.md
 * ("Outputs") documents: blocks.csv, reorgs.csv, txs.csv, timeline.csv,
 * events.csv, phases.csv, miners.csv, summary.json and chain.json, from
 * the world's records and the facts report.h derives from them. The
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

#include "powsim/report.h"

/* The names of the files trace_write() writes, NULL-terminated. */
extern const char *const trace_files[];

/* Write every output of the run R reports on into the existing directory
 * DIR, each file under its final name (an existing one is overwritten).
 * Returns false with ERR naming the file on an I/O failure (a full disk
 * included); files in DIR are then incomplete, and the caller discards DIR. */
bool trace_write(const struct report *r, const char *dir, GError **err);

/* Block B as one object of chain.json (index, timestamp, transactions,
 * proof, previous_hash, miner, hash, difficulty, header), unformatted.
 * The caller g_free()s it. */
char *trace_block_json(const world_t *w, const struct block *b);

/* The chain ending at TIP in chain.json's form {"chain": [...], "length":
 * N}. The caller g_free()s it. */
char *trace_chain_json(const world_t *w, const struct block *tip);

#endif
