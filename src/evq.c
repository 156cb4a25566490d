/* evq: the discrete-event engine (see evq.h).
 *
 * Layout. The priority queue is a 4-ary min-heap of 16-byte keys
 * {time, order}, where order = tie << 32 | slot: TIE is a 32-bit insertion
 * counter that breaks ties in time (first scheduled, first popped) and
 * SLOT indexes a slot array holding the rest of the event (kind,
 * destination, payload, 64-bit insertion sequence), which never moves while
 * the event is pending; freed slots go on a LIFO free list. The heap is
 * offset in a 64-byte aligned block so that the four children of a node
 * fill exactly one cache line, and the positions just past the end hold
 * sentinels that compare above every event, so a node's four children are
 * compared without bounds checks or branches. Push and pop are O(log n):
 * pop moves the hole to a leaf along the smaller children and sifts the
 * last key up from there (Wegener's bottom-up heapsort step), which saves
 * a comparison per level since the last key almost always belongs near
 * the bottom.
 *
 * Ties. When the 32-bit tie counter would overflow (every 2^32 insertions)
 * the pending keys are renumbered 0..n-1 in their current order, in
 * O(n log n); the order of every pending pair, and so FIFO among equal
 * times, is unchanged. The 64-bit seq reported in struct evq_event is kept
 * in the slot and never renumbered.
 *
 * Ids. An event's id is (generation << 32) | (slot + 1). A slot's
 * generation is bumped when its event fires or is cancelled, so a stale id
 * no longer matches. (A stale id would match again only if its slot were
 * reused a multiple of 2^32 times before the stale id is used; no model
 * holds an id that long.)
 *
 * Cancellation is lazy and O(1): the slot is freed at once (so the next
 * event scheduled reuses it while its line is still in the cache, as when
 * a miner's find is cancelled and drawn again) and its key stays in the
 * heap as a tombstone until it reaches the root, where it is discarded, or
 * until tombstones exceed half the heap, when the heap is rebuilt without
 * them in O(n) (amortised O(1) per cancel). A key is live iff its slot is
 * occupied and holds the key's tie: a slot reused after a cancel holds a
 * new event with a new tie, which no stale key has. Tombstones are
 * discarded from the root after every mutation, so the root is always a
 * live event and evq_peek_time() needs no mutation.
 */
#include "powsim/evq.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "powsim/check.h"
#include "powsim/mem.h"

#define HEAP_ARITY 4
#define HEAP_PAD 3  /* keys before the root: children 4i+1..4i+4 share a line */
#define HEAP_SLACK (HEAP_ARITY * HEAP_ARITY) /* keys allocated past cap */

#define SLOT_NIL UINT32_MAX             /* end of the free list */
#define SLOT_LIVE (UINT32_MAX - 1)      /* link of a pending event's slot */
#define SLOT_MAX (UINT32_MAX - 2)       /* slot indices stay below the markers */
#define TIE_MAX (UINT32_MAX - 1)        /* ties stay below the sentinel's */

struct heap_ent {
	simtime_t time;
	uint64_t order; /* tie << 32 | slot */
};

/* Above every real key: real times are <= SIMTIME_NEVER and real ties are
 * <= TIE_MAX. */
static const struct heap_ent SENTINEL = { SIMTIME_NEVER, UINT64_MAX };

/* An event's body while it is pending, one cache line. LINK is the next
 * free slot for a free slot, SLOT_LIVE for an occupied one; TIE is the tie
 * of the occupying event's key. */
struct slot {
	struct evq_payload p;
	uint64_t seq;
	uint32_t kind;
	uint32_t dst;
	uint32_t gen;
	uint32_t link;
	uint32_t tie;
	uint32_t pad_;
};

struct handler {
	evq_handler_fn fn;
	void *ctx;
};

struct evq {
	struct heap_ent *heap;    /* HEAP_PAD keys into heap_block */
	void *heap_block;
	size_t len, cap;          /* keys, tombstones included; cap + HEAP_SLACK allocated */
	size_t tombstones;
	struct slot *slots;
	size_t nslots, slots_cap; /* slots ever used; allocated */
	uint32_t free_head;
	uint64_t next_tie, tie_limit;
	simtime_t now;
	uint64_t next_seq;
	uint64_t processed;
	struct handler handlers[EVQ_MAX_KINDS];
	evq_lookahead_fn lookahead;
	void *lookahead_ctx;
};

