/* report: the facts of a finished run, computed once.
 *
 * A finished world holds records (blocks, reorgs, fired actions, each
 * node's tip); the outputs (trace.h), the expectations (expect.h) and the
 * console summary all speak of the same derived facts, and this module
 * is their one home: which chain is the run's main chain, which block is
 * on it, stale or withheld, the headline totals, the difficulty phases,
 * each miner's share, how many tips the honest nodes end on, and what the
 * strategic miners achieved (attack.h).
 *
 * The main chain is the best chain the honest nodes hold: the best of
 * the tips (chain_best) of the honest online nodes, where a node is
 * honest unless the timeline names it in an attack action (invalid-txs,
 * inject-block, withhold, release). After a quiet end every honest node
 * holds that tip. So a withholding miner's private chain, which no honest
 * node ever saw, is never the main chain however much work it has. If no
 * honest node is online the honest nodes' tips count, then every online
 * node's, then every node's.
 *
 * A block is one of (enum report_block):
 *   main      on the main chain;
 *   withheld  off it and never published: its miner is named by a
 *             withhold action and no other node ever held the block (a
 *             private block that was never released, or that was lost
 *             when the honest chain overtook the private one);
 *   stale     off it otherwise: published, and left behind by the main
 *             chain.
 * Injected blocks (inject-block actions) take one of these statuses too,
 * but are counted apart: they are neither mined nor stale.
 *
 * Building a report only reads the world; the report keeps a pointer to
 * it, so the world must outlive the report. Everything in it is a
 * function of the scenario and the seed.
 */
#ifndef POWSIM_REPORT_H
#define POWSIM_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "powsim/world.h"

/* A block's standing at the end. The values are what blocks.csv writes
 * in its main_chain column (README.md, "Outputs"). */
enum report_block {
	REPORT_STALE = 0,
	REPORT_MAIN = 1,
	REPORT_WITHHELD = 2,
};

/* One per run of main-chain blocks of one difficulty. The mean interval
 * counts only blocks whose parent has the same difficulty: the interval of
 * a phase's first block straddles the change and measures neither. */
struct report_phase {
	uint32_t millizeros;
	uint32_t start_height, end_height, blocks;
	simtime_t start;            /* the change took effect (or the parent was mined) */
	simtime_t end;              /* the last block was mined */
	double mean_interval_s;     /* 0: no interval within the phase */
	double expected_interval_s; /* work / mean total hash rate of the run */
	double blocks_per_min;      /* 60 / mean interval (0 with it) */
	uint32_t txs;               /* transfers included, coinbases excluded */
};

/* One per node (miners.csv writes the miners' rows). */
struct report_miner {
	uint32_t blocks;            /* in the store under its name (injected included) */
	uint32_t main_blocks;       /* of those, on the main chain */
	uint32_t withheld;          /* of those, withheld */
	double hashrate_share;      /* its hashing over the run / everyone's */
	double main_share;          /* main_blocks / main-chain blocks (genesis excluded) */
};

struct attack_stats;

struct report {
	const world_t *world;
	const struct block *tip;    /* of the main chain */
	uint32_t main_length;       /* blocks after genesis */
	uint8_t *status;            /* by block id: enum report_block */
	bool *honest;               /* by node id */
	uint64_t stale;             /* mined (not injected), stale */
	uint64_t withheld;          /* mined (not injected), withheld */
	uint32_t reorgs, deepest;   /* rows of reorgs.csv, their largest depth */
	uint32_t honest_tips;       /* distinct tips of the honest online nodes */
	bool all_same_tip;          /* every online node has one tip */
	GArray *phases;             /* struct report_phase, in chain order */
	struct report_miner *miners;/* by node id */
	GHashTable *tx_block;       /* const struct tx * -> its main-chain block */
	const char **tx_rejected;   /* by index of world_txs(): the first reason
				     * a node gave, NULL if none or confirmed */
	GHashTable *tx_rejects;     /* reason -> count of txs rejected (not confirmed) */
	struct attack_stats *attack;/* over the main chain (attack.h) */
};

/* The facts of the finished world W. Free with report_free(). */
struct report *report_new(const world_t *w);

/* NULL-safe. */
void report_free(struct report *r);

/* The tip of W's main chain as report_new() finds it, without building
 * a whole report. O(nodes + timeline). */
const struct block *report_main_tip(const world_t *w);

/* A new array by node id (g_free it): true for the honest nodes, those no
 * attack action of the timeline (invalid-txs, inject-block, withhold,
 * release) names and that mine by no strategy. O(events + nodes). */
bool *report_honest_nodes(const world_t *w);

/* The main-chain block that includes T, or NULL. */
const struct block *report_tx_block(const struct report *r, const struct tx *t);

#endif
