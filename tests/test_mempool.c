/* Tests of mempool: order, capacity, dedup, selection, revalidation. */
#include <string.h>

#include <glib.h>

#include "powsim/ledger.h"
#include "powsim/mempool.h"
#include "powsim/tx.h"

#include "testkit.h"

#define SEED 5
#define NACC 4
#define REWARD 50

static const uint64_t genesis_bal[NACC] = { 100, 50, 0, 0 };

struct fixture {
	tx_keys_t *k;
	ledger_state_t *g;
};

static void fx_init(struct fixture *f)
{
	f->k = tx_keys_new(SEED, NACC);
	f->g = ledger_genesis(NACC, genesis_bal);
}

static void fx_clear(struct fixture *f)
{
	ledger_unref(f->g);
	tx_keys_free(f->k);
}

/* Add T (checked on TIP, may be NULL); returns the reason. */
static const char *add(mempool_t *mp, const struct tx *t,
		       const ledger_state_t *tip)
{
	struct mempool_verdict v = mempool_add(mp, t, tip);

	mempool_check(mp);
	return v.reason;
}

/* The pool's order must be exactly WANT[0..N). */
static void assert_order(const mempool_t *mp, const struct tx *const *want,
			 uint32_t n)
{
	const struct tx *got[16];

	g_assert_cmpuint(mempool_size(mp), ==, n);
	g_assert_cmpuint(mempool_list(mp, got, 16), ==, n);
	for (uint32_t i = 0; i < n; i++)
		g_assert_true(got[i] == want[i]);
}

static void test_order(void)
{
	struct fixture f;
	struct tx t[4];
	mempool_t *fifo = mempool_new(MEMPOOL_ARRIVAL, 0);
	mempool_t *fee = mempool_new(MEMPOOL_FEE, 0);

	fx_init(&f);
	t[0] = transfer(f.k, 0, 1, 1, 2, 0);
	t[1] = transfer(f.k, 1, 2, 1, 5, 0);
	t[2] = transfer(f.k, 2, 3, 1, 2, 0);
	t[3] = transfer(f.k, 3, 0, 1, 9, 0);
	for (int i = 0; i < 4; i++) {
		g_assert_cmpstr(add(fifo, &t[i], NULL), ==, "added");
		g_assert_cmpstr(add(fee, &t[i], NULL), ==, "added");
	}
	assert_order(fifo, (const struct tx *[]){ &t[0], &t[1], &t[2], &t[3] }, 4);
	/* Highest fee first, equal fees by arrival. */
	assert_order(fee, (const struct tx *[]){ &t[3], &t[1], &t[0], &t[2] }, 4);
	g_assert_true(mempool_get(fee, t[2].id) == &t[2]);
	g_assert_true(mempool_remove(fee, t[1].id));
	g_assert_false(mempool_remove(fee, t[1].id));
	g_assert_null(mempool_get(fee, t[1].id));
	mempool_check(fee);
	assert_order(fee, (const struct tx *[]){ &t[3], &t[0], &t[2] }, 3);
	mempool_free(fifo);
	mempool_free(fee);
	fx_clear(&f);
}

static void test_dedup(void)
{
	struct fixture f;
	struct tx a, copy, other;
	mempool_t *mp = mempool_new(MEMPOOL_ARRIVAL, 0);

	fx_init(&f);
	a = transfer(f.k, 0, 1, 10, 1, 0);
	copy = a; /* same id, another copy in memory */
	other = transfer(f.k, 0, 2, 10, 1, 0); /* same sender and seq */
	g_assert_cmpstr(add(mp, &a, f.g), ==, "added");
	g_assert_cmpstr(add(mp, &a, f.g), ==, "duplicate");
	g_assert_cmpstr(add(mp, &copy, f.g), ==, "duplicate");
	g_assert_cmpstr(add(mp, &other, f.g), ==, "conflict");
	g_assert_cmpuint(mempool_size(mp), ==, 1);
	/* Once A is gone, the other may come in. */
	g_assert_true(mempool_remove(mp, a.id));
	g_assert_cmpstr(add(mp, &other, f.g), ==, "added");
	mempool_free(mp);
	fx_clear(&f);
}

