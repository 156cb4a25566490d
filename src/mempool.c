/* mempool: pending transactions in arrival or fee order.
 *
 * The order lives in a GSequence (a balanced tree) of entries; two hash
 * tables index the same entries by id and by (sender, seq) for lookups
 * only. Nothing that reaches a caller comes from iterating a hash table.
 */
#include "powsim/mempool.h"

#include <string.h>

#include <glib.h>

#include "powsim/check.h"

struct entry {
	const struct tx *tx;
	uint64_t arrival;   /* per-pool counter: the FIFO rank, the tie-break */
	gint64 slot;        /* sender << 32 | seq: the by_slot key */
	GSequenceIter *it;  /* position in the order */
};

struct mempool {
	enum mempool_order order;
	uint32_t capacity;
	uint64_t arrivals;
	/* Made at the first mempool_add (NULL until then: with a million
	 * nodes, most of which never see a transaction, empty tables cost
	 * more than half a kilobyte and eight allocations a node). */
	GSequence *seq;      /* struct entry *, in pool order; owns them */
	GHashTable *by_id;   /* tx id bytes -> entry */
	GHashTable *by_slot; /* &entry->slot -> entry */
};

static guint id_hash(gconstpointer key)
{
	const uint8_t *a = key; /* hash output: already uniform */

	return (guint)a[0] | (guint)a[1] << 8 | (guint)a[2] << 16 |
	       (guint)a[3] << 24;
}

static gboolean id_equal(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, HASH_SIZE) == 0;
}

static gint64 slot_of(uint32_t sender, uint32_t seq)
{
	return (gint64)((uint64_t)sender << 32 | seq);
}

/* Pool order: fee order puts higher fees first; arrival breaks ties. */
static gint entry_cmp(gconstpointer pa, gconstpointer pb, gpointer data)
{
	const struct entry *a = pa, *b = pb;
	const mempool_t *mp = data;

	if (mp->order == MEMPOOL_FEE && a->tx->fee != b->tx->fee)
		return a->tx->fee > b->tx->fee ? -1 : 1;
	return (a->arrival > b->arrival) - (a->arrival < b->arrival);
}

mempool_t *mempool_new(enum mempool_order order, uint32_t capacity)
{
	mempool_t *mp = g_new0(mempool_t, 1);

	mp->order = order;
	mp->capacity = capacity;
	return mp;
}

/* The tables, made on first use. */
static void make_tables(mempool_t *mp)
{
	if (mp->seq)
		return;
	mp->seq = g_sequence_new(g_free);
	mp->by_id = g_hash_table_new(id_hash, id_equal);
	mp->by_slot = g_hash_table_new(g_int64_hash, g_int64_equal);
}

void mempool_free(mempool_t *mp)
{
	if (mp == NULL)
		return;
	if (mp->seq) {
		g_hash_table_destroy(mp->by_id);
		g_hash_table_destroy(mp->by_slot);
		g_sequence_free(mp->seq);
	}
	g_free(mp);
}

uint32_t mempool_size(const mempool_t *mp)
{
	return mp->by_id ? g_hash_table_size(mp->by_id) : 0;
}

const struct tx *mempool_get(const mempool_t *mp, const uint8_t id[HASH_SIZE])
{
	struct entry *e = mp->by_id ? g_hash_table_lookup(mp->by_id, id) : NULL;

	return e ? e->tx : NULL;
}

static void entry_remove(mempool_t *mp, struct entry *e)
{
	g_hash_table_remove(mp->by_id, e->tx->id);
	g_hash_table_remove(mp->by_slot, &e->slot);
	g_sequence_remove(e->it); /* frees E */
}

bool mempool_remove(mempool_t *mp, const uint8_t id[HASH_SIZE])
{
	struct entry *e = mp->by_id ? g_hash_table_lookup(mp->by_id, id) : NULL;

	if (e == NULL)
		return false;
	entry_remove(mp, e);
	return true;
}

uint32_t mempool_remove_block(mempool_t *mp, const struct tx *const *txs,
			      uint32_t n)
{
	uint32_t removed = 0;

	for (uint32_t i = 0; i < n; i++)
		removed += mempool_remove(mp, txs[i]->id);
	return removed;
}

