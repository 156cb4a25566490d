/* mem: see mem.h. */
#define _DEFAULT_SOURCE /* madvise(), MADV_HUGEPAGE, MAP_ANONYMOUS */
#include "powsim/mem.h"

#include <stdint.h>

#include <glib.h>

#if defined(__linux__)
#include <sys/mman.h>
#define MEM_MAP 1
#else
#define MEM_MAP 0
#endif

#define MEM_LINE ((size_t)64)

/* The bytes N elements of SIZE take (at least 1); aborts on overflow. */
static size_t mem_bytes(size_t n, size_t size)
{
	/* room left for the rounding up and the alignment slack */
	if (size != 0 && n > (G_MAXSIZE - 2 * MEM_HUGE_MIN) / size)
		g_error("mem: %zu elements of %zu bytes overflow", n, size);
	return n != 0 && size != 0 ? n * size : 1;
}

static size_t round_up(size_t x, size_t to)
{
	return (x + to - 1) / to * to;
}

/* Large arrays are mapped on their own, huge-page aligned and advised
 * before the first touch (pages faulted in before the advice stay
 * small); fresh anonymous pages read as zero, so they are not cleared a
 * second time. */
void *mem_alloc0(size_t n, size_t size)
{
	size_t bytes = mem_bytes(n, size);
	if (!MEM_MAP || bytes < MEM_HUGE_MIN)
		return g_aligned_alloc0(round_up(bytes, MEM_LINE), 1, MEM_LINE);
#if MEM_MAP
	size_t len = round_up(bytes, MEM_HUGE_MIN);
	uint8_t *base = mmap(NULL, len + MEM_HUGE_MIN, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		g_error("mem: out of memory (%zu bytes)", len);
	uint8_t *p = (uint8_t *)round_up((uintptr_t)base, MEM_HUGE_MIN);
	if (p > base)
		munmap(base, (size_t)(p - base));
	if (base + MEM_HUGE_MIN > p)
		munmap(p + len, (size_t)(base + MEM_HUGE_MIN - p));
#if defined(MADV_HUGEPAGE)
	(void)madvise(p, len, MADV_HUGEPAGE); /* a hint: without THP, small pages */
#endif
	return p;
#else
	return NULL; /* not reached: MEM_MAP is 0 */
#endif
}

void mem_free(void *p, size_t n, size_t size)
{
	if (!p)
		return;
	size_t bytes = mem_bytes(n, size);
	if (!MEM_MAP || bytes < MEM_HUGE_MIN) {
		g_aligned_free(p);
		return;
	}
#if MEM_MAP
	munmap(p, round_up(bytes, MEM_HUGE_MIN));
#endif
}
