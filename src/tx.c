/* tx: signed account-based transfers, their wire format and key table. */
#include "powsim/tx.h"

#include <string.h>

#include <glib.h>

#include "powsim/check.h"

struct tx_keys {
	uint64_t seed;
	uint32_t n;
	wallet_t **w;        /* n slots, each set once on first use */
	GHashTable *by_addr; /* address bytes -> index + 1, built once */
};

tx_keys_t *tx_keys_new(uint64_t seed, uint32_t n)
{
	tx_keys_t *k = g_new0(tx_keys_t, 1);

	k->seed = seed;
	k->n = n;
	k->w = g_new0(wallet_t *, n ? n : 1);
	return k;
}

void tx_keys_free(tx_keys_t *k)
{
	if (k == NULL)
		return;
	if (k->by_addr != NULL)
		g_hash_table_destroy(k->by_addr);
	for (uint32_t i = 0; i < k->n; i++)
		wallet_free(k->w[i]);
	g_free(k->w);
	g_free(k);
}

uint32_t tx_keys_count(const tx_keys_t *k)
{
	return k->n;
}

const wallet_t *tx_keys_wallet(tx_keys_t *k, uint32_t account)
{
	if (account >= k->n)
		return NULL;
	if (g_once_init_enter(&k->w[account]))
		g_once_init_leave(&k->w[account], wallet_new(k->seed, account));
	return k->w[account];
}

/* Addresses are hash output: their first bytes are already uniform. */
static guint addr_hash(gconstpointer key)
{
	const uint8_t *a = key;

	return (guint)a[0] | (guint)a[1] << 8 | (guint)a[2] << 16 |
	       (guint)a[3] << 24;
}

static gboolean addr_equal(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, WALLET_ADDR_SIZE) == 0;
}

/* The address index of K, built on first use. O(n) key derivations. */
static GHashTable *addr_index(tx_keys_t *k)
{
	if (g_once_init_enter(&k->by_addr)) {
		GHashTable *h = g_hash_table_new(addr_hash, addr_equal);

		for (uint32_t i = 0; i < k->n; i++) {
			const wallet_t *w = tx_keys_wallet(k, i);

			g_hash_table_insert(h, (gpointer)wallet_address(w),
					    GUINT_TO_POINTER(i + 1));
		}
		g_once_init_leave(&k->by_addr, h);
	}
	return k->by_addr;
}

bool tx_keys_find(tx_keys_t *k, const uint8_t addr[WALLET_ADDR_SIZE],
		  uint32_t *account)
{
	guint v = GPOINTER_TO_UINT(g_hash_table_lookup(addr_index(k), addr));

	if (v == 0)
		return false;
	*account = v - 1;
	return true;
}

bool tx_is_coinbase(const struct tx *t)
{
	return t->sender == TX_COINBASE;
}

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

void tx_message(const struct tx *t, tx_keys_t *k, uint8_t buf[TX_MSG_SIZE])
{
	const wallet_t *to = tx_keys_wallet(k, t->recipient);

	CHECK(to != NULL);
	buf[TX_OFF_VERSION] = TX_VERSION;
	if (tx_is_coinbase(t)) {
		memset(buf + TX_OFF_SENDER, 0, WALLET_PUBKEY_SIZE);
	} else {
		const wallet_t *from = tx_keys_wallet(k, t->sender);

		CHECK(from != NULL);
		memcpy(buf + TX_OFF_SENDER, wallet_pubkey(from),
		       WALLET_PUBKEY_SIZE);
	}
	memcpy(buf + TX_OFF_RECIPIENT, wallet_address(to), WALLET_ADDR_SIZE);
	put_le(buf + TX_OFF_AMOUNT, t->amount, 8);
	put_le(buf + TX_OFF_FEE, t->fee, 8);
	put_le(buf + TX_OFF_SEQ, t->seq, 4);
}

