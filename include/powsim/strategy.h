/* strategy: how a miner decides what to mine on and what to publish.
 *
 * An honest miner (no strategy) mines on its best tip and relays every
 * block it finds at once. A strategic miner keeps the blocks it mines
 * private and lets its strategy decide, at two moments, which block to
 * mine on and which of its private blocks to make public:
 *   on_mined  it has just found block B on the block it mined on;
 *   on_block  it has learned (received, validated, connected) block B
 *             mined by someone else.
 * The strategy acts through struct strategy_io, which its node provides:
 * publish (relay a private block and its unpublished ancestors, oldest
 * first, by the run's relay protocol), mine_on (switch the template), and
 * report (races and double-spend attempts, for the traces).
 *
 * Strategies compare chains by height: they assume a constant difficulty
 * (the attack scenarios keep it constant). They see only blocks, never
 * the event queue or the network, so a strategy is a pure state machine
 * that tests drive transition by transition (tests/test_strategy.c).
 *
 * Adding a strategy: one file src/strategy_<name>.c defining a const
 * struct strategy_ops, and one line in the registry in strategy.c.
 * Parameters come from struct strategy_cfg (below), read by the
 * scenario reader.
 */
#ifndef POWSIM_STRATEGY_H
#define POWSIM_STRATEGY_H

#include <stdbool.h>
#include <stdint.h>

#include "powsim/block.h"

/* A miner group's strategy (strategy.h). NAME is a registered strategy;
 * NULL means honest. The other fields are the parameters of the
 * strategies that read them (defaults: scenarios/README.md, "Attacks"). */
struct strategy_cfg {
	char *name;
	char *variant;          /* stubborn: "lead", "equal-fork", "trail" or
				 * several joined by '+' */
	uint32_t trail;         /* stubborn trail: blocks behind it keeps mining */
	char *merchant;         /* double-spend: the node it pays */
	uint32_t confirmations; /* double-spend: blocks the merchant waits */
	uint32_t give_up;       /* double-spend: deficit at which it gives up */
	uint32_t premine;       /* double-spend: private blocks before paying */
	uint64_t amount;        /* double-spend: the payment */
};

/* What a strategy reports. */
enum strategy_event_kind {
	STRATEGY_RACE,      /* it published OWN to tie the public tip RIVAL */
	STRATEGY_ATTEMPT,   /* a double-spend attempt ended (SUCCESS or not) */
};

struct strategy_event {
	enum strategy_event_kind kind;
	const struct block *own;     /* RACE: its block; ATTEMPT: its private tip */
	const struct block *rival;   /* RACE: the public block tied; ATTEMPT: the public tip */
	const struct block *base;    /* ATTEMPT: where the private chain forked */
	bool success;                /* ATTEMPT */
	uint32_t confirmations;      /* ATTEMPT: the merchant's, at the end */
	uint32_t deficit;            /* ATTEMPT: public minus private length at the end (0 if ahead) */
};

/* What a strategy may do; its node fills these in. */
struct strategy_io {
	void *ctx;
	uint32_t self;   /* the node's id (blocks with h.miner == self are its own) */
	/* Make B (its own, on its private chain) and its unpublished own
	 * ancestors public, oldest first. */
	void (*publish)(void *ctx, const struct block *b);
	/* Mine on B from now on (rebuilds the template if it changed). */
	void (*mine_on)(void *ctx, const struct block *b);
	/* Record E (copied). May be NULL. */
	void (*report)(void *ctx, const struct strategy_event *e);
};

/* The private-chain bookkeeping every strategy here shares. */
struct strategy_chain {
	const struct block *priv;   /* the tip it mines on */
	const struct block *pub;    /* best public tip it knows (first seen on ties) */
	const struct block *shown;  /* its last published block, or NULL */
	bool race;                  /* a tie it published is unresolved */
};

struct strategy_ops {
	const char *name;
	/* A new state for CFG, mining on GENESIS; freed with g_free. */
	void *(*new_state)(const struct strategy_cfg *cfg, const struct block *genesis);
	/* The node found B (B's parent is the block it mined on). */
	void (*on_mined)(void *st, const struct strategy_io *io, const struct block *b);
	/* The node connected B, someone else's valid block. */
	void (*on_block)(void *st, const struct strategy_io *io, const struct block *b);
	/* The shared bookkeeping inside ST, for tests and reports. */
	const struct strategy_chain *(*chain)(const void *st);
};

/* The strategy called NAME, or NULL. "honest" is not in the registry:
 * honest miners have no strategy. */
const struct strategy_ops *strategy_find(const char *name);

/* The I-th registered strategy (0-based), or NULL past the last. */
const struct strategy_ops *strategy_at(unsigned i);

/* ---- helpers for strategy files ---- */

/* C starts on GENESIS: nothing private, nothing published. */
void strategy_chain_init(struct strategy_chain *c, const struct block *genesis);

/* Private lead: height of priv minus height of pub (negative: behind). */
int64_t strategy_lead(const struct strategy_chain *c);

/* Whether priv holds blocks the network has not seen (priv is its own
 * and not published). */
bool strategy_has_private(const struct strategy_chain *c, uint32_t self);

/* B was learned from the network: make it pub if it beats pub by height
 * (a tie keeps the first seen). Returns whether pub changed. */
bool strategy_learn(struct strategy_chain *c, const struct block *b);

/* Give up the private chain: mine on pub. */
void strategy_adopt(struct strategy_chain *c, const struct strategy_io *io);

/* Publish priv's ancestor at HEIGHT (at most priv's height) and what
 * precedes it; if that makes it the longest, it becomes pub. Reports a
 * race if it ties pub with a different block. */
void strategy_publish_to(struct strategy_chain *c, const struct strategy_io *io, uint32_t height);

/* The own block B extends priv: mine on it. */
void strategy_extend(struct strategy_chain *c, const struct strategy_io *io, const struct block *b);

/* The strategies of the registry (one file each). */
extern const struct strategy_ops strategy_selfish;
extern const struct strategy_ops strategy_stubborn;
extern const struct strategy_ops strategy_double_spend;

#endif