static inline uint32_t ent_slot(const struct heap_ent *e)
{
	return (uint32_t)(e->order & UINT32_MAX);
}

static inline uint32_t ent_tie(const struct heap_ent *e)
{
	return (uint32_t)(e->order >> 32);
}

/* The heap's block for CAP keys: zeroed, line-aligned (on huge pages when
 * large: mem.h). */
static size_t heap_block_keys(size_t cap)
{
	return HEAP_PAD + cap + HEAP_SLACK;
}

/* ---- the heap ---------------------------------------------------------- */

/* Branch-free: the operands are unpredictable, so a mispredicted branch
 * would cost more than evaluating both halves. As one 128-bit comparison
 * (time above order; times are never negative) it is a compare and a
 * subtract-with-borrow, which measured 20-30 % faster on the hold model
 * than comparing the halves apart. */
static inline int ent_less(const struct heap_ent *a, const struct heap_ent *b)
{
	unsigned __int128 ka = (unsigned __int128)(uint64_t)a->time << 64 | a->order;
	unsigned __int128 kb = (unsigned __int128)(uint64_t)b->time << 64 | b->order;

	return ka < kb;
}

/* The smallest of the four keys from FIRST (sentinels fill a short group). */
static inline size_t min4(const struct heap_ent *h, size_t first)
{
	size_t a = first + (size_t)ent_less(&h[first + 1], &h[first]);
	size_t b = first + 2 + (size_t)ent_less(&h[first + 3], &h[first + 2]);

	return ent_less(&h[b], &h[a]) ? b : a;
}

/* Place E at hole I and move it towards the root while it beats its parent. */
static void sift_up(struct heap_ent *h, size_t i, struct heap_ent e)
{
	while (i > 0) {
		size_t parent = (i - 1) / HEAP_ARITY;

		if (!ent_less(&e, &h[parent]))
			break;
		h[i] = h[parent];
		i = parent;
	}
	h[i] = e;
}

/* Place E at hole I of a heap of N and move it down while a child beats it. */
static void sift_down(struct heap_ent *h, size_t n, size_t i, struct heap_ent e)
{
	for (size_t first = i * HEAP_ARITY + 1; first < n; first = i * HEAP_ARITY + 1) {
		size_t m = min4(h, first);

		if (!ent_less(&h[m], &e))
			break;
		h[i] = h[m];
		i = m;
	}
	h[i] = e;
}

static void heap_grow(evq_t *q)
{
	size_t cap = q->cap ? q->cap * 2 : 64;
	void *block = mem_alloc0(heap_block_keys(cap), sizeof(struct heap_ent));
	struct heap_ent *h = (struct heap_ent *)block + HEAP_PAD;

	if (q->len)
		memcpy(h, q->heap, q->len * sizeof *h);
	for (size_t i = q->len; i < cap + HEAP_SLACK; i++)
		h[i] = SENTINEL;
	if (q->heap_block)
		mem_free(q->heap_block, heap_block_keys(q->cap), sizeof(struct heap_ent));
	q->heap_block = block;
	q->heap = h;
	q->cap = cap;
}

static void heap_push(evq_t *q, struct heap_ent e)
{
	if (q->len == q->cap)
		heap_grow(q);
	sift_up(q->heap, q->len++, e);
}

/* Remove the root: the hole goes down to a leaf along the smaller
 * children, then the last key fills it and sifts up. O(log n). */
static void heap_pop_root(evq_t *q)
{
	CHECK(q->len > 0);
	struct heap_ent *h = q->heap;
	size_t n = --q->len;
	struct heap_ent last = h[n];
	size_t hole = 0;

	h[n] = SENTINEL;
	if (n == 0)
		return;
	for (size_t first = 1; first < n; first = hole * HEAP_ARITY + 1) {
		size_t grand = first * HEAP_ARITY + 1;

		/* The children of all four children: four adjacent lines, one of
		 * which the next level reads. Fetching them now overlaps that
		 * level's cache miss with this level's comparisons. */
		if (grand < n) /* the block extends HEAP_SLACK keys past cap */
			for (size_t k = 0; k < HEAP_ARITY * HEAP_ARITY; k += HEAP_ARITY)
				MEM_PREFETCH(&h[grand + k]);
		size_t m = min4(h, first);

		if (hole == 0) /* h[m] is the next root: fetch its slot early */
			MEM_PREFETCH(&q->slots[ent_slot(&h[m])]);
		h[hole] = h[m];
		hole = m;
	}
	sift_up(h, hole, last);
}

