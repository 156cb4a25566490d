/* The subcommands of the powsim command line. Each parses its own options
 * with GOption (so each has --help) and returns the process exit code:
 * 0 success; 1 a scenario expectation failed; 2 bad input; 3 internal or
 * I/O failure; 128 + the signal's number (130 SIGINT, 143 SIGTERM) when
 * a run was interrupted. */
#ifndef POWSIM_SIM_COMMANDS_H
#define POWSIM_SIM_COMMANDS_H

enum {
	EXIT_OK = 0,
	EXIT_EXPECT = 1,
	EXIT_INPUT = 2,
	EXIT_INTERNAL = 3,
};

#include <stdbool.h>

#include "powsim/config.h"
#include "powsim/outdir.h"
#include "powsim/world.h"

/* Lock DIR and begin replacing it as one unit (outdir.h), refusing a
 * directory another run holds or one with files that are not a run's.
 * Returns NULL, with the reason printed as "powsim CMD: ...", on failure;
 * else the staging directory to write, with *LOCK held until
 * outdir_unlock(). Shared by run and serve. */
outdir_t *cmd_claim_outdir(const char *cmd, const char *dir, outdir_lock_t **lock);

/* The output directory of a run of SC: OUT if given, else out/NAME, or
 * out/NAME-seed-N when SEED_GIVEN (the seed came from the command line),
 * so that runs of several seeds never replace each other's outputs. A
 * sibling, never a subdirectory: a run directory is replaced whole.
 * Newly allocated. Shared by run and serve. */
char *cmd_output_dir(const struct scenario *sc, const char *out, bool seed_given);

/* The lecture's console feed for a mined block B (--log lecture): the
 * block as the lecture's nodes print it, on stdout. A world_mined_fn
 * (CTX unused), shared by run and serve. */
void cmd_lecture_mined(void *ctx, const world_t *w, const struct block *b);

/* Parse ARGC and ARGV (pointers) with ENTRIES (GOption; USAGE is the parameter line,
 * e.g. "SCENARIO - run a scenario", SUMMARY the --help text) and require
 * exactly one argument, a NOUN ("scenario file"). Returns false with ERR
 * set on a bad option or a missing or extra argument. */
bool cmd_parse_one(int *argc, char ***argv, const GOptionEntry *entries, const char *usage,
		   const char *summary, const char *noun, GError **err);

/* ARGV[0] is the subcommand's name. */
int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

#endif
