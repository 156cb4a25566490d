/* libFuzzer target for the scenario reader: any bytes, NUL-terminated,
 * through scenario_load_string() (with and without an override), then
 * freed. A crash, a sanitizer report, a leak or a hang is a finding.
 * Run: make fuzz FUZZ_SECONDS=60. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "powsim/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = g_malloc(size + 1);
	struct scenario s;
	GError *err = NULL;
	char *ov[] = { "expect.height.min=1", NULL };

	memcpy(text, data, size);
	text[size] = '\0';
	if (scenario_load_string(text, "fuzz.json", NULL, &s, &err)) {
		char *d = scenario_describe(&s);
		g_free(d);
		config_clear(&s);
	} else {
		g_assert(err != NULL && err->message != NULL);
		g_clear_error(&err);
	}
	/* The same text under an override: the override code walks the tree. */
	if (scenario_load_string(text, "fuzz.json", ov, &s, &err))
		config_clear(&s);
	else
		g_clear_error(&err);
	config_clear(&s); /* harmless after a failure or a clear */
	g_free(text);
	return 0;
}
