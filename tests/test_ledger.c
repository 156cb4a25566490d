/* Tests of ledger: block rules, persistent states, snapshots, reorgs. */
#include <string.h>

#include <glib.h>

#include "powsim/ledger.h"
#include "powsim/tx.h"

#include "testkit.h"

#define SEED 11
#define NACC 4
#define REWARD 50

static const uint64_t genesis_bal[NACC] = { 100, 50, 0, 0 };

/* Apply a block of the transfers TXS[0..N) with a correct coinbase to
 * MINER on PARENT; signatures are checked with K unless TRUST. */
static ledger_state_t *block_trust(ledger_state_t *parent, tx_keys_t *k,
				   bool trust, uint32_t miner,
				   const struct tx *txs, uint32_t n,
				   struct ledger_verdict *v)
{
	const struct tx *ptr[64];
	struct tx cb;
	uint64_t fees = 0;
	ledger_state_t *s;

	g_assert_cmpuint(n, <, 64);
	for (uint32_t i = 0; i < n; i++) {
		fees += txs[i].fee;
		ptr[i + 1] = &txs[i];
	}
	tx_coinbase(&cb, k, miner, REWARD + fees, ledger_height(parent) + 1, 0);
	ptr[0] = &cb;
	s = ledger_apply_block(parent, ptr, n + 1, REWARD, miner,
			       trust ? NULL : k, v);
	g_assert_true((s == NULL) == (v->code != LEDGER_OK));
	g_assert_cmpstr(v->reason, ==, ledger_reason(v->code));
	return s;
}

static ledger_state_t *block(ledger_state_t *parent, tx_keys_t *k,
			     uint32_t miner, const struct tx *txs, uint32_t n,
			     struct ledger_verdict *v)
{
	return block_trust(parent, k, false, miner, txs, n, v);
}

/* Apply a block that must be valid. */
static ledger_state_t *good(ledger_state_t *parent, tx_keys_t *k,
			    uint32_t miner, const struct tx *txs, uint32_t n)
{
	struct ledger_verdict v;
	ledger_state_t *s = block(parent, k, miner, txs, n, &v);

	g_assert_cmpstr(v.reason, ==, "ok");
	return s;
}

/* Apply a block that must fail with REASON at INDEX. */
static void bad(ledger_state_t *parent, tx_keys_t *k, const struct tx *txs,
		uint32_t n, const char *reason, uint32_t index)
{
	struct ledger_verdict v;

	g_assert_null(block(parent, k, 3, txs, n, &v));
	g_assert_cmpstr(v.reason, ==, reason);
	g_assert_cmpuint(v.index, ==, index);
}

static void assert_balances(const ledger_state_t *s, const uint64_t *want)
{
	for (uint32_t i = 0; i < ledger_accounts(s); i++)
		g_assert_cmpuint(ledger_balance(s, i), ==, want[i]);
}

static void test_genesis(void)
{
	ledger_state_t *g = ledger_genesis(NACC, genesis_bal);
	ledger_state_t *z = ledger_genesis(3, NULL);

	assert_balances(g, genesis_bal);
	g_assert_cmpuint(ledger_next_seq(g, 0), ==, 0);
	g_assert_cmpuint(ledger_height(g), ==, 0);
	g_assert_cmpuint(ledger_total(g), ==, 150);
	g_assert_true(ledger_is_snapshot(g));
	g_assert_cmpuint(ledger_total(z), ==, 0);
	ledger_unref(g);
	ledger_unref(z);
}

static void test_transfer(void)
{
	tx_keys_t *k = tx_keys_new(SEED, NACC);
	ledger_state_t *g = ledger_genesis(NACC, genesis_bal), *s1, *s2;
	struct tx t[2];
	static const uint64_t after1[NACC] = { 68, 50, 30, 52 };
	static const uint64_t after2[NACC] = { 68, 50, 19, 52 + 10 + REWARD + 1 };

	t[0] = transfer(k, 0, 2, 30, 2, 0);
	s1 = good(g, k, 3, t, 1);
	assert_balances(s1, after1);
	assert_balances(g, genesis_bal); /* the parent is untouched */
	g_assert_cmpuint(ledger_next_seq(s1, 0), ==, 1);
	g_assert_cmpuint(ledger_next_seq(s1, 2), ==, 0);
	g_assert_cmpuint(ledger_height(s1), ==, 1);
	/* Received funds are spendable in the next block; a transfer to
	 * oneself costs only the fee. */
	t[0] = transfer(k, 2, 3, 10, 1, 0);
	t[1] = transfer(k, 3, 3, 20, 0, 0);
	s2 = good(s1, k, 3, t, 2);
	assert_balances(s2, after2);
	g_assert_cmpuint(ledger_next_seq(s2, 3), ==, 1);
	g_assert_cmpuint(ledger_total(s2), ==, 150 + 2 * REWARD);
	ledger_unref(g); /* the children keep what they need */
	ledger_unref(s1);
	assert_balances(s2, after2);
	ledger_unref(s2);
	tx_keys_free(k);
}

