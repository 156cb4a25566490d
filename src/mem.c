/* mem: see mem.h. */
#define _DEFAULT_SOURCE /* madvise(), MADV_HUGEPAGE */
#include "powsim/mem.h"

#include <string.h>

#include <glib.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#define MEM_LINE 64
#define MEM_HUGE_PAGE ((size_t)2 << 20)

void *mem_alloc0(size_t n, size_t size)
{
	if (size && n > G_MAXSIZE / size)
		g_error("mem_alloc0: %zu elements of %zu bytes overflow", n, size);
	size_t bytes = n != 0 && size != 0 ? n * size : 1;
	size_t align = bytes >= MEM_HUGE_MIN ? MEM_HUGE_PAGE : MEM_LINE;
	/* whole pages or lines, so the advice covers the array exactly */
	size_t rounded = (bytes + align - 1) / align * align;
	void *p = g_aligned_alloc(rounded, 1, align);
	/* advised before the first touch: pages faulted in before the advice
	 * would stay small */
#if defined(__linux__) && defined(MADV_HUGEPAGE)
	if (align == MEM_HUGE_PAGE)
		(void)madvise(p, rounded, MADV_HUGEPAGE);
#endif
	memset(p, 0, rounded);
	return p;
}

void mem_free(void *p)
{
	g_aligned_free(p);
}
