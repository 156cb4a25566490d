/* Tests of mem: mem_alloc0's alignment (a cache line; a huge page from
 * MEM_HUGE_MIN on), zeroing and sizes, and that mem_free takes NULL. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "powsim/mem.h"

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void test_small(void)
{
	for (size_t n = 0; n < 300; n += 7) {
		uint8_t *p = mem_alloc0(n, 3);
		g_assert_nonnull(p);
		g_assert_cmpuint((uintptr_t)p % 64, ==, 0);
		g_assert_true(all_zero(p, n * 3));
		memset(p, 0xab, n * 3); /* writable to its end (ASan checks) */
		mem_free(p, n, 3);
	}
}

static void test_huge(void)
{
	size_t n = MEM_HUGE_MIN / 8 + 3; /* just past the threshold, not a whole page */
	uint64_t *p = mem_alloc0(n, sizeof *p);
	g_assert_cmpuint((uintptr_t)p % MEM_HUGE_MIN, ==, 0);
	g_assert_true(all_zero((const uint8_t *)p, n * sizeof *p));
	p[n - 1] = 1;
	g_assert_cmpuint(p[n - 1], ==, 1);
	mem_free(p, n, sizeof *p);
	mem_free(NULL, n, sizeof *p);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/mem/small", test_small);
	g_test_add_func("/mem/huge", test_huge);
	return g_test_run();
}
