/* simtime: simulated time.
 *
 * Simulated time is a signed 64-bit count of nanoseconds since the start of
 * a run (about 292 years of range). It is an integer so that no floating
 * point ever orders events; a floating-point delay is rounded once, by
 * simtime_from_s(), when it is scheduled.
 */
#ifndef POWSIM_SIMTIME_H
#define POWSIM_SIMTIME_H

#include <stdint.h>

typedef int64_t simtime_t;

#define SIMTIME_NS   ((simtime_t)1)
#define SIMTIME_US   ((simtime_t)1000)
#define SIMTIME_MS   ((simtime_t)1000000)
#define SIMTIME_S    ((simtime_t)1000000000)
#define SIMTIME_MIN  (60 * SIMTIME_S)
#define SIMTIME_HOUR (3600 * SIMTIME_S)
#define SIMTIME_DAY  (24 * SIMTIME_HOUR)
#define SIMTIME_NEVER INT64_MAX

/* Seconds as a double, for output only. */
static inline double simtime_to_s(simtime_t t) { return (double)t / 1e9; }

/* Round seconds to the nearest nanosecond, saturating at SIMTIME_NEVER. */
static inline simtime_t simtime_from_s(double s)
{
	if (!(s < 9.2e9))
		return SIMTIME_NEVER;
	if (s <= 0)
		return 0;
	return (simtime_t)(s * 1e9 + 0.5);
}

/* A + B for A, B >= 0, saturating at SIMTIME_NEVER instead of wrapping:
 * sums of delays never turn negative. */
static inline simtime_t simtime_add_sat(simtime_t a, simtime_t b)
{
	return b > SIMTIME_NEVER - a ? SIMTIME_NEVER : a + b;
}

#endif