/* A pool that never held a transaction answers every query as empty
 * (it makes its tables only at the first add), and then works as any. */
static void test_empty(void)
{
	struct fixture f;
	fx_init(&f);
	mempool_t *mp = mempool_new(MEMPOOL_ARRIVAL, 0);
	uint8_t id[HASH_SIZE] = { 0 };
	const struct tx *out[4];
	uint32_t drops[LEDGER_N_CODES] = { 0 };

	mempool_check(mp);
	g_assert_cmpuint(mempool_size(mp), ==, 0);
	g_assert_null(mempool_get(mp, id));
	g_assert_false(mempool_remove(mp, id));
	g_assert_false(mempool_holds_seq(mp, 0, 0));
	g_assert_cmpuint(mempool_list(mp, out, 4), ==, 0);
	g_assert_cmpuint(mempool_select(mp, f.g, 4, out), ==, 0);
	g_assert_cmpuint(mempool_revalidate(mp, f.g, drops, NULL, NULL), ==, 0);
	mempool_free(mp); /* never used: nothing but the pool to free */

	mp = mempool_new(MEMPOOL_ARRIVAL, 0);
	struct tx t = transfer(f.k, 0, 1, 10, 0, 0);
	g_assert_cmpstr(add(mp, &t, f.g), ==, "added");
	g_assert_cmpuint(mempool_size(mp), ==, 1);
	g_assert_true(mempool_get(mp, t.id) == &t);
	g_assert_true(mempool_holds_seq(mp, t.sender, t.seq));
	g_assert_cmpuint(mempool_list(mp, out, 4), ==, 1);
	mempool_free(mp);
	fx_clear(&f);
}

static void test_admission(void)
{
	struct fixture f;
	struct tx t[5];
	mempool_t *mp = mempool_new(MEMPOOL_ARRIVAL, 0);
	struct mempool_verdict v;
	ledger_state_t *s;
	struct tx cb;
	const struct tx *blk[2];
	struct ledger_verdict lv;

	fx_init(&f);
	t[0] = transfer(f.k, 0, 1, 10, 0, 0);
	tx_coinbase(&cb, f.k, 3, REWARD, 1, 0);
	blk[0] = &cb;
	blk[1] = &t[0];
	s = ledger_apply_block(f.g, blk, 2, REWARD, 3, f.k, &lv);
	g_assert_nonnull(s);
	t[1] = transfer(f.k, 0, 1, 10, 0, 0);  /* seq 0 again, other id */
	t[1].amount = 11;
	tx_sign(&t[1], f.k);
	t[2] = transfer(f.k, 0, 1, 91, 0, 1);  /* 90 left after the block */
	t[3] = transfer(f.k, 0, 1, 5, 0, 4);   /* ahead of its sender: kept */
	t[4] = transfer(f.k, 2, 1, 1, 0, 0);   /* account 2 owns nothing */
	v = mempool_add(mp, &t[1], s);
	g_assert_cmpint(v.code, ==, MEMPOOL_INVALID);
	g_assert_cmpint(v.ledger, ==, LEDGER_BAD_SEQ);
	g_assert_cmpstr(v.reason, ==, "bad-seq");
	g_assert_cmpstr(add(mp, &t[2], s), ==, "overspend");
	g_assert_cmpstr(add(mp, &t[3], s), ==, "added");
	g_assert_cmpstr(add(mp, &t[4], s), ==, "overspend");
	g_assert_cmpstr(add(mp, &cb, s), ==, "bad-coinbase");
	g_assert_cmpstr(add(mp, &t[4], NULL), ==, "added"); /* unchecked */
	g_assert_cmpuint(mempool_size(mp), ==, 2);
	ledger_unref(s);
	mempool_free(mp);
	fx_clear(&f);
}

