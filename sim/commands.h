/* The subcommands of the powsim command line. Each parses its own options
 * with GOption (so each has --help) and returns the process exit code:
 * 0 success; 1 a scenario expectation failed; 2 bad input; 3 internal or
 * I/O failure. */
#ifndef POWSIM_SIM_COMMANDS_H
#define POWSIM_SIM_COMMANDS_H

enum {
	EXIT_OK = 0,
	EXIT_EXPECT = 1,
	EXIT_INPUT = 2,
	EXIT_INTERNAL = 3,
};

/* ARGV[0] is the subcommand's name. */
int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

#endif
