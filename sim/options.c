/* Option parsing shared by the subcommands that take one file. */
#include <glib.h>

#include "commands.h"

bool cmd_parse_one(int *argc, char ***argv, const GOptionEntry *entries, const char *usage,
		   const char *summary, const char *noun, GError **err)
{
	GOptionContext *ctx = g_option_context_new(usage);
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_summary(ctx, summary);
	bool ok = g_option_context_parse(ctx, argc, argv, err);
	g_option_context_free(ctx);
	if (ok && *argc != 2) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
			    *argc < 2 ? "no %s given" : "one %s at a time", noun);
		ok = false;
	}
	return ok;
}