/* A key and its heap position, for renumbering. */
struct ranked {
	struct heap_ent e;
	size_t pos;
};

static int ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	return ent_less(&x->e, &y->e) ? -1 : ent_less(&y->e, &x->e) ? 1 : 0;
}

static void compact(evq_t *q);

/* Renumber the ties of the pending keys 0..n-1 in key order, tombstones
 * dropped first (a stale key must never come to match its slot's new
 * tie). Relabelling that keeps the order keeps the heap valid. O(n log n),
 * once per 2^32 insertions. */
static void renumber_ties(evq_t *q)
{
	compact(q);
	struct ranked *r = g_new(struct ranked, q->len ? q->len : 1);

	CHECK(q->len < TIE_MAX);
	for (size_t i = 0; i < q->len; i++)
		r[i] = (struct ranked){ .e = q->heap[i], .pos = i };
	qsort(r, q->len, sizeof *r, ranked_cmp);
	for (size_t k = 0; k < q->len; k++) {
		q->heap[r[k].pos].order = ((uint64_t)k << 32) | ent_slot(&r[k].e);
		q->slots[ent_slot(&r[k].e)].tie = (uint32_t)k;
	}
	q->next_tie = q->len;
	g_free(r);
}

/* ---- slots ------------------------------------------------------------- */

static uint32_t slot_alloc(evq_t *q)
{
	uint32_t s = q->free_head;

	if (s != SLOT_NIL) {
		q->free_head = q->slots[s].link;
		/* the next schedule writes that slot: fetch it meanwhile */
		if (q->free_head != SLOT_NIL)
			MEM_PREFETCH(&q->slots[q->free_head]);
		return s;
	}
	CHECK(q->nslots < SLOT_MAX);
	if (q->nslots == q->slots_cap) {
		size_t cap = q->slots_cap ? q->slots_cap * 2 : 64;
		struct slot *slots = mem_alloc0(cap, sizeof *slots);

		if (q->nslots)
			memcpy(slots, q->slots, q->nslots * sizeof *slots);
		mem_free(q->slots, q->slots_cap, sizeof *slots);
		q->slots = slots;
		q->slots_cap = cap;
	}
	q->slots[q->nslots].gen = 1;
	return (uint32_t)q->nslots++;
}

static void slot_free(evq_t *q, uint32_t s)
{
	q->slots[s].link = q->free_head;
	q->free_head = s;
}

static inline evq_id_t slot_id(const evq_t *q, uint32_t s)
{
	return ((evq_id_t)q->slots[s].gen << 32) | ((evq_id_t)s + 1);
}

/* ---- tombstones -------------------------------------------------------- */

/* Whether key E is a pending event's (not a tombstone). */
static inline bool ent_live(const evq_t *q, const struct heap_ent *e)
{
	const struct slot *sl = &q->slots[ent_slot(e)];

	return sl->link == SLOT_LIVE && sl->tie == ent_tie(e);
}

/* Discard tombstones from the root so that the root is live (or the heap
 * empty). */
static void drain_root(evq_t *q)
{
	if (q->tombstones == 0) /* the usual case: skip a likely cache miss */
		return;
	while (q->len > 0 && !ent_live(q, &q->heap[0])) {
		q->tombstones--;
		heap_pop_root(q);
	}
}

/* Drop every tombstone and rebuild the heap bottom-up (Floyd). O(n); run
 * only when tombstones exceed half the heap, so amortised O(1) per cancel.
 * The key order is total, so the rebuild cannot change which event pops
 * next. */
static void compact(evq_t *q)
{
	size_t n = 0;

	for (size_t i = 0; i < q->len; i++)
		if (ent_live(q, &q->heap[i]))
			q->heap[n++] = q->heap[i];
	for (size_t i = n; i < q->len; i++)
		q->heap[i] = SENTINEL;
	q->len = n;
	q->tombstones = 0;
	for (size_t i = n / HEAP_ARITY + 1; i-- > 0;)
		if (i < n)
			sift_down(q->heap, n, i, q->heap[i]);
}

/* Restore the two tombstone invariants after a cancel or a pop: the root is
 * live, and tombstones are at most half the heap. */
static void settle(evq_t *q)
{
	drain_root(q);
	if (q->tombstones * 2 > q->len)
		compact(q);
}