static void test_overspend(void)
{
	tx_keys_t *k = tx_keys_new(SEED, NACC);
	ledger_state_t *g = ledger_genesis(NACC, genesis_bal), *s;
	struct tx t[2];
	struct ledger_verdict v;

	t[0] = transfer(k, 0, 1, 99, 2, 0);
	bad(g, k, t, 1, "overspend", 1);
	v = ledger_check_tx(g, &t[0], k);
	g_assert_cmpstr(v.reason, ==, "overspend");
	/* Exactly the balance is fine; then nothing is left. */
	t[0] = transfer(k, 0, 1, 98, 2, 0);
	s = good(g, k, 3, t, 1);
	g_assert_cmpuint(ledger_balance(s, 0), ==, 0);
	ledger_unref(s);
	/* Two spends that fit alone but not together. */
	t[0] = transfer(k, 1, 2, 30, 0, 0);
	t[1] = transfer(k, 1, 2, 30, 0, 1);
	bad(g, k, t, 2, "overspend", 2);
	/* The account that is yet to receive cannot spend first. */
	t[0] = transfer(k, 2, 3, 5, 0, 0);
	t[1] = transfer(k, 0, 2, 10, 0, 0);
	bad(g, k, t, 2, "overspend", 1);
	ledger_unref(g);
	tx_keys_free(k);
}

static void test_seq(void)
{
	tx_keys_t *k = tx_keys_new(SEED, NACC);
	ledger_state_t *g = ledger_genesis(NACC, genesis_bal), *s;
	struct tx t[2], first = transfer(k, 0, 1, 1, 0, 0);

	/* Skipping a number. */
	t[0] = transfer(k, 0, 1, 1, 0, 1);
	bad(g, k, t, 1, "bad-seq", 1);
	g_assert_cmpstr(ledger_check_tx(g, &t[0], k).reason, ==, "bad-seq");
	/* Replaying one already applied. */
	s = good(g, k, 3, &first, 1);
	bad(s, k, &first, 1, "bad-seq", 1);
	g_assert_cmpstr(ledger_check_tx(s, &first, k).reason, ==, "bad-seq");
	t[0] = transfer(k, 0, 1, 1, 0, 1);
	g_assert_cmpstr(ledger_check_tx(s, &t[0], k).reason, ==, "ok");
	/* The same transaction twice in one block. */
	t[0] = first;
	t[1] = first;
	bad(g, k, t, 2, "duplicate", 2);
	/* A double spend in one block: same seq, different payee. */
	t[1] = transfer(k, 0, 2, 1, 0, 0);
	bad(g, k, t, 2, "bad-seq", 2);
	ledger_unref(s);
	ledger_unref(g);
	tx_keys_free(k);
}

/* Apply [CB] + TXS on PARENT with the given miner: the verdict reason. */
static const char *raw(ledger_state_t *parent, tx_keys_t *k,
		       const struct tx *cb, const struct tx *txs, uint32_t n,
		       uint32_t miner)
{
	const struct tx *ptr[8] = { cb };
	uint32_t m = cb != NULL;
	struct ledger_verdict v;
	ledger_state_t *s;

	for (uint32_t i = 0; i < n; i++)
		ptr[m++] = &txs[i];
	s = ledger_apply_block(parent, ptr, m, REWARD, miner, k, &v);
	ledger_unref(s);
	return v.reason;
}

