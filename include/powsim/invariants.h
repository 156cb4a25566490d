/* invariants: consistency checks of a running world, for --check-invariants.
 *
 * invariants_check() inspects every node of a world and aborts the
 * process, with a message naming the node and the invariant, at the
 * first breach of:
 *   - the node's tip is a block it holds and the store judged valid, and
 *     no valid block it holds beats the tip under the fork-choice rule
 *     (most cumulative work, or height under `longest`);
 *   - every block of the node's chain, genesis to tip, is held by the
 *     node and has a VALID verdict in the store;
 *   - the mempool's own invariants (mempool_check), and every pending
 *     transaction applies on the tip's ledger state, except those ahead
 *     of their sender (seq above the sender's next sequence number);
 *   - money is conserved: transfers move it, fees leave senders and reach
 *     the miner through the coinbase, so the tip state's total is the
 *     genesis allocation plus height x reward (balances are unsigned, so
 *     none went below zero on the way).
 * and, for the whole store, that cumulative work strictly rises from each
 * block's parent to the block (along every branch).
 *
 * These are bugs in the simulator when they fail, never outcomes of a
 * scenario: an attack that breaks them has found a bug. The check costs
 * O(nodes x (blocks + height + mempool)) per call: meant for small
 * scenarios, after every event (world_on_step(w, invariants_check, NULL)).
 */
#ifndef POWSIM_INVARIANTS_H
#define POWSIM_INVARIANTS_H

#include <stdbool.h>
#include <stdint.h>

#include "powsim/world.h"

/* Check W as described above; CTX is unused (NULL). Returns if every
 * invariant holds, aborts otherwise. */
void invariants_check(void *ctx, const world_t *w);

/* Convergence of a finished world, over its online honest nodes. */
struct invariants_convergence {
	uint32_t nodes;        /* online honest nodes */
	uint32_t tips;         /* distinct tips among them */
	uint32_t orphans;      /* orphans they keep, in all */
	uint32_t off_best;     /* a node not on the best of those tips, or UINT32_MAX */
	uint32_t with_orphan;  /* a node keeping an orphan, or UINT32_MAX */
};

/* Fill *C for W; returns true if W converged: every online honest node
 * has the same tip and none keeps a block it could not connect (an
 * orphan). What a quiet period after mining should bring any network
 * whose online nodes are connected to. O(nodes + orphans). */
bool invariants_converged(const world_t *w, struct invariants_convergence *c);

/* The end-of-run check of --check-invariants, for a finished run (not
 * interrupted) whose drain ended quiet (world_quiet: nothing left in
 * flight before WORLD_DRAIN_MAX; otherwise it returns without judging):
 * liveness between neighbours. For every
 * online honest node N and every online honest peer P that N can reach:
 *   - P's tip is not better than N's (fork choice; ties may stay apart);
 *   - every orphan N keeps waits for a block (its first missing ancestor)
 *     that P does not hold: N would have fetched it from P.
 * Aborts with a message naming the node and the block at the first
 * breach. O(nodes x degree x orphans). Global convergence (one tip) is
 * not required here: a partition or a tie may legitimately last to the
 * end; a scenario states it with "converged" in its expectations. */
void invariants_check_end(const world_t *w);

#endif
