/* consensus: the rules every honest node applies identically.
 *
 * The difficulty a block must meet, and the validity of a block against
 * its parent. Both are pure functions of the block, its ancestors and the
 * scenario's consensus settings, so one verdict per block serves the whole
 * world.
 *
 * Difficulty. A block inherits its parent's difficulty, except that
 *  - with automatic retargeting (every N blocks), a block whose height is a
 *    multiple of N gets its parent's difficulty times the ratio of the
 *    target span to the actual span of the last N blocks, that ratio
 *    clamped to [1/clamp, clamp]: in thousandths of a zero the change is
 *    250 * log2(ratio), computed in integers so no floating point decides
 *    a block's difficulty;
 *  - a scheduled change (a timeline `difficulty` action) applies to the
 *    first block of a chain that crosses its trigger: for a height trigger
 *    H the block at height H; for a time trigger T the first block whose
 *    timestamp is >= T while its parent's is < T. When several changes
 *    apply to one block, they are applied in trigger order (time
 *    changes by time, then height changes by height; file order breaks
 *    exact ties) and the last wins.
 * A block's timestamp is when its template was made, so a block in flight
 * across a change keeps the difficulty it was mined at and stays valid.
 *
 * Validity, in order, with the reason string of the first failure:
 * "bad-height", "time-too-old" (timestamp before the parent's),
 * "time-too-new" (more than the allowed drift after the moment of checking
 * is not judged here: see consensus_check_time), "bad-diff" (not the
 * required difficulty), "high-hash" (hash above target; skipped when the
 * run models PoW and the block says so), "bad-pow-mode" (a modelled block
 * in a run that does PoW), "bad-merkle", "no-coinbase", then the ledger's
 * verdicts on the transactions ("bad-coinbase", "bad-signature", "bad-seq",
 * "overspend", ...), "too-many-txs".
 */
#ifndef POWSIM_CONSENSUS_H
#define POWSIM_CONSENSUS_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "powsim/block.h"
#include "powsim/chain.h"
#include "powsim/ledger.h"
#include "powsim/simtime.h"

typedef struct consensus consensus_t;

/* How blocks are mined (world.h): real hashing, a drawn time and a real
 * nonce, or a drawn time only (the header says the PoW was modelled). */
enum mining_mode { MINING_REAL, MINING_FAST, MINING_MODEL };

/* A scheduled difficulty change: a timeline "difficulty" action, whose
 * value binds the first block of a chain that crosses its trigger
 * (consensus.h says how). The reader puts each one here, in file order;
 * the action stays in the events too, as what the timeline log shows. */
struct difficulty_change {
	bool by_height;
	uint32_t height;            /* by_height: the block at this height */
	simtime_t at;               /* else: the first block stamped at or after */
	uint32_t millizeros;
};

struct consensus_cfg {
	enum mining_mode mode;
	uint32_t millizeros;        /* initial difficulty */
	enum fork_choice fork_choice;
	uint64_t reward;
	uint32_t max_block_txs;     /* transactions per block, coinbase excluded */
	uint32_t retarget_every;    /* 0 = no automatic retargeting */
	simtime_t retarget_interval;/* target block interval */
	double retarget_clamp;      /* max factor per retarget, >= 1 */
	GArray *schedule;           /* struct difficulty_change, file order */
};

/* How far ahead of the moment it was sent a timestamp may be (Bitcoin's
 * two hours). */
#define CONSENSUS_MAX_FUTURE (2 * SIMTIME_HOUR)

/* The rules of CFG, its difficulty schedule included (copied: CFG may go
 * away). */
consensus_t *consensus_new(const struct consensus_cfg *cfg);
void consensus_free(consensus_t *c);

/* The difficulty (millizeros) required of a child of PARENT whose
 * timestamp is TIMESTAMP. */
uint32_t consensus_required(const consensus_t *c, const struct block *parent,
			    simtime_t timestamp);

/* Add change D (a `difficulty` action issued during the run, live
 * mode's): last in file order, as if the scenario had carried it from the
 * start. */
void consensus_add_change(consensus_t *c, const struct difficulty_change *d);

/* The tip height from which templates must carry height-keyed change D:
 * it binds the block at D->height, so miners switch once a chain reaches
 * the height before. */
uint32_t consensus_switch_height(const struct difficulty_change *d);

/* The latest time-keyed change to MILLIZEROS due in (AFTER, UNTIL], into
 * *AT; false if there is none. O(changes). */
bool consensus_change_due(const consensus_t *c, uint32_t millizeros, simtime_t after,
			  simtime_t until, simtime_t *at);

/* The block reward. */
uint64_t consensus_reward(const consensus_t *c);

/* Check B against its parent, whose post-state is PARENT_STATE. Returns
 * B's post-state (one reference, the caller's; see ledger.h) or NULL with
 * *REASON set to a static string. KEYS: verify every signature with these,
 * or NULL if the caller has already verified each transaction. */
ledger_state_t *consensus_check_block(const consensus_t *c, const struct block *b,
				      ledger_state_t *parent_state, tx_keys_t *keys,
				      const char **reason);

#endif
