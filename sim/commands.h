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

#include "powsim/outdir.h"

/* Lock DIR and begin replacing it as one unit (outdir.h), refusing a
 * directory another run holds or one with files that are not a run's.
 * Returns NULL, with the reason printed as "powsim CMD: ...", on failure;
 * else the staging directory to write, with *LOCK held until
 * outdir_unlock(). Shared by run and serve. */
outdir_t *cmd_claim_outdir(const char *cmd, const char *dir, outdir_lock_t **lock);

/* ARGV[0] is the subcommand's name. */
int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

#endif
