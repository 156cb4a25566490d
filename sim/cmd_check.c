/* powsim check SCENARIO [--set PATH=VALUE]...: read and validate a
 * scenario file without running it, and refuse one too big to run
 * (budget.h). Exit 0 with a one-paragraph summary
 * on stdout if it is good; exit 2 with the error on stderr otherwise. */
#include <stdio.h>

#include <glib.h>

#include "powsim/budget.h"
#include "powsim/scenario.h"

#include "commands.h"

int cmd_check(int argc, char **argv)
{
	char **sets = NULL;
	GOptionEntry entries[] = {
		{ "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets,
		  "Override a field before validation, e.g. --set consensus.difficulty=6 (repeatable)",
		  "PATH=VALUE" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionContext *ctx = g_option_context_new("SCENARIO - validate a scenario file");
	GError *err = NULL;
	struct scenario s;
	int code = EXIT_OK;

	g_option_context_set_summary(ctx, "Reads SCENARIO, applies the --set overrides and checks every field.\n"
	                             "Exit status: 0 if the scenario is good, 2 if not or if it is too big to run\n"
	                             "(the error is printed).\n"
	                             "The file format is described in scenarios/README.md.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "powsim check: %s\n", err->message);
		g_error_free(err);
		g_option_context_free(ctx);
		g_strfreev(sets);
		return EXIT_INPUT;
	}
	g_option_context_free(ctx);
	if (argc != 2) {
		fprintf(stderr, "powsim check: expected one scenario file (powsim check SCENARIO [--set PATH=VALUE]...), "
		        "got %d; see powsim check --help\n", argc - 1);
		g_strfreev(sets);
		return EXIT_INPUT;
	}
	if (scenario_load(argv[1], sets, &s, &err) && budget_admit(&s, &err)) {
		char *summary = scenario_describe(&s);
		fputs(summary, stdout);
		g_free(summary);
	} else {
		fprintf(stderr, "powsim check: %s\n", err->message);
		g_error_free(err);
		code = EXIT_INPUT;
	}
	config_clear(&s);
	g_strfreev(sets);
	return code;
}
