/* ledger: persistent per-block account states (snapshot + deltas). */
#include "powsim/ledger.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "powsim/check.h"

/* One account's state; in a delta, one touched account. */
struct entry {
	uint32_t account;
	uint32_t next_seq;
	uint64_t balance;
};

struct ledger_state {
	gint ref;
	uint32_t n;         /* accounts */
	uint32_t height;
	uint32_t depth;     /* deltas down to the snapshot; 0: a snapshot */
	ledger_state_t *parent; /* NULL for a snapshot */
	uint32_t n_e;       /* entries in E */
	struct entry *e;    /* snapshot: n entries, e[i] is account i;
			     * delta: touched accounts sorted by account */
};

struct ledger_view {
	ledger_state_t *base;
	GArray *touched;    /* struct entry, in order of first touch */
	GHashTable *idx;    /* account + 1 -> position in TOUCHED + 1 */
};

static const char *const reasons[LEDGER_N_CODES] = {
	[LEDGER_OK] = "ok",
	[LEDGER_BAD_SIGNATURE] = "bad-signature",
	[LEDGER_BAD_SEQ] = "bad-seq",
	[LEDGER_OVERSPEND] = "overspend",
	[LEDGER_BAD_COINBASE] = "bad-coinbase",
	[LEDGER_DUPLICATE] = "duplicate",
	[LEDGER_BAD_ACCOUNT] = "bad-account",
	[LEDGER_BAD_AMOUNT] = "bad-amount",
};

const char *ledger_reason(enum ledger_code code)
{
	CHECK((unsigned)code < LEDGER_N_CODES);
	return reasons[code];
}

static struct ledger_verdict verdict(enum ledger_code code, uint32_t index)
{
	struct ledger_verdict v = { code, ledger_reason(code), index };

	return v;
}

/* ---- states ---- */

static ledger_state_t *state_alloc(uint32_t n, uint32_t n_e)
{
	ledger_state_t *s = g_new0(ledger_state_t, 1);

	s->ref = 1;
	s->n = n;
	s->n_e = n_e;
	s->e = g_new0(struct entry, n_e ? n_e : 1);
	return s;
}

ledger_state_t *ledger_genesis(uint32_t n, const uint64_t *balances)
{
	ledger_state_t *s = state_alloc(n, n);

	for (uint32_t i = 0; i < n; i++) {
		s->e[i].account = i;
		s->e[i].balance = balances ? balances[i] : 0;
	}
	return s;
}

ledger_state_t *ledger_ref(ledger_state_t *s)
{
	g_atomic_int_inc(&s->ref);
	return s;
}

void ledger_unref(ledger_state_t *s)
{
	/* A loop, not recursion: a chain of deltas unwinds in place. */
	while (s != NULL && g_atomic_int_dec_and_test(&s->ref)) {
		ledger_state_t *parent = s->parent;

		g_free(s->e);
		g_free(s);
		s = parent;
	}
}

static int entry_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct entry *)a)->account;
	uint32_t y = ((const struct entry *)b)->account;

	return (x > y) - (x < y);
}

/* The entry of ACCOUNT as of S: walks at most LEDGER_SNAPSHOT_EVERY
 * deltas, O(log d) each. */
static const struct entry *lookup(const ledger_state_t *s, uint32_t account)
{
	struct entry key = { .account = account };

	CHECK(account < s->n);
	for (;;) {
		const struct entry *e;

		if (s->parent == NULL)
			return &s->e[account];
		e = bsearch(&key, s->e, s->n_e, sizeof key, entry_cmp);
		if (e != NULL)
			return e;
		s = s->parent;
	}
}

uint64_t ledger_balance(const ledger_state_t *s, uint32_t account)
{
	return lookup(s, account)->balance;
}

uint32_t ledger_next_seq(const ledger_state_t *s, uint32_t account)
{
	return lookup(s, account)->next_seq;
}

uint32_t ledger_height(const ledger_state_t *s)
{
	return s->height;
}

uint32_t ledger_accounts(const ledger_state_t *s)
{
	return s->n;
}

bool ledger_is_snapshot(const ledger_state_t *s)
{
	return s->parent == NULL;
}

uint64_t ledger_total(const ledger_state_t *s)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; i < s->n; i++)
		sum += ledger_balance(s, i);
	return sum;
}

/* A full copy of every account of S into OUT (n entries): the snapshot's
 * array, then the deltas from the oldest to S. O(n + delta sizes). */
