/* evq: the discrete-event engine.
 *
 * A priority queue of events ordered by (time, insertion sequence), with a
 * clock that is the time of the last event popped. The engine knows time,
 * event kinds and destination ids, nothing of blocks: the model registers
 * a handler per kind and the payload is opaque to the queue. Scheduling is
 * relative to now, so the past is unreachable. Cancelling an event costs
 * O(log n) or less, never a scan of the queue.
 */
#ifndef POWSIM_EVQ_H
#define POWSIM_EVQ_H

#include <stdbool.h>
#include <stdint.h>

#include "powsim/simtime.h"

typedef struct evq evq_t;

/* An event's identity, for cancellation. 0 is never a valid id. */
typedef uint64_t evq_id_t;

#define EVQ_MAX_KINDS 32

/* Opaque to the queue: three words the model interprets per kind. */
struct evq_payload {
	uint64_t a, b, c;
	void *ptr;
};

struct evq_event {
	simtime_t time;
	uint64_t seq;          /* insertion sequence: the tie-breaker */
	uint32_t kind;         /* < EVQ_MAX_KINDS */
	uint32_t dst;          /* destination id (node), model's meaning */
	struct evq_payload p;
};

typedef void (*evq_handler_fn)(void *ctx, const struct evq_event *ev);

/* Called by evq_step, before the popped event is handled, with the
 * events likely to come next: AHEAD 1, the next one (unless an earlier one
 * is scheduled meanwhile), AHEAD 2 the best guess at the one after. A hint
 * to start loading what those events will touch while this one runs: it
 * sees copies and may only read (a guess may even be a cancelled event's
 * stale body: check ids before indexing with them). */
typedef void (*evq_lookahead_fn)(void *ctx, const struct evq_event *next, unsigned ahead);

/* A new empty queue at time 0. */
evq_t *evq_new(void);

/* Free Q and every pending event (payload pointers are not freed). NULL-safe. */
void evq_free(evq_t *q);

/* Register FN (with CTX) as the handler of events of KIND. */
void evq_register(evq_t *q, uint32_t kind, evq_handler_fn fn, void *ctx);

/* The current simulated time. */
simtime_t evq_now(const evq_t *q);

/* Schedule an event of KIND for DST, DELAY (>= 0) after now.
 * Returns its id. The payload is copied (NULL: all zero). O(log n).
 * A negative delay is a bug and aborts; a time past SIMTIME_NEVER is
 * clamped to SIMTIME_NEVER. */
evq_id_t evq_schedule(evq_t *q, simtime_t delay, uint32_t kind, uint32_t dst,
		      const struct evq_payload *p);

/* Cancel the pending event ID. Returns true if it was pending (and now will
 * never fire), false if it already fired, was cancelled, or never existed.
 * O(1) amortised (the event is left behind as a tombstone). */
bool evq_cancel(evq_t *q, evq_id_t id);

/* Time of the next pending event. Returns false if none is pending. */
bool evq_peek_time(const evq_t *q, simtime_t *t);

/* Pop the next pending event into *EV and advance the clock to its time.
 * Returns false if none is pending. Does not call the handler. O(log n). */
bool evq_pop(evq_t *q, struct evq_event *ev);

/* Set (FN non-NULL) or clear the lookahead evq_step calls. */
void evq_set_lookahead(evq_t *q, evq_lookahead_fn fn, void *ctx);

/* Pop the next event and call its kind's handler. Returns false if none.
 * An event of a kind with no handler is a bug and aborts. The handler may
 * schedule and cancel events. */
bool evq_step(evq_t *q);

/* Pending events (cancelled ones excluded). */
uint64_t evq_pending(const evq_t *q);

/* Events popped so far. */
uint64_t evq_processed(const evq_t *q);

/* Test-only: true if Q's internal structure is sound (heap order, slot
 * bookkeeping, counts). O(n) time and memory: for unit tests after each
 * mutation, never on the simulation path. */
bool evq_check_invariants(const evq_t *q);

/* Test-only: renumber the internal 32-bit tie-breaker after LIMIT
 * insertions (1..2^32-2) instead of about 2^32, so that tests can exercise
 * the renumbering. Never changes the order of events. */
void evq_set_tie_limit(evq_t *q, uint32_t limit);

#endif
