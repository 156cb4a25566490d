/* Tests of tx: wire layout, signing, verification, ids, key table. */
#include <string.h>

#include <glib.h>

#include "powsim/hash.h"
#include "powsim/tx.h"
#include "powsim/wallet.h"

#include "testkit.h"

#define SEED 2024
#define N 5

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void test_layout(void)
{
	tx_keys_t *k = tx_keys_new(SEED, N);
	struct tx t = transfer(k, 1, 3, 0x0102030405060708ull, 0x1122, 0xa0b0c0d);
	uint8_t buf[TX_WIRE_SIZE], msg[TX_MSG_SIZE], id[32];

	g_assert_cmpuint(TX_WIRE_SIZE, ==, 1 + 32 + 16 + 8 + 8 + 4 + 64);
	g_assert_cmpuint(tx_wire_size(&t), ==, 133);
	tx_encode(&t, k, buf);
	g_assert_cmpuint(buf[0], ==, TX_VERSION);
	g_assert_cmpmem(buf + 1, 32, wallet_pubkey(tx_keys_wallet(k, 1)), 32);
	g_assert_cmpmem(buf + 33, 16, wallet_address(tx_keys_wallet(k, 3)), 16);
	g_assert_cmpuint(le(buf + 49, 8), ==, 0x0102030405060708ull);
	g_assert_cmpuint(buf[49], ==, 0x08); /* little-endian */
	g_assert_cmpuint(le(buf + 57, 8), ==, 0x1122);
	g_assert_cmpuint(le(buf + 65, 4), ==, 0xa0b0c0d);
	g_assert_cmpmem(buf + 69, 64, t.sig, 64);
	/* The message is the first 69 bytes; the id hashes all 133. */
	tx_message(&t, k, msg);
	g_assert_cmpmem(msg, sizeof msg, buf, TX_MSG_SIZE);
	g_assert_true(wallet_verify(buf + 1, msg, sizeof msg, t.sig));
	hash_sha256(buf, sizeof buf, id);
	g_assert_cmpmem(id, 32, t.id, 32);
	tx_keys_free(k);
}

static void test_roundtrip(void)
{
	tx_keys_t *k = tx_keys_new(SEED, N);
	struct tx t = transfer(k, 4, 0, 777, 3, 9), u, cb;
	t.created = 12345; /* bookkeeping: neither signed nor sent */
	uint8_t buf[TX_WIRE_SIZE];

	tx_encode(&t, k, buf);
	g_assert_true(tx_decode(buf, sizeof buf, k, &u));
	g_assert_cmpuint(u.sender, ==, 4);
	g_assert_cmpuint(u.recipient, ==, 0);
	g_assert_cmpuint(u.amount, ==, 777);
	g_assert_cmpuint(u.fee, ==, 3);
	g_assert_cmpuint(u.seq, ==, 9);
	g_assert_cmpint(u.created, ==, 0); /* not on the wire */
	g_assert_cmpmem(u.sig, 64, t.sig, 64);
	g_assert_cmpmem(u.id, 32, t.id, 32);
	g_assert_true(tx_verify(&u, k));

	tx_coinbase(&cb, k, 2, 50, 7, 0);
	tx_encode(&cb, k, buf);
	g_assert_true(tx_decode(buf, sizeof buf, k, &u));
	g_assert_true(tx_is_coinbase(&u));
	g_assert_cmpmem(u.id, 32, cb.id, 32);

	/* Malformed input is refused, not asserted. */
	g_assert_false(tx_decode(buf, sizeof buf - 1, k, &u));
	buf[0] = 2;
	g_assert_false(tx_decode(buf, sizeof buf, k, &u));
	buf[0] = TX_VERSION;
	buf[TX_OFF_RECIPIENT] ^= 1;
	g_assert_false(tx_decode(buf, sizeof buf, k, &u));
	tx_keys_free(k);
}