/* Whether T is admissible on S regardless of other pending transactions
 * (see mempool_revalidate): LEDGER_OK or the reason it is not. */
static enum ledger_code admissible(const ledger_state_t *s, const struct tx *t)
{
	uint32_t n = ledger_accounts(s);

	if (tx_is_coinbase(t))
		return LEDGER_BAD_COINBASE;
	if (t->sender >= n || t->recipient >= n)
		return LEDGER_BAD_ACCOUNT;
	if (t->amount > UINT64_MAX - t->fee)
		return LEDGER_BAD_AMOUNT;
	if (t->seq < ledger_next_seq(s, t->sender))
		return LEDGER_BAD_SEQ;
	if (t->amount + t->fee > ledger_balance(s, t->sender))
		return LEDGER_OVERSPEND;
	return LEDGER_OK;
}

static struct mempool_verdict result(enum mempool_code code, const char *why)
{
	struct mempool_verdict v = { code, why, LEDGER_OK, NULL };

	return v;
}

/* Make room for T in a full pool, if its order allows. Returns whether
 * there is room now; *EVICTED is what was pushed out. */
static bool make_room(mempool_t *mp, const struct tx *t,
		      const struct tx **evicted)
{
	struct entry *last;

	if (mp->capacity == 0 || mempool_size(mp) < mp->capacity)
		return true;
	if (mp->order != MEMPOOL_FEE)
		return false;
	last = g_sequence_get(g_sequence_iter_prev(
		g_sequence_get_end_iter(mp->seq)));
	if (t->fee <= last->tx->fee)
		return false;
	*evicted = last->tx;
	entry_remove(mp, last);
	return true;
}

static void entry_insert(mempool_t *mp, const struct tx *t)
{
	struct entry *e = g_new0(struct entry, 1);

	e->tx = t;
	e->arrival = mp->arrivals++;
	e->slot = slot_of(t->sender, t->seq);
	e->it = g_sequence_insert_sorted(mp->seq, e, entry_cmp, mp);
	g_hash_table_insert(mp->by_id, (gpointer)t->id, e);
	g_hash_table_insert(mp->by_slot, &e->slot, e);
}

struct mempool_verdict mempool_add(mempool_t *mp, const struct tx *t,
				   const ledger_state_t *tip)
{
	struct mempool_verdict v;
	gint64 slot = slot_of(t->sender, t->seq);

	make_tables(mp);
	if (g_hash_table_contains(mp->by_id, t->id))
		return result(MEMPOOL_DUPLICATE, "duplicate");
	if (g_hash_table_contains(mp->by_slot, &slot))
		return result(MEMPOOL_CONFLICT, "conflict");
	if (tip != NULL) {
		enum ledger_code c = admissible(tip, t);

		if (c != LEDGER_OK) {
			v = result(MEMPOOL_INVALID, ledger_reason(c));
			v.ledger = c;
			return v;
		}
	}
	v = result(MEMPOOL_ADDED, "added");
	if (!make_room(mp, t, &v.evicted))
		return result(MEMPOOL_FULL, "mempool-full");
	entry_insert(mp, t);
	return v;
}

uint32_t mempool_list(const mempool_t *mp, const struct tx **out,
		      uint32_t max)
{
	uint32_t k = 0;

	if (!mp->seq)
		return 0;
	for (GSequenceIter *it = g_sequence_get_begin_iter(mp->seq);
	     k < max && !g_sequence_iter_is_end(it);
	     it = g_sequence_iter_next(it))
		out[k++] = ((struct entry *)g_sequence_get(it))->tx;
	return k;
}

/* Template building state for mempool_select(). */
struct selection {
	ledger_view_t *view;
	GHashTable *waiting; /* slot -> tx ahead of its sender (gint64 *) */
	GArray *slots;       /* storage of the waiting keys */
	const struct tx **out;
	uint32_t n, max;
};

/* Take T if it applies on the view, then the waiting successors of its
 * sender that follow in sequence. */
