/* Tests for block: the 96-byte header layout checked byte by byte against
 * the table in block.h, decode as the inverse of encode, the block hash as
 * SHA-256 of the encoded bytes (computed here with hash_sha256, not through
 * pow.c), merkle roots against known answers built by hand, the shared
 * genesis, and work / chainwork accumulation. */
#include <string.h>

#include <glib.h>

#include "powsim/block.h"
#include "powsim/hash.h"
#include "powsim/pow.h"

/* ---- helpers ---- */

static uint64_t le_read(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* A header whose every field has distinct, non-symmetric bytes, so that a
 * swapped field, a wrong offset or a big-endian write shows. */
static struct block_header sample_header(void)
{
	struct block_header h;

	memset(&h, 0, sizeof h);
	h.version = 0x04030201u | BLOCK_FLAG_MODELLED;
	h.height = 0x0a0b0c0du;
	for (int i = 0; i < 32; i++) {
		h.prev[i] = (uint8_t)(0x20 + i);
		h.merkle[i] = (uint8_t)(0x80 + i);
	}
	h.timestamp = (simtime_t)0x1122334455667788ll;
	h.millizeros = 0x00c0ffeeu;
	h.miner = 0xdeadbeefu;
	h.nonce = 0xf1e2d3c4b5a69788ull;
	return h;
}

static struct tx fake_tx(uint8_t fill)
{
	struct tx t;

	memset(&t, 0, sizeof t);
	memset(t.id, fill, sizeof t.id);
	t.id[0] = (uint8_t)(fill ^ 0x5a); /* not a constant vector */
	return t;
}

static void sha_pair(const uint8_t a[32], const uint8_t b[32], uint8_t out[32])
{
	uint8_t buf[64];

	memcpy(buf, a, 32);
	memcpy(buf + 32, b, 32);
	hash_sha256(buf, sizeof buf, out);
}

/* ---- header bytes ---- */

static void test_header_offsets(void)
{
	struct block_header h = sample_header();
	uint8_t b[POW_HEADER_SIZE];

	memset(b, 0xa5, sizeof b);
	block_header_encode(&h, b);
	g_assert_cmpuint(POW_HEADER_SIZE, ==, 96);
	g_assert_cmpuint(POW_NONCE_OFFSET, ==, 88);
	/* version: bytes 0..3, little-endian, the modelled flag at bit 16 */
	g_assert_cmphex(b[0], ==, 0x01);
	g_assert_cmphex(b[1], ==, 0x02);
	g_assert_cmphex(b[2], ==, 0x03 | 0x01);
	g_assert_cmphex(b[3], ==, 0x04);
	g_assert_cmphex(le_read(b + 0, 4), ==, h.version);
	/* height: 4..7 */
	g_assert_cmphex(b[4], ==, 0x0d);
	g_assert_cmphex(b[7], ==, 0x0a);
	g_assert_cmphex(le_read(b + 4, 4), ==, h.height);
	/* prev: 8..39 as is; merkle: 40..71 as is */
	g_assert_cmpmem(b + 8, 32, h.prev, 32);
	g_assert_cmpmem(b + 40, 32, h.merkle, 32);
	/* timestamp: 72..79 */
	g_assert_cmphex(b[72], ==, 0x88);
	g_assert_cmphex(b[79], ==, 0x11);
	g_assert_cmphex(le_read(b + 72, 8), ==, (uint64_t)h.timestamp);
	/* millizeros: 80..83; miner: 84..87 */
	g_assert_cmphex(le_read(b + 80, 4), ==, h.millizeros);
	g_assert_cmphex(b[80], ==, 0xee);
	g_assert_cmphex(le_read(b + 84, 4), ==, h.miner);
	g_assert_cmphex(b[84], ==, 0xef);
	/* nonce: 88..95, the last 8 bytes, in the second 64-byte chunk */
	g_assert_cmphex(b[88], ==, 0x88);
	g_assert_cmphex(b[95], ==, 0xf1);
	g_assert_cmphex(le_read(b + POW_NONCE_OFFSET, 8), ==, h.nonce);
	g_assert_cmpuint(POW_NONCE_OFFSET, >=, 64);
	g_assert_cmpuint(POW_NONCE_OFFSET + 8, ==, POW_HEADER_SIZE);
}

/* Changing one field changes only that field's bytes. */
static void test_header_field_isolation(void)
{
	struct block_header h = sample_header();
	uint8_t a[POW_HEADER_SIZE], b[POW_HEADER_SIZE];
	static const struct {
		int off, len;
	} fields[] = { { 0, 4 }, { 4, 4 }, { 8, 32 }, { 40, 32 }, { 72, 8 }, { 80, 4 }, { 84, 4 }, { 88, 8 } };

	block_header_encode(&h, a);
	for (size_t f = 0; f < G_N_ELEMENTS(fields); f++) {
		struct block_header g = h;
		switch (f) {
		case 0: g.version ^= 0x80000000u; break;
		case 1: g.height ^= 0x80000000u; break;
		case 2: g.prev[31] ^= 1; break;
		case 3: g.merkle[31] ^= 1; break;
		case 4: g.timestamp ^= (simtime_t)1 << 62; break;
		case 5: g.millizeros ^= 0x80000000u; break;
		case 6: g.miner ^= 0x80000000u; break;
		case 7: g.nonce ^= 1ull << 63; break;
		}
		block_header_encode(&g, b);
		for (int i = 0; i < POW_HEADER_SIZE; i++) {
			bool inside = i >= fields[f].off && i < fields[f].off + fields[f].len;
			if (!inside)
				g_assert_cmphex(a[i], ==, b[i]);
		}
		g_assert_cmpint(memcmp(a + fields[f].off, b + fields[f].off, (size_t)fields[f].len), !=, 0);
	}
}

static void test_header_round_trip(void)
{
	struct block_header h = sample_header(), d;
	uint8_t b[POW_HEADER_SIZE], b2[POW_HEADER_SIZE];

	block_header_encode(&h, b);
	memset(&d, 0x77, sizeof d);
	block_header_decode(b, &d);
	g_assert_cmphex(d.version, ==, h.version);
	g_assert_cmphex(d.height, ==, h.height);
	g_assert_cmpmem(d.prev, 32, h.prev, 32);
	g_assert_cmpmem(d.merkle, 32, h.merkle, 32);
	g_assert_cmpint(d.timestamp, ==, h.timestamp);
	g_assert_cmphex(d.millizeros, ==, h.millizeros);
	g_assert_cmphex(d.miner, ==, h.miner);
	g_assert_cmphex(d.nonce, ==, h.nonce);
	/* and bytes -> header -> bytes for arbitrary bytes */
	for (int i = 0; i < POW_HEADER_SIZE; i++)
		b[i] = (uint8_t)(i * 37 + 11);
	block_header_decode(b, &d);
	block_header_encode(&d, b2);
	g_assert_cmpmem(b, sizeof b, b2, sizeof b2);
}

/* ---- block hash ---- */

static void test_block_hash(void)
{
	struct block *g = block_genesis();
	struct block_header h = sample_header();
	uint8_t bytes[POW_HEADER_SIZE], want[32];

	h.version = BLOCK_VERSION;
	h.height = 1;
	memcpy(h.prev, g->hash, 32);
	h.millizeros = 1000;
	struct block *b = block_new(&h, g, NULL, 0, 5, POW_HEADER_SIZE);
	block_header_encode(&h, bytes);
	hash_sha256(bytes, sizeof bytes, want);
	g_assert_cmpmem(b->hash, 32, want, 32);
	/* the header is kept as given */
	g_assert_cmpmem(&b->h, sizeof b->h, &h, sizeof h);
	g_assert_true(b->parent == g);
	g_assert_cmpint(b->mined_at, ==, 5);
	g_assert_false(block_pow_modelled(b));

	/* the genesis hash too */
	block_header_encode(&g->h, bytes);
	hash_sha256(bytes, sizeof bytes, want);
	g_assert_cmpmem(g->hash, 32, want, 32);

	/* a nonce change changes the hash */
	h.nonce ^= 1;
	struct block *c = block_new(&h, g, NULL, 0, 5, POW_HEADER_SIZE);
	g_assert_cmpint(memcmp(b->hash, c->hash, 32), !=, 0);
	h.version |= BLOCK_FLAG_MODELLED;
	struct block *m = block_new(&h, g, NULL, 0, 5, POW_HEADER_SIZE);
	g_assert_true(block_pow_modelled(m));
	block_free(m);
	block_free(c);
	block_free(b);
	block_free(g);
	block_free(NULL);
}

/* ---- merkle ---- */

static void test_merkle_known(void)
{
	struct tx a = fake_tx(0x11), b = fake_tx(0x22), c = fake_tx(0x33), d = fake_tx(0x44);
	const struct tx *v[4] = { &a, &b, &c, &d };
	uint8_t root[32], zero[32] = { 0 }, ab[32], cc[32], cd[32], want[32];

	memset(root, 0xff, sizeof root);
	block_merkle(v, 0, root);
	g_assert_cmpmem(root, 32, zero, 32);

	block_merkle(v, 1, root);
	g_assert_cmpmem(root, 32, a.id, 32);

	block_merkle(v, 2, root);
	sha_pair(a.id, b.id, want);
	g_assert_cmpmem(root, 32, want, 32);

	/* 3: H(H(a||b) || H(c||c)), the odd last one duplicated */
	block_merkle(v, 3, root);
	sha_pair(a.id, b.id, ab);
	sha_pair(c.id, c.id, cc);
	sha_pair(ab, cc, want);
	g_assert_cmpmem(root, 32, want, 32);

	/* 4: H(H(a||b) || H(c||d)) */
	block_merkle(v, 4, root);
	sha_pair(c.id, d.id, cd);
	sha_pair(ab, cd, want);
	g_assert_cmpmem(root, 32, want, 32);

	/* order matters */
	const struct tx *w[2] = { &b, &a };
	block_merkle(w, 2, root);
	sha_pair(a.id, b.id, want);
	g_assert_cmpint(memcmp(root, want, 32), !=, 0);
}

/* A fixed vector: ids 00..00, 01..01, 02..02 (no helper involved). */
static void test_merkle_vector(void)
{
	struct tx t[3];
	const struct tx *v[3] = { &t[0], &t[1], &t[2] };
	uint8_t root[32], buf[64], l[32], r[32], want[32];

	for (int i = 0; i < 3; i++) {
		memset(&t[i], 0, sizeof t[i]);
		memset(t[i].id, i, 32);
	}
	memset(buf, 0, 32);
	memset(buf + 32, 1, 32);
	hash_sha256(buf, 64, l);
	memset(buf, 2, 64);
	hash_sha256(buf, 64, r);
	memcpy(buf, l, 32);
	memcpy(buf + 32, r, 32);
	hash_sha256(buf, 64, want);
	block_merkle(v, 3, root);
	g_assert_cmpmem(root, 32, want, 32);
}

/* block_new copies the tx array (not the txs). */
static void test_block_txs(void)
{
	struct block *g = block_genesis();
	struct tx a = fake_tx(1), b = fake_tx(2);
	const struct tx *v[2] = { &a, &b };
	struct block_header h = { .version = BLOCK_VERSION, .height = 1 };

	memcpy(h.prev, g->hash, 32);
	block_merkle(v, 2, h.merkle);
	struct block *x = block_new(&h, g, v, 2, 0, 96 + 2 * 133);
	v[0] = &b;
	g_assert_cmpuint(x->n_tx, ==, 2);
	g_assert_true(x->txs[0] == &a);
	g_assert_true(x->txs[1] == &b);
	g_assert_cmpuint(x->size, ==, 96 + 2 * 133);
	block_free(x);
	block_free(g);
}

/* ---- genesis ---- */

static void test_genesis(void)
{
	struct block *a = block_genesis(), *b = block_genesis();
	uint8_t zero[32] = { 0 };
	struct u256 target;

	g_assert_cmpmem(a->hash, 32, b->hash, 32);
	g_assert_cmpmem(&a->h, sizeof a->h, &b->h, sizeof b->h);
	/* Difficulty 0: its hash meets its target like every block's. */
	pow_target_from_millizeros(a->h.millizeros, &target);
	g_assert_true(pow_hash_meets(a->hash, &target));
	g_assert_cmpuint(a->h.height, ==, 0);
	g_assert_cmpmem(a->h.prev, 32, zero, 32);
	g_assert_cmpmem(a->h.merkle, 32, zero, 32);
	g_assert_cmpint(a->h.timestamp, ==, 0);
	g_assert_cmpuint(a->h.millizeros, ==, 0);
	g_assert_cmpuint(a->h.miner, ==, BLOCK_NO_MINER);
	g_assert_cmpuint(a->h.nonce, ==, 0);
	g_assert_cmpuint(a->h.version, ==, BLOCK_VERSION);
	g_assert_null(a->parent);
	g_assert_cmpuint(a->n_tx, ==, 0);
	g_assert_cmpfloat_with_epsilon(block_zeros(a), 0.0, 1e-12);
	block_free(a);
	block_free(b);
}

/* ---- work ---- */

static struct block *child(const struct block *p, uint32_t mz, uint64_t nonce)
{
	struct block_header h = { .version = BLOCK_VERSION, .height = p->h.height + 1,
				  .millizeros = mz, .nonce = nonce };

	memcpy(h.prev, p->hash, 32);
	return block_new(&h, p, NULL, 0, 0, 96);
}

static void test_work(void)
{
	/* z whole zeros: target 2^(256-4z), work floor(2^256/(target+1)) =
	 * 16^z - 1 for z >= 1 (2^256/(2^k+1) is just below 2^(256-k)). */
	struct block *g = block_genesis();
	struct block *b1 = child(g, 2000, 0);
	struct block *b2 = child(b1, 2000, 0);
	struct block *b3 = child(b2, 3000, 0);

	/* genesis has difficulty 0: target 2^256 - 1, work 1 */
	g_assert_cmpuint(g->work.w[3], ==, 1);
	g_assert_cmpuint(g->work.w[0] | g->work.w[1] | g->work.w[2], ==, 0);
	g_assert_cmpuint(g->chainwork.w[3], ==, 1);
	g_assert_cmpuint(b1->work.w[3], ==, 255);
	g_assert_cmpuint(b1->chainwork.w[3], ==, 1 + 255);
	g_assert_cmpuint(b2->chainwork.w[3], ==, 1 + 255 + 255);
	g_assert_cmpuint(b3->work.w[3], ==, 4095);
	g_assert_cmpuint(b3->chainwork.w[3], ==, 1 + 255 + 255 + 4095);

	/* for any difficulty, work is pow_work_from_target of its target and
	 * chainwork the parent's plus it */
	static const uint32_t mzs[] = { 0, 1, 250, 3500, 4750, 17333, 60000 };
	for (size_t i = 0; i < G_N_ELEMENTS(mzs); i++) {
		struct block *x = child(b3, mzs[i], i);
		struct u256 t, wk, cw;
		pow_target_from_millizeros(mzs[i], &t);
		pow_work_from_target(&t, &wk);
		g_assert_cmpmem(x->work.w, sizeof wk.w, wk.w, sizeof wk.w);
		u256_add(&cw, &b3->chainwork, &wk);
		g_assert_cmpmem(x->chainwork.w, sizeof cw.w, cw.w, sizeof cw.w);
		g_assert_cmpint(u256_cmp(&x->chainwork, &b3->chainwork), >, 0);
		block_free(x);
	}
	block_free(b3);
	block_free(b2);
	block_free(b1);
	block_free(g);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/block/header/offsets", test_header_offsets);
	g_test_add_func("/block/header/field-isolation", test_header_field_isolation);
	g_test_add_func("/block/header/round-trip", test_header_round_trip);
	g_test_add_func("/block/hash/sha256-of-header", test_block_hash);
	g_test_add_func("/block/merkle/known-answers", test_merkle_known);
	g_test_add_func("/block/merkle/vector", test_merkle_vector);
	g_test_add_func("/block/txs-copied", test_block_txs);
	g_test_add_func("/block/genesis/shared", test_genesis);
	g_test_add_func("/block/work/accumulates", test_work);
	return g_test_run();
}
