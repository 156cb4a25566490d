/* chain: the world's block store, each node's view of it, and fork choice.
 *
 * The store owns every block of a run, genesis first, with dense ids in
 * the order blocks were added. Beside each block it keeps the world-wide
 * verdict of validation (computed once, reused by every node) and one
 * opaque pointer for the caller (the world keeps the block's post-state
 * of the ledger there).
 *
 * A view is one node's knowledge: which blocks it holds, which it has
 * found invalid, which wait for a missing parent (orphans), and its tip.
 * Fork choice is one comparator: most cumulative work (default) or
 * greatest height (`longest`, as in the source documents); a block that
 * only ties the tip never replaces it, so ties go to the block seen first.
 * Across nodes (chain_best) a tie goes to the lower hash, so runs repeat.
 */
#ifndef POWSIM_CHAIN_H
#define POWSIM_CHAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "powsim/block.h"

typedef struct chain_store chain_store_t;

/* The fork rule (consensus "fork_choice"): most cumulative work, or
 * greatest height. */
enum fork_choice { FORK_MOST_WORK, FORK_LONGEST };

enum chain_verdict {
	CHAIN_UNCHECKED = 0,
	CHAIN_VALID,
	CHAIN_INVALID,
};

/* A store holding GENESIS (owned from here on) as id 0. */
chain_store_t *chain_store_new(struct block *genesis);

/* Free the store and every block. Calls FREE_AUX on each non-NULL aux
 * pointer if FREE_AUX is not NULL. NULL-safe. */
void chain_store_free(chain_store_t *s, void (*free_aux)(void *));

/* Add B (owned from here on); sets and returns its id. */
uint32_t chain_store_add(chain_store_t *s, struct block *b);

uint32_t chain_store_count(const chain_store_t *s);
const struct block *chain_store_get(const chain_store_t *s, uint32_t id);
const struct block *chain_store_genesis(const chain_store_t *s);

/* The block with HASH, or NULL. O(1). */
const struct block *chain_store_find(const chain_store_t *s, const uint8_t hash[32]);

/* The cached verdict of block ID, and its reason when invalid. */
enum chain_verdict chain_store_verdict(const chain_store_t *s, uint32_t id,
				       const char **reason);
void chain_store_set_verdict(chain_store_t *s, uint32_t id, enum chain_verdict v,
			     const char *reason /* static string */);

/* The caller's pointer kept beside block ID. */
void *chain_store_aux(const chain_store_t *s, uint32_t id);
void chain_store_set_aux(chain_store_t *s, uint32_t id, void *aux);

/* Track VIEWS views (numbered 0..VIEWS-1, each tied to the store by
 * chain_view_track): for each block while it spreads, the store keeps a
 * bit per view saying whether the view knows of it (its status is not
 * UNKNOWN), so a relay asks one bit per peer instead of searching the
 * peer's view. Call before any block beyond genesis is added; calling
 * it again with the same count does nothing. */
void chain_store_track(chain_store_t *s, uint32_t views);

/* Whether tracked view VIEW knows of B: 1 if its status of B is not
 * UNKNOWN, 0 if it is; -1 if the store tracks no views. O(1). */
int chain_store_seen(const chain_store_t *s, const struct block *b, uint32_t view);

/* >0 if A is better than B under RULE, <0 if worse, 0 if they tie. */
int chain_compare(const struct block *a, const struct block *b, enum fork_choice rule);

/* The best of N tips under RULE; ties to the lower hash. N > 0. */
const struct block *chain_best(const struct block *const *tips, uint32_t n,
			       enum fork_choice rule);

/* The last common ancestor of A and B. O(height difference + depth). */
const struct block *chain_fork_point(const struct block *a, const struct block *b);

/* True if ANC is B or one of B's ancestors. O(log height). */
bool chain_is_ancestor(const struct block *anc, const struct block *b);

/* The ancestor of B at HEIGHT (<= B's height). O(log height), by skips. */
const struct block *chain_ancestor(const struct block *b, uint32_t height);