static void take(struct selection *s, const struct tx *t)
{
	while (t != NULL && s->n < s->max) {
		gint64 next;

		if (ledger_view_apply(s->view, t, NULL).code != LEDGER_OK)
			return;
		s->out[s->n++] = t;
		if (t->seq == UINT32_MAX)
			return;
		next = slot_of(t->sender, t->seq + 1);
		t = g_hash_table_lookup(s->waiting, &next);
	}
}

static void consider(struct selection *s, const struct tx *t, uint32_t n_acc)
{
	uint32_t next;

	if (tx_is_coinbase(t) || t->sender >= n_acc)
		return;
	next = ledger_view_next_seq(s->view, t->sender);
	if (t->seq == next) {
		take(s, t);
	} else if (t->seq > next) {
		/* Keys live in a GArray that never moves while in use: it
		 * is sized for the whole pool before the walk. */
		gint64 slot = slot_of(t->sender, t->seq);

		g_array_append_val(s->slots, slot);
		g_hash_table_insert(s->waiting,
				    &g_array_index(s->slots, gint64,
						   s->slots->len - 1),
				    (gpointer)t);
	}
}

uint32_t mempool_select(const mempool_t *mp, ledger_state_t *tip,
			uint32_t max, const struct tx **out)
{
	struct selection s = { .out = out, .max = max };
	if (!mp->seq)
		return 0;
	uint32_t n_acc = ledger_accounts(tip);

	s.view = ledger_view_new(tip);
	s.waiting = g_hash_table_new(g_int64_hash, g_int64_equal);
	s.slots = g_array_sized_new(FALSE, FALSE, sizeof(gint64),
				    mempool_size(mp));
	for (GSequenceIter *it = g_sequence_get_begin_iter(mp->seq);
	     s.n < max && !g_sequence_iter_is_end(it);
	     it = g_sequence_iter_next(it))
		consider(&s, ((struct entry *)g_sequence_get(it))->tx, n_acc);
	g_hash_table_destroy(s.waiting);
	g_array_free(s.slots, TRUE);
	ledger_view_free(s.view);
	return s.n;
}

uint32_t mempool_revalidate(mempool_t *mp, const ledger_state_t *tip,
			    uint32_t drops[LEDGER_N_CODES],
			    mempool_drop_fn fn, void *ctx)
{
	if (!mp->seq)
		return 0;
	GSequenceIter *it = g_sequence_get_begin_iter(mp->seq);
	uint32_t dropped = 0;

	while (!g_sequence_iter_is_end(it)) {
		struct entry *e = g_sequence_get(it);
		enum ledger_code c = admissible(tip, e->tx);

		it = g_sequence_iter_next(it);
		if (c == LEDGER_OK)
			continue;
		if (drops != NULL)
			drops[c]++;
		if (fn != NULL)
			fn(ctx, e->tx, c);
		entry_remove(mp, e);
		dropped++;
	}
	return dropped;
}

bool mempool_holds_seq(const mempool_t *mp, uint32_t sender, uint32_t seq)
{
	gint64 slot = slot_of(sender, seq);
	return mp->by_slot && g_hash_table_contains(mp->by_slot, &slot);
}

void mempool_check(const mempool_t *mp)
{
	if (!mp->seq)
		return;
	GSequenceIter *it = g_sequence_get_begin_iter(mp->seq);
	const struct entry *prev = NULL;
	guint n = 0;

	for (; !g_sequence_iter_is_end(it); it = g_sequence_iter_next(it)) {
		const struct entry *e = g_sequence_get(it);
		gint64 slot = slot_of(e->tx->sender, e->tx->seq);

		CHECK(e->it == it);
		CHECK(g_hash_table_lookup(mp->by_id, e->tx->id) == e);
		CHECK(g_hash_table_lookup(mp->by_slot, &slot) == e);
		if (prev != NULL)
			CHECK(entry_cmp(prev, e, (gpointer)mp) < 0);
		prev = e;
		n++;
	}
	CHECK(n == g_hash_table_size(mp->by_id));
	CHECK(n == g_hash_table_size(mp->by_slot));
	CHECK(mp->capacity == 0 || n <= mp->capacity);
}