static void test_capacity(void)
{
	struct fixture f;
	struct tx t[5];
	mempool_t *fifo = mempool_new(MEMPOOL_ARRIVAL, 2);
	mempool_t *fee = mempool_new(MEMPOOL_FEE, 2);
	struct mempool_verdict v;

	fx_init(&f);
	t[0] = transfer(f.k, 0, 1, 1, 3, 0);
	t[1] = transfer(f.k, 1, 2, 1, 3, 0);
	t[2] = transfer(f.k, 2, 3, 1, 3, 0);
	t[3] = transfer(f.k, 3, 0, 1, 4, 0);
	t[4] = transfer(f.k, 0, 1, 1, 1, 1);
	/* FIFO: a full pool refuses, whatever the fee. */
	g_assert_cmpstr(add(fifo, &t[0], NULL), ==, "added");
	g_assert_cmpstr(add(fifo, &t[1], NULL), ==, "added");
	g_assert_cmpstr(add(fifo, &t[3], NULL), ==, "mempool-full");
	assert_order(fifo, (const struct tx *[]){ &t[0], &t[1] }, 2);
	/* Fee order: an equal fee is refused; a higher one evicts the
	 * lowest, latest arrival among equals. */
	g_assert_cmpstr(add(fee, &t[0], NULL), ==, "added");
	g_assert_cmpstr(add(fee, &t[1], NULL), ==, "added");
	v = mempool_add(fee, &t[2], NULL);
	g_assert_cmpint(v.code, ==, MEMPOOL_FULL);
	g_assert_null(v.evicted);
	g_assert_cmpstr(add(fee, &t[4], NULL), ==, "mempool-full");
	v = mempool_add(fee, &t[3], NULL);
	mempool_check(fee);
	g_assert_cmpstr(v.reason, ==, "added");
	g_assert_true(v.evicted == &t[1]);
	assert_order(fee, (const struct tx *[]){ &t[3], &t[0] }, 2);
	mempool_free(fifo);
	mempool_free(fee);
	fx_clear(&f);
}

/* Apply TXS as a block mined by 3 on PARENT; must be valid. */
static ledger_state_t *mine(struct fixture *f, ledger_state_t *parent,
			    const struct tx *const *txs, uint32_t n,
			    struct tx *cb)
{
	const struct tx *blk[17];
	uint64_t fees = 0;
	struct ledger_verdict v;
	ledger_state_t *s;

	g_assert_cmpuint(n, <, G_N_ELEMENTS(blk));
	for (uint32_t i = 0; i < n; i++) {
		fees += txs[i]->fee;
		blk[i + 1] = txs[i];
	}
	tx_coinbase(cb, f->k, 3, REWARD + fees, ledger_height(parent) + 1, 0);
	blk[0] = cb;
	s = ledger_apply_block(parent, blk, n + 1, REWARD, 3, f->k, &v);
	g_assert_cmpstr(v.reason, ==, "ok");
	return s;
}

/* Whether OUT[0..N) applies as a block on TIP. */
static void assert_block_valid(struct fixture *f, ledger_state_t *tip,
			       const struct tx **out, uint32_t n)
{
	struct tx cb;

	ledger_unref(mine(f, tip, out, n, &cb));
}

