/* ledger: account balances and sequence numbers, per block.
 *
 * A ledger state is the balance and next sequence number of every account
 * (dense indexes 0..n-1) after some block. A block's post-state depends
 * only on its ancestors, so one state per block serves the whole world,
 * and states are persistent: applying a block never changes its parent.
 * A state is its parent plus a small delta (the accounts the block
 * touched, sorted), except every LEDGER_SNAPSHOT_EVERY-th state down a
 * chain, which is a full copy; so a lookup walks at most that many deltas,
 * with a binary search in each: O(K log d). States are immutable and
 * reference-counted (atomically: they may be read from several threads);
 * a delta holds a reference to its parent, a snapshot to nothing, so old
 * history is freed once no block holds it.
 *
 * Consensus rules (a block = coinbase + transfers, applied in order):
 * - a transfer's sender and recipient exist ("bad-account"); amount + fee
 *   does not overflow ("bad-amount");
 * - its signature verifies ("bad-signature"), unless the caller already
 *   verified it (pass KEYS = NULL);
 * - its seq equals the sender's next sequence number ("bad-seq"; the
 *   same transaction twice in a block is "duplicate");
 * - the sender's balance covers amount + fee ("overspend"); so balances,
 *   unsigned, never go below zero;
 * - txs[0] and only txs[0] is a coinbase, pays the block's miner exactly
 *   reward + the sum of the block's fees, with fee 0, seq = the block's
 *   height and an all-zero signature ("bad-coinbase"). The coinbase is
 *   credited after the transfers: a miner cannot spend it in its own block.
 * A failed rule is a normal outcome, reported as a verdict, never asserted.
 */
#ifndef POWSIM_LEDGER_H
#define POWSIM_LEDGER_H

#include <stdbool.h>
#include <stdint.h>

#include "powsim/tx.h"

#define LEDGER_SNAPSHOT_EVERY 64

typedef struct ledger_state ledger_state_t;
typedef struct ledger_view ledger_view_t;

enum ledger_code {
	LEDGER_OK = 0,
	LEDGER_BAD_SIGNATURE, /* "bad-signature" */
	LEDGER_BAD_SEQ,       /* "bad-seq" */
	LEDGER_OVERSPEND,     /* "overspend" */
	LEDGER_BAD_COINBASE,  /* "bad-coinbase" */
	LEDGER_DUPLICATE,     /* "duplicate" */
	LEDGER_BAD_ACCOUNT,   /* "bad-account" */
	LEDGER_BAD_AMOUNT,    /* "bad-amount": a sum overflows 64 bits */
	LEDGER_N_CODES
};

/* The outcome of a check. REASON is a static string ("ok" on success).
 * INDEX is the position of the offending transaction in a block (0 for a
 * single transaction). */
struct ledger_verdict {
	enum ledger_code code;
	const char *reason;
	uint32_t index;
};

/* The static reason string of CODE. */
const char *ledger_reason(enum ledger_code code);

/* The genesis state (height 0) of N accounts with BALANCES[i] each (NULL:
 * all zero). The caller owns the one reference returned. */
ledger_state_t *ledger_genesis(uint32_t n, const uint64_t *balances);

/* Take a reference to S; returns S. */
ledger_state_t *ledger_ref(ledger_state_t *s);

/* Drop a reference to S (freeing it, and maybe its ancestors, at zero).
 * NULL-safe. */
void ledger_unref(ledger_state_t *s);

/* Apply the block of N transactions TXS (txs[0] the coinbase) on PARENT,
 * mined by account MINER with block reward REWARD; the block's height is
 * PARENT's + 1. KEYS: verify every signature with these keys, or NULL if
 * the caller has already verified each (the world verifies a transaction
 * once for everybody). Returns the new state (one reference, the caller's;
 * it holds its own reference to PARENT), or NULL with the reason in *V.
 * *V is always written. TXS is only read during the call. */
ledger_state_t *ledger_apply_block(ledger_state_t *parent,
				   const struct tx *const *txs, uint32_t n,
				   uint64_t reward, uint32_t miner,
				   tx_keys_t *keys, struct ledger_verdict *v);

/* Whether transfer T could be the next transaction applied on S (seq
 * equal to the sender's next, balance enough, ...). KEYS as above. */
struct ledger_verdict ledger_check_tx(const ledger_state_t *s,
				      const struct tx *t, tx_keys_t *keys);

/* Balance and next sequence number of ACCOUNT (< ledger_accounts(S)). */
uint64_t ledger_balance(const ledger_state_t *s, uint32_t account);
uint32_t ledger_next_seq(const ledger_state_t *s, uint32_t account);

/* The height of the block S follows (genesis: 0). */
uint32_t ledger_height(const ledger_state_t *s);

/* The number of accounts. */
uint32_t ledger_accounts(const ledger_state_t *s);

/* The sum of all balances. O(n K); for tests and summaries. */
uint64_t ledger_total(const ledger_state_t *s);

/* Whether S is stored as a full snapshot (for tests). */
bool ledger_is_snapshot(const ledger_state_t *s);

/* A scratch view: BASE plus the transfers applied to the view so far,
 * for building or checking a block template transaction by transaction.
 * The view holds a reference to BASE. Not thread-safe; cheap to make. */
ledger_view_t *ledger_view_new(ledger_state_t *base);

/* Free V and drop its reference to its base. NULL-safe. */
void ledger_view_free(ledger_view_t *v);

/* Check transfer T against V and, if valid, apply it to V. Returns the
 * verdict; V is unchanged unless it is LEDGER_OK. KEYS as above. */
struct ledger_verdict ledger_view_apply(ledger_view_t *v, const struct tx *t,
					tx_keys_t *keys);

/* Balance and next sequence number of ACCOUNT as V sees them. */
uint64_t ledger_view_balance(ledger_view_t *v, uint32_t account);
uint32_t ledger_view_next_seq(ledger_view_t *v, uint32_t account);

#endif
