/* units: human quantities in scenario files and on the command line.
 *
 * Durations ("250ms", "4.5s", "2m13s", "1h", "90us", "10ns"; a bare number
 * is an error so that no unit is ever guessed), hash rates ("1.2MH/s",
 * "45kH/s", "3GH/s", "500H/s"), bandwidths ("10Mbit/s", "1.5Gbit/s",
 * "800kbit/s", "2MB/s"), and sizes ("535KB", "1MB", "250B"). Decimal
 * prefixes k M G T (k also as K). Each parser reads the whole string: any
 * leftover character is an error. Errors are a short phrase saying what
 * was expected; the caller adds the file and the field.
 */
#ifndef POWSIM_UNITS_H
#define POWSIM_UNITS_H

#include <stdbool.h>
#include <stdint.h>

#include "powsim/simtime.h"

/* Parse a duration into *OUT (>= 0). On error returns false and sets
 * *WHY to a static phrase ("a duration like \"250ms\" or \"4.5s\""). A
 * sequence of terms adds up: "2m13s", "1h30m". */
bool units_parse_duration(const char *s, simtime_t *out, const char **why);

/* Parse a hash rate into hashes per second (> 0 and finite). */
bool units_parse_hashrate(const char *s, double *hps, const char **why);

/* Parse a bandwidth into bits per second (> 0 and finite). */
bool units_parse_bandwidth(const char *s, double *bps, const char **why);

/* Parse a size into bytes. */
bool units_parse_size(const char *s, uint64_t *bytes, const char **why);

/* Format a duration compactly ("4.7s", "250ms", "2m13s") into BUF. */
void units_format_duration(simtime_t t, char *buf, unsigned len);

/* Format a hash rate ("223.1kH/s") into BUF. */
void units_format_hashrate(double hps, char *buf, unsigned len);

#endif
