/* check: the one assertion of the simulator's code.
 *
 * A broken invariant is a bug (STYLE.md, "Three kinds of failure"), so
 * CHECK(COND) aborts the process when COND is false, printing the file,
 * line, function and COND on stderr. It stays on in every build: neither
 * NDEBUG nor G_DISABLE_ASSERT turns it off, because the invariants it
 * guards are those of consensus (the chain, the ledger, proof of work)
 * and of the order of events (the queue, the random streams), where a run
 * that broke one must stop rather than write a plausible trace. A check
 * costs a compare and a branch predicted taken.
 *
 * CHECK_NOT_REACHED() marks a branch no input can reach.
 *
 * Not for input: a bad scenario or option is a GError naming the field,
 * an invalid block or transaction is a verdict (consensus.h, ledger.h).
 * Tests keep GLib's g_assert_* macros, which print both sides.
 */
#ifndef POWSIM_CHECK_H
#define POWSIM_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

G_GNUC_NORETURN static inline void check_failed(const char *file, int line, const char *func,
						const char *cond)
{
	fprintf(stderr, "powsim: %s:%d: %s: check failed: %s\n", file, line, func, cond);
	abort();
}

#define CHECK(cond)                                                                                \
	(__builtin_expect(!!(cond), 1) ? (void)0 : check_failed(__FILE__, __LINE__, __func__, #cond))
#define CHECK_NOT_REACHED() check_failed(__FILE__, __LINE__, __func__, "not reached")

#endif
