/* mempool: one node's pool of pending transactions.
 *
 * The pool holds pointers to transactions; it does not own or copy them.
 * They are immutable and shared by every node that holds them (the world
 * keeps one store of transactions), and must outlive the pool or their
 * removal from it. Each transaction is in a pool at most once (by id); a
 * second transaction with the same sender and seq as a pending one is a
 * "conflict" and is refused (first seen wins, as in Bitcoin without
 * replace-by-fee).
 *
 * Order is "arrival" (FIFO, as in the source documents) or "fee" (highest
 * fee first, ties by arrival). Everything the pool returns follows that
 * order; the hash tables inside are only looked up, never iterated.
 *
 * Capacity (0 = unbounded): in arrival order a full pool refuses newcomers
 * ("mempool-full"), so FIFO stays FIFO. In fee order a newcomer paying a
 * strictly higher fee than the lowest-fee transaction (the latest arrival
 * among equals) evicts it; otherwise it is refused. An eviction may leave
 * the evicted transaction's successors (seq k+1, ...) waiting; they stay
 * until revalidation or eviction removes them.
 *
 * Validity: a pending transaction may be ahead of its sender's chain (seq
 * greater than the tip's next sequence number, its predecessors still
 * pending or still travelling). mempool_select() builds a template that is
 * valid in sequence against a tip; mempool_revalidate() drops what a new
 * tip made impossible. Admission and revalidation judge each transaction
 * alone against the tip: its amount + fee must be covered by the sender's
 * confirmed balance (funds that are themselves still pending do not
 * count, as in Ethereum's pools); selection then checks the running
 * balances of the template. Signatures are the caller's business: verify
 * a transaction (tx_verify, once for the world) before adding it.
 *
 * Costs: add, remove, lookup O(log n); select and revalidate O(n log n).
 */
#ifndef POWSIM_MEMPOOL_H
#define POWSIM_MEMPOOL_H

#include <stdbool.h>
#include <stdint.h>

#include "powsim/ledger.h"
#include "powsim/tx.h"

typedef struct mempool mempool_t;

enum mempool_order { MEMPOOL_ARRIVAL, MEMPOOL_FEE };

/* When a miner rebuilds its template (node.h): at every transaction it
 * accepts, or only when its tip changes. */
enum template_refresh { REFRESH_ON_TX, REFRESH_ON_BLOCK };

/* The scenario's "mempool" section: every node's pool alike. */
struct mempool_cfg {
	enum mempool_order order;
	uint32_t capacity;
	enum template_refresh refresh;
};

enum mempool_code {
	MEMPOOL_ADDED = 0,
	MEMPOOL_DUPLICATE, /* "duplicate": this id is already pending */
	MEMPOOL_CONFLICT,  /* "conflict": another tx has this sender and seq */
	MEMPOOL_FULL,      /* "mempool-full" */
	MEMPOOL_INVALID,   /* a ledger reason: "bad-seq", "overspend", ... */
};

/* The outcome of mempool_add(). REASON is static ("added" on success).
 * EVICTED is the transaction pushed out to make room (fee order), or NULL.
 * LEDGER is the ledger's code when CODE is MEMPOOL_INVALID. */
struct mempool_verdict {
	enum mempool_code code;
	const char *reason;
	enum ledger_code ledger;
	const struct tx *evicted;
};

/* Called for each transaction revalidation drops, with the reason. */
typedef void (*mempool_drop_fn)(void *ctx, const struct tx *t,
				enum ledger_code why);

/* An empty pool in ORDER holding at most CAPACITY transactions (0: no
 * limit). Free with mempool_free(). */
mempool_t *mempool_new(enum mempool_order order, uint32_t capacity);

/* Free MP (not the transactions). NULL-safe. */
void mempool_free(mempool_t *mp);

/* Add T, which the pool will point to. If TIP is not NULL, T must also be
 * admissible on TIP: a transfer between existing accounts, seq not below
 * its sender's next sequence number ("bad-seq"), amount + fee within the
 * sender's balance ("overspend"). See the verdict for what happened. */
struct mempool_verdict mempool_add(mempool_t *mp, const struct tx *t,
				   const ledger_state_t *tip);

/* Remove the transaction with id ID. Returns whether it was pending. */
bool mempool_remove(mempool_t *mp, const uint8_t id[HASH_SIZE]);

/* Remove every transaction of the block TXS[0..N) that is pending (the
 * coinbase never is). Returns the number removed. Conflicting transactions
 * are left for mempool_revalidate() to drop. */
uint32_t mempool_remove_block(mempool_t *mp, const struct tx *const *txs,
			      uint32_t n);

/* The pending transaction with id ID, or NULL. */
const struct tx *mempool_get(const mempool_t *mp, const uint8_t id[HASH_SIZE]);

/* Whether a transaction of SENDER with sequence number SEQ is pending. */
bool mempool_holds_seq(const mempool_t *mp, uint32_t sender, uint32_t seq);

/* The number of pending transactions. */
uint32_t mempool_size(const mempool_t *mp);

/* Up to MAX pending transactions, in pool order, into OUT; returns how
 * many. */
uint32_t mempool_list(const mempool_t *mp, const struct tx **out,
		      uint32_t max);

/* A block template: up to MAX transactions into OUT, in an order in which
 * they apply one after another on TIP (each sender's seq k before k+1,
 * balances as they stand after the earlier ones). Walks the pool in its
 * order; a transaction ahead of its sender waits until its predecessor is
 * taken, then follows it at once. Transactions that do not fit are
 * skipped, not dropped. Returns the number selected. Signatures are not
 * checked (see above). */
uint32_t mempool_select(const mempool_t *mp, ledger_state_t *tip,
			uint32_t max, const struct tx **out);

/* Drop every pending transaction that TIP makes invalid: seq below its
 * sender's next ("bad-seq": included, or in conflict with one included),
 * amount + fee above the sender's balance ("overspend"), unknown accounts.
 * Transactions ahead of their sender are kept. On a reorg, add the
 * transactions of the abandoned blocks first, then revalidate against the
 * new tip. Adds a count per reason to DROPS (may be NULL) and calls FN
 * (may be NULL) for each drop, in pool order. Returns the number dropped. */
uint32_t mempool_revalidate(mempool_t *mp, const ledger_state_t *tip,
			    uint32_t drops[LEDGER_N_CODES],
			    mempool_drop_fn fn, void *ctx);

/* Check MP's internal invariants (index sizes agree, order holds);
 * aborts on a broken one. O(n); for tests. */
void mempool_check(const mempool_t *mp);

#endif
