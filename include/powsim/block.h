/* block: the block header, its exact bytes, and immutable blocks.
 *
 * A header is 96 bytes, hashed once with SHA-256; the block's hash is that
 * digest. All integers are little-endian. The nonce sits in the second
 * 64-byte chunk, so a miner hashes the first chunk once per template.
 *
 *   offset size field
 *        0    4 version     bits 0-15 the format (1); bit 16 set: the proof
 *                           of work was modelled, not done
 *        4    4 height      genesis is 0
 *        8   32 prev        hash of the parent (zeros for genesis)
 *       40   32 merkle      merkle root of the transaction ids
 *       72    8 timestamp   simulated ns when the template was made
 *       80    4 millizeros  required difficulty, thousandths of a hex zero
 *       84    4 miner       node id of the miner (UINT32_MAX for genesis)
 *       88    8 nonce
 *
 * The merkle root is Bitcoin's construction over 32-byte transaction ids
 * with single SHA-256: pair up, duplicating the last of an odd level, hash
 * each 64-byte pair, until one remains; no transactions give all zeros.
 *
 * A struct block is immutable once built and is stored once for the whole
 * world (chain.h); nodes refer to it by pointer or by its dense id.
 */
#ifndef POWSIM_BLOCK_H
#define POWSIM_BLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "powsim/pow.h"
#include "powsim/simtime.h"
#include "powsim/tx.h"

#define BLOCK_VERSION 1u
#define BLOCK_FLAG_MODELLED (1u << 16)
#define BLOCK_NO_MINER UINT32_MAX

struct block_header {
	uint32_t version;
	uint32_t height;
	uint8_t prev[32];
	uint8_t merkle[32];
	simtime_t timestamp;
	uint32_t millizeros;
	uint32_t miner;
	uint64_t nonce;
};

struct block {
	struct block_header h;
	uint8_t hash[32];
	uint32_t id;               /* dense index in the world's store */
	const struct block *parent;/* NULL for genesis */
	const struct block *skip;  /* an ancestor further back (see block_skip_height),
				    * so ancestor queries take O(log height) steps */
	struct u256 work;          /* this block's work, from its millizeros */
	struct u256 chainwork;     /* cumulative work up to and with this block */
	simtime_t mined_at;        /* simulated time it was found */
	uint64_t size;             /* bytes on the wire */
	uint32_t n_tx;             /* transactions, coinbase first */
	const struct tx **txs;     /* owned by the block (array), txs shared */
};

/* Write H's 96 exact bytes into OUT. */
void block_header_encode(const struct block_header *h, uint8_t out[POW_HEADER_SIZE]);

/* Read 96 bytes into *H (inverse of encode). */
void block_header_decode(const uint8_t in[POW_HEADER_SIZE], struct block_header *h);

/* The merkle root of N transaction ids (see above) into OUT. */
void block_merkle(const struct tx *const *txs, uint32_t n, uint8_t out[32]);

/* A new block with header H (its hash computed here), parent PARENT (NULL
 * only for genesis; the block the header's prev names, or claims to: that
 * the header agrees with it is for consensus to judge), transactions TXS[0..N) (the array is copied, the txs
 * are not), mined at MINED_AT. Work and chainwork are derived from the
 * header and the parent. The caller gives it to the store, which owns it. */
struct block *block_new(const struct block_header *h, const struct block *parent,
			const struct tx *const *txs, uint32_t n, simtime_t mined_at,
			uint64_t size);

/* NULL-safe. Frees the block and its tx array, not the txs. */
void block_free(struct block *b);

/* The shared genesis block of every run: height 0, no parent, no
 * transactions, timestamp 0, difficulty 0 (so its hash meets its target
 * like every other block's), nonce 0. It is the same for every node, every
 * seed and every scenario; the first block's difficulty is the scenario's
 * (consensus.h). */
struct block *block_genesis(void);

/* The height a block at HEIGHT keeps a skip pointer to: below it, with
 * enough variety that walks down by skips take O(log height) steps. */
uint32_t block_skip_height(uint32_t height);

/* Difficulty of B in hex zeros, for output. */
double block_zeros(const struct block *b);

/* True if B's proof of work was modelled rather than done. */
static inline bool block_pow_modelled(const struct block *b)
{
	return (b->h.version & BLOCK_FLAG_MODELLED) != 0;
}

#endif