static void materialize(const ledger_state_t *s, struct entry *out)
{
	const ledger_state_t *chain[LEDGER_SNAPSHOT_EVERY];
	uint32_t len = 0;

	for (; s->parent != NULL; s = s->parent) {
		CHECK(len < LEDGER_SNAPSHOT_EVERY);
		chain[len++] = s;
	}
	memcpy(out, s->e, sizeof *out * s->n);
	while (len-- > 0)
		for (uint32_t i = 0; i < chain[len]->n_e; i++)
			out[chain[len]->e[i].account] = chain[len]->e[i];
}

/* ---- views ---- */

ledger_view_t *ledger_view_new(ledger_state_t *base)
{
	ledger_view_t *v = g_new0(ledger_view_t, 1);

	v->base = ledger_ref(base);
	v->touched = g_array_new(FALSE, FALSE, sizeof(struct entry));
	v->idx = g_hash_table_new(NULL, NULL);
	return v;
}

void ledger_view_free(ledger_view_t *v)
{
	if (v == NULL)
		return;
	ledger_unref(v->base);
	g_array_free(v->touched, TRUE);
	g_hash_table_destroy(v->idx);
	g_free(v);
}

/* ACCOUNT's entry as V sees it, if V touched it, else NULL. */
static struct entry *view_find(ledger_view_t *v, uint32_t account)
{
	guint pos = GPOINTER_TO_UINT(
		g_hash_table_lookup(v->idx, GUINT_TO_POINTER(account + 1)));

	return pos ? &g_array_index(v->touched, struct entry, pos - 1) : NULL;
}

static struct entry view_get(ledger_view_t *v, uint32_t account)
{
	struct entry *e = view_find(v, account);

	return e ? *e : *lookup(v->base, account);
}

static void view_put(ledger_view_t *v, struct entry e)
{
	struct entry *old = view_find(v, e.account);

	if (old != NULL) {
		*old = e;
		return;
	}
	g_array_append_val(v->touched, e);
	g_hash_table_insert(v->idx, GUINT_TO_POINTER(e.account + 1),
			    GUINT_TO_POINTER(v->touched->len));
}

uint64_t ledger_view_balance(ledger_view_t *v, uint32_t account)
{
	return view_get(v, account).balance;
}

uint32_t ledger_view_next_seq(ledger_view_t *v, uint32_t account)
{
	return view_get(v, account).next_seq;
}

/* The checks of a transfer that need no state. */
static enum ledger_code check_static(const struct tx *t, uint32_t n,
				     tx_keys_t *keys)
{
	if (tx_is_coinbase(t))
		return LEDGER_BAD_COINBASE;
	if (t->sender >= n || t->recipient >= n)
		return LEDGER_BAD_ACCOUNT;
	if (t->amount > UINT64_MAX - t->fee)
		return LEDGER_BAD_AMOUNT;
	if (keys != NULL && !tx_verify(t, keys))
		return LEDGER_BAD_SIGNATURE;
	return LEDGER_OK;
}

/* The checks of a transfer against the sender's and recipient's entries
 * FROM and TO (the same account for a transfer to oneself). */
static enum ledger_code check_state(const struct tx *t, struct entry from,
				    struct entry to)
{
	uint64_t cost = t->amount + t->fee;

	if (t->seq != from.next_seq || t->seq == UINT32_MAX)
		return LEDGER_BAD_SEQ;
	if (from.balance < cost)
		return LEDGER_OVERSPEND;
	if (t->sender != t->recipient && to.balance > UINT64_MAX - t->amount)
		return LEDGER_BAD_AMOUNT;
	return LEDGER_OK;
}

struct ledger_verdict ledger_view_apply(ledger_view_t *v, const struct tx *t,
					tx_keys_t *keys)
{
	enum ledger_code c = check_static(t, v->base->n, keys);
	struct entry from, to;

	if (c != LEDGER_OK)
		return verdict(c, 0);
	from = view_get(v, t->sender);
	to = view_get(v, t->recipient);
	c = check_state(t, from, to);
	if (c != LEDGER_OK)
		return verdict(c, 0);
	from.balance -= t->amount + t->fee;
	from.next_seq++;
	view_put(v, from);
	to = view_get(v, t->recipient); /* re-read: maybe the sender */
	to.balance += t->amount;
	view_put(v, to);
	return verdict(LEDGER_OK, 0);
}

struct ledger_verdict ledger_check_tx(const ledger_state_t *s,
				      const struct tx *t, tx_keys_t *keys)
{
	enum ledger_code c = check_static(t, s->n, keys);

	if (c == LEDGER_OK)
		c = check_state(t, *lookup(s, t->sender),
				*lookup(s, t->recipient));
	return verdict(c, 0);
}