void tx_encode(const struct tx *t, tx_keys_t *k, uint8_t buf[TX_WIRE_SIZE])
{
	tx_message(t, k, buf);
	memcpy(buf + TX_OFF_SIG, t->sig, WALLET_SIG_SIZE);
}

void tx_compute_id(const struct tx *t, tx_keys_t *k, uint8_t id[HASH_SIZE])
{
	uint8_t buf[TX_WIRE_SIZE];

	tx_encode(t, k, buf);
	hash_sha256(buf, sizeof buf, id);
}

void tx_sign(struct tx *t, tx_keys_t *k)
{
	uint8_t msg[TX_MSG_SIZE];
	const wallet_t *from = tx_keys_wallet(k, t->sender);

	CHECK(from != NULL);
	tx_message(t, k, msg);
	wallet_sign(from, msg, sizeof msg, t->sig);
	tx_compute_id(t, k, t->id);
}

void tx_coinbase(struct tx *t, tx_keys_t *k, uint32_t miner, uint64_t amount,
		 uint32_t height, simtime_t created)
{
	memset(t, 0, sizeof *t);
	t->sender = TX_COINBASE;
	t->recipient = miner;
	t->amount = amount;
	t->seq = height;
	t->created = created;
	tx_compute_id(t, k, t->id);
}

static bool all_zero(const uint8_t *p, size_t len)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < len; i++)
		acc |= p[i];
	return acc == 0;
}

bool tx_verify(const struct tx *t, tx_keys_t *k)
{
	uint8_t buf[TX_WIRE_SIZE], id[HASH_SIZE];
	bool coinbase = tx_is_coinbase(t);

	if (t->recipient >= k->n || (!coinbase && t->sender >= k->n))
		return false;
	tx_encode(t, k, buf);
	hash_sha256(buf, sizeof buf, id);
	if (memcmp(id, t->id, HASH_SIZE) != 0)
		return false;
	if (coinbase)
		return all_zero(t->sig, WALLET_SIG_SIZE);
	return wallet_verify_with(tx_keys_wallet(k, t->sender), buf,
				  TX_MSG_SIZE, t->sig);
}

/* The account of the sender field at P (all zero: the coinbase). */
static bool decode_sender(const uint8_t *p, tx_keys_t *k, uint32_t *sender)
{
	uint8_t addr[WALLET_ADDR_SIZE];

	if (all_zero(p, WALLET_PUBKEY_SIZE)) {
		*sender = TX_COINBASE;
		return true;
	}
	wallet_pubkey_address(p, addr);
	if (!tx_keys_find(k, addr, sender))
		return false;
	/* An address is a truncated hash: insist on the full key. */
	return memcmp(wallet_pubkey(tx_keys_wallet(k, *sender)), p,
		      WALLET_PUBKEY_SIZE) == 0;
}

bool tx_decode(const uint8_t *buf, size_t len, tx_keys_t *k, struct tx *out)
{
	struct tx t;

	memset(&t, 0, sizeof t);
	if (len != TX_WIRE_SIZE || buf[TX_OFF_VERSION] != TX_VERSION)
		return false;
	if (!decode_sender(buf + TX_OFF_SENDER, k, &t.sender) ||
	    !tx_keys_find(k, buf + TX_OFF_RECIPIENT, &t.recipient))
		return false;
	t.amount = get_le(buf + TX_OFF_AMOUNT, 8);
	t.fee = get_le(buf + TX_OFF_FEE, 8);
	t.seq = (uint32_t)get_le(buf + TX_OFF_SEQ, 4);
	memcpy(t.sig, buf + TX_OFF_SIG, WALLET_SIG_SIZE);
	hash_sha256(buf, TX_WIRE_SIZE, t.id);
	*out = t;
	return true;
}

void tx_id_hex(const struct tx *t, char out[HASH_HEX_SIZE])
{
	hash_hex(t->id, HASH_SIZE, out);
}

size_t tx_wire_size(const struct tx *t)
{
	(void)t;
	return TX_WIRE_SIZE;
}