static void test_select_seq(void)
{
	struct fixture f;
	struct tx t[6];
	mempool_t *fifo = mempool_new(MEMPOOL_ARRIVAL, 0);
	mempool_t *fee = mempool_new(MEMPOOL_FEE, 0);
	const struct tx *out[16];
	uint32_t n;

	fx_init(&f);
	t[0] = transfer(f.k, 0, 1, 10, 1, 2);  /* arrives first, seq 2 */
	t[1] = transfer(f.k, 0, 1, 10, 9, 1);  /* high fee, seq 1 */
	t[2] = transfer(f.k, 0, 2, 30, 1, 0);  /* seq 0, funds account 2 */
	t[3] = transfer(f.k, 2, 3, 25, 2, 0);  /* spends pending funds */
	t[4] = transfer(f.k, 1, 3, 40, 5, 0);
	t[5] = transfer(f.k, 1, 3, 40, 5, 1);  /* 1 cannot afford both */
	for (int i = 0; i < 6; i++) {
		const char *want = i == 3 ? "overspend" : "added";

		g_assert_cmpstr(add(fifo, &t[i], f.g), ==, want);
		g_assert_cmpstr(add(fee, &t[i], f.g), ==, want);
	}
	/* Arrival: seq 2 and 1 wait for seq 0, then follow it at once;
	 * balances run on (t5 no longer fits after t4). */
	n = mempool_select(fifo, f.g, 16, out);
	g_assert_cmpuint(n, ==, 4);
	g_assert_true(out[0] == &t[2] && out[1] == &t[1] && out[2] == &t[0]);
	g_assert_true(out[3] == &t[4]);
	assert_block_valid(&f, f.g, out, n);
	/* Fee order t1 t4 t5 t0 t2: t1 waits, t4 is taken, t5 does not fit,
	 * t0 waits, t2 is taken and pulls t1 and t0 behind it. */
	n = mempool_select(fee, f.g, 16, out);
	g_assert_cmpuint(n, ==, 4);
	g_assert_true(out[0] == &t[4] && out[1] == &t[2]);
	g_assert_true(out[2] == &t[1] && out[3] == &t[0]);
	assert_block_valid(&f, f.g, out, n);
	/* MAX bounds the template, even inside a chain of successors. */
	n = mempool_select(fifo, f.g, 2, out);
	g_assert_cmpuint(n, ==, 2);
	g_assert_true(out[0] == &t[2] && out[1] == &t[1]);
	assert_block_valid(&f, f.g, out, n);
	g_assert_cmpuint(mempool_select(fifo, f.g, 0, out), ==, 0);
	/* Selection leaves the pool as it was. */
	g_assert_cmpuint(mempool_size(fifo), ==, 5);
	mempool_check(fifo);
	mempool_free(fifo);
	mempool_free(fee);
	fx_clear(&f);
}

struct drop_log {
	const struct tx *t[8];
	enum ledger_code why[8];
	uint32_t n;
};

static void log_drop(void *ctx, const struct tx *t, enum ledger_code why)
{
	struct drop_log *d = ctx;

	g_assert_cmpuint(d->n, <, 8);
	d->t[d->n] = t;
	d->why[d->n++] = why;
}

/* A block confirms some pending transactions; the pool forgets them and
 * drops what conflicts, keeps what is still valid or ahead. */
static void test_revalidate(void)
{
	struct fixture f;
	struct tx t[5], cb;
	mempool_t *mp = mempool_new(MEMPOOL_ARRIVAL, 0);
	ledger_state_t *s;
	uint32_t drops[LEDGER_N_CODES] = { 0 };
	struct drop_log log = { .n = 0 };
	const struct tx *in_block[2];

	fx_init(&f);
	t[0] = transfer(f.k, 0, 1, 10, 1, 0);
	t[1] = transfer(f.k, 0, 2, 10, 1, 0);  /* conflicts with t0 */
	t[2] = transfer(f.k, 1, 2, 45, 1, 0);  /* fine now */
	t[3] = transfer(f.k, 0, 3, 5, 1, 1);   /* follows t1 */
	t[4] = transfer(f.k, 1, 3, 1, 0, 3);   /* far ahead: kept */
	g_assert_cmpstr(add(mp, &t[1], f.g), ==, "added");
	g_assert_cmpstr(add(mp, &t[2], f.g), ==, "added");
	g_assert_cmpstr(add(mp, &t[3], f.g), ==, "added");
	g_assert_cmpstr(add(mp, &t[4], f.g), ==, "added");
	/* Another miner's block has t0 (so t1 loses) and spends 1's funds. */
	in_block[0] = &t[0];
	in_block[1] = &t[2];
	s = mine(&f, f.g, in_block, 2, &cb);
	g_assert_cmpuint(mempool_remove_block(mp, (const struct tx *[]){ &cb,
					      &t[0], &t[2] }, 3), ==, 1);
	mempool_check(mp);
	g_assert_cmpuint(mempool_revalidate(mp, s, drops, log_drop, &log), ==,
			 1);
	mempool_check(mp);
	g_assert_cmpuint(drops[LEDGER_BAD_SEQ], ==, 1);
	g_assert_cmpuint(log.n, ==, 1);
	g_assert_true(log.t[0] == &t[1]);
	g_assert_cmpint(log.why[0], ==, LEDGER_BAD_SEQ);
	/* t3 (seq 1 of account 0) is now next in line; t4 still ahead. */
	assert_order(mp, (const struct tx *[]){ &t[3], &t[4] }, 2);
	/* An unaffordable one is dropped as overspend. */
	t[2] = transfer(f.k, 1, 3, 14, 1, 1); /* 1 has 14 left: 15 > 14 */
	g_assert_cmpstr(add(mp, &t[2], NULL), ==, "added");
	g_assert_cmpuint(mempool_revalidate(mp, s, drops, NULL, NULL), ==, 1);
	g_assert_cmpuint(drops[LEDGER_OVERSPEND], ==, 1);
	g_assert_null(mempool_get(mp, t[2].id));
	ledger_unref(s);
	mempool_free(mp);
	fx_clear(&f);
}