/* ---- blocks ---- */

/* Whether CB is a well-formed coinbase for a block at HEIGHT mined by
 * MINER among N accounts (the amount is checked once fees are known). */
static bool coinbase_ok(const struct tx *cb, uint32_t height, uint32_t miner,
			uint32_t n, tx_keys_t *keys)
{
	return tx_is_coinbase(cb) && cb->recipient == miner && miner < n &&
	       cb->seq == height && cb->fee == 0 &&
	       (keys == NULL || tx_verify(cb, keys));
}

/* Whether TXS[I] repeats one of TXS[1..I). O(i): failure path only. */
static bool repeats(const struct tx *const *txs, uint32_t i)
{
	for (uint32_t j = 1; j < i; j++)
		if (memcmp(txs[j]->id, txs[i]->id, HASH_SIZE) == 0)
			return true;
	return false;
}

/* Apply the transfers TXS[1..N) to V, summing their fees into *FEES.
 * Returns the first failure, or LEDGER_OK. */
static struct ledger_verdict apply_transfers(ledger_view_t *v,
					     const struct tx *const *txs,
					     uint32_t n, tx_keys_t *keys,
					     uint64_t *fees)
{
	for (uint32_t i = 1; i < n; i++) {
		struct ledger_verdict r = ledger_view_apply(v, txs[i], keys);

		if (r.code == LEDGER_BAD_SEQ && repeats(txs, i))
			r = verdict(LEDGER_DUPLICATE, i);
		r.index = i;
		if (r.code != LEDGER_OK)
			return r;
		/* Fees are at most the supply, but the rule is cheap. */
		if (*fees > UINT64_MAX - txs[i]->fee)
			return verdict(LEDGER_BAD_AMOUNT, i);
		*fees += txs[i]->fee;
	}
	return verdict(LEDGER_OK, 0);
}

/* Credit the coinbase CB (checked against REWARD + FEES) to V. */
static struct ledger_verdict apply_coinbase(ledger_view_t *v,
					    const struct tx *cb,
					    uint64_t reward, uint64_t fees)
{
	struct entry m;

	if (reward > UINT64_MAX - fees || cb->amount != reward + fees)
		return verdict(LEDGER_BAD_COINBASE, 0);
	m = view_get(v, cb->recipient);
	if (m.balance > UINT64_MAX - cb->amount)
		return verdict(LEDGER_BAD_AMOUNT, 0);
	m.balance += cb->amount;
	view_put(v, m);
	return verdict(LEDGER_OK, 0);
}

/* The state that V describes: a delta on V's base, or a snapshot when the
 * chain of deltas would reach LEDGER_SNAPSHOT_EVERY. */
static ledger_state_t *state_from_view(ledger_view_t *v)
{
	ledger_state_t *p = v->base, *s;
	GArray *t = v->touched;

	if (p->depth + 1 >= LEDGER_SNAPSHOT_EVERY) {
		s = state_alloc(p->n, p->n);
		materialize(p, s->e);
		for (guint i = 0; i < t->len; i++) {
			struct entry e = g_array_index(t, struct entry, i);

			s->e[e.account] = e;
		}
	} else {
		s = state_alloc(p->n, t->len);
		if (t->len > 0)
			memcpy(s->e, t->data, sizeof *s->e * t->len);
		qsort(s->e, t->len, sizeof *s->e, entry_cmp);
		s->parent = ledger_ref(p);
		s->depth = p->depth + 1;
	}
	s->height = p->height + 1;
	return s;
}

ledger_state_t *ledger_apply_block(ledger_state_t *parent,
				   const struct tx *const *txs, uint32_t n,
				   uint64_t reward, uint32_t miner,
				   tx_keys_t *keys, struct ledger_verdict *v)
{
	ledger_view_t *view;
	ledger_state_t *s = NULL;
	uint64_t fees = 0;

	if (n == 0 || !coinbase_ok(txs[0], parent->height + 1, miner,
				   parent->n, keys)) {
		*v = verdict(LEDGER_BAD_COINBASE, 0);
		return NULL;
	}
	view = ledger_view_new(parent);
	*v = apply_transfers(view, txs, n, keys, &fees);
	if (v->code == LEDGER_OK)
		*v = apply_coinbase(view, txs[0], reward, fees);
	if (v->code == LEDGER_OK)
		s = state_from_view(view);
	ledger_view_free(view);
	return s;
}
