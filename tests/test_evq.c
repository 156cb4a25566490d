/* Tests of evq: ordering by (time, insertion sequence), cancellation, the
 * clock, handler dispatch, and a random workload checked step by step
 * against a sorted-array reference model. The queue's integrity check
 * (evq_check_invariants) runs after every mutation. */
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "powsim/evq.h"
#include "powsim/rng.h"

#define CHECK(q) g_assert_true(evq_check_invariants(q))

static struct evq_payload payload(uint64_t a)
{
	return (struct evq_payload){ .a = a, .b = ~a, .c = a * 3, .ptr = NULL };
}

/* Schedule with a payload tagged A, then check the queue. */
static evq_id_t sched(evq_t *q, simtime_t delay, uint64_t a)
{
	struct evq_payload p = payload(a);
	evq_id_t id = evq_schedule(q, delay, 0, (uint32_t)a, &p);

	g_assert_cmpuint(id, !=, 0);
	CHECK(q);
	return id;
}

/* Pop one event, check the queue, and return it. */
static struct evq_event pop(evq_t *q)
{
	struct evq_event ev;

	g_assert_true(evq_pop(q, &ev));
	CHECK(q);
	g_assert_cmpint(evq_now(q), ==, ev.time);
	g_assert_cmpuint(ev.p.b, ==, ~ev.p.a);
	g_assert_cmpuint(ev.p.c, ==, ev.p.a * 3);
	g_assert_cmpuint(ev.dst, ==, (uint32_t)ev.p.a);
	return ev;
}

static void test_empty(void)
{
	evq_t *q = evq_new();
	struct evq_event ev;
	simtime_t t = 42;

	CHECK(q);
	g_assert_cmpint(evq_now(q), ==, 0);
	g_assert_cmpuint(evq_pending(q), ==, 0);
	g_assert_cmpuint(evq_processed(q), ==, 0);
	g_assert_false(evq_peek_time(q, &t));
	g_assert_cmpint(t, ==, 42);
	g_assert_false(evq_pop(q, &ev));
	g_assert_false(evq_step(q));
	g_assert_false(evq_cancel(q, 0));
	g_assert_false(evq_cancel(q, 1));
	g_assert_false(evq_cancel(q, UINT64_MAX));
	evq_free(q);
	evq_free(NULL);
}

/* Events pop in time order whatever the scheduling order; the clock
 * follows; processed counts the pops. */