static void test_coinbase(void)
{
	tx_keys_t *k = tx_keys_new(SEED, NACC);
	ledger_state_t *g = ledger_genesis(NACC, genesis_bal);
	struct tx cb, t[2];

	t[0] = transfer(k, 0, 1, 10, 3, 0);
	tx_coinbase(&cb, k, 2, REWARD + 3, 1, 0);
	g_assert_cmpstr(raw(g, k, &cb, t, 1, 2), ==, "ok");
	g_assert_cmpstr(raw(g, k, &cb, t, 1, 1), ==, "bad-coinbase"); /* miner */
	tx_coinbase(&cb, k, 2, REWARD + 4, 1, 0); /* too much */
	g_assert_cmpstr(raw(g, k, &cb, t, 1, 2), ==, "bad-coinbase");
	tx_coinbase(&cb, k, 2, REWARD + 2, 1, 0); /* too little */
	g_assert_cmpstr(raw(g, k, &cb, t, 1, 2), ==, "bad-coinbase");
	tx_coinbase(&cb, k, 2, REWARD + 3, 2, 0); /* wrong height */
	g_assert_cmpstr(raw(g, k, &cb, t, 1, 2), ==, "bad-coinbase");
	tx_coinbase(&cb, k, 2, REWARD, 1, 0);
	cb.fee = 0;
	g_assert_cmpstr(raw(g, k, &cb, NULL, 0, 2), ==, "ok");
	cb.sig[5] = 1; /* a coinbase is not signed */
	tx_compute_id(&cb, k, cb.id);
	g_assert_cmpstr(raw(g, k, &cb, NULL, 0, 2), ==, "bad-coinbase");
	/* No coinbase, or one out of place. */
	g_assert_cmpstr(raw(g, k, NULL, t, 1, 2), ==, "bad-coinbase");
	g_assert_cmpstr(raw(g, k, NULL, NULL, 0, 2), ==, "bad-coinbase");
	tx_coinbase(&cb, k, 2, REWARD + 3, 1, 0);
	t[1] = cb;
	g_assert_cmpstr(raw(g, k, &cb, t, 2, 2), ==, "bad-coinbase");
	g_assert_cmpstr(ledger_check_tx(g, &cb, k).reason, ==, "bad-coinbase");
	ledger_unref(g);
	tx_keys_free(k);
}

static void test_signature(void)
{
	tx_keys_t *k = tx_keys_new(SEED, NACC);
	ledger_state_t *g = ledger_genesis(NACC, genesis_bal), *s;
	struct tx t = transfer(k, 0, 1, 10, 0, 0);
	struct ledger_verdict v;

	t.amount = 90; /* forged after signing, id recomputed */
	tx_compute_id(&t, k, t.id);
	bad(g, k, &t, 1, "bad-signature", 1);
	g_assert_cmpstr(ledger_check_tx(g, &t, k).reason, ==, "bad-signature");
	/* With KEYS = NULL the caller vouches for signatures. */
	g_assert_cmpstr(ledger_check_tx(g, &t, NULL).reason, ==, "ok");
	s = block_trust(g, k, true, 3, &t, 1, &v);
	g_assert_nonnull(s);
	g_assert_cmpuint(ledger_balance(s, 1), ==, 140);
	ledger_unref(s);
	ledger_unref(g);
	tx_keys_free(k);
}

static void test_amounts(void)
{
	tx_keys_t *k = tx_keys_new(SEED, NACC);
	uint64_t rich[NACC] = { UINT64_MAX - 50, 100, 100, 0 };
	ledger_state_t *g = ledger_genesis(NACC, rich);
	struct tx t;

	/* amount + fee wraps around. */
	t = transfer(k, 1, 2, UINT64_MAX, 1, 0);
	bad(g, k, &t, 1, "bad-amount", 1);
	g_assert_cmpstr(ledger_check_tx(g, &t, k).reason, ==, "bad-amount");
	t = transfer(k, 1, 2, 2, UINT64_MAX - 1, 0);
	g_assert_cmpstr(ledger_check_tx(g, &t, k).reason, ==, "bad-amount");
	/* The recipient's balance would wrap. */
	t = transfer(k, 1, 0, 100, 0, 0);
	bad(g, k, &t, 1, "bad-amount", 1);
	/* Unknown accounts. */
	t = transfer(k, 1, 2, 1, 0, 0);
	t.recipient = NACC;
	g_assert_cmpstr(ledger_check_tx(g, &t, NULL).reason, ==, "bad-account");
	ledger_unref(g);
	tx_keys_free(k);
}

static void test_view(void)
{
	tx_keys_t *k = tx_keys_new(SEED, NACC);
	ledger_state_t *g = ledger_genesis(NACC, genesis_bal);
	ledger_view_t *v = ledger_view_new(g);
	struct tx a = transfer(k, 0, 2, 60, 0, 0);
	struct tx b = transfer(k, 0, 2, 60, 0, 1);
	struct tx c = transfer(k, 2, 3, 60, 0, 0);

	g_assert_cmpstr(ledger_view_apply(v, &c, k).reason, ==, "overspend");
	g_assert_cmpstr(ledger_view_apply(v, &a, k).reason, ==, "ok");
	g_assert_cmpstr(ledger_view_apply(v, &b, k).reason, ==, "overspend");
	g_assert_cmpuint(ledger_view_next_seq(v, 0), ==, 1); /* unchanged */
	g_assert_cmpstr(ledger_view_apply(v, &c, k).reason, ==, "ok");
	g_assert_cmpuint(ledger_view_balance(v, 0), ==, 40);
	g_assert_cmpuint(ledger_view_balance(v, 2), ==, 0);
	g_assert_cmpuint(ledger_view_balance(v, 3), ==, 60);
	assert_balances(g, genesis_bal);
	ledger_unref(g); /* the view holds its own reference */
	g_assert_cmpuint(ledger_view_balance(v, 1), ==, 50);
	ledger_view_free(v);
	tx_keys_free(k);
}

