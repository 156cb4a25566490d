/* block: header bytes, merkle root, immutable blocks. See block.h. */
#include "powsim/block.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "powsim/check.h"
#include "powsim/hash.h"

static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v = 0;
	for (int i = 3; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

void block_header_encode(const struct block_header *h, uint8_t out[POW_HEADER_SIZE])
{
	put_u32(out + 0, h->version);
	put_u32(out + 4, h->height);
	memcpy(out + 8, h->prev, 32);
	memcpy(out + 40, h->merkle, 32);
	put_u64(out + 72, (uint64_t)h->timestamp);
	put_u32(out + 80, h->millizeros);
	put_u32(out + 84, h->miner);
	put_u64(out + POW_NONCE_OFFSET, h->nonce);
}

void block_header_decode(const uint8_t in[POW_HEADER_SIZE], struct block_header *h)
{
	h->version = get_u32(in + 0);
	h->height = get_u32(in + 4);
	memcpy(h->prev, in + 8, 32);
	memcpy(h->merkle, in + 40, 32);
	h->timestamp = (simtime_t)get_u64(in + 72);
	h->millizeros = get_u32(in + 80);
	h->miner = get_u32(in + 84);
	h->nonce = get_u64(in + POW_NONCE_OFFSET);
}

void block_merkle(const struct tx *const *txs, uint32_t n, uint8_t out[32])
{
	if (n == 0) {
		memset(out, 0, 32);
		return;
	}
	uint8_t (*level)[32] = g_malloc_n(n, 32);
	for (uint32_t i = 0; i < n; i++)
		memcpy(level[i], txs[i]->id, 32);
	uint32_t len = n;
	while (len > 1) {
		uint32_t next = 0;
		for (uint32_t i = 0; i < len; i += 2) {
			uint8_t pair[64];
			memcpy(pair, level[i], 32);
			memcpy(pair + 32, level[i + 1 < len ? i + 1 : i], 32);
			hash_sha256(pair, sizeof pair, level[next++]);
		}
		len = next;
	}
	memcpy(out, level[0], 32);
	g_free(level);
}

struct block *block_new(const struct block_header *h, const struct block *parent,
			const struct tx *const *txs, uint32_t n, simtime_t mined_at,
			uint64_t size)
{
	CHECK(parent != NULL || h->height == 0);
	struct block *b = g_new0(struct block, 1);
	b->h = *h;
	uint8_t bytes[POW_HEADER_SIZE];
	block_header_encode(h, bytes);
	pow_hash_header(bytes, b->hash);
	b->parent = parent;
	b->skip = parent;
	/* Only a block whose height agrees with its parent's gets a real skip
	 * (a crafted bad-height block keeps its parent). */
	if (parent && h->height == parent->h.height + 1) {
		uint32_t sh = block_skip_height(h->height);
		const struct block *a = parent;
		while (a->h.height > sh)
			a = a->skip && a->skip->h.height >= sh ? a->skip : a->parent;
		b->skip = a;
	}
	struct u256 target;
	pow_target_from_millizeros(h->millizeros, &target);
	pow_work_from_target(&target, &b->work);
	if (parent)
		u256_add(&b->chainwork, &parent->chainwork, &b->work);
	else
		b->chainwork = b->work;
	b->mined_at = mined_at;
	b->size = size;
	b->n_tx = n;
	if (n > 0) {
		b->txs = g_new(const struct tx *, n);
		memcpy(b->txs, txs, n * sizeof *txs);
	}
	return b;
}

void block_free(struct block *b)
{
	if (!b)
		return;
	g_free(b->txs);
	g_free(b);
}

struct block *block_genesis(void)
{
	struct block_header h = {
		.version = BLOCK_VERSION,
		.height = 0,
		.timestamp = 0,
		.millizeros = 0,
		.miner = BLOCK_NO_MINER,
		.nonce = 0,
	};
	return block_new(&h, NULL, NULL, 0, 0, POW_HEADER_SIZE);
}

/* Clear the lowest set bit of N. */
static uint32_t drop_low_bit(uint32_t n)
{
	return n & (n - 1);
}

/* Even heights skip to the height with their lowest bit cleared; odd ones
 * to one above the height with the two lowest bits of height - 1 cleared:
 * the same scheme as Bitcoin's block index, so skips at neighbouring
 * heights reach far apart. */
uint32_t block_skip_height(uint32_t height)
{
	if (height < 2)
		return 0;
	return (height & 1) ? drop_low_bit(drop_low_bit(height - 1)) + 1 : drop_low_bit(height);
}

double block_zeros(const struct block *b)
{
	return b->h.millizeros / 1000.0;
}
