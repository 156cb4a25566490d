/* mem: memory-layout helpers for the hot path of big runs.
 *
 * At 100,000 nodes and more, a run is bound by cache and TLB misses, not
 * by arithmetic: each event touches a node, its links and its peers'
 * records at random. Two tools help: a prefetch hint, issued for the next
 * event while the current one runs (the event queue's lookahead), and
 * large per-node arrays on transparent huge pages, so that a random
 * access costs a cache miss but no page walk. Neither changes a result. */
#ifndef POWSIM_MEM_H
#define POWSIM_MEM_H

#include <stddef.h>

/* Start loading the cache line holding P (a hint: never faults). */
#if defined(__GNUC__) || defined(__clang__)
#define MEM_PREFETCH(p) __builtin_prefetch(p)
#else
#define MEM_PREFETCH(p) ((void)(p))
#endif

/* N zeroed elements of SIZE bytes, line-aligned; from MEM_HUGE_MIN bytes
 * on, mapped on their own, aligned to and advised onto huge pages where
 * the system has them (a hint, ignored elsewhere). Aborts on overflow or
 * when memory is exhausted, like g_malloc. */
void *mem_alloc0(size_t n, size_t size);

/* Free P, which mem_alloc0(N, SIZE) returned (the same N and SIZE: they
 * say how it was allocated). NULL-safe. */
void mem_free(void *p, size_t n, size_t size);

/* Below this, mem_alloc0 is an ordinary aligned allocation. */
#define MEM_HUGE_MIN ((size_t)2 << 20)

#endif