/* Branches A and B from P. The node followed A, whose block held x and
 * y; B (with z, spending x's seq) wins. x and y return to the pool; after
 * revalidation against B's tip, y remains and x is gone. */
static void test_reorg(void)
{
	struct fixture f;
	struct tx x, y, z, w, cb[3];
	mempool_t *mp = mempool_new(MEMPOOL_FEE, 0);
	ledger_state_t *a1, *b1, *b2;
	uint32_t drops[LEDGER_N_CODES] = { 0 };
	const struct tx *out[4];

	fx_init(&f);
	x = transfer(f.k, 0, 2, 70, 1, 0);
	y = transfer(f.k, 1, 2, 20, 1, 0);
	z = transfer(f.k, 0, 3, 80, 1, 0);
	w = transfer(f.k, 1, 3, 5, 1, 1); /* y's successor, still pending */
	a1 = mine(&f, f.g, (const struct tx *[]){ &x, &y }, 2, &cb[0]);
	b1 = mine(&f, f.g, (const struct tx *[]){ &z }, 1, &cb[1]);
	b2 = mine(&f, b1, NULL, 0, &cb[2]);
	g_assert_cmpstr(add(mp, &w, a1), ==, "added");
	/* The switch: A's transactions come back, then revalidate. */
	g_assert_cmpstr(add(mp, &x, NULL), ==, "added");
	g_assert_cmpstr(add(mp, &y, NULL), ==, "added");
	g_assert_cmpuint(mempool_remove_block(mp, (const struct tx *[]){
					      &cb[1], &z }, 2), ==, 0);
	g_assert_cmpuint(mempool_revalidate(mp, b2, drops, NULL, NULL), ==, 1);
	g_assert_cmpuint(drops[LEDGER_BAD_SEQ], ==, 1);
	g_assert_null(mempool_get(mp, x.id));
	g_assert_nonnull(mempool_get(mp, y.id));
	/* The next template on B: y then its successor w. */
	g_assert_cmpuint(mempool_select(mp, b2, 4, out), ==, 2);
	g_assert_true(out[0] == &y && out[1] == &w);
	assert_block_valid(&f, b2, out, 2);
	ledger_unref(a1);
	ledger_unref(b1);
	ledger_unref(b2);
	mempool_free(mp);
	fx_clear(&f);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/mempool/empty", test_empty);
	g_test_add_func("/mempool/order", test_order);
	g_test_add_func("/mempool/dedup", test_dedup);
	g_test_add_func("/mempool/admission", test_admission);
	g_test_add_func("/mempool/capacity", test_capacity);
	g_test_add_func("/mempool/select-seq", test_select_seq);
	g_test_add_func("/mempool/revalidate", test_revalidate);
	g_test_add_func("/mempool/reorg", test_reorg);
	return g_test_run();
}
