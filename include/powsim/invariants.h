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

#include "powsim/world.h"

/* Check W as described above; CTX is unused (NULL). Returns if every
 * invariant holds, aborts otherwise. */
void invariants_check(void *ctx, const world_t *w);

#endif
