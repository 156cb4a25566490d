/* attack: what the miners' strategies (strategy.h) achieved in a finished
 * run, per node and per group, for miners.csv and summary.json.
 *
 * Over the main chain the caller gives (ON_MAIN, by block id): blocks
 * mined and on the main chain, revenue (block reward plus fees, i.e. the
 * coinbase amounts, of main-chain blocks) and its share of the total,
 * own blocks orphaned (mined, not on the main chain), races entered (ties
 * the strategy published) and won (its block of the race is on the main
 * chain), the races' measured gamma, and the double-spend attempts with
 * their successes, the amount double-spent and the merchant's
 * confirmations at each.
 */
#ifndef POWSIM_ATTACK_H
#define POWSIM_ATTACK_H

#include <stdint.h>

#include <glib.h>

#include "powsim/world.h"

struct attack_row {
	const char *strategy;    /* "honest" or its registered name */
	uint32_t nodes;
	double hash_share;       /* of the run's hashing */
	uint64_t blocks, main_blocks, orphaned;
	uint64_t revenue;        /* coinbase amounts on the main chain */
	double revenue_share;    /* over the main chain's total */
	uint64_t races, races_won;
	uint64_t gamma_n;        /* races with a measured gamma */
	double gamma_sum;
	uint64_t attempts, successes;
	uint64_t double_spent;   /* successes times the strategy's amount */
	GArray *confirmations;   /* guint32, one per attempt, in order */
};

struct attack_stats {
	uint32_t n_nodes, n_groups;
	struct attack_row *node;   /* by node id */
	struct attack_row *group;  /* by group index */
	struct attack_row all;     /* every strategic miner together */
};

/* The stats of run W over the main chain ON_MAIN (by block id, 1 for a
 * main-chain block: report.h's status array, whose other values are
 * stale and withheld). */
struct attack_stats *attack_stats_new(const world_t *w, const uint8_t *on_main);
void attack_stats_free(struct attack_stats *a);  /* NULL-safe */

/* Mean measured gamma of R's races, or -1 if none was measured. */
double attack_gamma(const struct attack_row *r);

#endif