/* ---- the public interface ---------------------------------------------- */

evq_t *evq_new(void)
{
	evq_t *q = g_new0(evq_t, 1);

	q->free_head = SLOT_NIL;
	q->tie_limit = TIE_MAX;
	heap_grow(q);
	return q;
}

void evq_free(evq_t *q)
{
	if (!q)
		return;
	if (q->heap_block)
		mem_free(q->heap_block, heap_block_keys(q->cap), sizeof(struct heap_ent));
	mem_free(q->slots, q->slots_cap, sizeof(struct slot));
	g_free(q);
}

void evq_register(evq_t *q, uint32_t kind, evq_handler_fn fn, void *ctx)
{
	CHECK(kind < EVQ_MAX_KINDS);
	q->handlers[kind].fn = fn;
	q->handlers[kind].ctx = ctx;
}

simtime_t evq_now(const evq_t *q)
{
	return q->now;
}

evq_id_t evq_schedule(evq_t *q, simtime_t delay, uint32_t kind, uint32_t dst,
		      const struct evq_payload *p)
{
	static const struct evq_payload zero;

	CHECK(delay >= 0); /* a negative delay would reach into the past */
	CHECK(kind < EVQ_MAX_KINDS);
	simtime_t t = delay > SIMTIME_NEVER - q->now ? SIMTIME_NEVER : q->now + delay;

	if (q->next_tie >= q->tie_limit)
		renumber_ties(q);
	uint32_t s = slot_alloc(q);
	struct slot *sl = &q->slots[s];
	uint64_t tie = q->next_tie++;

	sl->p = p ? *p : zero;
	sl->seq = q->next_seq++;
	sl->kind = kind;
	sl->dst = dst;
	sl->link = SLOT_LIVE;
	sl->tie = (uint32_t)tie; /* with LINK: the stale keys of S no longer match */
	heap_push(q, (struct heap_ent){ .time = t, .order = (tie << 32) | s });
	return slot_id(q, s);
}

bool evq_cancel(evq_t *q, evq_id_t id)
{
	uint64_t s64 = id & UINT32_MAX;

	if (s64 == 0 || s64 > q->nslots)
		return false;
	uint32_t s = (uint32_t)(s64 - 1);
	struct slot *sl = &q->slots[s];

	if (sl->link != SLOT_LIVE || sl->gen != (uint32_t)(id >> 32))
		return false;
	sl->gen++;
	slot_free(q, s);
	q->tombstones++;
	/* The root stays live unless it was this event: no need to read the
	 * root's slot, a likely cache miss, on every cancel. */
	if (ent_slot(&q->heap[0]) == s)
		drain_root(q);
	if (q->tombstones * 2 > q->len)
		compact(q);
	return true;
}

bool evq_peek_time(const evq_t *q, simtime_t *t)
{
	if (q->len == 0)
		return false;
	*t = q->heap[0].time;
	return true;
}

/* The event of heap key I (I < len + HEAP_SLACK): the root's for a pop,
 * others for the lookahead. */
static void peek_at(const evq_t *q, size_t i, struct evq_event *ev)
{
	const struct slot *sl = &q->slots[ent_slot(&q->heap[i])];
	ev->time = q->heap[i].time;
	ev->seq = sl->seq;
	ev->kind = sl->kind;
	ev->dst = sl->dst;
	ev->p = sl->p;
}

bool evq_pop(evq_t *q, struct evq_event *ev)
{
	if (q->len == 0)
		return false;
	struct heap_ent top = q->heap[0];
	uint32_t s = ent_slot(&top);
	struct slot *sl = &q->slots[s];

	CHECK(sl->link == SLOT_LIVE);
	CHECK(top.time >= q->now);
	peek_at(q, 0, ev);
	sl->gen++;
	slot_free(q, s);
	heap_pop_root(q);
	settle(q);
	q->now = top.time;
	q->processed++;
	return true;
}

void evq_set_lookahead(evq_t *q, evq_lookahead_fn fn, void *ctx)
{
	q->lookahead = fn;
	q->lookahead_ctx = ctx;
}

/* The third smallest key, with C the smallest child of the root: the
 * smallest of the root's other children and C's children. Keys past the
 * end are sentinels, which lose every comparison (the result is one
 * only when fewer than three keys are pending). */