/* Two branches from one parent: independent states; after the switch,
 * what was valid only on the loser is judged against the winner's tip. */
static void test_reorg(void)
{
	tx_keys_t *k = tx_keys_new(SEED, NACC);
	ledger_state_t *g = ledger_genesis(NACC, genesis_bal), *p, *a1, *b1, *b2;
	struct tx pre = transfer(k, 1, 3, 10, 0, 0);
	struct tx x = transfer(k, 0, 2, 70, 1, 0);  /* on A only */
	struct tx y = transfer(k, 1, 2, 20, 1, 1);  /* on A only */
	struct tx z = transfer(k, 0, 3, 80, 1, 0);  /* on B: conflicts with x */
	struct tx ax[2] = { x, y };
	static const uint64_t at_p[NACC] = { 100, 40, 0, 10 + REWARD };
	static const uint64_t at_a1[NACC] = { 29, 19, 90, 10 + 2 * REWARD + 2 };
	static const uint64_t at_b1[NACC] = { 19, 40, 0, 10 + 2 * REWARD + 81 };
	ledger_state_t *tips[2];

	p = good(g, k, 3, &pre, 1);
	a1 = good(p, k, 3, ax, 2);
	b1 = good(p, k, 3, &z, 1);
	b2 = good(b1, k, 1, NULL, 0);
	assert_balances(p, at_p);
	assert_balances(a1, at_a1);
	assert_balances(b1, at_b1);
	g_assert_cmpuint(ledger_next_seq(a1, 0), ==, 1);
	g_assert_cmpuint(ledger_next_seq(b1, 1), ==, 1);
	/* The winner B2 (height 3 > 2): y returns to the pool and is still
	 * valid there; x spends seq 0 of account 0, which z used. */
	g_assert_cmpstr(ledger_check_tx(b2, &y, k).reason, ==, "ok");
	g_assert_cmpstr(ledger_check_tx(b2, &x, k).reason, ==, "bad-seq");
	/* A block built on B2 with y is fine; with x it is not. */
	tips[0] = good(b2, k, 2, &y, 1);
	bad(b2, k, &x, 1, "bad-seq", 1);
	tips[1] = good(a1, k, 2, NULL, 0); /* A still extends on its own */
	assert_balances(a1, at_a1);
	g_assert_cmpuint(ledger_total(tips[0]), ==, 150 + 4 * REWARD);
	g_assert_cmpuint(ledger_total(tips[1]), ==, 150 + 3 * REWARD);
	ledger_unref(g);
	ledger_unref(p);
	ledger_unref(a1);
	ledger_unref(b1);
	ledger_unref(b2);
	ledger_unref(tips[0]);
	ledger_unref(tips[1]);
	tx_keys_free(k);
}

#define LONG 200

/* Blocks past several snapshot boundaries, every state kept and checked
 * against a plain model afterwards; then a fork at a boundary. */
