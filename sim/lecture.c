/* The lecture's console feed (--log lecture), shared by run and serve. */
#include <stdio.h>

#include <glib.h>

#include "commands.h"
#include "powsim/hash.h"
#include "powsim/units.h"
#include "powsim/wallet.h"

static void print_tx(const world_t *w, const struct tx *t)
{
	char from[WALLET_ADDR_HEX_SIZE] = "0", to[WALLET_ADDR_HEX_SIZE];
	tx_keys_t *k = world_keys(w);
	if (!tx_is_coinbase(t))
		wallet_address_hex(tx_keys_wallet(k, t->sender), from);
	wallet_address_hex(tx_keys_wallet(k, t->recipient), to);
	printf("  { 'Sender': '%s', 'Recipient': '%s', 'Amount': %" G_GUINT64_FORMAT " }\n",
	       from, to, t->amount);
}

void cmd_lecture_mined(void *ctx, const world_t *w, const struct block *b)
{
	(void)ctx;
	char name[64], prev[HASH_HEX_SIZE], hash[HASH_HEX_SIZE], when[32];
	world_node_name(w, b->h.miner, name, sizeof name);
	hash_hex(b->h.prev, 32, prev);
	hash_hex(b->hash, 32, hash);
	units_format_duration(b->mined_at, when, sizeof when);
	printf("[%s] %s has mined!\n\n-----\n", when, name);
	printf("Index      : %u\nTransactions:\n", b->h.height);
	for (uint32_t i = 0; i < b->n_tx; i++)
		print_tx(w, b->txs[i]);
	printf("Proof      : %" G_GUINT64_FORMAT "\n", b->h.nonce);
	printf("Num_zeros  : %g\n", block_zeros(b));
	printf("Previous_hash : %s\nPresent_hash  : %s\n-----\n\n", prev, hash);
	fflush(stdout);
}
