/* tx: signed account-based transfers.
 *
 * A transaction moves AMOUNT from account SENDER to account RECIPIENT and
 * pays FEE to the miner that includes it. Accounts are dense indexes
 * 0..n-1; their keys come from a key table (tx_keys_t) derived from the
 * run's seed (see wallet.h). SEQ is the sender's sequence number: its
 * first transaction has seq 0, the next 1, and so on, so a replayed or
 * double-spending transaction is rejected by the ledger (ledger.h).
 *
 * The coinbase is the first transaction of a block: SENDER is TX_COINBASE,
 * RECIPIENT the miner, AMOUNT the reward plus the block's fees, FEE 0, SEQ
 * the block's height (so that coinbase ids differ), signature all zero.
 *
 * Wire format (TX_WIRE_SIZE = 133 bytes; integers little-endian). Bytes
 * 0..68 are the message that the sender signs; the id is SHA-256 of all
 * 133 bytes, i.e. SHA-256(message || signature).
 *
 *   offset size field
 *   ------ ---- ---------------------------------------------------------
 *        0    1 version, TX_VERSION
 *        1   32 sender's Ed25519 public key (all zero for the coinbase)
 *       33   16 recipient's address (wallet.h)
 *       49    8 amount
 *       57    8 fee
 *       65    4 seq (the coinbase: the block height)
 *       69   64 Ed25519 signature of bytes 0..68 (all zero for the coinbase)
 *
 * CREATED (simulated time of creation) is bookkeeping for traces: it is
 * neither signed nor sent. struct tx is a plain value; a transaction is
 * immutable once signed, and the world shares one copy between nodes.
 */
#ifndef POWSIM_TX_H
#define POWSIM_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "powsim/hash.h"
#include "powsim/simtime.h"
#include "powsim/wallet.h"

#define TX_VERSION 1
#define TX_COINBASE UINT32_MAX /* the sender of a coinbase */
#define TX_MSG_SIZE 69
#define TX_WIRE_SIZE 133

/* Byte offsets of the wire format above. */
enum {
	TX_OFF_VERSION = 0,
	TX_OFF_SENDER = 1,
	TX_OFF_RECIPIENT = 33,
	TX_OFF_AMOUNT = 49,
	TX_OFF_FEE = 57,
	TX_OFF_SEQ = 65,
	TX_OFF_SIG = 69,
};

struct tx {
	uint32_t sender;    /* account index, or TX_COINBASE */
	uint32_t recipient; /* account index */
	uint64_t amount;
	uint64_t fee;
	uint32_t seq;       /* sender's sequence number; coinbase: height */
	simtime_t created;  /* not signed, not on the wire */
	uint8_t sig[WALLET_SIG_SIZE];
	uint8_t id[HASH_SIZE]; /* set by tx_sign / tx_coinbase / tx_decode */
};

/* The key table: account index -> wallet, for a fixed seed and account
 * count. Wallets are derived lazily on first use (one Ed25519 key
 * derivation each, tens of microseconds), so a world of 100,000 accounts
 * pays only for the accounts that trade. Lookups are thread-safe. */
typedef struct tx_keys tx_keys_t;

/* A key table of N accounts under master seed SEED. Free with
 * tx_keys_free(), which frees every wallet it derived. */
tx_keys_t *tx_keys_new(uint64_t seed, uint32_t n);

/* Free K and its wallets. NULL-safe. */
void tx_keys_free(tx_keys_t *k);

/* The number of accounts of K. */
uint32_t tx_keys_count(const tx_keys_t *k);

/* The wallet of ACCOUNT, owned by K; NULL if ACCOUNT >= the count. */
const wallet_t *tx_keys_wallet(tx_keys_t *k, uint32_t account);

/* The account whose address is ADDR into *ACCOUNT; false if none.
 * The first call derives every key of K: O(n) key derivations. */
bool tx_keys_find(tx_keys_t *k, const uint8_t addr[WALLET_ADDR_SIZE],
		  uint32_t *account);

/* Whether T is a coinbase. */
bool tx_is_coinbase(const struct tx *t);

/* Fill T as the coinbase of the block at HEIGHT paying AMOUNT to MINER
 * (< account count), and set its id. */
void tx_coinbase(struct tx *t, tx_keys_t *k, uint32_t miner, uint64_t amount,
		 uint32_t height, simtime_t created);

/* The signed message of T (wire bytes 0..68) into BUF. The accounts of T
 * must exist in K (a broken invariant otherwise). */
void tx_message(const struct tx *t, tx_keys_t *k, uint8_t buf[TX_MSG_SIZE]);

/* The wire bytes of T into BUF. Same precondition as tx_message(). */
void tx_encode(const struct tx *t, tx_keys_t *k, uint8_t buf[TX_WIRE_SIZE]);

/* Sign the transfer T (not a coinbase) with its sender's key from K:
 * sets T->sig and T->id. The other fields must be final. */
void tx_sign(struct tx *t, tx_keys_t *k);

/* T's id as computed from its fields and signature into ID (it does not
 * read T->id). */
void tx_compute_id(const struct tx *t, tx_keys_t *k, uint8_t id[HASH_SIZE]);

/* Whether T is well formed and authentic: its accounts exist in K, its
 * signature verifies against the sender's key (a coinbase: is all zero),
 * and T->id matches. Costs one Ed25519 verification. Says nothing about
 * balances or sequence numbers (ledger.h does). */
bool tx_verify(const struct tx *t, tx_keys_t *k);

/* Parse LEN wire bytes at BUF into *OUT (CREATED = 0, id computed).
 * Returns false if LEN is not TX_WIRE_SIZE, the version is unknown, or a
 * key or address is not an account of K. Does not check the signature. */
bool tx_decode(const uint8_t *buf, size_t len, tx_keys_t *k, struct tx *out);

/* T->id as 64 hex digits and a NUL into OUT. */
void tx_id_hex(const struct tx *t, char out[HASH_HEX_SIZE]);

/* Bytes T takes on the wire: TX_WIRE_SIZE for every transaction. */
size_t tx_wire_size(const struct tx *t);

#endif
