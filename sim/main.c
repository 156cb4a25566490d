/* powsim: the command line. Dispatches to the subcommands (commands.h). */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "commands.h"
#include "powsim/pow.h"
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
	{ "serve", cmd_serve, "run a scenario live, every node answering HTTP" },
	{ "sweep", cmd_sweep, "run a grid of settings x seeds and aggregate it" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: powsim COMMAND [OPTIONS]\n\n"
		   "powsim simulates proof-of-work blockchain networks.\n\ncommands:\n");
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		fprintf(f, "  %-7s %s\n", commands[i].name, commands[i].what);
	fprintf(f, "\n'powsim COMMAND --help' describes each command's options.\n"
		   "powsim --version prints the version.\n\n"
		   "exit status: 0 success, 1 an expectation failed, 2 bad input, 3 internal or\n"
		   "I/O failure, 130 interrupted by SIGINT, 143 by SIGTERM.\n");
}

/* powsim reads and writes UTF-8 whatever the locale says: GLib converts
 * option values from the locale's character set, so under the "C"
 * locale any non-ASCII --set value ("500µs") was refused. Only the
 * character type is set (numbers are formatted the same in every
 * locale); without a UTF-8 locale, GLib is told the charset directly.
 * Invalid UTF-8 is still refused by the option parser. */
static void use_utf8(void)
{
	const char *charset;

	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL && setlocale(LC_CTYPE, "C.utf8") == NULL)
		g_setenv("CHARSET", "UTF-8", TRUE);
	if (!g_get_charset(&charset))
		g_setenv("CHARSET", "UTF-8", TRUE);
}

/* The first --set value that is not UTF-8, or NULL. */
static const char *bad_set_value(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		if (strcmp(argv[i], "--set") == 0 && i + 1 < argc)
			v = argv[i + 1];
		else if (strncmp(argv[i], "--set=", 6) == 0)
			v = argv[i] + 6;
		if (v != NULL && !g_utf8_validate(v, -1, NULL))
			return v;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *bad;

	use_utf8();
	if ((bad = bad_set_value(argc, argv)) != NULL) {
		char *shown = g_strescape(bad, NULL);
		fprintf(stderr, "powsim: --set %s: expected UTF-8 text, found other bytes\n", shown);
		g_free(shown);
		return EXIT_INPUT;
	}
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
	/* A bad POWSIM_POW_KERNEL is bad input: refused before a command
	 * claims an output directory or builds a world. */
	GError *err = NULL;
	enum pow_kernel forced;
	if (!pow_kernel_from_env(&forced, &err) && err) {
		fprintf(stderr, "powsim: %s\n", err->message);
		g_error_free(err);
		return EXIT_INPUT;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "powsim: unknown command \"%s\"\n\n", argv[1]);
	usage(stderr);
	return EXIT_INPUT;
}
