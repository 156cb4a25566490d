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
#include "powsim/simtime.h"

/* The recording: the scenario file SC->file with SC's "name" (when
 * scenario_name_ok; else the replay derives it from its own file name),
 * SC's seed, and SC's events from index FIRST on appended. LIVE_END > 0:
 * the live run ignored the file's stop condition and ended at LIVE_END
 * with a recorded "stop" action, which ends the replay too; the
 * recording's "stop" is then a time after that run's drain (LIVE_END +
 * WORLD_DRAIN_MAX + 1 ns), never reached. Returns the JSON text (free
 * with g_free), or NULL with ERR naming the file. */
char *record_text(const struct scenario *sc, guint first, simtime_t live_end, GError **err);

/* Write TEXT to OUT through a temporary file renamed into place.
 * Returns false with ERR naming OUT on failure. */
bool record_write(const char *text, const char *out, GError **err);

#endif
