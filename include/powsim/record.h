/* record: a live run written down as a scenario that replays it.
 *
 * powsim serve turns every accepted request into a timeline action of its
 * scenario (config.h, the live actions). record_write writes the original
 * scenario file back with the seed the run used, those actions appended
 * to "events" at the simulated times they took effect (integer
 * nanoseconds, "at": "123456789ns"; a run ended from outside ends with
 * a "stop" action); `powsim run` on the result replays the live run event
 * for event.
 */
#ifndef POWSIM_RECORD_H
#define POWSIM_RECORD_H

#include <stdbool.h>

#include <glib.h>

#include "powsim/config.h"

/* Write to OUT (through a temporary file renamed into place) the scenario
 * file SC->file with SC's seed and SC's events from index FIRST on
 * appended. NO_STOP: the live run ignored the file's stop condition, so
 * the recording's is one never reached (its own "stop" action ends it).
 * Returns false with ERR naming the file on failure. */
bool record_write(const struct scenario *sc, guint first, bool no_stop, const char *out,
		  GError **err);

#endif