static void test_snapshots(void)
{
	tx_keys_t *k = tx_keys_new(SEED, NACC);
	ledger_state_t *st[LONG + 1], *fa, *fb;
	uint64_t model[LONG + 1][NACC];
	uint32_t seq[NACC] = { 0 };
	struct tx t;

	st[0] = ledger_genesis(NACC, genesis_bal);
	memcpy(model[0], genesis_bal, sizeof model[0]);
	for (uint32_t h = 1; h <= LONG; h++) {
		uint32_t from = h % NACC, to = (h * 7 + 1) % NACC;
		uint64_t amount = model[h - 1][from] / 3;
		uint64_t fee = model[h - 1][from] > 0;

		memcpy(model[h], model[h - 1], sizeof model[h]);
		t = transfer(k, from, to, amount, fee, seq[from]++);
		g_assert_cmpuint(model[h][from], >=, amount + fee);
		model[h][from] -= amount + fee;
		model[h][to] += amount;
		model[h][h % 3] += REWARD + fee;
		st[h] = good(st[h - 1], k, h % 3, &t, 1);
		g_assert_cmpuint(ledger_height(st[h]), ==, h);
		g_assert_true(ledger_is_snapshot(st[h]) ==
			      (h % LEDGER_SNAPSHOT_EVERY == 0));
	}
	for (uint32_t h = 0; h <= LONG; h++) {
		assert_balances(st[h], model[h]);
		g_assert_cmpuint(ledger_total(st[h]), ==, 150 + h * REWARD);
	}
	for (uint32_t a = 0; a < NACC; a++)
		g_assert_cmpuint(ledger_next_seq(st[LONG], a), ==, seq[a]);
	/* Two children of the last delta before a boundary. */
	fa = good(st[2 * LEDGER_SNAPSHOT_EVERY - 1], k, 0, NULL, 0);
	fb = good(st[2 * LEDGER_SNAPSHOT_EVERY - 1], k, 1, NULL, 0);
	g_assert_true(ledger_is_snapshot(fa) && ledger_is_snapshot(fb));
	g_assert_cmpuint(ledger_balance(fa, 0), ==,
			 model[2 * LEDGER_SNAPSHOT_EVERY - 1][0] + REWARD);
	g_assert_cmpuint(ledger_balance(fb, 0), ==,
			 model[2 * LEDGER_SNAPSHOT_EVERY - 1][0]);
	/* Free in a scrambled order; the sanitizer checks the rest. */
	for (uint32_t h = 0; h <= LONG; h++)
		ledger_unref(st[(h * 37) % (LONG + 1)]);
	g_assert_cmpuint(ledger_balance(fa, 1), ==,
			 model[2 * LEDGER_SNAPSHOT_EVERY - 1][1]);
	ledger_unref(fa);
	ledger_unref(fb);
	tx_keys_free(k);
}

/* Random transfers, some out of sequence or too large, against a model:
 * the verdicts agree, balances never wrap, the supply is conserved. */
static void test_random(void)
{
	tx_keys_t *k = tx_keys_new(SEED, NACC);
	ledger_state_t *s = ledger_genesis(NACC, genesis_bal);
	GRand *r = g_rand_new_with_seed(12345);
	uint64_t bal[NACC];
	uint32_t seq[NACC] = { 0 };

	memcpy(bal, genesis_bal, sizeof bal);
	for (uint32_t h = 1; h <= 150; h++) {
		ledger_view_t *v = ledger_view_new(s);
		struct tx txs[8];
		uint32_t n = 0, miner = (uint32_t)g_rand_int_range(r, 0, NACC);
		uint64_t fees = 0;
		ledger_state_t *next;

		for (int i = 0; i < 8; i++) {
			uint32_t from = (uint32_t)g_rand_int_range(r, 0, NACC);
			uint32_t to = (uint32_t)g_rand_int_range(r, 0, NACC);
			uint64_t amount = (uint64_t)g_rand_int_range(
				r, 0, (gint32)(bal[from] * 3 / 2 + 2));
			uint64_t fee = (uint64_t)g_rand_int_range(r, 0, 3);
			uint32_t sq = seq[from] + (g_rand_int_range(r, 0, 8) == 0);
			const char *want = sq != seq[from] ? "bad-seq"
					 : amount + fee > bal[from] ? "overspend"
					 : "ok";

			txs[n] = transfer(k, from, to, amount, fee, sq);
			g_assert_cmpstr(ledger_view_apply(v, &txs[n], NULL).reason,
					==, want);
			if (strcmp(want, "ok") != 0)
				continue;
			bal[from] -= amount + fee;
			bal[to] += amount;
			seq[from]++;
			fees += fee;
			n++;
		}
		bal[miner] += REWARD + fees;
		next = good(s, k, miner, txs, n);
		ledger_view_free(v);
		ledger_unref(s);
		s = next;
		assert_balances(s, bal);
		g_assert_cmpuint(ledger_total(s), ==, 150 + h * REWARD);
	}
	ledger_unref(s);
	g_rand_free(r);
	tx_keys_free(k);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ledger/genesis", test_genesis);
	g_test_add_func("/ledger/transfer", test_transfer);
	g_test_add_func("/ledger/overspend", test_overspend);
	g_test_add_func("/ledger/seq", test_seq);
	g_test_add_func("/ledger/coinbase", test_coinbase);
	g_test_add_func("/ledger/signature", test_signature);
	g_test_add_func("/ledger/amounts", test_amounts);
	g_test_add_func("/ledger/view", test_view);
	g_test_add_func("/ledger/reorg", test_reorg);
	g_test_add_func("/ledger/snapshots", test_snapshots);
	g_test_add_func("/ledger/random", test_random);
	return g_test_run();
}