/* A block's status in one node's view, and the moves between them.
 *
 *   from \ to   UNKNOWN REQUESTED PENDING ORPHAN HAVE INVALID
 *   UNKNOWN        .        a        b       c     d      e
 *   REQUESTED      i        a        b       c     d      e
 *   PENDING        -        -        .       -     f      f
 *   ORPHAN         -        -        g       .     d      h
 *   HAVE           -        -        -       -     .      -
 *   INVALID        -        -        -       -     -      .
 *
 *   a  asked for by hash: an inv (getdata), or the missing ancestor of an
 *      orphan (a fetch: the sender first, then every other reachable
 *      peer in turn, each after a timeout or a "not found")
 *   b  received with its parent held, or a fetched chain holding it is
 *      accepted for checking: validation booked
 *   c  received while its parent is not held: kept, and the first block
 *      of its ancestry the view lacks (chain_view_missing) is fetched,
 *      also when the parent is itself an orphan
 *   d  connected as part of a checked chain, or mined by the node itself
 *   e  its parent is invalid, or the chain holding it failed
 *   f  validation ended: valid (connected, fork choice runs) or not
 *   g  its parent connected: now validated in turn
 *   h  its parent (or any ancestor) was found invalid
 *   i  every reachable peer was asked in vain: the request is forgotten,
 *      so a peer that gets the block later announces it here again (an
 *      orphan on it, a join or a heal asks anew)
 *   .  no change (a duplicate); "-" never happens, and asserts.
 * HAVE and INVALID are final: a connected block stays connected (a reorg
 * moves the tip, never a block's status), an invalid one stays invalid.
 * So every block a node receives ends HAVE or INVALID as long as some
 * reachable peer can supply its ancestry. */
enum view_status {
	VIEW_UNKNOWN = 0,
	VIEW_HAVE,     /* connected and valid */
	VIEW_INVALID,  /* rejected */
	VIEW_ORPHAN,   /* waiting for its parent */
	VIEW_PENDING,  /* received, being validated */
	VIEW_REQUESTED,/* asked for, not yet received */
};

/* Whether the table above allows moving a block from FROM to TO. */
bool chain_view_can_move(enum view_status from, enum view_status to);

/* One node's view. The tip implies every ancestor of it as held; only
 * blocks that are not ancestors of the tip and not unknown (side branches,
 * in-flight, orphaned, invalid) are listed. Memory per node grows with
 * those, not with the chain: no nodes x blocks matrix. */
struct chain_view {
	const struct block *tip;
	union {                 /* the list: (id << 8 | status), sorted by id */
		uint64_t *known;/* when cap_known > 1 */
		uint64_t one;   /* the list itself while it holds one at most */
	} k;
	uint32_t n_known, cap_known;
	GArray *orphans;        /* of const struct block *, arrival order; NULL: none */
	chain_store_t *store;   /* tracking it (chain_view_track), or NULL */
	uint32_t self;          /* its number there */
};

/* A tip change: OLD_TIP replaced by NEW_TIP; FORK is their last common
 * ancestor, DEPTH the blocks dropped from the old chain (0: extension). */
struct chain_reorg {
	const struct block *old_tip, *new_tip, *fork;
	uint32_t depth;
};

/* A hint (mem.h): start loading V's list of the blocks it knows off its
 * tip's chain, when it is out of line (a status query reads it).
 * Changes nothing. */
void chain_view_prefetch(const struct chain_view *v);

/* A view holding only GENESIS. */
void chain_view_init(struct chain_view *v, const struct block *genesis);
void chain_view_clear(struct chain_view *v);

/* Tie V, holding only genesis, to S as view number SELF (S tracks
 * views: chain_store_track); its status changes then keep S's bits. */
void chain_view_track(struct chain_view *v, chain_store_t *s, uint32_t self);

/* B's status in V. O(log known + log height); O(1) when V is tracked and
 * does not know of B. */
enum view_status chain_view_status(const struct chain_view *v, const struct block *b);

/* How many blocks V lists (its memory beyond the tip). */
uint32_t chain_view_known(const struct chain_view *v);

/* Set B's status in V to ST; a move the table above forbids asserts. */
void chain_view_set_status(struct chain_view *v, const struct block *b, enum view_status st);

/* Connect B, whose parent the view HAS and which is valid: mark it HAVE
 * and run fork choice. Returns true if the tip changed, with *R filled. */
bool chain_view_connect(struct chain_view *v, const struct block *b,
			enum fork_choice rule, struct chain_reorg *r);

/* Keep B until its parent arrives. */
void chain_view_add_orphan(struct chain_view *v, const struct block *b);

/* Remove and return an orphan whose parent is PARENT, or NULL. Call until
 * NULL to drain them, oldest first. */
const struct block *chain_view_take_orphan(struct chain_view *v, const struct block *parent);

/* The orphans V keeps, oldest first: how many, and number I. */
uint32_t chain_view_orphan_count(const struct chain_view *v);
const struct block *chain_view_orphan(const struct chain_view *v, uint32_t i);

/* What V must fetch before B can connect: the first ancestor of B, going
 * down through the orphans V keeps, that V neither holds nor keeps as an
 * orphan, if its status is UNKNOWN or REQUESTED. NULL if nothing is
 * missing (B's parent is held) or the ancestor is on its way (PENDING) or
 * INVALID (then B is rejected with it). O(orphans walked x log known). */
const struct block *chain_view_missing(const struct chain_view *v, const struct block *b);

#endif
