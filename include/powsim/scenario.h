/* scenario: read a scenario file into a validated struct scenario.
 *
 * A scenario file is JSON (format reference: scenarios/README.md). The
 * reader parses it, applies command-line overrides ("--set PATH=VALUE")
 * to the JSON tree, then validates the tree field by field into a struct
 * scenario with every default filled (config.h). The first problem found
 * is reported as a GError in SCENARIO_ERROR / SCENARIO_ERROR_INPUT whose
 * message names the file, the JSON path, what was expected and what was
 * found, e.g.
 *   lecture.json: events[3].at: expected a duration like "250ms", ...,
 *   found "4.5 parsecs"
 * An error caused by an override says so ("(from --set stop.time=3x)").
 * Nothing here asserts on input; a file is never trusted.
 */
#ifndef POWSIM_SCENARIO_H
#define POWSIM_SCENARIO_H

#include <stdbool.h>

#include <glib.h>

#include "powsim/config.h"

#define SCENARIO_ERROR (scenario_error_quark())
GQuark scenario_error_quark(void);

enum scenario_error {
	SCENARIO_ERROR_INPUT, /* the file, an override or a value is bad */
};

/* Largest total number of nodes a scenario may declare. */
#define SCENARIO_MAX_NODES 1000000u
/* Largest scenario file read, in bytes. */
#define SCENARIO_MAX_FILE_BYTES (64u << 20)

/* Read the scenario file PATH, apply OVERRIDES (NULL-terminated
 * "PATH=VALUE" strings, may be NULL) and validate it into *OUT
 * (config_init'ed by the call; on success the caller owns it and
 * config_clear()s it; on failure it is already cleared, and clearing it
 * again is harmless). Returns false with ERR set (domain
 * SCENARIO_ERROR, code SCENARIO_ERROR_INPUT) naming the file and the
 * JSON path. A missing file, a directory, an empty or binary file and
 * truncated JSON (with line:column) are errors too. */
bool scenario_load(const char *path, char **overrides, struct scenario *out, GError **err);

/* Whether S is valid as a scenario's or a node's "name": 1 to 32
 * characters from A-Z a-z 0-9 _ - . not starting with . or -. */
bool scenario_name_ok(const char *s);

/* The same for a scenario held in TEXT (NUL-terminated); NAME_FOR_MESSAGES
 * stands for the file name in messages, in out->file and in the default
 * scenario name (its basename without ".json"). */
bool scenario_load_string(const char *text, const char *name_for_messages, char **overrides,
                          struct scenario *out, GError **err);

/* A one-paragraph human summary of S (name, nodes by group, mode,
 * difficulty, stop condition, number of events), ending in a newline.
 * The caller g_free()s it. */
char *scenario_describe(const struct scenario *s);

#endif