static void test_order_by_time(void)
{
	static const simtime_t delays[] = { 50, 10, 40, 0, 30, 20, 1000, 5, 7, 6 };
	const size_t n = G_N_ELEMENTS(delays);
	evq_t *q = evq_new();
	simtime_t sorted[G_N_ELEMENTS(delays)];

	for (size_t i = 0; i < n; i++) {
		sched(q, delays[i] * SIMTIME_MS, i);
		sorted[i] = delays[i] * SIMTIME_MS;
	}
	g_assert_cmpuint(evq_pending(q), ==, n);
	for (size_t i = 1; i < n; i++) /* insertion sort of the expectation */
		for (size_t j = i; j > 0 && sorted[j] < sorted[j - 1]; j--) {
			simtime_t t = sorted[j];

			sorted[j] = sorted[j - 1];
			sorted[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		simtime_t peek;

		g_assert_true(evq_peek_time(q, &peek));
		g_assert_cmpint(peek, ==, sorted[i]);
		struct evq_event ev = pop(q);

		g_assert_cmpint(ev.time, ==, sorted[i]);
		g_assert_cmpint(delays[ev.p.a] * SIMTIME_MS, ==, ev.time);
		g_assert_cmpuint(evq_processed(q), ==, i + 1);
		g_assert_cmpuint(evq_pending(q), ==, n - i - 1);
	}
	g_assert_cmpint(evq_now(q), ==, 1000 * SIMTIME_MS);
	evq_free(q);
}

/* Scheduling is relative to now: after the clock advances, a delay of d
 * lands at now + d. */
static void test_relative_to_now(void)
{
	evq_t *q = evq_new();

	sched(q, 100, 1);
	pop(q);
	g_assert_cmpint(evq_now(q), ==, 100);
	sched(q, 0, 2);
	sched(q, 5, 3);
	struct evq_event ev = pop(q);

	g_assert_cmpint(ev.time, ==, 100);
	g_assert_cmpuint(ev.p.a, ==, 2);
	ev = pop(q);
	g_assert_cmpint(ev.time, ==, 105);
	/* Saturation: a delay past the end of time lands at SIMTIME_NEVER. */
	sched(q, SIMTIME_NEVER, 4);
	ev = pop(q);
	g_assert_cmpint(ev.time, ==, SIMTIME_NEVER);
	evq_free(q);
}

/* Many events at the same time pop in insertion order, also when events at
 * other times are interleaved with them. */
static void test_ties_fifo(void)
{
	const int n = 2000;
	evq_t *q = evq_new();
	uint64_t last_seq = 0;

	for (int i = 0; i < n; i++) {
		sched(q, 10, (uint64_t)i);
		if (i % 7 == 0)
			sched(q, (simtime_t)(i % 3) * 10 + 5, (uint64_t)(n + i));
	}
	int next = 0;

	while (evq_pending(q) > 0) {
		struct evq_event ev = pop(q);

		if (ev.time != 10)
			continue;
		g_assert_cmpuint(ev.p.a, ==, (uint64_t)next);
		if (next > 0)
			g_assert_cmpuint(ev.seq, >, last_seq);
		last_seq = ev.seq;
		next++;
	}
	g_assert_cmpint(next, ==, n);
	evq_free(q);
}

/* Ties at time 0 scheduled while the queue drains keep FIFO order too:
 * an event scheduled now with delay 0 goes after every pending one at now. */
static void test_ties_now(void)
{
	evq_t *q = evq_new();

	sched(q, 0, 1);
	sched(q, 0, 2);
	struct evq_event ev = pop(q);

	g_assert_cmpuint(ev.p.a, ==, 1);
	sched(q, 0, 3);
	g_assert_cmpuint(pop(q).p.a, ==, 2);
	g_assert_cmpuint(pop(q).p.a, ==, 3);
	evq_free(q);
}

static void test_cancel(void)
{
	evq_t *q = evq_new();
	evq_id_t a = sched(q, 10, 1);
	evq_id_t b = sched(q, 20, 2);
	evq_id_t c = sched(q, 30, 3);

	g_assert_cmpuint(a, !=, b);
	g_assert_cmpuint(b, !=, c);
	/* Cancel before it fires: it never pops. */
	g_assert_true(evq_cancel(q, b));
	CHECK(q);
	g_assert_cmpuint(evq_pending(q), ==, 2);
	/* Cancel twice: the second is refused. */
	g_assert_false(evq_cancel(q, b));
	CHECK(q);
	g_assert_cmpuint(evq_pending(q), ==, 2);
	g_assert_cmpuint(pop(q).p.a, ==, 1);
	/* Cancel after firing: refused, and nothing else is disturbed. */
	g_assert_false(evq_cancel(q, a));
	CHECK(q);
	g_assert_cmpuint(evq_pending(q), ==, 1);
	g_assert_cmpuint(pop(q).p.a, ==, 3);
	g_assert_cmpuint(evq_pending(q), ==, 0);
	g_assert_cmpuint(evq_processed(q), ==, 2);
	g_assert_false(evq_cancel(q, c));
	evq_free(q);
}

/* A slot reused by a new event does not make the old id valid again. */
static void test_cancel_stale_id(void)
{
	evq_t *q = evq_new();
	evq_id_t old = sched(q, 1, 1);

	pop(q);
	evq_id_t fresh = sched(q, 1, 2);

	g_assert_cmpuint(old, !=, fresh);
	g_assert_false(evq_cancel(q, old));
	CHECK(q);
	g_assert_cmpuint(evq_pending(q), ==, 1);
	g_assert_true(evq_cancel(q, fresh));
	CHECK(q);
	/* The same again through a cancelled slot. */
	evq_id_t third = sched(q, 1, 3);

	g_assert_false(evq_cancel(q, fresh));
	g_assert_cmpuint(evq_pending(q), ==, 1);
	g_assert_cmpuint(pop(q).p.a, ==, 3);
	g_assert_false(evq_cancel(q, third));
	evq_free(q);
}

/* Cancelling the minimum exposes the next event to peek and pop. */
static void test_cancel_min(void)
{
	evq_t *q = evq_new();
	evq_id_t ids[8];
	simtime_t t;

	for (int i = 0; i < 8; i++)
		ids[i] = sched(q, 100 - i * 10, (uint64_t)i); /* ids[7] is the minimum */
	g_assert_true(evq_peek_time(q, &t));
	g_assert_cmpint(t, ==, 30);
	g_assert_true(evq_cancel(q, ids[7]));
	CHECK(q);
	g_assert_true(evq_peek_time(q, &t));
	g_assert_cmpint(t, ==, 40);
	g_assert_true(evq_cancel(q, ids[6]));
	CHECK(q);
	g_assert_true(evq_peek_time(q, &t));
	g_assert_cmpint(t, ==, 50);
	g_assert_cmpuint(pop(q).p.a, ==, 5);
	g_assert_cmpuint(evq_pending(q), ==, 5);
	/* Cancel everything left: the queue is empty, not full of tombstones. */
	for (int i = 0; i < 5; i++) {
		g_assert_true(evq_cancel(q, ids[i]));
		CHECK(q);
	}
	g_assert_cmpuint(evq_pending(q), ==, 0);
	g_assert_false(evq_peek_time(q, &t));
	g_assert_false(evq_step(q));
	evq_free(q);
}

/* A cancelled event's slot is reused by the next event while its stale
 * key still waits in the heap, earlier than the new event: the stale key
 * must not fire the new event early, nor twice. */
static void test_cancel_reuse(void)
{
	evq_t *q = evq_new();
	evq_id_t keep = sched(q, 5, 0);
	evq_id_t a = sched(q, 10, 1);

	g_assert_true(evq_cancel(q, a));
	CHECK(q);
	evq_id_t b = sched(q, 20, 2);

	g_assert_cmpuint(b & UINT32_MAX, ==, a & UINT32_MAX); /* the same slot */
	g_assert_cmpuint(b, !=, a);
	g_assert_false(evq_cancel(q, a)); /* a's id stays dead */
	CHECK(q);
	struct evq_event ev = pop(q);

	g_assert_cmpuint(ev.p.a, ==, 0);
	ev = pop(q);
	g_assert_cmpuint(ev.p.a, ==, 2);
	g_assert_cmpint(ev.time, ==, 20);
	g_assert_cmpuint(evq_pending(q), ==, 0);
	g_assert_false(evq_step(q));
	(void)keep;
	evq_free(q);
}

/* Cancelling most of a large queue compacts it and keeps the order of the
 * rest. */
static void test_cancel_many(void)
{
	const int n = 3000;
	evq_t *q = evq_new();
	evq_id_t *ids = g_new(evq_id_t, n);

	for (int i = 0; i < n; i++)
		ids[i] = sched(q, (simtime_t)((i * 7919) % n), (uint64_t)i);
	for (int i = 0; i < n; i++) {
		if (i % 5 != 0) {
			g_assert_true(evq_cancel(q, ids[i]));
			CHECK(q);
		}
	}
	g_assert_cmpuint(evq_pending(q), ==, (uint64_t)(n / 5));
	simtime_t last = -1;

	for (int k = 0; k < n / 5; k++) {
		struct evq_event ev = pop(q);

		g_assert_cmpuint(ev.p.a % 5, ==, 0);
		g_assert_cmpint(ev.time, >, last);
		last = ev.time;
	}
	g_assert_cmpuint(evq_pending(q), ==, 0);
	g_free(ids);
	evq_free(q);
}

/* ---- handlers ----------------------------------------------------------- */

struct counter {
	evq_t *q;
	int calls[2];
	uint64_t last_a;
};

/* Kind 0 reschedules itself as kind 1 a millisecond later, until a = 0. */
static void on_kind0(void *ctx, const struct evq_event *ev)
{
	struct counter *c = ctx;

	c->calls[0]++;
	c->last_a = ev->p.a;
	g_assert_cmpuint(ev->kind, ==, 0);
	if (ev->p.a > 0) {
		struct evq_payload p = payload(ev->p.a - 1);

		evq_schedule(c->q, SIMTIME_MS, 1, ev->dst, &p);
	}
}

static void on_kind1(void *ctx, const struct evq_event *ev)
{
	struct counter *c = ctx;

	c->calls[1]++;
	g_assert_cmpuint(ev->kind, ==, 1);
	struct evq_payload p = ev->p;

	evq_schedule(c->q, 0, 0, ev->dst, &p);
}

static void test_step_dispatch(void)
{
	evq_t *q = evq_new();
	struct counter c = { .q = q };
	struct evq_payload p = payload(10);

	evq_register(q, 0, on_kind0, &c);
	evq_register(q, 1, on_kind1, &c);
	evq_schedule(q, 0, 0, 7, &p);
	while (evq_step(q))
		CHECK(q);
	g_assert_cmpint(c.calls[0], ==, 11);
	g_assert_cmpint(c.calls[1], ==, 10);
	g_assert_cmpuint(c.last_a, ==, 0);
	g_assert_cmpuint(evq_processed(q), ==, 21);
	g_assert_cmpint(evq_now(q), ==, 10 * SIMTIME_MS);
	evq_free(q);
}

/* A NULL payload schedules an all-zero one. */
static void test_null_payload(void)
{
	evq_t *q = evq_new();
	struct evq_event ev;

	evq_schedule(q, 3, EVQ_MAX_KINDS - 1, 9, NULL);
	CHECK(q);
	g_assert_true(evq_pop(q, &ev));
	g_assert_cmpuint(ev.kind, ==, EVQ_MAX_KINDS - 1);
	g_assert_cmpuint(ev.dst, ==, 9);
	g_assert_cmpuint(ev.p.a | ev.p.b | ev.p.c, ==, 0);
	g_assert_null(ev.p.ptr);
	evq_free(q);
}

/* Broken contracts abort, in every build. */
static void test_negative_delay_aborts(void)
{
	if (g_test_subprocess()) {
		evq_t *q = evq_new();

		evq_schedule(q, -1, 0, 0, NULL);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr("*delay >= 0*");
}

static void test_missing_handler_aborts(void)
{
	if (g_test_subprocess()) {
		evq_t *q = evq_new();

		evq_schedule(q, 0, 3, 0, NULL);
		evq_step(q);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr("*fn != NULL*");
}

/* ---- random workload against a reference model ------------------------- */

/* The reference: a sorted array of pending events, O(n) per operation. */
struct ref_ev {
	simtime_t time;
	uint64_t order; /* insertion counter of the model */
	evq_id_t id;
	uint64_t a;
};

static void ref_insert(GArray *ref, struct ref_ev e)
{
	guint i = ref->len;

	/* Insert after every event with time <= e.time: FIFO among ties. */
	while (i > 0 && g_array_index(ref, struct ref_ev, i - 1).time > e.time)
		i--;
	g_array_insert_val(ref, i, e);
}

static bool ref_cancel(GArray *ref, evq_id_t id)
{
	for (guint i = 0; i < ref->len; i++) {
		if (g_array_index(ref, struct ref_ev, i).id == id) {
			g_array_remove_index(ref, i);
			return true;
		}
	}
	return false;
}

struct workload {
	evq_t *q;
	GArray *ref;      /* struct ref_ev, sorted */
	GArray *issued;   /* evq_id_t, every id ever returned */
	struct rng r;
	uint64_t order;
};

static void wl_schedule(struct workload *w)
{
	/* Few distinct delays, so that ties are frequent. */
	simtime_t delay = (simtime_t)rng_below(&w->r, 20) * 100;
	struct ref_ev e = {
		.time = evq_now(w->q) + delay, .order = w->order++, .a = w->order,
	};

	e.id = sched(w->q, delay, e.a);
	ref_insert(w->ref, e);
	g_array_append_val(w->issued, e.id);
}

static void wl_pop(struct workload *w)
{
	struct evq_event ev;

	if (w->ref->len == 0) {
		g_assert_false(evq_pop(w->q, &ev));
		return;
	}
	struct ref_ev want = g_array_index(w->ref, struct ref_ev, 0);

	g_array_remove_index(w->ref, 0);
	ev = pop(w->q);
	g_assert_cmpint(ev.time, ==, want.time);
	g_assert_cmpuint(ev.p.a, ==, want.a);
}

/* Cancel an id drawn from every id ever issued: pending, fired, cancelled. */
static void wl_cancel(struct workload *w)
{
	if (w->issued->len == 0)
		return;
	evq_id_t id = g_array_index(w->issued, evq_id_t,
				    rng_below(&w->r, w->issued->len));
	bool want = ref_cancel(w->ref, id);

	g_assert_cmpint(evq_cancel(w->q, id), ==, want);
	CHECK(w->q);
}

static void run_random_vs_model(uint32_t tie_limit)
{
	struct workload w = {
		.q = evq_new(),
		.ref = g_array_new(FALSE, FALSE, sizeof(struct ref_ev)),
		.issued = g_array_new(FALSE, FALSE, sizeof(evq_id_t)),
	};

	if (tie_limit)
		evq_set_tie_limit(w.q, tie_limit);
	rng_seed(&w.r, 20240611, tie_limit);
	for (int phase = 0; phase < 6; phase++) {
		/* Alternate growing, shrinking and cancel-heavy phases. */
		uint64_t p_sched = phase % 3 == 0 ? 60 : phase % 3 == 1 ? 30 : 40;
		uint64_t p_cancel = phase % 3 == 2 ? 40 : 10;

		for (int k = 0; k < 4000; k++) {
			uint64_t x = rng_below(&w.r, 100);

			if (x < p_sched)
				wl_schedule(&w);
			else if (x < p_sched + p_cancel)
				wl_cancel(&w);
			else
				wl_pop(&w);
			g_assert_cmpuint(evq_pending(w.q), ==, w.ref->len);
		}
	}
	while (w.ref->len > 0)
		wl_pop(&w);
	g_assert_false(evq_step(w.q));
	g_array_free(w.ref, TRUE);
	g_array_free(w.issued, TRUE);
	evq_free(w.q);
}

static void test_random_vs_model(void)
{
	run_random_vs_model(0);
}

/* The same workload with the 32-bit tie-breaker renumbered every 50
 * insertions (normally every 2^32), often while ties are pending. */
static void test_random_ties_renumbered(void)
{
	run_random_vs_model(50);
}

/* Renumbering keeps FIFO among ties scheduled on both sides of it. */
static void test_ties_across_renumbering(void)
{
	evq_t *q = evq_new();

	evq_set_tie_limit(q, 8);
	for (uint64_t i = 0; i < 100; i++)
		sched(q, (simtime_t)(i % 3), i);
	for (uint64_t t = 0; t < 3; t++)
		for (uint64_t i = t; i < 100; i += 3) {
			struct evq_event ev = pop(q);

			g_assert_cmpint(ev.time, ==, (simtime_t)t);
			g_assert_cmpuint(ev.p.a, ==, i);
			g_assert_cmpuint(ev.seq, ==, i); /* the 64-bit seq is untouched */
		}
	evq_free(q);
}

/* The hold model the benchmark measures (pop one, schedule one), small, with
 * the integrity check after each step. */
static void test_hold(void)
{
	const int pending = 500;
	evq_t *q = evq_new();
	struct rng r;
	simtime_t last = 0;

	rng_seed(&r, 1, 1);
	for (int i = 0; i < pending; i++)
		sched(q, (simtime_t)rng_below(&r, 1000), (uint64_t)i);
	for (int k = 0; k < 20000; k++) {
		struct evq_event ev = pop(q);

		g_assert_cmpint(ev.time, >=, last);
		last = ev.time;
		sched(q, (simtime_t)rng_below(&r, 1000), ev.p.a);
	}
	g_assert_cmpuint(evq_pending(q), ==, (uint64_t)pending);
	g_assert_cmpuint(evq_processed(q), ==, 20000);
	evq_free(q);
}

/* The lookahead sees, before each handler runs, the event that pops next
 * (AHEAD 1, exactly, when the handler schedules nothing earlier) and a
 * guess at the one after (AHEAD 2: the second smallest of what is
 * pending, which with distinct times and no new events is exact too);
 * and it changes nothing: the same workload steps through the same
 * events with and without it. */
struct look_log {
	GArray *popped;   /* uint64_t: seq of each handled event */
	GArray *ahead1;   /* uint64_t: seq seen at ahead 1, before each one */
	GArray *ahead2;
	uint64_t calls;
};

static void look_handler(void *ctx, const struct evq_event *ev)
{
	struct look_log *log = ctx;
	g_array_append_val(log->popped, ev->seq);
}

static void look_fn(void *ctx, const struct evq_event *next, unsigned ahead)
{
	struct look_log *log = ctx;
	g_assert_true(ahead == 1 || ahead == 2);
	g_array_append_val(ahead == 1 ? log->ahead1 : log->ahead2, next->seq);
	log->calls++;
}

static void run_look(bool with, bool cancels, struct look_log *log)
{
	evq_t *q = evq_new();
	struct rng r;
	rng_seed(&r, 7, 1);
	log->popped = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	log->ahead1 = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	log->ahead2 = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	log->calls = 0;
	evq_register(q, 0, look_handler, log);
	if (with)
		evq_set_lookahead(q, look_fn, log);
	/* distinct times, so "the second smallest" is one event */
	for (uint32_t i = 0; i < 1000; i++) {
		struct evq_payload p = payload(i);
		evq_id_t id = evq_schedule(q, (simtime_t)(rng_below(&r, 1000000) * 1000 + i), 0, i, &p);
		/* every third cancelled: tombstones the guess at ahead 2 may
		 * name (a freed slot's stale body) */
		if (cancels && i % 3 == 0)
			g_assert_true(evq_cancel(q, id));
	}
	while (evq_step(q))
		CHECK(q);
	evq_free(q);
}

/* The looked run popped what the plain one did, N events, and before
 * handling event k its AHEAD-th guess (1 or 2) named event k + AHEAD. */
static void assert_looked(const struct look_log *plain, const struct look_log *looked,
			  guint n, unsigned ahead)
{
	g_assert_cmpuint(plain->popped->len, ==, n);
	g_assert_cmpmem(plain->popped->data, plain->popped->len * sizeof(uint64_t),
			looked->popped->data, looked->popped->len * sizeof(uint64_t));
	g_assert_cmpuint(plain->calls, ==, 0);
	const GArray *seen = ahead == 1 ? looked->ahead1 : looked->ahead2;
	g_assert_cmpuint(seen->len, ==, n - ahead);
	for (guint k = 0; k + ahead < n; k++)
		g_assert_cmpuint(g_array_index(seen, uint64_t, k), ==,
				 g_array_index(looked->popped, uint64_t, k + ahead));
}

static void test_lookahead(void)
{
	struct look_log plain, looked, cplain, clooked;
	run_look(false, false, &plain);
	run_look(true, false, &looked);
	assert_looked(&plain, &looked, 1000, 1);
	assert_looked(&plain, &looked, 1000, 2);
	/* with cancelled events: the same order, and ahead 1 still exact
	 * (the root is never a tombstone) */
	run_look(false, true, &cplain);
	run_look(true, true, &clooked);
	assert_looked(&cplain, &clooked, 666, 1);
	struct look_log *logs[] = { &plain, &looked, &cplain, &clooked };
	for (int i = 0; i < 4; i++) {
		g_array_free(logs[i]->popped, TRUE);
		g_array_free(logs[i]->ahead1, TRUE);
		g_array_free(logs[i]->ahead2, TRUE);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/evq/empty", test_empty);
	g_test_add_func("/evq/order-by-time", test_order_by_time);
	g_test_add_func("/evq/relative-to-now", test_relative_to_now);
	g_test_add_func("/evq/ties-fifo", test_ties_fifo);
	g_test_add_func("/evq/ties-now", test_ties_now);
	g_test_add_func("/evq/cancel", test_cancel);
	g_test_add_func("/evq/cancel-stale-id", test_cancel_stale_id);
	g_test_add_func("/evq/cancel-min", test_cancel_min);
	g_test_add_func("/evq/cancel-many", test_cancel_many);
	g_test_add_func("/evq/cancel-reuse", test_cancel_reuse);
	g_test_add_func("/evq/step-dispatch", test_step_dispatch);
	g_test_add_func("/evq/null-payload", test_null_payload);
	g_test_add_func("/evq/negative-delay-aborts", test_negative_delay_aborts);
	g_test_add_func("/evq/missing-handler-aborts", test_missing_handler_aborts);
	g_test_add_func("/evq/random-vs-model", test_random_vs_model);
	g_test_add_func("/evq/random-ties-renumbered", test_random_ties_renumbered);
	g_test_add_func("/evq/ties-across-renumbering", test_ties_across_renumbering);
	g_test_add_func("/evq/hold", test_hold);
	g_test_add_func("/evq/lookahead", test_lookahead);
	return g_test_run();
}