static void test_sign_verify(void)
{
	tx_keys_t *k = tx_keys_new(SEED, N);
	struct tx t = transfer(k, 0, 1, 10, 1, 0), bad;

	g_assert_true(tx_verify(&t, k));
	/* Changing a signed field breaks the id, and with the id
	 * recomputed, the signature. */
	bad = t;
	bad.amount = 11;
	g_assert_false(tx_verify(&bad, k));
	tx_compute_id(&bad, k, bad.id);
	g_assert_false(tx_verify(&bad, k));
	/* Claiming another sender. */
	bad = t;
	bad.sender = 2;
	tx_compute_id(&bad, k, bad.id);
	g_assert_false(tx_verify(&bad, k));
	/* A flipped signature bit. */
	bad = t;
	bad.sig[17] ^= 0x40;
	tx_compute_id(&bad, k, bad.id);
	g_assert_false(tx_verify(&bad, k));
	/* Unknown accounts give false, not a crash. */
	bad = t;
	bad.recipient = N;
	g_assert_false(tx_verify(&bad, k));
	bad = t;
	bad.sender = N + 7;
	g_assert_false(tx_verify(&bad, k));
	/* CREATED is not signed. */
	bad = t;
	bad.created = 999;
	g_assert_true(tx_verify(&bad, k));
	tx_keys_free(k);
}

static void test_deterministic(void)
{
	tx_keys_t *a = tx_keys_new(SEED, N), *b = tx_keys_new(SEED, N);
	tx_keys_t *c = tx_keys_new(SEED + 1, N);
	struct tx t1 = transfer(a, 2, 3, 5, 0, 1);
	struct tx t2 = transfer(b, 2, 3, 5, 0, 1);
	struct tx t3 = transfer(c, 2, 3, 5, 0, 1);
	char h1[HASH_HEX_SIZE], h2[HASH_HEX_SIZE];

	g_assert_cmpmem(t1.sig, 64, t2.sig, 64);
	g_assert_cmpmem(t1.id, 32, t2.id, 32);
	g_assert_cmpint(memcmp(t1.id, t3.id, 32), !=, 0);
	tx_id_hex(&t1, h1);
	tx_id_hex(&t2, h2);
	g_assert_cmpstr(h1, ==, h2);
	g_assert_cmpuint(strlen(h1), ==, 64);
	tx_keys_free(a);
	tx_keys_free(b);
	tx_keys_free(c);
}

static void test_coinbase(void)
{
	tx_keys_t *k = tx_keys_new(SEED, N);
	struct tx a, b;
	uint8_t msg[TX_MSG_SIZE], zero[32] = { 0 };

	tx_coinbase(&a, k, 1, 50, 1, 0);
	tx_coinbase(&b, k, 1, 50, 2, 0);
	g_assert_true(tx_is_coinbase(&a));
	g_assert_true(tx_verify(&a, k));
	g_assert_cmpint(memcmp(a.id, b.id, 32), !=, 0); /* height differs */
	tx_message(&a, k, msg);
	g_assert_cmpmem(msg + TX_OFF_SENDER, 32, zero, 32);
	g_assert_cmpuint(le(msg + TX_OFF_SEQ, 4), ==, 1);
	a.sig[0] = 1; /* a coinbase carries no signature */
	tx_compute_id(&a, k, a.id);
	g_assert_false(tx_verify(&a, k));
	tx_keys_free(k);
}

static void test_keys(void)
{
	tx_keys_t *k = tx_keys_new(SEED, N);
	const wallet_t *w = tx_keys_wallet(k, 2);
	wallet_t *direct = wallet_new(SEED, 2);
	uint32_t acc = 99;

	g_assert_cmpuint(tx_keys_count(k), ==, N);
	g_assert_true(tx_keys_wallet(k, 2) == w); /* derived once */
	g_assert_null(tx_keys_wallet(k, N));
	g_assert_cmpmem(wallet_pubkey(w), 32, wallet_pubkey(direct), 32);
	for (uint32_t i = 0; i < N; i++) {
		g_assert_true(tx_keys_find(k, wallet_address(tx_keys_wallet(k, i)),
					   &acc));
		g_assert_cmpuint(acc, ==, i);
	}
	g_assert_false(tx_keys_find(k, (const uint8_t *)"0123456789abcdef",
				    &acc));
	wallet_free(direct);
	tx_keys_free(k);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tx/layout", test_layout);
	g_test_add_func("/tx/roundtrip", test_roundtrip);
	g_test_add_func("/tx/sign-verify", test_sign_verify);
	g_test_add_func("/tx/deterministic", test_deterministic);
	g_test_add_func("/tx/coinbase", test_coinbase);
	g_test_add_func("/tx/keys", test_keys);
	return g_test_run();
}