static size_t third(const struct heap_ent *h, size_t c)
{
	size_t best = 0;
	for (size_t i = 1; i <= HEAP_ARITY; i++)
		if (i != c && (best == 0 || ent_less(&h[i], &h[best])))
			best = i;
	size_t g = min4(h, c * HEAP_ARITY + 1);
	return ent_less(&h[g], &h[best]) ? g : best;
}

bool evq_step(evq_t *q)
{
	struct evq_event ev;

	if (!evq_pop(q, &ev))
		return false;
	if (q->lookahead && q->len) {
		struct evq_event next;
		if (q->len > 1) {
			/* the one after next: the smallest child of the root;
			 * its slot was fetched a pop ago, as the third's */
			size_t c = min4(q->heap, 1);
			peek_at(q, c, &next);
			q->lookahead(q->lookahead_ctx, &next, 2);
			uint32_t t = ent_slot(&q->heap[third(q->heap, c)]);
			if (t < q->nslots) /* not a sentinel */
				MEM_PREFETCH(&q->slots[t]);
		}
		peek_at(q, 0, &next);
		q->lookahead(q->lookahead_ctx, &next, 1);
	}
	const struct handler *h = &q->handlers[ev.kind];

	CHECK(h->fn != NULL); /* every kind scheduled must have a handler */
	h->fn(h->ctx, &ev);
	return true;
}

uint64_t evq_pending(const evq_t *q)
{
	return q->len - q->tombstones;
}

uint64_t evq_processed(const evq_t *q)
{
	return q->processed;
}

/* ---- test-only --------------------------------------------------------- */

void evq_set_tie_limit(evq_t *q, uint32_t limit)
{
	CHECK(limit > 0 && limit <= TIE_MAX);
	q->tie_limit = limit;
}

/* Every live key references a distinct occupied slot, every occupied slot
 * has its live key, the free list holds the others; the counts agree. */
static bool check_slots(const evq_t *q)
{
	size_t live = 0, dead = 0, nfree = 0;
	bool ok = true;
	uint8_t *seen = g_new0(uint8_t, q->nslots + 1);

	for (size_t i = 0; i < q->len && ok; i++) {
		uint32_t s = ent_slot(&q->heap[i]);

		ok = s < q->nslots;
		if (ok && ent_live(q, &q->heap[i])) {
			ok = !seen[s] && q->slots[s].seq < q->next_seq;
			seen[s] = 1;
			live++;
		} else {
			dead++;
		}
	}
	for (uint32_t s = q->free_head; ok && s != SLOT_NIL; s = q->slots[s].link) {
		ok = s < q->nslots && !seen[s] && nfree < q->nslots;
		if (ok)
			seen[s] = 1;
		nfree++;
	}
	g_free(seen);
	return ok && dead == q->tombstones && live + dead == q->len &&
	       live + nfree == q->nslots;
}

/* Heap order; among equal times the ties agree with the 64-bit seqs (FIFO
 * survives renumbering); ties are distinct and below the counter. */
static bool check_heap(const evq_t *q)
{
	GHashTable *ties = g_hash_table_new(g_int64_hash, g_int64_equal);
	uint64_t *keys = g_new(uint64_t, q->len + 1);
	bool ok = true;

	for (size_t i = 0; i < q->len && ok; i++) {
		const struct heap_ent *e = &q->heap[i];

		keys[i] = e->order >> 32;
		ok = e->time >= q->now && keys[i] < q->next_tie &&
		     !g_hash_table_contains(ties, &keys[i]);
		g_hash_table_add(ties, &keys[i]);
		if (ok && i > 0) {
			const struct heap_ent *p = &q->heap[(i - 1) / HEAP_ARITY];

			ok = !ent_less(e, p) &&
			     (p->time != e->time || !ent_live(q, p) || !ent_live(q, e) ||
			      q->slots[ent_slot(p)].seq < q->slots[ent_slot(e)].seq);
		}
	}
	for (size_t i = q->len; i < q->len + HEAP_ARITY && ok; i++)
		ok = q->heap[i].time == SENTINEL.time && q->heap[i].order == SENTINEL.order;
	g_hash_table_destroy(ties);
	g_free(keys);
	return ok;
}

bool evq_check_invariants(const evq_t *q)
{
	if (q->len > q->cap || q->tombstones * 2 > q->len)
		return false;
	if (!check_slots(q)) /* first: it bounds the slot indices */
		return false;
	if (q->len > 0 && !ent_live(q, &q->heap[0]))
		return false;
	return check_heap(q);
}
