/* powsim: the command line. Dispatches to the subcommands (commands.h). */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "commands.h"
#include "powsim/version.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *what;
} commands[] = {
	{ "run", cmd_run, "run a scenario and write its traces" },
	{ "check", cmd_check, "validate a scenario file without running it" },
	{ "plot", cmd_plot, "render the figures of finished runs" },
	{ "bench", cmd_bench, "measure hashing, signatures and event throughput" },
	{ "sweep", cmd_sweep, "run a grid of settings x seeds and aggregate it" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: powsim COMMAND [OPTIONS]\n\n"
		   "powsim simulates proof-of-work blockchain networks.\n\ncommands:\n");
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		fprintf(f, "  %-7s %s\n", commands[i].name, commands[i].what);
	fprintf(f, "\n'powsim COMMAND --help' describes each command's options.\n"
		   "powsim --version prints the version.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_INPUT;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("powsim %s\n", POWSIM_VERSION);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "powsim: unknown command \"%s\"\n\n", argv[1]);
	usage(stderr);
	return EXIT_INPUT;
}
